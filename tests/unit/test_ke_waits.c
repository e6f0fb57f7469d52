/*
 * test_ke_waits.c - dispatcher objects and system threads through the
 * driver API (KeWaitForMultipleObjects' rules): wait-any takes the lowest
 * signaled index, wait-all takes every object at once, semaphores keep to
 * their limit, synchronization events release one waiter and reset,
 * notification events release all and stay set, timeouts run on the
 * virtual clock, system threads land in the process their handle names,
 * and waiting on a thread ends when it ends.
 *
 * Kernel calls need driver code: each step runs as the DriverEntry of a
 * small driver loaded for it (in the System process, on the scenario's
 * side of the clock: its waits run the simulation forward).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ntsim/ntsim.h"
#include "ntsim/wdk.h"

#define MS 10000LL                /* 100 ns units in a millisecond */
#define TICK 156250ull            /* the clock interrupt: 15.625 ms */

static ntsim_system *sys;

/* What the kernel reported. */
static struct {
    char dbgprint[8][200];
    char dbgprint_driver[8][32];
    int dbgprints;
    ULONG created_pid[8], created_tid[8], creating_tid[8];
    int creates;
    ULONG exit_tid[8], exit_code[8];
    int exits;
} seen;

static void sink(void *context, const ntsim_event *e)
{
    (void)context;
    if (e->kind == NTSIM_EVENT_DBGPRINT && seen.dbgprints < 8) {
        snprintf(seen.dbgprint_driver[seen.dbgprints], sizeof seen.dbgprint_driver[0], "%s", e->image);
        snprintf(seen.dbgprint[seen.dbgprints++], sizeof seen.dbgprint[0], "%s", e->text);
    }
    if (e->kind == NTSIM_EVENT_THREAD_CREATE && seen.creates < 8) {
        seen.created_pid[seen.creates] = e->pid;
        seen.creating_tid[seen.creates] = e->creating_tid;
        seen.created_tid[seen.creates++] = e->tid;
    }
    if (e->kind == NTSIM_EVENT_THREAD_EXIT && seen.exits < 8) {
        seen.exit_tid[seen.exits] = e->tid;
        seen.exit_code[seen.exits++] = e->exit_code;
    }
}

static int setup(void **state)
{
    (void)state;
    ntsim_config c;
    ntsim_config_default(&c);
    memset(&seen, 0, sizeof seen);
    if (!NT_SUCCESS(ntsim_system_create(&c, &sys)))
        return -1;
    ntsim_set_event_sink(sys, sink, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ntsim_system_destroy(sys);
    return 0;
}

/* ---- running a step as driver code ------------------------------------------- */

static void (*step)(void);

static void step_unload(PDRIVER_OBJECT d)
{
    (void)d;
}

static NTSTATUS step_entry(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)reg;
    d->DriverUnload = step_unload;
    step();
    return STATUS_SUCCESS; /* kept loaded: threads it started run its code */
}

/* An image loads once, under one name: each step's driver, kept loaded, needs an entry of its own. */
static NTSTATUS step_entry0(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return step_entry(d, reg); }
static NTSTATUS step_entry1(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return step_entry(d, reg); }
static NTSTATUS step_entry2(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return step_entry(d, reg); }
static NTSTATUS step_entry3(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return step_entry(d, reg); }
static NTSTATUS step_entry4(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return step_entry(d, reg); }
static NTSTATUS step_entry5(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return step_entry(d, reg); }
static NTSTATUS step_entry6(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return step_entry(d, reg); }
static NTSTATUS step_entry7(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return step_entry(d, reg); }

static char step_name[16]; /* the driver the last step ran as */

static void in_kernel(void (*fn)(void))
{
    static int loads;
    snprintf(step_name, sizeof step_name, "step%d", loads++);
    step = fn;
    static const ntsim_driver_entry entries[] = { step_entry0, step_entry1, step_entry2, step_entry3,
                                                  step_entry4, step_entry5, step_entry6, step_entry7 };
    NTSTATUS s = STATUS_IMAGE_ALREADY_LOADED;
    for (int i = 0; i < 8 && s == STATUS_IMAGE_ALREADY_LOADED; i++)
        s = ntsim_load_driver(sys, step_name, entries[i], NULL, 0);
    assert_int_equal(s, STATUS_SUCCESS);
    ntsim_run_threads(sys);
}

/* Lets system threads run: the clock moves a few ticks. */
static void settle(void)
{
    ntsim_advance(sys, 4 * TICK);
    ntsim_run_threads(sys);
}

static LONG64 now(void)
{
    LARGE_INTEGER t;
    KeQuerySystemTime(&t);
    return t.QuadPart;
}

/* ---- objects the steps share ----------------------------------------------------- */

static KEVENT events[3];
static KSEMAPHORE semaphores[2];
static NTSTATUS result, results[4];
static int woken[4];
static LONG64 began, ended;
static PVOID thread_object;
static ULONG thread_pid;

static void start_thread(PKSTART_ROUTINE routine, PVOID context, HANDLE process)
{
    HANDLE h;
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_int_equal(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, &oa, process, NULL, routine, context),
                     STATUS_SUCCESS);
    assert_int_equal(ObReferenceObjectByHandle(h, SYNCHRONIZE, *PsThreadType, KernelMode, &thread_object, NULL),
                     STATUS_SUCCESS);
    ZwClose(h);
}

/* ---- wait-any ------------------------------------------------------------------- */

static void poll_three(void)
{
    LARGE_INTEGER zero = { .QuadPart = 0 };
    PVOID objs[] = { &events[0], &events[1], &events[2] };
    result = KeWaitForMultipleObjects(3, objs, WaitAny, Executive, KernelMode, FALSE, &zero, NULL);
}

static void set_two_of_three_notification(void)
{
    for (int i = 0; i < 3; i++)
        KeInitializeEvent(&events[i], NotificationEvent, FALSE);
    KeSetEvent(&events[1], 0, FALSE);
    KeSetEvent(&events[2], 0, FALSE);
    poll_three();
}

static void wait_any_returns_the_lowest_signaled_index(void **state)
{
    (void)state;
    in_kernel(set_two_of_three_notification);
    assert_int_equal(result, STATUS_WAIT_0 + 1);
    /* Notification events stay signaled: the wait took nothing. */
    assert_int_equal(events[1].Header.SignalState, 1);
    assert_int_equal(events[2].Header.SignalState, 1);
}

static void take_from_two_synchronization_events_and_semaphores(void)
{
    LARGE_INTEGER zero = { .QuadPart = 0 };
    KeInitializeEvent(&events[0], SynchronizationEvent, TRUE);
    KeInitializeEvent(&events[1], SynchronizationEvent, TRUE);
    PVOID evs[] = { &events[0], &events[1] };
    results[0] = KeWaitForMultipleObjects(2, evs, WaitAny, Executive, KernelMode, FALSE, &zero, NULL);
    KeInitializeSemaphore(&semaphores[0], 1, 10);
    KeInitializeSemaphore(&semaphores[1], 1, 10);
    PVOID sems[] = { &semaphores[0], &semaphores[1] };
    results[1] = KeWaitForMultipleObjects(2, sems, WaitAny, Executive, KernelMode, FALSE, &zero, NULL);
}

static void wait_any_acquires_only_the_object_it_returns(void **state)
{
    (void)state;
    in_kernel(take_from_two_synchronization_events_and_semaphores);
    assert_int_equal(results[0], STATUS_WAIT_0);
    assert_int_equal(events[0].Header.SignalState, 0); /* a synchronization event resets */
    assert_int_equal(events[1].Header.SignalState, 1);
    assert_int_equal(results[1], STATUS_WAIT_0);
    assert_int_equal(semaphores[0].Header.SignalState, 0); /* a semaphore's count drops by one */
    assert_int_equal(semaphores[1].Header.SignalState, 1);
}

/* ---- wait-all -------------------------------------------------------------------- */

static void wait_all_routine(PVOID context)
{
    (void)context;
    PVOID objs[] = { &semaphores[0], &events[0] };
    results[0] = KeWaitForMultipleObjects(2, objs, WaitAll, Executive, KernelMode, FALSE, NULL, NULL);
    woken[0]++;
}

static void start_wait_all(void)
{
    KeInitializeSemaphore(&semaphores[0], 0, 5);
    KeInitializeEvent(&events[0], SynchronizationEvent, FALSE);
    start_thread(wait_all_routine, NULL, NULL);
}

static void set_the_event(void)
{
    KeSetEvent(&events[0], EVENT_INCREMENT, FALSE);
}

static void release_the_semaphore(void)
{
    KeReleaseSemaphore(&semaphores[0], SEMAPHORE_INCREMENT, 1, FALSE);
}

static void wait_all_is_satisfied_only_when_every_object_is(void **state)
{
    (void)state;
    woken[0] = 0;
    in_kernel(start_wait_all);
    settle();
    assert_int_equal(woken[0], 0);
    in_kernel(set_the_event);
    settle();
    assert_int_equal(woken[0], 0);
    /* Not taken: a wait-all acquires nothing until all are signaled. */
    assert_int_equal(events[0].Header.SignalState, 1);
    in_kernel(release_the_semaphore);
    settle();
    assert_int_equal(woken[0], 1);
    assert_int_equal(results[0], STATUS_WAIT_0);
    assert_int_equal(semaphores[0].Header.SignalState, 0);
    assert_int_equal(events[0].Header.SignalState, 0);
}

static void too_many_objects_need_a_wait_block_array(void)
{
    static KEVENT many[5];
    static KWAIT_BLOCK blocks[5];
    LARGE_INTEGER zero = { .QuadPart = 0 };
    PVOID objs[5];
    for (int i = 0; i < 5; i++) {
        KeInitializeEvent(&many[i], NotificationEvent, TRUE);
        objs[i] = &many[i];
    }
    results[0] = KeWaitForMultipleObjects(5, objs, WaitAll, Executive, KernelMode, FALSE, &zero, NULL);
    results[1] = KeWaitForMultipleObjects(5, objs, WaitAll, Executive, KernelMode, FALSE, &zero, blocks);
}

static void more_than_three_objects_need_a_wait_block_array(void **state)
{
    (void)state;
    in_kernel(too_many_objects_need_a_wait_block_array);
    assert_int_equal(results[0], STATUS_INVALID_PARAMETER);
    assert_int_equal(results[1], STATUS_WAIT_0);
}

/* ---- semaphores ------------------------------------------------------------------- */

static LONG previous[3];

static void release_past_the_limit(void)
{
    KeInitializeSemaphore(&semaphores[0], 0, 2);
    previous[0] = KeReleaseSemaphore(&semaphores[0], 0, 2, FALSE);
    previous[1] = KeReleaseSemaphore(&semaphores[0], 0, 1, FALSE);
    previous[2] = KeReadStateSemaphore(&semaphores[0]);
}

static void semaphore_count_never_passes_its_limit(void **state)
{
    (void)state;
    in_kernel(release_past_the_limit);
    assert_int_equal(previous[0], 0);
    assert_int_equal(previous[1], 2);
    assert_int_equal(previous[2], 2);
    assert_int_equal(seen.dbgprints, 1);
    assert_non_null(strstr(seen.dbgprint[0], "STATUS_SEMAPHORE_LIMIT_EXCEEDED"));
}

/* ---- events ------------------------------------------------------------------------ */

static void event_waiter(PVOID context)
{
    int who = (int)(intptr_t)context;
    results[who] = KeWaitForSingleObject(&events[0], Executive, KernelMode, FALSE, NULL);
    woken[who]++;
}

static EVENT_TYPE kind_to_test;

static void two_waiters(void)
{
    KeInitializeEvent(&events[0], kind_to_test, FALSE);
    start_thread(event_waiter, (PVOID)(intptr_t)0, NULL);
    start_thread(event_waiter, (PVOID)(intptr_t)1, NULL);
}

static void synchronization_event_releases_one_waiter_and_resets(void **state)
{
    (void)state;
    memset(woken, 0, sizeof woken);
    kind_to_test = SynchronizationEvent;
    in_kernel(two_waiters);
    settle();
    assert_int_equal(woken[0] + woken[1], 0);
    in_kernel(set_the_event);
    settle();
    /* The first to wait is the first released. */
    assert_int_equal(woken[0], 1);
    assert_int_equal(woken[1], 0);
    assert_int_equal(events[0].Header.SignalState, 0);
    in_kernel(set_the_event);
    settle();
    assert_int_equal(woken[1], 1);
    assert_int_equal(results[1], STATUS_WAIT_0);
}

static void notification_event_releases_every_waiter_and_stays_set(void **state)
{
    (void)state;
    memset(woken, 0, sizeof woken);
    kind_to_test = NotificationEvent;
    in_kernel(two_waiters);
    settle();
    in_kernel(set_the_event);
    settle();
    assert_int_equal(woken[0], 1);
    assert_int_equal(woken[1], 1);
    assert_int_equal(events[0].Header.SignalState, 1);
}

/* ---- timeouts and delays ------------------------------------------------------------ */

static void poll_an_unsignaled_event(void)
{
    KeInitializeEvent(&events[0], NotificationEvent, FALSE);
    LARGE_INTEGER zero = { .QuadPart = 0 };
    began = now();
    result = KeWaitForSingleObject(&events[0], Executive, KernelMode, FALSE, &zero);
    ended = now();
}

static void zero_timeout_polls_without_waiting(void **state)
{
    (void)state;
    in_kernel(poll_an_unsignaled_event);
    assert_int_equal(result, STATUS_TIMEOUT);
    assert_true(ended == began);
}

static void timed_waiter(PVOID context)
{
    (void)context;
    LARGE_INTEGER timeout = { .QuadPart = -100 * MS };
    began = now();
    result = KeWaitForSingleObject(&events[0], Executive, KernelMode, FALSE, &timeout);
    ended = now();
}

static void start_timed_waiter(void)
{
    KeInitializeEvent(&events[0], NotificationEvent, FALSE);
    result = STATUS_PENDING;
    start_thread(timed_waiter, NULL, NULL);
}

static void relative_timeout_ends_the_wait_at_the_next_clock_tick(void **state)
{
    (void)state;
    in_kernel(start_timed_waiter);
    settle();
    assert_int_equal(result, STATUS_PENDING); /* waiting: 62.5 ms have passed */
    ntsim_advance(sys, 1000 * MS);
    assert_int_equal(result, STATUS_TIMEOUT);
    assert_true(ended - began >= 100 * MS);
    assert_true(ended - began < 100 * MS + (LONG64)TICK);
    assert_int_equal((uint64_t)(ended - (LONG64)NTSIM_BOOT_TIME) % TICK, 0); /* on a clock interrupt */
}

static void sleeper(PVOID context)
{
    (void)context;
    LARGE_INTEGER interval = { .QuadPart = -50 * MS };
    began = now();
    result = KeDelayExecutionThread(KernelMode, FALSE, &interval);
    ended = now();
}

static void start_sleeper_and_wait_for_it(void)
{
    start_thread(sleeper, NULL, NULL);
    /* From DriverEntry: this wait runs the simulation until the thread ends. */
    results[0] = KeWaitForSingleObject(thread_object, Executive, KernelMode, FALSE, NULL);
    results[1] = PsGetThreadExitStatus(thread_object);
    /* A thread that ended stays signaled. */
    LARGE_INTEGER zero = { .QuadPart = 0 };
    results[2] = KeWaitForSingleObject(thread_object, Executive, KernelMode, FALSE, &zero);
    ObDereferenceObject(thread_object);
}

static void waiting_for_a_thread_ends_when_it_ends(void **state)
{
    (void)state;
    uint64_t t0 = ntsim_time(sys);
    in_kernel(start_sleeper_and_wait_for_it);
    assert_int_equal(result, STATUS_SUCCESS); /* a delay that ran out is a success */
    assert_true(ended - began >= 50 * MS);
    assert_int_equal(results[0], STATUS_WAIT_0);
    assert_int_equal(results[1], STATUS_SUCCESS);
    assert_int_equal(results[2], STATUS_WAIT_0);
    assert_true(ntsim_time(sys) - t0 >= 50 * MS); /* the clock moved while DriverEntry waited */
    assert_int_equal(seen.exits, 1);
}

static void forever_waiter(PVOID context)
{
    (void)context;
    KeWaitForSingleObject(&events[0], Executive, KernelMode, FALSE, NULL);
    PsTerminateSystemThread((NTSTATUS)0x1234);
}

static void wait_for_a_running_thread_with_a_timeout(void)
{
    KeInitializeEvent(&events[0], NotificationEvent, FALSE);
    start_thread(forever_waiter, NULL, NULL);
    LARGE_INTEGER timeout = { .QuadPart = -20 * MS };
    results[0] = KeWaitForSingleObject(thread_object, Executive, KernelMode, FALSE, &timeout);
    KeSetEvent(&events[0], 0, FALSE);
    results[1] = KeWaitForSingleObject(thread_object, Executive, KernelMode, FALSE, NULL);
    results[2] = PsGetThreadExitStatus(thread_object);
    ObDereferenceObject(thread_object);
}

static void wait_for_a_thread_times_out_while_it_runs_and_sees_its_exit_status(void **state)
{
    (void)state;
    in_kernel(wait_for_a_running_thread_with_a_timeout);
    assert_int_equal(results[0], STATUS_TIMEOUT);
    assert_int_equal(results[1], STATUS_WAIT_0);
    assert_int_equal(results[2], 0x1234);
    assert_int_equal(seen.exits, 1);
    assert_int_equal(seen.exit_code[0], 0x1234);
}

static void delay_from_driver_entry(void)
{
    LARGE_INTEGER interval = { .QuadPart = -30 * MS };
    began = now();
    result = KeDelayExecutionThread(KernelMode, FALSE, &interval);
    ended = now();
}

/* DriverEntry runs as the System process's first thread, which idles in a
 * wait of its own: its waits and delays still run the simulation forward. */
static void driver_entry_can_delay_though_its_thread_idles_in_a_wait(void **state)
{
    (void)state;
    in_kernel(delay_from_driver_entry);
    assert_int_equal(result, STATUS_SUCCESS);
    assert_true(ended - began >= 30 * MS);
    assert_true(ended - began < 30 * MS + (LONG64)TICK);
}

/* ---- a thread's code runs as its driver's, whoever resumes it ------------------------ */

static void announce_when_set(PVOID context)
{
    (void)context;
    KeWaitForSingleObject(&events[0], Executive, KernelMode, FALSE, NULL);
    DbgPrint("thread");
}

static void start_announcer(void)
{
    KeInitializeEvent(&events[0], NotificationEvent, FALSE);
    start_thread(announce_when_set, NULL, NULL);
}

static void release_announcer_and_wait_for_it(void)
{
    KeSetEvent(&events[0], 0, FALSE);
    KeWaitForSingleObject(thread_object, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(thread_object); /* still this driver's code once the thread has ended */
    DbgPrint("waiter");
}

static void thread_resumed_inside_another_driver_runs_as_its_own(void **state)
{
    (void)state;
    in_kernel(start_announcer); /* one driver starts it */
    char starter[16];
    snprintf(starter, sizeof starter, "%s", step_name);
    settle(); /* it first runs outside any driver code, and waits */
    in_kernel(release_announcer_and_wait_for_it); /* another resumes it, until it ends */
    assert_int_equal(seen.dbgprints, 2);
    assert_string_equal(seen.dbgprint[0], "thread");
    assert_string_equal(seen.dbgprint_driver[0], starter);
    assert_string_equal(seen.dbgprint[1], "waiter");
    assert_string_equal(seen.dbgprint_driver[1], step_name);
}

static void start_a_thread_that_never_ends(void)
{
    KeInitializeEvent(&events[0], NotificationEvent, FALSE);
    start_thread(forever_waiter, NULL, NULL);
    ObDereferenceObject(thread_object);
    thread_object = NULL;
}

/* Destroying the system frees a system thread still in its wait, stack and
 * all (the sanitizer build's leak check is what sees it). */
static void system_destroyed_while_a_system_thread_waits(void **state)
{
    (void)state;
    in_kernel(start_a_thread_that_never_ends); /* ready, but not yet run */
    assert_int_equal(seen.exits, 0);
    /* teardown destroys the system now */
}

/* ---- system threads in a chosen process --------------------------------------------- */

static void where_am_i(PVOID context)
{
    (void)context;
    thread_pid = HandleToULong(PsGetCurrentProcessId());
    woken[0]++;
}

static void start_in_system(void)
{
    start_thread(where_am_i, NULL, NULL);
    ObDereferenceObject(thread_object);
}

static void system_thread_without_a_process_handle_runs_in_system(void **state)
{
    (void)state;
    thread_pid = 0;
    in_kernel(start_in_system);
    settle();
    assert_int_equal(thread_pid, 4);
    assert_int_equal(seen.creates, 1);
    assert_int_equal(seen.created_pid[0], 4);
}

/* A device whose create routine starts a thread in the opener's process. */
static NTSTATUS spawn_create(PDEVICE_OBJECT dev, PIRP irp)
{
    (void)dev;
    if (IoGetCurrentIrpStackLocation(irp)->MajorFunction == IRP_MJ_CREATE) {
        start_thread(where_am_i, NULL, NtCurrentProcess());
        ObDereferenceObject(thread_object);
    }
    irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static void spawn_unload(PDRIVER_OBJECT d)
{
    IoDeleteDevice(d->DeviceObject);
}

static NTSTATUS spawn_entry(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)reg;
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\Device\\Spawn");
    PDEVICE_OBJECT dev;
    NTSTATUS s = IoCreateDevice(d, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev);
    d->MajorFunction[IRP_MJ_CREATE] = d->MajorFunction[IRP_MJ_CLOSE] = spawn_create;
    d->DriverUnload = spawn_unload;
    return s;
}

static void system_thread_lands_in_the_process_the_handle_names(void **state)
{
    (void)state;
    assert_int_equal(ntsim_load_driver(sys, "spawn", spawn_entry, NULL, 0), STATUS_SUCCESS);
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID app;
    ntsim_process_params_default(&p, "C:\\app.exe");
    assert_int_equal(ntsim_create_process(sys, &p, &app), STATUS_SUCCESS);
    assert_int_equal(ntsim_set_current_thread(sys, app.UniqueThread), STATUS_SUCCESS);
    int before = seen.creates;
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\Device\\Spawn");
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, 0, NULL, NULL);
    IO_STATUS_BLOCK iosb;
    HANDLE h;
    thread_pid = 0;
    /* The create request runs in the caller's context: NtCurrentProcess() is app. */
    assert_int_equal(NtCreateFile(sys, &h, GENERIC_READ, &oa, &iosb, NULL, 0, 0, 1, 0, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(seen.creates, before + 1);
    assert_int_equal(seen.created_pid[before], app.UniqueProcess);
    assert_int_equal(seen.creating_tid[before], app.UniqueThread);
    NTSIM_THREAD_INFO ti;
    assert_int_equal(ntsim_query_thread(sys, seen.created_tid[before], &ti), STATUS_SUCCESS);
    assert_int_equal(ti.pid, app.UniqueProcess);
    settle();
    assert_int_equal(thread_pid, app.UniqueProcess); /* its code saw itself there too */
    assert_int_equal(NtClose(sys, h), STATUS_SUCCESS);
}

/* ---- a long advance and code not yet run ---------------------------------------- */

static void wait_then_note_the_time(PVOID context)
{
    (void)context;
    KeWaitForSingleObject(&events[0], Executive, KernelMode, FALSE, NULL);
    ended = now();
}

static void start_waiter_to_note_the_time(void)
{
    KeInitializeEvent(&events[0], NotificationEvent, FALSE);
    start_thread(wait_then_note_the_time, NULL, NULL);
}

/* A system thread made ready from the C API (its wait woken while it was
 * suspended, then resumed: no boost) and not yet run when a long advance
 * begins runs at the advance's first clock tick, as one tick at a time would
 * have it: the quiet ticks after that one are not skipped past it. */
static void code_not_yet_run_runs_at_the_first_tick_of_a_long_advance(void **state)
{
    (void)state;
    in_kernel(start_waiter_to_note_the_time);
    ULONG tid = seen.created_tid[seen.creates - 1], count;
    ended = 0;
    assert_int_equal(ntsim_suspend_thread(sys, tid, &count), STATUS_SUCCESS);
    assert_int_equal(ntsim_wake_thread(sys, tid), STATUS_SUCCESS);
    assert_int_equal(ntsim_resume_thread(sys, tid, &count), STATUS_SUCCESS);
    NTSIM_THREAD_INFO ti;
    assert_int_equal(ntsim_query_thread(sys, tid, &ti), STATUS_SUCCESS);
    assert_int_equal(ti.state, Running);
    assert_int_equal(ti.priority, ti.base_priority);
    assert_int_equal(ended, 0);
    uint64_t first_tick = NTSIM_BOOT_TIME + ((ntsim_time(sys) - NTSIM_BOOT_TIME) / TICK + 1) * TICK;
    ntsim_advance(sys, 1000 * TICK);
    assert_int_equal(ended, first_tick);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(wait_any_returns_the_lowest_signaled_index, setup, teardown),
        cmocka_unit_test_setup_teardown(wait_any_acquires_only_the_object_it_returns, setup, teardown),
        cmocka_unit_test_setup_teardown(wait_all_is_satisfied_only_when_every_object_is, setup, teardown),
        cmocka_unit_test_setup_teardown(more_than_three_objects_need_a_wait_block_array, setup, teardown),
        cmocka_unit_test_setup_teardown(semaphore_count_never_passes_its_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(synchronization_event_releases_one_waiter_and_resets, setup, teardown),
        cmocka_unit_test_setup_teardown(notification_event_releases_every_waiter_and_stays_set, setup, teardown),
        cmocka_unit_test_setup_teardown(zero_timeout_polls_without_waiting, setup, teardown),
        cmocka_unit_test_setup_teardown(relative_timeout_ends_the_wait_at_the_next_clock_tick, setup, teardown),
        cmocka_unit_test_setup_teardown(waiting_for_a_thread_ends_when_it_ends, setup, teardown),
        cmocka_unit_test_setup_teardown(wait_for_a_thread_times_out_while_it_runs_and_sees_its_exit_status, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(driver_entry_can_delay_though_its_thread_idles_in_a_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(thread_resumed_inside_another_driver_runs_as_its_own, setup, teardown),
        cmocka_unit_test_setup_teardown(system_destroyed_while_a_system_thread_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(system_thread_without_a_process_handle_runs_in_system, setup, teardown),
        cmocka_unit_test_setup_teardown(system_thread_lands_in_the_process_the_handle_names, setup, teardown),
        cmocka_unit_test_setup_teardown(code_not_yet_run_runs_at_the_first_tick_of_a_long_advance, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
