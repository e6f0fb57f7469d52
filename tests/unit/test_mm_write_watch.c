/*
 * test_mm_write_watch.c - MEM_WRITE_WATCH, NtGetWriteWatch and
 * NtResetWriteWatch: which pages of a watched reservation were written,
 * whoever wrote them (the program, NtWriteVirtualMemory, a service's
 * results), and the statuses Wine's kernel32 tests record on Windows
 * (docs/memory-manager.md, "Write watches").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ke/context.h"
#include "ntsim/ntsim.h"
#include "win32_fixture.h"

static ULONG_PTR watched(fixture *f, SIZE_T size)
{
    ULONG_PTR base = 0;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &base, 0, &size,
                                             MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE),
                     STATUS_SUCCESS);
    return base;
}

static void write_at(fixture *f, ULONG_PTR at)
{
    unsigned char b = 1;
    assert_int_equal(ntsim_write_memory(f->sys, at, &b, 1), STATUS_SUCCESS);
}

/* The written pages of [base, base + size), at most cap. */
static ULONG_PTR written(fixture *f, ULONG flags, ULONG_PTR base, SIZE_T size, ULONG_PTR *pages, ULONG_PTR cap)
{
    ULONG granularity = 0;
    ULONG_PTR count = cap;
    assert_int_equal(NtGetWriteWatch(f->sys, NtCurrentProcess(), flags, base, size, pages, &count, &granularity),
                     STATUS_SUCCESS);
    assert_int_equal(granularity, 0x1000);
    return count;
}

static void written_pages_are_listed_lowest_first(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = watched(f, 0x10000), pages[16];
    assert_int_equal(written(f, 0, base, 0x10000, pages, 16), 0); /* fresh pages are not written */
    write_at(f, base + 0x3004);
    write_at(f, base + 0x1000);
    write_at(f, base + 0x1FFF);
    assert_int_equal(written(f, 0, base, 0x10000, pages, 16), 2);
    assert_int_equal(pages[0], base + 0x1000);
    assert_int_equal(pages[1], base + 0x3000);
    assert_int_equal(written(f, 0, base + 0x2000, 0x2000, pages, 16), 1); /* only the range asked */
    assert_int_equal(pages[0], base + 0x3000);
}

static void the_reset_flag_forgets_only_the_pages_listed(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = watched(f, 0x10000), pages[16];
    write_at(f, base);
    write_at(f, base + 0x5000);
    write_at(f, base + 0x9000);
    assert_int_equal(written(f, WRITE_WATCH_FLAG_RESET, base, 0x10000, pages, 2), 2);
    assert_int_equal(pages[1], base + 0x5000);
    assert_int_equal(written(f, 0, base, 0x10000, pages, 16), 1);
    assert_int_equal(pages[0], base + 0x9000);
}

static void reset_write_watch_forgets_the_range(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = watched(f, 0x10000), pages[16];
    write_at(f, base);
    write_at(f, base + 0x8000);
    assert_int_equal(NtResetWriteWatch(f->sys, NtCurrentProcess(), base, 0x8000), STATUS_SUCCESS);
    assert_int_equal(written(f, 0, base, 0x10000, pages, 16), 1);
    assert_int_equal(pages[0], base + 0x8000);
}

static void a_range_not_watched_is_an_invalid_parameter(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = watched(f, 0x10000), pages[4], count = 4, plain = 0;
    ULONG granularity;
    SIZE_T size = 0x10000;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &plain, 0, &size, MEM_RESERVE | MEM_COMMIT,
                                             PAGE_READWRITE),
                     STATUS_SUCCESS);
    assert_int_equal(NtGetWriteWatch(f->sys, NtCurrentProcess(), 0, plain, 0x1000, pages, &count, &granularity),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(NtResetWriteWatch(f->sys, NtCurrentProcess(), plain, 0x1000), STATUS_INVALID_PARAMETER);
    assert_int_equal(NtGetWriteWatch(f->sys, NtCurrentProcess(), 0, base, 0, pages, &count, &granularity),
                     STATUS_INVALID_PARAMETER); /* an empty range */
    assert_int_equal(NtGetWriteWatch(f->sys, NtCurrentProcess(), 0, base, 0x11000, pages, &count, &granularity),
                     STATUS_INVALID_PARAMETER); /* past the allocation */
    assert_int_equal(NtGetWriteWatch(f->sys, NtCurrentProcess(), 2, base, 0x1000, pages, &count, &granularity),
                     STATUS_INVALID_PARAMETER); /* a flag but WRITE_WATCH_FLAG_RESET */
    assert_int_equal(NtResetWriteWatch(f->sys, NtCurrentProcess(), base, 0), STATUS_INVALID_PARAMETER);
}

static void the_kernels_writes_count_too(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = watched(f, 0x10000), pages[16];
    unsigned char b[8] = { 1 };
    SIZE_T done = 0;
    assert_int_equal(NtWriteVirtualMemory(f->sys, NtCurrentProcess(), base + 0x2000, b, sizeof b, &done),
                     STATUS_SUCCESS);
    /* A service's results written into the watched memory (the caller's buffer). */
    assert_int_equal(ntsim_touch_memory(f->sys, base + 0x6000, NTSIM_WRITE), STATUS_SUCCESS);
    assert_int_equal(written(f, 0, base, 0x10000, pages, 16), 2);
    assert_int_equal(pages[0], base + 0x2000);
    assert_int_equal(pages[1], base + 0x6000);
}

static void a_services_output_marks_the_page(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = watched(f, 0x10000), pages[16];
    /* NtQueryVirtualMemory writing its answer into the watched page, as a program's call would. */
    ULONG64 a[] = { (ULONG64)-1, base, MemoryBasicInformation, base + 0x4000, 48, 0 };
    assert_int_equal(ntsim_system_call(f->sys, 0x23, a, 6), STATUS_SUCCESS);
    assert_int_equal(written(f, 0, base, 0x10000, pages, 16), 1);
    assert_int_equal(pages[0], base + 0x4000);
}

static void decommitted_pages_are_not_written_any_more(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = watched(f, 0x10000), pages[16], at = base;
    write_at(f, base);
    write_at(f, base + 0x1000);
    SIZE_T size = 0x1000;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &at, &size, MEM_DECOMMIT), STATUS_SUCCESS);
    assert_int_equal(written(f, 0, base, 0x10000, pages, 16), 1);
    assert_int_equal(pages[0], base + 0x1000);
}

static void region_information_flags_a_watched_allocation(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = watched(f, 0x10000);
    MEMORY_REGION_INFORMATION r;
    assert_int_equal(NtQueryVirtualMemory(f->sys, NtCurrentProcess(), base, MemoryRegionInformation, &r, sizeof r,
                                          NULL),
                     STATUS_SUCCESS);
    assert_int_equal(r.RegionType, 0x401); /* Private, MappedWriteWatch */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(written_pages_are_listed_lowest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(the_reset_flag_forgets_only_the_pages_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(reset_write_watch_forgets_the_range, setup, teardown),
        cmocka_unit_test_setup_teardown(a_range_not_watched_is_an_invalid_parameter, setup, teardown),
        cmocka_unit_test_setup_teardown(the_kernels_writes_count_too, setup, teardown),
        cmocka_unit_test_setup_teardown(a_services_output_marks_the_page, setup, teardown),
        cmocka_unit_test_setup_teardown(decommitted_pages_are_not_written_any_more, setup, teardown),
        cmocka_unit_test_setup_teardown(region_information_flags_a_watched_allocation, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
