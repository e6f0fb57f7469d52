/*
 * test_mm_image_sections.c - image sections (SEC_IMAGE) through the native
 * calls: NtOpenFile on the volume's image files, NtCreateSection's checks
 * and the file access its protection needs, views at the image's
 * boot-wide base or elsewhere with STATUS_IMAGE_NOT_AT_BASE, the regions
 * an image view makes, the load-image notification per view,
 * NtQuerySection's answers, and the copy-on-write form a writable protection
 * of an image page takes. The facts are Windows' as Wine's and ReactOS's
 * tests record them and the Windows Research Kernel's order of checks:
 * docs/memory-manager.md ("Image sections").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ke/context.h"
#include "ntsim/ntsim.h"
#include "ntsim/wdk.h"
#include "win32_fixture.h"

typedef struct loads {
    int count;
    ULONG pid;
    ULONG_PTR base;
    SIZE_T size;
    char image[128];
} loads;

static void on_event(void *context, const ntsim_event *e)
{
    loads *l = context;
    if (e->kind != NTSIM_EVENT_IMAGE_LOAD)
        return;
    l->count++;
    l->pid = e->pid;
    l->base = e->base;
    l->size = e->size;
    strncpy(l->image, e->image, sizeof l->image - 1);
}

static NTSTATUS open_file(fixture *f, const WCHAR *path, ACCESS_MASK access, HANDLE *h)
{
    USHORT n = 0;
    while (path[n])
        n++;
    UNICODE_STRING name = { (USHORT)(n * 2), (USHORT)(n * 2), (PWSTR)path };
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, 0, NULL, NULL);
    IO_STATUS_BLOCK iosb = { 0 };
    return NtOpenFile(f->sys, h, access, &oa, &iosb, 1 /* FILE_SHARE_READ */, 0);
}

static HANDLE open_ok(fixture *f, const WCHAR *path, ACCESS_MASK access)
{
    HANDLE h = NULL;
    assert_int_equal(open_file(f, path, access, &h), STATUS_SUCCESS);
    return h;
}

static NTSTATUS image_section(fixture *f, HANDLE file, const LONG64 *maximum, ULONG protect, HANDLE *out)
{
    return NtCreateSection(f->sys, out, SECTION_ALL_ACCESS, NULL, maximum, protect, SEC_IMAGE, file);
}

/* The fixture's own image, app.exe, as a section (the file handle closed: the section keeps what it needs). */
static HANDLE app_section(fixture *f)
{
    HANDLE file = open_ok(f, u"\\??\\C:\\app.exe", FILE_EXECUTE | SYNCHRONIZE);
    HANDLE s = NULL;
    assert_int_equal(image_section(f, file, NULL, PAGE_EXECUTE, &s), STATUS_SUCCESS);
    NtClose(f->sys, file);
    return s;
}

static NTSTATUS map_into(fixture *f, HANDLE section, HANDLE process, ULONG_PTR *base, SIZE_T *size)
{
    LONG64 offset = 0;
    return NtMapViewOfSection(f->sys, section, process, base, 0, 0, &offset, size, ViewShare, 0, PAGE_READONLY);
}

/* app.exe's section, mapped whole in the fixture's own process, where its
   based place is taken by the process's own image: not at base. */
static ULONG_PTR map_app_here(fixture *f, HANDLE *section)
{
    *section = app_section(f);
    ULONG_PTR base = 0;
    SIZE_T size = 0;
    assert_int_equal(map_into(f, *section, NtCurrentProcess(), &base, &size), STATUS_IMAGE_NOT_AT_BASE);
    return base;
}

static MEMORY_BASIC_INFORMATION query(fixture *f, HANDLE process, ULONG_PTR at)
{
    MEMORY_BASIC_INFORMATION m;
    assert_int_equal(NtQueryVirtualMemory(f->sys, process, at, MemoryBasicInformation, &m, sizeof m, NULL),
                     STATUS_SUCCESS);
    return m;
}

static ULONG_PTR image_base_of(fixture *f, ULONG pid)
{
    NTSIM_PROCESS_INFO info;
    assert_int_equal(ntsim_query_process(f->sys, pid, &info), STATUS_SUCCESS);
    return info.image_base;
}

static void attributes_and_the_file_are_checked_in_windows_order(void **state)
{
    fixture *f = *state;
    HANDLE s = NULL;
    /* No other attribute goes with SEC_IMAGE, whatever the file; then the file is needed. */
    assert_int_equal(NtCreateSection(f->sys, &s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_READONLY,
                                     SEC_IMAGE | SEC_COMMIT, NULL),
                     STATUS_INVALID_PARAMETER_6);
    assert_int_equal(image_section(f, NULL, NULL, PAGE_READONLY, &s), STATUS_INVALID_FILE_FOR_SECTION);
    /* The protection is checked for an image section too. */
    HANDLE file = open_ok(f, u"\\??\\C:\\app.exe", FILE_GENERIC_READ | FILE_EXECUTE);
    assert_int_equal(image_section(f, file, NULL, PAGE_NOACCESS, &s), STATUS_INVALID_PAGE_PROTECTION);
    /* A data section of a file is not modelled. */
    LONG64 size = 0x1000;
    assert_int_equal(NtCreateSection(f->sys, &s, SECTION_ALL_ACCESS, NULL, &size, PAGE_READONLY, SEC_COMMIT, file),
                     STATUS_NOT_SUPPORTED);
    NtClose(f->sys, file);
}

static void the_volume_holds_the_images_the_system_met(void **state)
{
    fixture *f = *state;
    HANDLE h = NULL;
    /* Each process's image, and ntdll.dll by any of its names. */
    assert_int_equal(open_file(f, u"\\??\\C:\\APP.EXE", FILE_GENERIC_READ, &h), STATUS_SUCCESS);
    NtClose(f->sys, h);
    assert_int_equal(open_file(f, u"\\Device\\HarddiskVolume3\\other.exe", FILE_GENERIC_READ, &h), STATUS_SUCCESS);
    NtClose(f->sys, h);
    assert_int_equal(open_file(f, u"\\SystemRoot\\System32\\ntdll.dll", FILE_GENERIC_READ, &h), STATUS_SUCCESS);
    NtClose(f->sys, h);
    assert_int_equal(open_file(f, u"\\??\\C:\\nothing.dll", FILE_GENERIC_READ, &h), STATUS_OBJECT_NAME_NOT_FOUND);
    /* A DLL is there once loaded. */
    assert_int_equal(open_file(f, u"\\??\\C:\\lib\\late.dll", FILE_GENERIC_READ, &h), STATUS_OBJECT_NAME_NOT_FOUND);
    ULONG_PTR at;
    assert_int_equal(ntsim_load_image(f->sys, "C:\\lib\\late.dll", 0x20000, &at), STATUS_SUCCESS);
    assert_int_equal(open_file(f, u"\\??\\C:\\lib\\late.dll", FILE_GENERIC_READ, &h), STATUS_SUCCESS);
    /* Its contents are not modelled; the volume is read-only. */
    IO_STATUS_BLOCK iosb;
    char buf[2];
    assert_int_equal(NtReadFile(f->sys, h, NULL, NULL, NULL, &iosb, buf, 2, NULL, NULL), STATUS_NOT_SUPPORTED);
    NtClose(f->sys, h);
    assert_int_equal(open_file(f, u"\\??\\C:\\app.exe", FILE_GENERIC_WRITE, &h), STATUS_ACCESS_DENIED);
}

static void the_protection_decides_the_file_access_needed(void **state)
{
    fixture *f = *state;
    HANDLE exec_only = open_ok(f, u"\\??\\C:\\app.exe", FILE_EXECUTE | SYNCHRONIZE);
    HANDLE read_only = open_ok(f, u"\\??\\C:\\app.exe", FILE_READ_DATA | SYNCHRONIZE);
    HANDLE s = NULL;
    /* MmMakeFileAccess: PAGE_EXECUTE needs FILE_EXECUTE alone (the loader's open), PAGE_READONLY FILE_READ_DATA. */
    assert_int_equal(image_section(f, exec_only, NULL, PAGE_EXECUTE, &s), STATUS_SUCCESS);
    NtClose(f->sys, s);
    assert_int_equal(image_section(f, exec_only, NULL, PAGE_READONLY, &s), STATUS_ACCESS_DENIED);
    assert_int_equal(image_section(f, read_only, NULL, PAGE_READONLY, &s), STATUS_SUCCESS);
    NtClose(f->sys, s);
    assert_int_equal(image_section(f, read_only, NULL, PAGE_EXECUTE_READ, &s), STATUS_ACCESS_DENIED);
    NtClose(f->sys, exec_only);
    NtClose(f->sys, read_only);
}

static void maximum_size_is_kept_up_to_the_image_size(void **state)
{
    fixture *f = *state;
    HANDLE file = open_ok(f, u"\\??\\C:\\app.exe", FILE_EXECUTE | FILE_READ_DATA);
    HANDLE s = NULL;
    SECTION_BASIC_INFORMATION b;
    SIZE_T len = 0;
    assert_int_equal(image_section(f, file, NULL, PAGE_READONLY, &s), STATUS_SUCCESS);
    assert_int_equal(NtQuerySection(f->sys, s, SectionBasicInformation, &b, sizeof b, &len), STATUS_SUCCESS);
    assert_int_equal(b.AllocationAttributes, SEC_IMAGE | SEC_FILE);
    assert_int_equal(b.BaseAddress, 0);
    assert_int_equal(b.MaximumSize, 0x30000); /* SizeOfImage of ntsim's process images */
    NtClose(f->sys, s);
    LONG64 one = 1, past = 0x31000;
    assert_int_equal(image_section(f, file, &one, PAGE_READONLY, &s), STATUS_SUCCESS);
    assert_int_equal(NtQuerySection(f->sys, s, SectionBasicInformation, &b, sizeof b, NULL), STATUS_SUCCESS);
    assert_int_equal(b.MaximumSize, 1); /* as asked, not rounded */
    NtClose(f->sys, s);
    assert_int_equal(image_section(f, file, &past, PAGE_READONLY, &s), STATUS_SECTION_TOO_BIG);
    NtClose(f->sys, file);
}

static void image_information_comes_from_the_headers(void **state)
{
    fixture *f = *state;
    HANDLE s = app_section(f);
    SECTION_IMAGE_INFORMATION i;
    SIZE_T len = 0;
    assert_int_equal(NtQuerySection(f->sys, s, SectionImageInformation, &i, sizeof i, &len), STATUS_SUCCESS);
    assert_int_equal(len, 0x40);
    /* The entry point at the base every process of app.exe has it. */
    assert_int_equal(i.TransferAddress, image_base_of(f, f->pid) + 0x1000);
    assert_int_equal(i.Machine, 0x8664);
    assert_int_equal(i.MaximumStackSize, 0x100000);
    assert_int_equal(i.CommittedStackSize, 0x1000);
    assert_int_equal(i.ImageFileSize, 0x30000);
    assert_int_equal(i.ImageCharacteristics & 0x2000, 0); /* an exe, not a DLL */
    assert_int_equal(i.ImageCharacteristics & 0x0002, 0x0002);
    assert_int_equal(i.DllCharacteristics & 0x0040, 0x0040); /* DYNAMIC_BASE */
    assert_int_equal(i.ImageContainsCode, 1);
    assert_int_equal(i.ImageFlags & 0x04, 0x04); /* relocated by ASLR, on by default */
    SECTION_BASIC_INFORMATION short_buffer;
    assert_int_equal(NtQuerySection(f->sys, s, SectionImageInformation, &short_buffer, sizeof short_buffer, NULL),
                     STATUS_INFO_LENGTH_MISMATCH);
    NtClose(f->sys, s);
}

static void a_view_goes_at_the_images_base_or_elsewhere_not_at_base(void **state)
{
    fixture *f = *state;
    loads l = { 0 };
    ntsim_set_event_sink(f->sys, on_event, &l);
    HANDLE s = app_section(f);
    /* In another process the base app.exe has everywhere is free: a plain success. */
    CLIENT_ID cid = { f->other_pid, 0 };
    HANDLE other;
    assert_int_equal(NtOpenProcess(f->sys, &other, PROCESS_VM_OPERATION | PROCESS_QUERY_INFORMATION, &cid),
                     STATUS_SUCCESS);
    ULONG_PTR base = 0;
    SIZE_T size = 0;
    assert_int_equal(map_into(f, s, other, &base, &size), STATUS_SUCCESS);
    assert_int_equal(base, image_base_of(f, f->pid));
    assert_int_equal(size, 0x30000);
    assert_int_equal(l.count, 1); /* told with the target's PID */
    assert_int_equal(l.pid, f->other_pid);
    assert_int_equal(l.base, base);
    assert_int_equal(l.size, 0x30000);
    assert_string_equal(l.image, "\\Device\\HarddiskVolume3\\app.exe");
    MEMORY_BASIC_INFORMATION m = query(f, other, base);
    assert_int_equal(m.Type, MEM_IMAGE);
    assert_int_equal(m.AllocationProtect, PAGE_EXECUTE_WRITECOPY);
    assert_int_equal(m.Protect, PAGE_READONLY); /* the headers */
    assert_int_equal(m.State, MEM_COMMIT);
    assert_int_equal(query(f, other, base + 0x1000).Protect, PAGE_EXECUTE_READ); /* .text */
    /* In its own process that base is taken: mapped elsewhere, and told again. */
    ULONG_PTR again = 0;
    size = 0;
    assert_int_equal(map_into(f, s, NtCurrentProcess(), &again, &size), STATUS_IMAGE_NOT_AT_BASE);
    assert_true(again != 0 && again != base);
    assert_int_equal(again % 0x10000, 0);
    assert_int_equal(l.count, 2);
    assert_int_equal(l.pid, f->pid);
    assert_int_equal(query(f, NtCurrentProcess(), again).Type, MEM_IMAGE);
    /* A second view of one image in one process is told again too. */
    ULONG_PTR third = 0;
    size = 0;
    assert_int_equal(map_into(f, s, NtCurrentProcess(), &third, &size), STATUS_IMAGE_NOT_AT_BASE);
    assert_true(third != again);
    assert_int_equal(l.count, 3);
    /* Unmapping tells nothing; the range is free again. */
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), third + 0x2000), STATUS_SUCCESS);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), again), STATUS_SUCCESS);
    assert_int_equal(NtUnmapViewOfSection(f->sys, other, base), STATUS_SUCCESS);
    assert_int_equal(l.count, 3);
    assert_int_equal(query(f, other, base).State, MEM_FREE);
    ntsim_set_event_sink(f->sys, NULL, NULL);
    NtClose(f->sys, other);
    NtClose(f->sys, s);
}

static void a_base_given_is_taken_as_it_is(void **state)
{
    fixture *f = *state;
    HANDLE s = app_section(f);
    /* Where the image is already: no relocation for a base given. */
    ULONG_PTR base = image_base_of(f, f->pid);
    SIZE_T size = 0;
    assert_int_equal(map_into(f, s, NtCurrentProcess(), &base, &size), STATUS_CONFLICTING_ADDRESSES);
    /* A free place that is not the image's base: mapped there, not at base. */
    base = 0x300000000ull;
    assert_int_equal(map_into(f, s, NtCurrentProcess(), &base, &size), STATUS_IMAGE_NOT_AT_BASE);
    assert_int_equal(base, 0x300000000ull);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), base), STATUS_SUCCESS);
    base = 0x300001000ull;
    assert_int_equal(map_into(f, s, NtCurrentProcess(), &base, &size), STATUS_MAPPED_ALIGNMENT);
    NtClose(f->sys, s);
}

static void map_arguments_checked_for_images(void **state)
{
    fixture *f = *state;
    HANDLE s = app_section(f);
    ULONG_PTR base = 0;
    SIZE_T size = 0;
    LONG64 offset = 0;
    /* An image's pages are committed: no MEM_RESERVE, refused first for a section
       with no writable protection (WRK MmMapViewOfSection), after the alignment
       checks of NtMapViewOfSection; CommitSize only bounded by the view. */
    assert_int_equal(NtMapViewOfSection(f->sys, s, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewShare,
                                        MEM_RESERVE, PAGE_READONLY),
                     STATUS_SECTION_PROTECTION);
    offset = 0x1000;
    assert_int_equal(NtMapViewOfSection(f->sys, s, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewShare,
                                        MEM_RESERVE, PAGE_READONLY),
                     STATUS_MAPPED_ALIGNMENT);
    offset = 0;
    assert_int_equal(NtMapViewOfSection(f->sys, s, NtCurrentProcess(), &base, 0, 0x31000, &offset, &size, ViewShare,
                                        0, PAGE_READONLY),
                     STATUS_INVALID_PARAMETER_5);
    offset = 0x1000;
    assert_int_equal(NtMapViewOfSection(f->sys, s, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewShare, 0,
                                        PAGE_READONLY),
                     STATUS_MAPPED_ALIGNMENT);
    offset = 0;
    size = 0x31000;
    assert_int_equal(NtMapViewOfSection(f->sys, s, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewShare, 0,
                                        PAGE_READONLY),
                     STATUS_INVALID_VIEW_SIZE);
    /* PAGE_WRITECOMBINE is the one protection an image view refuses (WRK MmMapViewOfSection). */
    size = 0;
    assert_int_equal(NtMapViewOfSection(f->sys, s, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewShare, 0,
                                        PAGE_READWRITE | PAGE_WRITECOMBINE),
                     STATUS_INVALID_PARAMETER_10);
    /* The protection is not the section's to allow (no STATUS_SECTION_PROTECTION for an image),
       and may carry PAGE_GUARD or PAGE_NOCACHE: the view's pages take the image's own. */
    size = 0;
    assert_int_equal(NtMapViewOfSection(f->sys, s, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewShare, 0,
                                        PAGE_READWRITE | PAGE_GUARD),
                     STATUS_IMAGE_NOT_AT_BASE);
    assert_int_equal(query(f, NtCurrentProcess(), base + 0x1000).Protect, PAGE_EXECUTE_READ);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), base), STATUS_SUCCESS);
    base = 0;
    size = 0;
    assert_int_equal(NtMapViewOfSection(f->sys, s, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewShare, 0,
                                        PAGE_EXECUTE_READWRITE),
                     STATUS_IMAGE_NOT_AT_BASE);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), base), STATUS_SUCCESS);
    NtClose(f->sys, s);
}

static void the_views_file_name_is_the_images_nt_path(void **state)
{
    fixture *f = *state;
    HANDLE s;
    ULONG_PTR base = map_app_here(f, &s);
    union {
        MEMORY_SECTION_NAME n;
        unsigned char raw[512];
    } u;
    assert_int_equal(NtQueryVirtualMemory(f->sys, NtCurrentProcess(), base + 0x2000, MemoryMappedFilenameInformation,
                                          &u, sizeof u, NULL),
                     STATUS_SUCCESS);
    char name[128];
    size_t n = u.n.SectionFileName.Length / 2;
    for (size_t i = 0; i < n && i < sizeof name - 1; i++)
        name[i] = (char)u.n.SectionFileName.Buffer[i];
    name[n < sizeof name ? n : sizeof name - 1] = '\0';
    assert_string_equal(name, "\\Device\\HarddiskVolume3\\app.exe");
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), base), STATUS_SUCCESS);
    NtClose(f->sys, s);
}

static void ntdll_maps_where_it_is_everywhere(void **state)
{
    fixture *f = *state;
    HANDLE file = open_ok(f, u"\\SystemRoot\\System32\\ntdll.dll", FILE_EXECUTE | FILE_READ_DATA);
    HANDLE s = NULL;
    assert_int_equal(image_section(f, file, NULL, PAGE_EXECUTE_READ, &s), STATUS_SUCCESS);
    NtClose(f->sys, file);
    SECTION_IMAGE_INFORMATION i;
    assert_int_equal(NtQuerySection(f->sys, s, SectionImageInformation, &i, sizeof i, NULL), STATUS_SUCCESS);
    assert_int_equal(i.ImageCharacteristics & 0x2000, 0x2000); /* a DLL */
    /* Its based address is where every process has ntdll. */
    ULONG_PTR ntdll = i.TransferAddress - 0x1000;
    MEMORY_BASIC_INFORMATION m = query(f, NtCurrentProcess(), ntdll);
    assert_int_equal(m.AllocationBase, ntdll);
    assert_int_equal(m.Type, MEM_IMAGE);
    NtClose(f->sys, s);
}

static void an_x86_image_in_a_64_bit_process_is_mapped_but_not_told(void **state)
{
    fixture *f = *state;
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID cid;
    ntsim_process_params_default(&p, "C:\\old32.exe");
    p.arch = NTSIM_ARCH_X86;
    ke_context saved = ke_enter(f->sys, NULL, NULL);
    assert_int_equal(ntsim_create_process(f->sys, &p, &cid), STATUS_SUCCESS);
    ke_leave(saved);
    assert_int_equal(ntsim_set_current_thread(f->sys, f->tid), STATUS_SUCCESS);
    HANDLE file = open_ok(f, u"\\??\\C:\\old32.exe", FILE_EXECUTE | FILE_READ_DATA);
    HANDLE s = NULL;
    assert_int_equal(image_section(f, file, NULL, PAGE_READONLY, &s), STATUS_SUCCESS);
    NtClose(f->sys, file);
    SECTION_IMAGE_INFORMATION i;
    assert_int_equal(NtQuerySection(f->sys, s, SectionImageInformation, &i, sizeof i, NULL), STATUS_SUCCESS);
    assert_int_equal(i.Machine, 0x014C);
    loads l = { 0 };
    ntsim_set_event_sink(f->sys, on_event, &l);
    ULONG_PTR base = 0;
    SIZE_T size = 0;
    assert_int_equal(map_into(f, s, NtCurrentProcess(), &base, &size), STATUS_IMAGE_MACHINE_TYPE_MISMATCH);
    assert_int_equal(query(f, NtCurrentProcess(), base).Type, MEM_IMAGE); /* the view stands */
    assert_int_equal(l.count, 0);
    ntsim_set_event_sink(f->sys, NULL, NULL);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), base), STATUS_SUCCESS);
    NtClose(f->sys, s);
}

static void a_no_execute_image_is_mapped_without_notification(void **state)
{
    fixture *f = *state;
    HANDLE file = open_ok(f, u"\\??\\C:\\app.exe", FILE_GENERIC_READ);
    HANDLE s = NULL;
    assert_int_equal(NtCreateSection(f->sys, &s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_READONLY,
                                     SEC_IMAGE | SEC_LARGE_PAGES, file),
                     STATUS_INVALID_PARAMETER_6);
    /* SEC_IMAGE_NO_EXECUTE (Windows 8 and later) goes with PAGE_READONLY only. */
    assert_int_equal(NtCreateSection(f->sys, &s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE_READ,
                                     SEC_IMAGE_NO_EXECUTE, file),
                     STATUS_INVALID_PAGE_PROTECTION);
    assert_int_equal(NtCreateSection(f->sys, &s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_READONLY,
                                     SEC_IMAGE_NO_EXECUTE, file),
                     STATUS_SUCCESS);
    NtClose(f->sys, file);
    loads l = { 0 };
    ntsim_set_event_sink(f->sys, on_event, &l);
    ULONG_PTR base = 0;
    SIZE_T size = 0;
    assert_int_equal(map_into(f, s, NtCurrentProcess(), &base, &size), STATUS_IMAGE_NOT_AT_BASE);
    assert_int_equal(query(f, NtCurrentProcess(), base).Type, MEM_IMAGE);
    assert_int_equal(l.count, 0);
    ntsim_set_event_sink(f->sys, NULL, NULL);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), base), STATUS_SUCCESS);
    NtClose(f->sys, s);
}

static void a_second_load_finds_the_loaders_module(void **state)
{
    fixture *f = *state;
    loads l = { 0 };
    ntsim_set_event_sink(f->sys, on_event, &l);
    ULONG_PTR first, again, own;
    assert_int_equal(ntsim_load_image(f->sys, "C:\\lib\\twice.dll", 0x20000, &first), STATUS_SUCCESS);
    assert_int_equal(l.count, 1);
    /* The same file, whatever the case: the loader's module, not a new view. */
    assert_int_equal(ntsim_load_image(f->sys, "c:\\LIB\\Twice.DLL", 0, &again), STATUS_SUCCESS);
    assert_int_equal(again, first);
    assert_int_equal(l.count, 1);
    assert_int_equal(ntsim_load_image(f->sys, "C:\\app.exe", 0, &own), STATUS_SUCCESS);
    assert_int_equal(own, image_base_of(f, f->pid));
    assert_int_equal(l.count, 1);
    /* A view of the same file made through a section is no module of the loader's... */
    HANDLE file = open_ok(f, u"\\??\\C:\\lib\\twice.dll", FILE_GENERIC_READ);
    HANDLE s = NULL;
    assert_int_equal(image_section(f, file, NULL, PAGE_READONLY, &s), STATUS_SUCCESS);
    NtClose(f->sys, file);
    ULONG_PTR view = 0;
    SIZE_T size = 0;
    assert_int_equal(map_into(f, s, NtCurrentProcess(), &view, &size), STATUS_IMAGE_NOT_AT_BASE);
    assert_int_equal(l.count, 2);
    /* ...and once the module is unmapped, a load maps it again. */
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), first), STATUS_SUCCESS);
    assert_int_equal(ntsim_load_image(f->sys, "C:\\lib\\twice.dll", 0, &again), STATUS_SUCCESS);
    assert_int_equal(l.count, 3);
    assert_true(again != view);
    ntsim_set_event_sink(f->sys, NULL, NULL);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), again), STATUS_SUCCESS);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), view), STATUS_SUCCESS);
    NtClose(f->sys, s);
}

/* A driver's way (ZwOpenFile, ZwCreateSection, ZwMapViewOfSection): the same
   services with previous mode KernelMode, its own pointers. */
static void a_driver_maps_an_image_with_the_zw_calls(void **state)
{
    fixture *f = *state;
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\SystemRoot\\System32\\ntdll.dll");
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, 0, NULL, NULL);
    IO_STATUS_BLOCK iosb = { 0 };
    HANDLE file = NULL, section = NULL;
    assert_int_equal(ZwOpenFile(&file, FILE_EXECUTE | SYNCHRONIZE, &oa, &iosb, 1, 0), STATUS_SUCCESS);
    assert_int_equal(iosb.Status, STATUS_SUCCESS);
    assert_int_equal(ZwCreateSection(&section, SECTION_MAP_READ | SECTION_MAP_EXECUTE | SECTION_QUERY, NULL, NULL,
                                     PAGE_EXECUTE, SEC_IMAGE, file),
                     STATUS_SUCCESS);
    assert_int_equal(ZwClose(file), STATUS_SUCCESS);
    PVOID base = NULL;
    SIZE_T size = 0;
    /* The current process has ntdll at its base: mapped elsewhere. */
    assert_int_equal(ZwMapViewOfSection(section, NtCurrentProcess(), &base, 0, 0, NULL, &size, ViewUnmap, 0,
                                        PAGE_EXECUTE_READ),
                     STATUS_IMAGE_NOT_AT_BASE);
    ULONG_PTR at = (ULONG_PTR)base;
    assert_int_equal(size, 0x1F5000);
    assert_int_equal(query(f, NtCurrentProcess(), at).Type, MEM_IMAGE);
    assert_int_equal(ZwUnmapViewOfSection(NtCurrentProcess(), base), STATUS_SUCCESS);
    assert_int_equal(query(f, NtCurrentProcess(), at).State, MEM_FREE);
    assert_int_equal(ZwClose(section), STATUS_SUCCESS);
}

/* What a driver's load-image routine saw of the last image. */
static struct {
    int count;
    ULONG pid;
    ULONG_PTR base;
    SIZE_T size;
    unsigned partial, mode, system;
} routine;

static void on_image(PUNICODE_STRING name, HANDLE pid, PIMAGE_INFO info)
{
    (void)name;
    routine.count++;
    routine.pid = HandleToULong(pid);
    routine.base = (ULONG_PTR)info->ImageBase;
    routine.size = info->ImageSize;
    routine.partial = info->ImagePartialMap;
    routine.mode = info->ImageAddressingMode;
    routine.system = info->SystemModeImage;
}

static void watcher_unload(PDRIVER_OBJECT d)
{
    (void)d;
    PsRemoveLoadImageNotifyRoutine(on_image);
}

static NTSTATUS watcher_entry(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)reg;
    d->DriverUnload = watcher_unload;
    return PsSetLoadImageNotifyRoutine(on_image);
}

static void a_drivers_routine_sees_each_view_and_whether_it_is_partial(void **state)
{
    fixture *f = *state;
    ke_leave(f->saved); /* a driver loads from outside any thread's code */
    assert_int_equal(ntsim_load_driver(f->sys, "watcher", watcher_entry, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(ntsim_set_current_thread(f->sys, f->tid), STATUS_SUCCESS);
    f->saved = ke_enter(f->sys, NULL, NULL);
    memset(&routine, 0, sizeof routine);
    HANDLE s;
    ULONG_PTR base = map_app_here(f, &s);
    assert_int_equal(routine.count, 1);
    assert_int_equal(routine.pid, f->pid);
    assert_int_equal(routine.base, base);
    assert_int_equal(routine.size, 0x30000);
    assert_int_equal(routine.partial, 0);
    assert_int_equal(routine.mode, IMAGE_ADDRESSING_MODE_32BIT);
    assert_int_equal(routine.system, 0);
    /* The first 64 KiB only: a partial view (Windows 10's ImagePartialMap). */
    ULONG_PTR part = 0;
    SIZE_T size = 0x10000;
    assert_int_equal(map_into(f, s, NtCurrentProcess(), &part, &size), STATUS_IMAGE_NOT_AT_BASE);
    assert_int_equal(routine.count, 2);
    assert_int_equal(routine.size, 0x10000);
    assert_int_equal(routine.partial, 1);
    assert_int_equal(query(f, NtCurrentProcess(), part + 0x1000).Protect, PAGE_EXECUTE_READ);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), part), STATUS_SUCCESS);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), base), STATUS_SUCCESS);
    assert_int_equal(routine.count, 2);
    NtClose(f->sys, s);
    ke_leave(f->saved);
    assert_int_equal(ntsim_unload_driver(f->sys, "watcher"), STATUS_SUCCESS);
    assert_int_equal(ntsim_set_current_thread(f->sys, f->tid), STATUS_SUCCESS);
    f->saved = ke_enter(f->sys, NULL, NULL);
}

/* A view ends at the section's end, SizeOfSection: a MaximumSize smaller than
   the image makes a section whose views are that small (MmMapViewOfSection,
   MiMapViewOfImageSection). */
static void a_view_ends_at_the_sections_size(void **state)
{
    fixture *f = *state;
    HANDLE file = open_ok(f, u"\\??\\C:\\app.exe", FILE_EXECUTE | FILE_READ_DATA);
    LONG64 max = 0x10000, one = 1, offset = 0;
    HANDLE s = NULL;
    assert_int_equal(image_section(f, file, &max, PAGE_EXECUTE, &s), STATUS_SUCCESS);
    ULONG_PTR base = 0;
    SIZE_T size = 0;
    assert_int_equal(map_into(f, s, NtCurrentProcess(), &base, &size), STATUS_IMAGE_NOT_AT_BASE);
    assert_int_equal(size, 0x10000);
    MEMORY_BASIC_INFORMATION m = query(f, NtCurrentProcess(), base + 0x1000);
    assert_int_equal(m.Protect, PAGE_EXECUTE_READ); /* the image's .text, cut at the view's end */
    assert_int_equal(m.RegionSize, 0xF000);
    assert_true(query(f, NtCurrentProcess(), base + 0x10000).AllocationBase != base);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), base), STATUS_SUCCESS);
    ULONG_PTR other = 0;
    size = 0x20000;
    assert_int_equal(NtMapViewOfSection(f->sys, s, NtCurrentProcess(), &other, 0, 0, &offset, &size, ViewShare, 0,
                                        PAGE_READONLY),
                     STATUS_INVALID_VIEW_SIZE);
    NtClose(f->sys, s);
    assert_int_equal(image_section(f, file, &one, PAGE_EXECUTE, &s), STATUS_SUCCESS);
    base = 0;
    size = 0;
    assert_int_equal(map_into(f, s, NtCurrentProcess(), &base, &size), STATUS_IMAGE_NOT_AT_BASE);
    assert_int_equal(size, 0x1000); /* one byte: the headers' page */
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), base), STATUS_SUCCESS);
    NtClose(f->sys, s);
    NtClose(f->sys, file);
}

/* MiSetProtectionOnSection: in an image view a writable protection is its
   copy-on-write form while the page is shared; the write gives the page its
   copy, read/write from then on. */
static void a_writable_protection_of_an_image_page_is_copy_on_write(void **state)
{
    fixture *f = *state;
    HANDLE s;
    ULONG_PTR v = map_app_here(f, &s);
    ULONG_PTR text = v + 0x1000, at = text;
    SIZE_T n = 0x1000;
    ULONG old = 0;
    assert_int_equal(NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &at, &n, PAGE_EXECUTE_READWRITE, &old),
                     STATUS_SUCCESS);
    assert_int_equal(old, PAGE_EXECUTE_READ);
    assert_int_equal(query(f, NtCurrentProcess(), text).Protect, PAGE_EXECUTE_WRITECOPY);
    at = text, n = 0x1000;
    assert_int_equal(NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &at, &n, PAGE_READWRITE, &old),
                     STATUS_SUCCESS);
    assert_int_equal(old, PAGE_EXECUTE_WRITECOPY);
    MEMORY_BASIC_INFORMATION m = query(f, NtCurrentProcess(), text);
    assert_int_equal(m.Protect, PAGE_WRITECOPY);
    assert_int_equal(m.RegionSize, 0x1000);
    unsigned char byte = 0x5A;
    assert_int_equal(ntsim_write_memory(f->sys, text + 8, &byte, 1), STATUS_SUCCESS);
    assert_int_equal(query(f, NtCurrentProcess(), text).Protect, PAGE_READWRITE);
    /* The other protections are taken as they are. */
    at = text + 0x1000, n = 0x1000;
    assert_int_equal(NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &at, &n, PAGE_READONLY, &old),
                     STATUS_SUCCESS);
    assert_int_equal(query(f, NtCurrentProcess(), text + 0x1000).Protect, PAGE_READONLY);
    assert_int_equal(NtUnmapViewOfSection(f->sys, NtCurrentProcess(), v), STATUS_SUCCESS);
    NtClose(f->sys, s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(attributes_and_the_file_are_checked_in_windows_order),
        cmocka_unit_test(the_volume_holds_the_images_the_system_met),
        cmocka_unit_test(the_protection_decides_the_file_access_needed),
        cmocka_unit_test(maximum_size_is_kept_up_to_the_image_size),
        cmocka_unit_test(image_information_comes_from_the_headers),
        cmocka_unit_test(a_view_goes_at_the_images_base_or_elsewhere_not_at_base),
        cmocka_unit_test(a_base_given_is_taken_as_it_is),
        cmocka_unit_test(map_arguments_checked_for_images),
        cmocka_unit_test(the_views_file_name_is_the_images_nt_path),
        cmocka_unit_test(ntdll_maps_where_it_is_everywhere),
        cmocka_unit_test(an_x86_image_in_a_64_bit_process_is_mapped_but_not_told),
        cmocka_unit_test(a_no_execute_image_is_mapped_without_notification),
        cmocka_unit_test(a_drivers_routine_sees_each_view_and_whether_it_is_partial),
        cmocka_unit_test(a_second_load_finds_the_loaders_module),
        cmocka_unit_test(a_driver_maps_an_image_with_the_zw_calls),
        cmocka_unit_test(a_writable_protection_of_an_image_page_is_copy_on_write),
        cmocka_unit_test(a_view_ends_at_the_sections_size),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
