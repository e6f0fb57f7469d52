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

#include "se_types.h"

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
    ULONG logon_id;       /* the logon session's LUID (AuthenticationId): 0x3e7 for SYSTEM */
    uint64_t present;     /* privileges, bit n = LUID n */
    uint64_t enabled;
} NTSIM_TOKEN_INFO;

NTSTATUS ntsim_query_token(ntsim_system *system, ULONG pid, NTSIM_TOKEN_INFO *info);

#ifdef __cplusplus
}
#endif

#endif
