/*
 * se_types.h - the security types and constants of the native API in
 * Windows' names and layouts (SIDs, tokens' information classes,
 * privileges, integrity levels), shared by ntsim's API (se.h), the WDK
 * headers drivers include and the Win32 headers programs include.
 */
#ifndef NTSIM_SE_TYPES_H
#define NTSIM_SE_TYPES_H

#include "nt.h"

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

#ifdef __cplusplus
}
#endif

#endif
