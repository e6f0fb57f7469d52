/*
 * second.c - a test driver that defines DriverEntry and which() as first.c
 * does: loaded side by side, each must run its own. Its count starts at
 * zero on every load (a fresh module), and it keeps a block of pool to the
 * end so that an unload reports it.
 */
#include "ntsim/wdk.h"

static int Loads; /* module state: fresh on every load */

const char *which(void)
{
    return "second";
}

static void OnProcess(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    if (CreateInfo)
        DbgPrint("%s: process %u created\n", which(), HandleToULong(ProcessId));
}

static void SecondUnload(PDRIVER_OBJECT DriverObject)
{
    PsSetCreateProcessNotifyRoutineEx(OnProcess, TRUE);
    DbgPrint("%s: unloaded, its pool left behind\n", which());
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DbgPrint("%s: DriverEntry, load %d\n", which(), ++Loads);
    if (!ExAllocatePool2(POOL_FLAG_NON_PAGED, 100, 'dnoS'))
        return STATUS_INSUFFICIENT_RESOURCES;
    DriverObject->DriverUnload = SecondUnload;
    return PsSetCreateProcessNotifyRoutineEx(OnProcess, FALSE);
}
