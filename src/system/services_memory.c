/*
 * services_memory.c - the virtual-memory services: the (base, size) pairs and
 * results through the caller's memory, the work in vm_calls.c.
 */
#include <string.h>

#include "system/service_table.h"
#include "system/system.h"
#include "system/user_buffer.h"

/* The (base, size) pair the memory services take by reference, captured;
   the same places receive the results, made ready now. */
static NTSTATUS in_range(ntsim_system *sys, ULONG64 pbase, ULONG64 psize, ULONG_PTR *base, SIZE_T *size)
{
    NTSTATUS s = sys_in(sys, pbase, base, 8, 8);
    if (NT_SUCCESS(s))
        s = sys_in(sys, psize, size, 8, 8);
    if (NT_SUCCESS(s))
        s = sys_prepare_out(sys, pbase, 8);
    if (NT_SUCCESS(s))
        s = sys_prepare_out(sys, psize, 8);
    return s;
}

static NTSTATUS out_range(ntsim_system *sys, ULONG64 pbase, ULONG64 psize, ULONG_PTR base, SIZE_T size)
{
    NTSTATUS s = sys_out(sys, pbase, &base, 8);
    return NT_SUCCESS(s) ? sys_out(sys, psize, &size, 8) : s;
}

NTSTATUS sys_svc_allocate_virtual_memory(ntsim_system *sys, const ULONG64 *a)
{
    ULONG_PTR base;
    SIZE_T size;
    NTSTATUS s = in_range(sys, a[1], a[3], &base, &size);
    if (!NT_SUCCESS(s))
        return s;
    s = sys_allocate_vm(sys, sys_handle(a[0]), &base, a[2], &size, (ULONG)a[4], (ULONG)a[5]);
    return NT_SUCCESS(s) ? out_range(sys, a[1], a[3], base, size) : s;
}

NTSTATUS sys_svc_free_virtual_memory(ntsim_system *sys, const ULONG64 *a)
{
    ULONG_PTR base;
    SIZE_T size;
    NTSTATUS s = in_range(sys, a[1], a[2], &base, &size);
    if (!NT_SUCCESS(s))
        return s;
    s = sys_free_vm(sys, sys_handle(a[0]), &base, &size, (ULONG)a[3]);
    return NT_SUCCESS(s) ? out_range(sys, a[1], a[2], base, size) : s;
}

NTSTATUS sys_svc_protect_virtual_memory(ntsim_system *sys, const ULONG64 *a)
{
    ULONG_PTR base;
    SIZE_T size;
    ULONG old = 0;
    NTSTATUS s = in_range(sys, a[1], a[2], &base, &size);
    if (NT_SUCCESS(s))
        s = sys_probe_out(sys, a[4], 4, 4);
    if (!NT_SUCCESS(s))
        return s;
    s = sys_protect_vm(sys, sys_handle(a[0]), &base, &size, (ULONG)a[3], &old);
    if (!NT_SUCCESS(s))
        return s;
    s = out_range(sys, a[1], a[2], base, size);
    return NT_SUCCESS(s) ? sys_out(sys, a[4], &old, 4) : s;
}

/* MEMORY_BASIC_INFORMATION, x64 layout (48 bytes). */
static void put_mbi(unsigned char *b, const MEMORY_BASIC_INFORMATION *m)
{
    memset(b, 0, 48);
    memcpy(b + 0, &m->BaseAddress, 8);
    memcpy(b + 8, &m->AllocationBase, 8);
    memcpy(b + 16, &m->AllocationProtect, 4);
    memcpy(b + 24, &m->RegionSize, 8);
    memcpy(b + 32, &m->State, 4);
    memcpy(b + 36, &m->Protect, 4);
    memcpy(b + 40, &m->Type, 4);
}

NTSTATUS sys_svc_query_virtual_memory(ntsim_system *sys, const ULONG64 *a)
{
    if (a[2] != MemoryBasicInformation)
        return STATUS_INVALID_INFO_CLASS;
    if (a[4] < 48)
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS s = sys_probe_out(sys, a[3], 48, 8);
    if (NT_SUCCESS(s) && a[5])
        s = sys_probe_out(sys, a[5], 8, 8);
    if (!NT_SUCCESS(s))
        return s;
    MEMORY_BASIC_INFORMATION m;
    s = sys_query_vm(sys, sys_handle(a[0]), a[1], MemoryBasicInformation, &m, sizeof m, NULL);
    if (!NT_SUCCESS(s))
        return s;
    unsigned char b[48];
    put_mbi(b, &m);
    s = sys_out(sys, a[3], b, sizeof b);
    SIZE_T len = 48;
    if (NT_SUCCESS(s) && a[5])
        s = sys_out(sys, a[5], &len, 8);
    return s;
}


/* NtReadVirtualMemory / NtWriteVirtualMemory (ProcessHandle, BaseAddress,
   Buffer, NumberOfBytes, NumberOfBytesDone OPTIONAL): the count is written
   whether or not the copy completed, as a partial copy's caller needs it. */
static NTSTATUS copy_service(ntsim_system *sys, const ULONG64 *a, bool write)
{
    if (a[4]) {
        NTSTATUS s = sys_probe_out(sys, a[4], 8, 8);
        if (!NT_SUCCESS(s))
            return s;
    }
    SIZE_T done = 0;
    NTSTATUS s = sys_copy_vm(sys, sys_handle(a[0]), a[1], a[2], a[3], write, &done);
    if (a[4]) {
        NTSTATUS o = sys_out(sys, a[4], &done, 8);
        if (!NT_SUCCESS(o))
            return o;
    }
    return s;
}

NTSTATUS sys_svc_read_virtual_memory(ntsim_system *sys, const ULONG64 *a)
{
    return copy_service(sys, a, false);
}

NTSTATUS sys_svc_write_virtual_memory(ntsim_system *sys, const ULONG64 *a)
{
    return copy_service(sys, a, true);
}
