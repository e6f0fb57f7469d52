/*
 * user_buffer.h - the services' access to their callers' buffers
 * (src/system/user_buffer.c), and handle values as arguments.
 */
#ifndef NTSIM_SYSTEM_USER_BUFFER_H
#define NTSIM_SYSTEM_USER_BUFFER_H

#include "ntsim/ntsim.h"

/* The caller's previous mode is UserMode: its pointers are probed. */
bool sys_from_user(ntsim_system *sys);
/* Captures n bytes at ptr (ProbeForRead + copy, inside the service's try block). */
NTSTATUS sys_in(ntsim_system *sys, ULONG64 ptr, void *v, size_t n, ULONG align);
/* ProbeForWrite: range and alignment only, as Windows checks before the work. */
NTSTATUS sys_probe_range(ntsim_system *sys, ULONG64 ptr, size_t n, ULONG align);
/* The n bytes a result goes to, made ready before the work, so that writing it cannot fail for want of memory. */
NTSTATUS sys_prepare_out(ntsim_system *sys, ULONG64 ptr, size_t n);
/* sys_probe_range, then sys_prepare_out. */
NTSTATUS sys_probe_out(ntsim_system *sys, ULONG64 ptr, size_t n, ULONG align);
/* Writes a result; a fault here is the service's exception: STATUS_ACCESS_VIOLATION. */
NTSTATUS sys_out(ntsim_system *sys, ULONG64 ptr, const void *v, size_t n);

/* A new object's handle in the caller's table, written to ptr; takes the object's creation reference. */
struct ob_header;
NTSTATUS sys_out_new_handle(ntsim_system *sys, struct ob_header *object, ACCESS_MASK access, ULONG64 ptr);

static inline HANDLE sys_handle(ULONG64 v)
{
    return (HANDLE)(uintptr_t)v;
}

static inline ULONG64 sys_handle_value(HANDLE v)
{
    return (ULONG64)(uintptr_t)v;
}

#endif
