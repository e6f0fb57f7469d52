/*
 * hello_driver.c - the smallest driver of your own: DriverEntry says hello,
 * keeps a block of tagged pool and a process notify routine; unload gives
 * both back. Written as for the WDK, against ntsim's driver header.
 */
#include "ntsim/wdk.h"

#define HELLO_TAG 'lleH'

static ULONG *Seen; /* processes seen, in pool of its own */

static void OnProcess(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    if (CreateInfo)
        DbgPrint("Hello: process %u is new (%u so far)\n", HandleToULong(ProcessId), ++*Seen);
}

static void HelloUnload(PDRIVER_OBJECT DriverObject)
{
    PsSetCreateProcessNotifyRoutineEx(OnProcess, TRUE);
    DbgPrint("Hello: goodbye after %u processes\n", *Seen);
    ExFreePool(Seen);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    Seen = ExAllocatePool2(POOL_FLAG_PAGED, sizeof *Seen, HELLO_TAG);
    if (!Seen)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status = PsSetCreateProcessNotifyRoutineEx(OnProcess, FALSE);
    if (!NT_SUCCESS(status)) {
        ExFreePool(Seen);
        return status;
    }
    DriverObject->DriverUnload = HelloUnload;
    DbgPrint("Hello: DriverEntry\n");
    return STATUS_SUCCESS;
}
