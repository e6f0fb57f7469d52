/*
 * test_mm_copies.c - NtReadVirtualMemory and NtWriteVirtualMemory as x64
 * Windows 10 (1607 and later) answers them: the rights on the handle, the
 * order of the checks, STATUS_PARTIAL_COPY and its count on either side of
 * the copy, guard and no-access pages. The answers are those Wine's kernel32
 * tests record on Windows; docs/memory-manager.md ("Copies between
 * processes") gives the model.
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

#define BAD_HANDLE ((HANDLE)(uintptr_t)0x1234)

static HANDLE open_other(fixture *f, ACCESS_MASK access)
{
    CLIENT_ID cid = { f->other_pid, 0 };
    HANDLE h = NULL;
    assert_int_equal(NtOpenProcess(f->sys, &h, access, &cid), STATUS_SUCCESS);
    return h;
}

static ULONG_PTR alloc_in(fixture *f, HANDLE process, SIZE_T size, ULONG protect)
{
    ULONG_PTR base = 0;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, process, &base, 0, &size, MEM_RESERVE | MEM_COMMIT, protect),
                     STATUS_SUCCESS);
    return base;
}

static void protect_in(fixture *f, HANDLE process, ULONG_PTR base, SIZE_T size, ULONG protect)
{
    ULONG old;
    assert_int_equal(NtProtectVirtualMemory(f->sys, process, &base, &size, protect, &old), STATUS_SUCCESS);
}

static ULONG service(const char *name)
{
    ULONG n;
    assert_int_equal(ntsim_service_number(name, &n), STATUS_SUCCESS);
    return n;
}

/* The call as a program's code makes it: Buffer and the count in its own memory. */
static NTSTATUS raw_copy(fixture *f, const char *name, HANDLE process, ULONG_PTR address, ULONG_PTR buffer,
                         SIZE_T length, ULONG_PTR count)
{
    ULONG64 a[] = { (ULONG64)(uintptr_t)process, address, buffer, length, count };
    return ntsim_system_call(f->sys, service(name), a, 5);
}

static SIZE_T get_count(fixture *f, ULONG_PTR at)
{
    SIZE_T v = 0;
    assert_int_equal(ntsim_read_memory(f->sys, at, &v, sizeof v), STATUS_SUCCESS);
    return v;
}

static void put_count(fixture *f, ULONG_PTR at, SIZE_T v)
{
    assert_int_equal(ntsim_write_memory(f->sys, at, &v, sizeof v), STATUS_SUCCESS);
}

static void a_read_needs_vm_read_on_the_handle(void **state)
{
    fixture *f = *state;
    HANDLE all = open_other(f, PROCESS_ALL_ACCESS), h = open_other(f, PROCESS_VM_WRITE | PROCESS_VM_OPERATION);
    ULONG_PTR there = alloc_in(f, all, 0x1000, PAGE_READWRITE);
    char buf[8];
    SIZE_T n = 5;
    assert_int_equal(NtReadVirtualMemory(f->sys, h, there, buf, sizeof buf, &n), STATUS_ACCESS_DENIED);
    assert_int_equal(n, 0);
}

static void a_write_needs_vm_write_on_the_handle(void **state)
{
    fixture *f = *state;
    HANDLE all = open_other(f, PROCESS_ALL_ACCESS), h = open_other(f, PROCESS_VM_READ | PROCESS_VM_OPERATION);
    ULONG_PTR there = alloc_in(f, all, 0x1000, PAGE_READWRITE);
    SIZE_T n = 5;
    assert_int_equal(NtWriteVirtualMemory(f->sys, h, there, "abc", 3, &n), STATUS_ACCESS_DENIED);
    assert_int_equal(n, 0);
}

static void a_copy_of_nothing_looks_at_no_handle(void **state)
{
    fixture *f = *state;
    char buf[1];
    SIZE_T n = 5;
    assert_int_equal(NtReadVirtualMemory(f->sys, BAD_HANDLE, 0x10000, buf, 0, &n), STATUS_SUCCESS);
    assert_int_equal(n, 0);
}

static void a_range_past_user_space_fails_before_the_handle_and_the_count(void **state)
{
    fixture *f = *state;
    char buf[8];
    SIZE_T n = 5;
    assert_int_equal(NtReadVirtualMemory(f->sys, BAD_HANDLE, 0x7FFFFFFEFFF9ull, buf, sizeof buf, &n),
                     STATUS_ACCESS_VIOLATION);
    assert_int_equal(n, 5);
}

static void a_copy_without_a_count_is_fine(void **state)
{
    fixture *f = *state;
    HANDLE h = open_other(f, PROCESS_ALL_ACCESS);
    ULONG_PTR there = alloc_in(f, h, 0x1000, PAGE_READWRITE);
    char back[4] = { 0 };
    assert_int_equal(NtWriteVirtualMemory(f->sys, h, there, "abc", 4, NULL), STATUS_SUCCESS);
    assert_int_equal(NtReadVirtualMemory(f->sys, h, there, back, 4, NULL), STATUS_SUCCESS);
    assert_string_equal(back, "abc");
}

static void a_write_stops_at_the_first_read_only_page_of_the_target(void **state)
{
    fixture *f = *state;
    HANDLE h = open_other(f, PROCESS_ALL_ACCESS);
    ULONG_PTR there = alloc_in(f, h, 0x8000, PAGE_EXECUTE_READWRITE);
    protect_in(f, h, there + 0x2000, 0x6000, PAGE_READONLY);
    static char src[0x8000];
    SIZE_T n = 0;
    assert_int_equal(NtWriteVirtualMemory(f->sys, h, there, src, sizeof src, &n), STATUS_PARTIAL_COPY);
    assert_int_equal(n, 0x2000);
}

static void a_write_to_execute_read_pages_copies_nothing(void **state)
{
    fixture *f = *state;
    HANDLE h = open_other(f, PROCESS_ALL_ACCESS);
    ULONG_PTR there = alloc_in(f, h, 0x1000, PAGE_EXECUTE_READ);
    SIZE_T n = 5;
    assert_int_equal(NtWriteVirtualMemory(f->sys, h, there, "abc", 3, &n), STATUS_PARTIAL_COPY);
    assert_int_equal(n, 0);
}

static void a_write_from_a_buffer_unreadable_in_its_first_chunk_copies_nothing(void **state)
{
    fixture *f = *state;
    HANDLE h = open_other(f, PROCESS_ALL_ACCESS);
    ULONG_PTR there = alloc_in(f, h, 0x8000, PAGE_READWRITE);
    ULONG_PTR src = alloc_in(f, NtCurrentProcess(), 0x9000, PAGE_READWRITE), count = src + 0x8000;
    protect_in(f, NtCurrentProcess(), src + 0x2000, 0x2000, PAGE_NOACCESS);
    put_count(f, count, 5);
    assert_int_equal(raw_copy(f, "NtWriteVirtualMemory", h, there, src, 0x8000, count), STATUS_PARTIAL_COPY);
    assert_int_equal(get_count(f, count), 0);
}

static void a_read_into_a_buffer_unwritable_past_0x2000_copies_0x2000(void **state)
{
    fixture *f = *state;
    HANDLE h = open_other(f, PROCESS_ALL_ACCESS);
    ULONG_PTR there = alloc_in(f, h, 0x8000, PAGE_READWRITE);
    ULONG_PTR dst = alloc_in(f, NtCurrentProcess(), 0x9000, PAGE_READWRITE), count = dst + 0x8000;
    protect_in(f, NtCurrentProcess(), dst + 0x2000, 0x2000, PAGE_NOACCESS);
    assert_int_equal(raw_copy(f, "NtReadVirtualMemory", h, there, dst, 0x8000, count), STATUS_PARTIAL_COPY);
    assert_int_equal(get_count(f, count), 0x2000);
}

static void a_large_read_with_a_hole_in_its_second_chunk_copies_the_first(void **state)
{
    fixture *f = *state;
    HANDLE h = open_other(f, PROCESS_ALL_ACCESS);
    ULONG_PTR there = alloc_in(f, h, 0x20000, PAGE_READWRITE);
    protect_in(f, h, there + 0xF000, 0x1000, PAGE_NOACCESS); /* chunks are 14 pages: 0xE000 */
    static char buf[0x20000];
    SIZE_T n = 0;
    assert_int_equal(NtReadVirtualMemory(f->sys, h, there, buf, sizeof buf, &n), STATUS_PARTIAL_COPY);
    assert_int_equal(n, 0xE000);
}

static void a_read_of_no_access_memory_copies_nothing(void **state)
{
    fixture *f = *state;
    HANDLE h = open_other(f, PROCESS_ALL_ACCESS);
    ULONG_PTR there = alloc_in(f, h, 0x1000, PAGE_NOACCESS);
    char buf[16];
    SIZE_T n = 5;
    assert_int_equal(NtReadVirtualMemory(f->sys, h, there, buf, sizeof buf, &n), STATUS_PARTIAL_COPY);
    assert_int_equal(n, 0);
}

static void a_read_of_a_guard_page_fails_once_and_takes_the_guard(void **state)
{
    fixture *f = *state;
    HANDLE h = open_other(f, PROCESS_ALL_ACCESS);
    ULONG_PTR there = alloc_in(f, h, 0x1000, PAGE_READWRITE | PAGE_GUARD);
    char buf[16];
    SIZE_T n = 5;
    assert_int_equal(NtReadVirtualMemory(f->sys, h, there, buf, sizeof buf, &n), STATUS_PARTIAL_COPY);
    assert_int_equal(n, 0);
    assert_int_equal(NtReadVirtualMemory(f->sys, h, there, buf, sizeof buf, &n), STATUS_SUCCESS);
    assert_int_equal(n, sizeof buf);
}

/* Up to 511 bytes NT copies through a kernel buffer (WRK readwrt.c: MiDoPoolCopy,
   POOL_MOVE_THRESHOLD): a fault filling it from the source moved nothing, and
   the count is the chunks before it, 0; a fault on the destination counts the
   bytes stored before it. Found by the Wine differential (ntsim counted the
   source bytes read before the fault, which never reached the destination). */
static void a_short_copy_whose_source_faults_copies_nothing(void **state)
{
    fixture *f = *state;
    HANDLE h = open_other(f, PROCESS_ALL_ACCESS);
    ULONG_PTR there = alloc_in(f, h, 0x2000, PAGE_READWRITE);
    protect_in(f, h, there + 0x1000, 0x1000, PAGE_NOACCESS);
    char buf[0x10] = { 0 };
    SIZE_T n = 5;
    assert_int_equal(NtReadVirtualMemory(f->sys, h, there + 0xFF8, buf, sizeof buf, &n), STATUS_PARTIAL_COPY);
    assert_int_equal(n, 0);
    ULONG_PTR src = alloc_in(f, NtCurrentProcess(), 0x3000, PAGE_READWRITE), count = src + 0x2000;
    protect_in(f, NtCurrentProcess(), src + 0x1000, 0x1000, PAGE_NOACCESS);
    put_count(f, count, 5);
    assert_int_equal(raw_copy(f, "NtWriteVirtualMemory", h, there, src + 0xFF8, 0x10, count), STATUS_PARTIAL_COPY);
    assert_int_equal(get_count(f, count), 0);
    /* 511 bytes are a pool copy, 512 a mapped one: either way the source's fault counts 0 */
    static char big[512];
    for (SIZE_T len = 511; len <= 512; len++) {
        n = 5;
        assert_int_equal(NtReadVirtualMemory(f->sys, h, there + 0x1000 - 0x100, big, len, &n), STATUS_PARTIAL_COPY);
        assert_int_equal(n, 0);
    }
}

static void a_short_copy_whose_destination_faults_counts_the_bytes_before_it(void **state)
{
    fixture *f = *state;
    HANDLE h = open_other(f, PROCESS_ALL_ACCESS);
    ULONG_PTR there = alloc_in(f, h, 0x2000, PAGE_READWRITE);
    protect_in(f, h, there + 0x1000, 0x1000, PAGE_READONLY);
    SIZE_T n = 5;
    assert_int_equal(NtWriteVirtualMemory(f->sys, h, there + 0xFF8, "0123456789abcdef", 0x10, &n),
                     STATUS_PARTIAL_COPY);
    assert_int_equal(n, 8);
    char back[8];
    assert_int_equal(NtReadVirtualMemory(f->sys, h, there + 0xFF8, back, sizeof back, &n), STATUS_SUCCESS);
    assert_memory_equal(back, "01234567", 8);
}

/* The process's own load or store on a guard page raises
   STATUS_GUARD_PAGE_VIOLATION and clears the guard ("Creating Guard Pages");
   found by the Wine differential, where ntsim answered an access violation. */
static void the_processs_own_access_to_a_guard_page_raises_a_guard_violation_once(void **state)
{
    fixture *f = *state;
    ULONG_PTR here = alloc_in(f, NtCurrentProcess(), 0x2000, PAGE_READWRITE | PAGE_GUARD);
    char b[8] = { 1 };
    assert_int_equal(ntsim_read_memory(f->sys, here + 0x10, b, sizeof b), STATUS_GUARD_PAGE_VIOLATION);
    assert_int_equal(ntsim_read_memory(f->sys, here + 0x10, b, sizeof b), STATUS_SUCCESS);
    assert_int_equal(ntsim_write_memory(f->sys, here + 0x1000, b, sizeof b), STATUS_GUARD_PAGE_VIOLATION);
    assert_int_equal(ntsim_write_memory(f->sys, here + 0x1000, b, sizeof b), STATUS_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(a_read_needs_vm_read_on_the_handle),
        T(a_write_needs_vm_write_on_the_handle),
        T(a_copy_of_nothing_looks_at_no_handle),
        T(a_range_past_user_space_fails_before_the_handle_and_the_count),
        T(a_copy_without_a_count_is_fine),
        T(a_write_stops_at_the_first_read_only_page_of_the_target),
        T(a_write_to_execute_read_pages_copies_nothing),
        T(a_write_from_a_buffer_unreadable_in_its_first_chunk_copies_nothing),
        T(a_read_into_a_buffer_unwritable_past_0x2000_copies_0x2000),
        T(a_large_read_with_a_hole_in_its_second_chunk_copies_the_first),
        T(a_read_of_no_access_memory_copies_nothing),
        T(a_read_of_a_guard_page_fails_once_and_takes_the_guard),
        T(the_processs_own_access_to_a_guard_page_raises_a_guard_violation_once),
        T(a_short_copy_whose_source_faults_copies_nothing),
        T(a_short_copy_whose_destination_faults_counts_the_bytes_before_it),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
