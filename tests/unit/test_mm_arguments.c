/*
 * test_mm_arguments.c - the native virtual-memory calls' argument checks as
 * a program's thread meets them: the numbered STATUS_INVALID_PARAMETER_N
 * x64 Windows returns for each parameter, the order of the checks (flags
 * before pointers, pointers before the handle), and what each output holds
 * after a failure. The facts are Windows' answers as Wine's and ReactOS's
 * ntdll tests record them (docs/memory-manager.md, "Argument checks").
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

#define TOP 0x7FFFFFFEFFFFull /* MM_HIGHEST_USER_ADDRESS on x64 */
#define BAD_HANDLE ((HANDLE)(uintptr_t)0x1234)

static NTSTATUS alloc(fixture *f, ULONG_PTR *base, SIZE_T size, ULONG type, ULONG protect)
{
    return NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), base, 0, &size, type, protect);
}

static ULONG_PTR committed(fixture *f, SIZE_T size, ULONG protect)
{
    ULONG_PTR base = 0;
    assert_int_equal(alloc(f, &base, size, MEM_RESERVE | MEM_COMMIT, protect), STATUS_SUCCESS);
    return base;
}

static MEMORY_BASIC_INFORMATION query(fixture *f, ULONG_PTR at)
{
    MEMORY_BASIC_INFORMATION m;
    assert_int_equal(NtQueryVirtualMemory(f->sys, NtCurrentProcess(), at, MemoryBasicInformation, &m, sizeof m, NULL),
                     STATUS_SUCCESS);
    return m;
}

/* ---- NtAllocateVirtualMemory -------------------------------------------- */

static void zero_bits_above_21_are_parameter_3(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = 0;
    SIZE_T size = 0x1000;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &base, 22, &size, MEM_RESERVE,
                                             PAGE_READWRITE),
                     STATUS_INVALID_PARAMETER_3);
}

static void zero_bits_of_32_and_above_are_a_mask_on_x64(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = 0;
    SIZE_T size = 0x1000;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &base, 0x7FFFFFFF, &size, MEM_RESERVE,
                                             PAGE_READWRITE),
                     STATUS_SUCCESS);
    assert_true(base < 0x80000000ull);
}

static void an_unknown_allocation_type_bit_is_parameter_5(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = 0;
    assert_int_equal(alloc(f, &base, 0x1000, MEM_RESERVE | 0x40000000u /* AT_ROUND_TO_PAGE */, PAGE_READWRITE),
                     STATUS_INVALID_PARAMETER_5);
}

static void reset_with_another_flag_is_parameter_5(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = 0;
    assert_int_equal(alloc(f, &base, 0x1000, MEM_RESERVE | MEM_RESET, PAGE_READWRITE), STATUS_INVALID_PARAMETER_5);
}

static void a_reserve_placeholder_is_a_plain_invalid_parameter(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = 0;
    assert_int_equal(alloc(f, &base, 0x10000, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS),
                     STATUS_INVALID_PARAMETER);
}

static void physical_memory_other_than_read_write_is_parameter_6(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = 0;
    assert_int_equal(alloc(f, &base, 0x1000, MEM_RESERVE | MEM_PHYSICAL, PAGE_READONLY), STATUS_INVALID_PARAMETER_6);
}

static void a_base_in_the_first_64k_is_parameter_2(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = 0xF000;
    assert_int_equal(alloc(f, &base, 0x1000, MEM_RESERVE, PAGE_READWRITE), STATUS_INVALID_PARAMETER_2);
}

static void a_base_above_user_space_is_parameter_2(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = TOP + 1;
    assert_int_equal(alloc(f, &base, 0x1000, MEM_RESERVE, PAGE_READWRITE), STATUS_INVALID_PARAMETER_2);
}

static void a_size_of_zero_is_parameter_4(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = 0x300000000ull;
    assert_int_equal(alloc(f, &base, 0, MEM_RESERVE, PAGE_READWRITE), STATUS_INVALID_PARAMETER_4);
}

static void a_size_past_the_top_is_parameter_4(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = 0x7FFFFFFE0000ull;
    assert_int_equal(alloc(f, &base, 0x30000, MEM_RESERVE, PAGE_READWRITE), STATUS_INVALID_PARAMETER_4);
}

static void allocate_checks_zero_bits_before_the_type(void **state)
{
    fixture *f = *state;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, BAD_HANDLE, NULL, 22, NULL, 0, 0), STATUS_INVALID_PARAMETER_3);
}

static void allocate_checks_the_type_before_the_pointers_and_the_handle(void **state)
{
    fixture *f = *state;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, BAD_HANDLE, NULL, 0, NULL, 0, PAGE_READWRITE),
                     STATUS_INVALID_PARAMETER_5);
}

static void allocate_checks_the_protection_before_the_pointers(void **state)
{
    fixture *f = *state;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, BAD_HANDLE, NULL, 0, NULL, MEM_RESERVE, 0),
                     STATUS_INVALID_PAGE_PROTECTION);
}

static void allocate_without_a_base_pointer_is_an_access_violation(void **state)
{
    fixture *f = *state;
    SIZE_T size = 0x1000;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, BAD_HANDLE, NULL, 0, &size, MEM_RESERVE, PAGE_READWRITE),
                     STATUS_ACCESS_VIOLATION);
}

static void allocate_checks_the_range_before_the_handle(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = 0xF000;
    SIZE_T size = 0x1000;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, BAD_HANDLE, &base, 0, &size, MEM_RESERVE, PAGE_READWRITE),
                     STATUS_INVALID_PARAMETER_2);
    base = 0x300000000ull;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, BAD_HANDLE, &base, 0, &size, MEM_RESERVE, PAGE_READWRITE),
                     STATUS_INVALID_HANDLE);
}

static void a_failed_allocation_leaves_base_and_size(void **state)
{
    fixture *f = *state;
    ULONG_PTR first = committed(f, 0x1000, PAGE_READWRITE), base = first + 0x1000;
    SIZE_T size = 0x1234;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &base, 0, &size, MEM_RESERVE,
                                             PAGE_READWRITE),
                     STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(base, first + 0x1000);
    assert_int_equal(size, 0x1234);
}

/* ---- NtFreeVirtualMemory ------------------------------------------------ */

static void free_checks_the_type_before_anything(void **state)
{
    fixture *f = *state;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NULL, NULL, NULL, 0), STATUS_INVALID_PARAMETER_4);
}

static void free_with_both_types_is_parameter_4(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = committed(f, 0x1000, PAGE_READWRITE);
    SIZE_T size = 0;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, MEM_DECOMMIT | MEM_RELEASE),
                     STATUS_INVALID_PARAMETER_4);
}

static void coalescing_without_release_is_parameter_4(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = committed(f, 0x1000, PAGE_READWRITE);
    SIZE_T size = 0x1000;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, MEM_COALESCE_PLACEHOLDERS),
                     STATUS_INVALID_PARAMETER_4);
}

static void free_above_user_space_is_parameter_2(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = TOP + 1;
    SIZE_T size = 0;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, MEM_RELEASE),
                     STATUS_INVALID_PARAMETER_2);
}

static void free_size_past_the_top_is_parameter_3(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = committed(f, 0x1000, PAGE_READWRITE);
    SIZE_T size = TOP - base + 1;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, MEM_DECOMMIT),
                     STATUS_INVALID_PARAMETER_3);
}

static void free_checks_the_range_before_the_handle(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = TOP + 1;
    SIZE_T size = 0;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NULL, &base, &size, MEM_RELEASE), STATUS_INVALID_PARAMETER_2);
    base = 0x300000000ull;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NULL, &base, &size, MEM_RELEASE), STATUS_INVALID_HANDLE);
}

static void a_failed_free_leaves_base_and_size(void **state)
{
    fixture *f = *state;
    ULONG_PTR first = committed(f, 0x10000, PAGE_READWRITE), base = first + 0x1001;
    SIZE_T size = 0xFFFF;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, MEM_RELEASE),
                     STATUS_UNABLE_TO_FREE_VM);
    assert_int_equal(base, first + 0x1001);
    assert_int_equal(size, 0xFFFF);
}

static void a_view_is_refused_before_a_size_of_zero_away_from_its_base(void **state)
{
    fixture *f = *state;
    ULONG_PTR image = 0;
    assert_int_equal(ntsim_load_image(f->sys, "C:\\Windows\\System32\\version.dll", 0x10000, &image),
                     STATUS_SUCCESS);
    ULONG_PTR base = image + 0x1000;
    SIZE_T size = 0;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, MEM_RELEASE),
                     STATUS_UNABLE_TO_DELETE_SECTION);
}

static void releasing_a_placeholder_of_an_ordinary_allocation_is_a_conflict(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = committed(f, 0x10000, PAGE_READWRITE);
    SIZE_T size = 0x10000;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &base, &size,
                                         MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER),
                     STATUS_CONFLICTING_ADDRESSES);
}

static void releasing_a_placeholder_needs_a_size(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = committed(f, 0x10000, PAGE_READWRITE);
    SIZE_T size = 0;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &base, &size,
                                         MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER),
                     STATUS_INVALID_PARAMETER_3);
}

/* ---- NtProtectVirtualMemory --------------------------------------------- */

static void protect_checks_the_protection_before_the_pointers(void **state)
{
    fixture *f = *state;
    assert_int_equal(NtProtectVirtualMemory(f->sys, BAD_HANDLE, NULL, NULL, 0, NULL), STATUS_INVALID_PAGE_PROTECTION);
}

static void protect_without_a_place_for_the_old_one_is_an_access_violation(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = committed(f, 0x1000, PAGE_READWRITE);
    SIZE_T size = 0x1000;
    assert_int_equal(NtProtectVirtualMemory(f->sys, BAD_HANDLE, &base, &size, PAGE_READONLY, NULL),
                     STATUS_ACCESS_VIOLATION);
}

static void protect_above_user_space_is_parameter_2(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = TOP + 1;
    SIZE_T size = 0x1000;
    ULONG old = 0;
    assert_int_equal(NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, PAGE_READONLY, &old),
                     STATUS_INVALID_PARAMETER_2);
}

static void protect_of_size_zero_is_parameter_3(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = committed(f, 0x1000, PAGE_READWRITE);
    SIZE_T size = 0;
    ULONG old = 0;
    assert_int_equal(NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, PAGE_READONLY, &old),
                     STATUS_INVALID_PARAMETER_3);
}

static void protect_checks_the_range_before_the_handle(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = 0x300000000ull;
    SIZE_T size = 0;
    ULONG old = 0;
    assert_int_equal(NtProtectVirtualMemory(f->sys, BAD_HANDLE, &base, &size, PAGE_READONLY, &old),
                     STATUS_INVALID_PARAMETER_3);
    size = 0x1000;
    assert_int_equal(NtProtectVirtualMemory(f->sys, BAD_HANDLE, &base, &size, PAGE_READONLY, &old),
                     STATUS_INVALID_HANDLE);
}

static void protect_at_address_zero_answers_no_access_as_the_old_protection(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = 0;
    SIZE_T size = 0x1000;
    ULONG old = 0xDEAD;
    assert_int_equal(NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, PAGE_READONLY, &old),
                     STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(old, PAGE_NOACCESS);
    assert_int_equal(base, 0);
    assert_int_equal(size, 0x1000);
}

static void protect_of_reserved_memory_answers_no_access_as_the_old_protection(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = 0;
    assert_int_equal(alloc(f, &base, 0x10000, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    SIZE_T size = 0x1000;
    ULONG old = 0xDEAD;
    assert_int_equal(NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, PAGE_READONLY, &old),
                     STATUS_NOT_COMMITTED);
    assert_int_equal(old, PAGE_NOACCESS);
}

static void a_refused_argument_leaves_the_old_protection_alone(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = committed(f, 0x1000, PAGE_READWRITE);
    SIZE_T size = 0;
    ULONG old = 0xDEAD;
    NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, PAGE_READONLY, &old);
    assert_int_equal(old, 0xDEAD);
}

static void a_bad_handle_leaves_the_old_protection_alone(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = 0x300000000ull;
    SIZE_T size = 0x1000;
    ULONG old = 0xDEAD;
    NtProtectVirtualMemory(f->sys, BAD_HANDLE, &base, &size, PAGE_READONLY, &old);
    assert_int_equal(old, 0xDEAD);
}

/* ---- NtQueryVirtualMemory ----------------------------------------------- */

static void query_checks_the_class_first(void **state)
{
    fixture *f = *state;
    assert_int_equal(NtQueryVirtualMemory(f->sys, BAD_HANDLE, TOP + 1, (MEMORY_INFORMATION_CLASS)5, NULL, 0, NULL),
                     STATUS_INVALID_INFO_CLASS);
}

static void query_checks_the_length_before_the_buffer(void **state)
{
    fixture *f = *state;
    assert_int_equal(NtQueryVirtualMemory(f->sys, BAD_HANDLE, TOP + 1, MemoryBasicInformation, NULL, 47, NULL),
                     STATUS_INFO_LENGTH_MISMATCH);
}

static void query_into_no_buffer_is_an_access_violation(void **state)
{
    fixture *f = *state;
    assert_int_equal(NtQueryVirtualMemory(f->sys, BAD_HANDLE, TOP + 1, MemoryBasicInformation, NULL, 48, NULL),
                     STATUS_ACCESS_VIOLATION);
}

static void query_checks_the_address_before_the_handle(void **state)
{
    fixture *f = *state;
    MEMORY_BASIC_INFORMATION m;
    assert_int_equal(NtQueryVirtualMemory(f->sys, BAD_HANDLE, TOP + 1, MemoryBasicInformation, &m, sizeof m, NULL),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(NtQueryVirtualMemory(f->sys, BAD_HANDLE, 0x10000, MemoryBasicInformation, &m, sizeof m, NULL),
                     STATUS_INVALID_HANDLE);
}

static void a_failed_query_leaves_its_outputs(void **state)
{
    fixture *f = *state;
    MEMORY_BASIC_INFORMATION m;
    memset(&m, 0xAB, sizeof m);
    SIZE_T len = 7;
    assert_int_equal(NtQueryVirtualMemory(f->sys, NtCurrentProcess(), TOP + 1, MemoryBasicInformation, &m, sizeof m,
                                          &len),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(len, 7);
    assert_int_equal(m.State, 0xABABABABu);
}

/* ---- The caller's pointers, as the kernel's probes meet them ------------ */

static ULONG service(const char *name)
{
    ULONG n;
    assert_int_equal(ntsim_service_number(name, &n), STATUS_SUCCESS);
    return n;
}

static void put64(fixture *f, ULONG_PTR at, ULONG64 v)
{
    assert_int_equal(ntsim_write_memory(f->sys, at, &v, 8), STATUS_SUCCESS);
}

static ULONG64 get64(fixture *f, ULONG_PTR at)
{
    ULONG64 v = 0;
    assert_int_equal(ntsim_read_memory(f->sys, at, &v, 8), STATUS_SUCCESS);
    return v;
}

static void an_in_out_pointer_on_a_read_only_page_fails_before_the_work(void **state)
{
    fixture *f = *state;
    ULONG_PTR args = committed(f, 0x1000, PAGE_READWRITE);
    put64(f, args, 0x300000000ull);
    put64(f, args + 8, 0x1000);
    ULONG_PTR base = args;
    SIZE_T size = 0x1000;
    ULONG old;
    assert_int_equal(NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, PAGE_READONLY, &old),
                     STATUS_SUCCESS);
    ULONG64 a[] = { (ULONG64)(uintptr_t)NtCurrentProcess(), args, 0, args + 8, MEM_RESERVE, PAGE_READWRITE };
    assert_int_equal(ntsim_system_call(f->sys, service("NtAllocateVirtualMemory"), a, 6), STATUS_ACCESS_VIOLATION);
    assert_int_equal(query(f, 0x300000000ull).State, MEM_FREE);
}

static void a_result_that_cannot_be_written_back_does_not_undo_the_work(void **state)
{
    fixture *f = *state;
    /* The call makes read-only the page its own arguments are on. */
    ULONG_PTR args = committed(f, 0x1000, PAGE_READWRITE);
    put64(f, args, args + 0x10);
    put64(f, args + 8, 0x10);
    ULONG64 a[] = { (ULONG64)(uintptr_t)NtCurrentProcess(), args, args + 8, PAGE_READONLY, args + 16 };
    assert_int_equal(ntsim_system_call(f->sys, service("NtProtectVirtualMemory"), a, 5), STATUS_SUCCESS);
    assert_int_equal(query(f, args).Protect, PAGE_READONLY);
    assert_int_equal(get64(f, args), args + 0x10); /* the rounded base never landed */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(zero_bits_above_21_are_parameter_3),
        T(zero_bits_of_32_and_above_are_a_mask_on_x64),
        T(an_unknown_allocation_type_bit_is_parameter_5),
        T(reset_with_another_flag_is_parameter_5),
        T(a_reserve_placeholder_is_a_plain_invalid_parameter),
        T(physical_memory_other_than_read_write_is_parameter_6),
        T(a_base_in_the_first_64k_is_parameter_2),
        T(a_base_above_user_space_is_parameter_2),
        T(a_size_of_zero_is_parameter_4),
        T(a_size_past_the_top_is_parameter_4),
        T(allocate_checks_zero_bits_before_the_type),
        T(allocate_checks_the_type_before_the_pointers_and_the_handle),
        T(allocate_checks_the_protection_before_the_pointers),
        T(allocate_without_a_base_pointer_is_an_access_violation),
        T(allocate_checks_the_range_before_the_handle),
        T(a_failed_allocation_leaves_base_and_size),
        T(free_checks_the_type_before_anything),
        T(free_with_both_types_is_parameter_4),
        T(coalescing_without_release_is_parameter_4),
        T(free_above_user_space_is_parameter_2),
        T(free_size_past_the_top_is_parameter_3),
        T(free_checks_the_range_before_the_handle),
        T(a_failed_free_leaves_base_and_size),
        T(a_view_is_refused_before_a_size_of_zero_away_from_its_base),
        T(releasing_a_placeholder_of_an_ordinary_allocation_is_a_conflict),
        T(releasing_a_placeholder_needs_a_size),
        T(protect_checks_the_protection_before_the_pointers),
        T(protect_without_a_place_for_the_old_one_is_an_access_violation),
        T(protect_above_user_space_is_parameter_2),
        T(protect_of_size_zero_is_parameter_3),
        T(protect_checks_the_range_before_the_handle),
        T(protect_at_address_zero_answers_no_access_as_the_old_protection),
        T(protect_of_reserved_memory_answers_no_access_as_the_old_protection),
        T(a_refused_argument_leaves_the_old_protection_alone),
        T(a_bad_handle_leaves_the_old_protection_alone),
        T(query_checks_the_class_first),
        T(query_checks_the_length_before_the_buffer),
        T(query_into_no_buffer_is_an_access_violation),
        T(query_checks_the_address_before_the_handle),
        T(a_failed_query_leaves_its_outputs),
        T(an_in_out_pointer_on_a_read_only_page_fails_before_the_work),
        T(a_result_that_cannot_be_written_back_does_not_undo_the_work),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
