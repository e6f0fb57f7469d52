/*
 * privilege.c - the privileges' names by LUID (LookupPrivilegeName /
 * LookupPrivilegeValue), and the sets a token starts with.
 */
#include <string.h>
#include <strings.h>

#include "se/se.h"

static const char *const names[SE_MAX_WELL_KNOWN_PRIVILEGE + 1] = {
    [SE_CREATE_TOKEN_PRIVILEGE] = "SeCreateTokenPrivilege",
    [SE_ASSIGNPRIMARYTOKEN_PRIVILEGE] = "SeAssignPrimaryTokenPrivilege",
    [SE_LOCK_MEMORY_PRIVILEGE] = "SeLockMemoryPrivilege",
    [SE_INCREASE_QUOTA_PRIVILEGE] = "SeIncreaseQuotaPrivilege",
    [SE_MACHINE_ACCOUNT_PRIVILEGE] = "SeMachineAccountPrivilege",
    [SE_TCB_PRIVILEGE] = "SeTcbPrivilege",
    [SE_SECURITY_PRIVILEGE] = "SeSecurityPrivilege",
    [SE_TAKE_OWNERSHIP_PRIVILEGE] = "SeTakeOwnershipPrivilege",
    [SE_LOAD_DRIVER_PRIVILEGE] = "SeLoadDriverPrivilege",
    [SE_SYSTEM_PROFILE_PRIVILEGE] = "SeSystemProfilePrivilege",
    [SE_SYSTEMTIME_PRIVILEGE] = "SeSystemtimePrivilege",
    [SE_PROF_SINGLE_PROCESS_PRIVILEGE] = "SeProfileSingleProcessPrivilege",
    [SE_INC_BASE_PRIORITY_PRIVILEGE] = "SeIncreaseBasePriorityPrivilege",
    [SE_CREATE_PAGEFILE_PRIVILEGE] = "SeCreatePagefilePrivilege",
    [SE_CREATE_PERMANENT_PRIVILEGE] = "SeCreatePermanentPrivilege",
    [SE_BACKUP_PRIVILEGE] = "SeBackupPrivilege",
    [SE_RESTORE_PRIVILEGE] = "SeRestorePrivilege",
    [SE_SHUTDOWN_PRIVILEGE] = "SeShutdownPrivilege",
    [SE_DEBUG_PRIVILEGE] = "SeDebugPrivilege",
    [SE_AUDIT_PRIVILEGE] = "SeAuditPrivilege",
    [SE_SYSTEM_ENVIRONMENT_PRIVILEGE] = "SeSystemEnvironmentPrivilege",
    [SE_CHANGE_NOTIFY_PRIVILEGE] = "SeChangeNotifyPrivilege",
    [SE_REMOTE_SHUTDOWN_PRIVILEGE] = "SeRemoteShutdownPrivilege",
    [SE_UNDOCK_PRIVILEGE] = "SeUndockPrivilege",
    [SE_SYNC_AGENT_PRIVILEGE] = "SeSyncAgentPrivilege",
    [SE_ENABLE_DELEGATION_PRIVILEGE] = "SeEnableDelegationPrivilege",
    [SE_MANAGE_VOLUME_PRIVILEGE] = "SeManageVolumePrivilege",
    [SE_IMPERSONATE_PRIVILEGE] = "SeImpersonatePrivilege",
    [SE_CREATE_GLOBAL_PRIVILEGE] = "SeCreateGlobalPrivilege",
    [SE_TRUSTED_CREDMAN_ACCESS_PRIVILEGE] = "SeTrustedCredManAccessPrivilege",
    [SE_RELABEL_PRIVILEGE] = "SeRelabelPrivilege",
    [SE_INC_WORKING_SET_PRIVILEGE] = "SeIncreaseWorkingSetPrivilege",
    [SE_TIME_ZONE_PRIVILEGE] = "SeTimeZonePrivilege",
    [SE_CREATE_SYMBOLIC_LINK_PRIVILEGE] = "SeCreateSymbolicLinkPrivilege",
    [SE_DELEGATE_SESSION_USER_IMPERSONATE_PRIVILEGE] = "SeDelegateSessionUserImpersonatePrivilege",
};

const char *ntsim_privilege_name(ULONG luid)
{
    return luid <= SE_MAX_WELL_KNOWN_PRIVILEGE ? names[luid] : NULL;
}

ULONG ntsim_privilege_value(const char *name)
{
    for (ULONG i = 0; i <= SE_MAX_WELL_KNOWN_PRIVILEGE; i++)
        if (names[i] && strcasecmp(names[i], name) == 0)
            return i;
    return 0;
}

#define BIT(n) (1ull << (n))

/*
 * What `whoami /priv` lists on Windows 10 and 11 for each kind of token, and
 * which of them are enabled from the start.
 */
void se_default_privileges(se_privilege_kind kind, uint64_t *present, uint64_t *enabled)
{
    switch (kind) {
    case SE_PRIVILEGES_SYSTEM:
        *present = BIT(SE_CREATE_TOKEN_PRIVILEGE) | BIT(SE_ASSIGNPRIMARYTOKEN_PRIVILEGE) | BIT(SE_LOCK_MEMORY_PRIVILEGE) |
                   BIT(SE_INCREASE_QUOTA_PRIVILEGE) | BIT(SE_TCB_PRIVILEGE) | BIT(SE_SECURITY_PRIVILEGE) |
                   BIT(SE_TAKE_OWNERSHIP_PRIVILEGE) | BIT(SE_LOAD_DRIVER_PRIVILEGE) | BIT(SE_SYSTEM_PROFILE_PRIVILEGE) |
                   BIT(SE_SYSTEMTIME_PRIVILEGE) | BIT(SE_PROF_SINGLE_PROCESS_PRIVILEGE) |
                   BIT(SE_INC_BASE_PRIORITY_PRIVILEGE) | BIT(SE_CREATE_PAGEFILE_PRIVILEGE) |
                   BIT(SE_CREATE_PERMANENT_PRIVILEGE) | BIT(SE_BACKUP_PRIVILEGE) | BIT(SE_RESTORE_PRIVILEGE) |
                   BIT(SE_SHUTDOWN_PRIVILEGE) | BIT(SE_DEBUG_PRIVILEGE) | BIT(SE_AUDIT_PRIVILEGE) |
                   BIT(SE_SYSTEM_ENVIRONMENT_PRIVILEGE) | BIT(SE_CHANGE_NOTIFY_PRIVILEGE) | BIT(SE_UNDOCK_PRIVILEGE) |
                   BIT(SE_MANAGE_VOLUME_PRIVILEGE) | BIT(SE_IMPERSONATE_PRIVILEGE) | BIT(SE_CREATE_GLOBAL_PRIVILEGE) |
                   BIT(SE_INC_WORKING_SET_PRIVILEGE) | BIT(SE_TIME_ZONE_PRIVILEGE) |
                   BIT(SE_CREATE_SYMBOLIC_LINK_PRIVILEGE) | BIT(SE_DELEGATE_SESSION_USER_IMPERSONATE_PRIVILEGE);
        *enabled = BIT(SE_LOCK_MEMORY_PRIVILEGE) | BIT(SE_TCB_PRIVILEGE) | BIT(SE_SYSTEM_PROFILE_PRIVILEGE) |
                   BIT(SE_PROF_SINGLE_PROCESS_PRIVILEGE) | BIT(SE_INC_BASE_PRIORITY_PRIVILEGE) |
                   BIT(SE_CREATE_PAGEFILE_PRIVILEGE) | BIT(SE_CREATE_PERMANENT_PRIVILEGE) | BIT(SE_DEBUG_PRIVILEGE) |
                   BIT(SE_AUDIT_PRIVILEGE) | BIT(SE_CHANGE_NOTIFY_PRIVILEGE) | BIT(SE_IMPERSONATE_PRIVILEGE) |
                   BIT(SE_CREATE_GLOBAL_PRIVILEGE) | BIT(SE_INC_WORKING_SET_PRIVILEGE) | BIT(SE_TIME_ZONE_PRIVILEGE) |
                   BIT(SE_CREATE_SYMBOLIC_LINK_PRIVILEGE) | BIT(SE_DELEGATE_SESSION_USER_IMPERSONATE_PRIVILEGE);
        break;
    case SE_PRIVILEGES_ELEVATED:
        *present = BIT(SE_INCREASE_QUOTA_PRIVILEGE) | BIT(SE_SECURITY_PRIVILEGE) | BIT(SE_TAKE_OWNERSHIP_PRIVILEGE) |
                   BIT(SE_LOAD_DRIVER_PRIVILEGE) | BIT(SE_SYSTEM_PROFILE_PRIVILEGE) | BIT(SE_SYSTEMTIME_PRIVILEGE) |
                   BIT(SE_PROF_SINGLE_PROCESS_PRIVILEGE) | BIT(SE_INC_BASE_PRIORITY_PRIVILEGE) |
                   BIT(SE_CREATE_PAGEFILE_PRIVILEGE) | BIT(SE_BACKUP_PRIVILEGE) | BIT(SE_RESTORE_PRIVILEGE) |
                   BIT(SE_SHUTDOWN_PRIVILEGE) | BIT(SE_DEBUG_PRIVILEGE) | BIT(SE_SYSTEM_ENVIRONMENT_PRIVILEGE) |
                   BIT(SE_CHANGE_NOTIFY_PRIVILEGE) | BIT(SE_REMOTE_SHUTDOWN_PRIVILEGE) | BIT(SE_UNDOCK_PRIVILEGE) |
                   BIT(SE_MANAGE_VOLUME_PRIVILEGE) | BIT(SE_IMPERSONATE_PRIVILEGE) | BIT(SE_CREATE_GLOBAL_PRIVILEGE) |
                   BIT(SE_INC_WORKING_SET_PRIVILEGE) | BIT(SE_TIME_ZONE_PRIVILEGE) |
                   BIT(SE_CREATE_SYMBOLIC_LINK_PRIVILEGE) | BIT(SE_DELEGATE_SESSION_USER_IMPERSONATE_PRIVILEGE);
        *enabled = BIT(SE_CHANGE_NOTIFY_PRIVILEGE) | BIT(SE_IMPERSONATE_PRIVILEGE) | BIT(SE_CREATE_GLOBAL_PRIVILEGE);
        break;
    case SE_PRIVILEGES_USER:
        *present = BIT(SE_SHUTDOWN_PRIVILEGE) | BIT(SE_CHANGE_NOTIFY_PRIVILEGE) | BIT(SE_UNDOCK_PRIVILEGE) |
                   BIT(SE_INC_WORKING_SET_PRIVILEGE) | BIT(SE_TIME_ZONE_PRIVILEGE);
        *enabled = BIT(SE_CHANGE_NOTIFY_PRIVILEGE);
        break;
    }
}
