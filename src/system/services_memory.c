/*
 * services_memory.c - the virtual-memory services as the kernel's entry
 * points take them: the arguments checked in Windows' order (the ones that
 * need no memory first, then the caller's pointers probed and captured,
 * then the captured values, and only then the process handle), the work in
 * vm_calls.c, the results written back. The order is what a caller sees:
 * NtFreeVirtualMemory(NULL, NULL, NULL, 0) is STATUS_INVALID_PARAMETER_4.
 * docs/memory-manager.md ("Argument checks") has the sources.
 */
#include <string.h>

#include "mm/mm.h"
#include "system/service_table.h"
#include "system/system.h"
#include "system/user_buffer.h"

/* The system's user range, which Windows checks before it knows the process. */
static mm_limits limits(ntsim_system *sys)
{
    const ntsim_config *c = &ke_state(sys)->config;
    return mm_system_limits(c->arch == NTSIM_ARCH_X64, c->increase_uva);
}

/* ProbeForWrite of an in/out or out scalar, which reads it and writes it
   back as it was (a read-only page fails here, before any work), and its
   value captured. The write also takes now the host memory the result will
   need, so writing it after the work cannot fail for want of it. */
static NTSTATUS capture(ntsim_system *sys, ULONG64 ptr, void *v, size_t n)
{
    NTSTATUS s = sys_in(sys, ptr, v, n, (ULONG)n);
    return NT_SUCCESS(s) ? sys_out(sys, ptr, v, n) : s;
}

/* The (base, size) pair the memory services take by reference. */
static NTSTATUS capture_range(ntsim_system *sys, ULONG64 pbase, ULONG64 psize, ULONG_PTR *base, SIZE_T *size)
{
    NTSTATUS s = capture(sys, pbase, base, 8);
    return NT_SUCCESS(s) ? capture(sys, psize, size, 8) : s;
}

/* Results once the work is done. A fault here changes nothing: the work
   stands and the call reports it, as Windows' services ignore it. */
static void put_range(ntsim_system *sys, ULONG64 pbase, ULONG64 psize, ULONG_PTR base, SIZE_T size)
{
    if (NT_SUCCESS(sys_out(sys, pbase, &base, 8)))
        sys_out(sys, psize, &size, 8);
}

NTSTATUS sys_svc_allocate_virtual_memory(ntsim_system *sys, const ULONG64 *a)
{
    mm_limits lim = limits(sys);
    ULONG type = (ULONG)a[4], protect = (ULONG)a[5];
    ULONG_PTR base;
    SIZE_T size;
    NTSTATUS s = mm_check_allocate_flags(&lim, a[2], type, protect);
    if (NT_SUCCESS(s))
        s = capture_range(sys, a[1], a[3], &base, &size);
    if (NT_SUCCESS(s))
        s = mm_check_allocate_range(&lim, base, size);
    if (NT_SUCCESS(s))
        s = sys_allocate_vm(sys, sys_handle(a[0]), &base, a[2], &size, type, protect);
    if (NT_SUCCESS(s))
        put_range(sys, a[1], a[3], base, size);
    return s;
}

NTSTATUS sys_svc_free_virtual_memory(ntsim_system *sys, const ULONG64 *a)
{
    mm_limits lim = limits(sys);
    ULONG type = (ULONG)a[3];
    ULONG_PTR base;
    SIZE_T size;
    NTSTATUS s = mm_check_free_type(type);
    if (NT_SUCCESS(s))
        s = capture_range(sys, a[1], a[2], &base, &size);
    if (NT_SUCCESS(s))
        s = mm_check_free_range(&lim, base, size, type);
    if (NT_SUCCESS(s))
        s = sys_free_vm(sys, sys_handle(a[0]), &base, &size, type);
    if (NT_SUCCESS(s))
        put_range(sys, a[1], a[2], base, size);
    return s;
}

NTSTATUS sys_svc_protect_virtual_memory(ntsim_system *sys, const ULONG64 *a)
{
    mm_limits lim = limits(sys);
    ULONG_PTR base;
    SIZE_T size;
    ULONG old;
    NTSTATUS s = mm_check_protection((ULONG)a[3]);
    if (NT_SUCCESS(s))
        s = capture_range(sys, a[1], a[2], &base, &size);
    if (NT_SUCCESS(s))
        s = capture(sys, a[4], &old, 4);
    if (NT_SUCCESS(s))
        s = mm_check_protect_range(&lim, base, size);
    if (!NT_SUCCESS(s))
        return s;
    bool reached;
    s = sys_protect_vm(sys, sys_handle(a[0]), &base, &size, (ULONG)a[3], &old, &reached);
    /* Once the process is reached, all three go back, failed or not: a
       failure leaves base and size as they were and old PAGE_NOACCESS. */
    if (reached) {
        put_range(sys, a[1], a[2], base, size);
        sys_out(sys, a[4], &old, 4);
    }
    return s;
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
    mm_limits lim = limits(sys);
    if (a[2] != MemoryBasicInformation)
        return STATUS_INVALID_INFO_CLASS;
    if (a[4] < 48)
        return STATUS_INFO_LENGTH_MISMATCH;
    SIZE_T len;
    NTSTATUS s = sys_probe_out(sys, a[3], 48, 8);
    if (NT_SUCCESS(s) && a[5])
        s = capture(sys, a[5], &len, 8);
    if (NT_SUCCESS(s))
        s = mm_check_query_address(&lim, a[1]);
    MEMORY_BASIC_INFORMATION m;
    if (NT_SUCCESS(s))
        s = sys_query_vm(sys, sys_handle(a[0]), a[1], &m);
    if (!NT_SUCCESS(s))
        return s;
    unsigned char b[48];
    put_mbi(b, &m);
    s = sys_out(sys, a[3], b, sizeof b);
    len = 48;
    if (NT_SUCCESS(s) && a[5])
        s = sys_out(sys, a[5], &len, 8);
    return s;
}

/* NtReadVirtualMemory / NtWriteVirtualMemory (ProcessHandle, BaseAddress,
   Buffer, NumberOfBytes, NumberOfBytesDone OPTIONAL). From user mode either
   range reaching past the top of user space is an access violation before
   anything else; a length of 0 succeeds without the handle being looked at;
   otherwise the count is written whatever the copy's outcome, as a partial
   copy's caller needs it. */
static NTSTATUS copy_service(ntsim_system *sys, const ULONG64 *a, bool write)
{
    ULONG64 address = a[1], buffer = a[2], length = a[3], pcount = a[4];
    if (sys_from_user(sys)) {
        mm_limits lim = limits(sys);
        if (address + length < address || buffer + length < buffer || address + length > lim.highest ||
            buffer + length > lim.highest)
            return STATUS_ACCESS_VIOLATION;
        SIZE_T ignored;
        NTSTATUS s = pcount ? capture(sys, pcount, &ignored, 8) : STATUS_SUCCESS;
        if (!NT_SUCCESS(s))
            return s;
    }
    SIZE_T done = 0;
    NTSTATUS s = sys_copy_vm(sys, sys_handle(a[0]), address, buffer, length, write, &done);
    if (pcount)
        sys_out(sys, pcount, &done, 8);
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
