/*
 * first.c - a test driver of the project's own, built as a module by
 * ntsim_add_driver: a device, tagged pool, a process notify routine, an
 * option; its helper which() has the same name as second.c's.
 */
#include "ntsim/wdk.h"

#define TAG 'triF'

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(u"\\Device\\OwnFirst");
static int *Counter; /* pool of its own, freed at unload */

/* The same name in second.c: each module must call its own. */
const char *which(void)
{
    return "first";
}

static void OnProcess(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    if (CreateInfo)
        DbgPrint("%s: process %u created (%d seen)\n", which(), HandleToULong(ProcessId), ++*Counter);
}

static void FirstUnload(PDRIVER_OBJECT DriverObject)
{
    PsSetCreateProcessNotifyRoutineEx(OnProcess, TRUE);
    ExFreePool(Counter);
    IoDeleteDevice(DriverObject->DeviceObject);
    DbgPrint("%s: unloaded\n", which());
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    const char *greeting;
    if (!NT_SUCCESS(IoQueryDriverOption(DriverObject, "greeting", &greeting)))
        greeting = "(none)";
    DbgPrint("%s: DriverEntry, greeting %s\n", which(), greeting);
    Counter = ExAllocatePool2(POOL_FLAG_PAGED, sizeof *Counter, TAG);
    if (!Counter)
        return STATUS_INSUFFICIENT_RESOURCES;
    PDEVICE_OBJECT DeviceObject;
    NTSTATUS status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &DeviceObject);
    if (!NT_SUCCESS(status)) {
        ExFreePool(Counter);
        return status;
    }
    status = PsSetCreateProcessNotifyRoutineEx(OnProcess, FALSE);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(DeviceObject);
        ExFreePool(Counter);
        return status;
    }
    DriverObject->DriverUnload = FirstUnload;
    return STATUS_SUCCESS;
}
