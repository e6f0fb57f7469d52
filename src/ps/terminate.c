/*
 * terminate.c - opening processes and threads by client ID, and ending them:
 * NtOpenProcess, NtOpenThread, NtTerminateProcess, NtTerminateThread, and
 * the simulator's ExitProcess / ExitThread.
 */
#include "ob/handles.h"
#include "ps/ps.h"

/*
 * The System process is protected: callers outside it get at most the
 * rights a protected process grants (query-limited and synchronize).
 */
static NTSTATUS grant(ntsim_system *sys, ps_process *target, const ob_type *type, ACCESS_MASK desired,
                      ACCESS_MASK limited, ACCESS_MASK *granted)
{
    ACCESS_MASK want = ob_map_access(type, desired);
    ps_process *caller = ps_current_process(sys);
    if (target->permanent && caller != target) {
        if (desired & MAXIMUM_ALLOWED)
            want = limited;
        if (want & ~limited)
            return STATUS_ACCESS_DENIED;
    }
    *granted = want;
    return STATUS_SUCCESS;
}

static NTSTATUS open_object(ntsim_system *sys, HANDLE *out, ob_header *object, ACCESS_MASK access)
{
    ULONG value;
    NTSTATUS s = ob_insert_handle(&ps_current_process(sys)->handles, object, access, &value);
    if (NT_SUCCESS(s))
        *out = (HANDLE)(uintptr_t)value;
    return s;
}

NTSTATUS ps_open_process(ntsim_system *sys, HANDLE *ProcessHandle, ACCESS_MASK DesiredAccess, const CLIENT_ID *ClientId)
{
    if (!ProcessHandle || !ClientId)
        return STATUS_INVALID_PARAMETER;
    *ProcessHandle = NULL;
    ps_process *p = ps_lookup_process(sys, ClientId->UniqueProcess);
    if (!p || p == ps_state(sys)->idle)
        return STATUS_INVALID_CID;
    if (ClientId->UniqueThread) {
        ps_thread *t = ps_lookup_thread(sys, ClientId->UniqueThread);
        if (!t || t->process != p)
            return STATUS_INVALID_CID;
    }
    ACCESS_MASK access;
    NTSTATUS s = grant(sys, p, &ps_process_type, DesiredAccess, PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, &access);
    if (!NT_SUCCESS(s))
        return s;
    s = open_object(sys, ProcessHandle, &p->header, access);
    if (NT_SUCCESS(s) && ke_state(sys)->sched.trace_handles) {
        /* What Sysmon's process-access event reports (sim --format sysmon). */
        ps_thread *opener = ps_current_thread(sys);
        ntsim_event e = { .kind = NTSIM_EVENT_PROCESS_ACCESS, .pid = p->pid, .creating_pid = opener->process->pid,
                          .creating_tid = opener->tid, .count = access };
        ke_deliver_event(sys, &e);
    }
    return s;
}

NTSTATUS ps_open_thread(ntsim_system *sys, HANDLE *ThreadHandle, ACCESS_MASK DesiredAccess, const CLIENT_ID *ClientId)
{
    if (!ThreadHandle || !ClientId)
        return STATUS_INVALID_PARAMETER;
    *ThreadHandle = NULL;
    ps_thread *t = ps_lookup_thread(sys, ClientId->UniqueThread);
    if (!t || (ClientId->UniqueProcess && t->process->pid != ClientId->UniqueProcess))
        return STATUS_INVALID_CID;
    ACCESS_MASK access;
    NTSTATUS s = grant(sys, t->process, &ps_thread_type, DesiredAccess, THREAD_QUERY_LIMITED_INFORMATION | SYNCHRONIZE,
                       &access);
    if (!NT_SUCCESS(s))
        return s;
    return open_object(sys, ThreadHandle, &t->header, access);
}

static NTSTATUS end_process(ntsim_system *sys, ps_process *p, NTSTATUS status)
{
    if (p->permanent)
        return STATUS_ACCESS_DENIED;
    if (p->exited)
        return STATUS_PROCESS_IS_TERMINATING;
    ps_terminate_process(sys, p, status);
    return STATUS_SUCCESS;
}

static NTSTATUS end_thread(ntsim_system *sys, ps_thread *t, NTSTATUS status)
{
    if (t->process->permanent)
        return STATUS_ACCESS_DENIED;
    if (t->terminated)
        return STATUS_THREAD_IS_TERMINATING;
    ps_terminate_thread(sys, t, status);
    return STATUS_SUCCESS;
}

NTSTATUS ps_terminate_process_handle(ntsim_system *sys, HANDLE ProcessHandle, NTSTATUS ExitStatus)
{
    ob_header *o;
    NTSTATUS s = ob_reference_by_handle(sys, ProcessHandle, PROCESS_TERMINATE, &ps_process_type, &o, NULL);
    if (!NT_SUCCESS(s))
        return s;
    s = end_process(sys, (ps_process *)o, ExitStatus);
    ob_dereference(sys, o);
    return s;
}

NTSTATUS ps_terminate_thread_handle(ntsim_system *sys, HANDLE ThreadHandle, NTSTATUS ExitStatus)
{
    ob_header *o;
    NTSTATUS s = ob_reference_by_handle(sys, ThreadHandle, THREAD_TERMINATE, &ps_thread_type, &o, NULL);
    if (!NT_SUCCESS(s))
        return s;
    s = end_thread(sys, (ps_thread *)o, ExitStatus);
    ob_dereference(sys, o);
    return s;
}

NTSTATUS ntsim_exit_process(ntsim_system *sys, ULONG pid, ULONG exit_code)
{
    ps_process *p = ps_lookup_process(sys, pid);
    if (!p)
        return STATUS_INVALID_CID;
    ob_reference(&p->header);
    NTSTATUS s = end_process(sys, p, (NTSTATUS)exit_code);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS ntsim_exit_thread(ntsim_system *sys, ULONG tid, ULONG exit_code)
{
    ps_thread *t = ps_lookup_thread(sys, tid);
    if (!t)
        return STATUS_INVALID_CID;
    ob_reference(&t->header);
    NTSTATUS s = end_thread(sys, t, (NTSTATUS)exit_code);
    ob_dereference(sys, &t->header);
    return s;
}
