// FirstDriver.cpp - a first driver of your own: it counts the processes
// created and ended while it is loaded and names each one in the debugger's
// output.
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

struct Counts {
    ULONG Created;
    ULONG Exited;
};

static Counts *g_Counts;

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

void FirstUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, TRUE);
    DbgPrint("First: unloaded; %u created, %u exited\n", g_Counts->Created, g_Counts->Exited);
    delete g_Counts;
}

extern "C" NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    g_Counts = new (POOL_FLAG_NON_PAGED) Counts;
    if (!g_Counts)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status = PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, FALSE);
    if (!NT_SUCCESS(status)) {
        delete g_Counts;
        return status;
    }
    DriverObject->DriverUnload = FirstUnload;
    DbgPrint("First: loaded\n");
    return STATUS_SUCCESS;
}
