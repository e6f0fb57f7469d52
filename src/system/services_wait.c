/*
 * services_wait.c - NtDelayExecution and NtWaitForSingleObject: the caller
 * blocks on the clock or on an object (ke), holding the object while it waits.
 */
#include "ob/handles.h"
#include "system/service_table.h"
#include "system/system.h"
#include "system/user_buffer.h"

NTSTATUS sys_svc_delay_execution(ntsim_system *sys, const ULONG64 *a)
{
    LONG64 interval;
    NTSTATUS s = sys_in(sys, a[1], &interval, 8, 4);
    if (!NT_SUCCESS(s))
        return s;
    /* The thread now sleeps, unless the interval is zero or already past (it
       only yields); when it wakes the call returns STATUS_SUCCESS. */
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

