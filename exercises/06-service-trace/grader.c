/*
 * grader.c - exercise 06's checks. The trace is compared with the kernel's
 * own syscall trace (NTSIM_TRACE_SYSCALLS events) formatted the way
 * exercise.h says; the hook with what NtOpenProcess answers around it.
 */
#include "../grader.h"
#include "exercise.h"

/* The expected lines, from the kernel's trace events. */
typedef struct expected {
    char lines[EX06_MAX_LINES][256];
    int count;
} expected;

static void on_event(void *context, const ntsim_event *e)
{
    expected *x = context;
    if (e->kind != NTSIM_EVENT_SYSCALL || x->count >= EX06_MAX_LINES)
        return;
    char *line = x->lines[x->count++], args[200] = "";
    size_t n = 0;
    if (e->count == KernelMode)
        snprintf(args, sizeof args, "...");
    for (ULONG i = 0; e->count == UserMode && i < e->argc; i++)
        n += (size_t)snprintf(args + n, sizeof args - n, "%s0x%llx", i ? ", " : "", (unsigned long long)e->args[i]);
    char name[32], st[16];
    if (e->service)
        snprintf(name, sizeof name, "%s", e->service);
    else
        snprintf(name, sizeof name, "#0x%03x", (unsigned)e->number);
    snprintf(line, 256, "tid %u: %s(%s) from %s -> %s", (unsigned)e->tid, name, args,
             e->count == UserMode ? "user" : "kernel", grader_status_text(e->status, st, sizeof st));
}

static ntsim_system *boot(expected *x)
{
    ntsim_system *sys = grader_boot(66, NULL);
    memset(x, 0, sizeof *x);
    ntsim_set_event_sink(sys, on_event, x);
    return sys;
}

static void same_lines(const ex06_log *log, const expected *x)
{
    int ok = log->count == x->count;
    if (!ok)
        print_error("%d line(s) traced, %d call(s) made\n", log->count, x->count);
    for (int i = 0; ok && i < x->count; i++) {
        if (strcmp(log->lines[i], x->lines[i]) != 0) {
            print_error("line %d:\n  yours: %s\n  want:  %s\n", i + 1, log->lines[i], x->lines[i]);
            ok = 0;
        }
    }
    if (!ok)
        fail();
}

static void describe_known_services(void **state)
{
    expected x;
    ntsim_system *sys = boot(&x);
    char out[128];
    assert_status(ex06_describe(sys, "NtOpenProcess", out, sizeof out), STATUS_SUCCESS);
    assert_string_equal(out, "NtOpenProcess: number 0x026 (table 0, index 38), 4 argument(s)");
    assert_status(ex06_describe(sys, "NtCreateThreadEx", out, sizeof out), STATUS_SUCCESS);
    assert_string_equal(out, "NtCreateThreadEx: number 0x0b6 (table 0, index 182), 11 argument(s)");
    ntsim_system_destroy(sys);
}

static void describe_an_unknown_name(void **state)
{
    expected x;
    ntsim_system *sys = boot(&x);
    char out[128];
    assert_status(ex06_describe(sys, "NtCreateUserProcess", out, sizeof out), STATUS_NOT_FOUND);
    assert_status(ex06_describe(sys, "ZwClose", out, sizeof out), STATUS_NOT_FOUND);
    ntsim_system_destroy(sys);
}

static void trace_user_mode_calls(void **state)
{
    expected x;
    static ex06_log log;
    ntsim_system *sys = boot(&x);
    CLIENT_ID app;
    assert_status(grader_spawn(sys, "C:\\app.exe", 0, 0, &app), STATUS_SUCCESS);
    memset(&log, 0, sizeof log);
    ex06_trace_start(sys, &log);
    ntsim_set_trace(sys, NTSIM_TRACE_SYSCALLS);
    assert_status(ntsim_set_current_thread(sys, app.UniqueThread), STATUS_SUCCESS);
    ULONG_PTR base = 0;
    SIZE_T size = 0x20000;
    assert_status(NtAllocateVirtualMemory(sys, NtCurrentProcess(), &base, 0, &size, MEM_RESERVE, PAGE_READONLY),
                  STATUS_SUCCESS);
    assert_status(NtClose(sys, (HANDLE)(uintptr_t)0x40), STATUS_INVALID_HANDLE);
    HANDLE h;
    assert_status(NtOpenProcess(sys, &h, PROCESS_QUERY_LIMITED_INFORMATION, &app), STATUS_SUCCESS);
    assert_status(NtClose(sys, h), STATUS_SUCCESS);
    ntsim_set_trace(sys, 0);
    ex06_trace_stop(sys);
    same_lines(&log, &x);
    ntsim_system_destroy(sys);
}

static void trace_kernel_mode_and_bad_numbers(void **state)
{
    expected x;
    static ex06_log log;
    ntsim_system *sys = boot(&x);
    CLIENT_ID app;
    assert_status(grader_spawn(sys, "C:\\app.exe", 0, 0, &app), STATUS_SUCCESS);
    memset(&log, 0, sizeof log);
    ex06_trace_start(sys, &log);
    ntsim_set_trace(sys, NTSIM_TRACE_SYSCALLS);
    /* The System process's thread: previous mode kernel. */
    assert_status(ntsim_set_current_thread(sys, GRADER_SYSTEM_TID), STATUS_SUCCESS);
    assert_status(NtClose(sys, (HANDLE)(uintptr_t)0x1234), STATUS_INVALID_HANDLE);
    /* Straight to the dispatcher: a number past the table, an empty slot. */
    assert_status(ntsim_set_current_thread(sys, app.UniqueThread), STATUS_SUCCESS);
    ULONG64 args[2] = { 1, 2 };
    assert_status(ntsim_system_call(sys, 0x1FFF, args, 2), STATUS_INVALID_SYSTEM_SERVICE);
    assert_status(ntsim_system_call(sys, 0x001, args, 1), STATUS_NOT_IMPLEMENTED);
    ntsim_set_trace(sys, 0);
    ex06_trace_stop(sys);
    same_lines(&log, &x);
    ntsim_system_destroy(sys);
}

static void trace_stops(void **state)
{
    expected x;
    static ex06_log log;
    ntsim_system *sys = boot(&x);
    CLIENT_ID app;
    assert_status(grader_spawn(sys, "C:\\app.exe", 0, 0, &app), STATUS_SUCCESS);
    memset(&log, 0, sizeof log);
    ex06_trace_start(sys, &log);
    assert_status(ntsim_set_current_thread(sys, app.UniqueThread), STATUS_SUCCESS);
    NtClose(sys, (HANDLE)(uintptr_t)0x40);
    ex06_trace_stop(sys);
    NtClose(sys, (HANDLE)(uintptr_t)0x44);
    assert_int_equal(log.count, 1);
    ntsim_system_destroy(sys);
}

/* NtOpenProcess from `tid` for `pid`; the handle is closed again. */
static NTSTATUS open_from(ntsim_system *sys, ULONG tid, ULONG pid)
{
    HANDLE h = NULL;
    CLIENT_ID cid = { pid, 0 };
    assert_status(ntsim_set_current_thread(sys, tid), STATUS_SUCCESS);
    NTSTATUS s = NtOpenProcess(sys, &h, PROCESS_QUERY_LIMITED_INFORMATION, &cid);
    if (NT_SUCCESS(s))
        NtClose(sys, h);
    return s;
}

static void hook_hides_the_process(void **state)
{
    expected x;
    ntsim_system *sys = boot(&x);
    CLIENT_ID app, secret, other;
    assert_status(grader_spawn(sys, "C:\\app.exe", 0, 0, &app), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\secret.exe", 0, 0, &secret), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\other.exe", 0, 0, &other), STATUS_SUCCESS);
    assert_status(ex06_hide_process(sys, secret.UniqueProcess), STATUS_SUCCESS);
    assert_status(open_from(sys, app.UniqueThread, secret.UniqueProcess), STATUS_INVALID_CID);
    NTSIM_PROCESS_INFO pi;
    assert_status(ntsim_query_process(sys, app.UniqueProcess, &pi), STATUS_SUCCESS);
    assert_int_equal(pi.handle_count, 0);
    /* Everyone else is opened by the original routine. */
    assert_status(open_from(sys, app.UniqueThread, other.UniqueProcess), STATUS_SUCCESS);
    assert_status(open_from(sys, app.UniqueThread, 4000), STATUS_INVALID_CID);
    assert_status(ex06_unhide(sys), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void hook_lets_the_kernel_through(void **state)
{
    expected x;
    ntsim_system *sys = boot(&x);
    CLIENT_ID secret;
    assert_status(grader_spawn(sys, "C:\\secret.exe", 0, 0, &secret), STATUS_SUCCESS);
    assert_status(ex06_hide_process(sys, secret.UniqueProcess), STATUS_SUCCESS);
    assert_status(open_from(sys, GRADER_SYSTEM_TID, secret.UniqueProcess), STATUS_SUCCESS);
    assert_status(ex06_unhide(sys), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void hook_passes_bad_pointers_on(void **state)
{
    expected x;
    ntsim_system *sys = boot(&x);
    CLIENT_ID app, secret;
    assert_status(grader_spawn(sys, "C:\\app.exe", 0, 0, &app), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\secret.exe", 0, 0, &secret), STATUS_SUCCESS);
    assert_status(ex06_hide_process(sys, secret.UniqueProcess), STATUS_SUCCESS);
    assert_status(ntsim_set_current_thread(sys, app.UniqueThread), STATUS_SUCCESS);
    /* A CLIENT_ID pointer below user space: the original service's probe
     * answers, not the hook. */
    ULONG64 args[4] = { 0, PROCESS_QUERY_LIMITED_INFORMATION, 0, 0x10 };
    ULONG number;
    assert_status(ntsim_service_number("NtOpenProcess", &number), STATUS_SUCCESS);
    assert_status(ntsim_system_call(sys, number, args, 4), STATUS_ACCESS_VIOLATION);
    assert_status(ex06_unhide(sys), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void unhide_restores_the_table(void **state)
{
    expected x;
    ntsim_system *sys = boot(&x);
    CLIENT_ID app, secret;
    assert_status(grader_spawn(sys, "C:\\app.exe", 0, 0, &app), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\secret.exe", 0, 0, &secret), STATUS_SUCCESS);
    assert_status(ex06_hide_process(sys, secret.UniqueProcess), STATUS_SUCCESS);
    assert_status(open_from(sys, app.UniqueThread, secret.UniqueProcess), STATUS_INVALID_CID);
    assert_status(ex06_unhide(sys), STATUS_SUCCESS);
    assert_status(open_from(sys, app.UniqueThread, secret.UniqueProcess), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void the_trace_sees_the_hook(void **state)
{
    expected x;
    static ex06_log log;
    ntsim_system *sys = boot(&x);
    CLIENT_ID app, secret;
    assert_status(grader_spawn(sys, "C:\\app.exe", 0, 0, &app), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\secret.exe", 0, 0, &secret), STATUS_SUCCESS);
    assert_status(ex06_hide_process(sys, secret.UniqueProcess), STATUS_SUCCESS);
    memset(&log, 0, sizeof log);
    ex06_trace_start(sys, &log);
    ntsim_set_trace(sys, NTSIM_TRACE_SYSCALLS);
    assert_status(open_from(sys, app.UniqueThread, secret.UniqueProcess), STATUS_INVALID_CID);
    ntsim_set_trace(sys, 0);
    ex06_trace_stop(sys);
    assert_status(ex06_unhide(sys), STATUS_SUCCESS);
    same_lines(&log, &x);
    ntsim_system_destroy(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(describe_known_services),
        cmocka_unit_test(describe_an_unknown_name),
        cmocka_unit_test(trace_user_mode_calls),
        cmocka_unit_test(trace_kernel_mode_and_bad_numbers),
        cmocka_unit_test(trace_stops),
        cmocka_unit_test(hook_hides_the_process),
        cmocka_unit_test(hook_lets_the_kernel_through),
        cmocka_unit_test(hook_passes_bad_pointers_on),
        cmocka_unit_test(unhide_restores_the_table),
        cmocka_unit_test(the_trace_sees_the_hook),
    };
    return GRADE("exercise 06: service trace", tests);
}
