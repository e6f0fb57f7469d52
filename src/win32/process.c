/*
 * process.c - kernel32's calls about processes: the calling process's and
 * thread's IDs from the client ID, the pseudo-handles, ExitProcess, and
 * OpenProcess, TerminateProcess, GetExitCodeProcess on a handle.
 */
#define _POSIX_C_SOURCE 200809L /* sigjmp_buf in program.h */
#include "ob/handles.h"
#include "win32/kernel32.h"
#include "win32/program.h"

DWORD GetCurrentProcessId(void)
{
    return ps_current_thread(w32_system("GetCurrentProcessId"))->process->pid;
}

DWORD GetCurrentThreadId(void)
{
    return ps_current_thread(w32_system("GetCurrentThreadId"))->tid;
}

HANDLE GetCurrentProcess(void)
{
    return NtCurrentProcess();
}

HANDLE GetCurrentThread(void)
{
    return NtCurrentThread();
}

void ntsim_exit(int code);

void ExitProcess(unsigned code)
{
    ntsim_exit((int)code);
}

HANDLE OpenProcess(DWORD access, BOOL inherit, DWORD process_id)
{
    (void)inherit; /* no child processes inherit handles in ntsim */
    ntsim_system *sys = w32_system("OpenProcess");
    CLIENT_ID cid = { process_id, 0 };
    HANDLE h;
    NTSTATUS s = NtOpenProcess(sys, &h, access, &cid);
    if (!NT_SUCCESS(s)) {
        w32_fail(sys, s);
        return NULL;
    }
    return h;
}

/* Whether a handle names the caller's own process. */
static bool names_own_process(ntsim_system *sys, HANDLE process)
{
    ob_header *o;
    if (!NT_SUCCESS(ob_reference_by_handle(sys, process, 0, &ps_process_type, &o, NULL)))
        return false;
    bool own = o == &ps_current_process(sys)->header;
    ob_dereference(sys, o);
    return own;
}

BOOL TerminateProcess(HANDLE process, unsigned code)
{
    ntsim_system *sys = w32_system("TerminateProcess");
    /* NtTerminateProcess(NULL) would end the caller's other threads: kernel32 refuses it. */
    if (!process)
        return w32_fail(sys, STATUS_INVALID_HANDLE);
    if (names_own_process(sys, process)) {
        /* Its own end: what it printed is not lost (the C runtime's console output is unbuffered). */
        w32_program *p = w32_current_program(sys);
        if (p) {
            w32_console_flush(sys, p, 0);
            w32_console_flush(sys, p, 1);
        }
    }
    NTSTATUS s = NtTerminateProcess(sys, process, (NTSTATUS)code);
    return NT_SUCCESS(s) ? 1 : w32_fail(sys, s);
}

BOOL GetExitCodeProcess(HANDLE process, DWORD *code)
{
    ntsim_system *sys = w32_system("GetExitCodeProcess");
    PROCESS_BASIC_INFORMATION pbi;
    NTSTATUS s = NtQueryInformationProcess(sys, process, ProcessBasicInformation, &pbi, sizeof pbi, NULL);
    if (!NT_SUCCESS(s))
        return w32_fail(sys, s);
    if (!code)
        return w32_fail(sys, STATUS_ACCESS_VIOLATION); /* Windows faults writing it */
    *code = (DWORD)pbi.ExitStatus; /* STILL_ACTIVE (STATUS_PENDING) while it runs */
    return 1;
}
