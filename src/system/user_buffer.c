/*
 * user_buffer.c - how a service reads and writes the memory its pointers
 * name: probed and copied when the previous mode is UserMode (ProbeForRead,
 * ProbeForWrite, the copy inside the service's try block), trusted when
 * KernelMode (a Zw call from a driver: the pointers are the driver's own).
 */
#include <string.h>

#include "mm/user_memory.h"
#include "ob/handles.h"
#include "ps/ps.h"
#include "system/user_buffer.h"

bool sys_from_user(ntsim_system *sys)
{
    return ps_current_thread(sys) && ps_current_thread(sys)->tcb.previous_mode == UserMode;
}

/* Captures n bytes at ptr (ProbeForRead + copy, inside the service's try block). */
NTSTATUS sys_in(ntsim_system *sys, ULONG64 ptr, void *v, size_t n, ULONG align)
{
    if (!sys_from_user(sys)) {
        if (!ptr)
            return STATUS_ACCESS_VIOLATION;
        memcpy(v, (const void *)(uintptr_t)ptr, n);
        return STATUS_SUCCESS;
    }
    ps_process *p = ps_current_process(sys);
    if (!p->vm)
        return STATUS_ACCESS_VIOLATION;
    NTSTATUS s = mm_probe(p->vm, ptr, n, align);
    if (NT_SUCCESS(s) && !ptr)
        s = STATUS_ACCESS_VIOLATION;
    return NT_SUCCESS(s) ? mm_copy_from_user(p->vm, p->pages, ptr, v, n) : s;
}

/* ProbeForWrite: range and alignment only, as Windows checks before the work. */
NTSTATUS sys_probe_range(ntsim_system *sys, ULONG64 ptr, size_t n, ULONG align)
{
    if (!sys_from_user(sys))
        return STATUS_SUCCESS; /* kernel-mode callers are trusted: no probe */
    ps_process *p = ps_current_process(sys);
    if (!p->vm || (!ptr && n))
        return STATUS_ACCESS_VIOLATION;
    return mm_probe(p->vm, ptr, n, align);
}

/* The n bytes at ptr a result will be written to, made ready before the
   work (their host memory taken now): writing the result once the work is
   done then cannot fail for want of memory, which would leave the work done
   and the caller told it failed. */
NTSTATUS sys_prepare_out(ntsim_system *sys, ULONG64 ptr, size_t n)
{
    if (!sys_from_user(sys) || !ptr)
        return STATUS_SUCCESS;
    ps_process *p = ps_current_process(sys);
    return p->vm ? mm_prepare_user_write(p->vm, p->pages, ptr, n) : STATUS_SUCCESS;
}

/* ProbeForWrite of a result's n bytes, made ready (sys_prepare_out). */
NTSTATUS sys_probe_out(ntsim_system *sys, ULONG64 ptr, size_t n, ULONG align)
{
    NTSTATUS s = sys_probe_range(sys, ptr, n, align);
    return NT_SUCCESS(s) ? sys_prepare_out(sys, ptr, n) : s;
}

/* A new object's handle in the caller's table, its value written to the
   caller's HANDLE at ptr. The creation reference goes to the handle, or is
   dropped when no handle could be made. Reserve the table's room before
   making the object, so the insert cannot fail for want of memory. */
NTSTATUS sys_out_new_handle(ntsim_system *sys, ob_header *object, ACCESS_MASK access, ULONG64 ptr)
{
    ULONG value;
    NTSTATUS s = ob_insert_handle(&ps_current_process(sys)->handles, object, access, &value);
    ob_dereference(sys, object);
    if (NT_SUCCESS(s)) {
        ULONG64 v = value;
        s = sys_out(sys, ptr, &v, 8);
    }
    return s;
}

/* Writes a result; a fault here is the service's exception: STATUS_ACCESS_VIOLATION. */
NTSTATUS sys_out(ntsim_system *sys, ULONG64 ptr, const void *v, size_t n)
{
    if (!sys_from_user(sys)) {
        if (!ptr)
            return STATUS_ACCESS_VIOLATION; /* on Windows, a bug check */
        memcpy((void *)(uintptr_t)ptr, v, n);
        return STATUS_SUCCESS;
    }
    ps_process *p = ps_current_process(sys);
    return mm_copy_to_user(p->vm, p->pages, ptr, v, n);
}
