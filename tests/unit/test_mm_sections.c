/*
 * test_mm_sections.c - page-file-backed sections and their views through
 * the native calls (NtCreateSection, NtMapViewOfSection,
 * NtUnmapViewOfSection, NtExtendSection, NtQuerySection), as Windows 10
 * answers them: the statuses Wine's ntdll tests and ReactOS's
 * NtMapViewOfSection apitest record on Windows, and the Windows Research
 * Kernel's order of checks where no test records one.
 * docs/memory-manager.md ("Sections and views") has each source.
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

#define BASE 0x200000000ull /* a window nothing else uses on x64 (docs/memory-manager.md) */

static HANDLE create(fixture *f, LONG64 size, ULONG protect, ULONG attributes)
{
    HANDLE h = NULL;
    assert_int_equal(NtCreateSection(f->sys, &h, SECTION_ALL_ACCESS, NULL, &size, protect, attributes, NULL),
                     STATUS_SUCCESS);
    return h;
}

static NTSTATUS try_create(fixture *f, LONG64 size, ULONG protect, ULONG attributes)
{
    HANDLE h = NULL;
    NTSTATUS s = NtCreateSection(f->sys, &h, SECTION_ALL_ACCESS, NULL, &size, protect, attributes, NULL);
    if (NT_SUCCESS(s))
        NtClose(f->sys, h);
    return s;
}

static NTSTATUS map_in(fixture *f, HANDLE section, HANDLE process, ULONG_PTR *base, SIZE_T commit, LONG64 offset,
                       SIZE_T *size, ULONG type, ULONG protect)
{
    return NtMapViewOfSection(f->sys, section, process, base, 0, commit, &offset, size, ViewShare, type, protect);
}

static NTSTATUS map(fixture *f, HANDLE section, ULONG_PTR *base, SIZE_T *size, ULONG protect)
{
    return map_in(f, section, NtCurrentProcess(), base, 0, 0, size, 0, protect);
}

static MEMORY_BASIC_INFORMATION query(fixture *f, ULONG_PTR at)
{
    MEMORY_BASIC_INFORMATION m;
    assert_int_equal(NtQueryVirtualMemory(f->sys, NtCurrentProcess(), at, MemoryBasicInformation, &m, sizeof m, NULL),
                     STATUS_SUCCESS);
    return m;
}

static uint64_t charged(fixture *f)
{
    NTSIM_SYSTEM_INFO i;
    ntsim_query_system(f->sys, &i);
    return i.commit_charged;
}

static NTSTATUS commit(fixture *f, ULONG_PTR at, SIZE_T size, ULONG protect)
{
    return NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &at, 0, &size, MEM_COMMIT, protect);
}

static void sec_commit_charges_every_page_at_creation(void **state)
{
    fixture *f = *state;
    uint64_t before = charged(f);
    HANDLE h = create(f, 0x3001, PAGE_READWRITE, SEC_COMMIT);
    assert_int_equal(charged(f) - before, 0x4000);
    NtClose(f->sys, h);
    assert_int_equal(charged(f), before);
}

static void sec_reserve_charges_pages_as_they_are_committed(void **state)
{
    fixture *f = *state;
    uint64_t before = charged(f);
    HANDLE h = create(f, 0x20000, PAGE_READWRITE, SEC_RESERVE);
    assert_int_equal(charged(f), before);
    ULONG_PTR b = 0;
    SIZE_T size = 0;
    assert_int_equal(map(f, h, &b, &size, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(commit(f, b + 0x1000, 0x2000, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(charged(f) - before, 0x2000);
    assert_int_equal(commit(f, b, 0x2000, PAGE_READWRITE), STATUS_SUCCESS); /* one page new */
    assert_int_equal(charged(f) - before, 0x3000);
    NtClose(f->sys, h);
    assert_int_equal(charged(f) - before, 0x3000); /* the view keeps the segment */
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), b), STATUS_SUCCESS);
    assert_int_equal(charged(f), before);
}

static void section_attributes_are_parameter_6(void **state)
{
    fixture *f = *state;
    assert_int_equal(try_create(f, 0x1000, PAGE_READWRITE, SEC_COMMIT | SEC_RESERVE), STATUS_INVALID_PARAMETER_6);
    assert_int_equal(try_create(f, 0x1000, PAGE_READWRITE, 0), STATUS_INVALID_PARAMETER_6);
    assert_int_equal(try_create(f, 0x1000, PAGE_READWRITE, SEC_IMAGE | SEC_COMMIT), STATUS_INVALID_PARAMETER_6);
    assert_int_equal(try_create(f, 0x1000, PAGE_READWRITE, SEC_COMMIT | 0x1), STATUS_INVALID_PARAMETER_6);
}

static void section_protection_must_be_accessible(void **state)
{
    fixture *f = *state;
    assert_int_equal(try_create(f, 0x1000, PAGE_NOACCESS, SEC_COMMIT), STATUS_INVALID_PAGE_PROTECTION);
    assert_int_equal(try_create(f, 0x1000, PAGE_READWRITE | PAGE_GUARD, SEC_COMMIT), STATUS_INVALID_PAGE_PROTECTION);
    assert_int_equal(try_create(f, 0x1000, PAGE_READWRITE | PAGE_NOCACHE, SEC_COMMIT),
                     STATUS_INVALID_PAGE_PROTECTION);
    assert_int_equal(try_create(f, 0x1000, 0x3, SEC_COMMIT), STATUS_INVALID_PAGE_PROTECTION);
}

static void page_file_section_needs_a_size(void **state)
{
    fixture *f = *state;
    HANDLE h;
    assert_int_equal(NtCreateSection(f->sys, &h, SECTION_ALL_ACCESS, NULL, NULL, PAGE_READWRITE, SEC_COMMIT, NULL),
                     STATUS_INVALID_PARAMETER_4);
    assert_int_equal(try_create(f, 0, PAGE_READWRITE, SEC_COMMIT), STATUS_INVALID_PARAMETER_4);
}

static void image_section_needs_a_file(void **state)
{
    fixture *f = *state;
    assert_int_equal(try_create(f, 0x1000, PAGE_READONLY, SEC_IMAGE), STATUS_INVALID_FILE_FOR_SECTION);
}

static void huge_sections_fail_as_windows_records(void **state)
{
    fixture *f = *state;
    assert_int_equal(try_create(f, 0x8000000000, PAGE_READWRITE, SEC_COMMIT), STATUS_COMMITMENT_LIMIT);
    assert_int_equal(try_create(f, 0x80000000000, PAGE_READWRITE, SEC_RESERVE), STATUS_INSUFFICIENT_RESOURCES);
    assert_int_equal(try_create(f, 0x800000000000, PAGE_READWRITE, SEC_RESERVE), STATUS_SECTION_TOO_BIG);
    assert_int_equal(try_create(f, 0x200000000, PAGE_READWRITE, SEC_RESERVE), STATUS_SUCCESS);
}

static void base_and_offset_must_be_64k_multiples(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x20000, PAGE_READWRITE, SEC_COMMIT);
    ULONG_PTR b = BASE + 0x1000;
    SIZE_T size = 0x1000;
    assert_int_equal(map(f, h, &b, &size, PAGE_READWRITE), STATUS_MAPPED_ALIGNMENT);
    b = 0;
    assert_int_equal(map_in(f, h, NtCurrentProcess(), &b, 0, 1, &size, 0, PAGE_READWRITE), STATUS_MAPPED_ALIGNMENT);
    b = BASE;
    assert_int_equal(map_in(f, h, NtCurrentProcess(), &b, 0, 0x10000, &size, 0, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(b, BASE);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), b), STATUS_SUCCESS);
    NtClose(f->sys, h);
}

static void view_protection_beyond_the_sections_is_section_protection(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x1000, PAGE_READWRITE, SEC_COMMIT);
    ULONG_PTR b = 0;
    SIZE_T size = 0;
    assert_int_equal(map(f, h, &b, &size, PAGE_EXECUTE_READWRITE), STATUS_SECTION_PROTECTION);
    assert_int_equal(map(f, h, &b, &size, PAGE_WRITECOPY), STATUS_SUCCESS); /* a read/write section allows it */
    NtUnmapViewOfSection(f->sys, NtCurrentProcess(), b);
    NtClose(f->sys, h);
    h = create(f, 0x1000, PAGE_READONLY, SEC_COMMIT);
    b = 0;
    assert_int_equal(map(f, h, &b, &size, PAGE_READWRITE), STATUS_SECTION_PROTECTION);
    NtClose(f->sys, h);
}

static void allocation_type_is_parameter_9(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x20000, PAGE_READWRITE, SEC_RESERVE);
    ULONG_PTR b = 0;
    SIZE_T size = 0x1000;
    assert_int_equal(map_in(f, h, NtCurrentProcess(), &b, 0x1000, 0, &size, MEM_COMMIT, PAGE_READWRITE),
                     STATUS_INVALID_PARAMETER_9);
    assert_int_equal(map_in(f, h, NtCurrentProcess(), &b, 0x1000, 0, &size, MEM_RESERVE, PAGE_READWRITE),
                     STATUS_INVALID_PARAMETER_9);
    assert_int_equal(map_in(f, h, NtCurrentProcess(), &b, 0, 0, &size, AT_ROUND_TO_PAGE, PAGE_READWRITE),
                     STATUS_INVALID_PARAMETER_9);
    NtClose(f->sys, h);
}

static void zero_bits_22_is_parameter_4_and_inherit_is_8(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x1000, PAGE_READWRITE, SEC_COMMIT);
    ULONG_PTR b = 0;
    SIZE_T size = 0;
    LONG64 off = 0;
    assert_int_equal(NtMapViewOfSection(f->sys, h, NtCurrentProcess(), &b, 22, 0, &off, &size, ViewShare, 0,
                                        PAGE_READWRITE), STATUS_INVALID_PARAMETER_4);
    assert_int_equal(NtMapViewOfSection(f->sys, h, NtCurrentProcess(), &b, 0, 0, &off, &size, (SECTION_INHERIT)0, 0,
                                        PAGE_READWRITE), STATUS_INVALID_PARAMETER_8);
    assert_int_equal(NtMapViewOfSection(f->sys, h, NULL, &b, 0, 0, &off, &size, ViewShare, 0, PAGE_READWRITE),
                     STATUS_INVALID_HANDLE);
    /* A base above what ZeroBits allows is parameter 4 too. */
    b = BASE;
    assert_int_equal(NtMapViewOfSection(f->sys, h, NtCurrentProcess(), &b, 2, 0, &off, &size, ViewShare, 0,
                                        PAGE_READWRITE), STATUS_INVALID_PARAMETER_4);
    NtClose(f->sys, h);
}

static void view_size_past_the_top_is_parameter_3(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x1000, PAGE_READWRITE, SEC_COMMIT);
    ULONG_PTR b = 0;
    SIZE_T size = ~(SIZE_T)0;
    assert_int_equal(map(f, h, &b, &size, PAGE_READWRITE), STATUS_INVALID_PARAMETER_3);
    NtClose(f->sys, h);
}

static void view_size_zero_maps_to_the_end_and_never_past_it(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x21234, PAGE_READWRITE, SEC_COMMIT);
    ULONG_PTR b = 0;
    SIZE_T size = 0;
    assert_int_equal(map_in(f, h, NtCurrentProcess(), &b, 0, 0x10000, &size, 0, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(size, 0x12000); /* 0x11234 rounded to pages */
    NtUnmapViewOfSection(f->sys, NtCurrentProcess(), b);
    b = 0;
    size = 0;
    assert_int_equal(map_in(f, h, NtCurrentProcess(), &b, 0, 0x30000, &size, 0, PAGE_READWRITE),
                     STATUS_INVALID_VIEW_SIZE);
    size = 0x20000;
    assert_int_equal(map_in(f, h, NtCurrentProcess(), &b, 0, 0x10000, &size, 0, PAGE_READWRITE),
                     STATUS_INVALID_VIEW_SIZE);
    NtClose(f->sys, h);
}

static void a_view_is_mapped_memory_as_query_shows_it(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x3000, PAGE_READWRITE, SEC_COMMIT);
    ULONG_PTR b = BASE;
    SIZE_T size = 0;
    assert_int_equal(map(f, h, &b, &size, PAGE_READONLY), STATUS_SUCCESS);
    MEMORY_BASIC_INFORMATION m = query(f, b + 0x1000);
    assert_int_equal(m.BaseAddress, b + 0x1000);
    assert_int_equal(m.AllocationBase, b);
    assert_int_equal(m.AllocationProtect, PAGE_READONLY);
    assert_int_equal(m.RegionSize, 0x2000);
    assert_int_equal(m.State, MEM_COMMIT);
    assert_int_equal(m.Protect, PAGE_READONLY);
    assert_int_equal(m.Type, MEM_MAPPED);
    NtUnmapViewOfSection(f->sys, NtCurrentProcess(), b);
    NtClose(f->sys, h);
}

static void commit_size_commits_the_first_pages_of_a_reserve_view(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x20000, PAGE_READWRITE, SEC_RESERVE);
    ULONG_PTR b = 0;
    SIZE_T size = 0x2000;
    assert_int_equal(map_in(f, h, NtCurrentProcess(), &b, 0x1000, 0, &size, 0, PAGE_READWRITE), STATUS_SUCCESS);
    unsigned char one = 1;
    assert_int_equal(ntsim_write_memory(f->sys, b, &one, 1), STATUS_SUCCESS);
    assert_int_equal(ntsim_write_memory(f->sys, b + 0x1000, &one, 1), STATUS_ACCESS_VIOLATION);
    assert_int_equal(query(f, b + 0x1000).State, MEM_RESERVE);
    NtUnmapViewOfSection(f->sys, NtCurrentProcess(), b);
    NtClose(f->sys, h);
}

static void a_page_committed_through_one_view_is_committed_in_the_other(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x20000, PAGE_READWRITE, SEC_RESERVE);
    ULONG_PTR b1 = 0, b2 = 0;
    SIZE_T size = 0x2000;
    assert_int_equal(map(f, h, &b1, &size, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(map(f, h, &b2, &size, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(commit(f, b2 + 0x1000, 0x1000, PAGE_READONLY), STATUS_SUCCESS);
    assert_int_equal(commit(f, b2 + 0x1000, 0x1000, PAGE_READONLY), STATUS_SUCCESS); /* again: fine */
    /* The first view's page is committed too, with the first view's protection. */
    assert_int_equal(query(f, b1 + 0x1000).State, MEM_COMMIT);
    assert_int_equal(query(f, b1 + 0x1000).Protect, PAGE_READWRITE);
    ULONG v = 2, got = 0;
    assert_int_equal(ntsim_write_memory(f->sys, b1 + 0x1000, &v, 4), STATUS_SUCCESS);
    assert_int_equal(ntsim_read_memory(f->sys, b2 + 0x1000, &got, 4), STATUS_SUCCESS);
    assert_int_equal(got, 2);
    assert_int_equal(ntsim_write_memory(f->sys, b2 + 0x1000, &v, 4), STATUS_ACCESS_VIOLATION); /* read-only there */
    NtUnmapViewOfSection(f->sys, NtCurrentProcess(), b1);
    NtUnmapViewOfSection(f->sys, NtCurrentProcess(), b2);
    NtClose(f->sys, h);
}

static void a_write_in_one_process_is_read_in_the_other(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x10000, PAGE_READWRITE, SEC_COMMIT);
    CLIENT_ID cid = { f->other_pid, 0 };
    HANDLE other;
    assert_int_equal(NtOpenProcess(f->sys, &other, PROCESS_VM_OPERATION | PROCESS_VM_READ, &cid), STATUS_SUCCESS);
    ULONG_PTR mine = 0, theirs = BASE;
    SIZE_T size = 0;
    assert_int_equal(map(f, h, &mine, &size, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(map_in(f, h, other, &theirs, 0, 0, &size, 0, PAGE_READONLY), STATUS_SUCCESS);
    const char text[] = "shared";
    char got[sizeof text] = { 0 };
    assert_int_equal(ntsim_write_memory(f->sys, mine + 0x20, text, sizeof text), STATUS_SUCCESS);
    assert_int_equal(NtReadVirtualMemory(f->sys, other, theirs + 0x20, got, sizeof got, NULL), STATUS_SUCCESS);
    assert_string_equal(got, text);
    assert_int_equal(NtUnmapViewOfSection(f->sys, other, theirs), STATUS_SUCCESS);
    NtUnmapViewOfSection(f->sys, NtCurrentProcess(), mine);
    NtClose(f->sys, other);
    NtClose(f->sys, h);
}

static void views_are_not_freed_or_committed_past_their_end(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x2000, PAGE_READWRITE, SEC_COMMIT);
    ULONG_PTR b = BASE;
    SIZE_T size = 0;
    assert_int_equal(map(f, h, &b, &size, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(commit(f, b, 0x1000, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(commit(f, b, 0x3000, PAGE_READWRITE), STATUS_CONFLICTING_ADDRESSES);
    ULONG_PTR at = b;
    SIZE_T sz = 0x1000;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &at, &sz, MEM_DECOMMIT),
                     STATUS_UNABLE_TO_DELETE_SECTION);
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &at, &sz, MEM_RELEASE),
                     STATUS_UNABLE_TO_DELETE_SECTION);
    at = b + 0x2000;
    sz = 0x1000;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &at, 0, &sz, MEM_RESERVE | MEM_COMMIT,
                                             PAGE_READWRITE), STATUS_CONFLICTING_ADDRESSES);
    NtUnmapViewOfSection(f->sys, NtCurrentProcess(), b);
    NtClose(f->sys, h);
}

static void protect_beyond_the_mapped_protection_is_section_protection(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x20000, PAGE_READWRITE, SEC_RESERVE);
    ULONG_PTR b = 0;
    SIZE_T size = 0;
    assert_int_equal(map(f, h, &b, &size, PAGE_NOACCESS), STATUS_SUCCESS);
    ULONG_PTR at = b;
    SIZE_T sz = 0x1000;
    ULONG old = 0xFF;
    assert_int_equal(NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &at, &sz, PAGE_READWRITE, &old),
                     STATUS_SECTION_PROTECTION);
    assert_int_equal(old, 0);
    /* A commit may still give the page a protection of its own. */
    assert_int_equal(commit(f, b, 0x1000, PAGE_READONLY), STATUS_SUCCESS);
    unsigned char c;
    assert_int_equal(ntsim_read_memory(f->sys, b, &c, 1), STATUS_SUCCESS);
    assert_int_equal(ntsim_write_memory(f->sys, b, &c, 1), STATUS_ACCESS_VIOLATION);
    assert_int_equal(commit(f, b, 0x1000, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(ntsim_write_memory(f->sys, b, &c, 1), STATUS_SUCCESS);
    NtUnmapViewOfSection(f->sys, NtCurrentProcess(), b);
    NtClose(f->sys, h);
}

static void unmap_takes_any_address_in_the_view(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x3000, PAGE_READWRITE, SEC_COMMIT);
    ULONG_PTR b = BASE;
    SIZE_T size = 0;
    assert_int_equal(map(f, h, &b, &size, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), b + 0x2345), STATUS_SUCCESS);
    assert_int_equal(query(f, b).State, MEM_FREE);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), b), STATUS_NOT_MAPPED_VIEW);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), 0x7FFE0000), STATUS_NOT_MAPPED_VIEW);
    NtClose(f->sys, h);
}

static void a_copy_on_write_view_keeps_its_own_copy(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x1000, PAGE_READWRITE, SEC_COMMIT);
    ULONG_PTR shared = 0, cow = 0;
    SIZE_T size = 0;
    assert_int_equal(map(f, h, &shared, &size, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(map(f, h, &cow, &size, PAGE_WRITECOPY), STATUS_SUCCESS);
    ULONG v = 1, got = 0;
    assert_int_equal(ntsim_write_memory(f->sys, shared, &v, 4), STATUS_SUCCESS);
    assert_int_equal(ntsim_read_memory(f->sys, cow, &got, 4), STATUS_SUCCESS);
    assert_int_equal(got, 1); /* not yet written: the section's bytes */
    v = 2;
    assert_int_equal(ntsim_write_memory(f->sys, cow + 8, &v, 4), STATUS_SUCCESS);
    assert_int_equal(query(f, cow).Protect, PAGE_READWRITE);
    v = 3;
    assert_int_equal(ntsim_write_memory(f->sys, shared, &v, 4), STATUS_SUCCESS);
    assert_int_equal(ntsim_read_memory(f->sys, cow, &got, 4), STATUS_SUCCESS);
    assert_int_equal(got, 1); /* its copy, taken at the write */
    assert_int_equal(ntsim_read_memory(f->sys, shared + 8, &got, 4), STATUS_SUCCESS);
    assert_int_equal(got, 0);
    NtUnmapViewOfSection(f->sys, NtCurrentProcess(), shared);
    NtUnmapViewOfSection(f->sys, NtCurrentProcess(), cow);
    NtClose(f->sys, h);
}

static void mapping_needs_the_right_the_protection_needs(void **state)
{
    fixture *f = *state;
    LONG64 s = 0x1000;
    HANDLE h;
    assert_int_equal(NtCreateSection(f->sys, &h, SECTION_MAP_READ, NULL, &s, PAGE_READWRITE, SEC_COMMIT, NULL),
                     STATUS_SUCCESS);
    ULONG_PTR b = 0;
    SIZE_T size = 0;
    assert_int_equal(map(f, h, &b, &size, PAGE_READWRITE), STATUS_ACCESS_DENIED);
    assert_int_equal(map(f, h, &b, &size, PAGE_READONLY), STATUS_SUCCESS);
    LONG64 grow = 0x2000;
    assert_int_equal(NtExtendSection(f->sys, h, &grow), STATUS_ACCESS_DENIED);
    NtUnmapViewOfSection(f->sys, NtCurrentProcess(), b);
    NtClose(f->sys, h);
}

static void a_page_file_section_does_not_extend(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x1000, PAGE_READWRITE, SEC_RESERVE);
    LONG64 grow = 0x2000;
    assert_int_equal(NtExtendSection(f->sys, h, &grow), STATUS_SECTION_NOT_EXTENDED);
    NtClose(f->sys, h);
}

static void query_section_answers_attributes_and_size(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x1234, PAGE_READWRITE, SEC_RESERVE);
    SECTION_BASIC_INFORMATION info;
    SIZE_T len = 0;
    assert_int_equal(NtQuerySection(f->sys, h, SectionBasicInformation, &info, sizeof info, &len), STATUS_SUCCESS);
    assert_int_equal(info.AllocationAttributes, SEC_RESERVE);
    assert_int_equal(info.MaximumSize, 0x2000); /* whole pages: the segment's size */
    assert_int_equal(info.BaseAddress, 0);
    assert_int_equal(len, sizeof info);
    /* The length is checked against the class's structure before the section is looked at. */
    assert_int_equal(NtQuerySection(f->sys, h, SectionImageInformation, &info, sizeof info, NULL),
                     STATUS_INFO_LENGTH_MISMATCH);
    SECTION_IMAGE_INFORMATION image;
    assert_int_equal(NtQuerySection(f->sys, h, SectionImageInformation, &image, sizeof image, NULL),
                     STATUS_SECTION_NOT_IMAGE);
    assert_int_equal(NtQuerySection(f->sys, h, (SECTION_INFORMATION_CLASS)7, &info, sizeof info, NULL),
                     STATUS_INVALID_INFO_CLASS);
    NtClose(f->sys, h);
}

static void top_down_maps_at_the_highest_free_place(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x1000, PAGE_READWRITE, SEC_COMMIT);
    ULONG_PTR low = 0, high = 0;
    SIZE_T size = 0;
    assert_int_equal(map(f, h, &low, &size, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(map_in(f, h, NtCurrentProcess(), &high, 0, 0, &size, MEM_TOP_DOWN, PAGE_READWRITE),
                     STATUS_SUCCESS);
    assert_true(high > low);
    assert_true(high > 0x7FF000000000ull);
    NtUnmapViewOfSection(f->sys, NtCurrentProcess(), low);
    NtUnmapViewOfSection(f->sys, NtCurrentProcess(), high);
    NtClose(f->sys, h);
}

static void a_view_in_an_exited_process_lets_the_others_live(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x1000, PAGE_READWRITE, SEC_COMMIT);
    CLIENT_ID cid = { f->other_pid, 0 };
    HANDLE other;
    assert_int_equal(NtOpenProcess(f->sys, &other, PROCESS_VM_OPERATION | PROCESS_TERMINATE, &cid), STATUS_SUCCESS);
    ULONG_PTR mine = 0, theirs = 0;
    SIZE_T size = 0;
    assert_int_equal(map(f, h, &mine, &size, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(map_in(f, h, other, &theirs, 0, 0, &size, 0, PAGE_READWRITE), STATUS_SUCCESS);
    NtClose(f->sys, h);
    assert_int_equal(NtTerminateProcess(f->sys, other, 0), STATUS_SUCCESS);
    NtClose(f->sys, other);
    ULONG v = 5, got = 0;
    assert_int_equal(ntsim_write_memory(f->sys, mine, &v, 4), STATUS_SUCCESS);
    assert_int_equal(ntsim_read_memory(f->sys, mine, &got, 4), STATUS_SUCCESS);
    assert_int_equal(got, 5);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), mine), STATUS_SUCCESS);
}

/* A section left open and mapped when the system goes: the system's
   invariants count its handle and its commit, and teardown frees it
   (the sanitizer build's leak check sees it otherwise). */
static void a_section_open_at_teardown_is_accounted_and_freed(void **state)
{
    fixture *f = *state;
    HANDLE h = create(f, 0x3000, PAGE_READWRITE, SEC_COMMIT);
    ULONG_PTR base = BASE;
    SIZE_T size = 0;
    assert_int_equal(map(f, h, &base, &size, PAGE_READWRITE), STATUS_SUCCESS);
    HANDLE reserve = create(f, 0x10000, PAGE_READWRITE, SEC_RESERVE);
    (void)reserve;
    char why[256] = "";
    assert_true(ntsim_check_system(f->sys, why, sizeof why));
    assert_string_equal(why, "");
    /* Closing the handle leaves the view holding the pages and their charge. */
    assert_int_equal(NtClose(f->sys, h), STATUS_SUCCESS);
    assert_true(ntsim_check_system(f->sys, why, sizeof why));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_section_open_at_teardown_is_accounted_and_freed, setup, teardown),
        cmocka_unit_test_setup_teardown(sec_commit_charges_every_page_at_creation, setup, teardown),
        cmocka_unit_test_setup_teardown(sec_reserve_charges_pages_as_they_are_committed, setup, teardown),
        cmocka_unit_test_setup_teardown(section_attributes_are_parameter_6, setup, teardown),
        cmocka_unit_test_setup_teardown(section_protection_must_be_accessible, setup, teardown),
        cmocka_unit_test_setup_teardown(page_file_section_needs_a_size, setup, teardown),
        cmocka_unit_test_setup_teardown(image_section_needs_a_file, setup, teardown),
        cmocka_unit_test_setup_teardown(huge_sections_fail_as_windows_records, setup, teardown),
        cmocka_unit_test_setup_teardown(base_and_offset_must_be_64k_multiples, setup, teardown),
        cmocka_unit_test_setup_teardown(view_protection_beyond_the_sections_is_section_protection, setup, teardown),
        cmocka_unit_test_setup_teardown(allocation_type_is_parameter_9, setup, teardown),
        cmocka_unit_test_setup_teardown(zero_bits_22_is_parameter_4_and_inherit_is_8, setup, teardown),
        cmocka_unit_test_setup_teardown(view_size_past_the_top_is_parameter_3, setup, teardown),
        cmocka_unit_test_setup_teardown(view_size_zero_maps_to_the_end_and_never_past_it, setup, teardown),
        cmocka_unit_test_setup_teardown(a_view_is_mapped_memory_as_query_shows_it, setup, teardown),
        cmocka_unit_test_setup_teardown(commit_size_commits_the_first_pages_of_a_reserve_view, setup, teardown),
        cmocka_unit_test_setup_teardown(a_page_committed_through_one_view_is_committed_in_the_other, setup, teardown),
        cmocka_unit_test_setup_teardown(a_write_in_one_process_is_read_in_the_other, setup, teardown),
        cmocka_unit_test_setup_teardown(views_are_not_freed_or_committed_past_their_end, setup, teardown),
        cmocka_unit_test_setup_teardown(protect_beyond_the_mapped_protection_is_section_protection, setup, teardown),
        cmocka_unit_test_setup_teardown(unmap_takes_any_address_in_the_view, setup, teardown),
        cmocka_unit_test_setup_teardown(a_copy_on_write_view_keeps_its_own_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(mapping_needs_the_right_the_protection_needs, setup, teardown),
        cmocka_unit_test_setup_teardown(a_page_file_section_does_not_extend, setup, teardown),
        cmocka_unit_test_setup_teardown(query_section_answers_attributes_and_size, setup, teardown),
        cmocka_unit_test_setup_teardown(top_down_maps_at_the_highest_free_place, setup, teardown),
        cmocka_unit_test_setup_teardown(a_view_in_an_exited_process_lets_the_others_live, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
