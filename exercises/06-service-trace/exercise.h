/*
 * Exercise 06 - trace a system call through the service table, then hook
 * the table. starter.c (yours) and solution/solution.c implement these.
 */
#ifndef EX06_EXERCISE_H
#define EX06_EXERCISE_H

#include <stddef.h>

#include <ntsim/ntsim.h>

/*
 * Part A. Describes a service by name, as the table knows it, into out:
 *     "NtClose: number 0x00f (table 0, index 15), 1 argument(s)"
 * (the number in 3 hex digits, the table from bits 12-13, the index from
 * bits 0-11). STATUS_NOT_FOUND for a name the table does not have.
 */
NTSTATUS ex06_describe(ntsim_system *sys, const char *name, char *out, size_t cap);

/* Part B: the trace, one line per completed call. */
#define EX06_MAX_LINES 64
typedef struct ex06_log {
    char lines[EX06_MAX_LINES][256];
    int count; /* lines written; calls past EX06_MAX_LINES are not logged */
} ex06_log;

/*
 * Starts tracing sys: every call through the dispatcher appends a line
 *     "tid 16: NtClose(0x1234) from user -> STATUS_INVALID_HANDLE"
 * tid, the service's name ("#0x1ff" for a number with no name: "#0x" and
 * at least 3 hex digits), the arguments the dispatcher copied ("0x%llx",
 * joined by ", "), or "..." for a call from kernel mode (its arguments are
 * kernel pointers, not worth printing), the previous mode ("user" or
 * "kernel") and the status's name (or "0x%08x" without one).
 */
void ex06_trace_start(ntsim_system *sys, ex06_log *log);
void ex06_trace_stop(ntsim_system *sys);

/*
 * Part C: an "SSDT hook". Replaces NtOpenProcess in sys's table so that a
 * user-mode caller asking for process `pid` gets STATUS_INVALID_CID (the
 * process looks absent); every other call (other PIDs, kernel-mode callers,
 * calls whose arguments cannot be read) goes to the original routine,
 * unchanged. ex06_unhide puts the original routine back.
 */
NTSTATUS ex06_hide_process(ntsim_system *sys, ULONG pid);
NTSTATUS ex06_unhide(ntsim_system *sys);

#endif
