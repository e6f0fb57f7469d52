/*
 * Exercise 09 - refuse processes started at low integrity from a folder.
 * Read README.md, then write the parts marked TODO(student). Grade
 * yourself with the command in README.md.
 */
#include <string.h>

#include "exercise.h"

#define DRIVER_TAG 0x64726147u /* "Gard" */

static struct {
    WCHAR *Folder; /* the option in UTF-16, without a trailing backslash */
    USHORT Chars;
} g_Guard;

/*
 * Whether `image` (an NT path, UTF-16, Length in bytes) lies in the folder
 * or below it: the folder's characters (without regard to case), then a
 * backslash, then at least one more character.
 */
static BOOLEAN InFolder(PCUNICODE_STRING image)
{
    /* TODO(student) */
    (void)image;
    return FALSE;
}

/*
 * The integrity level of the process's token: a SECURITY_MANDATORY_*_RID.
 * PsReferencePrimaryToken, SeQueryInformationToken(TokenIntegrityLevel)
 * (a TOKEN_MANDATORY_LABEL whose SID's last sub-authority is the level),
 * then free what you were given and release the token.
 */
static ULONG IntegrityOf(PEPROCESS Process)
{
    /* TODO(student) */
    (void)Process;
    return SECURITY_MANDATORY_SYSTEM_RID;
}

static void OnProcessNotify(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    if (!CreateInfo || !CreateInfo->ImageFileName)
        return; /* an exit, or no image to judge by */
    /* TODO(student): refuse (CreateInfo->CreationStatus = STATUS_ACCESS_DENIED)
     * a process below medium integrity whose image is in the folder. */
    (void)InFolder;
    (void)IntegrityOf;
}

static void GuardUnload(PDRIVER_OBJECT DriverObject)
{
    /* TODO(student): remove the process routine, free the folder. */
}

NTSTATUS GuardDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    const char *text = NULL;
    memset(&g_Guard, 0, sizeof g_Guard);
    if (!NT_SUCCESS(IoQueryDriverOption(DriverObject, "folder", &text)))
        return STATUS_INVALID_PARAMETER;
    /* TODO(student): copy the folder into g_Guard (pool, UTF-16, without a
     * trailing backslash; empty: STATUS_INVALID_PARAMETER), then register
     * OnProcessNotify (its failure fails the load, and frees the copy). */
    (void)OnProcessNotify;
    DriverObject->DriverUnload = GuardUnload;
    return STATUS_SUCCESS;
}
