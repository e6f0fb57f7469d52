/*
 * cmd_token.c - `token query` (a process's user, integrity, elevation and
 * privileges, as whoami shows them) and `token privilege` (the process
 * adjusts its own token: NtOpenProcessToken, then NtAdjustPrivilegesToken,
 * as AdjustTokenPrivileges does).
 */
#include <string.h>

#include "binding.h"
#include "command.h"
#include "values.h"

static const char *elevation_name(TOKEN_ELEVATION_TYPE t)
{
    return t == TokenElevationTypeFull ? "full" : t == TokenElevationTypeLimited ? "limited" : "default";
}

NTSTATUS sim_cmd_token_query(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG pid;
    NTSIM_TOKEN_INFO ti;
    NTSTATUS s = sim_process_id(ctx, &a->pos[0], &pid);
    if (!NT_SUCCESS(s) || !NT_SUCCESS(s = ntsim_query_token(ctx->sys, pid, &ti)))
        return s;
    sim_put_int(r, "pid", pid);
    sim_put_str(r, "user", ti.user);
    sim_put_str(r, "sid", ti.sid);
    sim_put_str(r, "integrity", ntsim_integrity_name(ti.integrity));
    sim_put_str(r, "elevated", ti.elevated ? "on" : "off");
    sim_put_str(r, "elevation", elevation_name(ti.elevation_type));
    sim_put_int(r, "session", ti.session_id);
    sim_put_array(r, "privileges");
    for (ULONG luid = 0; luid < 64; luid++) {
        if (!(ti.present >> luid & 1))
            continue;
        sim_record *e = sim_array_add(r);
        sim_put_str(e, "name", ntsim_privilege_name(luid));
        sim_put_str(e, "enabled", ti.enabled >> luid & 1 ? "on" : "off");
    }
    return STATUS_SUCCESS;
}

NTSTATUS sim_cmd_token_privilege(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG pid;
    NTSTATUS s = sim_process_id(ctx, &a->pos[0], &pid);
    if (!NT_SUCCESS(s) || !NT_SUCCESS(s = sim_act_as_process(ctx, pid)))
        return s;
    ULONG luid = ntsim_privilege_value(a->pos[1].text);
    if (!luid)
        return STATUS_NO_SUCH_PRIVILEGE; /* LookupPrivilegeValue's answer */
    HANDLE token;
    s = NtOpenProcessToken(ctx->sys, NtCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &token);
    if (!NT_SUCCESS(s))
        return s;
    static const ULONG attributes[] = { SE_PRIVILEGE_ENABLED, 0, SE_PRIVILEGE_REMOVED };
    TOKEN_PRIVILEGES set = { 1, { { { luid, 0 }, attributes[a->pos[2].number] } } };
    struct {
        TOKEN_PRIVILEGES p;
        LUID_AND_ATTRIBUTES more[2];
    } previous;
    memset(&previous, 0, sizeof previous);
    ULONG length = 0;
    s = NtAdjustPrivilegesToken(ctx->sys, token, false, &set, sizeof previous, &previous.p, &length);
    NtClose(ctx->sys, token);
    if (!NT_SUCCESS(s))
        return s;
    NTSIM_TOKEN_INFO ti;
    ntsim_query_token(ctx->sys, pid, &ti);
    sim_put_str(r, "privilege", ntsim_privilege_name(luid));
    /* PreviousState lists a privilege only when the call changed it. */
    const char *before = previous.p.PrivilegeCount ? (previous.p.Privileges[0].Attributes & SE_PRIVILEGE_ENABLED
                                                          ? "enabled"
                                                          : "disabled")
                                                   : "unchanged";
    sim_put_str(r, "previous", s == STATUS_NOT_ALL_ASSIGNED ? "absent" : before);
    sim_put_str(r, "now", !(ti.present >> luid & 1) ? "absent" : ti.enabled >> luid & 1 ? "enabled" : "disabled");
    return s;
}
