/*
 * process.c - kernel32's calls about the calling process and thread, and
 * waits: the IDs from the client ID, the pseudo-handles, ExitProcess, and
 * WaitForSingleObject as NtWaitForSingleObject.
 */
#include "win32/kernel32.h"
#include "win32/win32.h"

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

DWORD WaitForSingleObject(HANDLE handle, DWORD ms)
{
    ntsim_system *sys = w32_system("WaitForSingleObject");
    LONG64 timeout = -(LONG64)((uint64_t)ms * 10000u);
    NTSTATUS s = NtWaitForSingleObject(sys, handle, false, ms == INFINITE ? NULL : &timeout);
    if (!NT_SUCCESS(s)) {
        w32_fail(sys, s);
        return WAIT_FAILED;
    }
    return (DWORD)s; /* STATUS_WAIT_0, STATUS_ABANDONED_WAIT_0, STATUS_TIMEOUT: the WAIT_ values */
}
