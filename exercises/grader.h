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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ntsim/ntsim.h"

/* A status check that names both statuses when it fails. */
#define assert_status(got, want) grader_assert_status((NTSTATUS)(got), (NTSTATUS)(want), #got, __FILE__, __LINE__)

static inline const char *grader_status_text(NTSTATUS s, char *buf, size_t cap)
{
    const char *name = ntsim_status_name(s);
    if (name)
        return name;
    snprintf(buf, cap, "0x%08x", (unsigned)s);
    return buf;
}

static inline void grader_assert_status(NTSTATUS got, NTSTATUS want, const char *expr, const char *file, int line)
{
    char a[16], b[16];
    if (got == want)
        return;
    print_error("%s returned %s, expected %s\n", expr, grader_status_text(got, a, sizeof a),
                grader_status_text(want, b, sizeof b));
    _fail(file, line);
}

/*
 * Checks in words. cmocka's own assert_int_equal says only "0 != 0x5": a
 * student must then open the grader to learn what was measured. These say
 * what was checked, what was expected and what came back
 * ("ChildCounterCreated(4) returned 0, expected 3"); the graders keep
 * cmocka's names, so they read as any cmocka test. expect_int and
 * expect_that take the words themselves where the expression would not do.
 */
static inline const char *grader_number(long long v, char *buf, size_t cap)
{
    unsigned long long u = (unsigned long long)v;
    if (v >= -9 && v <= 9)
        snprintf(buf, cap, "%lld", v);
    else if (u >= 0x10000 && v > 0)
        snprintf(buf, cap, "0x%llx", u);
    else if (v > 0)
        snprintf(buf, cap, "%lld (0x%llx)", v, u);
    else
        snprintf(buf, cap, "%lld", v);
    return buf;
}

/* Whether an expression's text is its value already (a plain number). */
static inline bool grader_is_literal(const char *expr)
{
    char *end;
    strtoll(expr, &end, 0);
    return end != expr && *end == '\0';
}

static inline void grader_assert_int(long long got, long long want, bool equal, const char *got_expr,
                                     const char *want_expr, const char *what, const char *file, int line)
{
    char g[48], w[48];
    if ((got == want) == equal)
        return;
    grader_number(got, g, sizeof g);
    grader_number(want, w, sizeof w);
    if (!equal)
        print_error("%s %s %s, expected anything but %s\n", got_expr, strchr(got_expr, '(') ? "returned" : "is", g,
                    want_expr);
    else if (what)
        print_error("%s: expected %s, got %s\n", what, w, g);
    else if (grader_is_literal(want_expr))
        print_error("%s %s %s, expected %s\n", got_expr, strchr(got_expr, '(') ? "returned" : "is", g, w);
    else
        print_error("%s %s %s, expected %s = %s\n", got_expr, strchr(got_expr, '(') ? "returned" : "is", g, want_expr, w);
    _fail(file, line);
}

static inline void grader_assert_string(const char *got, const char *want, const char *got_expr, const char *file,
                                        int line)
{
    if (strcmp(got, want) == 0)
        return;
    print_error("%s is \"%s\", expected \"%s\"\n", got_expr, got, want);
    _fail(file, line);
}

/* A condition that must hold; when it does not, the message says, in
   words, what was expected and what came instead (printf-style). */
static inline void grader_expect_that(bool ok, const char *file, int line, const char *fmt, ...)
{
    if (ok)
        return;
    va_list ap;
    va_start(ap, fmt);
    char message[512];
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    print_error("%s\n", message);
    _fail(file, line);
}

#undef assert_int_equal
#undef assert_int_not_equal
#undef assert_string_equal
#define assert_int_equal(got, want) \
    grader_assert_int((long long)(got), (long long)(want), true, #got, #want, NULL, __FILE__, __LINE__)
#define assert_int_not_equal(got, want) \
    grader_assert_int((long long)(got), (long long)(want), false, #got, #want, NULL, __FILE__, __LINE__)
#define assert_string_equal(got, want) grader_assert_string((got), (want), #got, __FILE__, __LINE__)
#define expect_int(got, want, what) \
    grader_assert_int((long long)(got), (long long)(want), true, #got, #want, (what), __FILE__, __LINE__)
#define expect_that(ok, ...) grader_expect_that((ok), __FILE__, __LINE__, __VA_ARGS__)

/* What the kernel delivered while a check ran: leaks and debug prints. */
typedef struct grader_events {
    int pool_leaks;           /* pool_leak events: blocks a driver did not free */
    int process_creates;
    int thread_creates;
    char last_dbgprint[512];
} grader_events;

static inline void grader_sink(void *context, const ntsim_event *e)
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
static inline ntsim_system *grader_boot_arch(ntsim_arch arch, uint64_t seed, grader_events *events)
{
    ntsim_config cfg;
    ntsim_system *sys = NULL;
    ntsim_config_default(&cfg);
    cfg.arch = arch;
    cfg.seed = seed;
    assert_status(ntsim_system_create(&cfg, &sys), STATUS_SUCCESS);
    if (events) {
        memset(events, 0, sizeof *events);
        ntsim_set_event_sink(sys, grader_sink, events);
    }
    return sys;
}

static inline ntsim_system *grader_boot(uint64_t seed, grader_events *events)
{
    return grader_boot_arch(NTSIM_ARCH_X64, seed, events);
}

#define GRADER_SYSTEM_TID 8u /* the System process's first thread */

/*
 * CreateProcess from thread `creator_tid` (0: the System process's first
 * thread), with `parent_pid` as the parent (0: System). Returns the status;
 * the new IDs in *cid.
 */
static inline NTSTATUS grader_spawn(ntsim_system *sys, const char *image, ULONG parent_pid, ULONG creator_tid, CLIENT_ID *cid)
{
    NTSIM_PROCESS_PARAMS pp;
    CLIENT_ID ignored;
    assert_status(ntsim_set_current_thread(sys, creator_tid ? creator_tid : GRADER_SYSTEM_TID), STATUS_SUCCESS);
    ntsim_process_params_default(&pp, image);
    pp.parent_pid = parent_pid;
    NTSTATUS s = ntsim_create_process(sys, &pp, cid ? cid : &ignored);
    ntsim_set_current_thread(sys, GRADER_SYSTEM_TID);
    return s;
}

/* CreateThread / CreateRemoteThread by `creator_tid` into `pid`. */
static inline NTSTATUS grader_thread(ntsim_system *sys, ULONG pid, ULONG creator_tid, CLIENT_ID *cid)
{
    CLIENT_ID ignored;
    assert_status(ntsim_set_current_thread(sys, creator_tid), STATUS_SUCCESS);
    NTSTATUS s = ntsim_create_thread(sys, pid, 0, false, cid ? cid : &ignored);
    ntsim_set_current_thread(sys, GRADER_SYSTEM_TID);
    return s;
}

/* NTSIM_ALLOC_LOG: one line per host allocation, "N SITE". */
static inline void grader_log_allocation(void *context, uint64_t n, const char *site)
{
    fprintf(context, "%llu %s\n", (unsigned long long)n, site);
}

/*
 * For the out-of-memory sweep (tests/fault_sweep.py, docs/testing.md), as
 * the ntsim command line: NTSIM_FAIL_ALLOC=N makes the N-th host allocation
 * of the run fail (the checks that meet it fail; nothing may crash),
 * NTSIM_ALLOC_LOG=FILE lists the allocations. Returns the log to close.
 */
static inline FILE *grader_fault_injection(void)
{
    const char *fail = getenv("NTSIM_FAIL_ALLOC"), *path = getenv("NTSIM_ALLOC_LOG");
    FILE *log = path && *path ? fopen(path, "w") : NULL;
    if (fail && *fail)
        ntsim_fail_allocation(strtoull(fail, NULL, 0));
    if (log)
        ntsim_observe_allocations(grader_log_allocation, log);
    return log;
}

/* Runs the checks, prints one line per check and the score; 0 only with full marks. */
static inline int grader_run(const char *title, const struct CMUnitTest *tests, size_t count)
{
    printf("== %s: %zu check(s), one point each\n", title, count);
    fflush(stdout);
    FILE *log = grader_fault_injection();
    int failed = _cmocka_run_group_tests(title, tests, count, NULL, NULL);
    if (log) {
        ntsim_observe_allocations(NULL, NULL);
        fclose(log);
    }
    if (failed < 0)
        failed = (int)count;
    fflush(stderr);
    printf("\nscore: %zu/%zu\n", count - (size_t)failed, count);
    fflush(stdout);
    return failed == 0 ? 0 : 1;
}

#define GRADE(title, tests) grader_run(title, tests, sizeof(tests) / sizeof((tests)[0]))

#endif
