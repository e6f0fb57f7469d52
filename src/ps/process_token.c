/*
 * process_token.c - a process's primary token and security descriptor: the
 * token a new process gets (its creator's, duplicated, or a logon's when
 * the scenario names a user), NtOpenProcessToken's process side, and the
 * token as tools see it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ob/handles.h"
#include "ps/ps.h"

/* Processes and threads carry the label's no-write-up and no-read-up policy. */
#define PROCESS_LABEL_POLICY (SYSTEM_MANDATORY_LABEL_NO_WRITE_UP | SYSTEM_MANDATORY_LABEL_NO_READ_UP)

void ps_set_token(ps_process *p, se_token *token)
{
    ob_reference(&token->header);
    p->token = token;
    se_default_descriptor(token, &ps_process_type, PROCESS_LABEL_POLICY, &p->descriptor);
}

void ps_thread_descriptor(const ps_thread *t, se_descriptor *sd)
{
    se_default_descriptor(t->process->token, &ps_thread_type, PROCESS_LABEL_POLICY, sd);
}

/*
 * The creator's token, duplicated, as CreateProcess gives it; a logon's
 * (se_create_token) when the scenario names a user or elevation, or when
 * the creator is the System process (ntsim has no winlogon: its user
 * processes are the scenario's, and they run as the interactive user).
 * A lower integrity than the creator's is CreateProcess with a lowered
 * token; a higher one needs SeTcbPrivilege, as raising a token's label does.
 */
NTSTATUS ps_new_process_token(ntsim_system *sys, const ps_process *creator, const NTSIM_PROCESS_PARAMS *params,
                              se_token **out)
{
    const se_token *from = creator->token;
    ULONG integrity = 0;
    bool has_integrity = params->integrity != NULL;
    if (has_integrity && !ntsim_integrity_value(params->integrity, &integrity))
        return STATUS_INVALID_PARAMETER;
    bool logon = params->user || params->elevated || creator == ps_state(sys)->system_process ||
                 creator == ps_state(sys)->idle;
    NTSTATUS s;
    uint64_t add = params->privileges | (params->lock_memory_privilege ? 1ull << SE_LOCK_MEMORY_PRIVILEGE : 0);
    if (logon) {
        char name[64] = SE_DEFAULT_USER;
        if (params->user) {
            snprintf(name, sizeof name, "%s", params->user);
        } else if (creator != ps_state(sys)->system_process && creator != ps_state(sys)->idle) {
            /* Elevation of the creator's own user. */
            se_sid_account_name(sys, &from->user, name, sizeof name);
            const char *slash = strchr(name, '\\');
            if (slash)
                memmove(name, slash + 1, strlen(slash));
        }
        bool system = se_is_system_name(name);
        se_token_params tp = {
            .user = name,
            .integrity = has_integrity ? integrity
                         : system      ? SECURITY_MANDATORY_SYSTEM_RID
                         : params->elevated ? SECURITY_MANDATORY_HIGH_RID
                                            : SECURITY_MANDATORY_MEDIUM_RID,
            .elevated = params->elevated && !system,
            .add_present = params->privileges,
            .add_enabled = params->lock_memory_privilege ? 1ull << SE_LOCK_MEMORY_PRIVILEGE : 0,
        };
        return se_create_token(sys, &tp, out);
    }
    if (has_integrity && integrity > from->integrity && !se_privilege_enabled(from, SE_TCB_PRIVILEGE))
        return STATUS_PRIVILEGE_NOT_HELD;
    se_token *t;
    if (!NT_SUCCESS(s = se_duplicate_token(sys, from, &t)))
        return s;
    if (has_integrity)
        se_set_integrity(t, integrity);
    if (has_integrity && integrity > t->integrity) {
        /* SeTcbPrivilege raised it: the label group and the descriptor say so. */
        t->integrity = integrity;
        se_sid_integrity(&t->groups[t->group_count - 1].sid, integrity);
        t->descriptor.label = integrity;
    }
    t->present |= add;
    if (params->lock_memory_privilege)
        t->enabled |= 1ull << SE_LOCK_MEMORY_PRIVILEGE;
    *out = t;
    return STATUS_SUCCESS;
}

NTSTATUS ntsim_query_token(ntsim_system *sys, ULONG pid, NTSIM_TOKEN_INFO *info)
{
    ps_process *p = ps_lookup_process(sys, pid);
    if (!info)
        return STATUS_INVALID_PARAMETER;
    if (!p)
        return STATUS_INVALID_CID;
    const se_token *t = p->token;
    memset(info, 0, sizeof *info);
    se_sid_account_name(sys, &t->user, info->user, sizeof info->user);
    se_sid_format(&t->user, info->sid, sizeof info->sid);
    info->integrity = t->integrity;
    info->elevated = t->elevated;
    info->elevation_type = t->elevation_type;
    info->session_id = t->session_id;
    info->logon_id = t->authentication_id.LowPart;
    info->present = t->present;
    info->enabled = t->enabled;
    return STATUS_SUCCESS;
}

#define OBJ_INHERIT 0x00000002u
#define OBJ_KERNEL_HANDLE_ATTRIBUTE 0x00000200u

/*
 * NtOpenProcessTokenEx: PROCESS_QUERY_LIMITED_INFORMATION on the process,
 * then the token's own descriptor decides (the caller's token, its
 * integrity against the token's label; SeDebugPrivilege does not apply).
 * A kernel-mode caller is not checked and may ask for a kernel handle.
 */
NTSTATUS ps_open_process_token(ntsim_system *sys, HANDLE ProcessHandle, ACCESS_MASK DesiredAccess,
                               ULONG HandleAttributes, HANDLE *TokenHandle)
{
    *TokenHandle = NULL;
    bool kernel = ob_state(sys)->caller->kernel_mode(sys);
    if (HandleAttributes & ~(OBJ_INHERIT | OBJ_KERNEL_HANDLE_ATTRIBUTE))
        return STATUS_INVALID_PARAMETER;
    ob_header *o;
    NTSTATUS s = ob_reference_by_handle(sys, ProcessHandle, PROCESS_QUERY_LIMITED_INFORMATION, &ps_process_type, &o,
                                        NULL);
    if (!NT_SUCCESS(s))
        return s;
    se_token *token = ((ps_process *)o)->token;
    ACCESS_MASK granted;
    if (kernel) {
        granted = DesiredAccess & MAXIMUM_ALLOWED ? se_valid_access(&se_token_type)
                                                 : ob_map_access(&se_token_type, DesiredAccess);
    } else {
        se_access_request r = { .token = ps_current_process(sys)->token, .sd = &token->descriptor,
                                .type = &se_token_type, .desired = DesiredAccess };
        s = se_access_check(&r, &granted);
    }
    if (NT_SUCCESS(s)) {
        ULONG value;
        bool in_kernel = kernel && (HandleAttributes & OBJ_KERNEL_HANDLE_ATTRIBUTE);
        ob_handle_table *table = in_kernel ? ob_state(sys)->kernel_table : &ps_current_process(sys)->handles;
        s = ob_insert_handle(table, &token->header, granted, &value);
        if (NT_SUCCESS(s))
            *TokenHandle = in_kernel ? ob_kernel_handle(value) : (HANDLE)(uintptr_t)value;
    }
    ob_dereference(sys, o);
    return s;
}
