/*
 * vad_index.c - a B+-tree over VAD start addresses: the search path of the
 * VAD tree. The AVL tree (vad.c) stays the VAD tree proper, as Windows'
 * VadRoot, with its address-order links; but a
 * descent through it touches one cache line per level, ~20 levels at 10^6
 * allocations, each a likely miss. Here a node holds up to 32 sorted keys in
 * 4 cache lines, so a lookup reads 4-5 nodes, the upper ones always cached.
 *
 * Keys are VAD starts (unique), values the VADs. Inner nodes: child i holds
 * the keys in [key[i-1], key[i]). Insert splits a full node in two halves,
 * except when it appends at the right end (the usual bottom-up placement),
 * where the left node stays full, so sequential inserts pack nodes full.
 * Erase borrows from or merges with a sibling, keeping every node but the
 * root at least half full. Every operation is O(log n). Separators are only
 * bounds (a deleted key may stay a separator), so a floor search that finds
 * nothing in its leaf takes the predecessor of the leaf's first VAD from the
 * AVL tree, O(1) amortised.
 *
 * A leaf also keeps each VAD's summary (mm_internal.h: end, state,
 * protections, type of a uniform allocation), so a random query reads the
 * leaf and not the VAD: one cache miss instead of two at 10^6 allocations.
 * A search within a node compares all its keys, branch-free: cheaper than a
 * binary search's dependent, mispredicted steps.
 *
 * The index also finds free space: a VAD's gap is the free range between
 * the previous VAD's end (or 0) and its start. A leaf derives its entries'
 * gaps from their keys and the previous entry's end (its summary, else the
 * VAD), and keeps the gap before its first entry (gap0); an inner node keeps
 * the largest gap in each child's subtree, so a search skips every subtree
 * too tight for the request, O(log n). The VADs carry no aggregate: they
 * stay one cache line each.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"

#define MAXK 32            /* keys per node */
#define MINK (MAXK / 2)    /* fewer than this (below the root): rebalance */


struct idx_node {
    uint32_t count;                   /* keys; first, in the keys' first cache line */
    uint32_t leaf;
    uint64_t gap0;                    /* leaf: the gap before key[0]'s VAD */
    ULONG_PTR key[MAXK + 1];          /* one spare: a node overflows before it splits */
    union {
        uint64_t sum[MAXK + 2];       /* leaf: vad_summary of ptr[i] */
        uint64_t max_gap[MAXK + 2];   /* inner: the largest gap in child i's subtree */
    };
    void *ptr[MAXK + 2];              /* leaf: the VAD of key[i]; inner: children */
};

#define NODE_BYTES ((sizeof(idx_node) + 63) & ~(size_t)63) /* whole cache lines */

/* The keys' cache lines are fetched together, not one binary-search step
 * after another: the search then waits for one miss, not four. */
static void prefetch_keys(const idx_node *n)
{
    const char *p = (const char *)n;
    for (size_t off = 0; off < offsetof(idx_node, sum); off += 64)
        __builtin_prefetch(p + off);
}

/* A leaf's summaries and VADs are read right after its keys: all of it is
 * fetched at once, so the leaf costs one memory latency, not two. Without
 * temporal locality: at 10^6 allocations the leaves (~26 MB) are read at
 * random and would push the inner nodes (~0.8 MB, read by every lookup) out
 * of the caches. */
static void prefetch_node(const idx_node *n)
{
    const char *p = (const char *)n;
    for (size_t off = 0; off < NODE_BYTES; off += 64)
        __builtin_prefetch(p + off, 0, 0);
}

/* The number of keys <= k: every key compared, independently of the others.
 * A binary search is a chain of dependent loads and hard-to-predict
 * branches (~2x slower on a cached node); these compares run side by side. */
static size_t upper_bound(const idx_node *n, ULONG_PTR k)
{
    size_t c = 0;
    for (size_t j = 0; j < n->count; j++)
        c += n->key[j] <= k;
    return c;
}

/* Leaf entries i.. move by d (memmove of keys, summaries and VADs). */
static void leaf_shift(idx_node *n, size_t i, ptrdiff_t d)
{
    size_t c = n->count - i;
    memmove(n->key + i + d, n->key + i, c * sizeof *n->key);
    memmove(n->sum + i + d, n->sum + i, c * sizeof *n->sum);
    memmove(n->ptr + i + d, n->ptr + i, c * sizeof *n->ptr);
}

static void leaf_copy(idx_node *to, size_t ti, const idx_node *from, size_t fi, size_t c)
{
    memcpy(to->key + ti, from->key + fi, c * sizeof *to->key);
    memcpy(to->sum + ti, from->sum + fi, c * sizeof *to->sum);
    memcpy(to->ptr + ti, from->ptr + fi, c * sizeof *to->ptr);
}

/* Where leaf entry i's VAD ends: from its summary, else from the VAD. */
static ULONG_PTR entry_end(const idx_node *n, size_t i)
{
    uint64_t sum = n->sum[i];
    return sum & SUM_VALID ? sum_end(n->key[i], sum) : ((const mm_vad *)n->ptr[i])->end;
}

/* Where the free range before leaf entry i begins. */
static ULONG_PTR gap_start(const idx_node *n, size_t i)
{
    return i ? entry_end(n, i - 1) : n->key[0] - n->gap0;
}

/* The largest gap in n's subtree. O(keys per node). */
static uint64_t node_max_gap(const idx_node *n)
{
    uint64_t m = 0;
    if (!n->leaf) {
        for (size_t i = 0; i <= n->count; i++)
            m = n->max_gap[i] > m ? n->max_gap[i] : m;
        return m;
    }
    if (!n->count)
        return 0;
    m = n->gap0;
    for (size_t i = 1; i < n->count; i++) {
        uint64_t g = n->key[i] - entry_end(n, i - 1);
        m = g > m ? g : m;
    }
    return m;
}

static idx_node *new_node(mm_index *ix, bool leaf)
{
    idx_node *n = mm_pool_get(&ix->nodes); /* reserved by mm_index_reserve: cannot fail */
    n->count = 0;
    n->leaf = leaf;
    return n;
}

static void free_node(mm_index *ix, idx_node *n)
{
    mm_pool_put(&ix->nodes, n);
}

void mm_index_init(mm_index *ix, mm_chunk_cache *cache)
{
    ix->root = NULL;
    ix->height = 0;
    ix->count = 0;
    mm_pool_init(&ix->nodes, NODE_BYTES, cache);
}

void mm_index_destroy(mm_index *ix)
{
    mm_pool_destroy(&ix->nodes); /* every node is in the pool */
    mm_index_init(ix, ix->nodes.cache);
}

bool mm_index_reserve(mm_index *ix)
{
    /* An insert splits at most one node per level and may add a root (the
     * first insert makes the root leaf): height + 1 new nodes at most. */
    return mm_pool_reserve(&ix->nodes, ix->height + 1);
}

static const idx_node *leaf_of(const mm_index *ix, ULONG_PTR addr);

mm_vad *mm_index_floor(const mm_index *ix, ULONG_PTR addr)
{
    ULONG_PTR lo;
    return mm_index_floor_lo(ix, addr, &lo);
}

mm_vad *mm_index_floor_lo(const mm_index *ix, ULONG_PTR addr, ULONG_PTR *lo)
{
    if (!ix->root)
        return NULL;
    const idx_node *n = leaf_of(ix, addr);
    size_t i = upper_bound(n, addr);
    if (i) {
        /* The gap's start, when the leaf tells it without the VAD before. */
        if (i == 1)
            *lo = n->key[0] - n->gap0;
        else
            *lo = n->sum[i - 2] & SUM_VALID ? sum_end(n->key[i - 2], n->sum[i - 2]) : n->key[i - 1];
        return n->ptr[i - 1];
    }
    if (!n->count)
        return NULL;
    /* Everything left of this leaf is smaller than its first key. */
    mm_vad *first = n->ptr[0];
    avl_node *p = avl_prev(&first->node);
    if (!p)
        return NULL;
    mm_vad *v = avl_entry(p, mm_vad, node);
    *lo = v->start; /* not known */
    return v;
}

/* The leaf where addr belongs. The height says which level is the leaf, so
 * its prefetch can be the whole node before its first byte arrives. */
static const idx_node *leaf_of(const mm_index *ix, ULONG_PTR addr)
{
    const idx_node *n = ix->root;
    uint32_t level = ix->height;
    if (level == 1)
        prefetch_node(n);
    else
        prefetch_keys(n);
    while (--level > 0) {
        n = n->ptr[upper_bound(n, addr)];
        if (level == 1)
            prefetch_node(n);
        else
            prefetch_keys(n);
    }
    return n;
}

bool mm_index_lookup(const mm_index *ix, ULONG_PTR addr, mm_index_hit *hit)
{
    if (!ix->root)
        return false;
    const idx_node *n = leaf_of(ix, addr);
    size_t i = upper_bound(n, addr);
    if (!i)
        return false;
    hit->vad = n->ptr[i - 1];
    hit->start = n->key[i - 1];
    hit->summary = n->sum[i - 1];
    if (i == 1)
        hit->prev_end = n->key[0] - n->gap0;
    else
        hit->prev_end = n->sum[i - 2] & SUM_VALID ? sum_end(n->key[i - 2], n->sum[i - 2]) : 0;
    if (i < n->count) {
        hit->next = n->ptr[i];
        hit->next_start = n->key[i];
        hit->next_summary = n->sum[i];
    } else {
        hit->next = NULL;
        hit->next_start = 0;
        hit->next_summary = 0;
    }
    return true;
}

void mm_index_update(mm_index *ix, const mm_vad *v)
{
    idx_node *n = (idx_node *)leaf_of(ix, v->start);
    size_t i = upper_bound(n, v->start);
    if (i && n->ptr[i - 1] == v)
        n->sum[i - 1] = vad_summary(v);
}

/* The path from the root to the leaf of key k: nodes and child indexes. */
#define MAX_HEIGHT 16 /* 32-key nodes at least half full: far more than 2^64 keys */
typedef struct idx_path {
    idx_node *node[MAX_HEIGHT];
    size_t at[MAX_HEIGHT];        /* node[d]'s child on the path (leaf: entries <= k) */
    uint32_t depth;
} idx_path;

static void path_to(const mm_index *ix, ULONG_PTR k, idx_path *p)
{
    idx_node *n = ix->root;
    for (p->depth = 0;; p->depth++) {
        size_t i = upper_bound(n, k);
        p->node[p->depth] = n;
        p->at[p->depth] = i;
        if (n->leaf)
            break;
        n = n->ptr[i];
    }
}

/* The path's leaf changed: its ancestors' aggregates follow, up to the first
   that stays as it was. */
static void path_propagate(idx_path *p)
{
    for (uint32_t d = p->depth; d-- > 0;) {
        idx_node *n = p->node[d];
        uint64_t m = node_max_gap(p->node[d + 1]);
        if (n->max_gap[p->at[d]] == m)
            return;
        n->max_gap[p->at[d]] = m;
    }
}

bool mm_index_refresh(mm_index *ix, const mm_vad *v, uint64_t gap)
{
    idx_path p;
    path_to(ix, v->start, &p);
    idx_node *n = p.node[p.depth];
    if (!p.at[p.depth] || n->ptr[p.at[p.depth] - 1] != v)
        return false; /* not in the index: nothing to refresh */
    size_t i = p.at[p.depth] - 1;
    n->sum[i] = vad_summary(v);
    if (i == 0)
        n->gap0 = gap;
    path_propagate(&p);
    return i == n->count - 1;
}

/* Splits an overflowing node; returns the new right sibling and its lower bound. */
static idx_node *split(mm_index *ix, idx_node *n, bool append, ULONG_PTR *sep)
{
    idx_node *r = new_node(ix, n->leaf); /* reserved: cannot fail */
    size_t keep = n->count / 2;
    if (n->leaf) {
        if (append) /* the left node stays full, the new one gets the appended key */
            keep = n->count - 1;
        r->count = n->count - keep;
        leaf_copy(r, 0, n, keep, r->count);
        r->gap0 = r->key[0] - entry_end(n, keep - 1);
        n->count = keep;
        *sep = r->key[0];
    } else {
        /* key[keep] moves up; the keys after it and their children go right. */
        if (append) /* the left node stays (nearly) full */
            keep = n->count - 2;
        *sep = n->key[keep];
        r->count = n->count - keep - 1;
        memcpy(r->key, n->key + keep + 1, r->count * sizeof *r->key);
        memcpy(r->ptr, n->ptr + keep + 1, (r->count + 1) * sizeof *r->ptr);
        memcpy(r->max_gap, n->max_gap + keep + 1, (r->count + 1) * sizeof *r->max_gap);
        n->count = keep;
    }
    return r;
}

/* *last: k went in as its leaf's last entry (the VAD after it, if any,
   starts another leaf, whose gap0 is then the caller's to set). */
static idx_node *insert(mm_index *ix, idx_node *n, ULONG_PTR k, mm_vad *v, uint64_t gap, bool rightmost,
                        ULONG_PTR *sep, bool *last)
{
    size_t i = upper_bound(n, k);
    if (n->leaf) {
        leaf_shift(n, i, 1);
        n->key[i] = k;
        n->sum[i] = vad_summary(v);
        n->ptr[i] = v;
        if (i == 0)
            n->gap0 = gap;
        n->count++;
        *last = i == n->count - 1;
    } else {
        ULONG_PTR s;
        idx_node *c = n->ptr[i];
        idx_node *r = insert(ix, c, k, v, gap, rightmost && i == n->count, &s, last);
        if (r) {
            memmove(n->key + i + 1, n->key + i, (n->count - i) * sizeof *n->key);
            memmove(n->ptr + i + 2, n->ptr + i + 1, (n->count - i) * sizeof *n->ptr);
            memmove(n->max_gap + i + 2, n->max_gap + i + 1, (n->count - i) * sizeof *n->max_gap);
            n->key[i] = s;
            n->ptr[i + 1] = r;
            n->max_gap[i + 1] = node_max_gap(r);
            n->count++;
        }
        n->max_gap[i] = node_max_gap(c);
        if (!r)
            return NULL;
    }
    if (n->count <= MAXK)
        return NULL;
    return split(ix, n, rightmost && i == n->count - 1, sep);
}

bool mm_index_insert(mm_index *ix, ULONG_PTR k, mm_vad *v, uint64_t gap)
{
    if (!ix->root) {
        ix->root = new_node(ix, true);
        ix->height = 1;
    }
    ULONG_PTR sep;
    bool last = false;
    idx_node *r = insert(ix, ix->root, k, v, gap, true, &sep, &last);
    if (r) {
        idx_node *root = new_node(ix, false);
        root->count = 1;
        root->key[0] = sep;
        root->ptr[0] = ix->root;
        root->ptr[1] = r;
        root->max_gap[0] = node_max_gap(ix->root);
        root->max_gap[1] = node_max_gap(r);
        ix->root = root;
        ix->height++;
    }
    ix->count++;
    return last;
}

/* Child i of n has too few keys: borrow from a sibling or merge with one. */
static void fix_child(mm_index *ix, idx_node *n, size_t i)
{
    idx_node *c = n->ptr[i];
    idx_node *l = i > 0 ? n->ptr[i - 1] : NULL, *r = i < n->count ? n->ptr[i + 1] : NULL;
    if (l && l->count > MINK) { /* rotate the left sibling's last entry in */
        if (c->leaf) {
            c->gap0 = l->key[l->count - 1] - gap_start(l, l->count - 1);
            leaf_shift(c, 0, 1);
            leaf_copy(c, 0, l, l->count - 1, 1);
            n->key[i - 1] = c->key[0];
        } else {
            memmove(c->key + 1, c->key, c->count * sizeof *c->key);
            memmove(c->ptr + 1, c->ptr, (c->count + 1) * sizeof *c->ptr);
            memmove(c->max_gap + 1, c->max_gap, (c->count + 1) * sizeof *c->max_gap);
            c->key[0] = n->key[i - 1];
            c->ptr[0] = l->ptr[l->count];
            c->max_gap[0] = l->max_gap[l->count];
            n->key[i - 1] = l->key[l->count - 1];
        }
        c->count++;
        l->count--;
        n->max_gap[i - 1] = node_max_gap(l);
        n->max_gap[i] = node_max_gap(c);
        return;
    }
    if (r && r->count > MINK) { /* rotate the right sibling's first entry in */
        if (c->leaf) {
            if (!c->count) /* r's first VAD comes with the gap before it */
                c->gap0 = r->gap0;
            leaf_copy(c, c->count, r, 0, 1);
            r->gap0 = r->key[1] - entry_end(r, 0);
            leaf_shift(r, 1, -1);
            n->key[i] = r->key[0];
        } else {
            c->key[c->count] = n->key[i];
            c->ptr[c->count + 1] = r->ptr[0];
            c->max_gap[c->count + 1] = r->max_gap[0];
            n->key[i] = r->key[0];
            memmove(r->key, r->key + 1, (r->count - 1) * sizeof *r->key);
            memmove(r->ptr, r->ptr + 1, r->count * sizeof *r->ptr);
            memmove(r->max_gap, r->max_gap + 1, r->count * sizeof *r->max_gap);
        }
        c->count++;
        r->count--;
        n->max_gap[i] = node_max_gap(c);
        n->max_gap[i + 1] = node_max_gap(r);
        return;
    }
    /* Merge c with a sibling: the right one of the pair is emptied into the left. */
    size_t li = l ? i - 1 : i;
    idx_node *a = n->ptr[li], *b = n->ptr[li + 1];
    if (a->leaf) {
        if (!a->count)
            a->gap0 = b->gap0;
        leaf_copy(a, a->count, b, 0, b->count);
        a->count += b->count;
    } else {
        a->key[a->count] = n->key[li];
        memcpy(a->key + a->count + 1, b->key, b->count * sizeof *a->key);
        memcpy(a->ptr + a->count + 1, b->ptr, (b->count + 1) * sizeof *a->ptr);
        memcpy(a->max_gap + a->count + 1, b->max_gap, (b->count + 1) * sizeof *a->max_gap);
        a->count += b->count + 1;
    }
    free_node(ix, b);
    memmove(n->key + li, n->key + li + 1, (n->count - li - 1) * sizeof *n->key);
    memmove(n->ptr + li + 1, n->ptr + li + 2, (n->count - li - 1) * sizeof *n->ptr);
    memmove(n->max_gap + li + 1, n->max_gap + li + 2, (n->count - li - 1) * sizeof *n->max_gap);
    n->count--;
    n->max_gap[li] = node_max_gap(a);
}

/* *last: the key erased was its leaf's last (the VAD after it, if any,
   starts another leaf, whose gap0 is then the caller's to set). */
static void erase(mm_index *ix, idx_node *n, ULONG_PTR k, bool *last)
{
    size_t i = upper_bound(n, k);
    if (n->leaf) {
        if (!i || n->key[i - 1] != k)
            return;
        if (i == 1 && n->count > 1) /* the next entry's gap takes in the erased VAD's range */
            n->gap0 = n->key[1] - (n->key[0] - n->gap0);
        *last = i == n->count;
        leaf_shift(n, i, -1);
        n->count--;
        ix->count--;
        return;
    }
    idx_node *c = n->ptr[i];
    erase(ix, c, k, last);
    n->max_gap[i] = node_max_gap(c);
    if (c->count < MINK)
        fix_child(ix, n, i);
}

bool mm_index_erase(mm_index *ix, ULONG_PTR k)
{
    bool last = false;
    if (!ix->root)
        return false;
    erase(ix, ix->root, k, &last);
    idx_node *root = ix->root;
    if (!root->leaf && root->count == 0) { /* the root lost its last separator */
        ix->root = root->ptr[0];
        ix->height--;
        free_node(ix, root);
    } else if (root->leaf && root->count == 0) {
        free_node(ix, root);
        ix->root = NULL;
        ix->height = 0;
    }
    return last;
}

/* A request for free space: [a, a + size) inside [lo, hi), a multiple of align. */
typedef struct fit_req {
    uint64_t size, align;
    ULONG_PTR lo, hi;
    ULONG_PTR *out;
} fit_req;

enum { GO_ON, FOUND, STOP };

/* The lowest fit in n's subtree, gaps in address order; STOP once the gaps
   start at hi or above (every later one does too). */
static int search_up(const idx_node *n, const fit_req *q)
{
    if (n->leaf) {
        for (size_t i = 0; i < n->count; i++) {
            ULONG_PTR ge = n->key[i];
            if (ge <= q->lo)
                continue;
            ULONG_PTR gs = gap_start(n, i);
            if (gs >= q->hi)
                return STOP;
            if (ge - gs >= q->size && mm_fit_low(gs, ge, q->size, q->align, q->lo, q->hi, q->out))
                return FOUND;
        }
        return GO_ON;
    }
    for (size_t c = 0; c <= n->count; c++) {
        if ((c < n->count && n->key[c] <= q->lo) || n->max_gap[c] < q->size)
            continue; /* every gap in it ends at lo or below, or is too small */
        int r = search_up(n->ptr[c], q);
        if (r != GO_ON)
            return r;
    }
    return GO_ON;
}

/* The highest fit in n's subtree among the gaps before VADs starting below
   hi, in reverse address order; STOP once a gap starts at lo or below. */
static int search_down(const idx_node *n, const fit_req *q)
{
    if (n->leaf) {
        for (size_t i = n->count; i-- > 0;) {
            ULONG_PTR ge = n->key[i];
            if (ge >= q->hi)
                continue;
            ULONG_PTR gs = gap_start(n, i);
            if (ge - gs >= q->size && mm_fit_high(gs, ge, q->size, q->align, q->lo, q->hi, q->out))
                return FOUND;
            if (gs <= q->lo)
                return STOP;
        }
        return GO_ON;
    }
    for (size_t c = n->count + 1; c-- > 0;) {
        if (c < n->count && n->key[c] <= q->lo)
            return STOP; /* here and below, every gap ends at lo or below */
        if ((c && n->key[c - 1] >= q->hi) || n->max_gap[c] < q->size)
            continue;
        int r = search_down(n->ptr[c], q);
        if (r != GO_ON)
            return r;
    }
    return GO_ON;
}

bool mm_index_find_gap(const mm_index *ix, uint64_t size, uint64_t align, ULONG_PTR lo, ULONG_PTR hi,
                       bool top_down, ULONG_PTR *out)
{
    if (!ix->root)
        return false;
    fit_req q = { size, align, lo, hi, out };
    return (top_down ? search_down(ix->root, &q) : search_up(ix->root, &q)) == FOUND;
}

/* Debug check: order, bounds, fill, depth, that every key maps its VAD,
   and the gap aggregates (*prev_end: the end of the VAD before n's keys). */
static long check(const idx_node *n, ULONG_PTR lo, ULONG_PTR hi, bool has_lo, bool has_hi, int depth,
                  int *leaf_depth, bool is_root, ULONG_PTR *prev_end)
{
    /* Below the root a node has a key at least (appends leave the right spine thin). */
    if (n->count > MAXK || (!is_root && n->count < 1))
        return -1;
    for (size_t i = 0; i < n->count; i++) {
        if (i && n->key[i - 1] >= n->key[i])
            return -1;
        if ((has_lo && n->key[i] < lo) || (has_hi && n->key[i] >= hi))
            return -1;
    }
    if (n->leaf) {
        if (*leaf_depth < 0)
            *leaf_depth = depth;
        if (*leaf_depth != depth)
            return -1;
        if (n->count && n->gap0 != n->key[0] - *prev_end)
            return -1;
        for (size_t i = 0; i < n->count; i++) {
            const mm_vad *v = n->ptr[i];
            if (v->start != n->key[i] || n->sum[i] != vad_summary(v) || entry_end(n, i) != v->end)
                return -1;
            *prev_end = v->end;
        }
        return (long)n->count;
    }
    long total = 0;
    for (size_t i = 0; i <= n->count; i++) {
        long c = check(n->ptr[i], i ? n->key[i - 1] : lo, i < n->count ? n->key[i] : hi, i ? true : has_lo,
                       i < n->count ? true : has_hi, depth + 1, leaf_depth, false, prev_end);
        if (c < 0 || n->max_gap[i] != node_max_gap(n->ptr[i]))
            return -1;
        total += c;
    }
    return total;
}

bool mm_index_check(const mm_index *ix, uint64_t vads)
{
    if (!ix->root)
        return vads == 0 && ix->count == 0;
    int leaf_depth = -1;
    ULONG_PTR prev_end = 0;
    long n = check(ix->root, 0, 0, false, false, 1, &leaf_depth, true, &prev_end);
    return n >= 0 && (uint64_t)n == vads && ix->count == vads && leaf_depth == (int)ix->height;
}
