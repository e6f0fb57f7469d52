/*
 * se.h - security: access tokens, privileges, integrity levels, and the
 * token services (NtOpenProcessToken(Ex), NtQueryInformationToken,
 * NtAdjustPrivilegesToken) in the native API's names and layouts.
 *
 * Every process owns a primary token: the user its threads act as, the
 * groups, the privileges (each present, and enabled or not) and the
 * integrity level. Opening a process or a thread checks the caller's token
 * against the target's security descriptor (its DACL and mandatory label)
 * the way SeAccessCheck does; docs/security.md has the rules.
 */
#ifndef NTSIM_SE_H
#define NTSIM_SE_H

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef NTSIM_LUID_DEFINED
#define NTSIM_LUID_DEFINED
typedef struct _LUID {
    ULONG LowPart;
    LONG HighPart;
} LUID, *PLUID;
#endif

/* A SID as Windows lays it out: SubAuthorityCount 32-bit values follow. */
typedef struct _SID_IDENTIFIER_AUTHORITY {
    UCHAR Value[6];
} SID_IDENTIFIER_AUTHORITY;

typedef struct _SID {
    UCHAR Revision;
    UCHAR SubAuthorityCount;
    SID_IDENTIFIER_AUTHORITY IdentifierAuthority;
    ULONG SubAuthority[1];
} SID;
typedef void *PSID;

#define SECURITY_MAX_SID_SIZE 68

typedef struct _SID_AND_ATTRIBUTES {
    PSID Sid;
    ULONG Attributes;
} SID_AND_ATTRIBUTES;

typedef struct _LUID_AND_ATTRIBUTES {
    LUID Luid;
    ULONG Attributes;
} LUID_AND_ATTRIBUTES;

typedef struct _TOKEN_USER {
    SID_AND_ATTRIBUTES User;
} TOKEN_USER;

typedef struct _TOKEN_GROUPS {
    ULONG GroupCount;
    SID_AND_ATTRIBUTES Groups[1];
} TOKEN_GROUPS;

typedef struct _TOKEN_PRIVILEGES {
    ULONG PrivilegeCount;
    LUID_AND_ATTRIBUTES Privileges[1];
} TOKEN_PRIVILEGES;

typedef struct _TOKEN_MANDATORY_LABEL {
    SID_AND_ATTRIBUTES Label;
} TOKEN_MANDATORY_LABEL;

typedef struct _TOKEN_ELEVATION {
    ULONG TokenIsElevated;
} TOKEN_ELEVATION;

typedef enum _TOKEN_ELEVATION_TYPE {
    TokenElevationTypeDefault = 1,
    TokenElevationTypeFull = 2,
    TokenElevationTypeLimited = 3,
} TOKEN_ELEVATION_TYPE;

typedef enum _TOKEN_TYPE { TokenPrimary = 1, TokenImpersonation = 2 } TOKEN_TYPE;

/* The classes ntsim answers; others are STATUS_INVALID_INFO_CLASS. */
typedef enum _TOKEN_INFORMATION_CLASS {
    TokenUser = 1,
    TokenGroups = 2,
    TokenPrivileges = 3,
    TokenOwner = 4,
    TokenType = 8,
    TokenSessionId = 12,
    TokenElevationType = 18,
    TokenElevation = 20,
    TokenIntegrityLevel = 25,
} TOKEN_INFORMATION_CLASS;

/* Token access rights (winnt.h). */
#define TOKEN_ASSIGN_PRIMARY    0x0001u
#define TOKEN_DUPLICATE         0x0002u
#define TOKEN_IMPERSONATE       0x0004u
#define TOKEN_QUERY             0x0008u
#define TOKEN_QUERY_SOURCE      0x0010u
#define TOKEN_ADJUST_PRIVILEGES 0x0020u
#define TOKEN_ADJUST_GROUPS     0x0040u
#define TOKEN_ADJUST_DEFAULT    0x0080u
#define TOKEN_ADJUST_SESSIONID  0x0100u
#define TOKEN_ALL_ACCESS        0x000F01FFu

/* Privilege and group attributes. */
#define SE_PRIVILEGE_ENABLED_BY_DEFAULT 0x00000001u
#define SE_PRIVILEGE_ENABLED            0x00000002u
#define SE_PRIVILEGE_REMOVED            0x00000004u
#define SE_PRIVILEGE_USED_FOR_ACCESS    0x80000000u

#define SE_GROUP_MANDATORY          0x00000001u
#define SE_GROUP_ENABLED_BY_DEFAULT 0x00000002u
#define SE_GROUP_ENABLED            0x00000004u
#define SE_GROUP_OWNER              0x00000008u
#define SE_GROUP_USE_FOR_DENY_ONLY  0x00000010u
#define SE_GROUP_INTEGRITY          0x00000020u
#define SE_GROUP_INTEGRITY_ENABLED  0x00000040u
#define SE_GROUP_LOGON_ID           0xC0000000u

/* The mandatory label's RIDs (S-1-16-RID). */
#define SECURITY_MANDATORY_UNTRUSTED_RID 0x0000u
#define SECURITY_MANDATORY_LOW_RID       0x1000u
#define SECURITY_MANDATORY_MEDIUM_RID    0x2000u
#define SECURITY_MANDATORY_HIGH_RID      0x3000u
#define SECURITY_MANDATORY_SYSTEM_RID    0x4000u

/* The privileges' LUIDs (their LowPart; wdm.h's SE_*_PRIVILEGE). */
#define SE_CREATE_TOKEN_PRIVILEGE            2
#define SE_ASSIGNPRIMARYTOKEN_PRIVILEGE      3
#define SE_LOCK_MEMORY_PRIVILEGE             4
#define SE_INCREASE_QUOTA_PRIVILEGE          5
#define SE_MACHINE_ACCOUNT_PRIVILEGE         6
#define SE_TCB_PRIVILEGE                     7
#define SE_SECURITY_PRIVILEGE                8
#define SE_TAKE_OWNERSHIP_PRIVILEGE          9
#define SE_LOAD_DRIVER_PRIVILEGE             10
#define SE_SYSTEM_PROFILE_PRIVILEGE          11
#define SE_SYSTEMTIME_PRIVILEGE              12
#define SE_PROF_SINGLE_PROCESS_PRIVILEGE     13
#define SE_INC_BASE_PRIORITY_PRIVILEGE       14
#define SE_CREATE_PAGEFILE_PRIVILEGE         15
#define SE_CREATE_PERMANENT_PRIVILEGE        16
#define SE_BACKUP_PRIVILEGE                  17
#define SE_RESTORE_PRIVILEGE                 18
#define SE_SHUTDOWN_PRIVILEGE                19
#define SE_DEBUG_PRIVILEGE                   20
#define SE_AUDIT_PRIVILEGE                   21
#define SE_SYSTEM_ENVIRONMENT_PRIVILEGE      22
#define SE_CHANGE_NOTIFY_PRIVILEGE           23
#define SE_REMOTE_SHUTDOWN_PRIVILEGE         24
#define SE_UNDOCK_PRIVILEGE                  25
#define SE_SYNC_AGENT_PRIVILEGE              26
#define SE_ENABLE_DELEGATION_PRIVILEGE       27
#define SE_MANAGE_VOLUME_PRIVILEGE           28
#define SE_IMPERSONATE_PRIVILEGE             29
#define SE_CREATE_GLOBAL_PRIVILEGE           30
#define SE_TRUSTED_CREDMAN_ACCESS_PRIVILEGE  31
#define SE_RELABEL_PRIVILEGE                 32
#define SE_INC_WORKING_SET_PRIVILEGE         33
#define SE_TIME_ZONE_PRIVILEGE               34
#define SE_CREATE_SYMBOLIC_LINK_PRIVILEGE    35
#define SE_DELEGATE_SESSION_USER_IMPERSONATE_PRIVILEGE 36
#define SE_MAX_WELL_KNOWN_PRIVILEGE          36


/* A privilege's name ("SeDebugPrivilege") by LUID, or NULL; and back (0: none). */
const char *ntsim_privilege_name(ULONG luid);
ULONG ntsim_privilege_value(const char *name);

/* An integrity level's name ("Medium") by its RID, or NULL; and back (false: none). The names
   are the Sysmon/Process Explorer ones: Untrusted, Low, Medium, High, System. */
const char *ntsim_integrity_name(ULONG rid);
bool ntsim_integrity_value(const char *name, ULONG *rid);

/*
 * The native token services, on handles, from the current thread (the
 * stubs put the buffers in its process's memory). NtOpenProcessToken needs
 * PROCESS_QUERY_LIMITED_INFORMATION on the process; the token's own access
 * check decides the rest. NtQueryInformationToken writes SIDs after the
 * structure, in the same buffer, as Windows does; too small a buffer is
 * STATUS_BUFFER_TOO_SMALL with *ReturnLength the size needed.
 * NtAdjustPrivilegesToken returns STATUS_NOT_ALL_ASSIGNED (a success) when
 * a privilege named is not in the token; NewState NULL with
 * DisableAllPrivileges disables them all.
 */
NTSTATUS NtOpenProcessToken(ntsim_system *system, HANDLE ProcessHandle, ACCESS_MASK DesiredAccess, HANDLE *TokenHandle);
NTSTATUS NtOpenProcessTokenEx(ntsim_system *system, HANDLE ProcessHandle, ACCESS_MASK DesiredAccess,
                              ULONG HandleAttributes, HANDLE *TokenHandle);
NTSTATUS NtQueryInformationToken(ntsim_system *system, HANDLE TokenHandle, TOKEN_INFORMATION_CLASS TokenInformationClass,
                                 void *TokenInformation, ULONG TokenInformationLength, ULONG *ReturnLength);
NTSTATUS NtAdjustPrivilegesToken(ntsim_system *system, HANDLE TokenHandle, bool DisableAllPrivileges,
                                 const TOKEN_PRIVILEGES *NewState, ULONG BufferLength, TOKEN_PRIVILEGES *PreviousState,
                                 ULONG *ReturnLength);

/* What a process's token says, for tools (names valid until the next call). */
typedef struct NTSIM_TOKEN_INFO {
    char user[64];        /* "NTSIM\user", "NT AUTHORITY\SYSTEM" */
    char sid[96];         /* "S-1-5-21-...-1001" */
    ULONG integrity;      /* SECURITY_MANDATORY_*_RID */
    bool elevated;
    TOKEN_ELEVATION_TYPE elevation_type;
    ULONG session_id;
    uint64_t present;     /* privileges, bit n = LUID n */
    uint64_t enabled;
} NTSIM_TOKEN_INFO;

NTSTATUS ntsim_query_token(ntsim_system *system, ULONG pid, NTSIM_TOKEN_INFO *info);

#ifdef __cplusplus
}
#endif

#endif
