/*
 * token_api.c - the security API for drivers: a process's primary token
 * (PsReferencePrimaryToken), what it says (SeQueryInformationToken,
 * SeTokenIsAdmin, SeQueryAuthenticationIdToken), and whether the caller
 * holds a privilege (SeSinglePrivilegeCheck).
 */
#include "ke/context.h"
#include "ntsim/wdk.h"
#include "ps/ps.h"

#define TOKEN_INFO_TAG 0x6B546553u /* 'SeTk' */

PACCESS_TOKEN PsReferencePrimaryToken(PEPROCESS Process)
{
    ob_reference(&Process->token->header);
    return Process->token;
}

void PsDereferencePrimaryToken(PACCESS_TOKEN PrimaryToken)
{
    ObDereferenceObject(PrimaryToken);
}

/* Allocated from paged pool, which the caller frees with ExFreePool. */
NTSTATUS SeQueryInformationToken(PACCESS_TOKEN Token, TOKEN_INFORMATION_CLASS TokenInformationClass,
                                 PVOID *TokenInformation)
{
    const se_token *t = Token;
    *TokenInformation = NULL;
    if (TokenInformationClass == TokenSessionId) {
        /* The one class whose answer is the value itself, in the pointer's place. */
        *(ULONG *)TokenInformation = t->session_id;
        return STATUS_SUCCESS;
    }
    ULONG needed = 0;
    NTSTATUS s = se_query_token(t, TokenInformationClass, 0, NULL, 0, &needed);
    if (s == STATUS_INVALID_INFO_CLASS)
        return s;
    void *buffer = ExAllocatePoolWithTag(PagedPool, needed, TOKEN_INFO_TAG);
    if (!buffer)
        return STATUS_INSUFFICIENT_RESOURCES;
    s = se_query_token(t, TokenInformationClass, (ULONG64)(uintptr_t)buffer, buffer, needed, &needed);
    if (!NT_SUCCESS(s)) {
        ExFreePoolWithTag(buffer, TOKEN_INFO_TAG);
        return s;
    }
    *TokenInformation = buffer;
    return STATUS_SUCCESS;
}

/* The token holds Administrators enabled (a UAC-filtered token has it for deny only). */
BOOLEAN SeTokenIsAdmin(PACCESS_TOKEN Token)
{
    const se_token *t = Token;
    se_sid admins;
    se_sid_administrators(&admins);
    for (ULONG i = 0; i < t->group_count; i++)
        if (se_sid_equal(&t->groups[i].sid, &admins))
            return (t->groups[i].attributes & SE_GROUP_ENABLED) && !(t->groups[i].attributes & SE_GROUP_USE_FOR_DENY_ONLY);
    return FALSE;
}

NTSTATUS SeQueryAuthenticationIdToken(PACCESS_TOKEN Token, PLUID AuthenticationId)
{
    *AuthenticationId = ((const se_token *)Token)->authentication_id;
    return STATUS_SUCCESS;
}

/* Kernel mode holds every privilege; user mode: the current process's token, the privilege enabled. */
BOOLEAN SeSinglePrivilegeCheck(LUID PrivilegeValue, KPROCESSOR_MODE PreviousMode)
{
    ntsim_system *sys = ke_current_system("SeSinglePrivilegeCheck");
    if (PreviousMode == KernelMode)
        return TRUE;
    return PrivilegeValue.HighPart == 0 && se_privilege_enabled(ps_current_process(sys)->token, PrivilegeValue.LowPart);
}
