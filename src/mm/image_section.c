/*
 * image_section.c - views of image sections (SEC_IMAGE), as
 * MiMapViewOfImageSection makes them, and what SectionImageInformation
 * says of the image. A view is a MEM_IMAGE VAD laid out as every image of
 * ntsim's is (headers, .text, .rdata, .data); its pages are the process's,
 * copy-on-write, as an image's are once written.
 *
 * The rules (docs/memory-manager.md, "Image sections"): the section's
 * protection and MEM_TOP_DOWN play no part; with no base the view goes at
 * the section's based address + offset when that is free, else anywhere
 * (STATUS_IMAGE_NOT_AT_BASE, a success); a base given is taken as it is
 * (STATUS_CONFLICTING_ADDRESSES when in use, NOT_AT_BASE when it is not the
 * based one); an I386 image in a native 64-bit process stays mapped with
 * STATUS_IMAGE_MACHINE_TYPE_MISMATCH.
 */
#include <string.h>

#include "mm/mm_internal.h"
#include "rtl/alloc.h"

/* The whole image's pieces at ib, clipped to the view [b, e): at most 4. */
static size_t view_pieces(ULONG_PTR ib, SIZE_T image_len, ULONG_PTR b, ULONG_PTR e, mm_piece out[4])
{
    mm_piece all[4];
    mm_image_pieces(ib, image_len, all);
    size_t n = 0;
    for (size_t i = 0; i < 4; i++) {
        ULONG_PTR ps = all[i].start, pe = i + 1 < 4 ? all[i + 1].start : ib + image_len;
        ULONG_PTR a = ps > b ? ps : b, z = pe < e ? pe : e;
        if (a < z)
            out[n++] = (mm_piece){ a, all[i].attr };
    }
    return n;
}

/* Where the view goes, and whether that is its based place: a base given
   is not moved (a data view's checks); with none, the based place when it
   is free, else the lowest free one (the process's VmTopDown is off). */
static NTSTATUS place(mm_space *s, ULONG_PTR preferred, SIZE_T len, ULONG_PTR zero_bits, ULONG_PTR *base)
{
    ULONG_PTR end = mm_zero_bits_end(s->highest, zero_bits);
    if (!*base && preferred >= s->lowest && preferred <= end && end - preferred >= len &&
        !mm_vad_overlaps(s, preferred, preferred + len)) {
        *base = preferred;
        return STATUS_SUCCESS;
    }
    NTSTATUS st = mm_view_place(s, base, len, zero_bits, false);
    if (!NT_SUCCESS(st))
        return st;
    return *base == preferred ? STATUS_SUCCESS : STATUS_IMAGE_NOT_AT_BASE;
}

NTSTATUS mm_map_image_view(mm_space *s, const mm_image_section *img, uint64_t section_size, ULONG_PTR *base,
                           ULONG_PTR zero_bits, SIZE_T commit_size, uint64_t *offset, SIZE_T *view_size, ULONG type,
                           ULONG protect)
{
    if (type & MEM_RESERVE) {
        /* NtMapViewOfSection's alignment checks come first; MmMapViewOfSection
           then refuses a reserve of a section with no writable protection
           before its image branch refuses any (WRK mapview.c). */
        if ((*base & (GRAN - 1)) || (*offset & (GRAN - 1)))
            return STATUS_MAPPED_ALIGNMENT;
        if (!(img->protect & (PAGE_READWRITE | PAGE_EXECUTE_READWRITE)))
            return STATUS_SECTION_PROTECTION;
        return STATUS_INVALID_PARAMETER_9; /* an image's pages are all committed */
    }
    if (*offset & (GRAN - 1))
        return STATUS_MAPPED_ALIGNMENT;
    /* The view ends at the section's end, SizeOfSection: MaximumSize when one
       was given, smaller than the image maybe (MmMapViewOfSection). */
    SIZE_T size = *view_size;
    NTSTATUS st = mm_view_length(section_size, *offset, &size);
    if (!NT_SUCCESS(st))
        return st;
    SIZE_T len = page_up(size);
    if (commit_size > len)
        return STATUS_INVALID_PARAMETER_5; /* CommitSize's only check for an image */
    if (protect & PAGE_WRITECOMBINE)
        return STATUS_INVALID_PARAMETER_10; /* the only protection an image view refuses (WRK MmMapViewOfSection) */
    ULONG_PTR b = *base;
    NTSTATUS placed = place(s, img->based + *offset, len, zero_bits, &b);
    if (!NT_SUCCESS(placed))
        return placed;
    /* What may fail for want of memory comes before the view exists. */
    char *name = mm_vad_name_dup(mm_file_part(img->path));
    mm_image_path *kept = mm_image_path_new(img->path);
    mm_vad *v = NULL;
    st = name && kept ? mm_place(s, b, b + len, VAD_IMAGE, PAGE_EXECUTE_WRITECOPY, attr_committed(PAGE_READONLY), true, &v)
                      : STATUS_NO_MEMORY;
    mm_piece pieces[4];
    size_t n = v ? view_pieces(b - *offset, img->info.size, b, b + len, pieces) : 0;
    if (v && !mm_runs_layout(s, v, pieces, n)) {
        mm_vad_delete(s, v);
        st = STATUS_NO_MEMORY;
    }
    if (!NT_SUCCESS(st)) {
        rtl_free(name);
        rtl_free(kept);
        return st;
    }
    mm_vad_name_adopt(s, v, name);
    mm_image_path_adopt(s, b, kept, false); /* a view, not a loader module */
    *base = b;
    *view_size = len;
    if (!img->info.is64 && s->arch == MM_ARCH_X64)
        return STATUS_IMAGE_MACHINE_TYPE_MISMATCH; /* mapped, but not for running here */
    return placed;
}

static void put16(unsigned char *b, size_t at, uint16_t v)
{
    memcpy(b + at, &v, 2);
}

static void put32(unsigned char *b, size_t at, uint32_t v)
{
    memcpy(b + at, &v, 4);
}

static void put64(unsigned char *b, size_t at, uint64_t v)
{
    memcpy(b + at, &v, 8);
}

/* PE header values of ntsim's images: a Windows 10 console program or DLL,
   built with ASLR and DEP on (the linker's defaults), entry at .text. */
void mm_section_image_information(const mm_image_section *img, unsigned char out[MM_SECTION_IMAGE_INFORMATION_SIZE])
{
    const mm_image_info *i = &img->info;
    memset(out, 0, MM_SECTION_IMAGE_INFORMATION_SIZE);
    put64(out, 0x00, img->based + PAGE);           /* TransferAddress: ImageBase + AddressOfEntryPoint */
    put64(out, 0x10, i->stack_reserve);            /* MaximumStackSize */
    put64(out, 0x18, i->stack_commit);             /* CommittedStackSize */
    put32(out, 0x20, 3);                           /* IMAGE_SUBSYSTEM_WINDOWS_CUI */
    put16(out, 0x26, 10);                          /* SubSystemVersion 10.0 */
    put16(out, 0x28, 10);                          /* OperatingSystemVersion 10.0 (major first here) */
    uint16_t characteristics = 0x0002;             /* IMAGE_FILE_EXECUTABLE_IMAGE */
    if (i->is64 || i->large_address_aware)
        characteristics |= 0x0020;                 /* LARGE_ADDRESS_AWARE */
    if (!i->is64)
        characteristics |= 0x0100;                 /* 32BIT_MACHINE */
    if (i->dll)
        characteristics |= 0x2000;                 /* DLL */
    put16(out, 0x2C, characteristics);
    uint16_t dll = 0x0040 | 0x0100;                /* DYNAMIC_BASE, NX_COMPAT */
    if (i->is64)
        dll |= 0x0020;                             /* HIGH_ENTROPY_VA */
    if (!i->dll)
        dll |= 0x8000;                             /* TERMINAL_SERVER_AWARE */
    put16(out, 0x2E, dll);
    put16(out, 0x30, i->is64 ? 0x8664 : 0x014C);  /* Machine */
    out[0x32] = 1;                                 /* ImageContainsCode */
    out[0x33] = img->relocated ? 0x04 : 0;         /* ImageDynamicallyRelocated */
    put32(out, 0x38, (uint32_t)i->size);           /* ImageFileSize: sections at page alignment in the file too */
}
