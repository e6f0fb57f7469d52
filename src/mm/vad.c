/*
 * vad.c - the VAD tree: a process's allocations ordered by address in an AVL
 * tree (as Windows' VadRoot), each node also knowing the free gap before it
 * and the largest gap in its subtree, so a free range for a system-chosen
 * address is found in O(log n) bottom-up or top-down. A hint remembers the
 * last VAD found (Windows keeps one too), which makes address-order walks O(1).
 * Lookups by address go through a B+-tree of the same VADs (vad_index.c),
 * which misses the cache far less than the AVL descent.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"

static mm_vad *vad_of(const avl_node *n)
{
    return n ? avl_entry(n, mm_vad, node) : NULL;
}

static bool augment_gap(avl_node *n)
{
    mm_vad *v = vad_of(n);
    uint64_t m = v->gap;
    if (n->left && vad_of(n->left)->max_gap > m)
        m = vad_of(n->left)->max_gap;
    if (n->right && vad_of(n->right)->max_gap > m)
        m = vad_of(n->right)->max_gap;
    bool changed = v->max_gap != m;
    v->max_gap = m;
    return changed;
}

void mm_vad_tree_init(avl_tree *t)
{
    t->root = NULL;
    t->augment = augment_gap;
}

/* v's hint: its bounds and the free gap before it. */
static mm_hint hint_of(mm_vad *v)
{
    return (mm_hint){ v, v->start - v->gap, v->start, v->end };
}

/* h becomes the first hint and the first moves to second place (when h's
   VAD was second, the two swap), unless h's VAD is the first already. */
void mm_hint_push(mm_space *s, mm_hint h)
{
    if (s->hint.vad != h.vad)
        s->hint2 = s->hint;
    s->hint = h;
}

void mm_hint_set(mm_space *s, mm_vad *v)
{
    if (v) {
        mm_hint_push(s, hint_of(v));
    } else {
        s->hint = (mm_hint){ 0 };
        s->hint2 = (mm_hint){ 0 };
    }
}

/* v's bounds or gap changed: a hint holding it follows; v gone: forgotten. */
static void hint_refresh(mm_space *s, mm_vad *v, bool gone)
{
    mm_hint *slot = s->hint.vad == v ? &s->hint : s->hint2.vad == v ? &s->hint2 : NULL;
    if (!slot)
        return;
    if (!gone) {
        *slot = hint_of(v);
        return;
    }
    if (slot == &s->hint)
        s->hint = s->hint2;
    s->hint2 = (mm_hint){ 0 };
}

void mm_vad_summary_changed(mm_space *s, mm_vad *v)
{
    mm_index_update(&s->index, v);
}

mm_vad *mm_vad_floor(const mm_space *s, ULONG_PTR addr)
{
    return mm_index_floor(&s->index, addr);
}

bool mm_vad_reserve(mm_space *s)
{
    return mm_pool_reserve(&s->vad_pool, 1) && mm_index_reserve(&s->index);
}

void mm_vad_set_start(mm_space *s, mm_vad *v, ULONG_PTR start)
{
    mm_index_erase(&s->index, v->start);
    v->start = start;
    mm_index_insert(&s->index, start, v);
}

/* The last VAD starting at or below addr, trying the hint first: a repeated
 * look at one allocation costs nothing, and so does the step to the next
 * allocation in an address-order walk (addr at the hint's end). Anything
 * else descends the index: a random address never pays for a successor walk. */
mm_vad *mm_vad_floor_hinted(mm_space *s, ULONG_PTR addr)
{
    /* The hints' own copies of their bounds: a hint left by a random query
       is a VAD not in the caches, and is not read unless it answers. */
    const mm_hint *h = &s->hint;
    if (h->vad && h->start <= addr) {
        if (addr < h->end)
            return h->vad;
        if (addr == h->end) {
            mm_vad *n = vad_of(avl_next(&h->vad->node));
            if (!n || addr < n->start)
                return h->vad;
            if (addr < n->end) {
                mm_hint_set(s, n);
                return n;
            }
        }
    }
    if (s->hint2.vad && s->hint2.start <= addr && addr < s->hint2.end) {
        mm_hint_push(s, s->hint2);
        return s->hint.vad;
    }
    mm_vad *v = mm_vad_floor(s, addr);
    if (v)
        mm_hint_set(s, v);
    return v;
}

mm_vad *mm_vad_find(mm_space *s, ULONG_PTR addr)
{
    mm_vad *v = mm_vad_floor_hinted(s, addr);
    return v && addr < v->end ? v : NULL;
}

bool mm_vad_overlaps(const mm_space *s, ULONG_PTR start, ULONG_PTR end)
{
    mm_vad *v = mm_vad_floor(s, end - 1);
    return v && v->end > start;
}

/* The gap before v depends on its predecessor; recompute and propagate. */
static void refresh_gap(mm_space *s, mm_vad *v)
{
    mm_vad *prev = vad_of(avl_prev(&v->node));
    v->gap = v->start - (prev ? prev->end : 0);
    avl_propagate(&s->vads, &v->node);
    hint_refresh(s, v, false);
}

static void vad_init(mm_vad *v, ULONG_PTR start, ULONG_PTR end, mm_vad_type type, ULONG alloc_protect,
                     uint32_t attr)
{
    v->start = start;
    v->end = end;
    v->gap = v->max_gap = 0;
    v->runs = NULL;
    v->detail = NULL;
    v->attr = attr;
    v->alloc_protect = (uint16_t)alloc_protect;
    v->type = (uint8_t)type;
    v->flags = 0;
    v->node.spare = 0;
}

mm_vad *mm_vad_create(mm_space *s, ULONG_PTR start, ULONG_PTR end, mm_vad_type type,
                      ULONG alloc_protect, uint32_t attr)
{
    mm_vad *v = mm_pool_get(&s->vad_pool);
    if (!v)
        return NULL;
    vad_init(v, start, end, type, alloc_protect, attr);

    avl_node *parent = NULL, **link = &s->vads.root;
    int is_left = 0;
    while (*link) {
        parent = *link;
        is_left = start < vad_of(parent)->start;
        link = is_left ? &parent->left : &parent->right;
    }
    avl_link(&s->vads, &v->node, parent, is_left);
    mm_index_insert(&s->index, start, v);
    refresh_gap(s, v);
    mm_vad *next = vad_of(avl_next(&v->node));
    if (next)
        refresh_gap(s, next);
    return v;
}

bool mm_vad_reserve_many(mm_space *s, size_t n)
{
    /* Into an empty index (the only use), up to MM_MAX_SORTED_VADS keys fill
       one leaf: no more, since a node reserved stays the space's spare. */
    return n <= MM_MAX_SORTED_VADS && !s->index.root && mm_pool_reserve(&s->vad_pool, n) &&
           mm_index_reserve(&s->index);
}

void mm_vad_create_sorted(mm_space *s, const mm_vad_proto *p, size_t n, mm_vad **out)
{
    avl_node *nodes[MM_MAX_SORTED_VADS] = { 0 };
    ULONG_PTR prev_end = 0;
    for (size_t i = 0; i < n; i++) {
        mm_vad *v = mm_pool_get(&s->vad_pool); /* reserved: cannot fail */
        vad_init(v, p[i].start, p[i].end, p[i].type, p[i].alloc_protect, p[i].attr);
        v->gap = v->start - prev_end;
        prev_end = v->end;
        nodes[i] = &v->node;
        out[i] = v;
    }
    avl_build(&s->vads, nodes, n); /* balanced at once, max_gap computed bottom-up */
    for (size_t i = 0; i < n; i++)
        mm_index_insert(&s->index, out[i]->start, out[i]); /* ascending: appends */
}

void mm_vad_delete(mm_space *s, mm_vad *v)
{
    mm_vad *next = vad_of(avl_next(&v->node));
    hint_refresh(s, v, true);
    avl_erase(&s->vads, &v->node);
    mm_index_erase(&s->index, v->start);
    if (next)
        refresh_gap(s, next);
    mm_runs_free_all(s, v);
    mm_vad_drop_detail(s, v);
    mm_pool_put(&s->vad_pool, v);
}

/* Bounds of v changed in place (trim): its gap and its successor's. */
void mm_vad_bounds_changed(mm_space *s, mm_vad *v)
{
    mm_index_update(&s->index, v);
    refresh_gap(s, v);
    mm_vad *next = vad_of(avl_next(&v->node));
    if (next)
        refresh_gap(s, next);
}

/* Does [gap_start, gap_end) hold size bytes at a multiple of align inside [lo, hi)? */
static bool fit_low(ULONG_PTR gs, ULONG_PTR ge, uint64_t size, uint64_t align, ULONG_PTR lo,
                    ULONG_PTR hi, ULONG_PTR *out)
{
    ULONG_PTR a = align_up(gs > lo ? gs : lo, align);
    ULONG_PTR top = ge < hi ? ge : hi;
    if (a < gs || a > top || top - a < size)
        return false;
    *out = a;
    return true;
}

static bool fit_high(ULONG_PTR gs, ULONG_PTR ge, uint64_t size, uint64_t align, ULONG_PTR lo,
                     ULONG_PTR hi, ULONG_PTR *out)
{
    ULONG_PTR top = ge < hi ? ge : hi;
    if (top < size)
        return false;
    ULONG_PTR a = align_down(top - size, align);
    if (a < gs || a < lo)
        return false;
    *out = a;
    return true;
}

static bool search_up(const avl_node *n, uint64_t size, uint64_t align, ULONG_PTR lo, ULONG_PTR hi,
                      ULONG_PTR *out)
{
    while (n) {
        const mm_vad *v = vad_of(n);
        if (v->max_gap < size)
            return false;
        /* The left subtree and v's own gap lie below v->start. */
        if (v->start > lo) {
            if (search_up(n->left, size, align, lo, hi, out))
                return true;
            if (v->gap >= size && fit_low(v->start - v->gap, v->start, size, align, lo, hi, out))
                return true;
        }
        if (v->end >= hi)
            return false;
        n = n->right;
    }
    return false;
}

static bool search_down(const avl_node *n, uint64_t size, uint64_t align, ULONG_PTR lo, ULONG_PTR hi,
                        ULONG_PTR *out)
{
    while (n) {
        const mm_vad *v = vad_of(n);
        if (v->max_gap < size)
            return false;
        if (v->end < hi && search_down(n->right, size, align, lo, hi, out))
            return true;
        ULONG_PTR gs = v->start - v->gap;
        if (v->gap >= size && fit_high(gs, v->start, size, align, lo, hi, out))
            return true;
        if (gs <= lo)
            return false;
        n = n->left;
    }
    return false;
}

bool mm_find_free(const mm_space *s, uint64_t size, uint64_t align, ULONG_PTR lo, ULONG_PTR hi,
                  bool top_down, ULONG_PTR *out)
{
    if (size == 0 || hi <= lo || hi - lo < size)
        return false;
    const mm_vad *last = vad_of(avl_last(&s->vads));
    ULONG_PTR tail = last ? last->end : 0;
    if (top_down) {
        if (fit_high(tail, hi, size, align, lo, hi, out))
            return true;
        return search_down(s->vads.root, size, align, lo, hi, out);
    }
    if (search_up(s->vads.root, size, align, lo, hi, out))
        return true;
    return fit_low(tail, hi, size, align, lo, hi, out);
}

bool mm_vad_tree_check(const mm_space *s)
{
    long count = avl_check(&s->vads);
    if (count < 0 || !mm_index_check(&s->index, (uint64_t)count))
        return false;
    ULONG_PTR prev_end = 0;
    for (const avl_node *n = avl_first(&s->vads); n; n = avl_next(n)) {
        const mm_vad *v = vad_of(n);
        if (v->start >= v->end || (v->start | v->end) & (PAGE - 1))
            return false;
        if (v->start < prev_end || v->gap != v->start - prev_end)
            return false;
        if (v->start < s->lowest || v->end - 1 > s->highest)
            return false;
        uint64_t m = v->gap;
        if (n->left && vad_of(n->left)->max_gap > m)
            m = vad_of(n->left)->max_gap;
        if (n->right && vad_of(n->right)->max_gap > m)
            m = vad_of(n->right)->max_gap;
        if (m != v->max_gap)
            return false;
        if (!mm_runs_check(v))
            return false;
        prev_end = v->end;
    }
    return true;
}
