/*
 * services_section.c - the section services as the kernel's entry points
 * take them: NtCreateSection, NtMapViewOfSection, NtUnmapViewOfSection,
 * NtExtendSection and NtQuerySection. Arguments are checked in Windows'
 * order (those that need no memory, then the caller's pointers probed and
 * captured, then the captured values, then the handles), the work is the
 * memory manager's (src/mm/section.c, view.c), results are written back.
 * docs/memory-manager.md ("Sections and views") has the sources.
 */
#include <stddef.h>
#include <string.h>

#include "io/io.h"
#include "mm/mm.h"
#include "ob/handles.h"
#include "system/service_table.h"
#include "system/system.h"
#include "system/user_buffer.h"

static mm_limits limits(ntsim_system *sys)
{
    const ntsim_config *c = &ke_state(sys)->config;
    return mm_system_limits(c->arch == NTSIM_ARCH_X64, c->increase_uva);
}

/* ProbeForWrite and capture of an in/out scalar (see services_memory.c). */
static NTSTATUS capture(ntsim_system *sys, ULONG64 ptr, void *v, size_t n)
{
    NTSTATUS s = sys_in(sys, ptr, v, n, (ULONG)n);
    return NT_SUCCESS(s) ? sys_out(sys, ptr, v, n) : s;
}

/* A section of a file: the file referenced for what the protection needs
   (MmMakeFileAccess); only the volume's image files have what a section
   needs (a device's file has no section object pointers), and only as
   images: file-backed data sections are not modelled. */
static NTSTATUS create_file_section(ntsim_system *sys, const ULONG64 *a, ULONG protect, ULONG attributes,
                                    uint64_t maximum)
{
    ob_header *o;
    NTSTATUS s = ob_reference_by_handle(sys, sys_handle(a[6]), mm_file_access_for(protect), &io_file_type, &o, NULL);
    if (!NT_SUCCESS(s))
        return s;
    const io_file *f = (const io_file *)o;
    const ntsim_config *c = &ke_state(sys)->config;
    ob_header *section = NULL;
    if (!f->image_path)
        s = STATUS_INVALID_FILE_FOR_SECTION;
    else if (!(attributes & SEC_IMAGE))
        s = STATUS_NOT_SUPPORTED;
    else if (f->image.is64 && c->arch == NTSIM_ARCH_X86)
        s = STATUS_INVALID_IMAGE_WIN_64; /* a 64-bit image on 32-bit Windows */
    else if (f->image.is64 && ps_current_process(sys)->wow64)
        s = STATUS_INVALID_IMAGE_FORMAT; /* as a WOW64 process is answered */
    else if (!ob_handle_reserve(&ps_current_process(sys)->handles))
        s = STATUS_INSUFFICIENT_RESOURCES;
    else
        s = mm_section_create_image(&ps_state(sys)->sections, ps_state(sys)->image_bases, f->image_path, &f->image,
                                    maximum, protect, (attributes & SEC_NOCACHE) != 0, &section);
    ob_dereference(sys, o); /* the section keeps what it needs of the file */
    if (!NT_SUCCESS(s))
        return s;
    return sys_out_new_handle(sys, section, ob_map_access(&mm_section_type, (ACCESS_MASK)a[1]), a[0]);
}

/* NtCreateSection(SectionHandle, DesiredAccess, ObjectAttributes, MaximumSize,
   SectionPageProtection, AllocationAttributes, FileHandle). */
NTSTATUS sys_svc_create_section(ntsim_system *sys, const ULONG64 *a)
{
    ULONG protect = (ULONG)a[4], attributes = (ULONG)a[5];
    NTSTATUS s = mm_check_section_attributes(attributes, protect);
    if (NT_SUCCESS(s))
        s = sys_probe_out(sys, a[0], 8, 8);
    uint64_t size = 0;
    if (NT_SUCCESS(s) && a[3])
        s = sys_in(sys, a[3], &size, 8, 8);
    if (NT_SUCCESS(s) && a[2]) {
        unsigned char oa[48];
        ULONG64 name;
        if (NT_SUCCESS(s = sys_in(sys, a[2], oa, sizeof oa, 8))) {
            memcpy(&name, oa + 16, 8);
            if (name)
                s = STATUS_NOT_SUPPORTED; /* no object namespace: named sections are not modelled */
        }
    }
    if (!NT_SUCCESS(s))
        return s;
    if (a[6])
        return create_file_section(sys, a, protect, attributes, size);
    if (attributes & SEC_IMAGE)
        return STATUS_INVALID_FILE_FOR_SECTION; /* an image section needs its file */
    if (!a[3] || size == 0)
        return STATUS_INVALID_PARAMETER_4; /* a page-file-backed section needs its size */
    ob_handle_table *table = &ps_current_process(sys)->handles;
    if (!ob_handle_reserve(table))
        return STATUS_INSUFFICIENT_RESOURCES;
    ob_header *section;
    s = mm_section_create(&ps_state(sys)->commit, &ps_state(sys)->sections, size, protect, attributes, &section);
    if (!NT_SUCCESS(s))
        return s;
    return sys_out_new_handle(sys, section, ob_map_access(&mm_section_type, (ACCESS_MASK)a[1]), a[0]);
}

/* NtMapViewOfSection(SectionHandle, ProcessHandle, BaseAddress, ZeroBits, CommitSize,
   SectionOffset, ViewSize, InheritDisposition, AllocationType, Win32Protect). */
NTSTATUS sys_svc_map_view_of_section(ntsim_system *sys, const ULONG64 *a)
{
    mm_limits lim = limits(sys);
    ULONG inherit = (ULONG)a[7], type = (ULONG)a[8], protect = (ULONG)a[9];
    NTSTATUS s = mm_check_map_flags(&lim, a[3], inherit, type, protect);
    ULONG_PTR base = 0;
    uint64_t offset = 0;
    SIZE_T size = 0;
    if (NT_SUCCESS(s))
        s = capture(sys, a[2], &base, 8);
    if (NT_SUCCESS(s) && a[5])
        s = capture(sys, a[5], &offset, 8);
    if (NT_SUCCESS(s))
        s = capture(sys, a[6], &size, 8);
    if (NT_SUCCESS(s))
        s = mm_check_map_range(&lim, base, size, a[3]);
    if (NT_SUCCESS(s))
        s = sys_map_view(sys, sys_handle(a[0]), sys_handle(a[1]), &base, a[3], a[4], &offset, &size, inherit, type,
                         protect);
    if (!NT_SUCCESS(s))
        return s;
    /* A fault writing the results back changes nothing: the view stands. */
    if (NT_SUCCESS(sys_out(sys, a[2], &base, 8)) && (!a[5] || NT_SUCCESS(sys_out(sys, a[5], &offset, 8))))
        sys_out(sys, a[6], &size, 8);
    return s;
}

/* NtMapViewOfSectionEx(SectionHandle, ProcessHandle, BaseAddress, SectionOffset,
   ViewSize, AllocationType, Win32Protect, ExtendedParameters,
   ExtendedParameterCount): Windows 10 1803's. The plain call's order, with
   the Ex calls' unnumbered INVALID_PARAMETER; address requirements as
   NtAllocateVirtualMemoryEx takes them (only with base 0), a replacement
   only at a base. */
NTSTATUS sys_svc_map_view_of_section_ex(ntsim_system *sys, const ULONG64 *a)
{
    mm_limits lim = limits(sys);
    ULONG type = (ULONG)a[5], protect = (ULONG)a[6];
    if (a[8] && !a[7])
        return STATUS_INVALID_PARAMETER;
    NTSTATUS s = mm_check_map_ex_flags(type, protect);
    ULONG_PTR base = 0;
    uint64_t offset = 0;
    SIZE_T size = 0;
    if (NT_SUCCESS(s))
        s = capture(sys, a[2], &base, 8);
    if (NT_SUCCESS(s) && a[3])
        s = capture(sys, a[3], &offset, 8);
    if (NT_SUCCESS(s))
        s = capture(sys, a[4], &size, 8);
    if (NT_SUCCESS(s))
        s = mm_check_map_range(&lim, base, size, 0);
    mm_address_requirements req;
    bool has_req = false;
    if (NT_SUCCESS(s))
        s = sys_capture_extended_parameters(sys, a[7], a[8], &req, &has_req);
    if (NT_SUCCESS(s)) /* requirements bound the system's choice: MEM_RESERVE stands for "a new place" */
        s = mm_check_requirements(&lim, has_req ? &req : NULL, base, MEM_RESERVE);
    if (NT_SUCCESS(s) && (type & MEM_REPLACE_PLACEHOLDER) && !base)
        s = STATUS_INVALID_PARAMETER; /* a replacement names its placeholder */
    if (NT_SUCCESS(s))
        s = sys_map_view_ex(sys, sys_handle(a[0]), sys_handle(a[1]), &base, &offset, &size, type, protect,
                            has_req ? &req : NULL);
    if (!NT_SUCCESS(s))
        return s;
    if (NT_SUCCESS(sys_out(sys, a[2], &base, 8)) && (!a[3] || NT_SUCCESS(sys_out(sys, a[3], &offset, 8))))
        sys_out(sys, a[4], &size, 8);
    return s;
}

NTSTATUS sys_svc_unmap_view_of_section(ntsim_system *sys, const ULONG64 *a)
{
    return sys_unmap_view(sys, sys_handle(a[0]), a[1]);
}

/* NtUnmapViewOfSectionEx(ProcessHandle, BaseAddress, Flags): Windows 10
   1803's; Flags MEM_UNMAP_WITH_TRANSIENT_BOOST (a scheduling hint, ignored)
   and MEM_PRESERVE_PLACEHOLDER, anything else STATUS_INVALID_PARAMETER. */
NTSTATUS sys_svc_unmap_view_of_section_ex(ntsim_system *sys, const ULONG64 *a)
{
    ULONG flags = (ULONG)a[2];
    if (flags & ~(MEM_UNMAP_WITH_TRANSIENT_BOOST | MEM_PRESERVE_PLACEHOLDER))
        return STATUS_INVALID_PARAMETER;
    return sys_unmap_view_ex(sys, sys_handle(a[0]), a[1], (flags & MEM_PRESERVE_PLACEHOLDER) != 0);
}

/* NtExtendSection(SectionHandle, NewSectionSize): only file-backed data
   sections grow (MmExtendSection); a page-file-backed one never does. */
NTSTATUS sys_svc_extend_section(ntsim_system *sys, const ULONG64 *a)
{
    uint64_t size;
    NTSTATUS s = capture(sys, a[1], &size, 8);
    if (!NT_SUCCESS(s))
        return s;
    ob_header *section;
    s = ob_reference_by_handle(sys, sys_handle(a[0]), SECTION_EXTEND_SIZE, &mm_section_type, &section, NULL);
    if (!NT_SUCCESS(s))
        return s;
    ob_dereference(sys, section);
    return STATUS_SECTION_NOT_EXTENDED;
}

#define SECTION_BASIC_INFORMATION_SIZE 24 /* x64: BaseAddress, AllocationAttributes, MaximumSize */

/* NtQuerySection(SectionHandle, SectionInformationClass, SectionInformation, Length, ResultLength):
   SectionBasicInformation, and SectionImageInformation of an image section. */
NTSTATUS sys_svc_query_section(ntsim_system *sys, const ULONG64 *a)
{
    if (a[1] > 1)
        return STATUS_INVALID_INFO_CLASS;
    ULONG64 len = a[1] == 0 ? SECTION_BASIC_INFORMATION_SIZE : MM_SECTION_IMAGE_INFORMATION_SIZE;
    if (a[3] < len)
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS s = sys_probe_out(sys, a[2], a[3], 8);
    if (NT_SUCCESS(s) && a[4])
        s = sys_probe_out(sys, a[4], 8, 8);
    ob_header *section;
    if (NT_SUCCESS(s))
        s = ob_reference_by_handle(sys, sys_handle(a[0]), SECTION_QUERY, &mm_section_type, &section, NULL);
    if (!NT_SUCCESS(s))
        return s;
    unsigned char b[MM_SECTION_IMAGE_INFORMATION_SIZE] = { 0 };
    const mm_image_section *img = mm_section_image(section);
    if (a[1] == 1 && img) {
        mm_section_image_information(img, b);
    } else if (a[1] == 0) {
        ULONG attributes;
        uint64_t size;
        mm_section_basic(section, &attributes, &size);
        memcpy(b + 8, &attributes, 4);
        memcpy(b + 16, &size, 8);
    }
    ob_dereference(sys, section);
    if (a[1] == 1 && !img)
        return STATUS_SECTION_NOT_IMAGE;
    s = sys_out(sys, a[2], b, len);
    if (NT_SUCCESS(s) && a[4])
        s = sys_out(sys, a[4], &len, 8);
    return s;
}

_Static_assert(sizeof(SECTION_IMAGE_INFORMATION) == MM_SECTION_IMAGE_INFORMATION_SIZE &&
                   offsetof(SECTION_IMAGE_INFORMATION, Machine) == 0x30 &&
                   offsetof(SECTION_IMAGE_INFORMATION, CheckSum) == 0x3C,
               "the public structure is the service's x64 layout");
