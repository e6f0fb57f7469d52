/*
 * dispatcher.c - the system service dispatcher (KiSystemService): decode the
 * number, pick the table, check the index against its limit, copy the
 * arguments, set the thread's previous mode, run the routine, restore.
 */
#include <string.h>

#include "system/service_list.h"
#include "system/service_table.h"
#include "system/system.h"
#include "ps/ps.h"

void sys_service_table_init(ntsim_system *sys)
{
    memset(sys->services, 0, sizeof sys->services);
    for (ULONG i = 0; i < sys_service_count; i++)
        sys->services[sys_services[i].number] = sys_services[i].routine;
}

/* A service number: bits 0-11 index a table, bits 12-13 choose it. */
static bool decode(ULONG number, ULONG *index)
{
    ULONG table = (number >> 12) & 0x3;
    *index = number & 0xFFF;
    /* Table 1 (win32k's GUI services) has no entries in ntsim. */
    return number <= 0x3FFF && table == 0 && *index < NTSIM_SERVICE_LIMIT;
}

static void report(ntsim_system *sys, ULONG number, const sys_service *svc, const ULONG64 *args, ULONG argc,
                   KPROCESSOR_MODE mode, NTSTATUS status)
{
    ULONG tid = ps_current_thread(sys) ? ps_current_thread(sys)->tid : 0;
    if (sys->syscall_observer) {
        NTSIM_SYSCALL call = { tid, number, svc ? svc->name : NULL, argc, args, mode, status };
        sys->syscall_observer(sys->syscall_observer_context, &call);
    }
    if (sys->trace_syscalls) {
        /* A kernel-mode caller's arguments point into host memory: not shown, to stay deterministic. */
        ntsim_event e = { .kind = NTSIM_EVENT_SYSCALL, .tid = tid, .number = number,
                          .service = svc ? svc->name : NULL, .argc = mode == UserMode ? argc : 0, .args = args,
                          .status = status, .count = mode };
        ke_deliver_event(sys, &e);
    }
}

NTSTATUS sys_system_service(ntsim_system *sys, KPROCESSOR_MODE mode, ULONG number, const ULONG64 *args, ULONG argc)
{
    static const ULONG64 no_arguments[1];
    if (argc == 0)
        args = no_arguments; /* no array is needed for no arguments */
    if (!args || argc > NTSIM_MAX_SERVICE_ARGUMENTS) {
        /* Refused before anything is read: the report shows none of them. */
        report(sys, number, NULL, NULL, 0, mode, STATUS_INVALID_PARAMETER);
        return STATUS_INVALID_PARAMETER;
    }
    ULONG index;
    if (!decode(number, &index)) {
        report(sys, number, NULL, args, argc, mode, STATUS_INVALID_SYSTEM_SERVICE);
        return STATUS_INVALID_SYSTEM_SERVICE;
    }
    const sys_service *svc = sys_service_at(index);
    NTSIM_SERVICE_ROUTINE routine = sys->services[index];
    if (!routine) {
        /* A slot of the real table whose service ntsim does not model. */
        report(sys, number, svc, args, argc, mode, STATUS_NOT_IMPLEMENTED);
        return STATUS_NOT_IMPLEMENTED;
    }
    /* The dispatcher copies exactly the table's argument count; missing ones
       read as 0. More than the slot takes is refused, never copied. */
    ULONG n = svc ? svc->argc : argc;
    if (argc > n) {
        report(sys, number, svc, NULL, 0, mode, STATUS_INVALID_PARAMETER);
        return STATUS_INVALID_PARAMETER;
    }
    ULONG64 copy[NTSIM_MAX_SERVICE_ARGUMENTS];
    memcpy(copy, args, argc * sizeof *copy);
    memset(copy + argc, 0, (n - argc) * sizeof *copy); /* the slots a service reads; not all 16 */
    /* The caller may end itself in the service: hold it until the mode is restored. */
    ps_thread *caller = ps_current_thread(sys);
    ob_reference(&caller->header);
    KPROCESSOR_MODE saved = caller->tcb.previous_mode;
    caller->tcb.previous_mode = mode;
    caller->tcb.in_service++;
    NTSTATUS status = routine(sys, copy);
    caller->tcb.in_service--;
    caller->tcb.previous_mode = saved;
    /* A thread running code of its own (a program's) blocks in the call, as
       a real thread does: the call returns when the wait ends, with how it
       ended. A scenario's thread has no code: its call returns at once and
       the thread stays waiting. */
    bool blocks = caller->tcb.blocked && ke_runs_own_code(sys, &caller->tcb);
    ob_dereference(sys, &caller->header); /* not held across the wait: its process may end it meanwhile */
    if (blocks) {
        NTSTATUS ended = ke_block_current(sys);
        status = number == SYS_NR(NtDelayExecution) && (ended == STATUS_TIMEOUT || ended == STATUS_SUCCESS)
                     ? STATUS_SUCCESS
                     : ended;
    }
    report(sys, number, svc, copy, n, mode, status);
    ke_run_fibers(sys); /* system threads the call made runnable run now */
    return status;
}

NTSTATUS ntsim_system_call(ntsim_system *sys, ULONG number, const ULONG64 *arguments, ULONG count)
{
    return sys_system_service(sys, UserMode, number, arguments, count);
}

KPROCESSOR_MODE ntsim_previous_mode(const ntsim_system *sys)
{
    const ke_thread *t = ke_state((ntsim_system *)sys)->current_thread;
    return t ? t->previous_mode : KernelMode;
}

NTSTATUS ntsim_query_service(ntsim_system *sys, ULONG number, NTSIM_SERVICE_INFO *info)
{
    ULONG index;
    if (!decode(number, &index))
        return STATUS_INVALID_SYSTEM_SERVICE;
    const sys_service *svc = sys_service_at(index);
    *info = (NTSIM_SERVICE_INFO){ number, svc ? svc->name : NULL, svc ? svc->argc : 0 };
    (void)sys;
    return STATUS_SUCCESS;
}

NTSTATUS ntsim_replace_service(ntsim_system *sys, ULONG number, NTSIM_SERVICE_ROUTINE routine,
                               NTSIM_SERVICE_ROUTINE *previous)
{
    ULONG index;
    if (!decode(number, &index) || !routine)
        return STATUS_INVALID_PARAMETER;
    if (previous)
        *previous = sys->services[index];
    sys->services[index] = routine;
    return STATUS_SUCCESS;
}

void ntsim_set_syscall_observer(ntsim_system *sys, ntsim_syscall_observer observer, void *context)
{
    sys->syscall_observer = observer;
    sys->syscall_observer_context = context;
}
