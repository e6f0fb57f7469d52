/*
 * vad_walk.c - the VAD tree read for a debugger (vad_walk.h): what
 * WinDbg's !vad lists of each node, from ntsim's own tree.
 */
#include "mm/mm_internal.h"
#include "mm/vad_walk.h"

static ULONG depth_of(const avl_node *n)
{
    ULONG d = 0;
    while (n->parent) {
        n = n->parent;
        d++;
    }
    return d;
}

static ULONG mem_type(uint8_t type)
{
    return type == VAD_IMAGE ? MEM_IMAGE : type == VAD_MAPPED ? MEM_MAPPED : MEM_PRIVATE;
}

void mm_walk_vads(const mm_space *s, bool (*cb)(void *context, const mm_vad_info *info), void *context)
{
    for (avl_node *n = avl_first(&s->vads); n; n = avl_next(n)) {
        const mm_vad *v = avl_entry(n, mm_vad, node);
        char buf[48];
        mm_vad_info info = {
            .start = v->start, .end = v->end, .level = depth_of(n), .type = mem_type(v->type),
            .alloc_protect = v->alloc_protect, .committed = mm_runs_count_committed(v, v->start, v->end),
            .large_pages = (v->flags & VAD_LARGE_PAGES) != 0, .no_change = (v->flags & VAD_NO_CHANGE) != 0,
            .detail = mm_vad_detail(v, buf),
        };
        if (!cb(context, &info))
            return;
    }
}

void mm_vad_tree_shape(const mm_space *s, uint64_t *count, ULONG *height)
{
    uint64_t c = 0;
    for (avl_node *n = avl_first(&s->vads); n; n = avl_next(n))
        c++;
    *count = c;
    *height = s->vads.root ? (ULONG)s->vads.root->height : 0;
}
