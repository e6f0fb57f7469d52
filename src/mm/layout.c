/*
 * layout.c - what the system itself puts in a user address space: image and
 * data views, KUSER_SHARED_DATA, the PEB, TEBs and thread stacks, placed as
 * Windows places them (Windows Internals 7th ed., ch. 3 "Flow of
 * CreateProcess" and ch. 5 "Address space layout"). Thread stacks are in
 * stack.c. With ASLR every base is drawn from the system's seeded generator.
 */
#include <stdio.h>

#include "mm/mm_internal.h"
#include "rtl/alloc.h"
#include "rtl/ascii.h"

#define SHARED_USER_DATA 0x7FFE0000ull

/* Where images go with ASLR (x64: the 0x7FF6.. region Windows 10 uses). */
#define X64_IMAGE_LO  0x7FF600000000ull
#define X64_IMAGE_HI  0x7FF800000000ull
#define X64_NTDLL_LO  0x7FFD00000000ull
#define X64_NTDLL_HI  0x7FFE00000000ull
#define X64_DLL_LO    0x7FF800000000ull  /* DLLs: above the exes, around ntdll */
#define X64_DLL_HI    0x7FFF00000000ull
#define X64_PEB_LO    0x4000000000ull  /* 256 GB..1 TB: above the window scenarios use */
#define X64_PEB_HI    0x10000000000ull
#define X86_IMAGE_LO  0x00400000ull
#define X86_IMAGE_HI  0x10000000ull
#define X86_NTDLL_LO  0x77000000ull
#define X86_NTDLL_HI  0x77800000ull
#define X86_DLL_LO    0x50000000ull      /* DLLs: below 0x78000000, as 32-bit Windows */
#define X86_DLL_HI    0x78000000ull
#define X86_PEB_LO    0x00200000ull
#define X86_PEB_HI    0x00400000ull

/* A new VAD [start, end) at exactly that place, charged when committed. */
NTSTATUS mm_place(mm_space *s, ULONG_PTR start, ULONG_PTR end, mm_vad_type type, ULONG alloc_protect,
                      uint32_t attr, bool named, mm_vad **out)
{
    if (start < s->lowest || end - 1 > s->highest || end <= start)
        return STATUS_INVALID_PARAMETER;
    if (mm_vad_overlaps(s, start, end))
        return STATUS_CONFLICTING_ADDRESSES;
    if (!(named ? mm_vad_reserve_named(s) : mm_vad_reserve(s)) || !mm_pool_reserve(&s->run_pool, 8))
        return STATUS_NO_MEMORY;
    uint64_t charge = (type == VAD_PRIVATE && (attr & ATTR_COMMITTED)) ? end - start : 0;
    if (!mm_charge(s, charge))
        return STATUS_COMMITMENT_LIMIT;
    *out = (named ? mm_vad_create_named : mm_vad_create)(s, start, end, type, alloc_protect, attr);
    return STATUS_SUCCESS;
}

/* A base for a view: the caller's (64 KiB aligned) or the highest free one. */
static NTSTATUS view_base(mm_space *s, ULONG_PTR *base, SIZE_T len)
{
    if (*base) {
        if (*base & (GRAN - 1))
            return STATUS_INVALID_PARAMETER;
        return STATUS_SUCCESS;
    }
    if (!mm_find_free(s, len, GRAN, s->lowest, s->highest + 1, true, base))
        return STATUS_NO_MEMORY;
    return STATUS_SUCCESS;
}

static NTSTATUS image_base(mm_space *s, const char *name, SIZE_T len, rtl_random *rng, ULONG_PTR lo,
                           ULONG_PTR hi, ULONG_PTR *out);

/* A DLL's base when the caller leaves it to the system: the boot-wide one. */
static NTSTATUS dll_base(mm_space *s, const char *name, SIZE_T len, ULONG_PTR *out)
{
    bool x64 = s->arch == MM_ARCH_X64;
    rtl_random *rng = mm_image_bases_rng(s->image_bases);
    if (!rng) /* no ASLR: the first free place from the top, then kept */
        return image_base(s, name, len, NULL, s->lowest, s->highest + 1, out);
    return image_base(s, name, len, rng, x64 ? X64_DLL_LO : X86_DLL_LO, x64 ? X64_DLL_HI : X86_DLL_HI, out);
}

/* static_name: name is a literal that outlives the space (ntdll's), kept without a copy. */
static NTSTATUS map_image(mm_space *s, ULONG_PTR *base, SIZE_T size, const char *name, bool static_name)
{
    if (size == 0 || size > s->highest)
        return STATUS_INVALID_PARAMETER;
    SIZE_T len = page_up(size);
    ULONG_PTR b = *base;
    /* The name's copy first: once the view is placed, nothing may fail. */
    char *copy = NULL;
    if (name && !static_name && !(copy = mm_vad_name_dup(name)))
        return STATUS_NO_MEMORY;
    NTSTATUS st = (!b && s->image_bases && name) ? dll_base(s, name, len, &b) : view_base(s, &b, len);
    mm_vad *v;
    if (NT_SUCCESS(st))
        st = mm_place(s, b, b + len, VAD_IMAGE, PAGE_EXECUTE_WRITECOPY, attr_committed(PAGE_READONLY), name != NULL,
                      &v);
    if (!NT_SUCCESS(st)) {
        rtl_free(copy);
        return st;
    }
    mm_piece sections[4];
    mm_image_pieces(b, len, sections);
    if (!mm_runs_layout(s, v, sections, 4)) { /* runs reserved by mm_place: not for want of memory */
        mm_vad_delete(s, v);
        rtl_free(copy);
        return STATUS_NO_MEMORY;
    }
    if (name && static_name)
        mm_vad_name(s, v, name, false, 0);
    else if (name)
        mm_vad_name_adopt(s, v, copy);
    *base = b;
    MM_DEBUG_CHECK(s);
    return STATUS_SUCCESS;
}

/* Headers, .text, .rdata, .data: one page, then halves of what is left. */
void mm_image_pieces(ULONG_PTR b, SIZE_T len, mm_piece out[4])
{
    uint64_t pages = len / PAGE, rest = pages - 1;
    uint64_t text = (rest + 1) / 2, rdata = (rest - text + 1) / 2;
    ULONG_PTR t = b + PAGE, r = t + text * PAGE, d = r + rdata * PAGE;
    out[0] = (mm_piece){ b, attr_committed(PAGE_READONLY) };
    out[1] = (mm_piece){ t, attr_committed(PAGE_EXECUTE_READ) };
    out[2] = (mm_piece){ r, attr_committed(PAGE_READONLY) };
    out[3] = (mm_piece){ d, attr_committed(PAGE_WRITECOPY) };
}

NTSTATUS mm_map_image(mm_space *s, ULONG_PTR *base, SIZE_T size, const char *name)
{
    return map_image(s, base, size, name, false);
}

/* Up to 16 draws of a 64 KiB-aligned base in [lo, hi) with room for len,
 * until one avoids the ranges the registry (if any) gave other images and,
 * with a space, fits there free. *out: that draw, else the last one. */
static bool draw_base(const mm_space *s, const mm_image_bases *reg, rtl_random *rng, ULONG_PTR lo, ULONG_PTR hi,
                      SIZE_T len, ULONG_PTR *out)
{
    uint64_t slots = (hi - lo - align_up(len, GRAN)) / GRAN + 1;
    for (int i = 0; i < 16 && rng; i++) {
        ULONG_PTR b = *out = lo + rtl_random_below(rng, slots) * GRAN;
        if ((!s || (b + len - 1 <= s->highest && !mm_vad_overlaps(s, b, b + len))) &&
            !(reg && mm_image_bases_taken(reg, b, b + len)))
            return true;
    }
    return false;
}

/* A base in [lo, hi) for len in this space: a draw (draw_base), else the
 * highest free place below hi. */
static NTSTATUS random_base(mm_space *s, const mm_image_bases *reg, rtl_random *rng, ULONG_PTR lo,
                            ULONG_PTR hi, SIZE_T len, ULONG_PTR *out)
{
    if (draw_base(s, reg, rng, lo, hi, len, out))
        return STATUS_SUCCESS;
    return mm_find_free(s, len, GRAN, s->lowest, hi, true, out) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

/* Where an image goes in this space: its boot-wide base when the registry
 * has one and the range is free here; else a draw in [lo, hi) (rng NULL: the
 * highest free place), which becomes the image's base for the boot when it
 * had none. A base taken here only makes this process relocate the image. */
static NTSTATUS image_base(mm_space *s, const char *name, SIZE_T len, rtl_random *rng, ULONG_PTR lo,
                           ULONG_PTR hi, ULONG_PTR *out)
{
    mm_image_bases *reg = s->image_bases;
    bool is64 = s->arch == MM_ARCH_X64;
    ULONG_PTR b;
    if (!reg || !name)
        return random_base(s, NULL, rng, lo, hi, len, out);
    if (mm_image_bases_lookup(reg, name, is64, len, &b)) {
        if (b + len - 1 <= s->highest && !mm_vad_overlaps(s, b, b + len)) {
            *out = b;
            return STATUS_SUCCESS;
        }
        return random_base(s, reg, rng, lo, hi, len, out);
    }
    NTSTATUS st = random_base(s, reg, rng, lo, hi, len, out);
    if (NT_SUCCESS(st))
        st = mm_image_bases_record(reg, name, is64, *out, len);
    return st;
}

static bool is_ntdll(const char *path)
{
    return rtl_ascii_equal_nocase(mm_file_part(path), "ntdll.dll");
}

NTSTATUS mm_image_based_address(mm_image_bases *reg, mm_image_section *img)
{
    bool is64 = img->info.is64;
    SIZE_T len = img->info.size;
    rtl_random *rng = reg ? mm_image_bases_rng(reg) : NULL;
    img->relocated = rng != NULL;
    if (reg && mm_image_bases_lookup(reg, img->path, is64, len, &img->based))
        return STATUS_SUCCESS;
    /* The window each kind of image is drawn in, and its PE's preferred base without ASLR. */
    ULONG_PTR lo, hi, fixed;
    if (is_ntdll(img->path)) {
        lo = is64 ? X64_NTDLL_LO : X86_NTDLL_LO, hi = is64 ? X64_NTDLL_HI : X86_NTDLL_HI;
        fixed = is64 ? 0x7FFD40000000ull : 0x77400000ull;
    } else if (!img->info.dll) {
        lo = is64 ? X64_IMAGE_LO : X86_IMAGE_LO, hi = is64 ? X64_IMAGE_HI : X86_IMAGE_HI;
        fixed = is64 ? 0x140000000ull : 0x400000ull;
    } else {
        lo = is64 ? X64_DLL_LO : X86_DLL_LO, hi = is64 ? X64_DLL_HI : X86_DLL_HI;
        fixed = is64 ? 0x180000000ull : 0x10000000ull; /* the linkers' default DLL bases */
    }
    ULONG_PTR b = fixed;
    if (rng && len <= hi - lo) /* no space to fit: a range taken in one only makes the view relocate there */
        draw_base(NULL, reg, rng, lo, hi, len, &b);
    img->based = b;
    return reg ? mm_image_bases_record(reg, img->path, is64, b, len) : STATUS_SUCCESS;
}

/* The standard layout one VAD at a time: for a space that has VADs already
   (the template needs an empty one). The same places, the same answers. */
static NTSTATUS place_one_by_one(mm_space *s, const mm_standard_layout *l)
{
    mm_vad *shared_vad;
    NTSTATUS st = mm_place(s, l->shared, l->shared + PAGE, VAD_PRIVATE, PAGE_READONLY, attr_committed(PAGE_READONLY),
                           true, &shared_vad);
    if (!NT_SUCCESS(st))
        return st;
    mm_vad_name(s, shared_vad, "KUSER_SHARED_DATA", false, 0);
    shared_vad->flags |= VAD_NO_CHANGE;
    ULONG_PTR image = l->image, ntdll = l->ntdll;
    st = map_image(s, &image, l->image_size, l->image_name, true);
    if (NT_SUCCESS(st))
        st = map_image(s, &ntdll, l->ntdll_size, "ntdll.dll", true);
    if (!NT_SUCCESS(st))
        return st;
    mm_vad *v;
    st = mm_place(s, l->peb, l->peb + PAGE, VAD_PRIVATE, PAGE_READWRITE, attr_committed(PAGE_READWRITE), true, &v);
    if (!NT_SUCCESS(st))
        return st;
    mm_vad_name(s, v, "PEB", false, 0);
    return STATUS_SUCCESS;
}

NTSTATUS mm_initialize_process(mm_space *s, const char *image_name, SIZE_T image_size, bool aslr,
                               rtl_random *rng, mm_process_layout *out)
{
    bool x64 = s->arch == MM_ARCH_X64;
    if (image_size == 0)
        image_size = 0x10000;
    SIZE_T ntdll_size = x64 ? 0x1F5000 : 0x1A0000;
    if (!aslr)
        rng = NULL;
    if (image_size > s->highest)
        return STATUS_INVALID_PARAMETER;

    /* Every base first, each drawn in a window of its own (the image's,
     * ntdll's, the PEB's: disjoint, and apart from the shared page), so the
     * draws are the same whether the VADs are placed before or after. */
    ULONG_PTR image = x64 ? 0x140000000ull : 0x400000ull;
    NTSTATUS st;
    if (rng) {
        st = image_base(s, image_name, page_up(image_size), rng, x64 ? X64_IMAGE_LO : X86_IMAGE_LO,
                        x64 ? X64_IMAGE_HI : X86_IMAGE_HI, &image);
        if (!NT_SUCCESS(st))
            return st;
    }
    ULONG_PTR ntdll = x64 ? 0x7FFD40000000ull : 0x77400000ull;
    if (rng) {
        st = image_base(s, "ntdll.dll", ntdll_size, rng, x64 ? X64_NTDLL_LO : X86_NTDLL_LO,
                        x64 ? X64_NTDLL_HI : X86_NTDLL_HI, &ntdll);
        if (!NT_SUCCESS(st))
            return st;
    }
    /* The PEB: classic fixed places without ASLR, a random granule with it
     * (its last page, TEBs then go below it, page by page). */
    ULONG_PTR peb = x64 ? 0x7FFFFFFDF000ull : 0x7FFDF000ull;
    if (rng) {
        ULONG_PTR g;
        st = random_base(s, NULL, rng, x64 ? X64_PEB_LO : X86_PEB_LO, x64 ? X64_PEB_HI : X86_PEB_HI, GRAN, &g);
        if (!NT_SUCCESS(st))
            return st;
        peb = g + GRAN - PAGE;
    }
    mm_standard_layout l = { SHARED_USER_DATA, image, page_up(image_size), image_name, ntdll, ntdll_size, peb };
    st = s->vads.root ? place_one_by_one(s, &l) : mm_standard_layout_place(s, &l);
    if (!NT_SUCCESS(st))
        return st;
    s->peb = peb;

    out->image_base = image;
    out->image_size = page_up(image_size);
    out->ntdll_base = ntdll;
    out->ntdll_size = ntdll_size;
    out->peb = peb;
    MM_DEBUG_CHECK(s);
    return STATUS_SUCCESS;
}

NTSTATUS mm_create_teb(mm_space *s, uint32_t tid, ULONG_PTR *teb)
{
    /* A 64-bit TEB spans 2 pages; WOW64 adds the 32-bit TEB after it. */
    SIZE_T len = s->arch == MM_ARCH_X64 ? 2 * PAGE : s->wow64 ? 3 * PAGE : PAGE;
    ULONG_PTR hi = s->peb ? s->peb : s->highest + 1, b;
    if (!mm_find_free(s, len, PAGE, s->lowest, hi, true, &b) &&
        !mm_find_free(s, len, PAGE, s->lowest, s->highest + 1, true, &b))
        return STATUS_NO_MEMORY;
    mm_vad *v;
    NTSTATUS st = mm_place(s, b, b + len, VAD_PRIVATE, PAGE_READWRITE, attr_committed(PAGE_READWRITE), true, &v);
    if (!NT_SUCCESS(st))
        return st;
    mm_vad_name(s, v, "TEB of thread ", true, tid);
    *teb = b;
    MM_DEBUG_CHECK(s);
    return STATUS_SUCCESS;
}

NTSTATUS mm_delete_teb(mm_space *s, ULONG_PTR teb)
{
    SIZE_T size = 0;
    return mm_free(s, &teb, &size, MEM_RELEASE);
}
