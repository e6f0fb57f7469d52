/*
 * services_object.c - NtClose, NtDuplicateObject, NtOpenProcess and NtOpenThread: their
 * arguments captured from the caller, the work done by ob and ps.
 */
#include <string.h>

#include "ob/handles.h"
#include "system/service_table.h"
#include "system/system.h"
#include "system/user_buffer.h"

NTSTATUS sys_svc_close(ntsim_system *sys, const ULONG64 *a)
{
    return ob_close(sys, sys_handle(a[0]));
}

NTSTATUS sys_svc_duplicate_object(ntsim_system *sys, const ULONG64 *a)
{
    NTSTATUS s;
    if (a[3] && !NT_SUCCESS(s = sys_probe_out(sys, a[3], 8, 8)))
        return s;
    HANDLE target = NULL;
    s = ps_duplicate_object(sys, sys_handle(a[0]), sys_handle(a[1]), sys_handle(a[2]), a[3] ? &target : NULL, (ACCESS_MASK)a[4], (ULONG)a[5],
                            (ULONG)a[6]);
    if (NT_SUCCESS(s) && a[3]) {
        ULONG64 v = sys_handle_value(target);
        s = sys_out(sys, a[3], &v, 8);
    }
    return s;
}

/* OBJECT_ATTRIBUTES (x64: 48 bytes) and CLIENT_ID (16 bytes) of an open call. */
static NTSTATUS open_args(ntsim_system *sys, const ULONG64 *a, CLIENT_ID *cid)
{
    unsigned char oa[48];
    ULONG64 ids[2];
    NTSTATUS s = sys_probe_out(sys, a[0], 8, 8);
    if (NT_SUCCESS(s))
        s = sys_in(sys, a[2], oa, sizeof oa, 8);
    if (NT_SUCCESS(s) && a[3])
        s = sys_in(sys, a[3], ids, sizeof ids, 4);
    if (!NT_SUCCESS(s))
        return s;
    ULONG64 name;
    memcpy(&name, oa + 16, 8);
    /* Opening by client ID and by name at once is a parameter mix. */
    if (a[3] && name)
        return STATUS_INVALID_PARAMETER_MIX;
    if (!a[3])
        return STATUS_INVALID_PARAMETER; /* no object namespace to open by name */
    if (ids[0] > UINT32_MAX || ids[1] > UINT32_MAX)
        return STATUS_INVALID_CID;
    *cid = (CLIENT_ID){ (ULONG)ids[0], (ULONG)ids[1] };
    return STATUS_SUCCESS;
}

/* NtOpenProcess and NtOpenThread: the same arguments, a different object. */
static NTSTATUS open_by_cid(ntsim_system *sys, const ULONG64 *a,
                            NTSTATUS (*open)(ntsim_system *, HANDLE *, ACCESS_MASK, const CLIENT_ID *))
{
    CLIENT_ID cid;
    HANDLE handle;
    NTSTATUS s = open_args(sys, a, &cid);
    if (NT_SUCCESS(s))
        s = open(sys, &handle, (ACCESS_MASK)a[1], &cid);
    if (NT_SUCCESS(s)) {
        ULONG64 v = sys_handle_value(handle);
        s = sys_out(sys, a[0], &v, 8);
    }
    return s;
}

NTSTATUS sys_svc_open_process(ntsim_system *sys, const ULONG64 *a)
{
    return open_by_cid(sys, a, ps_open_process);
}

NTSTATUS sys_svc_open_thread(ntsim_system *sys, const ULONG64 *a)
{
    return open_by_cid(sys, a, ps_open_thread);
}

