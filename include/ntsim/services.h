/*
 * services.h - the system service path: the table, the dispatcher, and the
 * hooks an exercise may use to watch calls or replace a table entry.
 *
 * A user-mode call goes as on Windows: the ntdll stub (every Nt* function of
 * this library) puts the arguments in the calling thread's user memory, loads
 * the service number and "executes syscall"; the dispatcher checks the
 * number, sets the thread's previous mode to UserMode, copies the arguments
 * and runs the service, which probes every user pointer. Zw* calls (from
 * drivers) run the same services with previous mode KernelMode: no probing.
 *
 * Numbers are those of Windows 10 version 1607 (build 14393) x64: the low 12
 * bits index a table, the next two pick it (0 native, 1 the GUI table, empty).
 */
#ifndef NTSIM_SERVICES_H
#define NTSIM_SERVICES_H

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A service routine: its arguments as the dispatcher copied them. */
typedef NTSTATUS (*NTSIM_SERVICE_ROUTINE)(ntsim_system *system, const ULONG64 *Arguments);

typedef struct NTSIM_SERVICE_INFO {
    ULONG number;
    const char *name;   /* NULL: a slot ntsim does not implement */
    ULONG argument_count;
} NTSIM_SERVICE_INFO;

/* The number of a service by name ("NtClose"); STATUS_NOT_FOUND if unknown. */
NTSTATUS ntsim_service_number(const char *name, ULONG *number);
/* A table slot; STATUS_INVALID_SYSTEM_SERVICE past the table's limit. */
NTSTATUS ntsim_query_service(ntsim_system *system, ULONG number, NTSIM_SERVICE_INFO *info);
/* Entries in the native table (KeServiceDescriptorTable's limit). */
ULONG ntsim_service_limit(void);

/*
 * Replaces a table entry in this simulated system (what a rootkit's "SSDT
 * hook" does, and why PatchGuard exists); *previous receives the old routine
 * so the replacement can call it.
 */
NTSTATUS ntsim_replace_service(ntsim_system *system, ULONG number, NTSIM_SERVICE_ROUTINE routine,
                               NTSIM_SERVICE_ROUTINE *previous);

/* One completed call, for observers and traces. */
typedef struct NTSIM_SYSCALL {
    ULONG tid;
    ULONG number;
    const char *name;       /* NULL for an unnamed or invalid number */
    ULONG argument_count;
    const ULONG64 *arguments;
    KPROCESSOR_MODE previous_mode;
    NTSTATUS status;
} NTSIM_SYSCALL;

typedef void (*ntsim_syscall_observer)(void *context, const NTSIM_SYSCALL *call);
void ntsim_set_syscall_observer(ntsim_system *system, ntsim_syscall_observer observer, void *context);

/*
 * What a stub's syscall instruction does: runs service `number` for the
 * current thread with previous mode UserMode; pointer arguments are user
 * addresses of its process. STATUS_INVALID_SYSTEM_SERVICE for a bad number;
 * STATUS_INVALID_PARAMETER, before anything is read, for more arguments
 * than the service takes (than NTSIM_MAX_SERVICE_ARGUMENTS for a replaced
 * empty slot) or for a count with no array. Fewer read as 0; arguments may
 * be NULL when count is 0.
 */
NTSTATUS ntsim_system_call(ntsim_system *system, ULONG number, const ULONG64 *arguments, ULONG count);

/* The current thread's previous mode (ExGetPreviousMode). */
KPROCESSOR_MODE ntsim_previous_mode(const ntsim_system *system);

#ifdef __cplusplus
}
#endif
#endif
