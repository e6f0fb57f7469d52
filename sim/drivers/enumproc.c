/*
 * enumproc.c - process enumeration from a driver: DriverEntry asks the
 * system-information service for the process list (SystemProcessInformation)
 * and prints one line per process, then fails on purpose, so the driver
 * never stays loaded: a way to run kernel code once and watch its output.
 *
 * The service is called twice, as any caller of it must: once with no
 * buffer to learn the size, then with that size plus room for processes
 * created in between.
 */
#include <string.h>

#include "driver.h"

#define DRIVER_PREFIX "EnumProc: "
#define DRIVER_TAG 0x636F7250u /* "Proc" */
#define EXTRA_ROOM 4096         /* bytes beyond the size asked: the list may grow meanwhile */

/*
 * The list's names are UNICODE_STRING64 (the 64-bit layout on any host),
 * which DbgPrint's %wZ does not take: the counted string printed by hand
 * (names are ASCII here; other characters print as '?'). A string with no
 * buffer prints "(null)", as %wZ does.
 */
static const char *NameOf(const UNICODE_STRING64 *name, char *out, size_t cap)
{
    const WCHAR *chars = (const WCHAR *)(uintptr_t)name->Buffer; /* from kernel mode: inside our buffer */
    if (!chars)
        return "(null)";
    size_t n = name->Length / sizeof(WCHAR), i;
    for (i = 0; i < n && i + 1 < cap; i++)
        out[i] = chars[i] < 0x80 ? (char)chars[i] : '?';
    out[i] = '\0';
    return out;
}

static NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    /* First call: no buffer, to learn the size. */
    ULONG size = 0;
    NTSTATUS status = ZwQuerySystemInformation(SystemProcessInformation, NULL, 0, &size);
    if (status != STATUS_INFO_LENGTH_MISMATCH || size == 0) {
        DbgPrint(DRIVER_PREFIX "failed to get the size (0x%08X)\n", (unsigned)status);
        return STATUS_UNSUCCESSFUL;
    }
    size += EXTRA_ROOM;
    unsigned char *buffer = ExAllocatePoolWithTag(PagedPool, size, DRIVER_TAG);
    if (!buffer)
        return STATUS_INSUFFICIENT_RESOURCES;

    /* Second call: the list itself, entries chained by NextEntryOffset. */
    status = ZwQuerySystemInformation(SystemProcessInformation, buffer, size, NULL);
    if (NT_SUCCESS(status)) {
        ULONG count = 0;
        const unsigned char *entry = buffer;
        for (;;) {
            const SYSTEM_PROCESS_INFORMATION *info = (const SYSTEM_PROCESS_INFORMATION *)entry;
            char name[261];
            DbgPrint("PID: %u Session: %u Handles: %u Threads: %u Image: %s\n", (ULONG)info->UniqueProcessId,
                     info->SessionId, info->HandleCount, info->NumberOfThreads,
                     NameOf(&info->ImageName, name, sizeof name));
            count++;
            if (info->NextEntryOffset == 0)
                break;
            entry += info->NextEntryOffset;
        }
        DbgPrint("Total Processes: %u\n", count);
    } else {
        DbgPrint(DRIVER_PREFIX "failed to enumerate processes (0x%08X)\n", (unsigned)status);
    }
    ExFreePoolWithTag(buffer, DRIVER_TAG);

    /* Fail on purpose: the work is done, there is nothing to keep loaded. */
    return STATUS_UNSUCCESSFUL;
}

const sim_driver sim_driver_enumproc = {
    .name = "enumproc",
    .entry = DriverEntry,
};
