/*
 * test_melody.c - drivers calling drivers: control codes built and decoded
 * the Windows way, the Beep driver's requests (found by name, built with
 * IoBuildDeviceIoControlRequest, sent with IoCallDriver, pending and
 * completed), and the Melody driver as BOOK-SAMPLES.md describes it: note
 * validation, the playback thread in the client's process, rests, repeats
 * and delays, a close that waits until every queued note has played, the
 * semaphore's limit; and its client's `notes=` syntax.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "drivers/driver.h"
#include "ntsim/wdk/ntddbeep.h"

#define MS 10000LL     /* 100 ns units in a millisecond */
#define TICK 156250LL  /* a clock interrupt: 15.625 ms */
#define IOCTL_MELODY_PLAY 0x80032000u /* CTL_CODE(0x8003, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS) */

typedef struct Note {
    ULONG Frequency, Duration, Delay, Repeat;
} Note;

static ntsim_system *sys;
static CLIENT_ID app;

/* What the kernel reported. */
typedef struct tone {
    uint64_t time;
    ULONG frequency, duration, pid, tid;
} tone;

static struct {
    tone beep[64];
    int beeps;
    ULONG created_pid, created_tid, creating_tid;
    int creates, exits, leaks;
    uint64_t exit_time;
    char last_print[160]; /* the last DbgPrint's text */
} seen;

static void sink(void *context, const ntsim_event *e)
{
    (void)context;
    if (e->kind == NTSIM_EVENT_BEEP && seen.beeps < 64)
        seen.beep[seen.beeps++] = (tone){ e->time, e->frequency, e->duration, e->pid, e->tid };
    if (e->kind == NTSIM_EVENT_THREAD_CREATE && e->pid == app.UniqueProcess && e->tid != app.UniqueThread) {
        seen.creates++;
        seen.created_pid = e->pid;
        seen.created_tid = e->tid;
        seen.creating_tid = e->creating_tid;
    }
    if (e->kind == NTSIM_EVENT_THREAD_EXIT && e->tid == seen.created_tid) {
        seen.exits++;
        seen.exit_time = e->time;
    }
    if (e->kind == NTSIM_EVENT_POOL_LEAK)
        seen.leaks++;
    if (e->kind == NTSIM_EVENT_DBGPRINT)
        snprintf(seen.last_print, sizeof seen.last_print, "%s", e->text);
}

static NTSTATUS load(const char *name)
{
    return ntsim_load_driver(sys, name, sim_find_driver(name)->entry, NULL, 0);
}

static int setup(void **state)
{
    (void)state;
    ntsim_config c;
    ntsim_config_default(&c);
    memset(&seen, 0, sizeof seen);
    if (!NT_SUCCESS(ntsim_system_create(&c, &sys)))
        return -1;
    ntsim_set_event_sink(sys, sink, NULL);
    if (!NT_SUCCESS(load("beep")) || !NT_SUCCESS(load("melody")))
        return -1;
    NTSIM_PROCESS_PARAMS p;
    ntsim_process_params_default(&p, "C:\\Book\\Melody.exe");
    if (!NT_SUCCESS(ntsim_create_process(sys, &p, &app)))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ntsim_system_destroy(sys);
    return 0;
}

/* The client's CreateFile(\\.\KMelody), as its first thread. */
static HANDLE open_melody(void)
{
    assert_int_equal(ntsim_set_current_thread(sys, app.UniqueThread), STATUS_SUCCESS);
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\??\\KMelody");
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, 0, NULL, NULL);
    IO_STATUS_BLOCK iosb;
    HANDLE h;
    assert_int_equal(NtCreateFile(sys, &h, GENERIC_WRITE, &oa, &iosb, NULL, 0, 0, 1, 0, NULL, 0), STATUS_SUCCESS);
    return h;
}

static NTSTATUS play(HANDLE h, const void *notes, ULONG length, ULONG_PTR *information)
{
    IO_STATUS_BLOCK iosb = { 0 };
    assert_int_equal(ntsim_set_current_thread(sys, app.UniqueThread), STATUS_SUCCESS);
    NTSTATUS s = NtDeviceIoControlFile(sys, h, NULL, NULL, NULL, &iosb, IOCTL_MELODY_PLAY, notes, length, NULL, 0);
    if (information)
        *information = iosb.Information;
    return s;
}

static void close_melody(HANDLE h)
{
    assert_int_equal(ntsim_set_current_thread(sys, app.UniqueThread), STATUS_SUCCESS);
    assert_int_equal(NtClose(sys, h), STATUS_SUCCESS);
}

static bool first_thread(void *context, const NTSIM_THREAD_INFO *info)
{
    *(ULONG *)context = info->tid;
    return false;
}

/* ---- control codes ------------------------------------------------------------------ */

static void control_codes_are_built_and_decoded_the_windows_way(void **state)
{
    (void)state;
    /* type << 16 | access << 14 | function << 2 | method */
    assert_int_equal(IOCTL_BEEP_SET, 0x00010000u);
    assert_int_equal(CTL_CODE(0x8003, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS), IOCTL_MELODY_PLAY);
    assert_int_equal(CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_OUT_DIRECT, FILE_READ_ACCESS), 0x00226002u);
    assert_int_equal(CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_NEITHER, FILE_READ_ACCESS | FILE_WRITE_ACCESS),
                     0x0022E007u);
    assert_int_equal(DEVICE_TYPE_FROM_CTL_CODE(IOCTL_MELODY_PLAY), 0x8003);
    assert_int_equal(METHOD_FROM_CTL_CODE(IOCTL_MELODY_PLAY), METHOD_BUFFERED);
    assert_int_equal(METHOD_FROM_CTL_CODE(0x0022E007u), METHOD_NEITHER);
    assert_int_equal((IOCTL_MELODY_PLAY >> 2) & 0xFFF, 0x800);
    assert_int_equal((0x0022E007u >> 14) & 3, FILE_READ_ACCESS | FILE_WRITE_ACCESS);
}

/* ---- the Beep driver, called from kernel mode ----------------------------------------- */

typedef struct call {
    NTSTATUS returned, iosb;
    LONG event;
} call;

static call calls[6];
static NTSTATUS lookup_missing;

/* IoBuildDeviceIoControlRequest + IoCallDriver, as the Melody thread sends them. */
static call send_beep(PDEVICE_OBJECT beep, ULONG code, ULONG frequency, ULONG duration, ULONG length)
{
    BEEP_SET_PARAMETERS params = { frequency, duration };
    KEVENT done;
    IO_STATUS_BLOCK iosb = { .Status = (NTSTATUS)0xDEADBEEF };
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    PIRP irp = IoBuildDeviceIoControlRequest(code, beep, &params, length, NULL, 0, FALSE, &done, &iosb);
    call c = { 0 };
    c.returned = IoCallDriver(beep, irp);
    c.event = KeReadStateEvent(&done);
    c.iosb = iosb.Status;
    return c;
}

static void caller_unload(PDRIVER_OBJECT d)
{
    (void)d;
}

static NTSTATUS caller_entry(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)reg;
    d->DriverUnload = caller_unload;
    UNICODE_STRING name = RTL_CONSTANT_STRING(DD_BEEP_DEVICE_NAME_U), none = RTL_CONSTANT_STRING(u"\\Device\\None");
    PFILE_OBJECT file;
    PDEVICE_OBJECT beep;
    lookup_missing = IoGetDeviceObjectPointer(&none, GENERIC_WRITE, &file, &beep);
    NTSTATUS s = IoGetDeviceObjectPointer(&name, GENERIC_WRITE, &file, &beep);
    if (!NT_SUCCESS(s))
        return s;
    calls[0] = send_beep(beep, IOCTL_BEEP_SET, 440, 100, sizeof(BEEP_SET_PARAMETERS));
    calls[1] = send_beep(beep, IOCTL_BEEP_SET, 440, 0, sizeof(BEEP_SET_PARAMETERS));
    calls[2] = send_beep(beep, IOCTL_BEEP_SET, 440, 100, 4);
    calls[3] = send_beep(beep, IOCTL_BEEP_SET, 20, 100, sizeof(BEEP_SET_PARAMETERS));
    calls[4] = send_beep(beep, CTL_CODE(FILE_DEVICE_BEEP, 1, METHOD_BUFFERED, FILE_ANY_ACCESS), 440, 100, 8);
    calls[5] = send_beep(beep, IOCTL_BEEP_SET, 0, 50, sizeof(BEEP_SET_PARAMETERS));
    ObDereferenceObject(file);
    return STATUS_SUCCESS;
}

static void beep_completes_its_request_at_once_and_records_the_tone(void **state)
{
    (void)state;
    assert_int_equal(ntsim_load_driver(sys, "caller", caller_entry, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(lookup_missing, STATUS_OBJECT_NAME_NOT_FOUND);
    /* Marked pending and completed before returning: the caller's event is set. */
    assert_int_equal(calls[0].returned, STATUS_PENDING);
    assert_int_equal(calls[0].iosb, STATUS_SUCCESS);
    assert_int_equal(calls[0].event, 1);
    assert_int_equal(seen.beep[0].frequency, 440);
    assert_int_equal(seen.beep[0].duration, 100);
    assert_int_equal(seen.beep[0].time, NTSIM_BOOT_TIME); /* now: nothing waited for the tone */
}

static void beep_refuses_short_input_and_plays_nothing_for_no_duration(void **state)
{
    (void)state;
    assert_int_equal(ntsim_load_driver(sys, "caller", caller_entry, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(calls[1].returned, STATUS_SUCCESS); /* a frequency for no time: nothing */
    assert_int_equal(calls[2].returned, STATUS_INVALID_PARAMETER);
    assert_int_equal(calls[2].iosb, STATUS_INVALID_PARAMETER);
    assert_int_equal(calls[2].event, 1);
    assert_int_equal(calls[3].returned, STATUS_PENDING); /* 20 Hz: the speaker cannot, and falls silent */
    assert_int_equal(calls[3].iosb, STATUS_INVALID_PARAMETER);
    assert_int_equal(calls[4].returned, STATUS_NOT_IMPLEMENTED);
    assert_int_equal(calls[5].returned, STATUS_PENDING); /* frequency 0: silence */
    assert_int_equal(seen.beeps, 3);
    assert_int_equal(seen.beep[1].frequency, 0); /* the 440 Hz tone cut by the bad frequency */
    assert_int_equal(seen.beep[2].frequency, 0);
    assert_int_equal(seen.beep[2].duration, 50);
}

/* ---- the Melody driver ------------------------------------------------------------------ */

static void notes_of_zero_length_or_a_partial_note_are_an_invalid_buffer_size(void **state)
{
    (void)state;
    HANDLE h = open_melody();
    Note notes[3] = { { 440, 10, 0, 1 }, { 550, 10, 0, 1 }, { 660, 10, 0, 1 } };
    ULONG_PTR info = 1;
    ULONG bad[] = { 0, 8, 15, 17, 24, 40 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(play(h, notes, bad[i], &info), STATUS_INVALID_BUFFER_SIZE);
        assert_int_equal(info, 0);
    }
    assert_int_equal(play(h, notes, 16, NULL), STATUS_SUCCESS);
    assert_int_equal(play(h, notes, 48, NULL), STATUS_SUCCESS);
    IO_STATUS_BLOCK iosb;
    assert_int_equal(NtDeviceIoControlFile(sys, h, NULL, NULL, NULL, &iosb, IOCTL_BEEP_SET, notes, 16, NULL, 0),
                     STATUS_INVALID_DEVICE_REQUEST);
    close_melody(h);
    assert_int_equal(seen.beeps, 4); /* what was accepted, and only that, was played */
}

static void first_open_starts_the_playback_thread_in_the_client_process(void **state)
{
    (void)state;
    HANDLE h = open_melody();
    assert_int_equal(seen.creates, 1);
    assert_int_equal(seen.created_pid, app.UniqueProcess);
    assert_int_equal(seen.creating_tid, app.UniqueThread); /* created by the client's own thread */
    NTSIM_THREAD_INFO ti;
    assert_int_equal(ntsim_query_thread(sys, seen.created_tid, &ti), STATUS_SUCCESS);
    assert_int_equal(ti.pid, app.UniqueProcess);
    HANDLE again = open_melody();
    assert_int_equal(seen.creates, 1); /* one playback thread */
    close_melody(again);
    close_melody(h);
}

static void close_waits_until_every_queued_note_has_played(void **state)
{
    (void)state;
    HANDLE h = open_melody();
    Note notes[3] = { { 400, 500, 0, 1 }, { 430, 500, 0, 1 }, { 460, 500, 0, 1 } };
    assert_int_equal(play(h, notes, sizeof notes, NULL), STATUS_SUCCESS);
    uint64_t t0 = ntsim_time(sys);
    assert_int_equal(seen.beeps, 0); /* nothing has run yet: the clock has not moved */
    close_melody(h);
    /* The stop event was set first, yet every note played: the semaphore comes first. */
    assert_int_equal(seen.beeps, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(seen.beep[i].frequency, 400 + 30 * i);
        assert_int_equal(seen.beep[i].time, t0 + (uint64_t)i * 500 * MS);
        assert_int_equal(seen.beep[i].pid, app.UniqueProcess);
        assert_int_equal(seen.beep[i].tid, seen.created_tid);
    }
    assert_int_equal(seen.exits, 1);
    assert_true(seen.exit_time >= t0 + 1500 * MS);
    assert_true(ntsim_time(sys) >= t0 + 1500 * MS); /* the close returned once the thread had ended */
}

static void rest_is_silence_and_repeats_have_delays_between_them_only(void **state)
{
    (void)state;
    HANDLE h = open_melody();
    Note notes[] = {
        { 0, 100, 0, 1 },   /* a rest */
        { 500, 100, 200, 3 },
        { 600, 50, 0, 0 },  /* repeat 0 plays once */
    };
    assert_int_equal(play(h, notes, sizeof notes, NULL), STATUS_SUCCESS);
    uint64_t t0 = ntsim_time(sys);
    close_melody(h);
    assert_int_equal(seen.beeps, 4);
    assert_true(seen.beep[0].time >= t0 + 100 * MS); /* after the rest */
    assert_true(seen.beep[0].time < t0 + 100 * MS + TICK);
    for (int i = 1; i < 3; i++) {
        assert_int_equal(seen.beep[i].frequency, 500);
        uint64_t gap = seen.beep[i].time - seen.beep[i - 1].time;
        assert_true(gap >= 300 * MS && gap < 300 * MS + 2 * TICK); /* duration, then the delay */
    }
    uint64_t last = seen.beep[3].time - seen.beep[2].time;
    assert_int_equal(seen.beep[3].frequency, 600);
    assert_true(last >= 100 * MS && last < 100 * MS + TICK); /* no delay after the last repeat */
}

static void semaphore_limit_caps_the_queue_at_1000_notes(void **state)
{
    (void)state;
    static Note rests[1001];
    for (int i = 0; i < 1001; i++)
        rests[i] = (Note){ 0, 1, 0, 1 };
    HANDLE h = open_melody();
    assert_int_equal(play(h, rests, 1001 * sizeof(Note), NULL), STATUS_SEMAPHORE_LIMIT_EXCEEDED);
    assert_int_equal(play(h, rests, 1000 * sizeof(Note), NULL), STATUS_SUCCESS);
    assert_int_equal(play(h, rests, sizeof(Note), NULL), STATUS_SEMAPHORE_LIMIT_EXCEEDED);
    close_melody(h);
    assert_int_equal(seen.exits, 1);
}

static void unload_while_open_plays_the_queue_and_leaves_no_pool(void **state)
{
    (void)state;
    HANDLE h = open_melody();
    Note notes[2] = { { 700, 100, 0, 1 }, { 800, 100, 0, 1 } };
    assert_int_equal(play(h, notes, sizeof notes, NULL), STATUS_SUCCESS);
    /* The unload routine runs as the System process's idle thread: its wait still runs the world. */
    assert_int_equal(ntsim_unload_driver(sys, "melody"), STATUS_SUCCESS);
    assert_int_equal(seen.beeps, 2);
    assert_int_equal(seen.exits, 1);
    assert_int_equal(seen.leaks, 0);
    close_melody(h); /* the device is gone: nothing reaches the driver */
}

/* The System process's first thread: what kernel code runs as. */
static ULONG boot_tid(void)
{
    ULONG tid = 0;
    ntsim_walk_threads(sys, 4, first_thread, &tid);
    return tid;
}

/* D1: the playback thread made current, then Melody unloaded: the unload's
 * Stop ends that thread, and what the unload saved to come back to is gone.
 * The current thread becomes the System process's first thread again. */
static void unload_that_ends_the_current_thread_leaves_the_system_thread_current(void **state)
{
    (void)state;
    HANDLE h = open_melody();
    assert_int_equal(ntsim_set_current_thread(sys, seen.created_tid), STATUS_SUCCESS);
    assert_int_equal(ntsim_unload_driver(sys, "melody"), STATUS_SUCCESS);
    assert_int_equal(seen.exits, 1);
    assert_int_equal(ntsim_current_thread_id(sys), boot_tid());
    close_melody(h);
}

static void unload_melody(void *context)
{
    (void)context;
    assert_int_equal(ntsim_unload_driver(sys, "melody"), STATUS_SUCCESS);
}

/* D1 in ntsim_call_in_kernel: the routine ends the thread that was current. */
static void kernel_call_that_ends_the_current_thread_leaves_the_system_thread_current(void **state)
{
    (void)state;
    HANDLE h = open_melody();
    assert_int_equal(ntsim_set_current_thread(sys, seen.created_tid), STATUS_SUCCESS);
    ntsim_call_in_kernel(sys, unload_melody, NULL);
    assert_int_equal(seen.exits, 1);
    assert_int_equal(ntsim_current_thread_id(sys), boot_tid());
    close_melody(h);
}

/* D2: the playback thread is its process's last thread (the client's own
 * thread has exited) when the outside client's close stops it: the thread's
 * end exits the process, whose handle sweep closes the client's own handle
 * and so runs Stop a second time, nested in the first. */
static void close_that_exits_the_playback_threads_process_is_not_a_use_after_free(void **state)
{
    (void)state;
    open_melody(); /* the process's handle, closed by its exit */
    Note rest = { 0, 10, 0, 1 };
    ULONG bytes;
    assert_int_equal(ntsim_device_control(sys, "\\??\\KMelody", IOCTL_MELODY_PLAY, &rest, sizeof rest, NULL, 0, &bytes),
                     STATUS_SUCCESS);
    assert_int_equal(ntsim_exit_thread(sys, app.UniqueThread, 0), STATUS_SUCCESS);
    uint64_t t0 = ntsim_time(sys);
    assert_int_equal(ntsim_device_close(sys, "\\??\\KMelody"), STATUS_SUCCESS);
    /* As on Windows, whose last thread runs its process's handle sweep before
       it is signalled: the nested Stop waits for the very thread that runs
       it, which never ends; the outer close gives up at the horizon. */
    assert_true(ntsim_time(sys) >= t0 + NTSIM_NESTED_WAIT_HORIZON);
    NTSIM_THREAD_INFO ti;
    assert_int_equal(ntsim_query_thread(sys, seen.created_tid, &ti), STATUS_SUCCESS);
    assert_int_equal(ti.state, Waiting);
    NTSIM_PROCESS_INFO pi;
    assert_int_equal(ntsim_query_process(sys, app.UniqueProcess, &pi), STATUS_SUCCESS);
    assert_true(pi.exited);
    /* No outside hand wakes a thread in its exit (its code would go on with a stopped driver's state). */
    assert_int_equal(ntsim_wake_thread(sys, seen.created_tid), STATUS_THREAD_IS_TERMINATING);
    /* Melody unloaded: the thread, still in its close, is left for good (D5). */
    assert_int_equal(ntsim_unload_driver(sys, "melody"), STATUS_SUCCESS);
    assert_non_null(strstr(seen.last_print, "unloaded while its thread"));
}

/* D5: the playback thread cannot run (suspended) when Melody is unloaded:
 * Stop's wait gives up at the horizon, and the driver goes. The thread,
 * still in Melody's code, is ended with it: resumed, it runs nothing. */
static void unload_ends_the_drivers_thread_that_outlived_its_stop(void **state)
{
    (void)state;
    HANDLE h = open_melody();
    Note notes[2] = { { 700, 100, 0, 1 }, { 800, 100, 0, 1 } };
    assert_int_equal(play(h, notes, sizeof notes, NULL), STATUS_SUCCESS);
    ntsim_advance(sys, 50 * MS); /* the first note sounds */
    ULONG previous;
    assert_int_equal(ntsim_suspend_thread(sys, seen.created_tid, &previous), STATUS_SUCCESS);
    assert_int_equal(ntsim_unload_driver(sys, "melody"), STATUS_SUCCESS);
    char expected[160];
    snprintf(expected, sizeof expected, "ntsim: melody unloaded while its thread %lu still ran: the thread is ended",
             (unsigned long)seen.created_tid);
    assert_string_equal(seen.last_print, expected);
    assert_int_equal(seen.exits, 1);
    /* Ended, and with nothing left holding it, gone: nothing can resume it. */
    NTSIM_THREAD_INFO ti;
    assert_int_equal(ntsim_query_thread(sys, seen.created_tid, &ti), STATUS_INVALID_CID);
    ntsim_advance(sys, 1000 * MS);
    assert_int_equal(seen.beeps, 1);
    assert_int_equal(seen.leaks, 1); /* the note it was playing */
    close_melody(h);
}

/* The outside client (no simulated process) sends notes and never closes:
 * destroying the system closes its file while every driver still stands,
 * so the close can still reach Beep through the playback thread. */
static void outside_client_still_playing_when_the_system_is_destroyed(void **state)
{
    (void)state;
    Note notes[2] = { { 440, 100, 0, 1 }, { 550, 100, 0, 1 } };
    ULONG bytes;
    assert_int_equal(ntsim_device_control(sys, "\\??\\KMelody", IOCTL_MELODY_PLAY, notes, sizeof notes, NULL, 0,
                                          &bytes),
                     STATUS_SUCCESS);
    /* teardown destroys the system now */
}

/* Closing the outside client's handle sends cleanup, then close: Beep's
 * cleanup silences a tone still sounding. */
static void outside_client_close_sends_cleanup_and_silences_beep(void **state)
{
    (void)state;
    BEEP_SET_PARAMETERS params = { 500, 100 };
    ULONG bytes;
    assert_int_equal(ntsim_device_control(sys, DD_BEEP_DEVICE_NAME, IOCTL_BEEP_SET, &params, sizeof params, NULL, 0,
                                          &bytes),
                     STATUS_SUCCESS);
    assert_int_equal(ntsim_device_close(sys, DD_BEEP_DEVICE_NAME), STATUS_SUCCESS);
    assert_int_equal(seen.beeps, 2);
    assert_int_equal(seen.beep[0].frequency, 500);
    assert_int_equal(seen.beep[1].frequency, 0);
}

/* ---- the client: notes=F:D[:DELAY[:REPEAT]],... ----------------------------------------- */

static bool check(const char *notes)
{
    char message[200];
    return sim_find_driver("melody")->client_check("notes", notes, message, sizeof message);
}

static void client_accepts_notes_with_optional_delay_and_repeat(void **state)
{
    (void)state;
    assert_true(check("400:500"));
    assert_true(check("400:500,1200:300:300:2,0:100,1:2:3"));
    const char *bad[] = { "", "400", "400:", "400:500:", "a:b", "400:500,", ",400:500", "1:2:3:4:5", "400:-5",
                          "400:500 ", "4294967296:1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(check(bad[i]));
}

static void client_sends_sixteen_bytes_a_note_with_defaults(void **state)
{
    (void)state;
    const sim_driver *d = sim_find_driver("melody");
    sim_write_values v = { 0 };
    v.present[0] = true;
    v.text[0] = "400:500,1200:300:300:2";
    Note in[4];
    ULONG code = 0, out_len = 99;
    ULONG n = d->client_ioctl(&v, (unsigned char *)in, sizeof in, &code, &out_len);
    assert_int_equal(n, 32);
    assert_int_equal(code, IOCTL_MELODY_PLAY);
    assert_int_equal(out_len, 0);
    assert_int_equal(in[0].Frequency, 400);
    assert_int_equal(in[0].Duration, 500);
    assert_int_equal(in[0].Delay, 0);  /* default */
    assert_int_equal(in[0].Repeat, 1); /* default */
    assert_int_equal(in[1].Frequency, 1200);
    assert_int_equal(in[1].Delay, 300);
    assert_int_equal(in[1].Repeat, 2);
    /* length= sends that many bytes, zero-filled past the notes. */
    v.present[1] = true;
    v.number[1] = 20;
    assert_int_equal(d->client_ioctl(&v, (unsigned char *)in, sizeof in, &code, &out_len), 20);
}

static void client_prints_the_win32_error_when_the_request_fails(void **state)
{
    (void)state;
    const sim_driver *d = sim_find_driver("melody");
    sim_record r = { 0 };
    d->client_ioctl_result(STATUS_INVALID_BUFFER_SIZE, NULL, 0, &r);
    const sim_field *f = sim_record_get(&r, "lines");
    assert_non_null(f);
    assert_int_equal(f->count, 1);
    char want[64];
    snprintf(want, sizeof want, "Failed in DeviceIoControl (%u)", RtlNtStatusToDosError(STATUS_INVALID_BUFFER_SIZE));
    assert_string_equal(sim_field_line(&r, f, 0), want);
    sim_record_free(&r);
    sim_record q = { 0 };
    d->client_ioctl_result(STATUS_SUCCESS, NULL, 0, &q);
    assert_int_equal(sim_record_get(&q, "lines")->count, 0); /* success prints nothing */
    sim_record_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(control_codes_are_built_and_decoded_the_windows_way),
        cmocka_unit_test_setup_teardown(beep_completes_its_request_at_once_and_records_the_tone, setup, teardown),
        cmocka_unit_test_setup_teardown(beep_refuses_short_input_and_plays_nothing_for_no_duration, setup, teardown),
        cmocka_unit_test_setup_teardown(notes_of_zero_length_or_a_partial_note_are_an_invalid_buffer_size, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(first_open_starts_the_playback_thread_in_the_client_process, setup, teardown),
        cmocka_unit_test_setup_teardown(close_waits_until_every_queued_note_has_played, setup, teardown),
        cmocka_unit_test_setup_teardown(rest_is_silence_and_repeats_have_delays_between_them_only, setup, teardown),
        cmocka_unit_test_setup_teardown(semaphore_limit_caps_the_queue_at_1000_notes, setup, teardown),
        cmocka_unit_test_setup_teardown(unload_while_open_plays_the_queue_and_leaves_no_pool, setup, teardown),
        cmocka_unit_test_setup_teardown(unload_that_ends_the_current_thread_leaves_the_system_thread_current, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(kernel_call_that_ends_the_current_thread_leaves_the_system_thread_current,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(close_that_exits_the_playback_threads_process_is_not_a_use_after_free, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(unload_ends_the_drivers_thread_that_outlived_its_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(outside_client_still_playing_when_the_system_is_destroyed, setup, teardown),
        cmocka_unit_test_setup_teardown(outside_client_close_sends_cleanup_and_silences_beep, setup, teardown),
        cmocka_unit_test(client_accepts_notes_with_optional_delay_and_repeat),
        cmocka_unit_test(client_sends_sixteen_bytes_a_note_with_defaults),
        cmocka_unit_test(client_prints_the_win32_error_when_the_request_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
