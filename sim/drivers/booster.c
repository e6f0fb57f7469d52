/*
 * booster.c - the book's priority booster (chapter 4): its client writes a
 * thread ID and a priority; the driver checks the priority, looks the thread
 * up and sets its priority (KeSetPriorityThread), whatever process it is in.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"

/* ==== BoosterCommon.h: what the client writes ================================== */

typedef struct ThreadData {
    ULONG ThreadId;
    LONG Priority;
} ThreadData;

_Static_assert(sizeof(ThreadData) == 8, "ThreadData: 8 bytes");

/* ==== Booster.cpp: the driver ==================================================== */

#define DRIVER_PREFIX "Booster: "

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(u"\\Device\\Booster");
static UNICODE_STRING SymLink = RTL_CONSTANT_STRING(u"\\??\\Booster");

static NTSTATUS CompleteRequest(PIRP Irp, NTSTATUS status, ULONG_PTR information)
{
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static NTSTATUS BoosterCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return CompleteRequest(Irp, STATUS_SUCCESS, 0);
}

/* Neither buffered nor direct I/O: the caller's buffer, read in its context. */
static NTSTATUS BoosterWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    if (stack->Parameters.Write.Length < sizeof(ThreadData))
        return CompleteRequest(Irp, STATUS_BUFFER_TOO_SMALL, 0);
    const ThreadData *data = Irp->UserBuffer;
    if (data == NULL || data->Priority < 1 || data->Priority > 31)
        return CompleteRequest(Irp, STATUS_INVALID_PARAMETER, 0);

    PETHREAD thread;
    NTSTATUS status = PsLookupThreadByThreadId(ULongToHandle(data->ThreadId), &thread);
    if (!NT_SUCCESS(status))
        return CompleteRequest(Irp, status, 0); /* no such thread */
    KPRIORITY old = KeSetPriorityThread(thread, data->Priority);
    ObDereferenceObject(thread);
    DbgPrint(DRIVER_PREFIX "Priority change for thread %u from %d to %d succeeded!\n", data->ThreadId, (int)old,
             (int)data->Priority);
    return CompleteRequest(Irp, STATUS_SUCCESS, sizeof(ThreadData));
}

static void BoosterUnload(PDRIVER_OBJECT DriverObject)
{
    IoDeleteSymbolicLink(&SymLink);
    IoDeleteDevice(DriverObject->DeviceObject);
}

static NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DriverObject->DriverUnload = BoosterUnload;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = BoosterCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = BoosterCreateClose;
    DriverObject->MajorFunction[IRP_MJ_WRITE] = BoosterWrite;

    PDEVICE_OBJECT DeviceObject;
    NTSTATUS status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &DeviceObject);
    if (!NT_SUCCESS(status)) {
        DbgPrint(DRIVER_PREFIX "Failed to create device object (0x%08X)\n", (unsigned)status);
        return status;
    }
    status = IoCreateSymbolicLink(&SymLink, &DeviceName);
    if (!NT_SUCCESS(status)) {
        DbgPrint(DRIVER_PREFIX "Failed to create symbolic link (0x%08X)\n", (unsigned)status);
        IoDeleteDevice(DeviceObject);
        return status;
    }
    return STATUS_SUCCESS;
}

/* ==== Boost.cpp: the client ======================================================== */

enum { FieldThread, FieldPriority };

static const sim_write_field booster_fields[] = {
    [FieldThread] = { "thread", FIELD_THREAD, true },
    [FieldPriority] = { "priority", FIELD_NUMBER, true },
    { NULL, FIELD_NUMBER, false },
};

/* `Boost <threadid> <priority>`: one ThreadData. */
static ULONG BoosterClientWrite(const sim_write_values *v, unsigned char *buf, ULONG cap)
{
    ThreadData data = {
        .ThreadId = (ULONG)v->number[FieldThread],
        .Priority = (LONG)v->number[FieldPriority],
    };
    if (cap < sizeof data)
        return 0;
    memcpy(buf, &data, sizeof data);
    return sizeof data;
}

/* WriteFile's verdict: on failure the book's Error() prints GetLastError(). */
static void BoosterClientWriteResult(NTSTATUS status, ULONG bytes, sim_record *r)
{
    char line[64];
    if (NT_SUCCESS(status))
        snprintf(line, sizeof line, "Priority change succeeded!");
    else
        snprintf(line, sizeof line, "Priority change failed! (error=%u)", RtlNtStatusToDosError(status));
    sim_put_lines(r, "lines");
    sim_lines_add(r, line);
}

const sim_driver sim_driver_booster = {
    .name = "booster",
    .entry = DriverEntry,
    .device = "\\??\\Booster",
    .write_fields = booster_fields,
    .client_write = BoosterClientWrite,
    .client_write_result = BoosterClientWriteResult,
    .write_result_fields = (const sim_field_spec[]){ { "lines", SIM_LINES, 0 }, { NULL, SIM_INT, 0 } },
};
