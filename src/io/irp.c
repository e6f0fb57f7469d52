/*
 * irp.c - I/O requests: the I/O manager builds an IRP for the client's
 * CreateFile, ReadFile or WriteFile, describes the caller's buffer the way
 * the device asked (buffered, direct, or neither), calls the driver's
 * dispatch routine and takes the status and byte count it completed with.
 */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "ke/context.h"
#include "ke/system.h"

PDEVICE_OBJECT io_open_device(ntsim_system *sys, const char *link);

void IoCompleteRequest(PIRP Irp, CHAR PriorityBoost)
{
    (void)PriorityBoost;
    Irp->Completed = TRUE;
}

PVOID MmGetSystemAddressForMdlSafe(PMDL Mdl, ULONG Priority)
{
    (void)Priority;
    return Mdl ? Mdl->MappedSystemVa : NULL;
}

/* Calls a device's dispatch routine for one request; no routine: invalid request. */
static NTSTATUS call(ntsim_system *sys, PDEVICE_OBJECT dev, UCHAR major, PIRP irp)
{
    PDRIVER_OBJECT drv = dev->DriverObject;
    irp->Stack.MajorFunction = major;
    irp->Stack.DeviceObject = dev;
    irp->RequestorMode = UserMode;
    PDRIVER_DISPATCH fn = drv->MajorFunction[major];
    if (!fn)
        return STATUS_INVALID_DEVICE_REQUEST;
    NTSTATUS s;
    ps_thread *saved = sys->current_thread;
    IO_CALL(sys, drv->Internal, s = fn(dev, irp));
    sys->current_thread = saved;
    /* The status a caller sees is the one the IRP was completed with. */
    return irp->Completed ? irp->IoStatus.Status : s;
}

static NTSTATUS open_client(ntsim_system *sys, const char *link, PDEVICE_OBJECT *out)
{
    PDEVICE_OBJECT dev = io_open_device(sys, link);
    if (!dev)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    io_driver *d = dev->DriverObject->Internal;
    if (!d->client_open) {
        IRP irp = { 0 };
        NTSTATUS s = dev->DriverObject->MajorFunction[IRP_MJ_CREATE] ? call(sys, dev, IRP_MJ_CREATE, &irp)
                                                                     : STATUS_SUCCESS;
        if (!NT_SUCCESS(s))
            return s;
        d->client_open = true;
    }
    *out = dev;
    return STATUS_SUCCESS;
}

/* A read or write on the client's buffer, described as the device asked. */
static NTSTATUS transfer(ntsim_system *sys, const char *link, UCHAR major, void *buffer, ULONG length, ULONG *bytes)
{
    PDEVICE_OBJECT dev;
    *bytes = 0;
    NTSTATUS s = open_client(sys, link, &dev);
    if (!NT_SUCCESS(s))
        return s;
    IRP irp = { 0 };
    MDL mdl = { buffer, length };
    void *system_buffer = NULL;
    if (major == IRP_MJ_READ)
        irp.Stack.Parameters.Read.Length = length;
    else
        irp.Stack.Parameters.Write.Length = length;
    if (dev->Flags & DO_BUFFERED_IO) {
        /* The kernel's copy of the buffer; written back after a read. */
        system_buffer = calloc(1, length ? length : 1);
        if (!system_buffer)
            return STATUS_INSUFFICIENT_RESOURCES;
        if (major == IRP_MJ_WRITE)
            memcpy(system_buffer, buffer, length);
        irp.AssociatedIrp.SystemBuffer = system_buffer;
    } else if (dev->Flags & DO_DIRECT_IO) {
        irp.MdlAddress = length ? &mdl : NULL;
    } else {
        irp.UserBuffer = buffer;
    }
    s = call(sys, dev, major, &irp);
    ULONG info = irp.IoStatus.Information > length ? length : (ULONG)irp.IoStatus.Information;
    if (system_buffer && major == IRP_MJ_READ && NT_SUCCESS(s))
        memcpy(buffer, system_buffer, info);
    free(system_buffer);
    *bytes = NT_SUCCESS(s) ? info : 0;
    return s;
}

NTSTATUS ntsim_device_read(ntsim_system *sys, const char *link, void *buffer, ULONG length, ULONG *bytes)
{
    return transfer(sys, link, IRP_MJ_READ, buffer, length, bytes);
}

NTSTATUS ntsim_device_write(ntsim_system *sys, const char *link, const void *buffer, ULONG length, ULONG *bytes)
{
    return transfer(sys, link, IRP_MJ_WRITE, (void *)buffer, length, bytes);
}
