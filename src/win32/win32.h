/*
 * win32.h (private) - the Win32 layer: kernel32's and the C runtime's calls
 * for programs that run as simulated processes (src/win32/program.c). It
 * sits above ntdll and calls the native API through its stubs, as kernel32
 * does, so every call is a system call with a previous mode of UserMode.
 */
#ifndef NTSIM_WIN32_WIN32_H
#define NTSIM_WIN32_WIN32_H

#include "ntsim/ntsim.h"
#include "ps/ps.h"
#include "system/system.h"

/* The system whose program is running now; a clear stop outside one. */
ntsim_system *w32_system(const char *api);

/* The last error of the calling thread (its TEB's LastErrorValue). */
void w32_set_last_error(ntsim_system *sys, ULONG error);
/* A failed call's status as its last error; returns 0 (FALSE) for the caller to pass on. */
int w32_fail(ntsim_system *sys, NTSTATUS status);

/* Console output of the calling thread's process: a console event. */
void w32_console(ntsim_system *sys, int stream, const char *text, size_t length);

#endif
