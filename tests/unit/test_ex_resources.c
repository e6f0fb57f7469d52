/*
 * test_ex_resources.c - executive resources (ERESOURCE) and critical
 * regions through the driver API, with Windows' rules: recursive
 * acquisition by the owner, shared owners side by side, a queued exclusive
 * waiter holding off new shared requests (but not its owners' own), an
 * exclusive release serving every shared waiter before the next exclusive
 * one, exclusive waiters in the order they came, Wait FALSE never waiting,
 * and the bug checks for misuse.
 *
 * The contenders are system threads a test driver starts: each enters a
 * critical region, acquires, notes it in the log, then holds the resource
 * until the test opens its gate (an event) and releases. One processor: a
 * thread runs until it waits, so the log's order is the simulation's.
 */
#define _POSIX_C_SOURCE 200809L /* fork, pipe: the bug checks */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ntsim/ntsim.h"
#include "ntsim/wdk.h"

#include "driver_harness.h"

static ERESOURCE resource;
static KEVENT gates[6];
static BOOLEAN answers[8];
static ULONG counts[8];

/* ---- one thread ------------------------------------------------------------------ */

static void acquire_exclusive_three_ways(void)
{
    ExInitializeResourceLite(&resource);
    KeEnterCriticalRegion();
    answers[0] = ExAcquireResourceExclusiveLite(&resource, TRUE);
    answers[1] = ExAcquireResourceExclusiveLite(&resource, FALSE); /* its own: no wait needed */
    answers[2] = ExAcquireResourceSharedLite(&resource, FALSE);    /* shared, by the exclusive owner */
    counts[0] = ExIsResourceAcquiredSharedLite(&resource);
    answers[3] = ExIsResourceAcquiredExclusiveLite(&resource);
    ExReleaseResourceLite(&resource);
    ExReleaseResourceForThreadLite(&resource, ExGetCurrentResourceThread()); /* the same owner, named */
    answers[4] = ExIsResourceAcquiredExclusiveLite(&resource); /* one acquisition left */
    counts[1] = ExIsResourceAcquiredSharedLite(&resource);
    ExReleaseResourceLite(&resource);
    answers[5] = ExIsResourceAcquiredExclusiveLite(&resource);
    counts[2] = ExIsResourceAcquiredSharedLite(&resource);
    counts[3] = resource.ActiveEntries;
    KeLeaveCriticalRegion();
    ExDeleteResourceLite(&resource);
}

static void exclusive_owner_acquires_again_either_way(void **state)
{
    (void)state;
    run_as_driver("recursive", acquire_exclusive_three_ways);
    assert_true(answers[0]);
    assert_true(answers[1]);
    assert_true(answers[2]);
    assert_int_equal(counts[0], 3); /* exclusive holds count as shared ones */
    assert_true(answers[3]);
    assert_true(answers[4]);
    assert_int_equal(counts[1], 1);
    assert_false(answers[5]);
    assert_int_equal(counts[2], 0);
    assert_int_equal(counts[3], 0);
}

static void acquire_shared_twice(void)
{
    ExInitializeResourceLite(&resource);
    KeEnterCriticalRegion();
    answers[0] = ExAcquireResourceSharedLite(&resource, TRUE);
    answers[1] = ExAcquireResourceSharedLite(&resource, FALSE);
    counts[0] = ExIsResourceAcquiredSharedLite(&resource);
    answers[2] = ExIsResourceAcquiredExclusiveLite(&resource);
    answers[3] = ExAcquireResourceExclusiveLite(&resource, FALSE); /* owned shared: not granted */
    ExReleaseResourceLite(&resource);
    ExReleaseResourceLite(&resource);
    counts[1] = ExIsResourceAcquiredSharedLite(&resource);
    KeLeaveCriticalRegion();
    ExDeleteResourceLite(&resource);
}

static void shared_owner_acquires_shared_again_but_not_exclusive(void **state)
{
    (void)state;
    run_as_driver("shared", acquire_shared_twice);
    assert_true(answers[0]);
    assert_true(answers[1]);
    assert_int_equal(counts[0], 2);
    assert_false(answers[2]);
    assert_false(answers[3]);
    assert_int_equal(counts[1], 0);
}

static void count_critical_regions(void)
{
    answers[0] = KeAreApcsDisabled();
    KeEnterCriticalRegion();
    answers[1] = KeAreApcsDisabled();
    KeEnterCriticalRegion();
    KeLeaveCriticalRegion();
    answers[2] = KeAreApcsDisabled(); /* still one deep */
    KeLeaveCriticalRegion();
    answers[3] = KeAreApcsDisabled();
    ExInitializeResourceLite(&resource);
    ExEnterCriticalRegionAndAcquireResourceExclusive(&resource);
    answers[4] = KeAreApcsDisabled() && ExIsResourceAcquiredExclusiveLite(&resource);
    ExReleaseResourceAndLeaveCriticalRegion(&resource);
    ExEnterCriticalRegionAndAcquireResourceShared(&resource);
    answers[5] = KeAreApcsDisabled() && ExIsResourceAcquiredSharedLite(&resource) == 1 &&
                 !ExIsResourceAcquiredExclusiveLite(&resource);
    ExReleaseResourceAndLeaveCriticalRegion(&resource);
    answers[6] = KeAreApcsDisabled() || ExIsResourceAcquiredSharedLite(&resource);
    ExDeleteResourceLite(&resource);
}

static void critical_regions_nest_and_the_combined_calls_pair_them(void **state)
{
    (void)state;
    run_as_driver("regions", count_critical_regions);
    assert_false(answers[0]);
    assert_true(answers[1]);
    assert_true(answers[2]);
    assert_false(answers[3]);
    assert_true(answers[4]);
    assert_true(answers[5]);
    assert_false(answers[6]);
}

static void acquire_under_a_fast_mutex(void)
{
    static FAST_MUTEX mutex;
    ExInitializeFastMutex(&mutex);
    ExInitializeResourceLite(&resource);
    ExAcquireFastMutex(&mutex);
    answers[0] = ExAcquireResourceExclusiveLite(&resource, TRUE);
    ExReleaseResourceLite(&resource);
    ExReleaseFastMutex(&mutex);
    ExDeleteResourceLite(&resource);
}

/* A fast mutex's owner runs at APC_LEVEL: APCs are off without a region. */
static void fast_mutex_owner_may_acquire_without_a_critical_region(void **state)
{
    (void)state;
    run_as_driver("apclevel", acquire_under_a_fast_mutex);
    assert_true(answers[0]);
}

/* ---- contenders ----------------------------------------------------------------- */

typedef struct contender {
    const char *name;
    bool exclusive;
    int gate;
} contender;

static contender A = { "A", true, 0 }, B = { "B", true, 1 }, C = { "C", false, 2 }, D = { "D", false, 3 };
static contender As = { "A", false, 0 }, Bs = { "B", false, 1 }, Cx = { "C", true, 2 };

static void contend(PVOID context)
{
    contender *c = context;
    KeEnterCriticalRegion();
    if (c->exclusive)
        ExAcquireResourceExclusiveLite(&resource, TRUE);
    else
        ExAcquireResourceSharedLite(&resource, TRUE);
    note("%s %s", c->name, c->exclusive ? "exclusive" : "shared");
    KeWaitForSingleObject(&gates[c->gate], Executive, KernelMode, FALSE, NULL);
    note("%s releases", c->name);
    ExReleaseResourceLite(&resource);
    KeLeaveCriticalRegion();
}

static contender *to_start[4];

static void start_contenders(void)
{
    for (int i = 0; i < 4 && to_start[i]; i++)
        start_system_thread(contend, to_start[i]);
}

/* Starts the contenders, one driver step each, letting each run until it waits. */
static void arrive(contender *first, contender *second)
{
    static int steps;
    char name[16];
    snprintf(name, sizeof name, "step%d", steps++);
    memset(to_start, 0, sizeof to_start);
    to_start[0] = first;
    to_start[1] = second;
    run_as_driver(name, start_contenders);
}

static void initialize_resource_and_gates(void *context)
{
    (void)context;
    ExInitializeResourceLite(&resource);
    for (int i = 0; i < 6; i++)
        KeInitializeEvent(&gates[i], NotificationEvent, FALSE);
}

static void open_gate(void *context)
{
    KeSetEvent(&gates[(intptr_t)context], 0, FALSE);
}

static void open(int gate)
{
    in_kernel(open_gate, (void *)(intptr_t)gate);
}

static void delete_resource(void *context)
{
    (void)context;
    ExDeleteResourceLite(&resource);
}

static void delete_resource_step(void)
{
    ExDeleteResourceLite(&resource);
}

static int contention_setup(void **state)
{
    harness_setup(state);
    in_kernel(initialize_resource_and_gates, NULL);
    return 0;
}

static void exclusive_waiter_runs_when_the_owner_releases(void **state)
{
    (void)state;
    arrive(&A, &B);
    assert_int_equal(seen.logged, 1);
    assert_true(logged(0, "A exclusive"));
    assert_int_equal(ExGetExclusiveWaiterCount(&resource), 1);
    open(0);
    assert_true(logged(1, "A releases"));
    assert_true(logged(2, "B exclusive"));
    assert_int_equal(ExGetExclusiveWaiterCount(&resource), 0);
    open(1);
    assert_true(logged(3, "B releases"));
    assert_int_equal(resource.ActiveEntries, 0);
    assert_int_equal(resource.ContentionCount, 1);
    in_kernel(delete_resource, NULL);
}

static void exclusive_waiters_are_served_in_arrival_order(void **state)
{
    (void)state;
    contender E = { "E", true, 4 };
    arrive(&A, &B);
    arrive(&E, NULL);
    assert_int_equal(ExGetExclusiveWaiterCount(&resource), 2);
    open(0);
    open(1);
    open(4);
    assert_int_equal(seen.logged, 6);
    assert_true(logged(0, "A exclusive"));
    assert_true(logged(1, "A releases"));
    assert_true(logged(2, "B exclusive"));
    assert_true(logged(3, "B releases"));
    assert_true(logged(4, "E exclusive"));
    assert_true(logged(5, "E releases"));
    in_kernel(delete_resource, NULL);
}

/* Readers share; a writer queues; a reader coming after it waits too. */
static void queued_exclusive_waiter_holds_off_new_shared_requests(void **state)
{
    (void)state;
    arrive(&As, &Bs);
    assert_int_equal(resource.ActiveEntries, 2);
    arrive(&Cx, &D);
    assert_int_equal(ExGetExclusiveWaiterCount(&resource), 1);
    assert_int_equal(ExGetSharedWaiterCount(&resource), 1);
    open(0); /* A leaves; B still reads */
    assert_int_equal(ExGetExclusiveWaiterCount(&resource), 1);
    open(1); /* the last reader leaves: the writer's turn */
    open(2);
    open(3);
    assert_int_equal(seen.logged, 8);
    assert_true(logged(0, "A shared"));
    assert_true(logged(1, "B shared"));
    assert_true(logged(2, "A releases"));
    assert_true(logged(3, "B releases"));
    assert_true(logged(4, "C exclusive"));
    assert_true(logged(5, "C releases"));
    assert_true(logged(6, "D shared"));
    assert_true(logged(7, "D releases"));
    in_kernel(delete_resource, NULL);
}

/* The writer's release serves all readers at once, ahead of a writer that came first. */
static void exclusive_release_serves_every_shared_waiter_first(void **state)
{
    (void)state;
    arrive(&A, &B);
    arrive(&C, &D);
    assert_int_equal(ExGetExclusiveWaiterCount(&resource), 1);
    assert_int_equal(ExGetSharedWaiterCount(&resource), 2);
    open(0);
    assert_int_equal(resource.ActiveEntries, 2); /* C and D together */
    assert_int_equal(ExGetSharedWaiterCount(&resource), 0);
    assert_int_equal(ExGetExclusiveWaiterCount(&resource), 1);
    open(2);
    open(3);
    open(1);
    assert_int_equal(seen.logged, 8);
    assert_true(logged(0, "A exclusive"));
    assert_true(logged(1, "A releases"));
    assert_true(logged(2, "C shared"));
    assert_true(logged(3, "D shared"));
    assert_true(logged(4, "C releases"));
    assert_true(logged(5, "D releases"));
    assert_true(logged(6, "B exclusive"));
    assert_true(logged(7, "B releases"));
    in_kernel(delete_resource, NULL);
}

static void reader_asks_again(PVOID context)
{
    (void)context;
    KeEnterCriticalRegion();
    ExAcquireResourceSharedLite(&resource, TRUE);
    KeWaitForSingleObject(&gates[0], Executive, KernelMode, FALSE, NULL);
    answers[0] = ExAcquireResourceSharedLite(&resource, FALSE); /* past the queued writer */
    note("A again %d", answers[0]);
    ExReleaseResourceLite(&resource);
    ExReleaseResourceLite(&resource);
    KeLeaveCriticalRegion();
}

static void start_rereader(void)
{
    start_system_thread(reader_asks_again, NULL);
}

static void newcomer_tries(void *context)
{
    (void)context;
    KeEnterCriticalRegion();
    answers[1] = ExAcquireResourceSharedLite(&resource, FALSE);
    answers[2] = ExAcquireResourceExclusiveLite(&resource, FALSE);
    KeLeaveCriticalRegion();
}

static void shared_owner_is_granted_again_past_a_queued_writer(void **state)
{
    (void)state;
    run_as_driver("rereader", start_rereader);
    arrive(&B, NULL); /* a writer queues behind the reader */
    assert_int_equal(ExGetExclusiveWaiterCount(&resource), 1);
    in_kernel(newcomer_tries, NULL); /* a newcomer is not let past it */
    assert_false(answers[1]);
    assert_false(answers[2]);
    open(0);
    assert_true(answers[0]);
    assert_true(logged(0, "A again 1"));
    assert_true(logged(1, "B exclusive"));
    open(1);
    in_kernel(delete_resource, NULL);
}

/* ---- waiting outside a system thread ------------------------------------------------- */

static void hold_while_sleeping(PVOID context)
{
    (void)context;
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&resource, TRUE);
    note("thread holds");
    LARGE_INTEGER half_a_second = { .QuadPart = -500 * MS };
    KeDelayExecutionThread(KernelMode, FALSE, &half_a_second);
    note("thread releases");
    ExReleaseResourceLite(&resource);
    KeLeaveCriticalRegion();
}

static void start_sleepy_holder(void)
{
    start_system_thread(hold_while_sleeping, NULL);
}

static LONG64 began, ended;

static void entry_waits_for_the_resource(void)
{
    KeEnterCriticalRegion();
    began = now();
    answers[0] = ExAcquireResourceExclusiveLite(&resource, TRUE);
    ended = now();
    note("entry holds");
    answers[1] = ExIsResourceAcquiredExclusiveLite(&resource);
    ExReleaseResourceLite(&resource);
    KeLeaveCriticalRegion();
}

/* DriverEntry's thread idles in a wait of its own: its wait for the
   resource runs the simulation until the holder lets go. */
static void driver_entry_waits_for_a_resource_a_thread_holds(void **state)
{
    (void)state;
    run_as_driver("holder", start_sleepy_holder);
    assert_true(logged(0, "thread holds"));
    run_as_driver("waiter", entry_waits_for_the_resource);
    assert_true(answers[0]);
    assert_true(answers[1]);
    assert_true(logged(1, "thread releases"));
    assert_true(logged(2, "entry holds"));
    assert_true(ended - began >= 500 * MS);
    assert_true(ended - began < 500 * MS + (LONG64)TICK);
    in_kernel(delete_resource, NULL);
}

/* ---- what contention leaves in the pool ---------------------------------------------- */

static void start_a_and_c(void)
{
    start_system_thread(contend, &A);
    start_system_thread(contend, &C);
}

static void resource_never_deleted_leaves_its_waiters_objects_to_the_leak_report(void **state)
{
    (void)state;
    run_as_driver("contended", start_a_and_c);
    open(0);
    open(2);
    unload("contended");
    assert_int_equal(seen.leaks, 1);
    assert_string_equal(seen.leak_image[0], "contended");
    assert_string_equal(seen.leak_tag[0], "ReTa");
    assert_int_equal(seen.leak_blocks[0], 2); /* the shared waiters' semaphore and the owner table */
}

static void deleted_resource_gives_its_waiters_objects_back(void **state)
{
    (void)state;
    run_as_driver("contended", start_a_and_c);
    open(0);
    open(2);
    run_as_driver("deleter", delete_resource_step);
    unload("contended");
    assert_int_equal(seen.leaks, 0);
}

/* ---- misuse stops the system ---------------------------------------------------------- */

static void release_what_another_owns(void)
{
    start_system_thread(contend, &A);
    LARGE_INTEGER tick = { .QuadPart = -20 * MS };
    KeDelayExecutionThread(KernelMode, FALSE, &tick); /* A takes it and waits at its gate */
    KeEnterCriticalRegion();
    ExReleaseResourceLite(&resource);
}

static void prepare_and_release_what_another_owns(void)
{
    initialize_resource_and_gates(NULL);
    release_what_another_owns();
}

static void release_by_a_non_owner_is_resource_not_owned(void **state)
{
    (void)state;
    expect_stop(prepare_and_release_what_another_owns, "bug check 0x000000E3 RESOURCE_NOT_OWNED");
}

static void release_never_acquired(void)
{
    ExInitializeResourceLite(&resource);
    KeEnterCriticalRegion();
    ExReleaseResourceLite(&resource);
}

static void release_of_an_unowned_resource_is_resource_not_owned(void **state)
{
    (void)state;
    expect_stop(release_never_acquired, "bug check 0x000000E3 RESOURCE_NOT_OWNED");
}

static void acquire_without_region(void)
{
    ExInitializeResourceLite(&resource);
    ExAcquireResourceSharedLite(&resource, TRUE);
}

static void acquire_with_apcs_enabled_is_a_verifier_bug_check(void **state)
{
    (void)state;
    expect_stop(acquire_without_region, "bug check 0x000000C4 DRIVER_VERIFIER_DETECTED_VIOLATION (0x37");
}

static void release_after_leaving(void)
{
    ExInitializeResourceLite(&resource);
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&resource, TRUE);
    KeLeaveCriticalRegion();
    ExReleaseResourceLite(&resource);
}

static void release_with_apcs_enabled_is_a_verifier_bug_check(void **state)
{
    (void)state;
    expect_stop(release_after_leaving, "bug check 0x000000C4 DRIVER_VERIFIER_DETECTED_VIOLATION (0x38");
}

static void leave_without_entering(void)
{
    KeLeaveCriticalRegion();
}

static void leaving_a_region_never_entered_is_a_verifier_bug_check(void **state)
{
    (void)state;
    expect_stop(leave_without_entering, "DRIVER_VERIFIER_DETECTED_VIOLATION (0x3e");
}

static void delete_while_owned(void)
{
    ExInitializeResourceLite(&resource);
    KeEnterCriticalRegion();
    ExAcquireResourceSharedLite(&resource, TRUE);
    ExDeleteResourceLite(&resource);
}

static void deleting_an_owned_resource_stops_the_system(void **state)
{
    (void)state;
    expect_stop(delete_while_owned, "ExDeleteResourceLite of a resource still owned (1 owners)");
}

static void shared_then_exclusive(void)
{
    ExInitializeResourceLite(&resource);
    KeEnterCriticalRegion();
    ExAcquireResourceSharedLite(&resource, TRUE);
    ExAcquireResourceExclusiveLite(&resource, TRUE);
}

static void shared_owner_waiting_for_exclusive_is_a_deadlock(void **state)
{
    (void)state;
    expect_stop(shared_then_exclusive, "would wait for itself forever (a deadlock on Windows)");
}

static void hold_forever(PVOID context)
{
    (void)context;
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&resource, TRUE);
    KeWaitForSingleObject(&gates[0], Executive, KernelMode, FALSE, NULL); /* never opened */
}

static void wait_for_a_holder_that_never_lets_go(void)
{
    initialize_resource_and_gates(NULL);
    start_system_thread(hold_forever, NULL);
    LARGE_INTEGER tick = { .QuadPart = -20 * MS };
    KeDelayExecutionThread(KernelMode, FALSE, &tick);
    KeEnterCriticalRegion();
    ExAcquireResourceSharedLite(&resource, TRUE);
}

/* Outside a system thread the wait runs the world forward; after an hour of
   virtual time with the holder still waiting, nothing will release it. */
static void wait_outside_a_system_thread_stops_after_an_hour(void **state)
{
    (void)state;
    expect_stop(wait_for_a_holder_that_never_lets_go, "not released within an hour of virtual time");
}

#define CONTENTION(test) cmocka_unit_test_setup_teardown(test, contention_setup, harness_teardown)
#define ALONE(test) cmocka_unit_test_setup_teardown(test, harness_setup, harness_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        ALONE(exclusive_owner_acquires_again_either_way),
        ALONE(shared_owner_acquires_shared_again_but_not_exclusive),
        ALONE(critical_regions_nest_and_the_combined_calls_pair_them),
        ALONE(fast_mutex_owner_may_acquire_without_a_critical_region),
        CONTENTION(exclusive_waiter_runs_when_the_owner_releases),
        CONTENTION(exclusive_waiters_are_served_in_arrival_order),
        CONTENTION(queued_exclusive_waiter_holds_off_new_shared_requests),
        CONTENTION(exclusive_release_serves_every_shared_waiter_first),
        CONTENTION(shared_owner_is_granted_again_past_a_queued_writer),
        CONTENTION(driver_entry_waits_for_a_resource_a_thread_holds),
        CONTENTION(resource_never_deleted_leaves_its_waiters_objects_to_the_leak_report),
        CONTENTION(deleted_resource_gives_its_waiters_objects_back),
        cmocka_unit_test(release_by_a_non_owner_is_resource_not_owned),
        cmocka_unit_test(release_of_an_unowned_resource_is_resource_not_owned),
        cmocka_unit_test(acquire_with_apcs_enabled_is_a_verifier_bug_check),
        cmocka_unit_test(release_with_apcs_enabled_is_a_verifier_bug_check),
        cmocka_unit_test(leaving_a_region_never_entered_is_a_verifier_bug_check),
        cmocka_unit_test(deleting_an_owned_resource_stops_the_system),
        cmocka_unit_test(shared_owner_waiting_for_exclusive_is_a_deadlock),
        cmocka_unit_test(wait_outside_a_system_thread_stops_after_an_hour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
