/*
 * Exercise 09, a reference solution: the new process's token says its
 * integrity level (PsReferencePrimaryToken(Process), then
 * SeQueryInformationToken(TokenIntegrityLevel): the label SID's last
 * sub-authority); its image's NT path says where it comes from.
 */
#include <string.h>

#include "exercise.h"

#define DRIVER_TAG 0x64726147u /* "Gard" */

static struct {
    WCHAR *Folder;  /* the option in UTF-16, without a trailing backslash */
    USHORT Chars;
} g_Guard;

static WCHAR Lower(WCHAR c)
{
    return c >= u'A' && c <= u'Z' ? (WCHAR)(c + 32) : c;
}

/* The image lies in the folder or below: the folder, then a backslash, then more. */
static BOOLEAN InFolder(PCUNICODE_STRING image)
{
    USHORT chars = image->Length / sizeof(WCHAR);
    if (chars <= g_Guard.Chars + 1 || image->Buffer[g_Guard.Chars] != u'\\')
        return FALSE;
    for (USHORT i = 0; i < g_Guard.Chars; i++)
        if (Lower(image->Buffer[i]) != Lower(g_Guard.Folder[i]))
            return FALSE;
    return TRUE;
}

/* The token's integrity RID, or SECURITY_MANDATORY_SYSTEM_RID when it cannot be read (never refuse on doubt). */
static ULONG IntegrityOf(PEPROCESS Process)
{
    ULONG rid = SECURITY_MANDATORY_SYSTEM_RID;
    PACCESS_TOKEN token = PsReferencePrimaryToken(Process);
    PVOID info = NULL;
    if (NT_SUCCESS(SeQueryInformationToken(token, TokenIntegrityLevel, &info))) {
        const SID *sid = ((TOKEN_MANDATORY_LABEL *)info)->Label.Sid;
        rid = sid->SubAuthority[sid->SubAuthorityCount - 1];
        ExFreePool(info);
    }
    PsDereferencePrimaryToken(token);
    return rid;
}

static void OnProcessNotify(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    if (!CreateInfo || !CreateInfo->ImageFileName || !InFolder(CreateInfo->ImageFileName))
        return;
    if (IntegrityOf(Process) < SECURITY_MANDATORY_MEDIUM_RID) {
        CreateInfo->CreationStatus = STATUS_ACCESS_DENIED;
        DbgPrint("Guard: process %u refused: low integrity, from the guarded folder\n", HandleToULong(ProcessId));
    }
}

static void GuardUnload(PDRIVER_OBJECT DriverObject)
{
    PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, TRUE);
    ExFreePoolWithTag(g_Guard.Folder, DRIVER_TAG);
    g_Guard.Folder = NULL;
}

NTSTATUS GuardDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    const char *text = NULL;
    if (!NT_SUCCESS(IoQueryDriverOption(DriverObject, "folder", &text)))
        return STATUS_INVALID_PARAMETER;
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == '\\')
        n--;
    if (n == 0 || n > 32000)
        return STATUS_INVALID_PARAMETER;
    g_Guard.Folder = ExAllocatePoolWithTag(PagedPool, n * sizeof(WCHAR), DRIVER_TAG);
    if (!g_Guard.Folder)
        return STATUS_INSUFFICIENT_RESOURCES;
    for (size_t i = 0; i < n; i++)
        g_Guard.Folder[i] = (WCHAR)(unsigned char)text[i];
    g_Guard.Chars = (USHORT)n;
    NTSTATUS status = PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, FALSE);
    if (!NT_SUCCESS(status)) {
        ExFreePoolWithTag(g_Guard.Folder, DRIVER_TAG);
        g_Guard.Folder = NULL;
        return status;
    }
    DriverObject->DriverUnload = GuardUnload;
    return STATUS_SUCCESS;
}
