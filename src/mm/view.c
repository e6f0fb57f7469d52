/*
 * view.c - views of sections: NtMapViewOfSection and NtUnmapViewOfSection
 * on one address space, and MEM_COMMIT inside a view. A view is a VAD of
 * type MEM_MAPPED plus a record (in the space's view tree and in its
 * segment's list of views) saying which section pages it shows. A page
 * committed through one view is committed in every view of the section, in
 * every process, as the segment's prototype PTEs make it on Windows; each
 * view keeps its own protection.
 *
 * The order of the checks and the statuses: docs/memory-manager.md
 * ("Sections and views"), from the Windows Research Kernel's
 * NtMapViewOfSection / MmMapViewOfSection / MiMapViewOfDataSection and the
 * answers Wine's and ReactOS's tests record on Windows.
 */
#include "mm/mm_internal.h"
#include "mm/user_memory.h"
#include "rtl/alloc.h"

/* What NtMapViewOfSection takes in AllocationType; anything else is parameter 9. */
#define MAP_TYPES (MEM_TOP_DOWN | MEM_LARGE_PAGES | SEC_NO_CHANGE | MEM_RESERVE)

/* MmCompatibleProtectionMask: by the mapped protection's kind, what the view may be given. */
static ULONG compatible_mask(ULONG protect)
{
    switch (protect & 0xFFu) {
    case PAGE_READONLY: return PAGE_NOACCESS | PAGE_READONLY | PAGE_WRITECOPY;
    case PAGE_EXECUTE: return PAGE_NOACCESS | PAGE_EXECUTE;
    case PAGE_EXECUTE_READ:
        return PAGE_NOACCESS | PAGE_READONLY | PAGE_WRITECOPY | PAGE_EXECUTE | PAGE_EXECUTE_READ;
    case PAGE_READWRITE: return PAGE_NOACCESS | PAGE_READONLY | PAGE_WRITECOPY | PAGE_READWRITE;
    case PAGE_WRITECOPY: return PAGE_NOACCESS | PAGE_READONLY | PAGE_WRITECOPY;
    case PAGE_EXECUTE_READWRITE: return 0xFFu;
    case PAGE_EXECUTE_WRITECOPY:
        return PAGE_NOACCESS | PAGE_READONLY | PAGE_WRITECOPY | PAGE_EXECUTE | PAGE_EXECUTE_READ |
               PAGE_EXECUTE_WRITECOPY;
    default: return PAGE_NOACCESS;
    }
}

bool mm_protect_compatible(ULONG mapped, ULONG wanted)
{
    return (wanted & 0xFFu & ~compatible_mask(mapped)) == 0;
}

ACCESS_MASK mm_section_access_for(ULONG protect)
{
    switch (protect & 0xFFu) { /* MmMakeSectionAccess */
    case PAGE_EXECUTE: return SECTION_MAP_EXECUTE;
    case PAGE_EXECUTE_READ: case PAGE_EXECUTE_WRITECOPY: return SECTION_MAP_EXECUTE | SECTION_MAP_READ;
    case PAGE_READWRITE: return SECTION_MAP_WRITE;
    case PAGE_EXECUTE_READWRITE: return SECTION_MAP_EXECUTE | SECTION_MAP_WRITE;
    default: return SECTION_MAP_READ;
    }
}

ACCESS_MASK mm_file_access_for(ULONG protect)
{
    switch (protect & 0xFFu) { /* MmMakeFileAccess */
    case PAGE_EXECUTE: return FILE_EXECUTE;
    case PAGE_EXECUTE_READ: case PAGE_EXECUTE_WRITECOPY: return FILE_EXECUTE | FILE_READ_DATA;
    case PAGE_READWRITE: return FILE_READ_DATA | FILE_WRITE_DATA;
    case PAGE_EXECUTE_READWRITE: return FILE_READ_DATA | FILE_WRITE_DATA | FILE_EXECUTE;
    default: return FILE_READ_DATA;
    }
}

/* The end (exclusive) a system-chosen view may reach under ZeroBits (already valid). */
ULONG_PTR mm_zero_bits_end(ULONG_PTR highest, ULONG_PTR zero_bits)
{
    ULONG_PTR top = highest + 1, lim;
    if (zero_bits == 0)
        return top;
    if (zero_bits < 32) {
        lim = 1ull << (32 - zero_bits);
    } else {
        int bits = 64 - __builtin_clzll(zero_bits);
        lim = bits >= 64 ? ~0ull : (1ull << bits);
    }
    return lim < top ? lim : top;
}

NTSTATUS mm_check_map_flags(const mm_limits *l, ULONG_PTR zero_bits, ULONG inherit, ULONG type, ULONG protect)
{
    if (type & ~MAP_TYPES)
        return STATUS_INVALID_PARAMETER_9; /* AT_ROUND_TO_PAGE too: 32-bit Windows only */
    if (!mm_zero_bits_valid(l, zero_bits))
        return STATUS_INVALID_PARAMETER_4;
    if (inherit != ViewShare && inherit != ViewUnmap)
        return STATUS_INVALID_PARAMETER_8;
    return mm_check_protection(protect);
}

NTSTATUS mm_check_map_range(const mm_limits *l, ULONG_PTR base, SIZE_T view_size, ULONG_PTR zero_bits)
{
    if (base > l->highest || l->highest - base < view_size)
        return STATUS_INVALID_PARAMETER_3;
    if (zero_bits && base && base + view_size > mm_zero_bits_end(l->highest, zero_bits))
        return STATUS_INVALID_PARAMETER_4;
    return STATUS_SUCCESS;
}

static mm_view *view_of(const avl_node *n)
{
    return n ? avl_entry(n, mm_view, node) : NULL;
}

mm_view *mm_view_at(const mm_space *s, ULONG_PTR addr)
{
    const avl_node *n = s->views.root, *best = NULL;
    while (n) {
        if (view_of(n)->start <= addr) {
            best = n;
            n = n->right;
        } else {
            n = n->left;
        }
    }
    mm_view *w = view_of(best);
    return w && addr < w->end ? w : NULL;
}

static void link_view(mm_space *s, mm_view *w)
{
    avl_node *parent = NULL, **link = &s->views.root;
    int is_left = 0;
    while (*link) {
        parent = *link;
        is_left = w->start < view_of(parent)->start;
        link = is_left ? &parent->left : &parent->right;
    }
    avl_link(&s->views, &w->node, parent, is_left);
    mm_segment *g = w->seg;
    w->prev = NULL;
    w->next = g->views;
    if (g->views)
        g->views->prev = w;
    g->views = w;
    g->refs++;
}

/* Takes w out of its segment (which it stops keeping alive) and frees it. */
static void drop_view(mm_view *w)
{
    mm_segment *g = w->seg;
    if (w->prev)
        w->prev->next = w->next;
    else
        g->views = w->next;
    if (w->next)
        w->next->prev = w->prev;
    mm_segment_release(g);
    rtl_free(w);
}

static void free_views(avl_node *n)
{
    if (!n)
        return;
    free_views(n->left);
    free_views(n->right);
    drop_view(view_of(n));
}

void mm_views_free_all(mm_space *s)
{
    free_views(s->views.root);
    s->views.root = NULL;
}

/* Runs of v over [a, b): what a change there may split. */
static uint64_t runs_in(const mm_vad *v, ULONG_PTR a, ULONG_PTR b)
{
    uint64_t n = 0;
    ULONG_PTR rs, re;
    for (; a < b; a = re, n++)
        mm_runs_run_at(v, a, &rs, &re);
    return n;
}

/* The view's virtual range showing section pages [first, end), clipped to it; false if none. */
static bool overlap(const mm_view *w, uint64_t first, uint64_t end, ULONG_PTR *a, ULONG_PTR *b)
{
    uint64_t wf = w->first, we = w->first + (w->end - w->start) / PAGE;
    uint64_t f = first > wf ? first : wf, e = end < we ? end : we;
    if (f >= e)
        return false;
    *a = w->start + (f - wf) * PAGE;
    *b = w->start + (e - wf) * PAGE;
    return true;
}

/* Shows [a, b) of another view as committed, each page keeping its protection. */
static void show_committed(mm_view *x, ULONG_PTR a, ULONG_PTR b)
{
    mm_vad *v = mm_vad_find(x->space, x->start);
    ULONG_PTR rs, re;
    while (a < b) {
        uint32_t attr = mm_runs_run_at(v, a, &rs, &re);
        ULONG_PTR e = re < b ? re : b;
        if (!(attr & ATTR_COMMITTED))
            mm_runs_set(x->space, v, a, e, attr | ATTR_COMMITTED); /* nodes reserved by the caller */
        a = e;
    }
    MM_DEBUG_CHECK(x->space);
}

NTSTATUS mm_view_commit(mm_space *s, mm_view *w, ULONG_PTR start, ULONG_PTR end, ULONG protect)
{
    mm_segment *g = w->seg;
    mm_vad *v = mm_vad_find(s, w->start);
    uint64_t first = w->first + (start - w->start) / PAGE, last = first + (end - start) / PAGE;
    uint64_t newly = mm_segment_uncommitted(g, first, last) * PAGE;
    if (g->commit && (newly > g->commit->limit || g->commit->charged > g->commit->limit - newly))
        return STATUS_COMMITMENT_LIMIT;
    /* Every run node the change takes, in every view, before anything changes. */
    if (!mm_pool_reserve(&s->run_pool, 3))
        return STATUS_NO_MEMORY;
    for (mm_view *x = newly ? g->views : NULL; x; x = x->next) {
        ULONG_PTR a, b;
        if (x != w && overlap(x, first, last, &a, &b) &&
            !mm_pool_reserve(&x->space->run_pool, 2 + 2 * runs_in(mm_vad_find(x->space, x->start), a, b)))
            return STATUS_NO_MEMORY;
    }
    if (!mm_segment_commit(g, first, last))
        return STATUS_NO_MEMORY;
    mm_runs_set(s, v, start, end, attr_committed(protect));
    for (mm_view *x = newly ? g->views : NULL; x; x = x->next) {
        ULONG_PTR a, b;
        if (x != w && overlap(x, first, last, &a, &b))
            show_committed(x, a, b);
    }
    if (g->commit)
        g->commit->charged += newly, g->commit->sections += newly;
    g->charged += newly;
    return STATUS_SUCCESS;
}

/* Where the view goes: the caller's base (64 KiB aligned, free) or the lowest (top-down: highest) free place. */
NTSTATUS mm_view_place(mm_space *s, ULONG_PTR *base, SIZE_T len, ULONG_PTR zero_bits, bool top_down)
{
    if (*base) {
        if (*base & (GRAN - 1))
            return STATUS_MAPPED_ALIGNMENT;
        if (*base > s->highest || s->highest - *base < len - 1)
            return STATUS_INVALID_PARAMETER_3;
        return mm_vad_overlaps(s, *base, *base + len) ? STATUS_CONFLICTING_ADDRESSES : STATUS_SUCCESS;
    }
    if (!mm_find_free(s, len, GRAN, s->lowest, mm_zero_bits_end(s->highest, zero_bits), top_down, base))
        return STATUS_NO_MEMORY;
    return STATUS_SUCCESS;
}

/* NtMapViewOfSectionEx's places: the placeholder the view replaces, which it
   must cover exactly (the documentation of MapViewOfFile3), or the system's
   choice within the address requirements, as NtAllocateVirtualMemoryEx's. */
static NTSTATUS place_ex(mm_space *s, ULONG_PTR *base, SIZE_T len, ULONG type, const mm_address_requirements *req,
                         mm_vad **placeholder)
{
    *placeholder = NULL;
    if (type & MEM_REPLACE_PLACEHOLDER) {
        if (*base & (GRAN - 1))
            return STATUS_MAPPED_ALIGNMENT;
        mm_vad *v = mm_vad_find(s, *base);
        if (!v || !(v->flags & VAD_PLACEHOLDER) || v->start != *base || v->end - v->start != len)
            return STATUS_CONFLICTING_ADDRESSES;
        *placeholder = v;
        return STATUS_SUCCESS;
    }
    if (*base || !req)
        return mm_view_place(s, base, len, 0, (type & MEM_TOP_DOWN) != 0);
    ULONG_PTR lo = req->lowest > s->lowest ? req->lowest : s->lowest;
    ULONG_PTR hi = req->highest ? req->highest + 1 : s->highest + 1;
    if (!mm_find_free(s, len, req->alignment ? req->alignment : GRAN, lo, hi, (type & MEM_TOP_DOWN) != 0, base))
        return STATUS_NO_MEMORY;
    return STATUS_SUCCESS;
}

/* The view's size: to the section's end when 0; never past it. */
NTSTATUS mm_view_length(uint64_t section_size, uint64_t offset, SIZE_T *view_size)
{
    if (*view_size == 0) {
        if (offset >= section_size)
            return STATUS_INVALID_VIEW_SIZE;
        *view_size = section_size - offset;
    } else if (offset > section_size || *view_size > section_size - offset) {
        return STATUS_INVALID_VIEW_SIZE;
    }
    return STATUS_SUCCESS;
}

/* A new view's pages: committed where its segment is. */
static void lay_out(mm_space *s, mm_vad *v, const mm_view *w)
{
    const mm_segment *g = w->seg;
    for (size_t i = 0; i < g->nranges && !(g->attributes & SEC_COMMIT); i++) {
        ULONG_PTR a, b;
        if (overlap(w, g->ranges[2 * i], g->ranges[2 * i + 1], &a, &b))
            mm_runs_set(s, v, a, b, attr_committed(w->protect));
    }
}

/* One view: the plain call's (ex false) or the Ex call's (placeholders, address requirements). */
static NTSTATUS map_section(mm_space *s, struct ob_header *section, ULONG_PTR *base, ULONG_PTR zero_bits,
                            SIZE_T commit_size, uint64_t *offset, SIZE_T *view_size, ULONG inherit, ULONG type,
                            ULONG protect, bool ex, const mm_address_requirements *req)
{
    const mm_image_section *img = mm_section_image(section);
    if (img) { /* placeholders and address requirements are for data views here (not recorded for images) */
        if (ex && ((type & MEM_REPLACE_PLACEHOLDER) || req))
            return STATUS_INVALID_PARAMETER;
        return mm_map_image_view(s, img, mm_section_size(section), base, zero_bits, commit_size, offset, view_size,
                                 type, protect);
    }
    mm_segment *g = mm_section_segment(section);
    if (!mm_protect_compatible(g->protect, protect))
        return STATUS_SECTION_PROTECTION;
    if (type & MEM_RESERVE)
        return STATUS_INVALID_PARAMETER_9; /* only file-backed views may be reserved */
    if (*offset & (GRAN - 1))
        return STATUS_MAPPED_ALIGNMENT;
    SIZE_T size = *view_size;
    NTSTATUS st = mm_view_length(mm_section_size(section), *offset, &size);
    if (!NT_SUCCESS(st))
        return st;
    SIZE_T len = page_up(size);
    ULONG_PTR b = *base;
    mm_vad *placeholder = NULL;
    st = ex ? place_ex(s, &b, len, type, req, &placeholder)
            : mm_view_place(s, &b, len, zero_bits, (type & MEM_TOP_DOWN) != 0);
    if (!NT_SUCCESS(st))
        return st;
    mm_view *w = rtl_zalloc(sizeof *w);
    if (!w || !mm_vad_reserve_named(s) || !mm_pool_reserve(&s->run_pool, 2 + 2 * g->nranges)) {
        rtl_free(w);
        return STATUS_NO_MEMORY;
    }
    if (placeholder)
        mm_vad_delete(s, placeholder); /* the view takes its place, and its address range, whole */
    bool all = (g->attributes & SEC_COMMIT) != 0;
    mm_vad *v = mm_vad_create_named(s, b, b + len, VAD_MAPPED, protect,
                                    all ? attr_committed(protect) : attr_reserved(protect));
    mm_vad_name(s, v, "Shareable", false, 0); /* what VMMap calls a page-file-backed view */
    if (placeholder)
        v->flags |= VAD_FROM_PLACEHOLDER; /* NtUnmapViewOfSectionEx may give the placeholder back */
    *w = (mm_view){ .start = b, .end = b + len, .first = *offset / PAGE, .protect = protect, .inherit = inherit,
                    .seg = g, .space = s };
    lay_out(s, v, w);
    link_view(s, w);
    if (!all && commit_size) {
        SIZE_T c = page_up(commit_size) < len ? page_up(commit_size) : len;
        st = mm_view_commit(s, w, b, b + c, protect);
        if (!NT_SUCCESS(st)) {
            mm_unmap_view(s, b, NULL, NULL);
            return st;
        }
    }
    *base = b;
    *view_size = len;
    return STATUS_SUCCESS;
}

NTSTATUS mm_map_section(mm_space *s, struct ob_header *section, ULONG_PTR *base, ULONG_PTR zero_bits, SIZE_T commit_size,
                        uint64_t *offset, SIZE_T *view_size, ULONG inherit, ULONG type, ULONG protect)
{
    NTSTATUS st = map_section(s, section, base, zero_bits, commit_size, offset, view_size, inherit, type, protect,
                              false, NULL);
    MM_DEBUG_CHECK(s);
    return st;
}

NTSTATUS mm_check_map_ex_flags(ULONG type, ULONG protect)
{
    if (type & ~(MAP_TYPES | MEM_REPLACE_PLACEHOLDER))
        return STATUS_INVALID_PARAMETER; /* the Ex call names no parameter */
    if ((type & MEM_REPLACE_PLACEHOLDER) && (type & MEM_TOP_DOWN))
        return STATUS_INVALID_PARAMETER; /* a replacement's place is the placeholder's */
    return mm_check_protection(protect);
}

NTSTATUS mm_map_section_ex(mm_space *s, struct ob_header *section, ULONG_PTR *base, uint64_t *offset,
                           SIZE_T *view_size, ULONG type, ULONG protect, const mm_address_requirements *req)
{
    NTSTATUS st = map_section(s, section, base, 0, 0, offset, view_size, ViewShare, type, protect, true, req);
    MM_DEBUG_CHECK(s);
    return st;
}

NTSTATUS mm_unmap_view_ex(mm_space *s, ULONG_PTR address, bool preserve, ULONG_PTR *start, SIZE_T *size)
{
    mm_vad *v = address <= s->highest ? mm_vad_find(s, page_down(address)) : NULL;
    if (!v || v->type == VAD_PRIVATE)
        return STATUS_NOT_MAPPED_VIEW;
    if (preserve && !(v->flags & VAD_FROM_PLACEHOLDER))
        return STATUS_CONFLICTING_ADDRESSES; /* no placeholder to give back, as for NtFreeVirtualMemory */
    if (preserve && !mm_vad_reserve(s))
        return STATUS_NO_MEMORY; /* room for the placeholder first: the unmap is whole or not at all */
    ULONG_PTR a = v->start, b = v->end;
    if (start)
        *start = a;
    if (size)
        *size = b - a;
    mm_view *w = mm_view_at(s, v->start);
    if (w) {
        avl_erase(&s->views, &w->node);
        drop_view(w);
    }
    if (v->type == VAD_IMAGE)
        mm_image_path_drop(s, v->start);
    mm_vad_delete(s, v);
    if (preserve)
        mm_vad_create(s, a, b, VAD_PRIVATE, PAGE_NOACCESS, attr_reserved(PAGE_NOACCESS))->flags |= VAD_PLACEHOLDER;
    MM_DEBUG_CHECK(s);
    return STATUS_SUCCESS;
}

NTSTATUS mm_unmap_view(mm_space *s, ULONG_PTR address, ULONG_PTR *start, SIZE_T *size)
{
    return mm_unmap_view_ex(s, address, false, start, size);
}
