/*
 * test_mm_view_placeholders.c - NtMapViewOfSectionEx: a view in place of a
 * placeholder it covers exactly (MapViewOfFile3's documentation: the base
 * and size must match the placeholder's), address requirements bounding
 * the system's choice as for NtAllocateVirtualMemoryEx, and the Ex call's
 * unnumbered STATUS_INVALID_PARAMETER; NtUnmapViewOfSectionEx's
 * MEM_PRESERVE_PLACEHOLDER giving the placeholder back (UnmapViewOfFile2's
 * documentation) (docs/memory-manager.md, "Placeholders").
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

static ULONG_PTR placeholder(fixture *f, SIZE_T size)
{
    ULONG_PTR b = 0;
    assert_int_equal(NtAllocateVirtualMemoryEx(f->sys, NtCurrentProcess(), &b, &size,
                                               MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS, NULL, 0),
                     STATUS_SUCCESS);
    return b;
}

static HANDLE section(fixture *f, LONG64 size)
{
    HANDLE h;
    assert_int_equal(NtCreateSection(f->sys, &h, SECTION_ALL_ACCESS, NULL, &size, PAGE_READWRITE, SEC_COMMIT, NULL),
                     STATUS_SUCCESS);
    return h;
}

static NTSTATUS map_ex(fixture *f, HANDLE h, ULONG_PTR *base, SIZE_T size, ULONG type,
                       const MEM_EXTENDED_PARAMETER *p, ULONG n)
{
    LONG64 offset = 0;
    return NtMapViewOfSectionEx(f->sys, h, NtCurrentProcess(), base, &offset, &size, type, PAGE_READWRITE, p, n);
}

static MEMORY_BASIC_INFORMATION query(fixture *f, ULONG_PTR at)
{
    MEMORY_BASIC_INFORMATION m;
    assert_int_equal(NtQueryVirtualMemory(f->sys, NtCurrentProcess(), at, MemoryBasicInformation, &m, sizeof m, NULL),
                     STATUS_SUCCESS);
    return m;
}

static void a_view_replaces_the_placeholder_it_covers_exactly(void **state)
{
    fixture *f = *state;
    ULONG_PTR b = placeholder(f, 0x20000), at = b;
    HANDLE h = section(f, 0x20000);
    assert_int_equal(map_ex(f, h, &at, 0x20000, MEM_REPLACE_PLACEHOLDER, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(at, b);
    MEMORY_BASIC_INFORMATION m = query(f, b + 0x10000);
    assert_int_equal(m.Type, MEM_MAPPED);
    assert_int_equal(m.State, MEM_COMMIT);
    assert_int_equal(m.AllocationBase, b);
    assert_int_equal(m.RegionSize, 0x10000);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), b), STATUS_SUCCESS);
    assert_int_equal(query(f, b).State, MEM_FREE); /* the plain unmap leaves no placeholder behind */
    NtClose(f->sys, h);
}

static void a_view_not_covering_a_placeholder_exactly_is_a_conflict(void **state)
{
    fixture *f = *state;
    ULONG_PTR b = placeholder(f, 0x20000), at = b;
    HANDLE h = section(f, 0x30000);
    assert_int_equal(map_ex(f, h, &at, 0x10000, MEM_REPLACE_PLACEHOLDER, NULL, 0), STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(map_ex(f, h, &at, 0x30000, MEM_REPLACE_PLACEHOLDER, NULL, 0), STATUS_CONFLICTING_ADDRESSES);
    at = b + 0x10000;
    assert_int_equal(map_ex(f, h, &at, 0x10000, MEM_REPLACE_PLACEHOLDER, NULL, 0), STATUS_CONFLICTING_ADDRESSES);
    at = b + 0x1000;
    assert_int_equal(map_ex(f, h, &at, 0x10000, MEM_REPLACE_PLACEHOLDER, NULL, 0), STATUS_MAPPED_ALIGNMENT);
    at = b;
    assert_int_equal(map_ex(f, h, &at, 0x20000, 0, NULL, 0), STATUS_CONFLICTING_ADDRESSES); /* a plain view */
    MEMORY_BASIC_INFORMATION m = query(f, b);
    assert_int_equal(m.State, MEM_RESERVE); /* the placeholder stands, whole */
    assert_int_equal(m.RegionSize, 0x20000);
    NtClose(f->sys, h);
}

static void a_replacement_over_anything_but_a_placeholder_is_a_conflict(void **state)
{
    fixture *f = *state;
    ULONG_PTR b = 0;
    SIZE_T size = 0x10000;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &b, 0, &size, MEM_RESERVE, PAGE_NOACCESS),
                     STATUS_SUCCESS);
    HANDLE h = section(f, 0x10000);
    ULONG_PTR at = b;
    assert_int_equal(map_ex(f, h, &at, 0x10000, MEM_REPLACE_PLACEHOLDER, NULL, 0), STATUS_CONFLICTING_ADDRESSES);
    at = 0x300000000; /* free */
    assert_int_equal(map_ex(f, h, &at, 0x10000, MEM_REPLACE_PLACEHOLDER, NULL, 0), STATUS_CONFLICTING_ADDRESSES);
    NtClose(f->sys, h);
}

static void the_ex_calls_flag_errors_are_plain_invalid_parameter(void **state)
{
    fixture *f = *state;
    HANDLE h = section(f, 0x10000);
    ULONG_PTR at = 0;
    assert_int_equal(map_ex(f, h, &at, 0x10000, MEM_REPLACE_PLACEHOLDER, NULL, 0), STATUS_INVALID_PARAMETER);
    at = placeholder(f, 0x10000);
    assert_int_equal(map_ex(f, h, &at, 0x10000, MEM_REPLACE_PLACEHOLDER | MEM_TOP_DOWN, NULL, 0),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(map_ex(f, h, &at, 0x10000, MEM_COMMIT, NULL, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(map_ex(f, h, &at, 0x10000, MEM_REPLACE_PLACEHOLDER, NULL, 1), STATUS_INVALID_PARAMETER);
    LONG64 offset = 0;
    SIZE_T size = 0x10000;
    assert_int_equal(NtMapViewOfSectionEx(f->sys, h, NtCurrentProcess(), &at, &offset, &size, MEM_REPLACE_PLACEHOLDER,
                                          PAGE_GUARD, NULL, 0),
                     STATUS_INVALID_PAGE_PROTECTION);
    NtClose(f->sys, h);
}

static void address_requirements_bound_a_views_place(void **state)
{
    fixture *f = *state;
    HANDLE h = section(f, 0x10000);
    MEM_ADDRESS_REQUIREMENTS r = { .LowestStartingAddress = 0x300000000, .Alignment = 0x100000 };
    MEM_EXTENDED_PARAMETER p = { .Type = MemExtendedParameterAddressRequirements };
    p.Pointer = &r;
    ULONG_PTR at = 0;
    assert_int_equal(map_ex(f, h, &at, 0x10000, 0, &p, 1), STATUS_SUCCESS);
    assert_true(at >= 0x300000000);
    assert_int_equal(at % 0x100000, 0);
    at = 0x310000000;
    assert_int_equal(map_ex(f, h, &at, 0x10000, 0, &p, 1), STATUS_INVALID_PARAMETER); /* only for the system's choice */
    r = (MEM_ADDRESS_REQUIREMENTS){ .LowestStartingAddress = 0x300000000, .HighestEndingAddress = 0x300000fff };
    at = 0;
    assert_int_equal(map_ex(f, h, &at, 0x10000, 0, &p, 1), STATUS_NO_MEMORY);
    r.HighestEndingAddress = 0x300001000; /* not a page's last byte */
    assert_int_equal(map_ex(f, h, &at, 0x10000, 0, &p, 1), STATUS_INVALID_PARAMETER);
    NtClose(f->sys, h);
}

static void unmap_with_preserve_gives_the_placeholder_back(void **state)
{
    fixture *f = *state;
    ULONG_PTR b = placeholder(f, 0x20000), at = b;
    HANDLE h = section(f, 0x20000);
    assert_int_equal(map_ex(f, h, &at, 0x20000, MEM_REPLACE_PLACEHOLDER, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(NtUnmapViewOfSectionEx(f->sys, NtCurrentProcess(), b + 0x1000, MEM_PRESERVE_PLACEHOLDER),
                     STATUS_SUCCESS);
    MEMORY_BASIC_INFORMATION m = query(f, b);
    assert_int_equal(m.State, MEM_RESERVE);
    assert_int_equal(m.Type, MEM_PRIVATE);
    assert_int_equal(m.AllocationProtect, PAGE_NOACCESS);
    assert_int_equal(m.RegionSize, 0x20000);
    at = b; /* a placeholder again: a view may replace it once more */
    assert_int_equal(map_ex(f, h, &at, 0x20000, MEM_REPLACE_PLACEHOLDER, NULL, 0), STATUS_SUCCESS);
    NtClose(f->sys, h);
}

static void preserve_needs_a_view_that_replaced_a_placeholder(void **state)
{
    fixture *f = *state;
    HANDLE h = section(f, 0x10000);
    ULONG_PTR at = 0;
    assert_int_equal(map_ex(f, h, &at, 0x10000, 0, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(NtUnmapViewOfSectionEx(f->sys, NtCurrentProcess(), at, MEM_PRESERVE_PLACEHOLDER),
                     STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(query(f, at).Type, MEM_MAPPED); /* nothing unmapped */
    assert_int_equal(NtUnmapViewOfSectionEx(f->sys, NtCurrentProcess(), at, 0x4), STATUS_INVALID_PARAMETER);
    assert_int_equal(NtUnmapViewOfSectionEx(f->sys, NtCurrentProcess(), at, MEM_UNMAP_WITH_TRANSIENT_BOOST),
                     STATUS_SUCCESS);
    assert_int_equal(query(f, at).State, MEM_FREE);
    NtClose(f->sys, h);
}

static void free_with_preserve_leaves_a_view_from_a_placeholder_alone(void **state)
{
    fixture *f = *state;
    ULONG_PTR b = placeholder(f, 0x10000), at = b;
    HANDLE h = section(f, 0x10000);
    assert_int_equal(map_ex(f, h, &at, 0x10000, MEM_REPLACE_PLACEHOLDER, NULL, 0), STATUS_SUCCESS);
    SIZE_T size = 0x10000;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &at, &size,
                                         MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER),
                     STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(query(f, b).Type, MEM_MAPPED);
    NtClose(f->sys, h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_view_replaces_the_placeholder_it_covers_exactly, setup, teardown),
        cmocka_unit_test_setup_teardown(a_view_not_covering_a_placeholder_exactly_is_a_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(a_replacement_over_anything_but_a_placeholder_is_a_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(the_ex_calls_flag_errors_are_plain_invalid_parameter, setup, teardown),
        cmocka_unit_test_setup_teardown(address_requirements_bound_a_views_place, setup, teardown),
        cmocka_unit_test_setup_teardown(unmap_with_preserve_gives_the_placeholder_back, setup, teardown),
        cmocka_unit_test_setup_teardown(preserve_needs_a_view_that_replaced_a_placeholder, setup, teardown),
        cmocka_unit_test_setup_teardown(free_with_preserve_leaves_a_view_from_a_placeholder_alone, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
