/*
 * lookup.c - the process manager's API for drivers: the current process and
 * thread, referenced lookups by ID, IDs and exit statuses of objects, and
 * KeSetPriorityThread.
 */
#include "ke/context.h"
#include "ntsim/wdk.h"
#include "ps/ps.h"

static ntsim_system *sys_for(const char *api)
{
    return ke_current_system(api);
}

PETHREAD PsGetCurrentThread(void)
{
    return ps_current_thread(sys_for("PsGetCurrentThread"));
}

PEPROCESS PsGetCurrentProcess(void)
{
    return ps_current_thread(sys_for("PsGetCurrentProcess"))->process;
}

HANDLE PsGetCurrentProcessId(void)
{
    return ULongToHandle(PsGetCurrentProcess()->pid);
}

HANDLE PsGetCurrentThreadId(void)
{
    return ULongToHandle(PsGetCurrentThread()->tid);
}

HANDLE PsGetProcessId(PEPROCESS Process)
{
    return ULongToHandle(Process->pid);
}

HANDLE PsGetThreadId(PETHREAD Thread)
{
    return ULongToHandle(Thread->tid);
}

HANDLE PsGetThreadProcessId(PETHREAD Thread)
{
    return ULongToHandle(Thread->process->pid);
}

NTSTATUS PsGetProcessExitStatus(PEPROCESS Process)
{
    return Process->exit_status;
}

NTSTATUS PsGetThreadExitStatus(PETHREAD Thread)
{
    return Thread->exit_status;
}

NTSTATUS PsLookupProcessByProcessId(HANDLE ProcessId, PEPROCESS *Process)
{
    ps_process *p = ps_lookup_process(sys_for("PsLookupProcessByProcessId"), HandleToULong(ProcessId));
    *Process = NULL;
    if (!p)
        return STATUS_INVALID_CID;
    ob_reference(&p->header);
    *Process = p;
    return STATUS_SUCCESS;
}

NTSTATUS PsLookupThreadByThreadId(HANDLE ThreadId, PETHREAD *Thread)
{
    ps_thread *t = ps_lookup_thread(sys_for("PsLookupThreadByThreadId"), HandleToULong(ThreadId));
    *Thread = NULL;
    if (!t)
        return STATUS_INVALID_CID;
    ob_reference(&t->header);
    *Thread = t;
    return STATUS_SUCCESS;
}

void ObReferenceObject(PVOID Object)
{
    ob_reference(ob_header_of(Object));
}

void ObDereferenceObject(PVOID Object)
{
    ob_dereference(sys_for("ObDereferenceObject"), ob_header_of(Object));
}

KPRIORITY KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority)
{
    KPRIORITY old = Thread->tcb.priority;
    ke_set_priority(sys_for("KeSetPriorityThread"), &Thread->tcb, Priority);
    return old;
}
