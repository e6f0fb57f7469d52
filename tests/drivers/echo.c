/*
 * echo.c - a test driver of the project's own for the generic client
 * (generic-client.scn): a device \Device\Echo with the symbolic link
 * \??\Echo, buffered reads and writes, and one control code for each way the
 * I/O manager passes buffers, so a scenario sees each method honoured.
 */
#include <ntddk.h>

#define TAG 'ohcE'
#define STORE_SIZE 16 /* a write keeps at most this many bytes */

/* The output is the input reversed (METHOD_BUFFERED: one system buffer for both). */
#define IOCTL_ECHO_REVERSE CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* The output is what the last write stored (METHOD_BUFFERED, no input). */
#define IOCTL_ECHO_STORED CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* The output, through its MDL, is the input repeated to fill it (METHOD_OUT_DIRECT). */
#define IOCTL_ECHO_REPEAT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)
/* The output is the input with each byte plus one, between the caller's own buffers (METHOD_NEITHER). */
#define IOCTL_ECHO_INCREMENT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x803, METHOD_NEITHER, FILE_ANY_ACCESS)

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(u"\\Device\\Echo");
static UNICODE_STRING LinkName = RTL_CONSTANT_STRING(u"\\??\\Echo");

/* What the last write stored, in pool (freed at unload). */
static UCHAR *Store;
static ULONG Stored;

static NTSTATUS Complete(PIRP Irp, NTSTATUS status, ULONG_PTR information)
{
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static NTSTATUS EchoCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    DbgPrint("echo: %s\n", IoGetCurrentIrpStackLocation(Irp)->MajorFunction == IRP_MJ_CREATE ? "create" : "close");
    return Complete(Irp, STATUS_SUCCESS, 0);
}

/* A read gets the pattern 0x00, 0x01, 0x02, ... for the whole length asked. */
static NTSTATUS EchoRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    ULONG len = IoGetCurrentIrpStackLocation(Irp)->Parameters.Read.Length;
    UCHAR *buffer = Irp->AssociatedIrp.SystemBuffer;
    for (ULONG i = 0; i < len; i++)
        buffer[i] = (UCHAR)i;
    return Complete(Irp, STATUS_SUCCESS, len);
}

/* A write is stored, its first STORE_SIZE bytes: the byte count says how many were taken. */
static NTSTATUS EchoWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    ULONG len = IoGetCurrentIrpStackLocation(Irp)->Parameters.Write.Length;
    Stored = len < STORE_SIZE ? len : STORE_SIZE;
    RtlCopyMemory(Store, Irp->AssociatedIrp.SystemBuffer, Stored);
    return Complete(Irp, STATUS_SUCCESS, Stored);
}

static NTSTATUS EchoControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG in_len = stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG out_len = stack->Parameters.DeviceIoControl.OutputBufferLength;
    switch (stack->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_ECHO_REVERSE: {
        UCHAR *buffer = Irp->AssociatedIrp.SystemBuffer;
        if (out_len < in_len)
            return Complete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
        for (ULONG i = 0; i < in_len / 2; i++) {
            UCHAR c = buffer[i];
            buffer[i] = buffer[in_len - 1 - i];
            buffer[in_len - 1 - i] = c;
        }
        return Complete(Irp, STATUS_SUCCESS, in_len);
    }
    case IOCTL_ECHO_STORED: {
        ULONG n = out_len < Stored ? out_len : Stored;
        RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, Store, n);
        return Complete(Irp, STATUS_SUCCESS, n);
    }
    case IOCTL_ECHO_REPEAT: {
        const UCHAR *in = Irp->AssociatedIrp.SystemBuffer;
        if (in_len == 0 || !Irp->MdlAddress)
            return Complete(Irp, STATUS_INVALID_PARAMETER, 0);
        UCHAR *out = MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority);
        for (ULONG i = 0; i < out_len; i++)
            out[i] = in[i % in_len];
        return Complete(Irp, STATUS_SUCCESS, out_len);
    }
    case IOCTL_ECHO_INCREMENT: {
        /* The caller's own addresses: a driver on Windows probes them inside __try. */
        const UCHAR *in = stack->Parameters.DeviceIoControl.Type3InputBuffer;
        UCHAR *out = Irp->UserBuffer;
        if (out_len < in_len)
            return Complete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
        for (ULONG i = 0; i < in_len; i++)
            out[i] = (UCHAR)(in[i] + 1);
        return Complete(Irp, STATUS_SUCCESS, in_len);
    }
    default:
        return Complete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
}

static void EchoUnload(PDRIVER_OBJECT DriverObject)
{
    IoDeleteSymbolicLink(&LinkName);
    IoDeleteDevice(DriverObject->DeviceObject);
    ExFreePool(Store);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Store = ExAllocatePool2(POOL_FLAG_PAGED, STORE_SIZE, TAG);
    Stored = 0;
    if (!Store)
        return STATUS_INSUFFICIENT_RESOURCES;
    PDEVICE_OBJECT DeviceObject;
    NTSTATUS status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &DeviceObject);
    if (!NT_SUCCESS(status)) {
        ExFreePool(Store);
        return status;
    }
    status = IoCreateSymbolicLink(&LinkName, &DeviceName);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(DeviceObject);
        ExFreePool(Store);
        return status;
    }
    DeviceObject->Flags |= DO_BUFFERED_IO;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = EchoCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = EchoCreateClose;
    DriverObject->MajorFunction[IRP_MJ_READ] = EchoRead;
    DriverObject->MajorFunction[IRP_MJ_WRITE] = EchoWrite;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = EchoControl;
    DriverObject->DriverUnload = EchoUnload;
    return STATUS_SUCCESS;
}
