/*
 * Exercise 03 - refuse processes by image name. Read README.md, then write
 * the parts marked TODO(student). Grade yourself with the command in
 * README.md.
 */
#include <string.h>

#include "exercise.h"

#define DRIVER_TAG 0x6B6C4278u /* "xBlk" */
#define MAX_NAMES 32
#define MAX_NAME_CHARS 260

/* The names to refuse, as ASCII/UTF-8 text copied from the option. */
static struct {
    char Names[MAX_NAMES][MAX_NAME_CHARS];
    ULONG Count;
} g_Globals;

/*
 * Splits `text` ("calc.exe, mspaint.exe") at its commas into
 * g_Globals.Names, dropping the spaces around each name. Returns the number
 * of names kept.
 */
static ULONG ParseNames(const char *text)
{
    /* TODO(student): fill g_Globals.Names and g_Globals.Count. An empty
     * piece ("a.exe,,b.exe" or " , ") is not a name. */
    (void)text;
    return 0;
}

/*
 * Whether the file name of `path` (what follows its last backslash)
 * equals `name`, ignoring case. path is UTF-16 (path->Length is in bytes);
 * name is ASCII.
 */
static bool FileNameIs(PCUNICODE_STRING path, const char *name)
{
    /* TODO(student): find the last backslash, then compare character by
     * character; 'A'..'Z' and 'a'..'z' are equal when they differ by 32. */
    (void)path;
    (void)name;
    return false;
}

static void OnProcessNotify(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    if (!CreateInfo || !CreateInfo->ImageFileName)
        return; /* an exit, or no name to judge by */
    /* TODO(student): if the image's file name is one of the names, refuse
     * the creation: CreateInfo->CreationStatus = STATUS_ACCESS_DENIED. */
    (void)FileNameIs;
}

static void BlockerUnload(PDRIVER_OBJECT DriverObject)
{
    /* TODO(student): remove the process routine. */
}

NTSTATUS BlockerDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    const char *text = NULL;
    memset(&g_Globals, 0, sizeof g_Globals);
    if (!NT_SUCCESS(IoQueryDriverOption(DriverObject, "images", &text)))
        return STATUS_INVALID_PARAMETER;
    /* TODO(student): parse the names (no name: STATUS_INVALID_PARAMETER),
     * then register OnProcessNotify (its failure fails the load). */
    (void)ParseNames;
    (void)OnProcessNotify;
    DriverObject->DriverUnload = BlockerUnload;
    return STATUS_SUCCESS;
}
