/*
 * last_error.c - GetLastError / SetLastError: the value lives where Windows
 * keeps it, in the calling thread's TEB (LastErrorValue: offset 0x68 of the
 * 64-bit TEB, 0x34 of a WOW64 thread's 32-bit one), so it is per thread and
 * visible in the simulated memory. A WOW64 thread's 32-bit TEB follows its
 * 64-bit one's two pages.
 */
#include "mm/user_memory.h"
#include "win32/kernel32.h"
#include "win32/win32.h"

static ULONG_PTR last_error_at(ps_thread *t)
{
    if (t->process->wow64)
        return t->teb + 0x2000 + 0x34;
    return t->process->arch == NTSIM_ARCH_X86 ? t->teb + 0x34 : t->teb + 0x68;
}

void w32_set_last_error(ntsim_system *sys, ULONG error)
{
    ps_thread *t = ps_current_thread(sys);
    if (t->teb && t->process->vm)
        mm_copy_to_user(t->process->vm, t->process->pages, last_error_at(t), &error, sizeof error);
}

int w32_fail(ntsim_system *sys, NTSTATUS status)
{
    w32_set_last_error(sys, RtlNtStatusToDosError(status));
    return 0;
}

DWORD GetLastError(void)
{
    ntsim_system *sys = w32_system("GetLastError");
    ps_thread *t = ps_current_thread(sys);
    ULONG error = 0;
    if (t->teb && t->process->vm)
        mm_copy_from_user(t->process->vm, t->process->pages, last_error_at(t), &error, sizeof error);
    return error;
}

void SetLastError(DWORD error)
{
    w32_set_last_error(w32_system("SetLastError"), error);
}
