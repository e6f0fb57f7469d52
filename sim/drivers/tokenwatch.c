/*
 * tokenwatch.c - who creates a process, and as whom it runs: a process
 * routine that reads two tokens, the creator's (the routine runs in the
 * creating thread's context: PsGetCurrentProcess) and the new process's,
 * and prints each one's user SID, integrity level and elevation.
 * SeQueryInformationToken's answers are paged pool the driver frees.
 */
#include "driver.h"

#define DRIVER_PREFIX "TokenWatch: "

static const char *IntegrityName(ULONG rid)
{
    switch (rid) {
    case SECURITY_MANDATORY_UNTRUSTED_RID: return "untrusted";
    case SECURITY_MANDATORY_LOW_RID: return "low";
    case SECURITY_MANDATORY_MEDIUM_RID: return "medium";
    case SECURITY_MANDATORY_HIGH_RID: return "high";
    case SECURITY_MANDATORY_SYSTEM_RID: return "system";
    default: return "other";
    }
}

/* "S-1-5-21-... at medium integrity": what the token says; false if a query failed. */
static BOOLEAN Describe(PACCESS_TOKEN token, UNICODE_STRING *sid, const char **integrity, BOOLEAN *elevated)
{
    PVOID user = NULL, label = NULL, elevation = NULL;
    BOOLEAN ok = NT_SUCCESS(SeQueryInformationToken(token, TokenUser, &user)) &&
                 NT_SUCCESS(SeQueryInformationToken(token, TokenIntegrityLevel, &label)) &&
                 NT_SUCCESS(SeQueryInformationToken(token, TokenElevation, &elevation)) &&
                 NT_SUCCESS(RtlConvertSidToUnicodeString(sid, ((TOKEN_USER *)user)->User.Sid, TRUE));
    if (ok) {
        const SID *l = ((TOKEN_MANDATORY_LABEL *)label)->Label.Sid;
        *integrity = IntegrityName(l->SubAuthority[l->SubAuthorityCount - 1]);
        *elevated = ((TOKEN_ELEVATION *)elevation)->TokenIsElevated != 0;
    }
    if (user)
        ExFreePool(user);
    if (label)
        ExFreePool(label);
    if (elevation)
        ExFreePool(elevation);
    return ok;
}

static void OnProcessNotify(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    if (!CreateInfo)
        return;
    PACCESS_TOKEN creator = PsReferencePrimaryToken(PsGetCurrentProcess());
    PACCESS_TOKEN own = PsReferencePrimaryToken(Process);
    UNICODE_STRING creator_sid = { 0 }, own_sid = { 0 };
    const char *creator_il = "", *own_il = "";
    BOOLEAN creator_elevated = FALSE, own_elevated = FALSE;
    if (Describe(creator, &creator_sid, &creator_il, &creator_elevated) &&
        Describe(own, &own_sid, &own_il, &own_elevated)) {
        ntsim_dbg_print(DRIVER_PREFIX "process %u (%wZ) created by process %u: %wZ, %s integrity%s\n",
                 HandleToULong(ProcessId), CreateInfo->ImageFileName, HandleToULong(PsGetCurrentProcessId()),
                 &creator_sid, creator_il, creator_elevated ? ", elevated" : "");
        ntsim_dbg_print(DRIVER_PREFIX "process %u runs as %wZ, %s integrity%s%s\n", HandleToULong(ProcessId), &own_sid,
                 own_il, own_elevated ? ", elevated" : "", SeTokenIsAdmin(own) ? ", administrator" : "");
    }
    RtlFreeUnicodeString(&creator_sid);
    RtlFreeUnicodeString(&own_sid);
    PsDereferencePrimaryToken(own);
    PsDereferencePrimaryToken(creator);
}

static void TokenWatchUnload(PDRIVER_OBJECT DriverObject)
{
    PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, TRUE);
}

static NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS status = PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, FALSE);
    if (!NT_SUCCESS(status))
        return status;
    DriverObject->DriverUnload = TokenWatchUnload;
    return STATUS_SUCCESS;
}

const sim_driver sim_driver_tokenwatch = {
    .name = "tokenwatch",
    .entry = DriverEntry,
};
