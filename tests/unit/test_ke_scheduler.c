/*
 * test_ke_scheduler.c - the dispatcher's rules: states with Windows' numbers,
 * preemption, round-robin at quantum end, waits and timeouts, suspension,
 * priority and affinity, as the scenario commands and C API drive them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ntsim/ntsim.h"

#define TICK 156250ull    /* one clock interval, 100 ns units */
#define QUANTUM (2 * TICK) /* client quantum: two ticks */

typedef struct transitions {
    ULONG tid[256], from[256], to[256], cpu[256];
    int count;
} transitions;

static void record(void *context, const ntsim_event *e)
{
    transitions *t = context;
    if (e->kind != NTSIM_EVENT_THREAD_STATE || t->count == 256)
        return;
    t->tid[t->count] = e->tid;
    t->from[t->count] = e->from;
    t->to[t->count] = e->to;
    t->cpu[t->count] = e->cpu;
    t->count++;
}

static ntsim_system *boot(uint32_t cpus, transitions *tr)
{
    ntsim_config c;
    ntsim_system *sys;
    ntsim_config_default(&c);
    c.cpus = cpus;
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_SUCCESS);
    if (tr) {
        memset(tr, 0, sizeof *tr);
        ntsim_set_event_sink(sys, record, tr);
        ntsim_set_trace(sys, NTSIM_TRACE_SCHED);
    }
    return sys;
}

static ULONG spawn(ntsim_system *sys)
{
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID cid;
    ntsim_process_params_default(&p, "C:\\t.exe");
    ntsim_set_current_thread(sys, 8);
    assert_int_equal(ntsim_create_process(sys, &p, &cid), STATUS_SUCCESS);
    return cid.UniqueThread;
}

static NTSIM_THREAD_INFO info(ntsim_system *sys, ULONG tid)
{
    NTSIM_THREAD_INFO ti;
    assert_int_equal(ntsim_query_thread(sys, tid, &ti), STATUS_SUCCESS);
    return ti;
}

static void state_numbers_are_windows(void **state)
{
    (void)state;
    assert_int_equal(Initialized, 0);
    assert_int_equal(Ready, 1);
    assert_int_equal(Running, 2);
    assert_int_equal(Standby, 3);
    assert_int_equal(Terminated, 4);
    assert_int_equal(Waiting, 5);
    assert_int_equal(Transition, 6);
    assert_int_equal(DeferredReady, 7);
    assert_string_equal(ntsim_thread_state_name(DeferredReady), "DeferredReady");
}

static void new_thread_on_idle_processor_runs_through_standby(void **state)
{
    (void)state;
    transitions tr;
    ntsim_system *sys = boot(1, &tr);
    ULONG a = spawn(sys);
    assert_int_equal(tr.count, 3);
    assert_int_equal(tr.tid[0], a);
    assert_int_equal(tr.from[0], Initialized);
    assert_int_equal(tr.to[0], DeferredReady);
    assert_int_equal(tr.to[1], Standby);
    assert_int_equal(tr.to[2], Running);
    assert_int_equal(info(sys, a).state, Running);
    ntsim_system_destroy(sys);
}

static void equal_priority_waits_ready_until_quantum_end(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG a = spawn(sys), b = spawn(sys);
    assert_int_equal(info(sys, a).state, Running);
    assert_int_equal(info(sys, b).state, Ready);
    ntsim_advance(sys, QUANTUM - 1); /* one tick: quantum not yet over */
    assert_int_equal(info(sys, a).state, Running);
    ntsim_advance(sys, 1);
    assert_int_equal(info(sys, a).state, Ready);
    assert_int_equal(info(sys, b).state, Running);
    ntsim_system_destroy(sys);
}

static void round_robin_visits_threads_in_queue_order(void **state)
{
    (void)state;
    transitions tr;
    ntsim_system *sys = boot(1, NULL);
    ULONG t[3] = { spawn(sys), spawn(sys), spawn(sys) };
    ntsim_set_event_sink(sys, record, &tr);
    memset(&tr, 0, sizeof tr);
    ntsim_set_trace(sys, NTSIM_TRACE_SCHED);
    ntsim_advance(sys, 4 * QUANTUM);
    ULONG order[4];
    int n = 0;
    for (int i = 0; i < tr.count && n < 4; i++)
        if (tr.to[i] == Running)
            order[n++] = tr.tid[i];
    assert_int_equal(n, 4);
    assert_int_equal(order[0], t[1]);
    assert_int_equal(order[1], t[2]);
    assert_int_equal(order[2], t[0]);
    assert_int_equal(order[3], t[1]);
    ntsim_system_destroy(sys);
}

static void higher_priority_preempts_and_preempted_goes_to_queue_head(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG a = spawn(sys), b = spawn(sys), c = spawn(sys);
    assert_int_equal(ntsim_set_thread_priority(sys, c, 10), STATUS_SUCCESS);
    assert_int_equal(info(sys, c).state, Running);
    assert_int_equal(info(sys, a).state, Ready);
    /* c gives way again: a (preempted, at the head) runs before b. */
    assert_int_equal(ntsim_set_thread_priority(sys, c, 4), STATUS_SUCCESS);
    assert_int_equal(info(sys, a).state, Running);
    assert_int_equal(info(sys, b).state, Ready);
    ntsim_system_destroy(sys);
}

static void lower_priority_never_runs_while_higher_is_ready(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG a = spawn(sys), low = spawn(sys);
    assert_int_equal(ntsim_set_thread_priority(sys, low, 2), STATUS_SUCCESS);
    ntsim_advance(sys, 20 * QUANTUM);
    assert_int_equal(info(sys, a).state, Running);
    assert_int_equal(info(sys, low).state, Ready);
    ntsim_system_destroy(sys);
}

static void two_processors_take_two_threads(void **state)
{
    (void)state;
    ntsim_system *sys = boot(2, NULL);
    ULONG a = spawn(sys), b = spawn(sys), c = spawn(sys);
    assert_int_equal(info(sys, a).cpu, 0);
    assert_int_equal(info(sys, b).cpu, 1);
    assert_int_equal(info(sys, b).state, Running);
    assert_int_equal(info(sys, c).state, Ready);
    ntsim_system_destroy(sys);
}

static void wait_with_timeout_expires_on_the_next_tick(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG a = spawn(sys);
    assert_int_equal(ntsim_wait_thread(sys, a, 100000), STATUS_SUCCESS); /* 10 ms */
    assert_int_equal(info(sys, a).state, Waiting);
    ntsim_advance(sys, 100000); /* at 10 ms: no clock tick yet */
    assert_int_equal(info(sys, a).state, Waiting);
    ntsim_advance(sys, TICK - 100000); /* the 15.625 ms tick */
    assert_int_equal(info(sys, a).state, Running);
    assert_int_equal(info(sys, a).priority, 8); /* a timeout gives no boost */
    ntsim_system_destroy(sys);
}

static void wake_boosts_by_one_and_boost_decays_at_quantum_end(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG a = spawn(sys), b = spawn(sys);
    assert_int_equal(ntsim_wait_thread(sys, a, 0), STATUS_SUCCESS);
    assert_int_equal(info(sys, b).state, Running);
    assert_int_equal(ntsim_wake_thread(sys, a), STATUS_SUCCESS);
    assert_int_equal(info(sys, a).priority, 9);
    assert_int_equal(info(sys, a).state, Running); /* 9 preempts b's 8 */
    ntsim_advance(sys, QUANTUM);
    assert_int_equal(info(sys, a).priority, 8);
    ntsim_system_destroy(sys);
}

/* A timeout past what a LONG64 holds (2^63 and up) is forever, like 0, and is
   never negated (a regression: -(LONG64)2^63 is undefined; UBSan stopped the API fuzzer there). */
static void wait_longer_than_a_long64_is_forever(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG a = spawn(sys), b = spawn(sys);
    assert_int_equal(ntsim_wait_thread(sys, a, 1ull << 63), STATUS_SUCCESS);
    ntsim_advance(sys, 1000 * QUANTUM);
    assert_int_equal(info(sys, a).state, Waiting);
    assert_int_equal(ntsim_wait_thread(sys, b, UINT64_MAX), STATUS_SUCCESS);
    ntsim_advance(sys, 1000 * QUANTUM);
    assert_int_equal(info(sys, b).state, Waiting);
    ntsim_system_destroy(sys);
}

static void wake_without_wait_is_invalid(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG a = spawn(sys);
    assert_int_equal(ntsim_wake_thread(sys, a), STATUS_INVALID_PARAMETER);
    ntsim_system_destroy(sys);
}

static void suspend_counts_and_resume_returns_previous(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG a = spawn(sys), prev = 99;
    assert_int_equal(ntsim_suspend_thread(sys, a, &prev), STATUS_SUCCESS);
    assert_int_equal(prev, 0);
    assert_int_equal(ntsim_suspend_thread(sys, a, &prev), STATUS_SUCCESS);
    assert_int_equal(prev, 1);
    assert_int_equal(info(sys, a).state, Waiting);
    assert_int_equal(ntsim_resume_thread(sys, a, &prev), STATUS_SUCCESS);
    assert_int_equal(prev, 2);
    assert_int_equal(info(sys, a).state, Waiting);
    assert_int_equal(ntsim_resume_thread(sys, a, &prev), STATUS_SUCCESS);
    assert_int_equal(info(sys, a).state, Running);
    assert_int_equal(ntsim_resume_thread(sys, a, &prev), STATUS_SUCCESS);
    assert_int_equal(prev, 0);
    ntsim_system_destroy(sys);
}

static void suspend_count_stops_at_127(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG a = spawn(sys), prev;
    for (int i = 0; i < 127; i++)
        assert_int_equal(ntsim_suspend_thread(sys, a, &prev), STATUS_SUCCESS);
    assert_int_equal(ntsim_suspend_thread(sys, a, &prev), STATUS_SUSPEND_COUNT_EXCEEDED);
    ntsim_system_destroy(sys);
}

static void priority_outside_1_to_31_is_invalid(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG a = spawn(sys);
    assert_int_equal(ntsim_set_thread_priority(sys, a, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntsim_set_thread_priority(sys, a, 32), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntsim_set_thread_priority(sys, a, 31), STATUS_SUCCESS);
    assert_int_equal(info(sys, a).base_priority, 31);
    ntsim_system_destroy(sys);
}

static void affinity_outside_the_processors_is_invalid(void **state)
{
    (void)state;
    ntsim_system *sys = boot(2, NULL);
    ULONG a = spawn(sys);
    assert_int_equal(ntsim_set_thread_affinity(sys, a, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntsim_set_thread_affinity(sys, a, 0x4), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntsim_set_thread_affinity(sys, a, 0x2), STATUS_SUCCESS);
    assert_int_equal(info(sys, a).cpu, 1); /* it moved off processor 0 */
    assert_int_equal(info(sys, a).state, Running);
    ntsim_system_destroy(sys);
}

static void terminated_thread_refuses_suspend_and_wait(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG a = spawn(sys);
    ntsim_set_current_thread(sys, a);
    HANDLE h;
    CLIENT_ID cid = { 0, a };
    assert_int_equal(NtOpenThread(sys, &h, THREAD_ALL_ACCESS, &cid), STATUS_SUCCESS);
    ULONG other;
    {
        CLIENT_ID c2;
        NTSIM_THREAD_INFO ti = info(sys, a);
        assert_int_equal(ntsim_create_thread(sys, ti.pid, 0, false, &c2), STATUS_SUCCESS);
        other = c2.UniqueThread;
    }
    ntsim_set_current_thread(sys, other);
    assert_int_equal(ntsim_exit_thread(sys, a, 3), STATUS_SUCCESS);
    ULONG prev;
    assert_int_equal(info(sys, a).state, Terminated);
    assert_int_equal(ntsim_suspend_thread(sys, a, &prev), STATUS_THREAD_IS_TERMINATING);
    assert_int_equal(ntsim_wait_thread(sys, a, 0), STATUS_THREAD_IS_TERMINATING);
    assert_int_equal(NtSuspendThread(sys, h, &prev), STATUS_THREAD_IS_TERMINATING);
    ntsim_system_destroy(sys);
}

static void suspend_by_handle_needs_suspend_resume_access(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG a = spawn(sys);
    ntsim_set_current_thread(sys, a);
    HANDLE h;
    CLIENT_ID cid = { 0, a };
    assert_int_equal(NtOpenThread(sys, &h, THREAD_QUERY_INFORMATION, &cid), STATUS_SUCCESS);
    ULONG prev;
    assert_int_equal(NtSuspendThread(sys, h, &prev), STATUS_ACCESS_DENIED);
    KPRIORITY p = 9;
    assert_int_equal(NtSetInformationThread(sys, h, ThreadPriority, &p, sizeof p), STATUS_ACCESS_DENIED);
    ntsim_system_destroy(sys);
}

static void the_same_steps_schedule_the_same_way(void **state)
{
    (void)state;
    transitions t1, t2;
    for (int run = 0; run < 2; run++) {
        transitions *tr = run ? &t2 : &t1;
        ntsim_system *sys = boot(2, tr);
        ULONG a = spawn(sys);
        spawn(sys);
        spawn(sys);
        ntsim_wait_thread(sys, a, 300000);
        ntsim_advance(sys, 10 * QUANTUM);
        ntsim_system_destroy(sys);
    }
    assert_true(t1.count > 10);
    assert_int_equal(t1.count, t2.count);
    assert_memory_equal(t1.tid, t2.tid, sizeof t1.tid);
    assert_memory_equal(t1.to, t2.to, sizeof t1.to);
    assert_memory_equal(t1.cpu, t2.cpu, sizeof t1.cpu);
}

/* ---- long advances: round-robin in closed form, as tick by tick --------- */

/* Every thread_state event folded into a count and a hash of (tid, from, to,
 * cpu and, unless told not to, time): two runs that differ anywhere differ here. */
typedef struct timeline {
    uint64_t count, hash;
    bool timeless;
} timeline;

static void fold(void *context, const ntsim_event *e)
{
    timeline *tl = context;
    if (e->kind != NTSIM_EVENT_THREAD_STATE)
        return;
    uint64_t v[5] = { e->tid, e->from, e->to, e->cpu, tl->timeless ? 0 : e->time };
    for (int i = 0; i < 5; i++)
        tl->hash = (tl->hash ^ v[i]) * 0x100000001b3ull;
    tl->count++;
}

/* The clock moves by d in steps shorter than a clock interval: each call
 * meets at most one tick, so nothing is skipped (the tick-by-tick reference). */
static void step(ntsim_system *sys, uint64_t d)
{
    while (d) {
        uint64_t s = d < TICK - 1 ? d : TICK - 1;
        ntsim_advance(sys, s);
        d -= s;
    }
}

/* What else the equal threads share the processors with. */
enum {
    OTHER_NONE,
    OTHER_TIMEOUT_INSIDE,  /* a timed wait that ends during the long advance */
    OTHER_TIMEOUT_AFTER,   /* a timed wait that ends long after it */
    OTHER_LOWER_READY,     /* a ready thread of a lower priority: it never runs */
    OTHER_BOOSTED,         /* a woken thread: boosted, it preempts, then decays and joins */
    OTHER_HIGHER_TIMEOUT,  /* a higher thread's timed wait: when it ends, it runs alone */
    OTHER_BOOSTED_EQUAL,   /* a woken lower thread, boosted to the others' level: it takes one turn */
    OTHER_PARTIAL_QUANTUM, /* the first thread gives way mid-quantum, and waits its turn with what it has left */
    OTHER_COUNT
};

typedef struct rr_setup {
    uint32_t cpus;
    int threads; /* at priority 8 */
    int other;
    uint64_t phase; /* clock moved, tick by tick, before the long advance */
    bool trace;
} rr_setup;

typedef struct rr_run {
    ntsim_system *sys;
    timeline tl;
    ULONG tid[8];
    int n;
} rr_run;

static void rr_boot(const rr_setup *su, rr_run *r)
{
    r->sys = boot(su->cpus, NULL);
    r->tl = (timeline){ .hash = 0xcbf29ce484222325ull };
    r->n = 0;
    ntsim_set_event_sink(r->sys, fold, &r->tl);
    ntsim_set_trace(r->sys, su->trace ? NTSIM_TRACE_SCHED : 0);
    for (int i = 0; i < su->threads; i++)
        r->tid[r->n++] = spawn(r->sys);
    ULONG w = su->other == OTHER_NONE ? 0 : (r->tid[r->n++] = spawn(r->sys));
    switch (su->other) {
    case OTHER_TIMEOUT_INSIDE:
        assert_int_equal(ntsim_wait_thread(r->sys, w, 7 * TICK + 1234), STATUS_SUCCESS);
        break;
    case OTHER_TIMEOUT_AFTER:
        assert_int_equal(ntsim_wait_thread(r->sys, w, 1ull << 62), STATUS_SUCCESS);
        break;
    case OTHER_LOWER_READY:
        assert_int_equal(ntsim_set_thread_priority(r->sys, w, 7), STATUS_SUCCESS);
        break;
    case OTHER_BOOSTED:
        assert_int_equal(ntsim_wait_thread(r->sys, w, 0), STATUS_SUCCESS);
        assert_int_equal(ntsim_wake_thread(r->sys, w), STATUS_SUCCESS);
        break;
    case OTHER_HIGHER_TIMEOUT:
        assert_int_equal(ntsim_set_thread_priority(r->sys, w, 9), STATUS_SUCCESS);
        assert_int_equal(ntsim_wait_thread(r->sys, w, 3 * TICK + 5), STATUS_SUCCESS);
        break;
    case OTHER_BOOSTED_EQUAL:
        assert_int_equal(ntsim_set_thread_priority(r->sys, w, 7), STATUS_SUCCESS);
        assert_int_equal(ntsim_wait_thread(r->sys, w, 0), STATUS_SUCCESS);
        assert_int_equal(ntsim_wake_thread(r->sys, w), STATUS_SUCCESS);
        break;
    case OTHER_PARTIAL_QUANTUM:
        step(r->sys, TICK);
        assert_int_equal(ntsim_set_thread_priority(r->sys, r->tid[0], 7), STATUS_SUCCESS);
        assert_int_equal(ntsim_set_thread_priority(r->sys, r->tid[0], 8), STATUS_SUCCESS);
        break;
    }
    step(r->sys, su->phase);
}

/* Same clock, same events, same threads in the same states. */
static bool rr_same(const rr_run *a, const rr_run *b, bool same_time)
{
    if ((same_time && ntsim_time(a->sys) != ntsim_time(b->sys)) || a->n != b->n || a->tl.count != b->tl.count ||
        a->tl.hash != b->tl.hash)
        return false;
    for (int i = 0; i < a->n; i++) {
        NTSIM_THREAD_INFO x = info(a->sys, a->tid[i]), y = info(b->sys, b->tid[i]);
        if (a->tid[i] != b->tid[i] || x.state != y.state || x.priority != y.priority ||
            x.base_priority != y.base_priority || x.cpu != y.cpu || x.waiting != y.waiting)
            return false;
    }
    return true;
}

/* The quantum left and the order of the ready queue show in what comes next:
 * one more thread of the usual priority, and a few rounds, traced. */
static void rr_probe(rr_run *r, bool timeless)
{
    r->tl.timeless = timeless;
    ntsim_set_trace(r->sys, NTSIM_TRACE_SCHED);
    r->tid[r->n++] = spawn(r->sys);
    step(r->sys, (uint64_t)(2 * r->n + 3) * TICK);
}

static void rr_check(const rr_setup *su, uint64_t length, bool ok)
{
    if (!ok)
        print_error("differs: cpus=%u threads=%d other=%d phase=%llu length=%llu trace=%d\n", su->cpus, su->threads,
                    su->other, (unsigned long long)su->phase, (unsigned long long)length, su->trace);
    assert_true(ok);
}

static void long_advance_is_tick_by_tick(void **state)
{
    (void)state;
    static const uint64_t phases[] = { 0, TICK / 3, TICK, TICK + 7, 2 * TICK + TICK / 2, 3 * TICK };
    static const uint64_t lengths[] = { 2 * TICK, 3 * TICK - 1, 5 * TICK, 17 * TICK + 12345, 100 * TICK, 1001 * TICK + 1 };
    rr_setup su;
    for (su.cpus = 1; su.cpus <= 2; su.cpus++)
        for (su.threads = 1; su.threads <= 3; su.threads++)
            for (su.other = 0; su.other < OTHER_COUNT; su.other++)
                for (size_t ph = 0; ph < sizeof phases / sizeof *phases; ph++)
                    for (size_t le = 0; le < sizeof lengths / sizeof *lengths; le++)
                        for (int tr = 0; tr < 2; tr++) {
                            su.phase = phases[ph];
                            su.trace = tr;
                            rr_run a, b;
                            rr_boot(&su, &a);
                            rr_boot(&su, &b);
                            ntsim_advance(a.sys, lengths[le]); /* at once */
                            step(b.sys, lengths[le]);          /* tick by tick */
                            rr_check(&su, lengths[le], rr_same(&a, &b, true));
                            rr_probe(&a, false);
                            rr_probe(&b, false);
                            rr_check(&su, lengths[le], rr_same(&a, &b, true));
                            ntsim_system_destroy(a.sys);
                            ntsim_system_destroy(b.sys);
                        }
}

/* Far beyond what a reference can tick: 10^12 whole rounds of three threads
 * (2 ticks each) and a remainder leave the state the remainder alone leaves. */
static void long_advance_is_its_remainder_of_whole_rounds(void **state)
{
    (void)state;
    static const uint64_t remainders[] = { 0, TICK - 1, TICK, 3 * TICK + 17, 5 * TICK };
    rr_setup su = { .cpus = 1, .threads = 3, .other = OTHER_NONE, .phase = TICK / 2 };
    for (size_t i = 0; i < sizeof remainders / sizeof *remainders; i++) {
        rr_run a, b;
        rr_boot(&su, &a);
        rr_boot(&su, &b);
        uint64_t rounds = 1000000000000ull * 6 * TICK;
        ntsim_advance(a.sys, rounds + remainders[i]);
        step(b.sys, remainders[i]);
        rr_check(&su, rounds + remainders[i], rr_same(&a, &b, false));
        rr_probe(&a, true);
        rr_probe(&b, true);
        rr_check(&su, rounds + remainders[i], rr_same(&a, &b, false));
        ntsim_system_destroy(a.sys);
        ntsim_system_destroy(b.sys);
    }
}

/* The whole clock in one call: it ends (ctest's TIMEOUT says how soon), at
 * the end of the clock, with the thread that the quantum ends choose. */
static void advance_to_the_end_of_the_clock_ends(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG a = spawn(sys), b = spawn(sys);
    ntsim_advance(sys, UINT64_MAX);
    assert_int_equal(ntsim_time(sys), NTSIM_TIME_MAX);
    /* Ticks fall on boot + j * TICK; every second one ends a quantum and swaps a and b. */
    uint64_t ticks = (NTSIM_TIME_MAX - NTSIM_BOOT_TIME) / TICK;
    bool swapped = (ticks / 2) % 2;
    assert_int_equal(info(sys, swapped ? b : a).state, Running);
    assert_int_equal(info(sys, swapped ? a : b).state, Ready);
    ntsim_system_destroy(sys);
}

static void advance_to_the_end_of_the_clock_ends_with_waits_and_traces(void **state)
{
    (void)state;
    transitions tr;
    ntsim_system *sys = boot(1, &tr);
    ULONG a = spawn(sys), low = spawn(sys), w = spawn(sys);
    assert_int_equal(ntsim_set_thread_priority(sys, low, 7), STATUS_SUCCESS);
    assert_int_equal(ntsim_wait_thread(sys, w, 1000000000000000000ull), STATUS_SUCCESS);
    int before = tr.count;
    /* Traced, alone at its priority: a runs on, and nothing is written until w's timeout. */
    ntsim_advance(sys, 999999999999999999ull);
    assert_int_equal(tr.count, before);
    assert_int_equal(info(sys, a).state, Running);
    /* Untraced from here: w joins a's round-robin to the end of the clock. */
    ntsim_set_trace(sys, 0);
    ntsim_advance(sys, UINT64_MAX);
    assert_int_equal(ntsim_time(sys), NTSIM_TIME_MAX);
    assert_int_equal(info(sys, w).waiting, false);
    assert_int_equal(info(sys, low).state, Ready);
    assert_int_equal(info(sys, a).state + info(sys, w).state, Running + Ready);
    ntsim_system_destroy(sys);
}

/* n threads of priority 8, one process each (cheap to create in any build). */
static ULONG crowd(ntsim_system *sys, int n, ULONG *last)
{
    ULONG first = spawn(sys);
    *last = first;
    for (int i = 1; i < n; i++)
        *last = spawn(sys);
    return first;
}

/* Looking for whole rounds among 5,000 equal threads costs more than the 3
 * ticks of each advance: it must not be done at every one (ctest's TIMEOUT
 * says how soon). 1,500,000 ticks are 750,000 quantum ends, 150 whole
 * rounds: the first thread runs again. */
static void short_advances_among_many_threads_cost_what_ticking_costs(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG last, first = crowd(sys, 5000, &last);
    for (int i = 0; i < 500000; i++)
        ntsim_advance(sys, 3 * TICK);
    assert_int_equal(info(sys, first).state, Running);
    assert_int_equal(info(sys, last).state, Ready);
    ntsim_system_destroy(sys);
}

/* A woken thread at the tail of 5,000 equal ones keeps the round from being
 * periodic until it has had its turn and its boost has decayed: looking
 * again at every tick of that round would cost 5,000 looks at up to 5,000
 * threads, here a hundred times over. */
static void a_long_first_round_among_many_threads_costs_what_ticking_costs(void **state)
{
    (void)state;
    ntsim_system *sys = boot(1, NULL);
    ULONG w;
    crowd(sys, 5000, &w);
    w = spawn(sys);
    assert_int_equal(ntsim_set_thread_priority(sys, w, 7), STATUS_SUCCESS);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(ntsim_wait_thread(sys, w, 0), STATUS_SUCCESS);
        assert_int_equal(ntsim_wake_thread(sys, w), STATUS_SUCCESS);
        assert_int_equal(info(sys, w).priority, 8);
        ntsim_advance(sys, 15000 * TICK);
        assert_int_equal(info(sys, w).priority, 7);
        assert_int_equal(info(sys, w).state, Ready);
    }
    ntsim_system_destroy(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(state_numbers_are_windows),
        cmocka_unit_test(new_thread_on_idle_processor_runs_through_standby),
        cmocka_unit_test(equal_priority_waits_ready_until_quantum_end),
        cmocka_unit_test(round_robin_visits_threads_in_queue_order),
        cmocka_unit_test(higher_priority_preempts_and_preempted_goes_to_queue_head),
        cmocka_unit_test(lower_priority_never_runs_while_higher_is_ready),
        cmocka_unit_test(two_processors_take_two_threads),
        cmocka_unit_test(wait_with_timeout_expires_on_the_next_tick),
        cmocka_unit_test(wait_longer_than_a_long64_is_forever),
        cmocka_unit_test(wake_boosts_by_one_and_boost_decays_at_quantum_end),
        cmocka_unit_test(wake_without_wait_is_invalid),
        cmocka_unit_test(suspend_counts_and_resume_returns_previous),
        cmocka_unit_test(suspend_count_stops_at_127),
        cmocka_unit_test(priority_outside_1_to_31_is_invalid),
        cmocka_unit_test(affinity_outside_the_processors_is_invalid),
        cmocka_unit_test(terminated_thread_refuses_suspend_and_wait),
        cmocka_unit_test(suspend_by_handle_needs_suspend_resume_access),
        cmocka_unit_test(the_same_steps_schedule_the_same_way),
        cmocka_unit_test(long_advance_is_tick_by_tick),
        cmocka_unit_test(long_advance_is_its_remainder_of_whole_rounds),
        cmocka_unit_test(advance_to_the_end_of_the_clock_ends),
        cmocka_unit_test(advance_to_the_end_of_the_clock_ends_with_waits_and_traces),
        cmocka_unit_test(short_advances_among_many_threads_cost_what_ticking_costs),
        cmocka_unit_test(a_long_first_round_among_many_threads_costs_what_ticking_costs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
