/*
 * beep.c - Windows' own Beep driver (beep.sys): the device \Device\Beep and
 * its one control code, IOCTL_BEEP_SET, which starts a tone on the speaker
 * and returns at once. Nothing waits for the tone: the speaker stops by
 * itself when the duration has passed (beep.sys sets a timer whose DPC
 * calls HalMakeBeep(0)), so a caller that wants to hear the whole tone waits
 * the duration itself, as kernel32's Beep() and the Melody sample do.
 *
 * What it follows (beep.sys as ReactOS re-implements it after NT's):
 *  - input shorter than BEEP_SET_PARAMETERS: STATUS_INVALID_PARAMETER;
 *  - a frequency with a zero duration: success, no sound;
 *  - otherwise the request is marked pending and completed at once (the
 *    driver's StartIo runs while the device is idle): the dispatch routine
 *    returns STATUS_PENDING, the request's status is STATUS_SUCCESS; the
 *    tone replaces any still sounding; frequency 0 silences the speaker;
 *  - a frequency the speaker cannot make (outside 37..32767 Hz, ntddbeep.h's
 *    range; the HAL's HalMakeBeep fails) silences it and fails the request
 *    with STATUS_INVALID_PARAMETER;
 *  - cleanup (a handle to the device closed) silences a tone still sounding.
 * Every tone goes to the machine's speaker (ntsim_speaker_tone): a `beep`
 * event with its frequency, duration and start time on the virtual clock.
 */
#include <string.h>

#include "client.h"
#include "ntsim/wdk/ntddbeep.h"

/* The device's state: when the tone it started stops by itself. */
typedef struct BEEP_EXTENSION {
    LONG64 SoundingUntil; /* system time; 0 or past: silent */
} BEEP_EXTENSION;

static NTSTATUS CompleteRequest(PIRP Irp, NTSTATUS status)
{
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static BOOLEAN Sounding(PDEVICE_OBJECT DeviceObject)
{
    BEEP_EXTENSION *ext = DeviceObject->DeviceExtension;
    LARGE_INTEGER now;
    KeQuerySystemTime(&now);
    return ext->SoundingUntil > now.QuadPart;
}

/* HalMakeBeep and the stop timer in one: the speaker sounds (or falls silent). */
static void MakeBeep(PDEVICE_OBJECT DeviceObject, ULONG Frequency, ULONG Duration)
{
    BEEP_EXTENSION *ext = DeviceObject->DeviceExtension;
    LARGE_INTEGER now;
    KeQuerySystemTime(&now);
    ntsim_speaker_tone(Frequency, Duration);
    ext->SoundingUntil = Frequency ? now.QuadPart + (LONG64)Duration * 10000 : 0;
}

static NTSTATUS BeepCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return CompleteRequest(Irp, STATUS_SUCCESS);
}

static NTSTATUS BeepCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    if (Sounding(DeviceObject))
        MakeBeep(DeviceObject, 0, 0);
    return CompleteRequest(Irp, STATUS_SUCCESS);
}

static NTSTATUS BeepDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    if (stack->Parameters.DeviceIoControl.IoControlCode != IOCTL_BEEP_SET)
        return CompleteRequest(Irp, STATUS_NOT_IMPLEMENTED);
    if (stack->Parameters.DeviceIoControl.InputBufferLength < sizeof(BEEP_SET_PARAMETERS))
        return CompleteRequest(Irp, STATUS_INVALID_PARAMETER);
    const BEEP_SET_PARAMETERS *params = Irp->AssociatedIrp.SystemBuffer;
    if (params->Frequency != 0 && params->Duration == 0)
        return CompleteRequest(Irp, STATUS_SUCCESS); /* nothing to play */

    /* Queued, and started at once: the request is pending, then done. */
    IoMarkIrpPending(Irp);
    NTSTATUS status = STATUS_SUCCESS;
    if (params->Frequency == 0 ||
        (params->Frequency >= BEEP_FREQUENCY_MINIMUM && params->Frequency <= BEEP_FREQUENCY_MAXIMUM)) {
        MakeBeep(DeviceObject, params->Frequency, params->Duration);
    } else {
        if (Sounding(DeviceObject))
            MakeBeep(DeviceObject, 0, 0);
        status = STATUS_INVALID_PARAMETER;
    }
    CompleteRequest(Irp, status);
    return STATUS_PENDING;
}

static void BeepUnload(PDRIVER_OBJECT DriverObject)
{
    if (Sounding(DriverObject->DeviceObject))
        MakeBeep(DriverObject->DeviceObject, 0, 0);
    IoDeleteDevice(DriverObject->DeviceObject);
}

static NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(DD_BEEP_DEVICE_NAME_U);
    PDEVICE_OBJECT DeviceObject;
    NTSTATUS status =
        IoCreateDevice(DriverObject, sizeof(BEEP_EXTENSION), &name, FILE_DEVICE_BEEP, 0, FALSE, &DeviceObject);
    if (!NT_SUCCESS(status))
        return status;
    DeviceObject->Flags |= DO_BUFFERED_IO;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = BeepCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = BeepCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = BeepCleanup;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = BeepDeviceControl;
    DriverObject->DriverUnload = BeepUnload;
    return STATUS_SUCCESS;
}

/* ==== the client: DeviceIoControl(IOCTL_BEEP_SET) on \Device\Beep ============ */

enum { FieldFrequency, FieldDuration };

static const sim_write_field beep_fields[] = {
    [FieldFrequency] = { "frequency", FIELD_NUMBER, true },
    [FieldDuration] = { "duration", FIELD_NUMBER, true },
    { NULL, FIELD_NUMBER, false },
};

/* What kernel32's Beep(frequency, duration) sends (without its wait). */
static ULONG BeepClientIoctl(const sim_write_values *v, unsigned char *in, ULONG cap, ULONG *code, ULONG *out_len)
{
    BEEP_SET_PARAMETERS params = {
        .Frequency = (ULONG)v->number[FieldFrequency],
        .Duration = (ULONG)v->number[FieldDuration],
    };
    *code = IOCTL_BEEP_SET;
    *out_len = 0;
    if (cap < sizeof params)
        return 0;
    memcpy(in, &params, sizeof params);
    return sizeof params;
}

const sim_driver sim_driver_beep = {
    .name = "beep",
    .entry = DriverEntry,
    .device = DD_BEEP_DEVICE_NAME,
    .ioctl_fields = beep_fields,
    .client_ioctl = BeepClientIoctl,
};
