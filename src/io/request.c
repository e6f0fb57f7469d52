/*
 * request.c - one I/O request (an IRP) to a device: the I/O manager
 * describes the caller's buffers the way the device asked for them
 * (buffered: a kernel copy; direct: a locked buffer behind an MDL; neither:
 * the caller's own), calls the driver's dispatch routine, and takes the
 * status and byte count the request was completed with.
 */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "ke/context.h"
#include "ntsim/wdk.h"
#include "rtl/alloc.h"

static void finish_built(PIRP irp);

/* Requests in flight, for a debugger (io_active_irps): tracked while a
   dispatch routine has them, and built ones until they finish. Returns
   whether this call added it (a request tracked already is not twice). */
static bool track_irp(ntsim_system *sys, PIRP irp)
{
    io_system *io = sys ? io_state(sys) : NULL;
    if (!io || io->tracked_irp_count == IO_TRACKED_IRPS)
        return false;
    for (ULONG i = 0; i < io->tracked_irp_count; i++)
        if (io->tracked_irps[i] == irp)
            return false;
    const ke_thread *t = ke_state(sys)->current_thread;
    io->tracked_irp_tids[io->tracked_irp_count] = t ? t->tid : 0;
    io->tracked_irps[io->tracked_irp_count++] = irp;
    return true;
}

static void untrack_irp(ntsim_system *sys, PIRP irp)
{
    io_system *io = sys ? io_state(sys) : NULL;
    for (ULONG i = 0; io && i < io->tracked_irp_count; i++) {
        if (io->tracked_irps[i] == irp) {
            memmove(&io->tracked_irps[i], &io->tracked_irps[i + 1],
                    (io->tracked_irp_count - i - 1) * sizeof io->tracked_irps[0]);
            memmove(&io->tracked_irp_tids[i], &io->tracked_irp_tids[i + 1],
                    (io->tracked_irp_count - i - 1) * sizeof io->tracked_irp_tids[0]);
            io->tracked_irp_count--;
            return;
        }
    }
}

ULONG io_active_irps(ntsim_system *sys, PIRP *out, ULONG *tids, ULONG cap)
{
    io_system *io = io_state(sys);
    for (ULONG i = 0; i < io->tracked_irp_count && i < cap; i++) {
        out[i] = io->tracked_irps[i];
        tids[i] = io->tracked_irp_tids[i];
    }
    return io->tracked_irp_count;
}

static const char *io_major_name(UCHAR major);

/* A request's dispatch (begin) or completion, when calls are traced: a timeline's arrow. */
static void trace_irp(ntsim_system *sys, PIRP irp, bool completed)
{
    if (!sys || !ke_state(sys)->sched.trace_calls || !irp->Sequence)
        return;
    const ke_thread *t = ke_state(sys)->current_thread;
    ntsim_event e = { .kind = NTSIM_EVENT_IRP, .tid = t ? t->tid : 0, .number = (ULONG)irp->Sequence,
                      .service = io_major_name(irp->Stack.MajorFunction), .count = completed ? 1 : 0 };
    ke_deliver_event(sys, &e);
}

void IoCompleteRequest(PIRP Irp, CHAR PriorityBoost)
{
    (void)PriorityBoost;
    if (!Irp->Completed)
        trace_irp(ke_context_system(), Irp, true);
    Irp->Completed = TRUE;
    /* A request completed after its driver returned STATUS_PENDING: tell the caller now. */
    if (Irp->Allocated && Irp->PendingReturned)
        finish_built(Irp);
}

PVOID MmGetSystemAddressForMdlSafe(PMDL Mdl, ULONG Priority)
{
    (void)Priority;
    return Mdl ? Mdl->MappedSystemVa : NULL;
}

/* The dispatch routine's name in a trace: the request's major function. */
static const char *io_major_name(UCHAR major)
{
    switch (major) {
    case IRP_MJ_CREATE: return "IRP_MJ_CREATE";
    case IRP_MJ_CLOSE: return "IRP_MJ_CLOSE";
    case IRP_MJ_READ: return "IRP_MJ_READ";
    case IRP_MJ_WRITE: return "IRP_MJ_WRITE";
    case IRP_MJ_DEVICE_CONTROL: return "IRP_MJ_DEVICE_CONTROL";
    case IRP_MJ_CLEANUP: return "IRP_MJ_CLEANUP";
    default: return "dispatch routine";
    }
}

static NTSTATUS dispatch(ntsim_system *sys, PDEVICE_OBJECT dev, PIRP irp)
{
    PDRIVER_OBJECT drv = dev->DriverObject;
    PDRIVER_DISPATCH fn = drv->MajorFunction[irp->Stack.MajorFunction];
    if (!fn) {
        /* No routine: create, cleanup and close succeed, anything else is refused. */
        UCHAR m = irp->Stack.MajorFunction;
        return m == IRP_MJ_CREATE || m == IRP_MJ_CLOSE || m == IRP_MJ_CLEANUP ? STATUS_SUCCESS
                                                                              : STATUS_INVALID_DEVICE_REQUEST;
    }
    NTSTATUS s;
    ps_thread *saved = ps_current_thread(sys);
    if (!irp->Sequence)
        irp->Sequence = ++io_state(sys)->irp_sequence;
    trace_irp(sys, irp, false);
    bool tracked = track_irp(sys, irp);
    IO_CALL_ROUTINE(sys, drv->Internal, io_major_name(irp->Stack.MajorFunction), s = fn(dev, irp));
    if (tracked) /* a request on the caller's stack: gone once its routine returns */
        untrack_irp(sys, irp);
    ps_set_current_thread(sys, saved);
    return s; /* what the routine returned (IoCallDriver's answer) */
}

NTSTATUS io_send(ntsim_system *sys, PDEVICE_OBJECT dev, PFILE_OBJECT file, UCHAR major, ULONG code, const void *in,
                 ULONG in_len, void *out, ULONG out_len, ULONG_PTR *information)
{
    IRP irp = { 0 };
    MDL mdl = { 0 };
    void *system_buffer = NULL;
    ULONG method = METHOD_NEITHER;
    *information = 0;
    irp.Stack.MajorFunction = major;
    irp.Stack.DeviceObject = dev;
    irp.Stack.FileObject = file;
    irp.RequestorMode = UserMode;
    switch (major) {
    case IRP_MJ_READ:
        irp.Stack.Parameters.Read.Length = out_len;
        method = dev->Flags & DO_BUFFERED_IO ? METHOD_BUFFERED : dev->Flags & DO_DIRECT_IO ? METHOD_OUT_DIRECT
                                                                                          : METHOD_NEITHER;
        break;
    case IRP_MJ_WRITE:
        irp.Stack.Parameters.Write.Length = in_len;
        method = dev->Flags & DO_BUFFERED_IO ? METHOD_BUFFERED : dev->Flags & DO_DIRECT_IO ? METHOD_IN_DIRECT
                                                                                          : METHOD_NEITHER;
        break;
    case IRP_MJ_DEVICE_CONTROL:
        irp.Stack.Parameters.DeviceIoControl.IoControlCode = code;
        irp.Stack.Parameters.DeviceIoControl.InputBufferLength = in_len;
        irp.Stack.Parameters.DeviceIoControl.OutputBufferLength = out_len;
        method = METHOD_FROM_CTL_CODE(code);
        break;
    default:
        break;
    }
    if (major == IRP_MJ_READ || major == IRP_MJ_WRITE || major == IRP_MJ_DEVICE_CONTROL) {
        ULONG len = in_len > out_len ? in_len : out_len;
        if (method == METHOD_BUFFERED || (major == IRP_MJ_DEVICE_CONTROL && method != METHOD_NEITHER)) {
            /* The kernel's copy holds the input; for buffered output it receives it. */
            system_buffer = rtl_calloc(1, len ? len : 1);
            if (!system_buffer)
                return STATUS_INSUFFICIENT_RESOURCES;
            if (in && in_len)
                memcpy(system_buffer, in, in_len);
            irp.AssociatedIrp.SystemBuffer = system_buffer;
        }
        if (method == METHOD_IN_DIRECT || method == METHOD_OUT_DIRECT) {
            /* The caller's buffer, locked and mapped: here simply its memory. */
            void *buffer = major == IRP_MJ_WRITE ? (void *)in : out;
            ULONG n = major == IRP_MJ_WRITE ? in_len : out_len;
            mdl = (MDL){ buffer, n };
            irp.MdlAddress = n ? &mdl : NULL;
        }
        if (method == METHOD_NEITHER) {
            irp.UserBuffer = major == IRP_MJ_WRITE ? (void *)in : out;
            irp.Stack.Parameters.DeviceIoControl.Type3InputBuffer = major == IRP_MJ_DEVICE_CONTROL ? (void *)in : NULL;
        }
    }
    NTSTATUS s = dispatch(sys, dev, &irp);
    /* A synchronous caller sees what the request was completed with. */
    if (irp.Completed)
        s = irp.IoStatus.Status;
    ULONG limit = major == IRP_MJ_WRITE ? in_len : out_len;
    ULONG_PTR info = irp.IoStatus.Information;
    if (major == IRP_MJ_READ || major == IRP_MJ_DEVICE_CONTROL)
        info = info > limit ? limit : info;
    if (system_buffer && out && NT_SUCCESS(s) && method == METHOD_BUFFERED)
        memcpy(out, system_buffer, info);
    rtl_free(system_buffer);
    *information = NT_SUCCESS(s) ? info : 0;
    return s;
}

/* ---- drivers calling drivers -------------------------------------------------- */

PDEVICE_OBJECT io_open_device_w(ntsim_system *sys, PCUNICODE_STRING name);

NTSTATUS IoGetDeviceObjectPointer(PUNICODE_STRING ObjectName, ACCESS_MASK DesiredAccess, PFILE_OBJECT *FileObject,
                                  PDEVICE_OBJECT *DeviceObject)
{
    ntsim_system *sys = ke_current_system("IoGetDeviceObjectPointer");
    io_file *f;
    *FileObject = NULL;
    *DeviceObject = NULL;
    NTSTATUS s = io_create_file(sys, ObjectName, DesiredAccess, &f);
    if (!NT_SUCCESS(s))
        return s;
    if (!f->object.DeviceObject) { /* a file of the volume: ntsim has no file system device to give */
        ob_dereference(sys, &f->header);
        return STATUS_NOT_SUPPORTED;
    }
    /* The caller holds the file object (ObDereferenceObject releases it). */
    *FileObject = &f->object;
    *DeviceObject = f->object.DeviceObject;
    return STATUS_SUCCESS;
}

PIRP IoBuildDeviceIoControlRequest(ULONG IoControlCode, PDEVICE_OBJECT DeviceObject, PVOID InputBuffer,
                                   ULONG InputBufferLength, PVOID OutputBuffer, ULONG OutputBufferLength,
                                   BOOLEAN InternalDeviceIoControl, PKEVENT Event, PIO_STATUS_BLOCK IoStatusBlock)
{
    (void)InternalDeviceIoControl;
    PIRP irp = rtl_calloc(1, sizeof *irp);
    if (!irp)
        return NULL;
    irp->Allocated = TRUE;
    track_irp(ke_context_system(), irp);
    irp->UserEvent = Event;
    irp->UserIosb = IoStatusBlock;
    irp->RequestorMode = KernelMode;
    irp->Stack.MajorFunction = IRP_MJ_DEVICE_CONTROL;
    irp->Stack.DeviceObject = DeviceObject;
    irp->Stack.Parameters.DeviceIoControl.IoControlCode = IoControlCode;
    irp->Stack.Parameters.DeviceIoControl.InputBufferLength = InputBufferLength;
    irp->Stack.Parameters.DeviceIoControl.OutputBufferLength = OutputBufferLength;
    ULONG method = METHOD_FROM_CTL_CODE(IoControlCode);
    if (method == METHOD_NEITHER) {
        irp->Stack.Parameters.DeviceIoControl.Type3InputBuffer = InputBuffer;
        irp->UserBuffer = OutputBuffer;
        return irp;
    }
    ULONG len = InputBufferLength > OutputBufferLength ? InputBufferLength : OutputBufferLength;
    irp->AssociatedIrp.SystemBuffer = rtl_calloc(1, len ? len : 1);
    if (!irp->AssociatedIrp.SystemBuffer) {
        untrack_irp(ke_context_system(), irp);
        rtl_free(irp);
        return NULL;
    }
    if (InputBuffer && InputBufferLength)
        memcpy(irp->AssociatedIrp.SystemBuffer, InputBuffer, InputBufferLength);
    irp->OutputBuffer = OutputBuffer;
    return irp;
}

/* An IRP built by IoBuild*: its results go to the caller, then it is freed. */
static void finish_built(PIRP irp)
{
    ULONG out_len = irp->Stack.Parameters.DeviceIoControl.OutputBufferLength;
    ULONG_PTR info = irp->IoStatus.Information > out_len ? out_len : irp->IoStatus.Information;
    if (irp->OutputBuffer && NT_SUCCESS(irp->IoStatus.Status) && METHOD_FROM_CTL_CODE(
            irp->Stack.Parameters.DeviceIoControl.IoControlCode) == METHOD_BUFFERED)
        memcpy(irp->OutputBuffer, irp->AssociatedIrp.SystemBuffer, info);
    if (irp->UserIosb)
        *irp->UserIosb = (IO_STATUS_BLOCK){ irp->IoStatus.Status, info };
    if (irp->UserEvent)
        KeSetEvent(irp->UserEvent, IO_NO_INCREMENT, FALSE);
    untrack_irp(ke_context_system(), irp);
    rtl_free(irp->AssociatedIrp.SystemBuffer);
    rtl_free(irp);
}

NTSTATUS IoCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    ntsim_system *sys = ke_current_system("IoCallDriver");
    Irp->Stack.DeviceObject = DeviceObject;
    /* While the dispatch routine runs, the IRP stays alive: a driver that
       marks it pending and completes it before returning (beep.sys does, its
       StartIo running at once) must not have it freed under this call. It
       is finished below, once the routine has returned. */
    BOOLEAN built = Irp->Allocated;
    Irp->Allocated = FALSE;
    NTSTATUS s = dispatch(sys, DeviceObject, Irp);
    Irp->Allocated = built;
    if (!Irp->Allocated)
        return s;
    if (s == STATUS_PENDING && !Irp->Completed) {
        Irp->PendingReturned = TRUE; /* finished by IoCompleteRequest, later */
        return s;
    }
    if (!Irp->Completed)
        Irp->IoStatus.Status = s;
    finish_built(Irp);
    return s;
}
