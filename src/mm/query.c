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

NTSTATUS mm_query(mm_space *s, ULONG_PTR address, MEMORY_BASIC_INFORMATION *mbi)
{
    if (address > s->highest)
        return STATUS_INVALID_PARAMETER;
    ULONG_PTR page = page_down(address);
    mm_vad *h = s->hint;
    if (h && page < h->start && page >= h->start - h->gap) {
        fill_free(page, h->start, mbi); /* the free gap just before the hint */
        return STATUS_SUCCESS;
    }
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
    if (next) /* a walk asks for that allocation next */
        s->hint = avl_entry(next, mm_vad, node);
    return STATUS_SUCCESS;
}

void mm_walk(mm_space *s, mm_region_cb cb, void *ctx)
{
    MEMORY_BASIC_INFORMATION mbi;
    ULONG_PTR addr = 0;
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
            if (!cb(ctx, &mbi, v->detail))
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
