/*
 * test_mm_query_classes.c - NtQueryVirtualMemory's classes beyond the
 * basic one, through the ntdll stubs: MemoryRegionInformation,
 * MemoryWorkingSetExInformation, MemoryMappedFilenameInformation and
 * MemoryImageInformation, with their x64 layouts and the statuses Wine's
 * ntdll records for bad lengths and addresses (docs/memory-manager.md,
 * "Other query classes").
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

static ULONG_PTR allocate(fixture *f, SIZE_T size, ULONG type, ULONG protect)
{
    ULONG_PTR base = 0;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &base, 0, &size, type, protect),
                     STATUS_SUCCESS);
    return base;
}

/* An address that is surely free: an allocation's, released. */
static ULONG_PTR free_address(fixture *f)
{
    ULONG_PTR base = allocate(f, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    SIZE_T size = 0;
    ULONG_PTR at = base;
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &at, &size, MEM_RELEASE), STATUS_SUCCESS);
    return base;
}

static NTSTATUS query(fixture *f, ULONG_PTR at, MEMORY_INFORMATION_CLASS cls, void *out, SIZE_T len, SIZE_T *ret)
{
    return NtQueryVirtualMemory(f->sys, NtCurrentProcess(), at, cls, out, len, ret);
}

static HANDLE section(fixture *f)
{
    HANDLE h = NULL;
    LONG64 size = 0x10000;
    assert_int_equal(NtCreateSection(f->sys, &h, SECTION_ALL_ACCESS, NULL, &size, PAGE_READWRITE, SEC_COMMIT, NULL),
                     STATUS_SUCCESS);
    return h;
}

static ULONG_PTR map(fixture *f, HANDLE h)
{
    ULONG_PTR base = 0;
    SIZE_T size = 0;
    LONG64 offset = 0;
    assert_int_equal(NtMapViewOfSection(f->sys, h, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewShare, 0,
                                        PAGE_READWRITE),
                     STATUS_SUCCESS);
    return base;
}

static void region_information_describes_the_whole_allocation(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = allocate(f, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    SIZE_T size = 0x3000;
    ULONG_PTR at = base;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &at, 0, &size, MEM_COMMIT, PAGE_READONLY),
                     STATUS_SUCCESS);
    MEMORY_REGION_INFORMATION r;
    SIZE_T ret = 0;
    memset(&r, 0xCC, sizeof r);
    assert_int_equal(query(f, base + 0x8000, MemoryRegionInformation, &r, sizeof r, &ret), STATUS_SUCCESS);
    assert_int_equal(ret, 48);
    assert_int_equal(r.AllocationBase, base);
    assert_int_equal(r.AllocationProtect, PAGE_READWRITE);
    assert_int_equal(r.RegionType, 0x1); /* Private */
    assert_int_equal(r.RegionSize, 0x10000);
    assert_int_equal(r.CommitSize, 0x3000);
    assert_int_equal(r.PartitionId, 0);
    assert_int_equal(r.NodePreference, 0);
}

static void region_information_shorter_than_commit_size_is_a_length_mismatch(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = allocate(f, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    MEMORY_REGION_INFORMATION r;
    SIZE_T ret = 0;
    assert_int_equal(query(f, base, MemoryRegionInformation, &r, 16, &ret), STATUS_INFO_LENGTH_MISMATCH);
    assert_int_equal(query(f, base, MemoryRegionInformation, &r, 32, &ret), STATUS_SUCCESS);
    assert_int_equal(ret, 32); /* what Windows 10 1709 wrote: the fields before PartitionId */
    assert_int_equal(r.CommitSize, 0x1000);
}

static void region_information_of_free_memory_is_an_invalid_address(void **state)
{
    fixture *f = *state;
    MEMORY_REGION_INFORMATION r;
    assert_int_equal(query(f, free_address(f), MemoryRegionInformation, &r, sizeof r, NULL), STATUS_INVALID_ADDRESS);
    assert_int_equal(query(f, 0x800000000000ull, MemoryRegionInformation, &r, sizeof r, NULL),
                     STATUS_INVALID_PARAMETER);
}

static void region_type_names_views_images_and_placeholders(void **state)
{
    fixture *f = *state;
    MEMORY_REGION_INFORMATION r;
    ULONG_PTR view = map(f, section(f));
    assert_int_equal(query(f, view, MemoryRegionInformation, &r, sizeof r, NULL), STATUS_SUCCESS);
    assert_int_equal(r.RegionType, 0x8); /* MappedPageFile */
    NTSIM_PROCESS_INFO pi;
    assert_int_equal(ntsim_query_process(f->sys, f->pid, &pi), STATUS_SUCCESS);
    assert_int_equal(query(f, pi.image_base + 0x1000, MemoryRegionInformation, &r, sizeof r, NULL), STATUS_SUCCESS);
    assert_int_equal(r.RegionType, 0x4); /* MappedImage */
    assert_int_equal(r.AllocationBase, pi.image_base);
    ULONG_PTR base = 0;
    SIZE_T size = 0x20000;
    assert_int_equal(NtAllocateVirtualMemoryEx(f->sys, NtCurrentProcess(), &base, &size,
                                               MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS, NULL, 0),
                     STATUS_SUCCESS);
    assert_int_equal(query(f, base, MemoryRegionInformation, &r, sizeof r, NULL), STATUS_SUCCESS);
    assert_int_equal(r.RegionType, 0x101); /* Private, PlaceholderReservation */
    assert_int_equal(r.CommitSize, 0);
}

static ULONG_PTR attributes(fixture *f, ULONG_PTR at)
{
    MEMORY_WORKING_SET_EX_INFORMATION w = { at, 0xDEAD };
    SIZE_T ret = 0;
    assert_int_equal(query(f, 0, MemoryWorkingSetExInformation, &w, sizeof w, &ret), STATUS_SUCCESS);
    assert_int_equal(ret, sizeof w);
    return w.VirtualAttributes;
}

static void working_set_ex_shows_valid_pages_and_their_protection(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = allocate(f, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    SIZE_T size = 0x2000;
    ULONG_PTR at = base;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &at, 0, &size, MEM_COMMIT, PAGE_READWRITE),
                     STATUS_SUCCESS);
    size = 0x1000, at = base + 0x1000;
    ULONG old;
    assert_int_equal(NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &at, &size, PAGE_READONLY | PAGE_GUARD, &old),
                     STATUS_SUCCESS);
    assert_int_equal(attributes(f, base), 0x1 | 0x2 | PAGE_READWRITE << 4); /* valid, one share, private */
    assert_int_equal(attributes(f, base + 0x1000), 0); /* a guard page is not in the working set */
    assert_int_equal(attributes(f, base + 0x2000), 0); /* reserved */
    assert_int_equal(attributes(f, free_address(f)), 0); /* free */
}

static void working_set_ex_counts_the_views_sharing_a_page(void **state)
{
    fixture *f = *state;
    HANDLE h = section(f);
    ULONG_PTR one = map(f, h), two = map(f, h);
    ULONG_PTR a = attributes(f, one + 0x1000);
    assert_int_equal(a & 1, 1);
    assert_int_equal(a >> 1 & 7, 2);    /* ShareCount */
    assert_int_equal(a >> 15 & 1, 1);   /* Shared */
    assert_int_equal(a >> 4 & 0x7FF, PAGE_READWRITE);
    assert_int_equal(attributes(f, two), a);
}

static void working_set_ex_answers_every_entry_and_needs_one(void **state)
{
    fixture *f = *state;
    ULONG_PTR base = allocate(f, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_READONLY);
    MEMORY_WORKING_SET_EX_INFORMATION w[3] = { { base, 0 }, { base + 0x1000, 0 }, { base + 0x2000, 7 } };
    SIZE_T ret = 0;
    assert_int_equal(query(f, 0, MemoryWorkingSetExInformation, w, 15, &ret), STATUS_INFO_LENGTH_MISMATCH);
    assert_int_equal(query(f, 0, MemoryWorkingSetExInformation, w, sizeof w - 1, &ret), STATUS_SUCCESS);
    assert_int_equal(ret, 2 * sizeof w[0]); /* whole entries only */
    assert_int_equal(w[0].VirtualAttributes, 0x3 | PAGE_READONLY << 4);
    assert_int_equal(w[1].VirtualAttributes, 0x3 | PAGE_READONLY << 4);
    assert_int_equal(w[2].VirtualAttributes, 7); /* not asked */
}

static void image_information_gives_the_image_extent(void **state)
{
    fixture *f = *state;
    ULONG_PTR dll = 0;
    assert_int_equal(ntsim_load_image(f->sys, "C:\\Windows\\System32\\extra.dll", 0x5000, &dll), STATUS_SUCCESS);
    MEMORY_IMAGE_INFORMATION m;
    SIZE_T ret = 0;
    memset(&m, 0xCC, sizeof m);
    assert_int_equal(query(f, dll + 0x2345, MemoryImageInformation, &m, sizeof m, &ret), STATUS_SUCCESS);
    assert_int_equal(ret, 24);
    assert_int_equal(m.ImageBase, dll);
    assert_int_equal(m.SizeOfImage, 0x5000);
    assert_int_equal(m.ImageFlags, 0);
    assert_int_equal(query(f, dll, MemoryImageInformation, &m, 23, &ret), STATUS_INFO_LENGTH_MISMATCH);
    ULONG_PTR mine = allocate(f, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    assert_int_equal(query(f, mine, MemoryImageInformation, &m, sizeof m, &ret), STATUS_INVALID_ADDRESS);
}

static void name_matches(const MEMORY_SECTION_NAME *n, const char *want)
{
    size_t len = strlen(want);
    assert_int_equal(n->SectionFileName.Length, 2 * len);
    assert_int_equal(n->SectionFileName.MaximumLength, 2 * len + 2);
    assert_ptr_equal(n->SectionFileName.Buffer, (const WCHAR *)(n + 1));
    for (size_t i = 0; i <= len; i++)
        assert_int_equal(n->SectionFileName.Buffer[i], (unsigned char)want[i]);
}

static void mapped_filename_is_the_images_nt_path(void **state)
{
    fixture *f = *state;
    static union {
        MEMORY_SECTION_NAME n;
        unsigned char bytes[512];
    } out;
    ULONG_PTR dll = 0;
    assert_int_equal(ntsim_load_image(f->sys, "C:\\Windows\\System32\\extra.dll", 0, &dll), STATUS_SUCCESS);
    SIZE_T ret = 0;
    assert_int_equal(query(f, dll + 0x10, MemoryMappedFilenameInformation, &out, sizeof out, &ret), STATUS_SUCCESS);
    name_matches(&out.n, "\\Device\\HarddiskVolume3\\Windows\\System32\\extra.dll");
    assert_int_equal(ret, 16 + 2 * (strlen("\\Device\\HarddiskVolume3\\Windows\\System32\\extra.dll") + 1));
    NTSIM_PROCESS_INFO pi;
    assert_int_equal(ntsim_query_process(f->sys, f->pid, &pi), STATUS_SUCCESS);
    assert_int_equal(query(f, pi.image_base, MemoryMappedFilenameInformation, &out, sizeof out, NULL),
                     STATUS_SUCCESS);
    name_matches(&out.n, "\\Device\\HarddiskVolume3\\app.exe");
}

static void mapped_filename_short_buffers_report_the_length_needed(void **state)
{
    fixture *f = *state;
    unsigned char out[64];
    ULONG_PTR dll = 0;
    assert_int_equal(ntsim_load_image(f->sys, "C:\\x.dll", 0, &dll), STATUS_SUCCESS);
    SIZE_T need = 16 + 2 * (strlen("\\Device\\HarddiskVolume3\\x.dll") + 1), ret = 0;
    assert_int_equal(query(f, dll, MemoryMappedFilenameInformation, out, 8, &ret), STATUS_INFO_LENGTH_MISMATCH);
    assert_int_equal(ret, need);
    ret = 0;
    assert_int_equal(query(f, dll, MemoryMappedFilenameInformation, out, 20, &ret), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(ret, need);
}

static void mapped_filename_needs_a_file(void **state)
{
    fixture *f = *state;
    unsigned char out[256];
    ULONG_PTR mine = allocate(f, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    assert_int_equal(query(f, mine, MemoryMappedFilenameInformation, out, sizeof out, NULL), STATUS_INVALID_ADDRESS);
    assert_int_equal(query(f, free_address(f), MemoryMappedFilenameInformation, out, sizeof out, NULL),
                     STATUS_INVALID_ADDRESS);
    ULONG_PTR view = map(f, section(f));
    assert_int_equal(query(f, view, MemoryMappedFilenameInformation, out, sizeof out, NULL), STATUS_FILE_INVALID);
}

static void an_unmodelled_class_is_an_invalid_info_class(void **state)
{
    fixture *f = *state;
    unsigned char out[256];
    assert_int_equal(query(f, 0x10000, MemoryWorkingSetInformation, out, sizeof out, NULL),
                     STATUS_INVALID_INFO_CLASS);
    assert_int_equal(query(f, 0x10000, (MEMORY_INFORMATION_CLASS)5, out, sizeof out, NULL),
                     STATUS_INVALID_INFO_CLASS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(region_information_describes_the_whole_allocation, setup, teardown),
        cmocka_unit_test_setup_teardown(region_information_shorter_than_commit_size_is_a_length_mismatch, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(region_information_of_free_memory_is_an_invalid_address, setup, teardown),
        cmocka_unit_test_setup_teardown(region_type_names_views_images_and_placeholders, setup, teardown),
        cmocka_unit_test_setup_teardown(working_set_ex_shows_valid_pages_and_their_protection, setup, teardown),
        cmocka_unit_test_setup_teardown(working_set_ex_counts_the_views_sharing_a_page, setup, teardown),
        cmocka_unit_test_setup_teardown(working_set_ex_answers_every_entry_and_needs_one, setup, teardown),
        cmocka_unit_test_setup_teardown(image_information_gives_the_image_extent, setup, teardown),
        cmocka_unit_test_setup_teardown(mapped_filename_is_the_images_nt_path, setup, teardown),
        cmocka_unit_test_setup_teardown(mapped_filename_short_buffers_report_the_length_needed, setup, teardown),
        cmocka_unit_test_setup_teardown(mapped_filename_needs_a_file, setup, teardown),
        cmocka_unit_test_setup_teardown(an_unmodelled_class_is_an_invalid_info_class, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
