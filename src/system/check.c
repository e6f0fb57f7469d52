/*
 * check.c - the whole system's invariants, checked across the layers (each
 * layer's own structures check themselves: mm_check, ob_handle_table_check):
 * handles and object counts, client IDs, threads, kernel stacks and commit,
 * the timer heap, pool owners. What a failed call must leave intact; the
 * fault sweep (tests/fault_sweep.py) runs it after every command.
 */
#include <stdarg.h>
#include <stdio.h>

#include "ex/ex.h"
#include "mm/mm.h"
#include "ob/handle_table.h"
#include "system/system.h"

typedef struct checker {
    char *why;
    size_t cap;
    bool ok;
} checker;

/* Records the first broken invariant. */
static void broken(checker *c, const char *format, ...)
{
    if (!c->ok)
        return;
    c->ok = false;
    if (c->why && c->cap) {
        va_list ap;
        va_start(ap, format);
        vsnprintf(c->why, c->cap, format, ap);
        va_end(ap);
    }
}

/* A table's entries: each names an object with a handle and more pointers than handles. */
static uint64_t check_handles(checker *c, const ob_handle_table *t, ULONG pid)
{
    if (!ob_handle_table_check(t))
        broken(c, "process %u: its handle table's count or free list is wrong", pid);
    uint64_t n = 0;
    for (uint32_t h = ob_handle_next(t, 0); h; h = ob_handle_next(t, h)) {
        const ob_header *o = ob_handle_lookup(t, h)->object;
        if (o->handle_count < 1 || o->pointer_count < o->handle_count)
            broken(c, "process %u: handle 0x%x names an object with %lld handles, %lld pointers", pid, h,
                   (long long)o->handle_count, (long long)o->pointer_count);
        n++;
    }
    return n;
}

static void check_pool(checker *c, const ex_pool_owner *owner)
{
    ULONG n = 0;
    for (const LIST_ENTRY *e = owner->blocks.Flink; e != &owner->blocks && n <= owner->count; e = e->Flink)
        n++;
    if (n != owner->count)
        broken(c, "pool of '%s': %u blocks counted, %u listed", owner->name, owner->count, n);
}

/* A thread: its CID, its place in the timer heap. */
static void check_thread(checker *c, ntsim_system *sys, const ps_process *p, const ps_thread *t)
{
    const ke_scheduler *s = &ke_state(sys)->sched;
    if (t->process != p)
        broken(c, "thread %u is in the list of a process not its own", t->tid);
    if (t->tid && ps_lookup_thread(sys, t->tid) != t)
        broken(c, "thread %u: its client ID names something else", t->tid);
    if (t->tcb.timer_slot && (t->tcb.timer_slot > s->timer_count || s->timers[t->tcb.timer_slot - 1] != &t->tcb))
        broken(c, "thread %u: its timer is not where it says in the heap", t->tid);
}

bool ntsim_check_system(ntsim_system *sys, char *why, size_t cap)
{
    checker c = { why, cap, true };
    ps_system *ps = ps_state(sys);
    uint64_t handles = 0, handle_counts = 0, charge = 0, threads = 0, stacks = 0, timers = 0;
    if (!ob_handle_table_check(&ps->cid_table))
        broken(&c, "the client-ID table's count or free list is wrong");
    for (LIST_ENTRY *pe = ps->processes.Flink; pe != &ps->processes; pe = pe->Flink) {
        ps_process *p = CONTAINING_RECORD(pe, ps_process, process_links);
        if (p->pid && ps_lookup_process(sys, p->pid) != p)
            broken(&c, "process %u: its client ID names something else", p->pid);
        handles += check_handles(&c, &p->handles, p->pid);
        handle_counts += (uint64_t)p->header.handle_count;
        ULONG active = 0;
        for (LIST_ENTRY *te = p->threads.Flink; te != &p->threads; te = te->Flink) {
            ps_thread *t = CONTAINING_RECORD(te, ps_thread, thread_links);
            check_thread(&c, sys, p, t);
            active += !t->terminated;
            threads++;
            stacks += t->kernel_stack.base != 0;
            timers += t->tcb.timer_slot != 0;
            handle_counts += (uint64_t)t->header.handle_count;
        }
        if (active != p->active_threads)
            broken(&c, "process %u: %u live threads, %u counted", p->pid, active, p->active_threads);
        if (p->vm) {
            if (!mm_check(p->vm))
                broken(&c, "process %u: its address space fails its check", p->pid);
            charge += mm_commit_charge(p->vm);
        }
    }
    const LIST_ENTRY *files = &io_state(sys)->files;
    for (const LIST_ENTRY *fe = files->Flink; fe != files; fe = fe->Flink)
        handle_counts += (uint64_t)CONTAINING_RECORD(fe, io_file, links)->header.handle_count;
    handle_counts += ex_event_handle_counts(sys);
    handle_counts += mm_sections_handle_counts(&ps->sections);
    const LIST_ENTRY *tokens = &se_state(sys)->tokens;
    for (const LIST_ENTRY *te = tokens->Flink; te != tokens; te = te->Flink)
        handle_counts += (uint64_t)CONTAINING_RECORD(te, se_token, links)->header.handle_count;
    if (handles != handle_counts)
        broken(&c, "%llu handles in the tables, %llu counted by their objects", (unsigned long long)handles,
               (unsigned long long)handle_counts);
    mm_system_info ms;
    mm_system_query(ps->system_space, &ms);
    if (stacks != ms.kernel_stacks)
        broken(&c, "%llu threads hold a kernel stack, %llu counted", (unsigned long long)stacks,
               (unsigned long long)ms.kernel_stacks);
    if (ps->commit.charged != charge + ms.bytes_in_use + ps->commit.sections)
        broken(&c, "commit charged %llu bytes, the spaces, kernel stacks and sections hold %llu",
               (unsigned long long)ps->commit.charged,
               (unsigned long long)(charge + ms.bytes_in_use + ps->commit.sections));
    const ke_scheduler *s = &ke_state(sys)->sched;
    if (s->threads != threads || s->timer_cap < threads || s->timer_count != timers)
        broken(&c, "scheduler: %zu threads (%llu exist), %zu timers (%llu waiting), room for %zu", s->threads,
               (unsigned long long)threads, s->timer_count, (unsigned long long)timers, s->timer_cap);
    check_pool(&c, &ex_state(sys)->kernel_pool);
    for (io_driver *d = io_state(sys)->drivers; d; d = d->next)
        check_pool(&c, &d->pool);
    return c.ok;
}
