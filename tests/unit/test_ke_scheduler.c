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
        cmocka_unit_test(wake_boosts_by_one_and_boost_decays_at_quantum_end),
        cmocka_unit_test(wake_without_wait_is_invalid),
        cmocka_unit_test(suspend_counts_and_resume_returns_previous),
        cmocka_unit_test(suspend_count_stops_at_127),
        cmocka_unit_test(priority_outside_1_to_31_is_invalid),
        cmocka_unit_test(affinity_outside_the_processors_is_invalid),
        cmocka_unit_test(terminated_thread_refuses_suspend_and_wait),
        cmocka_unit_test(suspend_by_handle_needs_suspend_resume_access),
        cmocka_unit_test(the_same_steps_schedule_the_same_way),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
