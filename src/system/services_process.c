/*
 * services_process.c - the process and thread services: terminate, suspend,
 * resume, set information, create a thread, query a process or a thread.
 */
#include <string.h>

#include "ob/handles.h"
#include "system/service_table.h"
#include "system/system.h"
#include "system/user_buffer.h"

NTSTATUS sys_svc_terminate_process(ntsim_system *sys, const ULONG64 *a)
{
    return ps_terminate_process_handle(sys, sys_handle(a[0]), (NTSTATUS)a[1]);
}

NTSTATUS sys_svc_terminate_thread(ntsim_system *sys, const ULONG64 *a)
{
    return ps_terminate_thread_handle(sys, sys_handle(a[0]), (NTSTATUS)a[1]);
}

static NTSTATUS suspend_resume(ntsim_system *sys, const ULONG64 *a, bool suspend)
{
    NTSTATUS s;
    if (a[1] && !NT_SUCCESS(s = sys_probe_out(sys, a[1], 4, 4)))
        return s;
    ULONG prev;
    s = suspend ? ps_suspend_thread(sys, sys_handle(a[0]), &prev) : ps_resume_thread(sys, sys_handle(a[0]), &prev);
    if (NT_SUCCESS(s) && a[1])
        s = sys_out(sys, a[1], &prev, 4);
    return s;
}

NTSTATUS sys_svc_suspend_thread(ntsim_system *sys, const ULONG64 *a)
{
    return suspend_resume(sys, a, true);
}

NTSTATUS sys_svc_resume_thread(ntsim_system *sys, const ULONG64 *a)
{
    return suspend_resume(sys, a, false);
}

NTSTATUS sys_svc_set_information_thread(ntsim_system *sys, const ULONG64 *a)
{
    unsigned char buf[8];
    ULONG len = (ULONG)a[3];
    if (len > sizeof buf)
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS s = sys_in(sys, a[2], buf, len, len >= 8 ? 8 : 4);
    if (!NT_SUCCESS(s))
        return s;
    return ps_set_information_thread(sys, sys_handle(a[0]), (THREADINFOCLASS)a[1], buf, len);
}

NTSTATUS sys_svc_create_thread_ex(ntsim_system *sys, const ULONG64 *a)
{
    NTSTATUS s = sys_probe_out(sys, a[0], 8, 8);
    if (!NT_SUCCESS(s))
        return s;
    ob_header *o;
    s = ob_reference_by_handle(sys, sys_handle(a[3]), PROCESS_CREATE_THREAD, &ps_process_type, &o, NULL);
    if (!NT_SUCCESS(s))
        return s;
    /* The handle's place first: once the thread exists, nothing may fail for want of memory. */
    ob_handle_table *table = &ps_current_process(sys)->handles;
    if (!ob_handle_reserve(table)) {
        ob_dereference(sys, o);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    /* StackSize is the commit, MaximumStackSize the reserve. */
    ps_thread *t;
    s = ps_create_thread(sys, (ps_process *)o, a[4], a[8], a[9], (a[6] & THREAD_CREATE_FLAGS_CREATE_SUSPENDED) != 0,
                         &t);
    if (NT_SUCCESS(s)) {
        ULONG value;
        s = ob_insert_handle(table, &t->header, ob_map_access(&ps_thread_type, (ACCESS_MASK)a[1]), &value);
        ULONG64 v = value;
        if (NT_SUCCESS(s))
            s = sys_out(sys, a[0], &v, 8);
    }
    ob_dereference(sys, o);
    return s;
}

/* PROCESS_BASIC_INFORMATION, x64 layout (48 bytes). */
static void put_basic_information(unsigned char *b, const ps_process *p)
{
    ULONG64 peb = p->peb, affinity = 0, pid = p->pid, ppid = p->ppid;
    LONG exit_status = p->exit_status, priority = 8;
    memset(b, 0, 48);
    memcpy(b + 0, &exit_status, 4);
    memcpy(b + 8, &peb, 8);
    memcpy(b + 16, &affinity, 8);
    memcpy(b + 24, &priority, 4);
    memcpy(b + 32, &pid, 8);
    memcpy(b + 40, &ppid, 8);
}

/* ProcessWow64Information: the WOW64 PEB's address (a ULONG_PTR), 0 for a native process. */
static void put_wow64_information(unsigned char *b, const ps_process *p)
{
    ULONG64 peb32 = p->wow64 ? p->peb : 0; /* the model's one PEB of a WOW64 process is its 32-bit one */
    memcpy(b, &peb32, 8);
}

/* One class's record about a process or thread, filled into b (48 bytes at most). */
typedef void fill_information(unsigned char *b, const ob_header *o, ULONG64 info_class);

/*
 * The shape of NtQueryInformationProcess/Thread for fixed-size classes
 * (arguments: handle, class, buffer, length, return length): the length
 * must be the class's, the buffers writable, the handle one of `type` with
 * a query right; then the record, and its length.
 */
static NTSTATUS query_information(ntsim_system *sys, const ULONG64 *a, ULONG len, const ob_type *type,
                                  ACCESS_MASK query_rights, fill_information *fill)
{
    if (a[3] != len)
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS s = sys_probe_out(sys, a[2], len, 8);
    if (NT_SUCCESS(s) && a[4])
        s = sys_probe_out(sys, a[4], 4, 4);
    if (!NT_SUCCESS(s))
        return s;
    ob_header *o;
    ACCESS_MASK granted;
    s = ob_reference_by_handle(sys, sys_handle(a[0]), 0, type, &o, &granted);
    if (!NT_SUCCESS(s))
        return s;
    if (!(granted & query_rights)) {
        ob_dereference(sys, o);
        return STATUS_ACCESS_DENIED;
    }
    unsigned char b[48];
    fill(b, o, a[1]);
    ob_dereference(sys, o);
    s = sys_out(sys, a[2], b, len);
    if (NT_SUCCESS(s) && a[4])
        s = sys_out(sys, a[4], &len, 4);
    return s;
}

static void fill_process(unsigned char *b, const ob_header *o, ULONG64 info_class)
{
    if (info_class == ProcessBasicInformation)
        put_basic_information(b, (const ps_process *)o);
    else
        put_wow64_information(b, (const ps_process *)o);
}

NTSTATUS sys_svc_query_information_process(ntsim_system *sys, const ULONG64 *a)
{
    ULONG len;
    if (a[1] == ProcessBasicInformation)
        len = 48;
    else if (a[1] == ProcessWow64Information)
        len = 8;
    else
        return STATUS_INVALID_INFO_CLASS;
    return query_information(sys, a, len, &ps_process_type,
                             PROCESS_QUERY_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION, fill_process);
}

/* THREAD_BASIC_INFORMATION, x64 layout (48 bytes). */
static void put_thread_information(unsigned char *b, const ps_thread *t)
{
    LONG exit_status = t->exit_status, priority = t->tcb.priority, base = t->tcb.base_priority;
    ULONG64 teb = t->teb, pid = t->process->pid, tid = t->tid, affinity = t->tcb.affinity;
    memset(b, 0, 48);
    memcpy(b + 0, &exit_status, 4);
    memcpy(b + 8, &teb, 8);
    memcpy(b + 16, &pid, 8);
    memcpy(b + 24, &tid, 8);
    memcpy(b + 32, &affinity, 8);
    memcpy(b + 40, &priority, 4);
    memcpy(b + 44, &base, 4);
}

static void fill_thread(unsigned char *b, const ob_header *o, ULONG64 info_class)
{
    (void)info_class;
    put_thread_information(b, (const ps_thread *)o);
}

NTSTATUS sys_svc_query_information_thread(ntsim_system *sys, const ULONG64 *a)
{
    if (a[1] != ThreadBasicInformation)
        return STATUS_INVALID_INFO_CLASS;
    return query_information(sys, a, 48, &ps_thread_type, THREAD_QUERY_INFORMATION | THREAD_QUERY_LIMITED_INFORMATION,
                             fill_thread);
}
