/*
 * terminate.c - opening processes and threads by client ID, and ending them:
 * NtOpenProcess, NtOpenThread, NtTerminateProcess, NtTerminateThread, and
 * the simulator's ExitProcess / ExitThread.
 */
#include "ob/handles.h"
#include "ps/ps.h"

/*
 * The rights an open grants (PsOpenProcess, PsOpenThread). A kernel-mode
 * caller is not checked. A caller in user mode is checked against the
 * object's security descriptor with its process's token (docs/security.md);
 * SeDebugPrivilege, enabled, grants whatever is asked without the check.
 * Then a protected process (System) refuses a caller outside it anything
 * beyond the rights protection leaves (limited), whatever its token.
 * A query (set) right brings its limited form, as Windows adds it.
 */
NTSTATUS ps_grant_access(ntsim_system *sys, ob_header *object, ACCESS_MASK desired, ACCESS_MASK *granted)
{
    /* A process, or a thread (its process's protection, its own descriptor). */
    const ob_type *type = object->type;
    bool thread = type == &ps_thread_type;
    ps_process *target = thread ? ((ps_thread *)object)->process : (ps_process *)object;
    se_descriptor thread_sd;
    if (thread)
        ps_thread_descriptor((ps_thread *)object, &thread_sd);
    const se_descriptor *sd = thread ? &thread_sd : &target->descriptor;
    ACCESS_MASK limited = thread ? PS_PROTECTED_THREAD_ACCESS : PS_PROTECTED_PROCESS_ACCESS;
    ACCESS_MASK valid = se_valid_access(type);
    ps_process *caller = ps_current_process(sys);
    *granted = 0;
    if (ob_state(sys)->caller->kernel_mode(sys)) {
        *granted = desired & MAXIMUM_ALLOWED ? valid : ob_map_access(type, desired) & (valid | ACCESS_SYSTEM_SECURITY);
        return STATUS_SUCCESS;
    }
    ACCESS_MASK g;
    if (se_privilege_enabled(caller->token, SE_DEBUG_PRIVILEGE)) {
        /* Granted before the check, which then has nothing left to decide (MAXIMUM_ALLOWED: all rights). */
        g = desired & MAXIMUM_ALLOWED ? valid : ob_map_access(type, desired) & (valid | ACCESS_SYSTEM_SECURITY);
    } else {
        se_access_request r = { .token = caller->token, .sd = sd, .type = type, .desired = desired };
        NTSTATUS s = se_access_check(&r, &g);
        if (!NT_SUCCESS(s))
            return s;
    }
    if (target->permanent && caller != target) {
        if (desired & MAXIMUM_ALLOWED)
            g &= limited;
        if (!g || (g & ~limited))
            return STATUS_ACCESS_DENIED;
    }
    if (type == &ps_process_type) {
        if (g & PROCESS_QUERY_INFORMATION)
            g |= PROCESS_QUERY_LIMITED_INFORMATION;
        if (g & PROCESS_SET_INFORMATION)
            g |= PROCESS_SET_LIMITED_INFORMATION;
    } else {
        if (g & THREAD_QUERY_INFORMATION)
            g |= THREAD_QUERY_LIMITED_INFORMATION;
        if (g & THREAD_SET_INFORMATION)
            g |= THREAD_SET_LIMITED_INFORMATION;
    }
    *granted = g;
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
    NTSTATUS s = ps_grant_access(sys, &p->header, DesiredAccess, &access);
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
    NTSTATUS s = ps_grant_access(sys, &t->header, DesiredAccess, &access);
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
