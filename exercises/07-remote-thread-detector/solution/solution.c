/*
 * Exercise 07 - reference solution. New processes are kept in a list with
 * one entry per PID (a set, in pool, no fixed size); an entry goes when the
 * process's first thread comes, whoever creates it (System included), or
 * when the process exits. A creation refused by a later routine leaves its
 * PID behind, but only until a new process with that PID appears: the set
 * then holds it once, and that process's first thread takes it out.
 */
#include <string.h>

#include "exercise.h"

#define DRIVER_TAG 0x74655232u /* "2Ret" */
#define SYSTEM_PROCESS_ID 4u

typedef struct ReportItem {
    LIST_ENTRY Link;
    RemoteThread Remote;
} ReportItem;

static struct {
    LIST_ENTRY Reports; /* oldest first */
    FAST_MUTEX Lock;
    LIST_ENTRY NewProcesses; /* NewProcess entries, one per PID */
} g_Globals;

typedef struct NewProcess {
    LIST_ENTRY Link;
    ULONG ProcessId;
} NewProcess;

static NewProcess *FindNew(ULONG pid)
{
    for (PLIST_ENTRY e = g_Globals.NewProcesses.Flink; e != &g_Globals.NewProcesses; e = e->Flink)
        if (CONTAINING_RECORD(e, NewProcess, Link)->ProcessId == pid)
            return CONTAINING_RECORD(e, NewProcess, Link);
    return NULL;
}

/* Forgets pid; true if it was remembered. */
static bool ForgetNew(ULONG pid)
{
    NewProcess *p = FindNew(pid);
    if (!p)
        return false;
    RemoveEntryList(&p->Link);
    ExFreePool(p);
    return true;
}

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(u"\\Device\\RemoteDetector");
static UNICODE_STRING SymLink = RTL_CONSTANT_STRING(u"\\??\\RemoteDetector");

/* Queues a report of thread `tid` of process `pid`, created by the current thread. */
static void Report(ULONG pid, ULONG tid)
{
    ReportItem *item = ExAllocatePoolWithTag(NonPagedPool, sizeof *item, DRIVER_TAG);
    if (!item)
        return;
    KeQuerySystemTimePrecise(&item->Remote.Time);
    item->Remote.CreatorProcessId = HandleToULong(PsGetCurrentProcessId());
    item->Remote.CreatorThreadId = HandleToULong(PsGetCurrentThreadId());
    item->Remote.ProcessId = pid;
    item->Remote.ThreadId = tid;
    InsertTailList(&g_Globals.Reports, &item->Link);
}

static void OnProcessNotify(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    ExAcquireFastMutex(&g_Globals.Lock);
    ULONG pid = HandleToULong(ProcessId);
    if (!CreateInfo) {
        ForgetNew(pid);
    } else if (!FindNew(pid)) {
        NewProcess *p = ExAllocatePoolWithTag(NonPagedPool, sizeof *p, DRIVER_TAG);
        if (p) {
            p->ProcessId = pid;
            InsertTailList(&g_Globals.NewProcesses, &p->Link);
        }
    }
    ExReleaseFastMutex(&g_Globals.Lock);
}

/* The plain thread routine: creation runs in the creating thread's context. */
static void OnThreadNotify(HANDLE ProcessId, HANDLE ThreadId, BOOLEAN Create)
{
    if (!Create)
        return;
    ExAcquireFastMutex(&g_Globals.Lock);
    ULONG pid = HandleToULong(ProcessId), creator = HandleToULong(PsGetCurrentProcessId());
    if (!ForgetNew(pid) && creator != pid && creator != SYSTEM_PROCESS_ID && pid != SYSTEM_PROCESS_ID)
        Report(pid, HandleToULong(ThreadId));
    ExReleaseFastMutex(&g_Globals.Lock);
}

static NTSTATUS Complete(PIRP Irp, NTSTATUS status, ULONG_PTR information)
{
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static NTSTATUS DetectorCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return Complete(Irp, STATUS_SUCCESS, 0);
}

/* Buffered I/O: copies whole records, oldest first, into the system buffer. */
static NTSTATUS DetectorRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    ULONG len = IoGetCurrentIrpStackLocation(Irp)->Parameters.Read.Length, bytes = 0;
    unsigned char *buffer = Irp->AssociatedIrp.SystemBuffer;
    ExAcquireFastMutex(&g_Globals.Lock);
    while (buffer && len - bytes >= sizeof(RemoteThread) && !IsListEmpty(&g_Globals.Reports)) {
        ReportItem *item = CONTAINING_RECORD(RemoveHeadList(&g_Globals.Reports), ReportItem, Link);
        memcpy(buffer + bytes, &item->Remote, sizeof(RemoteThread));
        bytes += sizeof(RemoteThread);
        ExFreePool(item);
    }
    ExReleaseFastMutex(&g_Globals.Lock);
    return Complete(Irp, STATUS_SUCCESS, bytes);
}

static void DetectorUnload(PDRIVER_OBJECT DriverObject)
{
    PsRemoveCreateThreadNotifyRoutine(OnThreadNotify);
    PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, TRUE);
    IoDeleteSymbolicLink(&SymLink);
    IoDeleteDevice(DriverObject->DeviceObject);
    while (!IsListEmpty(&g_Globals.Reports))
        ExFreePool(CONTAINING_RECORD(RemoveHeadList(&g_Globals.Reports), ReportItem, Link));
    while (!IsListEmpty(&g_Globals.NewProcesses))
        ExFreePool(CONTAINING_RECORD(RemoveHeadList(&g_Globals.NewProcesses), NewProcess, Link));
}

NTSTATUS DetectorDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    memset(&g_Globals, 0, sizeof g_Globals);
    InitializeListHead(&g_Globals.Reports);
    ExInitializeFastMutex(&g_Globals.Lock);
    InitializeListHead(&g_Globals.NewProcesses);

    PDEVICE_OBJECT device = NULL;
    NTSTATUS status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status))
        return status;
    device->Flags |= DO_BUFFERED_IO;
    status = IoCreateSymbolicLink(&SymLink, &DeviceName);
    if (NT_SUCCESS(status)) {
        status = PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, FALSE);
        if (NT_SUCCESS(status)) {
            status = PsSetCreateThreadNotifyRoutine(OnThreadNotify);
            if (!NT_SUCCESS(status))
                PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, TRUE);
        }
        if (!NT_SUCCESS(status))
            IoDeleteSymbolicLink(&SymLink);
    }
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(device);
        return status;
    }
    DriverObject->DriverUnload = DetectorUnload;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = DetectorCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = DetectorCreateClose;
    DriverObject->MajorFunction[IRP_MJ_READ] = DetectorRead;
    return STATUS_SUCCESS;
}
