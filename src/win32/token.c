/*
 * token.c - advapi32's token calls for programs: OpenProcessToken,
 * GetTokenInformation, AdjustTokenPrivileges, LookupPrivilegeValue(A/W),
 * as calls of the native token services through the stubs. A debugger
 * enables SeDebugPrivilege this way before it opens other processes.
 */
#define _POSIX_C_SOURCE 200809L /* sigjmp_buf in program.h */
#include <stdbool.h>

#include "ntsim/se.h"
#include "win32/kernel32.h"
#include "win32/program.h"
#include "win32/win32.h"

BOOL OpenProcessToken(HANDLE process, DWORD access, HANDLE *token)
{
    ntsim_system *sys = w32_system("OpenProcessToken");
    NTSTATUS s = NtOpenProcessToken(sys, process, access, token);
    if (!NT_SUCCESS(s))
        return w32_fail(sys, s);
    w32_set_last_error(sys, 0);
    return 1;
}

BOOL GetTokenInformation(HANDLE token, TOKEN_INFORMATION_CLASS cls, void *info, DWORD length, DWORD *returned)
{
    ntsim_system *sys = w32_system("GetTokenInformation");
    ULONG needed = 0;
    NTSTATUS s = NtQueryInformationToken(sys, token, cls, info, length, &needed);
    if (returned)
        *returned = needed; /* the size needed, also when the buffer was too small */
    if (!NT_SUCCESS(s))
        return w32_fail(sys, s);
    w32_set_last_error(sys, 0);
    return 1;
}

/* Succeeds when privileges were not all held: GetLastError says ERROR_NOT_ALL_ASSIGNED. */
BOOL AdjustTokenPrivileges(HANDLE token, BOOL disable_all, TOKEN_PRIVILEGES *new_state, DWORD length,
                           TOKEN_PRIVILEGES *previous, DWORD *returned)
{
    ntsim_system *sys = w32_system("AdjustTokenPrivileges");
    ULONG needed = 0;
    NTSTATUS s = NtAdjustPrivilegesToken(sys, token, disable_all != 0, new_state, length, previous, &needed);
    if (returned)
        *returned = needed;
    if (!NT_SUCCESS(s))
        return w32_fail(sys, s);
    w32_set_last_error(sys, s == STATUS_NOT_ALL_ASSIGNED ? 1300 : 0);
    return 1;
}

/* Only the local system: a remote name is not found (ERROR_NONE_MAPPED would need an LSA). */
static BOOL lookup(ntsim_system *sys, bool remote, const char *name, LUID *luid)
{
    ULONG value = remote ? 0 : ntsim_privilege_value(name);
    if (!value)
        return w32_fail(sys, STATUS_NO_SUCH_PRIVILEGE);
    *luid = (LUID){ value, 0 };
    w32_set_last_error(sys, 0);
    return 1;
}

BOOL LookupPrivilegeValueA(const char *system_name, const char *name, LUID *luid)
{
    ntsim_system *sys = w32_system("LookupPrivilegeValueA");
    return lookup(sys, system_name && *system_name, name ? name : "", luid);
}

BOOL LookupPrivilegeValueW(const WCHAR *system_name, const WCHAR *name, LUID *luid)
{
    ntsim_system *sys = w32_system("LookupPrivilegeValueW");
    char narrow[64];
    size_t n = 0;
    for (; name && name[n] && n + 1 < sizeof narrow; n++)
        narrow[n] = name[n] < 0x80 ? (char)name[n] : '?';
    narrow[n] = '\0';
    if (name && name[n])
        narrow[0] = '\0'; /* longer than any privilege's name */
    return lookup(sys, system_name && *system_name, narrow, luid);
}
