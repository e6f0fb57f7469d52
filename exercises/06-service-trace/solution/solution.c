/* Exercise 06 - reference solution: a service trace and an NtOpenProcess hook. */
#include <stdio.h>
#include <string.h>

#include "exercise.h"

NTSTATUS ex06_describe(ntsim_system *sys, const char *name, char *out, size_t cap)
{
    ULONG number;
    NTSIM_SERVICE_INFO info;
    NTSTATUS s = ntsim_service_number(name, &number);
    if (NT_SUCCESS(s))
        s = ntsim_query_service(sys, number, &info);
    if (!NT_SUCCESS(s))
        return s;
    snprintf(out, cap, "%s: number 0x%03x (table %u, index %u), %u argument(s)", info.name, (unsigned)number,
             (unsigned)(number >> 12 & 3), (unsigned)(number & 0xFFF), (unsigned)info.argument_count);
    return STATUS_SUCCESS;
}

static void on_call(void *context, const NTSIM_SYSCALL *call)
{
    ex06_log *log = context;
    if (log->count >= EX06_MAX_LINES)
        return;
    char *line = log->lines[log->count++];
    size_t cap = sizeof log->lines[0], n;
    if (call->name)
        n = (size_t)snprintf(line, cap, "tid %u: %s(", (unsigned)call->tid, call->name);
    else
        n = (size_t)snprintf(line, cap, "tid %u: #0x%03x(", (unsigned)call->tid, (unsigned)call->number);
    if (call->previous_mode == KernelMode) {
        n += (size_t)snprintf(line + n, n < cap ? cap - n : 0, "...");
    } else {
        for (ULONG i = 0; i < call->argument_count && n < cap; i++)
            n += (size_t)snprintf(line + n, cap - n, "%s0x%llx", i ? ", " : "",
                                  (unsigned long long)call->arguments[i]);
    }
    const char *status = ntsim_status_name(call->status);
    char hex[16];
    snprintf(hex, sizeof hex, "0x%08x", (unsigned)call->status);
    if (n < cap)
        snprintf(line + n, cap - n, ") from %s -> %s", call->previous_mode == UserMode ? "user" : "kernel",
                 status ? status : hex);
}

void ex06_trace_start(ntsim_system *sys, ex06_log *log)
{
    ntsim_set_syscall_observer(sys, on_call, log);
}

void ex06_trace_stop(ntsim_system *sys)
{
    ntsim_set_syscall_observer(sys, NULL, NULL);
}

static NTSIM_SERVICE_ROUTINE g_original;
static ULONG g_hidden_pid;

static NTSTATUS hooked_open_process(ntsim_system *sys, const ULONG64 *Arguments)
{
    ULONG64 ids[2];
    /* Capture the user's CLIENT_ID as the real service would: a pointer
     * that cannot be read is the original's business (it will fail it). */
    if (ntsim_previous_mode(sys) == UserMode && Arguments[3] &&
        NT_SUCCESS(ntsim_read_memory(sys, Arguments[3], ids, sizeof ids)) && ids[0] == g_hidden_pid)
        return STATUS_INVALID_CID;
    return g_original(sys, Arguments);
}

NTSTATUS ex06_hide_process(ntsim_system *sys, ULONG pid)
{
    ULONG number;
    NTSTATUS s = ntsim_service_number("NtOpenProcess", &number);
    if (!NT_SUCCESS(s))
        return s;
    g_hidden_pid = pid;
    return ntsim_replace_service(sys, number, hooked_open_process, &g_original);
}

NTSTATUS ex06_unhide(ntsim_system *sys)
{
    ULONG number;
    NTSTATUS s = ntsim_service_number("NtOpenProcess", &number);
    if (!NT_SUCCESS(s) || !g_original)
        return NT_SUCCESS(s) ? STATUS_UNSUCCESSFUL : s;
    s = ntsim_replace_service(sys, number, g_original, NULL);
    g_original = NULL;
    return s;
}
