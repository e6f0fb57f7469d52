/*
 * scheduler.c - thread dispatching (KiDeferredReadyThread, KiSelectNextThread,
 * KiQuantumEnd, KiUnwaitThread in miniature), driven by the virtual clock.
 *
 * Every processor has 32 ready queues and a summary bitmap; the highest set
 * bit names the best ready priority, so a decision costs O(1) whatever the
 * number of ready threads. A readied thread goes to an idle processor if one
 * may run it, else preempts its last processor's thread when its priority is
 * higher, else waits at the tail of that processor's queue. A preempted
 * thread goes back to the head of its queue; a thread whose quantum ends goes
 * to the tail when another of its priority is ready (round-robin).
 */
#include <assert.h>
#include <stdlib.h>

#include "ke/ke.h"
#include "rtl/alloc.h"

static int highest_bit(uint32_t v)
{
    return 31 - __builtin_clz(v);
}

static void set_state(ntsim_system *sys, ke_thread *t, KTHREAD_STATE to)
{
    KTHREAD_STATE from = t->state;
    t->state = to;
    if (ke_state(sys)->sched.trace && !t->idle && from != to) {
        /* Why it waits (KWAIT_REASON): its wait's reason, or Suspended (5) when a suspend stopped it. */
        ULONG reason = to == Waiting ? (t->blocked ? t->wait_reason : 5u) : 0;
        ntsim_event e = { .kind = NTSIM_EVENT_THREAD_STATE, .tid = t->tid, .from = from, .to = to, .cpu = t->cpu,
                          .number = reason };
        ke_deliver_event(sys, &e);
    }
}

/* ---- ready queues ------------------------------------------------------- */

/* The first thread of a priority's queue, and the one after t; NULL past the end. */
static ke_thread *first_ready(ke_prcb *p, int pri)
{
    LIST_ENTRY *q = &p->ready[pri];
    return q->Flink != q ? CONTAINING_RECORD(q->Flink, ke_thread, ready_link) : NULL;
}

static ke_thread *next_ready(ke_prcb *p, const ke_thread *t)
{
    LIST_ENTRY *q = &p->ready[t->priority];
    return t->ready_link.Flink != q ? CONTAINING_RECORD(t->ready_link.Flink, ke_thread, ready_link) : NULL;
}

static void enqueue(ke_prcb *p, ke_thread *t, bool at_head)
{
    int pri = t->priority;
    if (at_head)
        InsertHeadList(&p->ready[pri], &t->ready_link);
    else
        InsertTailList(&p->ready[pri], &t->ready_link);
    p->summary |= 1u << pri;
    p->ready_count++;
}

static void dequeue(ke_prcb *p, ke_thread *t)
{
    int pri = t->priority;
    if (RemoveEntryList(&t->ready_link))
        p->summary &= ~(1u << pri); /* the queue is empty now */
    p->ready_count--;
}

/* The best ready thread for processor cpu: its own queues first, then (when
 * it would idle) another processor's thread that may run here. */
static ke_thread *find_ready(ke_scheduler *s, uint32_t cpu, int min_priority)
{
    ke_prcb *p = &s->prcb[cpu];
    if (p->summary) {
        int pri = highest_bit(p->summary);
        if (pri >= min_priority)
            return first_ready(p, pri);
    }
    if (min_priority > 0)
        return NULL;
    for (uint32_t other = 0; other < s->cpus; other++) {
        ke_prcb *o = &s->prcb[other];
        for (uint32_t bits = o->summary; bits; bits &= ~(1u << highest_bit(bits)))
            for (ke_thread *t = first_ready(o, highest_bit(bits)); t; t = next_ready(o, t))
                if (t->affinity & (1ull << cpu))
                    return t;
    }
    return NULL;
}

/* ---- running a thread on a processor ------------------------------------- */

static void run_on(ntsim_system *sys, uint32_t cpu, ke_thread *t)
{
    ke_prcb *p = &ke_state(sys)->sched.prcb[cpu];
    if (t->state == Ready)
        dequeue(&ke_state(sys)->sched.prcb[t->cpu], t);
    p->idle->state = Ready;
    t->cpu = cpu;
    set_state(sys, t, Standby);
    p->current = t;
    set_state(sys, t, Running);
}

/* The processor's current thread stopped running: choose the next one. */
static void select_next(ntsim_system *sys, uint32_t cpu)
{
    ke_prcb *p = &ke_state(sys)->sched.prcb[cpu];
    ke_thread *next = find_ready(&ke_state(sys)->sched, cpu, 0);
    if (next) {
        run_on(sys, cpu, next);
    } else {
        p->current = p->idle;
        p->idle->state = Running;
    }
}

static bool is_idle(const ke_prcb *p)
{
    return p->current == p->idle;
}

/* KiDeferredReadyThread: find t a processor, preempting if its priority says so. */
static void ready(ntsim_system *sys, ke_thread *t)
{
    ke_scheduler *s = &ke_state(sys)->sched;
    set_state(sys, t, DeferredReady);
    KAFFINITY allowed = t->affinity;
    uint32_t target = t->cpu;
    if (target >= s->cpus || !(allowed & (1ull << target)))
        target = (uint32_t)__builtin_ctzll(allowed);
    /* An idle processor that may run it: its last one first, then the lowest. */
    if (!is_idle(&s->prcb[target])) {
        for (uint32_t cpu = 0; cpu < s->cpus; cpu++) {
            if ((allowed & (1ull << cpu)) && is_idle(&s->prcb[cpu])) {
                target = cpu;
                break;
            }
        }
    }
    ke_prcb *p = &s->prcb[target];
    if (is_idle(p)) {
        run_on(sys, target, t);
        return;
    }
    ke_thread *cur = p->current;
    if (t->priority > cur->priority) {
        /* Preemption: the running thread goes back to the head of its queue. */
        t->cpu = target;
        set_state(sys, cur, Ready);
        enqueue(p, cur, true);
        set_state(sys, t, Standby);
        p->current = t;
        set_state(sys, t, Running);
        return;
    }
    t->cpu = target;
    set_state(sys, t, Ready);
    enqueue(p, t, false);
}

/* Takes t off its processor or out of its ready queue. */
static void unschedule(ntsim_system *sys, ke_thread *t)
{
    if (t->state == Ready)
        dequeue(&ke_state(sys)->sched.prcb[t->cpu], t);
    else if (t->state == Running && ke_state(sys)->sched.prcb[t->cpu].current == t)
        ke_state(sys)->sched.prcb[t->cpu].current = NULL;
}

static void after_unschedule(ntsim_system *sys, uint32_t cpu)
{
    if (ke_state(sys)->sched.prcb[cpu].current == NULL)
        select_next(sys, cpu);
}

/* ---- timers: a min-heap of waiting threads by (deadline, order) ----------- */

static bool earlier(const ke_thread *a, const ke_thread *b)
{
    return a->deadline < b->deadline || (a->deadline == b->deadline && a->order < b->order);
}

static void heap_set(ke_scheduler *s, size_t i, ke_thread *t)
{
    s->timers[i] = t;
    t->timer_slot = i + 1;
}

static void sift_up(ke_scheduler *s, size_t i)
{
    ke_thread *t = s->timers[i];
    while (i > 0 && earlier(t, s->timers[(i - 1) / 2])) {
        heap_set(s, i, s->timers[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    heap_set(s, i, t);
}

static void sift_down(ke_scheduler *s, size_t i)
{
    ke_thread *t = s->timers[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= s->timer_count)
            break;
        if (c + 1 < s->timer_count && earlier(s->timers[c + 1], s->timers[c]))
            c++;
        if (!earlier(s->timers[c], t))
            break;
        heap_set(s, i, s->timers[c]);
        i = c;
    }
    heap_set(s, i, t);
}

/* Every thread's place in the heap is made when the thread is (ke_thread_init). */
static void timer_insert(ke_scheduler *s, ke_thread *t)
{
    assert(s->timer_count < s->timer_cap);
    s->timers[s->timer_count++] = t;
    sift_up(s, s->timer_count - 1);
}

static void timer_remove(ke_scheduler *s, ke_thread *t)
{
    if (!t->timer_slot)
        return;
    size_t i = t->timer_slot - 1;
    t->timer_slot = 0;
    ke_thread *last = s->timers[--s->timer_count];
    if (i == s->timer_count)
        return;
    s->timers[i] = last;
    last->timer_slot = i + 1;
    sift_down(s, i);
    sift_up(s, last->timer_slot - 1);
}

/* ---- entry points ------------------------------------------------------- */

void ke_scheduler_init(ntsim_system *sys, uint64_t now)
{
    ke_scheduler *s = &ke_state(sys)->sched;
    s->cpus = ke_state(sys)->config.cpus;
    for (uint32_t cpu = 0; cpu < NTSIM_MAX_CPUS; cpu++)
        for (int pri = 0; pri < 32; pri++)
            InitializeListHead(&s->prcb[cpu].ready[pri]);
    /* Clock interrupts fall on a grid of 15.625 ms from boot. */
    s->next_tick = now + KE_CLOCK_INTERVAL;
}

void ke_scheduler_free(ntsim_system *sys)
{
    rtl_free(ke_state(sys)->sched.timers);
    ke_state(sys)->sched.timers = NULL;
}

NTSTATUS ke_thread_init(ntsim_system *sys, ke_thread *t, uint32_t tid, KPRIORITY priority, KAFFINITY affinity)
{
    /* A KTHREAD embeds its timer, so a wait with a timeout never needs
       memory; here the heap keeps a place for every thread instead. */
    ke_scheduler *s = &ke_state(sys)->sched;
    if (s->threads == s->timer_cap) {
        size_t cap = s->timer_cap ? s->timer_cap * 2 : 64;
        ke_thread **n = rtl_realloc(s->timers, cap * sizeof *n);
        if (!n)
            return STATUS_INSUFFICIENT_RESOURCES;
        s->timers = n;
        s->timer_cap = cap;
    }
    s->threads++;
    *t = (ke_thread){ .state = Initialized, .priority = priority, .base_priority = priority,
                      .affinity = affinity, .quantum = KE_QUANTUM_UNITS, .tid = tid,
                      .order = s->orders++ };
    return STATUS_SUCCESS;
}

void ke_thread_delete(ntsim_system *sys, ke_thread *t)
{
    ke_delete_fiber(t);
    ke_state(sys)->sched.threads--;
}

void ke_set_idle_thread(ntsim_system *sys, ke_thread *t, uint32_t cpu)
{
    ke_prcb *p = &ke_state(sys)->sched.prcb[cpu];
    t->idle = true;
    t->cpu = cpu;
    t->priority = t->base_priority = 0;
    t->affinity = 1ull << cpu;
    t->state = Running;
    p->idle = p->current = t;
}

void ke_start_thread(ntsim_system *sys, ke_thread *t)
{
    ready(sys, t);
}

void ke_terminate_thread(ntsim_system *sys, ke_thread *t)
{
    uint32_t cpu = t->cpu;
    bool was_running = t->state == Running;
    unschedule(sys, t);
    timer_remove(&ke_state(sys)->sched, t);
    ke_abandon_object_wait(sys, t);
    t->blocked = false;
    set_state(sys, t, Terminated);
    if (was_running)
        after_unschedule(sys, cpu);
}

/* The thread can no longer run: it waits (for an object, or its resume). */
static void block(ntsim_system *sys, ke_thread *t)
{
    if (t->state == Waiting)
        return;
    uint32_t cpu = t->cpu;
    bool was_running = t->state == Running;
    unschedule(sys, t);
    set_state(sys, t, Waiting);
    if (was_running)
        after_unschedule(sys, cpu);
}

/* Nothing holds the thread any more: it becomes ready, with a boost. */
static void release(ntsim_system *sys, ke_thread *t, int boost)
{
    if (t->state != Waiting || t->blocked || t->suspend_count)
        return;
    /* Dynamic priorities (1..15) take the boost, capped at 15; real-time never. */
    if (t->base_priority < 16 && boost) {
        int p = t->base_priority + boost;
        if (p > 15)
            p = 15;
        if (p > t->priority)
            t->priority = p;
    }
    t->quantum = KE_QUANTUM_UNITS;
    ready(sys, t);
}

uint64_t ke_deadline(ntsim_system *sys, const LONG64 *timeout)
{
    uint64_t now = ke_state(sys)->time;
    if (!timeout)
        return KE_NO_DEADLINE;
    if (*timeout < 0) {
        uint64_t delta = (uint64_t)-(*timeout + 1) + 1; /* |timeout|, even for INT64_MIN */
        return delta >= KE_NO_DEADLINE - now ? KE_NO_DEADLINE : now + delta;
    }
    return (uint64_t)*timeout > now ? (uint64_t)*timeout : now; /* past: now, a zero timeout */
}

NTSTATUS ke_wait(ntsim_system *sys, ke_thread *t, const LONG64 *timeout)
{
    uint64_t deadline = ke_deadline(sys, timeout);
    if (deadline == ke_state(sys)->time)
        return STATUS_TIMEOUT; /* nothing to wait for */
    if (t->state == Terminated)
        return STATUS_THREAD_IS_TERMINATING;
    if (t->blocked)
        return STATUS_INVALID_PARAMETER; /* already in a wait */
    t->blocked = true;
    t->wait_status = STATUS_PENDING;
    t->deadline = deadline;
    if (deadline != KE_NO_DEADLINE)
        timer_insert(&ke_state(sys)->sched, t);
    block(sys, t);
    return STATUS_SUCCESS;
}

/* KiUnwaitThread: the wait is over (how: status); the thread may run again. */
void ke_unwait(ntsim_system *sys, ke_thread *t, NTSTATUS status, KPRIORITY boost)
{
    timer_remove(&ke_state(sys)->sched, t);
    ke_abandon_object_wait(sys, t);
    t->blocked = false;
    t->wait_status = status;
    release(sys, t, boost);
}

NTSTATUS ke_wake(ntsim_system *sys, ke_thread *t)
{
    /* A thread in its exit waits for what its exit waits for (a driver's
       close in its process's handle sweep): no outside hand ends that wait. */
    if (t->state == Terminated || t->terminating)
        return STATUS_THREAD_IS_TERMINATING;
    if (!t->blocked)
        return STATUS_INVALID_PARAMETER; /* not waiting: nothing to satisfy */
    ke_unwait(sys, t, STATUS_SUCCESS, 1); /* as an event set with EVENT_INCREMENT */
    return STATUS_SUCCESS;
}

#define MAXIMUM_SUSPEND_COUNT 127

NTSTATUS ke_suspend(ntsim_system *sys, ke_thread *t, ULONG *previous)
{
    if (t->state == Terminated)
        return STATUS_THREAD_IS_TERMINATING;
    if (t->suspend_count == MAXIMUM_SUSPEND_COUNT)
        return STATUS_SUSPEND_COUNT_EXCEEDED;
    *previous = t->suspend_count++;
    block(sys, t);
    return STATUS_SUCCESS;
}

NTSTATUS ke_resume(ntsim_system *sys, ke_thread *t, ULONG *previous)
{
    *previous = t->suspend_count;
    if (t->suspend_count == 0 || t->state == Terminated)
        return STATUS_SUCCESS;
    if (--t->suspend_count == 0)
        release(sys, t, 0);
    return STATUS_SUCCESS;
}

NTSTATUS ke_set_priority(ntsim_system *sys, ke_thread *t, KPRIORITY priority)
{
    if (priority < 1 || priority > 31)
        return STATUS_INVALID_PARAMETER;
    if (t->state == Terminated) {
        t->priority = t->base_priority = priority;
        return STATUS_SUCCESS;
    }
    KPRIORITY old = t->priority;
    t->base_priority = priority;
    if (priority == old)
        return STATUS_SUCCESS;
    if (t->state == Ready) {
        ke_prcb *p = &ke_state(sys)->sched.prcb[t->cpu];
        dequeue(p, t);
        t->priority = priority;
        ready(sys, t);
    } else if (t->state == Running) {
        t->priority = priority;
        /* Lowered below a ready thread: it gives way (to the head: it was preempted). */
        ke_thread *better = find_ready(&ke_state(sys)->sched, t->cpu, priority + 1);
        if (better) {
            ke_prcb *p = &ke_state(sys)->sched.prcb[t->cpu];
            set_state(sys, t, Ready);
            enqueue(p, t, true);
            p->current = NULL;
            run_on(sys, t->cpu, better);
        }
    } else {
        t->priority = priority;
    }
    return STATUS_SUCCESS;
}

NTSTATUS ke_set_affinity(ntsim_system *sys, ke_thread *t, KAFFINITY affinity)
{
    KAFFINITY active = ke_state(sys)->sched.cpus >= 64 ? ~0ull : (1ull << ke_state(sys)->sched.cpus) - 1;
    if (affinity == 0 || (affinity & ~active))
        return STATUS_INVALID_PARAMETER;
    t->affinity = affinity;
    if (t->state == Terminated || (affinity & (1ull << t->cpu)))
        return STATUS_SUCCESS;
    /* Its processor is no longer allowed: it moves. */
    uint32_t cpu = t->cpu;
    bool was_running = t->state == Running;
    if (t->state == Ready || was_running) {
        unschedule(sys, t);
        ready(sys, t);
        if (was_running)
            after_unschedule(sys, cpu);
    }
    return STATUS_SUCCESS;
}

/* KiQuantumEnd: the boost decays; an equal-priority ready thread takes over. */
static void quantum_end(ntsim_system *sys, uint32_t cpu)
{
    ke_prcb *p = &ke_state(sys)->sched.prcb[cpu];
    ke_thread *t = p->current;
    t->quantum = KE_QUANTUM_UNITS;
    if (t->priority > t->base_priority && t->base_priority < 16)
        t->priority--;
    ke_thread *next = find_ready(&ke_state(sys)->sched, cpu, t->priority);
    if (!next)
        return;
    /* In a round-robin of many threads, the one after next is the next
       quantum end's: fetched now, its cache miss overlaps this decision's
       work instead of starting it (at 10^5 ready threads that miss was the
       decision's cost). A list head's address is prefetched harmlessly. */
    const char *after = (const char *)next->ready_link.Flink - offsetof(ke_thread, ready_link);
    __builtin_prefetch(after);
    __builtin_prefetch(after + 63); /* the hot fields' line, or the two it straddles */
    set_state(sys, t, Ready);
    enqueue(p, t, false);
    p->current = NULL;
    run_on(sys, cpu, next);
}

/* One clock interrupt at time `at`: timeouts expire, quanta run down. */
static void clock_tick(ntsim_system *sys, uint64_t at)
{
    ke_scheduler *s = &ke_state(sys)->sched;
    while (s->timer_count && s->timers[0]->deadline <= at) {
        ke_unwait(sys, s->timers[0], STATUS_TIMEOUT, 0);
    }
    for (uint32_t cpu = 0; cpu < s->cpus; cpu++) {
        ke_prcb *p = &s->prcb[cpu];
        if (is_idle(p))
            continue;
        p->current->quantum -= KE_QUANTUM_PER_TICK;
        if (p->current->quantum <= 0)
            quantum_end(sys, cpu);
    }
}

/* How many clock ticks, from the next one, pass before the tick that may
 * expire the earliest timeout or the last tick by `now`: none of them expires
 * a timeout, and none reaches the end of the clock. */
static uint64_t ticks_before(const ke_scheduler *s, uint64_t now)
{
    uint64_t until = now;
    if (s->timer_count && s->timers[0]->deadline < until)
        until = s->timers[0]->deadline;
    return until >= s->next_tick ? (until - s->next_tick) / KE_CLOCK_INTERVAL : 0;
}

/* Whether the thread's quantum end leaves its priority as it is (no boost to decay). */
static bool keeps_priority(const ke_thread *t)
{
    return t->priority <= t->base_priority || t->base_priority >= 16;
}

/*
 * n clock ticks at once, exactly as clock_tick would leave the processors
 * one tick after another, for ticks in which no timeout expires
 * (ticks_before) when every processor is periodic: idle (its ticks do
 * nothing), or running a thread that keeps its priority at quantum end and
 * shares that priority with k - 1 ready threads on its queue (k >= 1) that
 * keep theirs too and have a full quantum, with nothing readier above them.
 * None of them may have code to run (a fiber: ke_run_fibers would enter it
 * between ticks), and when k > 1 no trace may want the transitions. Then a
 * tick only runs the quantum down; quantum ends fall on the tick that uses
 * up the running thread's quantum, then every KE_QUANTUM_UNITS /
 * KE_QUANTUM_PER_TICK ticks, each moving the running thread to the tail and
 * the head in: after e of them the k threads have turned e mod k places, and
 * the one running has what the ticks since the last one left of its quantum.
 *
 * Returns false, having changed nothing, when a processor is not periodic
 * yet (ticking gets it there: a boost decays, a partial quantum ends), or
 * when its queue is longer than n (looking would cost more than ticking).
 * *looked counts the ready threads it looked at: O(k) whatever n.
 */
static bool skip_round_robin(ntsim_system *sys, ke_scheduler *s, uint64_t n, uint64_t *looked)
{
    for (uint32_t cpu = 0; cpu < s->cpus; cpu++) {
        ke_prcb *p = &s->prcb[cpu];
        ke_thread *cur = p->current;
        if (cur->fiber)
            return false;
        if (is_idle(p))
            continue;
        if (!keeps_priority(cur) || (p->summary >> cur->priority) > 1)
            return false; /* a boost decays, or a higher priority is ready */
        if (!(p->summary & (1u << cur->priority)))
            continue; /* alone at its priority: its quantum only runs down and back up */
        if (s->trace)
            return false; /* each turn is an event: tick them one by one */
        for (ke_thread *t = first_ready(p, cur->priority); t; t = next_ready(p, t))
            if (++*looked > n || t->fiber || !keeps_priority(t) || t->quantum != KE_QUANTUM_UNITS || t->cpu != cpu)
                return false;
    }
    const uint64_t per_quantum = (KE_QUANTUM_UNITS + KE_QUANTUM_PER_TICK - 1) / KE_QUANTUM_PER_TICK;
    for (uint32_t cpu = 0; cpu < s->cpus; cpu++) {
        ke_prcb *p = &s->prcb[cpu];
        ke_thread *cur = p->current;
        if (is_idle(p))
            continue;
        /* The tick that ends the running thread's quantum: the first that brings it to 0 or below. */
        uint64_t first = cur->quantum <= 0 ? 1 : ((uint64_t)cur->quantum + KE_QUANTUM_PER_TICK - 1) / KE_QUANTUM_PER_TICK;
        if (n < first) {
            cur->quantum -= (int32_t)(n * KE_QUANTUM_PER_TICK);
            continue;
        }
        uint64_t ends = 1 + (n - first) / per_quantum;
        uint64_t since = (n - first) % per_quantum; /* ticks after the last quantum end */
        uint64_t k = 1;
        for (ke_thread *t = first_ready(p, cur->priority); t; t = next_ready(p, t))
            k++;
        for (uint64_t i = ends % k; i > 0; i--)
            quantum_end(sys, cpu);
        p->current->quantum = KE_QUANTUM_UNITS - (int32_t)(since * KE_QUANTUM_PER_TICK);
    }
    return true;
}

/*
 * The processors' invariants, checked after every advance in Debug builds:
 * a priority's summary bit is set exactly when its queue is not empty; every
 * queued thread is Ready, at that priority, and counted in ready_count; a
 * processor's current thread is Running on it (or is its idle thread).
 * O(ready threads).
 */
bool ke_scheduler_check(const ke_scheduler *s)
{
    for (uint32_t cpu = 0; cpu < s->cpus; cpu++) {
        const ke_prcb *p = &s->prcb[cpu];
        uint32_t count = 0;
        for (int pri = 0; pri < 32; pri++) {
            const LIST_ENTRY *q = &p->ready[pri];
            if (!(p->summary & (1u << pri)) != (q->Flink == q))
                return false;
            for (const LIST_ENTRY *e = q->Flink; e != q; e = e->Flink) {
                const ke_thread *t = CONTAINING_RECORD(e, ke_thread, ready_link);
                if (t->state != Ready || t->priority != pri || e->Flink->Blink != e || ++count > p->ready_count)
                    return false;
            }
        }
        if (count != p->ready_count)
            return false;
        if (p->current && p->current != p->idle && (p->current->state != Running || p->current->cpu != cpu))
            return false;
    }
    return true;
}

void ke_advance(ntsim_system *sys, uint64_t now)
{
    ke_scheduler *s = &ke_state(sys)->sched;
    while (s->next_tick <= now) {
        /* Until the next timeout, ticks that only turn quanta over go at once. A
           look that finds none is paid for by as many ticks taken one by one. */
        uint64_t skip = ticks_before(s, now), looked = 0;
        if (s->unlooked) {
            s->unlooked--;
        } else if (skip && skip_round_robin(sys, s, skip, &looked)) {
            s->next_tick += skip * KE_CLOCK_INTERVAL;
        } else {
            s->unlooked = looked;
        }
        ke_state(sys)->time = s->next_tick;
        clock_tick(sys, s->next_tick);
        ke_run_fibers(sys); /* system threads run what this tick made runnable */
        if (s->next_tick > UINT64_MAX - KE_CLOCK_INTERVAL) {
            s->next_tick = UINT64_MAX; /* the end of time: no further tick */
            break;
        }
        s->next_tick += KE_CLOCK_INTERVAL;
    }
    ke_state(sys)->time = now;
#ifdef NTSIM_DEBUG_CHECKS
    /* O(ready threads): checked while queues are short, so that tests of
       thousands of threads stay linear in Debug builds too. */
    uint32_t ready = 0;
    for (uint32_t cpu = 0; cpu < s->cpus; cpu++)
        ready += s->prcb[cpu].ready_count;
    if (ready <= 256)
        assert(ke_scheduler_check(s));
#endif
}
