/*
 * detector.c - the book's remote-thread detector (chapter 9): a thread
 * created by another process is reported, except the first thread of a new
 * process (its creator makes it, from outside, by design).
 *
 * The plain thread routine runs in the creating thread's context, so the
 * current process there is the creator: that is what makes the check
 * possible. New processes are remembered in a small fixed table; its limits
 * are the sample's, kept on purpose:
 *  - a full table drops the pid (a debug print says so), and that process's
 *    first thread is then reported: a false positive;
 *  - a pid whose first thread never came (created by the System process,
 *    whose threads are not checked, or refused at creation) stays in the
 *    table, and hides the next remote thread into a process with that pid.
 */
#include <stdlib.h>
#include <string.h>

#include "client.h"

/* ==== DetectorCommon.h: the record on the wire ================================ */

typedef struct RemoteThread {
    LARGE_INTEGER Time;
    ULONG CreatorProcessId;
    ULONG CreatorThreadId;
    ULONG ProcessId;
    ULONG ThreadId;
} RemoteThread;

_Static_assert(sizeof(RemoteThread) == 24 && offsetof(RemoteThread, ThreadId) == 20, "RemoteThread: 24 bytes");

/* ==== Detector.cpp: the driver ================================================== */

#define DRIVER_PREFIX "Detector: "
#define DRIVER_TAG 0x74654452u /* "RDet" */
#define SYSTEM_PROCESS_ID ((HANDLE)4)
#define DEFAULT_MAX_NEW 32
#define LIMIT_MAX_NEW 4096

typedef struct RemoteThreadItem {
    LIST_ENTRY Link;
    RemoteThread Remote;
} RemoteThreadItem;

/* The driver's globals (one simulated system at a time: see sysmon.c). */
typedef struct Globals {
    ULONG *NewProcesses;   /* MaxNewProcesses slots; 0 = free */
    ULONG MaxNewProcesses; /* the book's MaxProcesses, 32 */
    ULONG NewProcessesCount;
    FAST_MUTEX ProcessesLock;
    LIST_ENTRY ItemsHead;  /* reports, oldest first; unbounded */
    FAST_MUTEX ItemsLock;
} Globals;

static Globals g_Globals;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(u"\\Device\\Detector");
static UNICODE_STRING SymLink = RTL_CONSTANT_STRING(u"\\??\\Detector");

/* Remembers a new process; false when the table is full. O(slots). */
static bool AddNewProcess(HANDLE pid)
{
    bool added = false;
    ExAcquireFastMutex(&g_Globals.ProcessesLock);
    if (g_Globals.NewProcessesCount < g_Globals.MaxNewProcesses) {
        for (ULONG i = 0; i < g_Globals.MaxNewProcesses; i++) {
            if (g_Globals.NewProcesses[i] == 0) {
                g_Globals.NewProcesses[i] = HandleToULong(pid);
                break;
            }
        }
        g_Globals.NewProcessesCount++;
        added = true;
    }
    ExReleaseFastMutex(&g_Globals.ProcessesLock);
    return added;
}

/* Forgets a new process; true if it was in the table (this is its first thread). */
static bool RemoveNewProcess(HANDLE pid)
{
    bool removed = false;
    ExAcquireFastMutex(&g_Globals.ProcessesLock);
    for (ULONG i = 0; i < g_Globals.MaxNewProcesses; i++) {
        if (g_Globals.NewProcesses[i] == HandleToULong(pid)) {
            g_Globals.NewProcesses[i] = 0;
            g_Globals.NewProcessesCount--;
            removed = true;
            break;
        }
    }
    ExReleaseFastMutex(&g_Globals.ProcessesLock);
    return removed;
}

static void OnProcessNotify(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    if (!CreateInfo)
        return; /* exits are not interesting: the table keeps the pid until a thread comes */
    if (!AddNewProcess(ProcessId))
        DbgPrint(DRIVER_PREFIX "New process created, no room to store (PID %u)\n", HandleToULong(ProcessId));
}

/* Runs in the creating thread's context: the current process is the creator. */
static void OnThreadNotify(HANDLE ProcessId, HANDLE ThreadId, BOOLEAN Create)
{
    if (!Create)
        return;
    HANDLE creator = PsGetCurrentProcessId();
    if (creator == ProcessId || creator == SYSTEM_PROCESS_ID || ProcessId == SYSTEM_PROCESS_ID)
        return; /* a local thread, or the System process involved: not remote */
    if (RemoveNewProcess(ProcessId))
        return; /* the first thread of a new process */

    RemoteThreadItem *item = ExAllocatePoolWithTag(NonPagedPool, sizeof *item, DRIVER_TAG);
    if (!item) {
        DbgPrint(DRIVER_PREFIX "failed allocation\n");
        return;
    }
    KeQuerySystemTimePrecise(&item->Remote.Time);
    item->Remote.CreatorProcessId = HandleToULong(creator);
    item->Remote.CreatorThreadId = HandleToULong(PsGetCurrentThreadId());
    item->Remote.ProcessId = HandleToULong(ProcessId);
    item->Remote.ThreadId = HandleToULong(ThreadId);

    ExAcquireFastMutex(&g_Globals.ItemsLock);
    InsertTailList(&g_Globals.ItemsHead, &item->Link);
    ExReleaseFastMutex(&g_Globals.ItemsLock);
}

static NTSTATUS CompleteRequest(PIRP Irp, NTSTATUS status, ULONG_PTR information)
{
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static NTSTATUS DetectorCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return CompleteRequest(Irp, STATUS_SUCCESS, 0);
}

/* Copies as many whole 24-byte records as fit, oldest first; never waits. */
static NTSTATUS DetectorRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    ULONG len = IoGetCurrentIrpStackLocation(Irp)->Parameters.Read.Length;
    unsigned char *buffer = Irp->AssociatedIrp.SystemBuffer; /* buffered I/O */
    ULONG bytes = 0;
    if (len >= sizeof(RemoteThread) && !buffer)
        return CompleteRequest(Irp, STATUS_INVALID_PARAMETER, 0);

    ExAcquireFastMutex(&g_Globals.ItemsLock);
    while (len >= sizeof(RemoteThread) && !IsListEmpty(&g_Globals.ItemsHead)) {
        RemoteThreadItem *item = CONTAINING_RECORD(RemoveHeadList(&g_Globals.ItemsHead), RemoteThreadItem, Link);
        memcpy(buffer, &item->Remote, sizeof(RemoteThread));
        buffer += sizeof(RemoteThread);
        len -= sizeof(RemoteThread);
        bytes += sizeof(RemoteThread);
        ExFreePool(item);
    }
    ExReleaseFastMutex(&g_Globals.ItemsLock);
    return CompleteRequest(Irp, STATUS_SUCCESS, bytes);
}

static void FreeGlobals(void)
{
    while (!IsListEmpty(&g_Globals.ItemsHead))
        ExFreePool(CONTAINING_RECORD(RemoveHeadList(&g_Globals.ItemsHead), RemoteThreadItem, Link));
    if (g_Globals.NewProcesses)
        ExFreePool(g_Globals.NewProcesses);
    g_Globals.NewProcesses = NULL;
}

static void DetectorUnload(PDRIVER_OBJECT DriverObject)
{
    PsRemoveCreateThreadNotifyRoutine(OnThreadNotify);
    PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, TRUE);
    IoDeleteSymbolicLink(&SymLink);
    IoDeleteDevice(DriverObject->DeviceObject);
    FreeGlobals();
}

/* The `max_new` option: the table's slots, decimal or 0x hex (0 keeps no table). */
static NTSTATUS ReadMaxNew(PDRIVER_OBJECT DriverObject, ULONG *max)
{
    const char *text;
    *max = DEFAULT_MAX_NEW;
    if (!NT_SUCCESS(IoQueryDriverOption(DriverObject, "max_new", &text)))
        return STATUS_SUCCESS;
    char *end;
    unsigned long long value = strtoull(text, &end, text[0] == '0' && (text[1] == 'x' || text[1] == 'X') ? 16 : 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || value > LIMIT_MAX_NEW) {
        DbgPrint(DRIVER_PREFIX "bad max_new '%s' (0 to %u)\n", text, LIMIT_MAX_NEW);
        return STATUS_INVALID_PARAMETER;
    }
    *max = (ULONG)value;
    return STATUS_SUCCESS;
}

static NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    memset(&g_Globals, 0, sizeof g_Globals);
    InitializeListHead(&g_Globals.ItemsHead);
    ExInitializeFastMutex(&g_Globals.ProcessesLock);
    ExInitializeFastMutex(&g_Globals.ItemsLock);
    NTSTATUS status = ReadMaxNew(DriverObject, &g_Globals.MaxNewProcesses);
    if (!NT_SUCCESS(status))
        return status;
    if (g_Globals.MaxNewProcesses) {
        g_Globals.NewProcesses = ExAllocatePoolWithTag(NonPagedPool, g_Globals.MaxNewProcesses * sizeof(ULONG),
                                                       DRIVER_TAG); /* zeroed: every slot free */
        if (!g_Globals.NewProcesses)
            return STATUS_INSUFFICIENT_RESOURCES;
    }

    PDEVICE_OBJECT DeviceObject = NULL;
    bool symLinkCreated = false, processCallback = false;
    do {
        status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &DeviceObject);
        if (!NT_SUCCESS(status))
            break;
        DeviceObject->Flags |= DO_BUFFERED_IO;
        status = IoCreateSymbolicLink(&SymLink, &DeviceName);
        if (!NT_SUCCESS(status))
            break;
        symLinkCreated = true;
        status = PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, FALSE);
        if (!NT_SUCCESS(status))
            break;
        processCallback = true;
        status = PsSetCreateThreadNotifyRoutine(OnThreadNotify);
    } while (false);

    if (!NT_SUCCESS(status)) {
        DbgPrint(DRIVER_PREFIX "DriverEntry failed (0x%08X)\n", (unsigned)status);
        if (processCallback)
            PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, TRUE);
        if (symLinkCreated)
            IoDeleteSymbolicLink(&SymLink);
        if (DeviceObject)
            IoDeleteDevice(DeviceObject);
        FreeGlobals();
        return status;
    }

    DriverObject->DriverUnload = DetectorUnload;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = DetectorCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = DetectorCreateClose;
    DriverObject->MajorFunction[IRP_MJ_READ] = DetectorRead;
    return STATUS_SUCCESS;
}

/* ==== DetectorClient.cpp: the client ============================================= */

/* The client reads RemoteThread[20] at a time and prints each whole record. */
static void DetectorClientRead(const unsigned char *buf, ULONG bytes, sim_record *r)
{
    ULONG count = bytes / sizeof(RemoteThread);
    sim_put_array(r, "items");
    for (ULONG i = 0; i < count; i++) {
        RemoteThread rt;
        memcpy(&rt, buf + i * sizeof rt, sizeof rt);
        sim_record *e = sim_array_add(r);
        sim_put_str(e, "item", "remote_thread"); /* its kind, as the monitor's items name theirs */
        sim_put_int(e, "time", rt.Time.QuadPart);
        sim_put_int(e, "creator_pid", rt.CreatorProcessId);
        sim_put_int(e, "creator_tid", rt.CreatorThreadId);
        sim_put_int(e, "pid", rt.ProcessId);
        sim_put_int(e, "tid", rt.ThreadId);
    }
    sim_put_lines(r, "lines");
    for (ULONG i = 0; i < count; i++) {
        RemoteThread rt;
        memcpy(&rt, buf + i * sizeof rt, sizeof rt);
        sim_client_line(r, rt.Time.QuadPart, "Remote Thread from PID: %u TID: %u -> PID: %u TID: %u",
                        rt.CreatorProcessId, rt.CreatorThreadId, rt.ProcessId, rt.ThreadId);
    }
}

static const char *const detector_options[] = { "max_new", NULL };

const sim_driver sim_driver_detector = {
    .name = "detector",
    .entry = DriverEntry,
    .options = detector_options,
    .device = "\\??\\Detector",
    .default_read = 20 * sizeof(RemoteThread), /* the book's client: RemoteThread[20] */
    .client_read = DetectorClientRead,
    .read_result_fields = (const sim_field_spec[]){ { "items", SIM_ARRAY, 0 }, { "lines", SIM_LINES, 0 },
                                                    { NULL, SIM_INT, 0 } },
};
