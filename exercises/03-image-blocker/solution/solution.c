/* Exercise 03 - reference solution: refuse processes by image name. */
#include <string.h>

#include "exercise.h"

#define MAX_NAMES 32
#define MAX_NAME_CHARS 260

static struct {
    char Names[MAX_NAMES][MAX_NAME_CHARS];
    ULONG Count;
} g_Globals;

static ULONG ParseNames(const char *text)
{
    while (*text && g_Globals.Count < MAX_NAMES) {
        const char *comma = strchr(text, ',');
        const char *end = comma ? comma : text + strlen(text);
        const char *start = text;
        while (start < end && *start == ' ')
            start++;
        while (end > start && end[-1] == ' ')
            end--;
        size_t n = (size_t)(end - start);
        if (n > 0 && n < MAX_NAME_CHARS) {
            memcpy(g_Globals.Names[g_Globals.Count], start, n);
            g_Globals.Names[g_Globals.Count][n] = '\0';
            g_Globals.Count++;
        }
        if (!comma)
            break;
        text = comma + 1;
    }
    return g_Globals.Count;
}

static WCHAR Lower(WCHAR c)
{
    return c >= u'A' && c <= u'Z' ? (WCHAR)(c + 32) : c;
}

static bool FileNameIs(PCUNICODE_STRING path, const char *name)
{
    USHORT chars = path->Length / sizeof(WCHAR), start = chars;
    while (start > 0 && path->Buffer[start - 1] != u'\\')
        start--;
    size_t n = strlen(name);
    if ((size_t)(chars - start) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (Lower(path->Buffer[start + i]) != Lower((WCHAR)(unsigned char)name[i]))
            return false;
    return true;
}

static void OnProcessNotify(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    if (!CreateInfo || !CreateInfo->ImageFileName)
        return;
    for (ULONG i = 0; i < g_Globals.Count; i++) {
        if (FileNameIs(CreateInfo->ImageFileName, g_Globals.Names[i])) {
            CreateInfo->CreationStatus = STATUS_ACCESS_DENIED;
            DbgPrint("Blocker2: process %u refused (%s)\n", HandleToULong(ProcessId), g_Globals.Names[i]);
            return;
        }
    }
}

static void BlockerUnload(PDRIVER_OBJECT DriverObject)
{
    PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, TRUE);
}

NTSTATUS BlockerDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    const char *text = NULL;
    memset(&g_Globals, 0, sizeof g_Globals);
    if (!NT_SUCCESS(IoQueryDriverOption(DriverObject, "images", &text)) || ParseNames(text) == 0)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, FALSE);
    if (!NT_SUCCESS(status))
        return status;
    DriverObject->DriverUnload = BlockerUnload;
    return STATUS_SUCCESS;
}
