/*
 * stack.c - user-mode thread stacks: built as RtlCreateUserStack builds them
 * and grown through their guard pages as MiCheckForUserStackOverflow grows
 * them (docs/stacks.md has the sources and every rule).
 *
 * A stack is one reservation: the top `commit` bytes committed read/write,
 * below them the guard region (PAGE_READWRITE | PAGE_GUARD: 3 pages on x64,
 * 1 on x86), the rest reserved. A touch of a guard page of a stack commits a
 * new guard region just below that page and moves the TEB's StackLimit down
 * to it; when the new region would reach the reservation's last page, the
 * pages above that last page are committed without guard and the access ends
 * in STATUS_STACK_OVERFLOW. The last page is never usable.
 *
 * The space keeps one record per stack (what the TEB holds: StackBase,
 * StackLimit, DeallocationStack), in an AVL tree by deallocation stack, so a
 * guard fault finds its stack in O(log stacks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"
#include "rtl/alloc.h"

#define STACK_ROUND      0x100000ull /* reserve grows to 1 MB multiples when commit >= reserve */
#define DEFAULT_RESERVE  0x100000ull

typedef struct mm_stack_rec {
    avl_node node;             /* in s->stacks, keyed by dealloc */
    ULONG_PTR dealloc;         /* TEB.DeallocationStack */
    ULONG_PTR base;            /* TEB.NtTib.StackBase */
    ULONG_PTR limit;           /* TEB.NtTib.StackLimit */
} mm_stack_rec;

static mm_stack_rec *rec_of(const avl_node *n)
{
    return n ? avl_entry(n, mm_stack_rec, node) : NULL;
}

/* The guard region the kernel keeps below a stack's limit: GUARD_PAGE_SIZE,
 * 3 pages on x64 (current ntdll's RtlResetStackOverflow restores that much;
 * the Windows Research Kernel's amd64.h had 2), 1 page on x86 and for the
 * 32-bit stack of a WOW64 process. */
static SIZE_T guard_size(const mm_space *s)
{
    return s->arch == MM_ARCH_X64 ? 3 * PAGE : PAGE;
}

/* The stack whose [DeallocationStack, StackBase) holds addr, or NULL. */
static mm_stack_rec *stack_at(const mm_space *s, ULONG_PTR addr)
{
    const avl_node *n = s->stacks.root, *best = NULL;
    while (n) {
        if (rec_of(n)->dealloc <= addr) {
            best = n;
            n = n->right;
        } else {
            n = n->left;
        }
    }
    mm_stack_rec *r = rec_of(best);
    return r && addr < r->base ? r : NULL;
}

static mm_stack_rec *stack_exactly(const mm_space *s, ULONG_PTR dealloc)
{
    mm_stack_rec *r = stack_at(s, dealloc);
    return r && r->dealloc == dealloc ? r : NULL;
}

static void link_rec(mm_space *s, mm_stack_rec *r)
{
    avl_node *parent = NULL, **link = &s->stacks.root;
    int is_left = 0;
    while (*link) {
        parent = *link;
        is_left = r->dealloc < rec_of(parent)->dealloc;
        link = is_left ? &parent->left : &parent->right;
    }
    avl_link(&s->stacks, &r->node, parent, is_left);
}

static void free_recs(avl_node *n)
{
    if (!n)
        return;
    free_recs(n->left);
    free_recs(n->right);
    rtl_free(rec_of(n));
}

void mm_stacks_free_all(mm_space *s)
{
    free_recs(s->stacks.root);
    s->stacks.root = NULL;
}

NTSTATUS mm_create_stack(mm_space *s, uint32_t tid, SIZE_T reserve, SIZE_T commit, mm_stack *out)
{
    if (reserve == 0)
        reserve = DEFAULT_RESERVE;
    if (commit == 0)
        commit = PAGE;
    if (reserve > s->highest || commit > s->highest)
        return STATUS_INVALID_PARAMETER;
    /* BaseCreateStack / RtlCreateUserStack: the reserve must exceed the
     * commit, else it becomes the commit rounded up to 1 MB; then the commit
     * rounds to pages and the reserve to the allocation granularity. */
    if (commit >= reserve)
        reserve = align_up(commit, STACK_ROUND);
    commit = page_up(commit);
    reserve = align_up(reserve, GRAN);
    SIZE_T guard = reserve > commit ? reserve - commit : 0;
    if (guard > guard_size(s))
        guard = guard_size(s);
    mm_stack_rec *r = rtl_malloc(sizeof *r);
    if (!r)
        return STATUS_NO_MEMORY;
    ULONG_PTR b;
    if (!mm_find_free(s, reserve, GRAN, s->lowest, s->highest + 1, false, &b)) {
        rtl_free(r);
        return STATUS_NO_MEMORY;
    }
    mm_vad *v;
    NTSTATUS st = mm_place(s, b, b + reserve, VAD_PRIVATE, PAGE_READWRITE, attr_reserved(PAGE_READWRITE), true, &v);
    if (NT_SUCCESS(st) && !mm_charge(s, commit + guard)) {
        mm_vad_delete(s, v);
        st = STATUS_COMMITMENT_LIMIT;
    }
    if (!NT_SUCCESS(st)) {
        rtl_free(r);
        return st;
    }
    ULONG_PTR top = b + reserve, limit = top - commit;
    const mm_piece pieces[] = {
        { b, attr_reserved(PAGE_READWRITE) },
        { limit - guard, attr_committed(PAGE_READWRITE | PAGE_GUARD) },
        { limit, attr_committed(PAGE_READWRITE) },
    };
    if (!mm_runs_layout(s, v, pieces, 3)) {
        mm_uncharge(s, commit + guard);
        mm_vad_delete(s, v);
        rtl_free(r);
        return STATUS_NO_MEMORY;
    }
    mm_vad_name(s, v, "stack of thread ", true, tid);
    r->dealloc = b;
    r->base = top;
    r->limit = limit;
    link_rec(s, r);
    /* What mm_query_stack would answer for the stack just laid out. */
    *out = (mm_stack){ .stack_base = top, .stack_limit = limit, .deallocation_stack = b, .reserve = reserve,
                       .commit = commit, .committed = commit + guard, .guard_start = limit - guard,
                       .guard_end = limit };
#ifdef NTSIM_DEBUG_CHECKS
    mm_stack q;
    assert(NT_SUCCESS(mm_query_stack(s, b, &q)) && memcmp(&q, out, sizeof q) == 0);
#endif
    MM_DEBUG_CHECK(s);
    return STATUS_SUCCESS;
}

NTSTATUS mm_delete_stack(mm_space *s, const mm_stack *st)
{
    mm_stack_rec *r = stack_exactly(s, st->deallocation_stack);
    if (r) {
        avl_erase(&s->stacks, &r->node);
        rtl_free(r);
    }
    ULONG_PTR base = st->deallocation_stack;
    SIZE_T size = 0;
    return mm_free(s, &base, &size, MEM_RELEASE);
}

NTSTATUS mm_query_stack(mm_space *s, ULONG_PTR deallocation_stack, mm_stack *out)
{
    const mm_stack_rec *r = stack_exactly(s, deallocation_stack);
    if (!r)
        return STATUS_INVALID_PARAMETER;
    out->stack_base = r->base;
    out->stack_limit = r->limit;
    out->deallocation_stack = r->dealloc;
    out->reserve = r->base - r->dealloc;
    out->commit = r->base - r->limit;
    out->committed = 0;
    out->guard_start = out->guard_end = r->limit;
    mm_vad *v = mm_vad_find(s, r->dealloc);
    if (!v)
        return STATUS_SUCCESS; /* released behind the thread's back; the TEB still says so */
    out->committed = mm_runs_count_committed(v, v->start, v->end) * PAGE;
    if (r->limit > v->start && r->limit <= v->end) {
        /* The guard pages are the committed PAGE_GUARD run just below the limit. */
        ULONG_PTR rs, re;
        uint32_t attr = mm_runs_run_at(v, r->limit - PAGE, &rs, &re);
        if ((attr & ATTR_COMMITTED) && (attr & PAGE_GUARD))
            out->guard_start = rs;
    }
    return STATUS_SUCCESS;
}

/* MiCheckForUserStackOverflow, without a stack guarantee (SetThreadStackGuarantee). */
NTSTATUS mm_stack_guard_fault(mm_space *s, ULONG_PTR page, bool *is_stack)
{
    mm_stack_rec *r = stack_at(s, page);
    *is_stack = r != NULL;
    if (!r)
        return STATUS_GUARD_PAGE_VIOLATION;
    SIZE_T region = guard_size(s);
    ULONG_PTR dealloc = page_down(r->dealloc);
    ULONG_PTR next = page - region;
    if (page < dealloc + region + 2 * PAGE) {
        /* No room for another guard region above the last page: commit the
         * pages just above it without guard and report the overflow. */
        ULONG_PTR a = dealloc + PAGE;
        if (NT_SUCCESS(mm_commit_pages(s, a, a + region, PAGE_READWRITE)))
            r->limit = a;
        return STATUS_STACK_OVERFLOW;
    }
    r->limit = page;
    NTSTATUS st = mm_commit_pages(s, next, page, PAGE_READWRITE | PAGE_GUARD);
    return NT_SUCCESS(st) ? STATUS_SUCCESS : STATUS_STACK_OVERFLOW;
}

/* Can a write to this page go on without a fault? */
static bool writable(uint32_t attr)
{
    ULONG prot = attr & 0xFFFFu;
    return (attr & ATTR_COMMITTED) && !(prot & PAGE_GUARD) && mm_protect_allows(prot, MM_WRITE);
}

NTSTATUS mm_touch_stack(mm_space *s, ULONG_PTR deallocation_stack, SIZE_T bytes, mm_stack *after)
{
    mm_stack_rec *r = stack_exactly(s, deallocation_stack);
    if (!r)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS st = STATUS_SUCCESS;
    ULONG_PTR lowest = bytes >= r->base ? 0 : page_down(r->base - bytes);
    /* Page by page from the top, as the stack probe (__chkstk) touches them;
     * a run of pages already writable is passed over in one step. */
    for (ULONG_PTR p = r->base; bytes && p > lowest && NT_SUCCESS(st);) {
        ULONG_PTR page = p - PAGE, rs, re;
        mm_vad *v = mm_vad_find(s, page);
        if (v && writable(mm_runs_run_at(v, page, &rs, &re))) {
            p = rs > lowest ? rs : lowest;
            continue;
        }
        st = mm_touch(s, page, MM_WRITE);
        p = page;
    }
    if (after)
        mm_query_stack(s, deallocation_stack, after);
    MM_DEBUG_CHECK(s);
    return st;
}
