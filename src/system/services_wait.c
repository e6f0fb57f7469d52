/*
 * services_wait.c - NtDelayExecution, NtWaitForSingleObject and
 * NtWaitForMultipleObjects: the caller blocks on the clock or on objects
 * (ke), holding the objects while it waits.
 */
#include "ob/handles.h"
#include "system/service_table.h"
#include "system/system.h"
#include "rtl/alloc.h"
#include "system/user_buffer.h"

NTSTATUS sys_svc_delay_execution(ntsim_system *sys, const ULONG64 *a)
{
    LONG64 interval;
    NTSTATUS s = sys_in(sys, a[1], &interval, 8, 4);
    if (!NT_SUCCESS(s))
        return s;
    /* The thread now sleeps, unless the interval is zero or already past (it
       only yields); when it wakes the call returns STATUS_SUCCESS. */
    ps_current_thread(sys)->tcb.wait_reason = 4; /* DelayExecution */
    s = ke_wait(sys, &ps_current_thread(sys)->tcb, &interval);
    return NT_SUCCESS(s) || s == STATUS_TIMEOUT ? STATUS_SUCCESS : s;
}

static void drop_wait_reference(ntsim_system *sys, ke_thread *t)
{
    ps_thread *thread = CONTAINING_RECORD(t, ps_thread, tcb);
    ob_header *o = thread->wait_reference;
    thread->wait_reference = NULL;
    if (o)
        ob_dereference(sys, o);
}

NTSTATUS sys_svc_wait_for_single_object(ntsim_system *sys, const ULONG64 *a)
{
    LONG64 timeout = 0;
    NTSTATUS s;
    if (a[2] && !NT_SUCCESS(s = sys_in(sys, a[2], &timeout, 8, 4)))
        return s;
    ob_header *o;
    s = ob_reference_by_handle(sys, sys_handle(a[0]), SYNCHRONIZE, NULL, &o, NULL);
    if (!NT_SUCCESS(s))
        return s;
    if (o->dispatch.Type == NonWaitableObject) {
        ob_dereference(sys, o);
        return STATUS_OBJECT_TYPE_MISMATCH;
    }
    ps_thread *self = ps_current_thread(sys);
    DISPATCHER_HEADER *d = &o->dispatch;
    self->tcb.wait_reason = 6; /* UserRequest */
    s = ke_wait_for_objects(sys, &self->tcb, 1, &d, false, a[2] ? &timeout : NULL, NULL);
    if (s == STATUS_PENDING) {
        /* The waiting thread holds the object until its wait ends. */
        self->wait_reference = o;
        self->tcb.wait_done = drop_wait_reference;
    } else {
        ob_dereference(sys, o);
    }
    return s;
}


/* A multiple wait's objects, held while it waits, and its wait blocks. */
typedef struct multiple_wait {
    ULONG count;
    ob_header *objects[NTSIM_MAX_WAIT_OBJECTS];
    ke_wait_block blocks[NTSIM_MAX_WAIT_OBJECTS];
} multiple_wait;

static void free_multiple_wait(ntsim_system *sys, multiple_wait *w)
{
    for (ULONG i = 0; i < w->count; i++)
        ob_dereference(sys, w->objects[i]);
    rtl_free(w);
}

static void drop_multiple_wait(ntsim_system *sys, ke_thread *t)
{
    ps_thread *thread = CONTAINING_RECORD(t, ps_thread, tcb);
    multiple_wait *w = thread->multiple_wait;
    thread->multiple_wait = NULL;
    if (w)
        free_multiple_wait(sys, w);
}

/* Each handle's object, referenced with SYNCHRONIZE and waitable. */
static NTSTATUS reference_objects(ntsim_system *sys, const ULONG64 *handles, multiple_wait *w, bool wait_all)
{
    for (ULONG i = 0; i < w->count; i++) {
        ob_header *o;
        NTSTATUS s = ob_reference_by_handle(sys, sys_handle(handles[i]), SYNCHRONIZE, NULL, &o, NULL);
        if (!NT_SUCCESS(s))
            return s;
        w->objects[i] = o;
        if (o->dispatch.Type == NonWaitableObject) {
            w->count = i + 1;
            return STATUS_OBJECT_TYPE_MISMATCH;
        }
        /* Wait-all on one object twice could never be satisfied as one acquire. */
        for (ULONG j = 0; wait_all && j < i; j++) {
            if (w->objects[j] == o) {
                w->count = i + 1;
                return STATUS_INVALID_PARAMETER_MIX;
            }
        }
    }
    return STATUS_SUCCESS;
}

NTSTATUS sys_svc_wait_for_multiple_objects(ntsim_system *sys, const ULONG64 *a)
{
    ULONG count = (ULONG)a[0];
    if (count == 0 || count > NTSIM_MAX_WAIT_OBJECTS)
        return STATUS_INVALID_PARAMETER_1;
    if (a[2] != WaitAll && a[2] != WaitAny)
        return STATUS_INVALID_PARAMETER_3;
    ULONG64 handles[NTSIM_MAX_WAIT_OBJECTS];
    LONG64 timeout = 0;
    NTSTATUS s = sys_in(sys, a[1], handles, count * sizeof handles[0], 8);
    if (NT_SUCCESS(s) && a[4])
        s = sys_in(sys, a[4], &timeout, 8, 4);
    if (!NT_SUCCESS(s))
        return s;
    multiple_wait *w = rtl_zalloc(sizeof *w);
    if (!w)
        return STATUS_INSUFFICIENT_RESOURCES;
    bool wait_all = a[2] == WaitAll;
    w->count = count;
    s = reference_objects(sys, handles, w, wait_all);
    if (!NT_SUCCESS(s)) {
        for (ULONG i = 0; i < w->count && w->objects[i]; i++)
            ob_dereference(sys, w->objects[i]);
        rtl_free(w);
        return s;
    }
    DISPATCHER_HEADER *objects[NTSIM_MAX_WAIT_OBJECTS];
    for (ULONG i = 0; i < count; i++)
        objects[i] = &w->objects[i]->dispatch;
    ps_thread *self = ps_current_thread(sys);
    self->tcb.wait_reason = 6; /* UserRequest */
    s = ke_wait_for_objects(sys, &self->tcb, count, objects, wait_all, a[4] ? &timeout : NULL, w->blocks);
    if (s == STATUS_PENDING) {
        self->multiple_wait = w;
        self->tcb.wait_done = drop_multiple_wait;
    } else {
        free_multiple_wait(sys, w);
    }
    return s;
}
