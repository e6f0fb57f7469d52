/*
 * test_mm_placeholders.c - NtAllocateVirtualMemoryEx's placeholders and
 * address requirements, and NtFreeVirtualMemory's MEM_PRESERVE_PLACEHOLDER
 * and MEM_COALESCE_PLACEHOLDERS, as Wine's ntdll tests record Windows'
 * answers (docs/memory-manager.md, "Placeholders").
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

static NTSTATUS alloc_ex(fixture *f, ULONG_PTR *base, SIZE_T size, ULONG type, ULONG protect,
                         const MEM_EXTENDED_PARAMETER *p, ULONG n)
{
    return NtAllocateVirtualMemoryEx(f->sys, NtCurrentProcess(), base, &size, type, protect, p, n);
}

static ULONG_PTR placeholder(fixture *f, SIZE_T size)
{
    ULONG_PTR b = 0;
    assert_int_equal(alloc_ex(f, &b, size, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS, NULL, 0),
                     STATUS_SUCCESS);
    return b;
}

static NTSTATUS free_vm(fixture *f, ULONG_PTR base, SIZE_T size, ULONG type)
{
    return NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, type);
}

static MEMORY_BASIC_INFORMATION query(fixture *f, ULONG_PTR at)
{
    MEMORY_BASIC_INFORMATION m;
    assert_int_equal(NtQueryVirtualMemory(f->sys, NtCurrentProcess(), at, MemoryBasicInformation, &m, sizeof m, NULL),
                     STATUS_SUCCESS);
    return m;
}

static void a_placeholder_is_reserved_noaccess_private_memory(void **state)
{
    fixture *f = *state;
    ULONG_PTR b = placeholder(f, 0x10000);
    MEMORY_BASIC_INFORMATION m = query(f, b);
    assert_int_equal(m.State, MEM_RESERVE);
    assert_int_equal(m.AllocationProtect, PAGE_NOACCESS);
    assert_int_equal(m.Type, MEM_PRIVATE);
    assert_int_equal(m.RegionSize, 0x10000);
}

static void placeholder_flags_are_refused_where_windows_refuses_them(void **state)
{
    fixture *f = *state;
    ULONG_PTR b = 0;
    SIZE_T size = 0x10000;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &b, 0, &size,
                                             MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(alloc_ex(f, &b, 0x10000, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_READWRITE, NULL, 0),
                     STATUS_INVALID_PARAMETER);
    b = placeholder(f, 0x10000);
    ULONG_PTR at = b;
    assert_int_equal(alloc_ex(f, &at, 0x10000, MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(alloc_ex(f, &at, 0x10000, MEM_COMMIT | MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(alloc_ex(f, &at, 0x10000, MEM_COMMIT, PAGE_READWRITE, NULL, 0), STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(alloc_ex(f, &at, 0x10000, MEM_RESERVE, PAGE_NOACCESS, NULL, 0), STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(alloc_ex(f, &at, 0x1000, MEM_RESERVE | MEM_REPLACE_PLACEHOLDER, PAGE_NOACCESS, NULL, 0),
                     STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(NtAllocateVirtualMemoryEx(f->sys, NtCurrentProcess(), &at, &size, MEM_RESERVE, PAGE_READWRITE,
                                               NULL, 1), STATUS_INVALID_PARAMETER);
}

static void a_replaced_placeholder_is_an_allocation_and_preserve_makes_it_one_again(void **state)
{
    fixture *f = *state;
    ULONG_PTR b = placeholder(f, 0x10000), at = b;
    assert_int_equal(alloc_ex(f, &at, 0x10000, MEM_RESERVE | MEM_COMMIT | MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE,
                              NULL, 0), STATUS_SUCCESS);
    ULONG v = 0xCC;
    assert_int_equal(ntsim_write_memory(f->sys, b, &v, 4), STATUS_SUCCESS);
    assert_int_equal(free_vm(f, b, 0x10000, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), STATUS_SUCCESS);
    assert_int_equal(query(f, b).AllocationProtect, PAGE_NOACCESS);
    assert_int_equal(alloc_ex(f, &at, 0x10000, MEM_RESERVE | MEM_COMMIT | MEM_REPLACE_PLACEHOLDER, PAGE_READONLY,
                              NULL, 0), STATUS_SUCCESS);
    MEMORY_BASIC_INFORMATION m = query(f, b);
    assert_int_equal(m.State, MEM_COMMIT);
    assert_int_equal(m.AllocationProtect, PAGE_READONLY);
    assert_int_equal(m.RegionSize, 0x10000);
    assert_int_equal(ntsim_read_memory(f->sys, b, &v, 4), STATUS_SUCCESS);
    assert_int_equal(v, 0); /* a replacement starts zeroed */
}

static void preserve_on_a_plain_reservation_is_a_conflict(void **state)
{
    fixture *f = *state;
    ULONG_PTR b = 0;
    assert_int_equal(alloc_ex(f, &b, 0x10000, MEM_RESERVE, PAGE_NOACCESS, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(free_vm(f, b, 0x10000, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(free_vm(f, b, 0x10000, MEM_RELEASE), STATUS_SUCCESS);
}

static void preserve_splits_a_placeholder_in_three(void **state)
{
    fixture *f = *state;
    ULONG_PTR b = placeholder(f, 0x10000);
    assert_int_equal(free_vm(f, b, 0x10000, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(free_vm(f, b + 0x8000, 0x4000, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), STATUS_SUCCESS);
    assert_int_equal(query(f, b).RegionSize, 0x8000);
    assert_int_equal(query(f, b + 0x8000).RegionSize, 0x4000);
    assert_int_equal(query(f, b + 0x8000).AllocationBase, b + 0x8000);
    assert_int_equal(query(f, b + 0xC000).RegionSize, 0x4000);
    assert_int_equal(free_vm(f, b, 0x10000, MEM_RELEASE), STATUS_UNABLE_TO_FREE_VM); /* across placeholders */
    assert_int_equal(free_vm(f, b + 0x8000, 0x4000, MEM_RELEASE), STATUS_SUCCESS);
    assert_int_equal(query(f, b + 0x8000).State, MEM_FREE);
}

static void coalesce_joins_exactly_the_placeholders_named(void **state)
{
    fixture *f = *state;
    ULONG_PTR b = placeholder(f, 0x10000);
    assert_int_equal(free_vm(f, b, 0x4000, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), STATUS_SUCCESS);
    assert_int_equal(free_vm(f, b + 0x4000, 0x4000, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), STATUS_SUCCESS);
    assert_int_equal(free_vm(f, b, 0x4000, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS), STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(free_vm(f, b, 0x10000, MEM_COALESCE_PLACEHOLDERS), STATUS_INVALID_PARAMETER_4);
    assert_int_equal(free_vm(f, b, 0x11000, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS), STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(free_vm(f, b, 0xF000, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS), STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(free_vm(f, b + 0x1000, 0xF000, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS),
                     STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(free_vm(f, b, 0, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS), STATUS_INVALID_PARAMETER_3);
    assert_int_equal(free_vm(f, b, 0x10000, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS), STATUS_SUCCESS);
    assert_int_equal(query(f, b).RegionSize, 0x10000);
    /* A replaced piece is no placeholder: nothing coalesces across it. */
    assert_int_equal(free_vm(f, b, 0x4000, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), STATUS_SUCCESS);
    ULONG_PTR at = b + 0x4000;
    assert_int_equal(alloc_ex(f, &at, 0xC000, MEM_RESERVE | MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0),
                     STATUS_SUCCESS);
    assert_int_equal(free_vm(f, b, 0x10000, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS), STATUS_CONFLICTING_ADDRESSES);
}

static MEM_EXTENDED_PARAMETER requirement(const MEM_ADDRESS_REQUIREMENTS *r)
{
    MEM_EXTENDED_PARAMETER p = { .Type = MemExtendedParameterAddressRequirements };
    p.Pointer = r;
    return p;
}

static void address_requirements_bound_the_systems_choice(void **state)
{
    fixture *f = *state;
    MEM_ADDRESS_REQUIREMENTS r = { 0, 0x20000FFF, 0 };
    MEM_EXTENDED_PARAMETER p = requirement(&r);
    ULONG_PTR b = 0;
    assert_int_equal(alloc_ex(f, &b, 0x40000, MEM_RESERVE, PAGE_READWRITE, &p, 1), STATUS_SUCCESS);
    assert_true(b % 0x10000 == 0 && b + 0x40000 <= 0x20001000);
    r.Alignment = 0x40000;
    r.HighestEndingAddress = 0;
    b = 0;
    assert_int_equal(alloc_ex(f, &b, 0x1000, MEM_RESERVE, PAGE_READWRITE, &p, 1), STATUS_SUCCESS);
    assert_int_equal(b % 0x40000, 0);
    r.LowestStartingAddress = 0x300000000;
    r.Alignment = 0;
    b = 0;
    assert_int_equal(alloc_ex(f, &b, 0x1000, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS, &p, 1),
                     STATUS_SUCCESS);
    assert_true(b >= 0x300000000);
}

static void address_requirements_are_checked(void **state)
{
    fixture *f = *state;
    MEM_ADDRESS_REQUIREMENTS r = { 0, 0x20001000 + 1, 0 };
    MEM_EXTENDED_PARAMETER p[2] = { requirement(&r), requirement(&r) };
    ULONG_PTR b = 0;
    assert_int_equal(alloc_ex(f, &b, 0x10000, MEM_RESERVE, PAGE_READWRITE, p, 1), STATUS_INVALID_PARAMETER);
    r.HighestEndingAddress = 0x200007FF;
    assert_int_equal(alloc_ex(f, &b, 0x10000, MEM_RESERVE, PAGE_READWRITE, p, 1), STATUS_INVALID_PARAMETER);
    r.HighestEndingAddress = 0x7FFFFFFFFFFF;
    assert_int_equal(alloc_ex(f, &b, 0x10000, MEM_RESERVE, PAGE_READWRITE, p, 1), STATUS_INVALID_PARAMETER);
    r.HighestEndingAddress = 0;
    r.Alignment = 0x8000;
    assert_int_equal(alloc_ex(f, &b, 0x1000, MEM_RESERVE, PAGE_READWRITE, p, 1), STATUS_INVALID_PARAMETER);
    r.Alignment = 0x30000;
    assert_int_equal(alloc_ex(f, &b, 0x1000, MEM_RESERVE, PAGE_READWRITE, p, 1), STATUS_INVALID_PARAMETER);
    r.Alignment = 0;
    assert_int_equal(alloc_ex(f, &b, 0x1000, MEM_RESERVE, PAGE_READWRITE, p, 2), STATUS_INVALID_PARAMETER);
    r.HighestEndingAddress = 0x20000FFF;
    r.Alignment = 0x20000000;
    assert_int_equal(alloc_ex(f, &b, 0x2000, MEM_RESERVE, PAGE_READWRITE, p, 1), STATUS_NO_MEMORY);
    MEM_EXTENDED_PARAMETER bad = { .Type = MemExtendedParameterMax };
    assert_int_equal(alloc_ex(f, &b, 0x1000, MEM_RESERVE, PAGE_READWRITE, &bad, 1), STATUS_INVALID_PARAMETER);
    bad.Type = 0;
    assert_int_equal(alloc_ex(f, &b, 0x1000, MEM_RESERVE, PAGE_READWRITE, &bad, 1), STATUS_INVALID_PARAMETER);
    r = (MEM_ADDRESS_REQUIREMENTS){ 0 };
    b = 0x300000000;
    assert_int_equal(alloc_ex(f, &b, 0x1000, MEM_RESERVE, PAGE_READWRITE, p, 1), STATUS_INVALID_PARAMETER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_placeholder_is_reserved_noaccess_private_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(placeholder_flags_are_refused_where_windows_refuses_them, setup, teardown),
        cmocka_unit_test_setup_teardown(a_replaced_placeholder_is_an_allocation_and_preserve_makes_it_one_again,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(preserve_on_a_plain_reservation_is_a_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(preserve_splits_a_placeholder_in_three, setup, teardown),
        cmocka_unit_test_setup_teardown(coalesce_joins_exactly_the_placeholders_named, setup, teardown),
        cmocka_unit_test_setup_teardown(address_requirements_bound_the_systems_choice, setup, teardown),
        cmocka_unit_test_setup_teardown(address_requirements_are_checked, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
