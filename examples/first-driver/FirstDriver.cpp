// FirstDriver.cpp - a first driver of your own: it counts the processes
// created and ended while it is loaded, names each one in the debugger's
// output, and tells the counts to a client that reads \\.\First.
#include <ntddk.h>

#define DRIVER_TAG 'tsrF'

void *__cdecl operator new(size_t size, POOL_FLAGS flags)
{
    return ExAllocatePool2(flags, size, DRIVER_TAG);
}

void __cdecl operator delete(void *p, size_t)
{
    ExFreePoolWithTag(p, DRIVER_TAG);
}

void __cdecl operator delete(void *p)
{
    ExFreePoolWithTag(p, DRIVER_TAG);
}

// What a read returns (the client has the same structure).
struct Counts {
    ULONG Created;
    ULONG Exited;
};

static Counts *g_Counts;
static UNICODE_STRING g_DeviceName = RTL_CONSTANT_STRING(L"\\Device\\First");
static UNICODE_STRING g_SymLink = RTL_CONSTANT_STRING(L"\\??\\First");

void OnProcessNotify(_Inout_ PEPROCESS Process, _In_ HANDLE ProcessId, _Inout_opt_ PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    UNREFERENCED_PARAMETER(Process);
    if (CreateInfo) {
        g_Counts->Created++;
        DbgPrint("First: process %u created from %wZ\n", HandleToUlong(ProcessId), CreateInfo->ImageFileName);
    } else {
        g_Counts->Exited++;
        DbgPrint("First: process %u exited\n", HandleToUlong(ProcessId));
    }
}

NTSTATUS CompleteRequest(PIRP Irp, NTSTATUS status, ULONG_PTR information)
{
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

NTSTATUS FirstCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    return CompleteRequest(Irp, STATUS_SUCCESS, 0);
}

// A read gets the counts so far (buffered I/O: the kernel copies them out).
NTSTATUS FirstRead(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    auto stack = IoGetCurrentIrpStackLocation(Irp);
    if (stack->Parameters.Read.Length < sizeof(Counts))
        return CompleteRequest(Irp, STATUS_BUFFER_TOO_SMALL, 0);
    *(Counts *)Irp->AssociatedIrp.SystemBuffer = *g_Counts;
    return CompleteRequest(Irp, STATUS_SUCCESS, sizeof(Counts));
}

void FirstUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, TRUE);
    IoDeleteSymbolicLink(&g_SymLink);
    IoDeleteDevice(DriverObject->DeviceObject);
    DbgPrint("First: unloaded; %u created, %u exited\n", g_Counts->Created, g_Counts->Exited);
    delete g_Counts;
}

extern "C" NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    g_Counts = new (POOL_FLAG_NON_PAGED) Counts;
    if (!g_Counts)
        return STATUS_INSUFFICIENT_RESOURCES;
    PDEVICE_OBJECT device;
    NTSTATUS status = IoCreateDevice(DriverObject, 0, &g_DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        delete g_Counts;
        return status;
    }
    device->Flags |= DO_BUFFERED_IO;
    status = IoCreateSymbolicLink(&g_SymLink, &g_DeviceName);
    if (NT_SUCCESS(status))
        status = PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, FALSE);
    if (!NT_SUCCESS(status)) {
        IoDeleteSymbolicLink(&g_SymLink);
        IoDeleteDevice(device);
        delete g_Counts;
        return status;
    }
    DriverObject->DriverUnload = FirstUnload;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = FirstCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = FirstCreateClose;
    DriverObject->MajorFunction[IRP_MJ_READ] = FirstRead;
    DbgPrint("First: loaded\n");
    return STATUS_SUCCESS;
}
