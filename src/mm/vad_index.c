/*
 * vad_index.c - a B+-tree over VAD start addresses: the search path of the
 * VAD tree. The AVL tree (vad.c) stays the VAD tree proper, as Windows'
 * VadRoot, with its free-gap aggregates and address-order links; but a
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
 */
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"

#define MAXK 32            /* keys per node */
#define MINK (MAXK / 2)    /* fewer than this (below the root): rebalance */


struct idx_node {
    ULONG_PTR key[MAXK + 1];          /* one spare: a node overflows before it splits */
    void *ptr[MAXK + 2];              /* leaf: the VAD of key[i]; inner: children */
    uint32_t count;                   /* keys */
    uint32_t leaf;
};

#define NODE_BYTES ((sizeof(idx_node) + 63) & ~(size_t)63) /* whole cache lines */

/* The keys' cache lines are fetched together, not one binary-search step
 * after another: the search then waits for one miss, not four. */
static void prefetch_keys(const idx_node *n)
{
    for (size_t i = 0; i < MAXK; i += 8)
        __builtin_prefetch(&n->key[i]);
}

static size_t upper_bound(const idx_node *n, ULONG_PTR k)
{
    size_t lo = 0, hi = n->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (n->key[mid] <= k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
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

void mm_index_init(mm_index *ix)
{
    ix->root = NULL;
    ix->height = 0;
    ix->count = 0;
    mm_pool_init(&ix->nodes, NODE_BYTES);
}

void mm_index_destroy(mm_index *ix)
{
    mm_pool_destroy(&ix->nodes); /* every node is in the pool */
    mm_index_init(ix);
}

bool mm_index_reserve(mm_index *ix)
{
    /* An insert splits at most one node per level and may add a root. */
    return mm_pool_reserve(&ix->nodes, ix->height + 2);
}

mm_vad *mm_index_floor(const mm_index *ix, ULONG_PTR addr)
{
    const idx_node *n = ix->root;
    if (!n)
        return NULL;
    prefetch_keys(n);
    while (!n->leaf) {
        n = n->ptr[upper_bound(n, addr)];
        prefetch_keys(n);
    }
    size_t i = upper_bound(n, addr);
    if (i)
        return n->ptr[i - 1];
    if (!n->count)
        return NULL;
    /* Everything left of this leaf is smaller than its first key. */
    mm_vad *first = n->ptr[0];
    avl_node *p = avl_prev(&first->node);
    return p ? avl_entry(p, mm_vad, node) : NULL;
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
        memcpy(r->key, n->key + keep, r->count * sizeof *r->key);
        memcpy(r->ptr, n->ptr + keep, r->count * sizeof *r->ptr);
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
        n->count = keep;
    }
    return r;
}

static idx_node *insert(mm_index *ix, idx_node *n, ULONG_PTR k, mm_vad *v, bool rightmost, ULONG_PTR *sep)
{
    size_t i = upper_bound(n, k);
    if (n->leaf) {
        memmove(n->key + i + 1, n->key + i, (n->count - i) * sizeof *n->key);
        memmove(n->ptr + i + 1, n->ptr + i, (n->count - i) * sizeof *n->ptr);
        n->key[i] = k;
        n->ptr[i] = v;
        n->count++;
    } else {
        ULONG_PTR s;
        idx_node *r = insert(ix, n->ptr[i], k, v, rightmost && i == n->count, &s);
        if (!r)
            return NULL;
        memmove(n->key + i + 1, n->key + i, (n->count - i) * sizeof *n->key);
        memmove(n->ptr + i + 2, n->ptr + i + 1, (n->count - i) * sizeof *n->ptr);
        n->key[i] = s;
        n->ptr[i + 1] = r;
        n->count++;
    }
    if (n->count <= MAXK)
        return NULL;
    return split(ix, n, rightmost && i == n->count - 1, sep);
}

void mm_index_insert(mm_index *ix, ULONG_PTR k, mm_vad *v)
{
    if (!ix->root) {
        ix->root = new_node(ix, true);
        ix->height = 1;
    }
    ULONG_PTR sep;
    idx_node *r = insert(ix, ix->root, k, v, true, &sep);
    if (r) {
        idx_node *root = new_node(ix, false);
        root->count = 1;
        root->key[0] = sep;
        root->ptr[0] = ix->root;
        root->ptr[1] = r;
        ix->root = root;
        ix->height++;
    }
    ix->count++;
}

/* Child i of n has too few keys: borrow from a sibling or merge with one. */
static void fix_child(mm_index *ix, idx_node *n, size_t i)
{
    idx_node *c = n->ptr[i];
    idx_node *l = i > 0 ? n->ptr[i - 1] : NULL, *r = i < n->count ? n->ptr[i + 1] : NULL;
    if (l && l->count > MINK) { /* rotate the left sibling's last entry in */
        memmove(c->key + 1, c->key, c->count * sizeof *c->key);
        memmove(c->ptr + 1, c->ptr, (c->count + !c->leaf) * sizeof *c->ptr);
        if (c->leaf) {
            c->key[0] = l->key[l->count - 1];
            c->ptr[0] = l->ptr[l->count - 1];
            n->key[i - 1] = c->key[0];
        } else {
            c->key[0] = n->key[i - 1];
            c->ptr[0] = l->ptr[l->count];
            n->key[i - 1] = l->key[l->count - 1];
        }
        c->count++;
        l->count--;
        return;
    }
    if (r && r->count > MINK) { /* rotate the right sibling's first entry in */
        if (c->leaf) {
            c->key[c->count] = r->key[0];
            c->ptr[c->count] = r->ptr[0];
            memmove(r->key, r->key + 1, (r->count - 1) * sizeof *r->key);
            memmove(r->ptr, r->ptr + 1, (r->count - 1) * sizeof *r->ptr);
            n->key[i] = r->key[0];
        } else {
            c->key[c->count] = n->key[i];
            c->ptr[c->count + 1] = r->ptr[0];
            n->key[i] = r->key[0];
            memmove(r->key, r->key + 1, (r->count - 1) * sizeof *r->key);
            memmove(r->ptr, r->ptr + 1, r->count * sizeof *r->ptr);
        }
        c->count++;
        r->count--;
        return;
    }
    /* Merge c with a sibling: the right one of the pair is emptied into the left. */
    size_t li = l ? i - 1 : i;
    idx_node *a = n->ptr[li], *b = n->ptr[li + 1];
    if (a->leaf) {
        memcpy(a->key + a->count, b->key, b->count * sizeof *a->key);
        memcpy(a->ptr + a->count, b->ptr, b->count * sizeof *a->ptr);
        a->count += b->count;
    } else {
        a->key[a->count] = n->key[li];
        memcpy(a->key + a->count + 1, b->key, b->count * sizeof *a->key);
        memcpy(a->ptr + a->count + 1, b->ptr, (b->count + 1) * sizeof *a->ptr);
        a->count += b->count + 1;
    }
    free_node(ix, b);
    memmove(n->key + li, n->key + li + 1, (n->count - li - 1) * sizeof *n->key);
    memmove(n->ptr + li + 1, n->ptr + li + 2, (n->count - li - 1) * sizeof *n->ptr);
    n->count--;
}

static void erase(mm_index *ix, idx_node *n, ULONG_PTR k)
{
    size_t i = upper_bound(n, k);
    if (n->leaf) {
        if (!i || n->key[i - 1] != k)
            return;
        memmove(n->key + i - 1, n->key + i, (n->count - i) * sizeof *n->key);
        memmove(n->ptr + i - 1, n->ptr + i, (n->count - i) * sizeof *n->ptr);
        n->count--;
        ix->count--;
        return;
    }
    idx_node *c = n->ptr[i];
    erase(ix, c, k);
    if (c->count < MINK)
        fix_child(ix, n, i);
}

void mm_index_erase(mm_index *ix, ULONG_PTR k)
{
    if (!ix->root)
        return;
    erase(ix, ix->root, k);
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
}

/* Debug check: order, bounds, fill, depth, and that every key maps its VAD. */
static long check(const idx_node *n, ULONG_PTR lo, ULONG_PTR hi, bool has_lo, bool has_hi, int depth,
                  int *leaf_depth, bool is_root)
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
        for (size_t i = 0; i < n->count; i++)
            if (((const mm_vad *)n->ptr[i])->start != n->key[i])
                return -1;
        return (long)n->count;
    }
    long total = 0;
    for (size_t i = 0; i <= n->count; i++) {
        long c = check(n->ptr[i], i ? n->key[i - 1] : lo, i < n->count ? n->key[i] : hi, i ? true : has_lo,
                       i < n->count ? true : has_hi, depth + 1, leaf_depth, false);
        if (c < 0)
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
    long n = check(ix->root, 0, 0, false, false, 1, &leaf_depth, true);
    return n >= 0 && (uint64_t)n == vads && ix->count == vads && leaf_depth == (int)ix->height;
}
