/*
 * schedule.c - the process manager's side of scheduling: priority, affinity,
 * suspension and waits on a thread named by ID or by handle.
 */
#include <string.h>

#include "ob/handles.h"
#include "ps/ps.h"

static NTSTATUS movable(ntsim_system *sys, ULONG tid, ke_thread **out)
{
    ps_thread *t = ps_lookup_thread(sys, tid);
    if (!t)
        return STATUS_INVALID_CID;
    *out = &t->tcb;
    return STATUS_SUCCESS;
}

NTSTATUS ntsim_set_thread_priority(ntsim_system *sys, ULONG tid, KPRIORITY priority)
{
    ke_thread *t;
    NTSTATUS s = movable(sys, tid, &t);
    return NT_SUCCESS(s) ? ke_set_priority(sys, t, priority) : s;
}

NTSTATUS ntsim_set_thread_affinity(ntsim_system *sys, ULONG tid, KAFFINITY affinity)
{
    ke_thread *t;
    NTSTATUS s = movable(sys, tid, &t);
    return NT_SUCCESS(s) ? ke_set_affinity(sys, t, affinity) : s;
}

/* Suspend or resume by thread ID; *previous is 0 when the thread was not found. */
static NTSTATUS change_suspend_count_by_id(ntsim_system *sys, ULONG tid, ULONG *previous,
                                           NTSTATUS (*change)(ntsim_system *, ke_thread *, ULONG *))
{
    ke_thread *t;
    ULONG prev = 0;
    NTSTATUS s = movable(sys, tid, &t);
    if (NT_SUCCESS(s))
        s = change(sys, t, &prev);
    if (previous)
        *previous = prev;
    return s;
}

NTSTATUS ntsim_suspend_thread(ntsim_system *sys, ULONG tid, ULONG *previous)
{
    return change_suspend_count_by_id(sys, tid, previous, ke_suspend);
}

NTSTATUS ntsim_resume_thread(ntsim_system *sys, ULONG tid, ULONG *previous)
{
    return change_suspend_count_by_id(sys, tid, previous, ke_resume);
}

NTSTATUS ntsim_wait_thread(ntsim_system *sys, ULONG tid, uint64_t timeout)
{
    ke_thread *t;
    NTSTATUS s = movable(sys, tid, &t);
    if (!NT_SUCCESS(s))
        return s;
    /* 0 here is forever; a longer wait than a LONG64 can say never ends either
       (and is not negated: -2^63 has no positive twin). */
    bool forever = timeout == 0 || timeout > INT64_MAX;
    LONG64 relative = forever ? 0 : -(LONG64)timeout;
    t->wait_reason = 6; /* UserRequest: a scenario's thread waits as a user-mode wait does */
    return ke_wait(sys, t, forever ? NULL : &relative);
}

NTSTATUS ntsim_wake_thread(ntsim_system *sys, ULONG tid)
{
    ke_thread *t;
    NTSTATUS s = movable(sys, tid, &t);
    return NT_SUCCESS(s) ? ke_wake(sys, t) : s;
}

static NTSTATUS by_handle(ntsim_system *sys, HANDLE h, ACCESS_MASK access, ps_thread **t)
{
    ob_header *o;
    NTSTATUS s = ob_reference_by_handle(sys, h, access, &ps_thread_type, &o, NULL);
    *t = NT_SUCCESS(s) ? (ps_thread *)o : NULL;
    return s;
}

NTSTATUS ps_set_information_thread(ntsim_system *sys, HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
                                const void *ThreadInformation, ULONG ThreadInformationLength)
{
    ps_thread *t;
    NTSTATUS s;
    if (ThreadInformationClass == ThreadPriority) {
        KPRIORITY p;
        if (ThreadInformationLength != sizeof p)
            return STATUS_INFO_LENGTH_MISMATCH;
        memcpy(&p, ThreadInformation, sizeof p);
        if (!NT_SUCCESS(s = by_handle(sys, ThreadHandle, THREAD_SET_INFORMATION, &t)))
            return s;
        /* The real-time range (16 and up) needs SeIncreaseBasePriorityPrivilege from user mode. */
        if (p >= 16 && p <= 31 && !ob_state(sys)->caller->kernel_mode(sys) &&
            !se_privilege_enabled(ps_current_process(sys)->token, SE_INC_BASE_PRIORITY_PRIVILEGE))
            s = STATUS_PRIVILEGE_NOT_HELD;
        else
            s = ke_set_priority(sys, &t->tcb, p);
    } else if (ThreadInformationClass == ThreadAffinityMask) {
        KAFFINITY a;
        if (ThreadInformationLength != sizeof a)
            return STATUS_INFO_LENGTH_MISMATCH;
        memcpy(&a, ThreadInformation, sizeof a);
        if (!NT_SUCCESS(s = by_handle(sys, ThreadHandle, THREAD_SET_INFORMATION, &t)))
            return s;
        s = ke_set_affinity(sys, &t->tcb, a);
    } else {
        return STATUS_INVALID_INFO_CLASS;
    }
    ob_dereference(sys, &t->header);
    return s;
}

/* NtSuspendThread and NtResumeThread: the same checks around a different count change. */
static NTSTATUS change_suspend_count(ntsim_system *sys, HANDLE ThreadHandle, ULONG *PreviousSuspendCount,
                                     NTSTATUS (*change)(ntsim_system *, ke_thread *, ULONG *))
{
    ps_thread *t;
    ULONG prev = 0;
    NTSTATUS s = by_handle(sys, ThreadHandle, THREAD_SUSPEND_RESUME, &t);
    if (!NT_SUCCESS(s))
        return s;
    s = change(sys, &t->tcb, &prev);
    ob_dereference(sys, &t->header);
    if (NT_SUCCESS(s) && PreviousSuspendCount)
        *PreviousSuspendCount = prev;
    return s;
}

NTSTATUS ps_suspend_thread(ntsim_system *sys, HANDLE ThreadHandle, ULONG *PreviousSuspendCount)
{
    return change_suspend_count(sys, ThreadHandle, PreviousSuspendCount, ke_suspend);
}

NTSTATUS ps_resume_thread(ntsim_system *sys, HANDLE ThreadHandle, ULONG *PreviousSuspendCount)
{
    return change_suspend_count(sys, ThreadHandle, PreviousSuspendCount, ke_resume);
}
