/*
 * grader.c - exercise 07's checks: the book's blind spots (a full table, a
 * process started by System, creations refused by another driver, reused
 * PIDs) and the plain cases, read through the driver's device as its client
 * would.
 */
#include "../grader.h"
#include "drivers/driver.h"
#include "exercise.h"

#define EXPLORER "C:\\Windows\\explorer.exe"

static ntsim_system *load(grader_events *ev)
{
    ntsim_system *sys = grader_boot(77, ev);
    assert_status(ntsim_load_driver(sys, "remotedetector", DetectorDriverEntry, NULL, 0), STATUS_SUCCESS);
    return sys;
}

static void finish(ntsim_system *sys)
{
    assert_status(ntsim_unload_driver(sys, "remotedetector"), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

/* One ReadFile of `size` bytes: the records read, as many as fit in out. */
static ULONG read_reports(ntsim_system *sys, RemoteThread *out, ULONG size)
{
    ULONG bytes = 0;
    assert_status(ntsim_device_read(sys, EX07_LINK, out, size, &bytes), STATUS_SUCCESS);
    expect_int(bytes % sizeof(RemoteThread), 0, "bytes a read returned past its last whole RemoteThread record");
    return bytes / (ULONG)sizeof(RemoteThread);
}

static ULONG pending(ntsim_system *sys)
{
    RemoteThread r[64];
    return read_reports(sys, r, sizeof r);
}

static void first_threads_are_not_reported(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    CLIENT_ID explorer, cmd;
    assert_status(grader_spawn(sys, EXPLORER, 0, 0, &explorer), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\Windows\\System32\\cmd.exe", explorer.UniqueProcess, explorer.UniqueThread, &cmd),
                  STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\Tools\\make.exe", cmd.UniqueProcess, cmd.UniqueThread, NULL), STATUS_SUCCESS);
    expect_int(pending(sys), 0, "remote-thread reports waiting in the detector");
    assert_status(grader_thread(sys, cmd.UniqueProcess, explorer.UniqueThread, NULL), STATUS_SUCCESS);
    expect_int(pending(sys), 1, "remote-thread reports waiting in the detector");
    finish(sys);
}

static void a_remote_thread_is_reported(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    CLIENT_ID explorer, victim, t;
    RemoteThread r[4];
    assert_status(grader_spawn(sys, EXPLORER, 0, 0, &explorer), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\victim.exe", explorer.UniqueProcess, explorer.UniqueThread, &victim), STATUS_SUCCESS);
    ntsim_advance(sys, 7777777);
    assert_status(grader_thread(sys, victim.UniqueProcess, explorer.UniqueThread, &t), STATUS_SUCCESS);
    expect_int(read_reports(sys, r, sizeof r), 1, "whole reports one read of a large buffer returned");
    assert_int_equal(r[0].Time.QuadPart, (LONG64)ntsim_time(sys));
    assert_int_equal(r[0].CreatorProcessId, explorer.UniqueProcess);
    assert_int_equal(r[0].CreatorThreadId, explorer.UniqueThread);
    assert_int_equal(r[0].ProcessId, victim.UniqueProcess);
    assert_int_equal(r[0].ThreadId, t.UniqueThread);
    finish(sys);
}

static void local_and_system_threads_are_not_reported(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    CLIENT_ID explorer, app;
    assert_status(grader_spawn(sys, EXPLORER, 0, 0, &explorer), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\app.exe", explorer.UniqueProcess, explorer.UniqueThread, &app), STATUS_SUCCESS);
    assert_status(grader_thread(sys, app.UniqueProcess, app.UniqueThread, NULL), STATUS_SUCCESS);
    assert_status(grader_thread(sys, app.UniqueProcess, GRADER_SYSTEM_TID, NULL), STATUS_SUCCESS);
    assert_status(grader_thread(sys, 4, explorer.UniqueThread, NULL), STATUS_SUCCESS);
    expect_int(pending(sys), 0, "remote-thread reports waiting in the detector");
    assert_status(grader_thread(sys, app.UniqueProcess, explorer.UniqueThread, NULL), STATUS_SUCCESS);
    expect_int(pending(sys), 1, "remote-thread reports waiting in the detector");
    finish(sys);
}

static void many_new_processes_no_false_positive(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    CLIENT_ID explorer, notepad, t;
    assert_status(grader_spawn(sys, EXPLORER, 0, 0, &explorer), STATUS_SUCCESS);
    /* Services started by the System process: the book's table fills up. */
    for (int i = 0; i < 40; i++)
        assert_status(grader_spawn(sys, "C:\\Windows\\System32\\svchost.exe", 0, 0, NULL), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\notepad.exe", explorer.UniqueProcess, explorer.UniqueThread, &notepad),
                  STATUS_SUCCESS);
    expect_int(pending(sys), 0, "remote-thread reports waiting in the detector");
    assert_status(grader_thread(sys, notepad.UniqueProcess, explorer.UniqueThread, &t), STATUS_SUCCESS);
    expect_int(pending(sys), 1, "remote-thread reports waiting in the detector");
    finish(sys);
}

static void a_process_started_by_system_is_watched(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    CLIENT_ID explorer, svc;
    assert_status(grader_spawn(sys, "C:\\Windows\\System32\\svchost.exe", 0, 0, &svc), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, EXPLORER, 0, 0, &explorer), STATUS_SUCCESS);
    /* The first remote thread into the service is a remote thread. */
    assert_status(grader_thread(sys, svc.UniqueProcess, explorer.UniqueThread, NULL), STATUS_SUCCESS);
    expect_int(pending(sys), 1, "remote-thread reports waiting in the detector");
    finish(sys);
}

/* The built-in blocker, loaded after the detector, refuses `image`. */
static void load_blocker(ntsim_system *sys, const char *option)
{
    const char *options[] = { option };
    assert_status(ntsim_load_driver(sys, "blocker", sim_find_driver("blocker")->entry, options, 1), STATUS_SUCCESS);
}

static void refused_creations_do_not_fill_the_record(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    CLIENT_ID explorer, notepad;
    load_blocker(sys, "images=refused.exe");
    assert_status(grader_spawn(sys, EXPLORER, 0, 0, &explorer), STATUS_SUCCESS);
    for (int i = 0; i < 40; i++)
        assert_status(grader_spawn(sys, "C:\\refused.exe", explorer.UniqueProcess, explorer.UniqueThread, NULL),
                      STATUS_ACCESS_DENIED);
    assert_status(grader_spawn(sys, "C:\\notepad.exe", explorer.UniqueProcess, explorer.UniqueThread, &notepad),
                  STATUS_SUCCESS);
    expect_int(pending(sys), 0, "remote-thread reports waiting in the detector");
    assert_status(grader_thread(sys, notepad.UniqueProcess, explorer.UniqueThread, NULL), STATUS_SUCCESS);
    expect_int(pending(sys), 1, "remote-thread reports waiting in the detector");
    assert_status(ntsim_unload_driver(sys, "blocker"), STATUS_SUCCESS);
    finish(sys);
}

static void a_reused_pid_is_watched(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    CLIENT_ID explorer, c;
    load_blocker(sys, "images=refused.exe");
    assert_status(grader_spawn(sys, EXPLORER, 0, 0, &explorer), STATUS_SUCCESS);
    int before = ev.process_creates;
    assert_status(grader_spawn(sys, "C:\\refused.exe", explorer.UniqueProcess, explorer.UniqueThread, NULL),
                  STATUS_ACCESS_DENIED);
    assert_int_equal(ev.process_creates, before + 1);
    /* The refused process's PID: the one after explorer's IDs. Start and end
     * processes until a new one gets it back. */
    ULONG refused = 0;
    for (ULONG pid = explorer.UniqueProcess + 8;; pid += 4) {
        NTSIM_PROCESS_INFO pi;
        if (ntsim_query_process(sys, pid, &pi) == STATUS_INVALID_CID) {
            refused = pid;
            break;
        }
    }
    int found = 0;
    for (int i = 0; i < 2000 && !found; i++) {
        assert_status(grader_spawn(sys, "C:\\job.exe", explorer.UniqueProcess, explorer.UniqueThread, &c), STATUS_SUCCESS);
        if (c.UniqueProcess == refused)
            found = 1;
        else
            assert_status(ntsim_exit_process(sys, c.UniqueProcess, 0), STATUS_SUCCESS);
    }
    expect_that(found, "no new process got PID %u back in 2000 tries, expected one to (PIDs are reused)",
                (unsigned)refused);
    expect_int(pending(sys), 0, "remote-thread reports waiting in the detector");
    /* The process that got the PID back: its next remote thread is reported. */
    assert_status(grader_thread(sys, refused, explorer.UniqueThread, NULL), STATUS_SUCCESS);
    expect_int(pending(sys), 1, "remote-thread reports waiting in the detector");
    assert_status(ntsim_unload_driver(sys, "blocker"), STATUS_SUCCESS);
    finish(sys);
}

static void reads_return_whole_records(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    CLIENT_ID explorer, app;
    RemoteThread r[4];
    assert_status(grader_spawn(sys, EXPLORER, 0, 0, &explorer), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\app.exe", explorer.UniqueProcess, explorer.UniqueThread, &app), STATUS_SUCCESS);
    for (int i = 0; i < 3; i++)
        assert_status(grader_thread(sys, app.UniqueProcess, explorer.UniqueThread, NULL), STATUS_SUCCESS);
    expect_int(read_reports(sys, r, 20), 0, "whole reports a read of 20 bytes returned (less than one report)");
    expect_int(read_reports(sys, r, 50), 2, "whole reports a read of 50 bytes returned");
    expect_int(read_reports(sys, r, sizeof r), 1, "whole reports one read of a large buffer returned");
    finish(sys);
}

static void unload_leaves_nothing_behind(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    CLIENT_ID explorer, app;
    load_blocker(sys, "images=refused.exe");
    assert_status(grader_spawn(sys, EXPLORER, 0, 0, &explorer), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\refused.exe", explorer.UniqueProcess, explorer.UniqueThread, NULL),
                  STATUS_ACCESS_DENIED);
    assert_status(grader_spawn(sys, "C:\\app.exe", explorer.UniqueProcess, explorer.UniqueThread, &app), STATUS_SUCCESS);
    assert_status(grader_thread(sys, app.UniqueProcess, explorer.UniqueThread, NULL), STATUS_SUCCESS);
    expect_int(pending(sys), 1, "remote-thread reports waiting in the detector");
    assert_status(grader_thread(sys, app.UniqueProcess, explorer.UniqueThread, NULL), STATUS_SUCCESS);
    assert_status(ntsim_unload_driver(sys, "blocker"), STATUS_SUCCESS);
    /* A report and a remembered PID are still held: unload frees them. */
    assert_status(ntsim_unload_driver(sys, "remotedetector"), STATUS_SUCCESS);
    assert_int_equal(ev.pool_leaks, 0);
    assert_status(ntsim_load_driver(sys, "remotedetector", DetectorDriverEntry, NULL, 0), STATUS_SUCCESS);
    expect_int(pending(sys), 0, "remote-thread reports waiting in the detector");
    finish(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_threads_are_not_reported),
        cmocka_unit_test(a_remote_thread_is_reported),
        cmocka_unit_test(local_and_system_threads_are_not_reported),
        cmocka_unit_test(many_new_processes_no_false_positive),
        cmocka_unit_test(a_process_started_by_system_is_watched),
        cmocka_unit_test(refused_creations_do_not_fill_the_record),
        cmocka_unit_test(a_reused_pid_is_watched),
        cmocka_unit_test(reads_return_whole_records),
        cmocka_unit_test(unload_leaves_nothing_behind),
    };
    return GRADE("exercise 07: remote-thread detector", tests);
}
