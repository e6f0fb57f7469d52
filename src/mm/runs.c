/*
 * runs.c - page state and protection inside one VAD, kept per run of pages
 * rather than per page (a 1 TB reservation costs one word). Runs are
 * canonical: neighbours always differ, so a run is exactly the region
 * NtQueryVirtualMemory reports. A uniform VAD keeps its one run inline; a
 * fragmented one keeps an AVL tree of runs keyed by start address, so
 * setting a range costs O(log runs) plus the runs it swallows (each run is
 * created once and swallowed once: amortised logarithmic).
 */
#include "mm/mm_internal.h"

static mm_run *run_of(const avl_node *n)
{
    return n ? avl_entry(n, mm_run, node) : NULL;
}

static uint32_t run_attr(const mm_run *r)
{
    return r->node.spare;
}

static ULONG_PTR run_end(const mm_vad *v, const mm_run *r)
{
    mm_run *n = run_of(avl_next(&r->node));
    return n ? n->start : v->end;
}

static mm_run *run_floor(const avl_node *n, ULONG_PTR addr)
{
    const avl_node *best = NULL;
    while (n) {
        if (run_of(n)->start <= addr) {
            best = n;
            n = n->right;
        } else {
            n = n->left;
        }
    }
    return run_of(best);
}

uint32_t mm_runs_attr_at(const mm_vad *v, ULONG_PTR addr, ULONG_PTR *end)
{
    if (!v->runs) {
        if (end)
            *end = v->end;
        return v->attr;
    }
    mm_run *r = run_floor(v->runs, addr);
    if (end)
        *end = run_end(v, r);
    return run_attr(r);
}

uint32_t mm_runs_run_at(const mm_vad *v, ULONG_PTR addr, ULONG_PTR *start, ULONG_PTR *end)
{
    if (!v->runs) {
        *start = v->start;
        *end = v->end;
        return v->attr;
    }
    mm_run *r = run_floor(v->runs, addr);
    *start = r->start;
    *end = run_end(v, r);
    return run_attr(r);
}

uint64_t mm_runs_count_committed(const mm_vad *v, ULONG_PTR a, ULONG_PTR b)
{
    if (!v->runs)
        return (v->attr & ATTR_COMMITTED) ? (b - a) / PAGE : 0;
    uint64_t pages = 0;
    for (mm_run *r = run_floor(v->runs, a); r && r->start < b; r = run_of(avl_next(&r->node))) {
        if (!(run_attr(r) & ATTR_COMMITTED))
            continue;
        ULONG_PTR lo = r->start > a ? r->start : a, e = run_end(v, r), hi = e < b ? e : b;
        pages += (hi - lo) / PAGE;
    }
    return pages;
}

bool mm_runs_all_committed(const mm_vad *v, ULONG_PTR a, ULONG_PTR b)
{
    if (!v->runs)
        return (v->attr & ATTR_COMMITTED) != 0;
    for (mm_run *r = run_floor(v->runs, a); r && r->start < b; r = run_of(avl_next(&r->node)))
        if (!(run_attr(r) & ATTR_COMMITTED))
            return false;
    return true;
}

static mm_run *new_run(mm_space *s, ULONG_PTR start, uint32_t attr)
{
    mm_run *r = mm_pool_get(&s->run_pool); /* reserved by the caller: cannot fail */
    r->start = start;
    r->node.spare = attr;
    return r;
}

static void free_run(mm_space *s, avl_tree *t, mm_run *r)
{
    avl_erase(t, &r->node);
    mm_pool_put(&s->run_pool, r);
}

/* Links n right after r in key order. */
static void link_after(avl_tree *t, mm_run *r, mm_run *n)
{
    if (!r->node.right) {
        avl_link(t, &n->node, &r->node, 0);
        return;
    }
    avl_node *m = r->node.right;
    while (m->left)
        m = m->left;
    avl_link(t, &n->node, m, 1);
}

/* Makes a run start exactly at x (x inside the VAD). */
static void split_at(mm_space *s, avl_tree *t, ULONG_PTR x)
{
    mm_run *r = run_floor(t->root, x);
    if (r->start != x)
        link_after(t, r, new_run(s, x, run_attr(r)));
}

/* Turns a single-run tree back into the inline form. */
static void collapse(mm_space *s, mm_vad *v)
{
    avl_node *root = v->runs;
    if (root && !root->left && !root->right) {
        v->attr = run_attr(run_of(root));
        mm_pool_put(&s->run_pool, run_of(root));
        v->runs = NULL;
    }
}

static bool runs_set(mm_space *s, mm_vad *v, ULONG_PTR a, ULONG_PTR b, uint32_t attr);
static bool runs_decommit(mm_space *s, mm_vad *v, ULONG_PTR a, ULONG_PTR b);

/* Both keep the index's summary of v in step. */
bool mm_runs_set(mm_space *s, mm_vad *v, ULONG_PTR a, ULONG_PTR b, uint32_t attr)
{
    if (!runs_set(s, v, a, b, attr))
        return false;
    mm_vad_summary_changed(s, v);
    return true;
}

bool mm_runs_decommit(mm_space *s, mm_vad *v, ULONG_PTR a, ULONG_PTR b)
{
    if (!runs_decommit(s, v, a, b))
        return false;
    mm_vad_summary_changed(s, v);
    return true;
}

/*
 * The runs of [a, b) made separate, for a change of their attributes to
 * `uniform` when the VAD has no runs yet (one attribute for all of it):
 * false when that change needs no runs at all (done in place, *done set),
 * else t holds the runs with boundaries at a and b. Room for three runs
 * must be reserved.
 */
static bool split_range(mm_space *s, mm_vad *v, avl_tree *t, ULONG_PTR a, ULONG_PTR b, uint32_t uniform)
{
    *t = (avl_tree){v->runs};
    if (!t->root) {
        if (v->attr == uniform)
            return false;
        if (a == v->start && b == v->end) {
            v->attr = uniform;
            return false;
        }
        avl_link(t, &new_run(s, v->start, v->attr)->node, NULL, 0);
    }
    split_at(s, t, a);
    if (b < v->end)
        split_at(s, t, b);
    return true;
}

static bool runs_set(mm_space *s, mm_vad *v, ULONG_PTR a, ULONG_PTR b, uint32_t attr)
{
    if (!mm_pool_reserve(&s->run_pool, 3))
        return false;
    avl_tree t;
    if (!split_range(s, v, &t, a, b, attr))
        return true;
    mm_run *r = run_floor(t.root, a);
    for (mm_run *n = run_of(avl_next(&r->node)); n && n->start < b;) {
        mm_run *next = run_of(avl_next(&n->node));
        free_run(s, &t, n);
        n = next;
    }
    r->node.spare = attr;
    mm_run *p = run_of(avl_prev(&r->node));
    if (p && run_attr(p) == attr) {
        free_run(s, &t, r);
        r = p;
    }
    mm_run *n = run_of(avl_next(&r->node));
    if (n && run_attr(n) == attr)
        free_run(s, &t, n);
    v->runs = t.root;
    collapse(s, v);
    return true;
}

bool mm_runs_layout(mm_space *s, mm_vad *v, const mm_piece *pieces, size_t n)
{
    if (!mm_pool_reserve(&s->run_pool, n))
        return false;
    enum { MAX_PIECES = 8 };
    if (n > MAX_PIECES)
        return false; /* a caller's error: nothing changed */
    avl_node *runs[MAX_PIECES];
    size_t count = 0;
    mm_run *last = NULL;
    for (size_t i = 0; i < n; i++) {
        ULONG_PTR end = i + 1 < n ? pieces[i + 1].start : v->end;
        if (pieces[i].start >= end || (last && run_attr(last) == pieces[i].attr))
            continue;
        last = new_run(s, pieces[i].start, pieces[i].attr);
        runs[count++] = &last->node;
    }
    avl_tree t = {NULL};
    avl_build(&t, runs, count); /* already in address order */
    v->runs = t.root;
    collapse(s, v);
    mm_vad_summary_changed(s, v);
    return true;
}

/* Decommit keeps each page's last protection, hidden (query shows 0) but
 * still telling regions apart, as the recorded answers show: a page
 * decommitted from PAGE_READONLY is its own region next to reserved pages
 * that were PAGE_READWRITE. So the committed bit is cleared run by run. */
static bool runs_decommit(mm_space *s, mm_vad *v, ULONG_PTR a, ULONG_PTR b)
{
    if (!mm_pool_reserve(&s->run_pool, 3))
        return false;
    avl_tree t;
    if (!split_range(s, v, &t, a, b, v->attr & ~ATTR_COMMITTED))
        return true;
    mm_run *r = run_floor(t.root, a);
    mm_run *x = run_of(avl_prev(&r->node));
    for (; r && r->start < b; r = run_of(avl_next(&r->node)))
        r->node.spare &= ~ATTR_COMMITTED;
    if (!x)
        x = run_of(avl_first(&t));
    for (mm_run *n = run_of(avl_next(&x->node)); n && n->start <= b; n = run_of(avl_next(&x->node))) {
        if (run_attr(n) == run_attr(x))
            free_run(s, &t, n);
        else
            x = n;
    }
    v->runs = t.root;
    collapse(s, v);
    return true;
}

bool mm_runs_cut(mm_space *s, mm_vad *v, ULONG_PTR a, ULONG_PTR b)
{
    bool named = (v->flags & VAD_NAMED) != 0;
    if (!mm_pool_reserve(&s->run_pool, 2) || !(named ? mm_vad_reserve_named(s) : mm_vad_reserve(s)))
        return false;
    bool middle = a > v->start && b < v->end;
    /* The second piece's own copy of an owned name, taken before any change. */
    char *name = NULL;
    if (middle && (v->flags & VAD_DETAIL_OWNED) && !(name = mm_vad_name_dup(mm_vad_raw_detail(v))))
        return false;
    ULONG_PTR old_end = v->end;
    avl_tree nt = {NULL};
    if (v->runs) {
        avl_tree t = {v->runs};
        split_at(s, &t, a);
        if (b < v->end)
            split_at(s, &t, b);
        for (mm_run *r = run_floor(t.root, a); r && r->start < b;) {
            mm_run *next = run_of(avl_next(&r->node));
            free_run(s, &t, r);
            r = next;
        }
        if (middle) {
            /* Everything from b on moves to the new VAD, appended in order. */
            mm_run *last = NULL;
            for (mm_run *r = run_floor(t.root, b); r;) {
                mm_run *next = run_of(avl_next(&r->node));
                avl_erase(&t, &r->node);
                avl_link(&nt, &r->node, last ? &last->node : NULL, 0);
                last = r;
                r = next;
            }
        }
        v->runs = t.root;
    }
    if (a == v->start) {
        mm_vad_set_start(s, v, b);
    } else {
        v->end = a;
    }
    uint32_t uniform = v->attr;
    collapse(s, v);
    mm_vad_bounds_changed(s, v); /* also refreshes v's summary */
    if (!middle)
        return true;
    mm_vad *nv = (named ? mm_vad_create_named : mm_vad_create)(s, b, old_end, (mm_vad_type)v->type,
                                                               v->alloc_protect, uniform);
    nv->flags = v->flags;
    nv->runs = nt.root;
    collapse(s, nv);
    mm_vad_summary_changed(s, nv);
    mm_vad_copy_detail(s, nv, v, name);
    return true;
}

static void free_subtree(mm_space *s, avl_node *n)
{
    if (!n)
        return;
    free_subtree(s, n->left);
    free_subtree(s, n->right);
    mm_pool_put(&s->run_pool, run_of(n));
}

void mm_runs_free_all(mm_space *s, mm_vad *v)
{
    free_subtree(s, v->runs);
    v->runs = NULL;
}

static bool attr_ok(uint32_t attr)
{
    return (attr & ~(ATTR_COMMITTED | 0xFFFFu)) == 0;
}

bool mm_runs_check(const mm_vad *v)
{
    if (!v->runs) {
        uint64_t want = (v->attr & ATTR_COMMITTED) ? (v->end - v->start) / PAGE : 0;
        (void)want;
        return attr_ok(v->attr);
    }
    avl_tree t = {v->runs};
    long count = avl_check(&t);
    if (count < 2 || v->runs->parent)
        return false;
    const mm_run *prev = NULL;
    uint64_t committed = 0;
    for (const mm_run *r = run_of(avl_first(&t)); r; r = run_of(avl_next(&r->node))) {
        if (!prev && r->start != v->start)
            return false;
        if (prev && (r->start <= prev->start || run_attr(r) == run_attr(prev)))
            return false;
        if (r->start >= v->end || (r->start & (PAGE - 1)) || !attr_ok(run_attr(r)))
            return false;
        if (run_attr(r) & ATTR_COMMITTED)
            committed += (run_end(v, r) - r->start) / PAGE;
        prev = r;
    }
    return committed == mm_runs_count_committed(v, v->start, v->end);
}
