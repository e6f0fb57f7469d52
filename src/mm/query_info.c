/*
 * query_info.c - the NtQueryVirtualMemory classes beyond
 * MemoryBasicInformation: a whole allocation (MemoryRegionInformation), one
 * page's working-set entry (MemoryWorkingSetExInformation), and an image
 * view's extent (MemoryImageInformation). docs/memory-manager.md
 * ("Other query classes") has the layouts and the sources.
 */
#include "mm/mm_internal.h"

/* An address in no allocation: Windows' (and Wine's) STATUS_INVALID_ADDRESS. */
static mm_vad *allocation_at(mm_space *s, ULONG_PTR address)
{
    return address > s->highest ? NULL : mm_vad_find(s, page_down(address));
}

NTSTATUS mm_query_region(mm_space *s, ULONG_PTR address, mm_region_info *out)
{
    mm_vad *v = allocation_at(s, address);
    if (!v)
        return STATUS_INVALID_ADDRESS;
    ULONG type = v->type == VAD_IMAGE ? MM_REGION_MAPPED_IMAGE
                 : v->type == VAD_MAPPED ? MM_REGION_MAPPED_PAGE_FILE
                                         : MM_REGION_PRIVATE;
    if (v->flags & VAD_PLACEHOLDER)
        type |= MM_REGION_PLACEHOLDER;
    if (v->flags & VAD_LARGE_PAGES)
        type |= MM_REGION_PAGE_SIZE_LARGE;
    if (v->flags & VAD_WRITE_WATCH)
        type |= MM_REGION_WRITE_WATCH;
    *out = (mm_region_info){ .base = v->start, .alloc_protect = v->alloc_protect, .type = type,
                             .size = v->end - v->start,
                             .commit = mm_runs_count_committed(v, v->start, v->end) * PAGE };
    return STATUS_SUCCESS;
}

/* Views of the segment holding the page (the processes sharing it), at most 7: ShareCount's width. */
static uint64_t share_count(const mm_view *w, ULONG_PTR page)
{
    uint64_t at = w->first + (page - w->start) / PAGE, n = 0;
    for (const mm_view *x = w->seg->views; x && n < 7; x = x->next)
        n += at >= x->first && at < x->first + (x->end - x->start) / PAGE;
    return n ? n : 1;
}

/* A copy-on-write page that was written has its own copy: no longer shared. */
static bool copied(ULONG mapped, ULONG now)
{
    return mm_protect_is_copy_on_write(mapped) && !mm_protect_is_copy_on_write(now);
}

uint64_t mm_query_working_set_ex(mm_space *s, ULONG_PTR address)
{
    mm_vad *v = allocation_at(s, address);
    if (!v)
        return 0;
    ULONG_PTR page = page_down(address), end;
    uint32_t attr = mm_runs_attr_at(v, page, &end);
    ULONG protect = attr & 0xFFFFu;
    /* ntsim does not page: every committed, accessible page is resident. */
    if (!(attr & ATTR_COMMITTED) || (protect & (PAGE_NOACCESS | PAGE_GUARD)))
        return 0;
    uint64_t flags = MM_WSEX_VALID | (uint64_t)(protect & 0x7FF) << 4;
    uint64_t shares = 1;
    bool shared = false;
    if (v->type == VAD_MAPPED) {
        const mm_view *w = mm_view_at(s, page);
        shared = w && !copied(w->protect, protect);
        shares = shared ? share_count(w, page) : 1;
    } else if (v->type == VAD_IMAGE) {
        shared = !copied(v->alloc_protect, protect); /* each process's image is its own in ntsim */
    }
    flags |= shares << 1 | (uint64_t)shared << 15;
    if (v->flags & VAD_LARGE_PAGES)
        flags |= MM_WSEX_LARGE_PAGE;
    return flags;
}

NTSTATUS mm_query_image(mm_space *s, ULONG_PTR address, ULONG_PTR *base, SIZE_T *size, const char **name)
{
    mm_vad *v = allocation_at(s, address);
    if (!v || v->type != VAD_IMAGE)
        return STATUS_INVALID_ADDRESS;
    *base = v->start;
    *size = v->end - v->start;
    if (name)
        *name = (v->flags & VAD_DETAIL_ID) ? NULL : mm_vad_raw_detail(v);
    return STATUS_SUCCESS;
}
