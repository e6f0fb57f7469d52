/*
 * grader.h - what every exercise's grader shares: booting a simulated
 * system, acting as a thread, recording the events the kernel delivers, and
 * turning cmocka's verdicts into a score.
 *
 * Each check is one cmocka test worth one point. A grader prints a line per
 * check and "score: N/M" at the end, and exits 0 only with full marks, so
 * ctest passes exactly when the solution earns every point.
 */
#ifndef NTSIM_EXERCISES_GRADER_H
#define NTSIM_EXERCISES_GRADER_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ntsim/ntsim.h"

/* What the kernel delivered while a check ran: leaks and debug prints. */
typedef struct grader_events {
    int pool_leaks;           /* pool_leak events: blocks a driver did not free */
    int process_creates;
    int thread_creates;
    char last_dbgprint[512];
} grader_events;

static void grader_sink(void *context, const ntsim_event *e)
{
    grader_events *g = context;
    if (e->kind == NTSIM_EVENT_POOL_LEAK)
        g->pool_leaks++;
    else if (e->kind == NTSIM_EVENT_PROCESS_CREATE)
        g->process_creates++;
    else if (e->kind == NTSIM_EVENT_THREAD_CREATE)
        g->thread_creates++;
    else if (e->kind == NTSIM_EVENT_DBGPRINT && e->text)
        snprintf(g->last_dbgprint, sizeof g->last_dbgprint, "%s", e->text);
}

/* A fresh x64 system (or x86) with one processor, events recorded in *events. */
static ntsim_system *grader_boot_arch(ntsim_arch arch, uint64_t seed, grader_events *events)
{
    ntsim_config cfg;
    ntsim_system *sys = NULL;
    ntsim_config_default(&cfg);
    cfg.arch = arch;
    cfg.seed = seed;
    assert_int_equal(ntsim_system_create(&cfg, &sys), STATUS_SUCCESS);
    if (events) {
        memset(events, 0, sizeof *events);
        ntsim_set_event_sink(sys, grader_sink, events);
    }
    return sys;
}

static ntsim_system *grader_boot(uint64_t seed, grader_events *events)
{
    return grader_boot_arch(NTSIM_ARCH_X64, seed, events);
}

#define GRADER_SYSTEM_TID 8u /* the System process's first thread */

/*
 * CreateProcess from thread `creator_tid` (0: the System process's first
 * thread), with `parent_pid` as the parent (0: System). Returns the status;
 * the new IDs in *cid.
 */
static NTSTATUS grader_spawn(ntsim_system *sys, const char *image, ULONG parent_pid, ULONG creator_tid, CLIENT_ID *cid)
{
    NTSIM_PROCESS_PARAMS pp;
    CLIENT_ID ignored;
    assert_int_equal(ntsim_set_current_thread(sys, creator_tid ? creator_tid : GRADER_SYSTEM_TID), STATUS_SUCCESS);
    ntsim_process_params_default(&pp, image);
    pp.parent_pid = parent_pid;
    NTSTATUS s = ntsim_create_process(sys, &pp, cid ? cid : &ignored);
    ntsim_set_current_thread(sys, GRADER_SYSTEM_TID);
    return s;
}

/* CreateThread / CreateRemoteThread by `creator_tid` into `pid`. */
static NTSTATUS grader_thread(ntsim_system *sys, ULONG pid, ULONG creator_tid, CLIENT_ID *cid)
{
    CLIENT_ID ignored;
    assert_int_equal(ntsim_set_current_thread(sys, creator_tid), STATUS_SUCCESS);
    NTSTATUS s = ntsim_create_thread(sys, pid, 0, false, cid ? cid : &ignored);
    ntsim_set_current_thread(sys, GRADER_SYSTEM_TID);
    return s;
}

/* Runs the checks, prints one line per check and the score; 0 only with full marks. */
static int grader_run(const char *title, const struct CMUnitTest *tests, size_t count)
{
    printf("== %s: %zu check(s), one point each\n", title, count);
    int failed = _cmocka_run_group_tests(title, tests, count, NULL, NULL);
    if (failed < 0)
        failed = (int)count;
    printf("score: %zu/%zu\n", count - (size_t)failed, count);
    return failed == 0 ? 0 : 1;
}

#define GRADE(title, tests) grader_run(title, tests, sizeof(tests) / sizeof((tests)[0]))

#endif
