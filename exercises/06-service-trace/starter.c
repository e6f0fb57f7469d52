/*
 * Exercise 06 - trace a service call through the table, then hook it. Read
 * README.md, then write the parts marked TODO(student). Grade yourself with
 * the command in README.md.
 */
#include <stdio.h>
#include <string.h>

#include "exercise.h"

/* ---- Part A ---------------------------------------------------------------- */

NTSTATUS ex06_describe(ntsim_system *sys, const char *name, char *out, size_t cap)
{
    /* TODO(student): ntsim_service_number finds the number of a name;
     * ntsim_query_service tells its argument count. */
    (void)sys;
    (void)name;
    snprintf(out, cap, "?");
    return STATUS_NOT_IMPLEMENTED;
}

/* ---- Part B ---------------------------------------------------------------- */

static void on_call(void *context, const NTSIM_SYSCALL *call)
{
    ex06_log *log = context;
    /* TODO(student): format one line (see exercise.h) into
     * log->lines[log->count++], unless the log is full. ntsim_status_name
     * names a status. */
    (void)log;
    (void)call;
}

void ex06_trace_start(ntsim_system *sys, ex06_log *log)
{
    /* TODO(student): install on_call as the syscall observer, with log as
     * its context. */
    (void)sys;
    (void)log;
    (void)on_call;
}

void ex06_trace_stop(ntsim_system *sys)
{
    /* TODO(student): remove the observer. */
    (void)sys;
}

/* ---- Part C ---------------------------------------------------------------- */

static NTSIM_SERVICE_ROUTINE g_original; /* the routine the hook replaced */
static ULONG g_hidden_pid;

/*
 * The replacement for NtOpenProcess(ProcessHandle, DesiredAccess,
 * ObjectAttributes, ClientId). Arguments[3] is the address of the caller's
 * CLIENT_ID: two 8-byte values, UniqueProcess then UniqueThread. From a
 * user-mode caller (ntsim_previous_mode) it is an address in the caller's
 * memory, which ntsim_read_memory reads as the caller would.
 */
static NTSTATUS hooked_open_process(ntsim_system *sys, const ULONG64 *Arguments)
{
    /* TODO(student): read the CLIENT_ID of a user-mode caller; refuse the
     * hidden PID with STATUS_INVALID_CID; anything else goes to g_original. */
    return g_original(sys, Arguments);
}

NTSTATUS ex06_hide_process(ntsim_system *sys, ULONG pid)
{
    /* TODO(student): find NtOpenProcess's number and replace its routine
     * with hooked_open_process (ntsim_replace_service), keeping the
     * original in g_original. */
    g_hidden_pid = pid;
    (void)sys;
    (void)hooked_open_process;
    return STATUS_NOT_IMPLEMENTED;
}

NTSTATUS ex06_unhide(ntsim_system *sys)
{
    /* TODO(student): put g_original back. */
    (void)sys;
    return STATUS_NOT_IMPLEMENTED;
}
