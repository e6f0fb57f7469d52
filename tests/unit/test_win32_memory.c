/*
 * test_win32_memory.c - kernel32's virtual-memory calls (src/win32/memory.c)
 * as a program's thread makes them: simulated addresses back, Windows' last
 * errors on failure (the values Wine's kernel32 tests expect), and
 * Read/WriteProcessMemory over NtReadVirtualMemory / NtWriteVirtualMemory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ke/context.h"
#include "ntsim/ntsim.h"
#include "win32/kernel32.h"
#include "win32_fixture.h"

#define ERROR_ACCESS_DENIED 5
#define ERROR_BAD_LENGTH 24
#define ERROR_INVALID_PARAMETER 87
#define ERROR_PARTIAL_COPY 299
#define ERROR_INVALID_ADDRESS 487
#define ERROR_NOACCESS 998


static ULONG_PTR at(const void *p)
{
    return (ULONG_PTR)(uintptr_t)p;
}

static MEMORY_BASIC_INFORMATION query(const void *p)
{
    MEMORY_BASIC_INFORMATION m;
    memset(&m, 0, sizeof m);
    assert_int_equal(VirtualQuery(p, &m, sizeof m), sizeof m);
    return m;
}

static HANDLE open_other(fixture *f, ACCESS_MASK access)
{
    CLIENT_ID cid = { f->other_pid, 0 };
    HANDLE h = NULL;
    assert_int_equal(NtOpenProcess(f->sys, &h, access, &cid), STATUS_SUCCESS);
    return h;
}

static void virtual_alloc_returns_a_granule_aligned_committed_region(void **state)
{
    (void)state;
    void *p = VirtualAlloc(NULL, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    assert_non_null(p);
    assert_int_equal(at(p) % 0x10000, 0);
    MEMORY_BASIC_INFORMATION m = query(p);
    assert_int_equal(m.BaseAddress, at(p));
    assert_int_equal(m.RegionSize, 0x2000);
    assert_int_equal(m.State, MEM_COMMIT);
    assert_int_equal(m.Protect, PAGE_READWRITE);
    assert_int_equal(m.Type, MEM_PRIVATE);
}

static void virtual_alloc_of_zero_bytes_is_an_invalid_parameter(void **state)
{
    (void)state;
    SetLastError(0xdeadbeef);
    assert_null(VirtualAlloc(NULL, 0, MEM_RESERVE, PAGE_NOACCESS));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void virtual_alloc_without_a_protection_is_an_invalid_parameter(void **state)
{
    (void)state;
    assert_null(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, 0));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void virtual_alloc_over_a_reservation_is_an_invalid_address(void **state)
{
    (void)state;
    void *p = VirtualAlloc(NULL, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    assert_non_null(p);
    assert_null(VirtualAlloc(p, 0x1000, MEM_RESERVE, PAGE_READWRITE));
    assert_int_equal(GetLastError(), ERROR_INVALID_ADDRESS);
}

static void virtual_alloc_commits_inside_a_reservation(void **state)
{
    (void)state;
    char *p = VirtualAlloc(NULL, 0xFFFC, MEM_RESERVE, PAGE_NOACCESS);
    assert_non_null(p);
    MEMORY_BASIC_INFORMATION m = query(p);
    assert_int_equal(m.RegionSize, 0x10000);
    assert_int_equal(m.State, MEM_RESERVE);
    assert_int_equal(m.Protect, 0);
    assert_ptr_equal(VirtualAlloc(p + 0x1000, 0x1000, MEM_COMMIT, PAGE_READONLY), p + 0x1000);
    m = query(p + 0x1000);
    assert_int_equal(m.State, MEM_COMMIT);
    assert_int_equal(m.AllocationBase, at(p));
}

static void virtual_alloc_ex_allocates_in_another_process(void **state)
{
    fixture *f = *state;
    HANDLE h = open_other(f, PROCESS_VM_OPERATION | PROCESS_QUERY_INFORMATION);
    void *p = VirtualAllocEx(h, NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    assert_non_null(p);
    MEMORY_BASIC_INFORMATION m;
    assert_int_equal(VirtualQueryEx(h, p, &m, sizeof m), sizeof m);
    assert_int_equal(m.State, MEM_COMMIT);
    assert_true(VirtualFreeEx(h, p, 0, MEM_RELEASE));
    CloseHandle(h);
}

static void virtual_alloc_ex_without_vm_operation_is_access_denied(void **state)
{
    fixture *f = *state;
    HANDLE h = open_other(f, PROCESS_QUERY_INFORMATION);
    assert_null(VirtualAllocEx(h, NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    CloseHandle(h);
}

static void virtual_free_release_with_a_size_is_an_invalid_parameter(void **state)
{
    (void)state;
    void *p = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    assert_false(VirtualFree(p, 1, MEM_RELEASE));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    assert_int_equal(query(p).State, MEM_COMMIT); /* nothing was freed */
}

static void virtual_free_without_a_type_is_an_invalid_parameter(void **state)
{
    (void)state;
    void *p = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    assert_false(VirtualFree(p, 0x1000, 0));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void virtual_free_decommits_then_releases(void **state)
{
    (void)state;
    void *p = VirtualAlloc(NULL, 0x10000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    assert_true(VirtualFree(p, 0x10000, MEM_DECOMMIT));
    assert_int_equal(query(p).State, MEM_RESERVE);
    assert_true(VirtualFree(p, 0, MEM_RELEASE));
    assert_int_equal(query(p).State, MEM_FREE);
}

static void virtual_free_not_at_the_base_is_an_invalid_address(void **state)
{
    (void)state;
    char *p = VirtualAlloc(NULL, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    assert_false(VirtualFree(p + 0x1000, 0, MEM_RELEASE));
    assert_int_equal(GetLastError(), ERROR_INVALID_ADDRESS);
}

static void virtual_protect_returns_the_old_protection(void **state)
{
    (void)state;
    void *p = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_NOACCESS);
    DWORD old = 0;
    assert_true(VirtualProtect(p, 0x1000, PAGE_READONLY, &old));
    assert_int_equal(old, PAGE_NOACCESS);
    assert_true(VirtualProtect(p, 0x1000, PAGE_READWRITE, &old));
    assert_int_equal(old, PAGE_READONLY);
    assert_int_equal(query(p).Protect, PAGE_READWRITE);
}

static void virtual_protect_of_reserved_memory_is_an_invalid_address(void **state)
{
    (void)state;
    void *p = VirtualAlloc(NULL, 0xFFFC, MEM_RESERVE, PAGE_NOACCESS);
    DWORD old;
    assert_false(VirtualProtect(p, 0xFFFC, PAGE_READONLY, &old));
    assert_int_equal(GetLastError(), ERROR_INVALID_ADDRESS);
}

static void virtual_protect_without_a_place_for_the_old_one_fails(void **state)
{
    (void)state;
    void *p = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    assert_false(VirtualProtect(p, 0x1000, PAGE_READONLY, NULL));
    assert_int_equal(GetLastError(), ERROR_NOACCESS);
}

static void virtual_protect_with_two_protections_is_an_invalid_parameter(void **state)
{
    (void)state;
    void *p = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    DWORD old;
    assert_false(VirtualProtect(p, 0x1000, PAGE_READWRITE | PAGE_EXECUTE_WRITECOPY, &old));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void virtual_query_with_a_short_buffer_is_a_bad_length(void **state)
{
    (void)state;
    void *p = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    MEMORY_BASIC_INFORMATION m;
    assert_int_equal(VirtualQuery(p, &m, sizeof m - 1), 0);
    assert_int_equal(GetLastError(), ERROR_BAD_LENGTH);
}

static void virtual_query_above_user_space_is_an_invalid_parameter(void **state)
{
    (void)state;
    MEMORY_BASIC_INFORMATION m;
    assert_int_equal(VirtualQuery((void *)(uintptr_t)0xFFFF800000000000ull, &m, sizeof m), 0);
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void process_memory_written_reads_back(void **state)
{
    (void)state;
    char *p = VirtualAlloc(NULL, 0x3000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    char text[] = "across a page boundary";
    SIZE_T n = 0;
    assert_true(WriteProcessMemory(GetCurrentProcess(), p + 0xFF8, text, sizeof text, &n));
    assert_int_equal(n, sizeof text);
    char back[sizeof text] = { 0 };
    assert_true(ReadProcessMemory(GetCurrentProcess(), p + 0xFF8, back, sizeof back, &n));
    assert_int_equal(n, sizeof back);
    assert_string_equal(back, text);
}

static void read_without_a_count_still_fills_the_buffer(void **state)
{
    (void)state;
    char *p = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    assert_true(WriteProcessMemory(GetCurrentProcess(), p, "abc", 4, NULL));
    char back[4] = { 0 };
    assert_true(ReadProcessMemory(GetCurrentProcess(), p, back, sizeof back, NULL));
    assert_string_equal(back, "abc");
}

/* Over 512 bytes the source is locked 14 pages at a time: a hole in the
   first chunk copies nothing. */
static void read_past_the_committed_pages_is_a_partial_copy_of_nothing(void **state)
{
    (void)state;
    char *p = VirtualAlloc(NULL, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    assert_non_null(VirtualAlloc(p, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    static char back[0x2000];
    SIZE_T n = 1;
    assert_false(ReadProcessMemory(GetCurrentProcess(), p + 0x800, back, 0x1000, &n));
    assert_int_equal(GetLastError(), ERROR_PARTIAL_COPY);
    assert_int_equal(n, 0);
}

/* Up to 511 bytes the copy goes through a kernel buffer: a source page that
   is not there fails the fill of the buffer, and nothing reached the
   destination, so the count is 0 (MiDoPoolCopy counts the chunks before the
   one that faulted unless the fault was on the destination; WRK readwrt.c,
   and ReactOS the same). The Wine differential found ntsim counting 0x80. */
static void small_read_past_the_committed_pages_copies_nothing(void **state)
{
    (void)state;
    char *p = VirtualAlloc(NULL, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    assert_non_null(VirtualAlloc(p, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    char back[0x100];
    SIZE_T n = 1;
    assert_false(ReadProcessMemory(GetCurrentProcess(), p + 0xF80, back, sizeof back, &n));
    assert_int_equal(GetLastError(), ERROR_PARTIAL_COPY);
    assert_int_equal(n, 0);
}

static void read_of_unallocated_memory_copies_nothing(void **state)
{
    (void)state;
    char *p = VirtualAlloc(NULL, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    assert_true(VirtualFree(p, 0, MEM_RELEASE));
    char back[8];
    SIZE_T n = 1;
    assert_false(ReadProcessMemory(GetCurrentProcess(), p, back, sizeof back, &n));
    assert_int_equal(GetLastError(), ERROR_PARTIAL_COPY);
    assert_int_equal(n, 0);
}

/* Windows 10 1607 and later: a fault on the caller's side of a read is a
   partial copy too (it was ERROR_NOACCESS before). */
static void read_into_no_buffer_is_a_partial_copy(void **state)
{
    (void)state;
    char *p = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    SIZE_T n = 1;
    assert_false(ReadProcessMemory(GetCurrentProcess(), p, NULL, 16, &n));
    assert_int_equal(GetLastError(), ERROR_PARTIAL_COPY);
    assert_int_equal(n, 0);
}

static void write_to_read_only_memory_is_no_access_and_changes_nothing(void **state)
{
    (void)state;
    char *p = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READONLY);
    SIZE_T n = 1;
    assert_false(WriteProcessMemory(GetCurrentProcess(), p, "x", 1, &n));
    assert_int_equal(GetLastError(), ERROR_NOACCESS);
    assert_int_equal(n, 0);
    assert_int_equal(query(p).Protect, PAGE_READONLY);
}

static void write_to_code_succeeds_and_keeps_its_protection(void **state)
{
    (void)state;
    char *p = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_EXECUTE_READ);
    unsigned char int3 = 0xCC, back = 0;
    assert_true(WriteProcessMemory(GetCurrentProcess(), p + 0x10, &int3, 1, NULL));
    assert_int_equal(query(p).Protect, PAGE_EXECUTE_READ);
    assert_true(ReadProcessMemory(GetCurrentProcess(), p + 0x10, &back, 1, NULL));
    assert_int_equal(back, 0xCC);
}

static void another_process_memory_needs_the_vm_rights(void **state)
{
    fixture *f = *state;
    HANDLE all = open_other(f, PROCESS_VM_OPERATION | PROCESS_VM_READ | PROCESS_VM_WRITE | PROCESS_QUERY_INFORMATION);
    char *p = VirtualAllocEx(all, NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    assert_non_null(p);
    assert_true(WriteProcessMemory(all, p, "theirs", 7, NULL));
    char back[7] = { 0 };
    assert_true(ReadProcessMemory(all, p, back, sizeof back, NULL));
    assert_string_equal(back, "theirs");
    /* The same address in the caller's own process is nothing. */
    assert_false(ReadProcessMemory(GetCurrentProcess(), p, back, sizeof back, NULL));
    HANDLE query_only = open_other(f, PROCESS_QUERY_INFORMATION);
    assert_false(ReadProcessMemory(query_only, p, back, sizeof back, NULL));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    assert_false(WriteProcessMemory(query_only, p, "x", 1, NULL));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    CloseHandle(query_only);
    CloseHandle(all);
}

static void native_read_above_user_space_is_an_access_violation(void **state)
{
    fixture *f = *state;
    char back[8];
    SIZE_T n = 5;
    assert_int_equal(NtReadVirtualMemory(f->sys, NtCurrentProcess(), 0xFFFF800000000000ull, back, sizeof back, &n),
                     STATUS_ACCESS_VIOLATION);
    assert_int_equal(n, 5); /* refused before the count is written */
    assert_int_equal(NtReadVirtualMemory(f->sys, NtCurrentProcess(), 0x10000, back, 0, &n), STATUS_SUCCESS);
}

static void a_page_file_mapping_is_shared_memory(void **state)
{
    (void)state;
    /* The paging file needs a size. */
    assert_null(CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    /* No namespace: a named mapping is not supported. */
    assert_null(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x1000, "Local\\shared"));
    assert_int_equal(GetLastError(), 50);
    HANDLE m = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x2000, NULL);
    assert_non_null(m);
    void *a = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
    void *b = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0x1000);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(query(a).Type, MEM_MAPPED);
    assert_int_equal(query(a).Protect, PAGE_READWRITE);
    assert_int_equal(query(b).Protect, PAGE_READONLY);
    assert_int_equal(query(b).RegionSize, 0x1000);
    uint32_t v = 0x5EC7104, r = 0;
    assert_true(WriteProcessMemory(GetCurrentProcess(), (char *)a + 16, &v, 4, NULL));
    assert_true(ReadProcessMemory(GetCurrentProcess(), (char *)b + 16, &r, 4, NULL));
    assert_int_equal(r, v);
    /* A view past the mapping's end. */
    assert_null(MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0x3000));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    assert_true(UnmapViewOfFile(a));
    assert_true(UnmapViewOfFile(b));
    assert_false(UnmapViewOfFile(b));
    assert_true(CloseHandle(m));
}

static void an_image_mapping_maps_the_exe_as_an_image(void **state)
{
    (void)state;
    HANDLE file = CreateFileW(u"C:\\app.exe", GENERIC_READ, 1 /* FILE_SHARE_READ */, NULL, 3 /* OPEN_EXISTING */, 0, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    /* A file's data mapping is not modelled; its image mapping is. */
    assert_null(CreateFileMappingW(file, NULL, PAGE_READONLY, 0, 0, NULL));
    assert_int_equal(GetLastError(), 50);
    HANDLE m = CreateFileMappingW(file, NULL, PAGE_READONLY | SEC_IMAGE, 0, 0, NULL);
    assert_non_null(m);
    CloseHandle(file);
    /* The exe is at its base already: mapped elsewhere, still a success. */
    void *v = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
    assert_non_null(v);
    MEMORY_BASIC_INFORMATION i = query(v);
    assert_int_equal(i.Type, MEM_IMAGE);
    assert_int_equal(i.AllocationProtect, PAGE_EXECUTE_WRITECOPY);
    assert_true(UnmapViewOfFile(v));
    CloseHandle(m);
    /* A device is no file for a section. */
    HANDLE none = CreateFileW(u"C:\\nothing.dll", GENERIC_READ, 1 /* FILE_SHARE_READ */, NULL, 3 /* OPEN_EXISTING */, 0, NULL);
    assert_true(none == INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), 2); /* ERROR_FILE_NOT_FOUND */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(virtual_alloc_returns_a_granule_aligned_committed_region),
        T(a_page_file_mapping_is_shared_memory),
        T(an_image_mapping_maps_the_exe_as_an_image),
        T(virtual_alloc_of_zero_bytes_is_an_invalid_parameter),
        T(virtual_alloc_without_a_protection_is_an_invalid_parameter),
        T(virtual_alloc_over_a_reservation_is_an_invalid_address),
        T(virtual_alloc_commits_inside_a_reservation),
        T(virtual_alloc_ex_allocates_in_another_process),
        T(virtual_alloc_ex_without_vm_operation_is_access_denied),
        T(virtual_free_release_with_a_size_is_an_invalid_parameter),
        T(virtual_free_without_a_type_is_an_invalid_parameter),
        T(virtual_free_decommits_then_releases),
        T(virtual_free_not_at_the_base_is_an_invalid_address),
        T(virtual_protect_returns_the_old_protection),
        T(virtual_protect_of_reserved_memory_is_an_invalid_address),
        T(virtual_protect_without_a_place_for_the_old_one_fails),
        T(virtual_protect_with_two_protections_is_an_invalid_parameter),
        T(virtual_query_with_a_short_buffer_is_a_bad_length),
        T(virtual_query_above_user_space_is_an_invalid_parameter),
        T(process_memory_written_reads_back),
        T(read_without_a_count_still_fills_the_buffer),
        T(read_past_the_committed_pages_is_a_partial_copy_of_nothing),
        T(small_read_past_the_committed_pages_copies_nothing),
        T(read_of_unallocated_memory_copies_nothing),
        T(read_into_no_buffer_is_a_partial_copy),
        T(write_to_read_only_memory_is_no_access_and_changes_nothing),
        T(write_to_code_succeeds_and_keeps_its_protection),
        T(another_process_memory_needs_the_vm_rights),
        T(native_read_above_user_space_is_an_access_violation),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
