/*
 * wait.c - waiting on dispatcher objects (KeWaitForMultipleObjects and the
 * wait test, KiWaitTest, in miniature). A wait-any is satisfied by the
 * lowest-index signaled object; a wait-all by all of them at once.
 * Satisfying a wait acquires: a semaphore's count drops by one, a
 * synchronization event resets; notification events, processes and threads
 * stay signaled.
 */
#include <stdlib.h>

#include "ke/context.h"
#include "ke/ke.h"
#include "ntsim/limits.h"
#include "ntsim/wdk.h"

static bool signaled(const DISPATCHER_HEADER *o)
{
    return o->Type != NonWaitableObject && o->SignalState > 0;
}

static void acquire(DISPATCHER_HEADER *o)
{
    if (o->Type == EventSynchronizationObject)
        o->SignalState = 0;
    else if (o->Type == SemaphoreObject)
        o->SignalState--;
}

static void link_block(ke_wait_block *b)
{
    DISPATCHER_HEADER *o = b->object;
    b->next = NULL;
    b->prev = o->WaitListTail;
    if (o->WaitListTail)
        o->WaitListTail->next = b;
    else
        o->WaitListHead = b;
    o->WaitListTail = b;
}

static void unlink_block(ke_wait_block *b)
{
    DISPATCHER_HEADER *o = b->object;
    if (b->prev)
        b->prev->next = b->next;
    else
        o->WaitListHead = b->next;
    if (b->next)
        b->next->prev = b->prev;
    else
        o->WaitListTail = b->prev;
    b->next = b->prev = NULL;
}

void ke_abandon_object_wait(ntsim_system *sys, ke_thread *t)
{
    if (!t->wait_blocks)
        return;
    for (ULONG i = 0; i < t->wait_count; i++)
        unlink_block(&t->wait_blocks[i]);
    t->wait_blocks = NULL;
    t->wait_count = 0;
    if (t->wait_done) {
        void (*done)(ntsim_system *, ke_thread *) = t->wait_done;
        t->wait_done = NULL;
        done(sys, t);
    }
}

/* The wait's outcome if it can be satisfied now (acquiring), else STATUS_PENDING. */
static NTSTATUS try_satisfy(ULONG count, DISPATCHER_HEADER **objects, bool wait_all)
{
    if (!wait_all) {
        for (ULONG i = 0; i < count; i++) {
            if (signaled(objects[i])) {
                acquire(objects[i]);
                return STATUS_WAIT_0 + (NTSTATUS)i;
            }
        }
        return STATUS_PENDING;
    }
    for (ULONG i = 0; i < count; i++)
        if (!signaled(objects[i]))
            return STATUS_PENDING;
    for (ULONG i = 0; i < count; i++)
        acquire(objects[i]);
    return STATUS_WAIT_0;
}

NTSTATUS ke_wait_for_objects(ntsim_system *sys, ke_thread *t, ULONG count, DISPATCHER_HEADER **objects, bool wait_all,
                             const LONG64 *timeout, ke_wait_block *blocks)
{
    if (count == 0 || count > NTSIM_MAX_WAIT_OBJECTS)
        return STATUS_INVALID_PARAMETER;
    if (!blocks) {
        if (count > KE_THREAD_WAIT_OBJECTS)
            return STATUS_INVALID_PARAMETER; /* a wait block array is required */
        blocks = t->builtin_blocks;
    }
    NTSTATUS s = try_satisfy(count, objects, wait_all);
    if (s != STATUS_PENDING)
        return s;
    s = ke_wait(sys, t, timeout);
    if (s != STATUS_SUCCESS)
        return s; /* STATUS_TIMEOUT: a zero timeout polls */
    for (ULONG i = 0; i < count; i++) {
        blocks[i] = (ke_wait_block){ .object = objects[i], .thread = t, .index = i };
        link_block(&blocks[i]);
    }
    t->wait_blocks = blocks;
    t->wait_count = count;
    t->wait_all = wait_all;
    return STATUS_PENDING;
}


void ke_wait_test(ntsim_system *sys, DISPATCHER_HEADER *o, KPRIORITY boost)
{
    /* Waiters in the order they began waiting, while the object stays signaled. */
    ke_wait_block *b = o->WaitListHead;
    while (b && signaled(o)) {
        ke_wait_block *next = b->next;
        ke_thread *t = b->thread;
        NTSTATUS s;
        if (!t->wait_all) {
            acquire(o);
            s = STATUS_WAIT_0 + (NTSTATUS)b->index;
        } else {
            DISPATCHER_HEADER *objs[64];
            for (ULONG i = 0; i < t->wait_count; i++)
                objs[i] = t->wait_blocks[i].object;
            s = try_satisfy(t->wait_count, objs, true);
        }
        if (s != STATUS_PENDING) {
            ke_unwait(sys, t, s, boost);
            next = o->WaitListHead; /* the list changed under us */
        }
        b = next;
    }
}

void ke_signal_object(ntsim_system *sys, DISPATCHER_HEADER *o)
{
    /* Processes and threads: signaled for good when they end. */
    o->SignalState = 1;
    ke_wait_test(sys, o, 0);
}

/* ---- the driver API ---------------------------------------------------------- */

/*
 * Kernel code that runs on behalf of a thread which is itself in a wait:
 * the System process's first thread idles waiting for work, yet DriverEntry,
 * unload routines and the outside client's requests run as it. It cannot
 * block a second time, so its wait runs the simulation forward, clock tick
 * by clock tick, testing the objects after each step, until they satisfy it
 * or the timeout passes (at a clock tick, as a timer would). Threads in a
 * real wait are served first when an object is signaled. Gives up after an
 * hour of virtual time, as other waits outside a system thread do.
 */
static NTSTATUS polled_wait(ntsim_system *sys, ULONG count, DISPATCHER_HEADER **objects, bool wait_all,
                            const LONG64 *timeout)
{
    uint64_t deadline = ke_deadline(sys, timeout);
    uint64_t limit = ke_state(sys)->time + NTSIM_NESTED_WAIT_HORIZON;
    for (;;) {
        ke_run_fibers(sys);
        NTSTATUS s = count ? try_satisfy(count, objects, wait_all) : STATUS_PENDING;
        if (s != STATUS_PENDING)
            return s;
        if (ke_state(sys)->time >= deadline)
            return STATUS_TIMEOUT;
        if (ke_state(sys)->sched.next_tick > limit) {
            DbgPrint("ntsim: a wait outside a system thread did not end within an hour of virtual time");
            return STATUS_TIMEOUT;
        }
        ke_advance(sys, ke_state(sys)->sched.next_tick);
    }
}

NTSTATUS KeWaitForMultipleObjects(ULONG Count, PVOID Object[], WAIT_TYPE WaitType, KWAIT_REASON WaitReason,
                                  KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Timeout,
                                  PKWAIT_BLOCK WaitBlockArray)
{
    (void)WaitReason;
    (void)WaitMode;
    (void)Alertable;
    ntsim_system *sys = ke_current_system("KeWaitForMultipleObjects");
    ke_thread *t = ke_state(sys)->current_thread;
    DISPATCHER_HEADER *objects[NTSIM_MAX_WAIT_OBJECTS];
    if (Count == 0 || Count > NTSIM_MAX_WAIT_OBJECTS)
        return STATUS_INVALID_PARAMETER;
    for (ULONG i = 0; i < Count; i++)
        objects[i] = (DISPATCHER_HEADER *)Object[i];
    const LONG64 *timeout = Timeout ? &Timeout->QuadPart : NULL;
    if (t->blocked && ke_deadline(sys, timeout) != ke_state(sys)->time)
        return polled_wait(sys, Count, objects, WaitType == WaitAll, timeout);
    t->wait_reason = (uint8_t)WaitReason;
    NTSTATUS s = ke_wait_for_objects(sys, t, Count, objects, WaitType == WaitAll, timeout,
                                     (ke_wait_block *)WaitBlockArray);
    return s == STATUS_PENDING ? ke_block_current(sys) : s;
}

NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                               PLARGE_INTEGER Timeout)
{
    return KeWaitForMultipleObjects(1, &Object, WaitAny, WaitReason, WaitMode, Alertable, Timeout, NULL);
}

NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Interval)
{
    (void)WaitMode;
    (void)Alertable;
    ntsim_system *sys = ke_current_system("KeDelayExecutionThread");
    const LONG64 *interval = &Interval->QuadPart;
    if (ke_deadline(sys, interval) == ke_state(sys)->time)
        return STATUS_SUCCESS; /* nothing to wait for */
    if (ke_state(sys)->current_thread->blocked) {
        polled_wait(sys, 0, NULL, false, interval);
        return STATUS_SUCCESS;
    }
    ke_state(sys)->current_thread->wait_reason = 4; /* DelayExecution */
    NTSTATUS s = ke_wait(sys, ke_state(sys)->current_thread, interval);
    if (s != STATUS_SUCCESS)
        return s;
    s = ke_block_current(sys);
    return s == STATUS_TIMEOUT ? STATUS_SUCCESS : s; /* a delay that ran out is a success */
}
