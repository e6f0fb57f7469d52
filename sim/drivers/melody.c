/*
 * melody.c - the book's Melody driver (chapter 8, calling other drivers):
 * its client sends notes with one I/O control; the driver queues them and a
 * system thread, created in the client's process by the first open, plays
 * them one after another by sending IOCTL_BEEP_SET to the Beep driver
 * (\Device\Beep). Closing the device stops the thread, which first plays
 * every note still queued. The facts it follows are in BOOK-SAMPLES.md.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "ntsim/wdk/ntddbeep.h"

/* ==== MelodyPublic.h: what the client and the driver share ===================== */

#define MELODY_SYMLINK "\\??\\KMelody"
#define MELODY_DEVICE 0x8003
/* 0x80032000: device type 0x8003, function 0x800, buffered, any access. */
#define IOCTL_MELODY_PLAY CTL_CODE(MELODY_DEVICE, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct Note {
    ULONG Frequency; /* Hz; 0: a rest (silence for the duration) */
    ULONG Duration;  /* ms */
    ULONG Delay;     /* ms between repeats (default 0) */
    ULONG Repeat;    /* times to play it (default 1; 0 plays it once) */
} Note;

_Static_assert(sizeof(Note) == 16, "Note: 16 bytes");

/* ==== KMelody: the driver ========================================================== */

#define DRIVER_PREFIX "Melody: "
#define DRIVER_TAG 'dleM' /* "Meld" */
#define MAX_QUEUED 1000   /* the semaphore's limit: notes waiting to be played */

typedef struct FullNote {
    Note Note;
    LIST_ENTRY Link;
} FullNote;

/* The device's state (its device extension): the queue and the playback thread. */
typedef struct PlaybackState {
    LIST_ENTRY Head;     /* FullNote.Link, oldest first */
    FAST_MUTEX Lock;     /* guards Head */
    KSEMAPHORE Counter;  /* one count per queued note */
    KEVENT StopEvent;    /* synchronization event: the thread is to end */
    PETHREAD Thread;     /* the playback thread, referenced; NULL when none runs */
} PlaybackState;

static NTSTATUS CompleteRequest(PIRP Irp, NTSTATUS status, ULONG_PTR information)
{
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static void Delay(ULONG Milliseconds)
{
    LARGE_INTEGER interval;
    interval.QuadPart = -10000LL * Milliseconds;
    KeDelayExecutionThread(KernelMode, FALSE, &interval);
}

/* One IOCTL_BEEP_SET to the Beep driver; the request's status. The device
 * is taken from our file object each time (as IoGetRelatedDeviceObject
 * would): ntsim's I/O manager detaches it when Beep unloads under us. */
static NTSTATUS Beep(PFILE_OBJECT BeepFile, ULONG Frequency, ULONG Duration)
{
    PDEVICE_OBJECT BeepDevice = BeepFile->DeviceObject;
    if (!BeepDevice)
        return STATUS_NO_SUCH_DEVICE;
    BEEP_SET_PARAMETERS params = { Frequency, Duration };
    KEVENT done;
    IO_STATUS_BLOCK ioStatus = { 0 };
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    PIRP irp = IoBuildDeviceIoControlRequest(IOCTL_BEEP_SET, BeepDevice, &params, sizeof params, NULL, 0, FALSE,
                                             &done, &ioStatus);
    if (!irp)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status = IoCallDriver(BeepDevice, irp);
    if (status == STATUS_PENDING) {
        /* Beep completes its requests at once; were it not so, this is where we would wait. */
        KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
        status = ioStatus.Status;
    }
    return status;
}

/* A rest is a delay; a tone is sounded max(1, Repeat) times, each for its
 * duration (Beep returns at once: we wait), Delay ms between repeats. */
static void PlayNote(PFILE_OBJECT BeepFile, const Note *note)
{
    if (note->Frequency == 0) {
        Delay(note->Duration);
        return;
    }
    ULONG count = note->Repeat > 1 ? note->Repeat : 1;
    for (ULONG i = 0; i < count; i++) {
        NTSTATUS status = Beep(BeepFile, note->Frequency, note->Duration);
        if (!NT_SUCCESS(status)) {
            DbgPrint(DRIVER_PREFIX "Beep device returned error for playback (0x%08X)\n", (unsigned)status);
            return;
        }
        Delay(note->Duration);
        if (i < count - 1 && note->Delay != 0)
            Delay(note->Delay);
    }
}

/* The playback thread: a system thread in the process that opened the device. */
static void PlayMelody(PVOID Context)
{
    PlaybackState *state = Context;
    DbgPrint(DRIVER_PREFIX "Thread started: %u\n", HandleToULong(PsGetCurrentThreadId()));

    UNICODE_STRING beepName = RTL_CONSTANT_STRING(DD_BEEP_DEVICE_NAME_U);
    PFILE_OBJECT beepFile;
    PDEVICE_OBJECT beepDevice;
    NTSTATUS status = IoGetDeviceObjectPointer(&beepName, GENERIC_WRITE, &beepFile, &beepDevice);
    if (!NT_SUCCESS(status)) {
        DbgPrint(DRIVER_PREFIX "Failed to locate beep device (0x%08X)\n", (unsigned)status);
        return;
    }

    /* The semaphore first: a wait-any takes the lowest signaled index, so
       while notes are queued the stop event waits its turn. */
    PVOID objects[] = { &state->Counter, &state->StopEvent };
    for (;;) {
        status = KeWaitForMultipleObjects(2, objects, WaitAny, Executive, KernelMode, FALSE, NULL, NULL);
        if (status == STATUS_WAIT_0 + 1) { /* STATUS_WAIT_1: the stop event */
            DbgPrint(DRIVER_PREFIX "Stop event signaled. Exiting thread...\n");
            break;
        }
        ExAcquireFastMutex(&state->Lock);
        PLIST_ENTRY link = IsListEmpty(&state->Head) ? NULL : RemoveHeadList(&state->Head);
        ExReleaseFastMutex(&state->Lock);
        if (!link)
            continue; /* cannot happen: one count per queued note */
        FullNote *note = CONTAINING_RECORD(link, FullNote, Link);
        DbgPrint(DRIVER_PREFIX "Playing note Freq: %u Dur: %u Rep: %u Delay: %u\n", note->Note.Frequency,
                 note->Note.Duration, note->Note.Repeat, note->Note.Delay);
        PlayNote(beepFile, &note->Note);
        ExFreePoolWithTag(note, DRIVER_TAG);
    }
    ObDereferenceObject(beepFile);
}

/* Queues count notes, releasing the semaphore once per note. All or none
 * when they would not fit under its limit: Windows would raise
 * STATUS_SEMAPHORE_LIMIT_EXCEEDED in KeReleaseSemaphore (an unhandled
 * exception in the sample); ntsim's Melody refuses the request instead. */
static NTSTATUS AddNotes(PlaybackState *state, const Note *notes, ULONG count)
{
    if ((ULONG64)KeReadStateSemaphore(&state->Counter) + count > MAX_QUEUED)
        return STATUS_SEMAPHORE_LIMIT_EXCEEDED;
    for (ULONG i = 0; i < count; i++) {
        FullNote *note = ExAllocatePool2(POOL_FLAG_PAGED, sizeof *note, DRIVER_TAG);
        if (!note)
            return STATUS_INSUFFICIENT_RESOURCES;
        note->Note = notes[i];
        ExAcquireFastMutex(&state->Lock);
        InsertTailList(&state->Head, &note->Link);
        ExReleaseFastMutex(&state->Lock);
        KeReleaseSemaphore(&state->Counter, 2, 1, FALSE);
    }
    return STATUS_SUCCESS;
}

/* The first open starts the playback thread, in the opener's process: the
 * create request runs in the caller's context, so NtCurrentProcess() is the
 * client. The handle is a kernel handle, exchanged for a reference at once. */
static NTSTATUS Start(PlaybackState *state)
{
    if (state->Thread)
        return STATUS_SUCCESS;
    OBJECT_ATTRIBUTES attributes;
    InitializeObjectAttributes(&attributes, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    HANDLE handle;
    NTSTATUS status = PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, &attributes, NtCurrentProcess(), NULL,
                                           PlayMelody, state);
    if (!NT_SUCCESS(status)) {
        DbgPrint(DRIVER_PREFIX "Failed to create playback thread (0x%08X)\n", (unsigned)status);
        return status;
    }
    PVOID thread;
    status = ObReferenceObjectByHandle(handle, SYNCHRONIZE, *PsThreadType, KernelMode, &thread, NULL);
    ZwClose(handle);
    if (NT_SUCCESS(status))
        state->Thread = thread;
    return status;
}

/* Stops the thread and waits for it to end: it plays what is queued first. */
static void Stop(PlaybackState *state)
{
    if (!state->Thread)
        return;
    KeSetEvent(&state->StopEvent, 2, FALSE);
    KeWaitForSingleObject(state->Thread, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(state->Thread);
    state->Thread = NULL;
}

static NTSTATUS MelodyCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PlaybackState *state = DeviceObject->DeviceExtension;
    NTSTATUS status = STATUS_SUCCESS;
    if (IoGetCurrentIrpStackLocation(Irp)->MajorFunction == IRP_MJ_CREATE)
        status = Start(state);
    else
        Stop(state);
    return CompleteRequest(Irp, status, 0);
}

static NTSTATUS MelodyDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG length = stack->Parameters.DeviceIoControl.InputBufferLength;
    if (stack->Parameters.DeviceIoControl.IoControlCode != IOCTL_MELODY_PLAY)
        return CompleteRequest(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    if (length == 0 || length % sizeof(Note) != 0)
        return CompleteRequest(Irp, STATUS_INVALID_BUFFER_SIZE, 0);
    const Note *notes = Irp->AssociatedIrp.SystemBuffer;
    if (!notes)
        return CompleteRequest(Irp, STATUS_INVALID_PARAMETER, 0);
    NTSTATUS status = AddNotes(DeviceObject->DeviceExtension, notes, length / sizeof(Note));
    return CompleteRequest(Irp, status, NT_SUCCESS(status) ? length : 0);
}

static void MelodyUnload(PDRIVER_OBJECT DriverObject)
{
    PlaybackState *state = DriverObject->DeviceObject->DeviceExtension;
    Stop(state); /* a client may still hold the device open */
    while (!IsListEmpty(&state->Head))
        ExFreePoolWithTag(CONTAINING_RECORD(RemoveHeadList(&state->Head), FullNote, Link), DRIVER_TAG);
    UNICODE_STRING symLink = RTL_CONSTANT_STRING(u"\\??\\KMelody");
    IoDeleteSymbolicLink(&symLink);
    IoDeleteDevice(DriverObject->DeviceObject);
}

static NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING devName = RTL_CONSTANT_STRING(u"\\Device\\KMelody");
    UNICODE_STRING symLink = RTL_CONSTANT_STRING(u"\\??\\KMelody");
    PDEVICE_OBJECT DeviceObject;
    NTSTATUS status =
        IoCreateDevice(DriverObject, sizeof(PlaybackState), &devName, FILE_DEVICE_UNKNOWN, 0, FALSE, &DeviceObject);
    if (!NT_SUCCESS(status)) {
        DbgPrint(DRIVER_PREFIX "Failed to create device object (0x%08X)\n", (unsigned)status);
        return status;
    }
    status = IoCreateSymbolicLink(&symLink, &devName);
    if (!NT_SUCCESS(status)) {
        DbgPrint(DRIVER_PREFIX "Failed to create symbolic link (0x%08X)\n", (unsigned)status);
        IoDeleteDevice(DeviceObject);
        return status;
    }
    PlaybackState *state = DeviceObject->DeviceExtension;
    InitializeListHead(&state->Head);
    ExInitializeFastMutex(&state->Lock);
    KeInitializeSemaphore(&state->Counter, 0, MAX_QUEUED);
    KeInitializeEvent(&state->StopEvent, SynchronizationEvent, FALSE);

    DriverObject->DriverUnload = MelodyUnload;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = MelodyCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = MelodyCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = MelodyDeviceControl;
    return STATUS_SUCCESS;
}

/* ==== Melody.cpp: the client ========================================================= */

enum { FieldNotes, FieldLength };

static const sim_write_field melody_fields[] = {
    [FieldNotes] = { "notes", FIELD_STRING, false },
    [FieldLength] = { "length", FIELD_NUMBER, false },
    { NULL, FIELD_NUMBER, false },
};

#define MAX_CLIENT_NOTES 4096 /* 64 KB of notes: the client's buffer */
#define NOTES_OK 0xFFFFFFFFu  /* ParseNotes: every note is well formed */

/* One decimal ULONG at *p (advanced); false if none or too large. */
static bool ParseUlong(const char **p, ULONG *out)
{
    const char *s = *p;
    uint64_t v = 0;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (uint64_t)(*s++ - '0');
        if (v > 0xFFFFFFFFu)
            return false;
    }
    *out = (ULONG)v;
    *p = s;
    return true;
}

/* notes=F:D[:DELAY[:REPEAT]],...: the notes, or the 1-based number of the
 * first bad one (0 when there are too many). */
static ULONG ParseNotes(const char *text, Note *notes, ULONG cap, ULONG *count)
{
    *count = 0;
    const char *p = text;
    if (!*p)
        return 1; /* no note at all */
    while (*p) {
        if (*count == cap)
            return 0;
        ULONG f[4] = { 0, 0, 0, 1 };
        int n = 0;
        while (n < 4 && ParseUlong(&p, &f[n])) {
            n++;
            if (*p != ':')
                break;
            p++;
        }
        if (n < 2 || (*p != ',' && *p != '\0') || p[-1] == ':')
            return *count + 1;
        notes[(*count)++] = (Note){ f[0], f[1], f[2], f[3] };
        if (*p == ',' && *++p == '\0')
            return *count + 1; /* a trailing comma */
    }
    return NOTES_OK;
}

static bool MelodyClientCheck(const char *field, const char *value, char *message, size_t cap)
{
    static Note notes[MAX_CLIENT_NOTES];
    ULONG count, bad = ParseNotes(value, notes, MAX_CLIENT_NOTES, &count);
    if (bad == NOTES_OK)
        return true;
    if (bad == 0)
        snprintf(message, cap, "client ioctl: more than %d notes in %s=", MAX_CLIENT_NOTES, field);
    else
        snprintf(message, cap, "client ioctl: note %lu of %s= is not FREQUENCY:DURATION[:DELAY[:REPEAT]] "
                               "(decimal numbers, milliseconds)", (unsigned long)bad, field);
    return false;
}

/* DeviceIoControl(IOCTL_MELODY_PLAY) with the notes; `length` (ntsim's
 * addition) sends that many bytes instead, zero-filled past the notes, to
 * show the driver's length check. */
static ULONG MelodyClientIoctl(const sim_write_values *v, unsigned char *in, ULONG cap, ULONG *code, ULONG *out_len)
{
    ULONG count = 0;
    *code = IOCTL_MELODY_PLAY;
    *out_len = 0;
    if (v->present[FieldNotes] && cap >= sizeof(Note))
        ParseNotes(v->text[FieldNotes], (Note *)(void *)in, cap / sizeof(Note), &count); /* checked when parsed */
    ULONG length = count * (ULONG)sizeof(Note);
    if (v->present[FieldLength]) {
        ULONG want = v->number[FieldLength] < cap ? (ULONG)v->number[FieldLength] : cap;
        if (want > length)
            memset(in + length, 0, want - length);
        length = want;
    }
    return length;
}

/* The book's client prints only when DeviceIoControl fails: Error(). */
static void MelodyClientIoctlResult(NTSTATUS status, const unsigned char *out, ULONG bytes, sim_record *r)
{
    sim_put_lines(r, "lines");
    if (!NT_SUCCESS(status)) {
        char line[64];
        snprintf(line, sizeof line, "Failed in DeviceIoControl (%u)", RtlNtStatusToDosError(status));
        sim_lines_add(r, line);
    }
}

const sim_driver sim_driver_melody = {
    .name = "melody",
    .entry = DriverEntry,
    .device = MELODY_SYMLINK,
    .ioctl_fields = melody_fields,
    .client_ioctl = MelodyClientIoctl,
    .client_ioctl_result = MelodyClientIoctlResult,
    .ioctl_result_fields = (const sim_field_spec[]){ { "lines", SIM_LINES, 0 }, { NULL, SIM_INT, 0 } },
    .client_check = MelodyClientCheck,
};
