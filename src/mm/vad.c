/*
 * vad.c - the VAD tree: a process's allocations ordered by address in an AVL
 * tree (as Windows' VadRoot). A hint remembers the last VAD found (Windows
 * keeps one too), which makes address-order walks O(1). Lookups by address
 * and the search for a free range (bottom-up or top-down, O(log n)) go
 * through a B+-tree of the same VADs (vad_index.c), which misses the cache
 * far less than the AVL descent and keeps the free-gap aggregates, so a VAD
 * is one cache line.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"

static mm_vad *vad_of(const avl_node *n)
{
    return n ? avl_entry(n, mm_vad, node) : NULL;
}

void mm_vad_tree_init(avl_tree *t)
{
    t->root = NULL;
}

/* Where the free range before v begins: the previous VAD's end, or 0. */
static ULONG_PTR gap_start(const mm_vad *v)
{
    mm_vad *prev = vad_of(avl_prev(&v->node));
    return prev ? prev->end : 0;
}

/* v's hint: its bounds and where the free range before it begins (lo = v's
   start: not known). */
static mm_hint hint_of(mm_vad *v, ULONG_PTR lo)
{
    return (mm_hint){ v, lo, v->start, v->end };
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
        mm_hint_push(s, hint_of(v, v->start));
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
        *slot = hint_of(v, gap_start(v));
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

bool mm_vad_reserve_named(mm_space *s)
{
    return mm_pool_reserve(&s->named_pool, 1) && mm_index_reserve(&s->index);
}

/* The VAD after v, whose gap changed: its leaf's gap0 when it starts
   another leaf (last), and a hint holding it. */
static void next_gap_changed(mm_space *s, mm_vad *v, bool last)
{
    mm_vad *next = vad_of(avl_next(&v->node));
    if (!next)
        return;
    if (last)
        mm_index_refresh(&s->index, next, next->start - v->end);
    hint_refresh(s, next, false);
}

void mm_vad_set_start(mm_space *s, mm_vad *v, ULONG_PTR start)
{
    bool last = mm_index_erase(&s->index, v->start);
    v->start = start;
    last |= mm_index_insert(&s->index, start, v, start - gap_start(v));
    hint_refresh(s, v, false);
    next_gap_changed(s, v, last);
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
                mm_hint_push(s, hint_of(n, h->end));
                return n;
            }
        }
    }
    if (s->hint2.vad && s->hint2.start <= addr && addr < s->hint2.end) {
        mm_hint_push(s, s->hint2);
        return s->hint.vad;
    }
    ULONG_PTR lo;
    mm_vad *v = mm_index_floor_lo(&s->index, addr, &lo);
    if (v)
        mm_hint_push(s, hint_of(v, lo));
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

/* A new VAD from its pool (NULL only when the host is out). */
static mm_vad *vad_new(mm_space *s, ULONG_PTR start, ULONG_PTR end, mm_vad_type type, ULONG alloc_protect,
                       uint32_t attr, bool named)
{
    mm_vad *v = mm_pool_get(named ? &s->named_pool : &s->vad_pool);
    if (!v)
        return NULL;
    v->start = start;
    v->end = end;
    v->runs = NULL;
    v->attr = attr;
    v->alloc_protect = (uint16_t)alloc_protect;
    v->type = (uint8_t)type;
    v->flags = named ? VAD_NAMED : 0;
    v->node.spare = 0;
    if (named) {
        vad_named(v)->detail = NULL;
        vad_named(v)->id = 0;
    }
    return v;
}

static mm_vad *create(mm_space *s, ULONG_PTR start, ULONG_PTR end, mm_vad_type type, ULONG alloc_protect,
                      uint32_t attr, bool named)
{
    mm_vad *v = vad_new(s, start, end, type, alloc_protect, attr, named);
    if (!v)
        return NULL;

    avl_node *parent = NULL, **link = &s->vads.root;
    int is_left = 0;
    while (*link) {
        parent = *link;
        is_left = start < vad_of(parent)->start;
        link = is_left ? &parent->left : &parent->right;
    }
    avl_link(&s->vads, &v->node, parent, is_left);
    bool last = mm_index_insert(&s->index, start, v, start - gap_start(v));
    next_gap_changed(s, v, last);
    return v;
}

mm_vad *mm_vad_create(mm_space *s, ULONG_PTR start, ULONG_PTR end, mm_vad_type type,
                      ULONG alloc_protect, uint32_t attr)
{
    return create(s, start, end, type, alloc_protect, attr, false);
}

mm_vad *mm_vad_create_named(mm_space *s, ULONG_PTR start, ULONG_PTR end, mm_vad_type type,
                            ULONG alloc_protect, uint32_t attr)
{
    return create(s, start, end, type, alloc_protect, attr, true);
}

bool mm_vad_reserve_many(mm_space *s, const mm_vad_proto *p, size_t n)
{
    size_t named = 0;
    for (size_t i = 0; i < n; i++)
        named += p[i].named;
    /* Into an empty index (the only use), up to MM_MAX_SORTED_VADS keys fill
       one leaf: no more, since a node reserved stays the space's spare. */
    return n <= MM_MAX_SORTED_VADS && !s->index.root && mm_pool_reserve(&s->vad_pool, n - named) &&
           mm_pool_reserve(&s->named_pool, named) && mm_index_reserve(&s->index);
}

void mm_vad_create_sorted(mm_space *s, const mm_vad_proto *p, size_t n, mm_vad **out)
{
    avl_node *nodes[MM_MAX_SORTED_VADS] = { 0 };
    ULONG_PTR prev_end = 0;
    for (size_t i = 0; i < n; i++) {
        mm_vad *v = vad_new(s, p[i].start, p[i].end, p[i].type, p[i].alloc_protect, p[i].attr,
                            p[i].named); /* reserved: cannot fail */
        nodes[i] = &v->node;
        out[i] = v;
    }
    avl_build(&s->vads, nodes, n); /* balanced at once */
    for (size_t i = 0; i < n; i++) { /* ascending: appends */
        mm_index_insert(&s->index, out[i]->start, out[i], out[i]->start - prev_end);
        prev_end = out[i]->end;
    }
}

void mm_vad_delete(mm_space *s, mm_vad *v)
{
    mm_vad *next = vad_of(avl_next(&v->node));
    hint_refresh(s, v, true);
    avl_erase(&s->vads, &v->node);
    bool last = mm_index_erase(&s->index, v->start);
    if (next) {
        if (last)
            mm_index_refresh(&s->index, next, next->start - gap_start(next));
        hint_refresh(s, next, false);
    }
    mm_runs_free_all(s, v);
    mm_vad_drop_detail(s, v);
    mm_pool_put(v->flags & VAD_NAMED ? &s->named_pool : &s->vad_pool, v);
}

/* Bounds of v changed in place (trim): its gap and its successor's. */
void mm_vad_bounds_changed(mm_space *s, mm_vad *v)
{
    bool last = mm_index_refresh(&s->index, v, v->start - gap_start(v));
    hint_refresh(s, v, false);
    next_gap_changed(s, v, last);
}

bool mm_fit_low(ULONG_PTR gs, ULONG_PTR ge, uint64_t size, uint64_t align, ULONG_PTR lo, ULONG_PTR hi,
                ULONG_PTR *out)
{
    ULONG_PTR a = align_up(gs > lo ? gs : lo, align);
    ULONG_PTR top = ge < hi ? ge : hi;
    if (a < gs || a > top || top - a < size)
        return false;
    *out = a;
    return true;
}

bool mm_fit_high(ULONG_PTR gs, ULONG_PTR ge, uint64_t size, uint64_t align, ULONG_PTR lo, ULONG_PTR hi,
                 ULONG_PTR *out)
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

bool mm_find_free(const mm_space *s, uint64_t size, uint64_t align, ULONG_PTR lo, ULONG_PTR hi,
                  bool top_down, ULONG_PTR *out)
{
    if (size == 0 || hi <= lo || hi - lo < size)
        return false;
    const mm_vad *last = vad_of(avl_last(&s->vads));
    ULONG_PTR tail = last ? last->end : 0;
    if (!top_down)
        return mm_index_find_gap(&s->index, size, align, lo, hi, false, out) ||
               mm_fit_low(tail, hi, size, align, lo, hi, out);
    /* Highest first: the tail, the gap across hi (before the first VAD
       starting at hi or above), then the gaps below hi. */
    if (mm_fit_high(tail, hi, size, align, lo, hi, out))
        return true;
    const mm_vad *below = mm_vad_floor(s, hi - 1);
    const mm_vad *across = vad_of(below ? avl_next(&below->node) : avl_first(&s->vads));
    ULONG_PTR gs = below ? below->end : 0;
    if (across && mm_fit_high(gs, across->start, size, align, lo, hi, out))
        return true;
    return mm_index_find_gap(&s->index, size, align, lo, hi, true, out);
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
        if (v->start < prev_end)
            return false;
        if ((v->flags & (VAD_DETAIL_OWNED | VAD_DETAIL_ID)) && !(v->flags & VAD_NAMED))
            return false; /* a name needs the room after the VAD */
        if (v->start < s->lowest || v->end - 1 > s->highest)
            return false;
        if (!mm_runs_check(v))
            return false;
        prev_end = v->end;
    }
    return true;
}
