/*
 * query.c - NtQueryVirtualMemory(MemoryBasicInformation) and the region walk
 * behind `vm map`. A region is a maximal run of pages with the same state and
 * protection inside one allocation (never across two); free memory runs from
 * the queried page to the next allocation or the top of user space.
 */
#include "mm/mm_internal.h"

static ULONG type_flag(const mm_vad *v)
{
    return v->type == VAD_IMAGE ? MEM_IMAGE : v->type == VAD_MAPPED ? MEM_MAPPED : MEM_PRIVATE;
}

static void fill_vad(const mm_vad *v, ULONG_PTR base, ULONG_PTR end, uint32_t attr,
                     MEMORY_BASIC_INFORMATION *mbi)
{
    bool committed = (attr & ATTR_COMMITTED) != 0;
    mbi->BaseAddress = base;
    mbi->AllocationBase = v->start;
    mbi->AllocationProtect = v->alloc_protect;
    mbi->RegionSize = end - base;
    mbi->State = committed ? MEM_COMMIT : MEM_RESERVE;
    mbi->Protect = committed ? (attr & 0xFFFFu) : 0;
    mbi->Type = type_flag(v);
}

static void fill_free(ULONG_PTR base, ULONG_PTR end, MEMORY_BASIC_INFORMATION *mbi)
{
    mbi->BaseAddress = base;
    mbi->AllocationBase = 0;
    mbi->AllocationProtect = 0;
    mbi->RegionSize = end - base;
    mbi->State = MEM_FREE;
    mbi->Protect = PAGE_NOACCESS;
    mbi->Type = 0;
}

static ULONG sum_type_flag(uint64_t sum)
{
    uint32_t t = sum_type(sum);
    return t == VAD_IMAGE ? MEM_IMAGE : t == VAD_MAPPED ? MEM_MAPPED : MEM_PRIVATE;
}

/* A uniform allocation answered from its index summary, without the VAD. */
static void fill_summary(ULONG_PTR start, uint64_t sum, ULONG_PTR page, MEMORY_BASIC_INFORMATION *mbi)
{
    bool committed = sum_committed(sum);
    mbi->BaseAddress = page;
    mbi->AllocationBase = start;
    mbi->AllocationProtect = sum_alloc_protect(sum);
    mbi->RegionSize = sum_end(start, sum) - page;
    mbi->State = committed ? MEM_COMMIT : MEM_RESERVE;
    mbi->Protect = committed ? sum_protect(sum) : 0;
    mbi->Type = sum_type_flag(sum);
}

/* The hint without reading its VAD: its bounds come from the leaf. */
static void hint_from_leaf(mm_space *s, mm_vad *v, ULONG_PTR start, uint64_t sum, ULONG_PTR prev_end)
{
    /* unknown prev_end: no free-gap shortcut */
    mm_hint_push(s, (mm_hint){ v, prev_end ? prev_end : start, start, sum_end(start, sum) });
}

/* An address the hint does not answer: one index descent. A uniform
 * allocation (or the free gap before one in the same leaf) is answered from
 * the leaf; anything else reads the VAD. */
static bool query_from_index(mm_space *s, ULONG_PTR page, MEMORY_BASIC_INFORMATION *mbi)
{
    mm_index_hit h;
    if (!mm_index_lookup(&s->index, page, &h) || !(h.summary & SUM_VALID))
        return false;
    ULONG_PTR end = sum_end(h.start, h.summary);
    if (page < end) {
        fill_summary(h.start, h.summary, page, mbi);
        hint_from_leaf(s, h.vad, h.start, h.summary, h.prev_end);
        return true;
    }
    if (!h.next || !(h.next_summary & SUM_VALID))
        return false;
    fill_free(page, h.next_start, mbi);
    hint_from_leaf(s, h.next, h.next_start, h.next_summary, end); /* a walk asks for it next */
    return true;
}

NTSTATUS mm_query(mm_space *s, ULONG_PTR address, MEMORY_BASIC_INFORMATION *mbi)
{
    if (address > s->highest)
        return STATUS_INVALID_PARAMETER;
    ULONG_PTR page = page_down(address);
    const mm_hint *h = &s->hint;
    if (h->vad && page < h->start && page >= h->lo) {
        fill_free(page, h->start, mbi); /* the free gap just before the hint */
        return STATUS_SUCCESS;
    }
    bool near_hint = h->vad && page >= h->start && page <= h->end;
    if (!near_hint && query_from_index(s, page, mbi))
        return STATUS_SUCCESS;
    mm_vad *v = mm_vad_floor_hinted(s, page);
    if (v && page < v->end) {
        ULONG_PTR end;
        uint32_t attr = mm_runs_attr_at(v, page, &end);
        fill_vad(v, page, end, attr, mbi);
        return STATUS_SUCCESS;
    }
    avl_node *next = v ? avl_next(&v->node) : avl_first(&s->vads);
    ULONG_PTR end = next ? avl_entry(next, mm_vad, node)->start : s->highest + 1;
    fill_free(page, end, mbi);
    if (next) { /* a walk asks for that allocation next */
        mm_vad *n = avl_entry(next, mm_vad, node);
        mm_hint_push(s, (mm_hint){ n, v ? v->end : 0, n->start, n->end });
    }
    return STATUS_SUCCESS;
}

void mm_walk(mm_space *s, mm_region_cb cb, void *ctx)
{
    MEMORY_BASIC_INFORMATION mbi;
    ULONG_PTR addr = 0;
    char buf[48];
    for (avl_node *n = avl_first(&s->vads); n; n = avl_next(n)) {
        const mm_vad *v = avl_entry(n, mm_vad, node);
        if (addr < v->start) {
            fill_free(addr, v->start, &mbi);
            if (!cb(ctx, &mbi, NULL))
                return;
        }
        for (ULONG_PTR p = v->start; p < v->end;) {
            ULONG_PTR end;
            uint32_t attr = mm_runs_attr_at(v, p, &end);
            fill_vad(v, p, end, attr, &mbi);
            if (!cb(ctx, &mbi, mm_vad_detail(v, buf)))
                return;
            p = end;
        }
        addr = v->end;
    }
    if (addr <= s->highest) {
        fill_free(addr, s->highest + 1, &mbi);
        cb(ctx, &mbi, NULL);
    }
}
