/*
 * services_token.c - NtOpenProcessToken(Ex), NtQueryInformationToken and
 * NtAdjustPrivilegesToken: their arguments captured from the caller, the
 * work done by ps and se.
 */
#include <string.h>

#include "ob/handles.h"
#include "system/service_table.h"
#include "system/system.h"
#include "system/user_buffer.h"

static NTSTATUS open_token(ntsim_system *sys, HANDLE process, ACCESS_MASK access, ULONG attributes, ULONG64 out)
{
    NTSTATUS s = sys_probe_out(sys, out, 8, 8);
    if (!NT_SUCCESS(s))
        return s;
    HANDLE h;
    s = ps_open_process_token(sys, process, access, attributes, &h);
    if (NT_SUCCESS(s)) {
        ULONG64 v = sys_handle_value(h);
        s = sys_out(sys, out, &v, 8);
    }
    return s;
}

NTSTATUS sys_svc_open_process_token(ntsim_system *sys, const ULONG64 *a)
{
    return open_token(sys, sys_handle(a[0]), (ACCESS_MASK)a[1], 0, a[2]);
}

NTSTATUS sys_svc_open_process_token_ex(ntsim_system *sys, const ULONG64 *a)
{
    return open_token(sys, sys_handle(a[0]), (ACCESS_MASK)a[1], (ULONG)a[2], a[3]);
}

/* The largest answer: TokenGroups with every group of a token. */
#define QUERY_MAX (8 + 16 * SE_MAX_GROUPS + SE_MAX_GROUPS * (8 + 4 * SE_MAX_SUB))

NTSTATUS sys_svc_query_information_token(ntsim_system *sys, const ULONG64 *a)
{
    ULONG length = (ULONG)a[3];
    NTSTATUS s = sys_probe_range(sys, a[2], length, 4);
    if (NT_SUCCESS(s) && a[4])
        s = sys_probe_out(sys, a[4], 4, 4);
    if (!NT_SUCCESS(s))
        return s;
    ob_header *o;
    s = ob_reference_by_handle(sys, sys_handle(a[0]), TOKEN_QUERY, &se_token_type, &o, NULL);
    if (!NT_SUCCESS(s))
        return s;
    unsigned char buf[QUERY_MAX];
    ULONG needed = 0;
    s = se_query_token((se_token *)o, (TOKEN_INFORMATION_CLASS)a[1], a[2], buf, length < sizeof buf ? length : sizeof buf,
                       &needed);
    ob_dereference(sys, o);
    if (s == STATUS_INVALID_INFO_CLASS)
        return s;
    NTSTATUS w = a[4] ? sys_out(sys, a[4], &needed, 4) : STATUS_SUCCESS;
    if (NT_SUCCESS(s) && NT_SUCCESS(w))
        w = sys_out(sys, a[2], buf, needed);
    return NT_SUCCESS(w) ? s : w;
}

#define ADJUST_MAX 64

NTSTATUS sys_svc_adjust_privileges_token(ntsim_system *sys, const ULONG64 *a)
{
    bool disable_all = (UCHAR)a[1] != 0;
    ULONG64 new_state = a[2], previous_state = a[4];
    ULONG buffer_length = (ULONG)a[3];
    LUID_AND_ATTRIBUTES entries[ADJUST_MAX], previous[ADJUST_MAX];
    ULONG count = 0;
    NTSTATUS s = STATUS_SUCCESS;
    if (!disable_all) {
        if (!new_state)
            return STATUS_INVALID_PARAMETER;
        if (!NT_SUCCESS(s = sys_in(sys, new_state, &count, 4, 4)))
            return s;
        if (count > ADJUST_MAX)
            return STATUS_INVALID_PARAMETER; /* more entries than privileges exist */
        if (count && !NT_SUCCESS(s = sys_in(sys, new_state + 4, entries, 12 * count, 4)))
            return s;
    }
    if (previous_state && !NT_SUCCESS(s = sys_probe_range(sys, previous_state, buffer_length, 4)))
        return s;
    if (a[5] && !NT_SUCCESS(s = sys_probe_out(sys, a[5], 4, 4)))
        return s;
    ob_header *o;
    s = ob_reference_by_handle(sys, sys_handle(a[0]), TOKEN_ADJUST_PRIVILEGES | (previous_state ? TOKEN_QUERY : 0),
                               &se_token_type, &o, NULL);
    if (!NT_SUCCESS(s))
        return s;
    se_token *t = (se_token *)o;
    ULONG changed;
    se_adjust_privileges(t, disable_all, entries, count, previous, &changed, false);
    ULONG needed = 4 + 12 * changed;
    NTSTATUS w = STATUS_SUCCESS;
    if (previous_state && buffer_length < needed) {
        /* Too small a PreviousState: nothing changes, the size needed is told. */
        s = STATUS_BUFFER_TOO_SMALL;
    } else {
        s = se_adjust_privileges(t, disable_all, entries, count, previous, &changed, true);
        if (previous_state) {
            w = sys_out(sys, previous_state, &changed, 4);
            if (NT_SUCCESS(w) && changed)
                w = sys_out(sys, previous_state + 4, previous, 12 * changed);
        }
    }
    ob_dereference(sys, o);
    if (a[5] && NT_SUCCESS(w))
        w = sys_out(sys, a[5], &needed, 4);
    return NT_SUCCESS(w) ? s : w;
}
