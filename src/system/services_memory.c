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
#include "rtl/alloc.h"

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

static NTSTATUS query_basic(ntsim_system *sys, const ULONG64 *a, const mm_limits *lim)
{
    if (a[4] < 48)
        return STATUS_INFO_LENGTH_MISMATCH;
    SIZE_T len;
    NTSTATUS s = sys_probe_out(sys, a[3], 48, 8);
    if (NT_SUCCESS(s) && a[5])
        s = capture(sys, a[5], &len, 8);
    if (NT_SUCCESS(s))
        s = mm_check_query_address(lim, a[1]);
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

/* The buffer (length bytes) and ReturnLength probed, the address checked:
   what every fixed-size class does before the handle. */
static NTSTATUS query_prologue(ntsim_system *sys, const ULONG64 *a, const mm_limits *lim, SIZE_T length)
{
    SIZE_T len;
    NTSTATUS s = sys_probe_out(sys, a[3], length, 8);
    if (NT_SUCCESS(s) && a[5])
        s = capture(sys, a[5], &len, 8);
    return NT_SUCCESS(s) ? mm_check_query_address(lim, a[1]) : s;
}

static NTSTATUS put_length(ntsim_system *sys, ULONG64 at, SIZE_T len)
{
    return at ? sys_out(sys, at, &len, 8) : STATUS_SUCCESS;
}

/* MEMORY_REGION_INFORMATION, x64 (48 bytes): AllocationBase 0, AllocationProtect 8,
   RegionType 12, RegionSize 16, CommitSize 24, PartitionId 32, NodePreference 40.
   Shorter than CommitSize's offset is a length mismatch; the fields that fit
   are written (Windows 10 1709 wrote 32 bytes), ReturnLength their size. */
static NTSTATUS query_region(ntsim_system *sys, const ULONG64 *a, const mm_limits *lim)
{
    if (a[4] < 24)
        return STATUS_INFO_LENGTH_MISMATCH;
    SIZE_T n = a[4] >= 48 ? 48 : a[4] >= 32 ? 32 : 24;
    NTSTATUS s = query_prologue(sys, a, lim, n);
    mm_region_info r;
    if (NT_SUCCESS(s))
        s = sys_query_region(sys, sys_handle(a[0]), a[1], &r);
    if (!NT_SUCCESS(s))
        return s;
    unsigned char b[48] = { 0 };
    memcpy(b + 0, &r.base, 8);
    memcpy(b + 8, &r.alloc_protect, 4);
    memcpy(b + 12, &r.type, 4);
    memcpy(b + 16, &r.size, 8);
    memcpy(b + 24, &r.commit, 8);
    s = sys_out(sys, a[3], b, n);
    return NT_SUCCESS(s) ? put_length(sys, a[5], n) : s;
}

/* MEMORY_IMAGE_INFORMATION, x64 (24 bytes): ImageBase, SizeOfImage, ImageFlags 0
   (mapped whole, executable). Not an image: STATUS_INVALID_ADDRESS. */
static NTSTATUS query_image(ntsim_system *sys, const ULONG64 *a, const mm_limits *lim)
{
    if (a[4] < 24)
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS s = query_prologue(sys, a, lim, 24);
    ULONG_PTR base;
    SIZE_T size;
    if (NT_SUCCESS(s))
        s = sys_query_image(sys, sys_handle(a[0]), a[1], &base, &size);
    if (!NT_SUCCESS(s))
        return s;
    unsigned char b[24] = { 0 };
    memcpy(b, &base, 8);
    memcpy(b + 8, &size, 8);
    s = sys_out(sys, a[3], b, sizeof b);
    return NT_SUCCESS(s) ? put_length(sys, a[5], 24) : s;
}

/* MEMORY_WORKING_SET_EX_INFORMATION entries (16 bytes: VirtualAddress, then
   the attributes), as many as fit; BaseAddress is not used. */
static NTSTATUS query_working_set_ex(ntsim_system *sys, const ULONG64 *a)
{
    if (a[4] < 16)
        return STATUS_INFO_LENGTH_MISMATCH;
    SIZE_T count = a[4] / 16, len;
    NTSTATUS s = sys_probe_out(sys, a[3], count * 16, 8);
    if (NT_SUCCESS(s) && a[5])
        s = capture(sys, a[5], &len, 8);
    if (NT_SUCCESS(s))
        s = sys_query_working_set_ex(sys, sys_handle(a[0]), a[3], count);
    return NT_SUCCESS(s) ? put_length(sys, a[5], count * 16) : s;
}

/* MEMORY_SECTION_NAME, x64: a UNICODE_STRING (16 bytes) whose Buffer points
   just after it, the name NUL-terminated. As Wine answers: the lookup
   first (free or private memory STATUS_INVALID_ADDRESS, a pagefile-backed
   view STATUS_FILE_INVALID), then less than the UNICODE_STRING is
   STATUS_INFO_LENGTH_MISMATCH and too short for the name
   STATUS_BUFFER_OVERFLOW, both with the length needed in ReturnLength. */
static NTSTATUS query_mapped_name(ntsim_system *sys, const ULONG64 *a, const mm_limits *lim)
{
    SIZE_T len;
    NTSTATUS s = a[5] ? capture(sys, a[5], &len, 8) : STATUS_SUCCESS;
    if (NT_SUCCESS(s))
        s = mm_check_query_address(lim, a[1]);
    char *path = NULL;
    if (NT_SUCCESS(s))
        s = sys_query_mapped_name(sys, sys_handle(a[0]), a[1], &path);
    if (!NT_SUCCESS(s))
        return s;
    size_t chars = strlen(path), need = 16 + 2 * (chars + 1);
    s = put_length(sys, a[5], need);
    if (NT_SUCCESS(s))
        s = a[4] < 16 ? STATUS_INFO_LENGTH_MISMATCH : a[4] < need ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
    if (s == STATUS_SUCCESS) {
        unsigned char *b = rtl_malloc(need);
        if (!b) {
            rtl_free(path);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        USHORT length = (USHORT)(2 * chars), maximum = (USHORT)(2 * chars + 2);
        ULONG64 buffer = a[3] + 16;
        memset(b, 0, 16);
        memcpy(b, &length, 2);
        memcpy(b + 2, &maximum, 2);
        memcpy(b + 8, &buffer, 8);
        for (size_t i = 0; i <= chars; i++) { /* the names are ASCII */
            b[16 + 2 * i] = (unsigned char)path[i];
            b[17 + 2 * i] = 0;
        }
        s = sys_out(sys, a[3], b, need);
        rtl_free(b);
    }
    rtl_free(path);
    return s;
}

NTSTATUS sys_svc_query_virtual_memory(ntsim_system *sys, const ULONG64 *a)
{
    mm_limits lim = limits(sys);
    switch (a[2]) {
    case MemoryBasicInformation: return query_basic(sys, a, &lim);
    case MemoryMappedFilenameInformation: return query_mapped_name(sys, a, &lim);
    case MemoryRegionInformation: return query_region(sys, a, &lim);
    case MemoryWorkingSetExInformation: return query_working_set_ex(sys, a);
    case MemoryImageInformation: return query_image(sys, a, &lim);
    default: return STATUS_INVALID_INFO_CLASS;
    }
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

/* MEM_EXTENDED_PARAMETER types (winnt.h); Max is the first invalid one. */
#define MEM_PARAM_ADDRESS_REQUIREMENTS 1
#define MEM_PARAM_ATTRIBUTE_FLAGS 5
#define MEM_PARAM_MAX 7

/* The extended parameters: each type once, AddressRequirements read and
   AttributeFlags 0 (no flag of theirs is modelled), the others not
   supported. Wine's tests record plain STATUS_INVALID_PARAMETER for a bad
   type or a repeated one. */
NTSTATUS sys_capture_extended_parameters(ntsim_system *sys, ULONG64 at, ULONG64 count, mm_address_requirements *req,
                                         bool *has_req)
{
    unsigned seen = 0;
    *has_req = false;
    if (count > 16)
        return STATUS_INVALID_PARAMETER;
    for (ULONG64 i = 0; i < count; i++) {
        ULONG64 p[2];
        NTSTATUS s = sys_in(sys, at + 16 * i, p, sizeof p, 8);
        if (!NT_SUCCESS(s))
            return s;
        unsigned type = (unsigned)(p[0] & 0xFF);
        if (type == 0 || type >= MEM_PARAM_MAX || (seen & (1u << type)))
            return STATUS_INVALID_PARAMETER;
        seen |= 1u << type;
        if (type == MEM_PARAM_ATTRIBUTE_FLAGS) {
            if ((ULONG)p[1])
                return STATUS_INVALID_PARAMETER; /* EC code and the like: not on x64 */
        } else if (type == MEM_PARAM_ADDRESS_REQUIREMENTS) {
            ULONG64 r[3];
            if (!NT_SUCCESS(s = sys_in(sys, p[1], r, sizeof r, 8)))
                return s;
            *req = (mm_address_requirements){ .lowest = r[0], .highest = r[1], .alignment = r[2] };
            *has_req = true;
        } else {
            return STATUS_NOT_SUPPORTED; /* NUMA nodes, partitions, physical handles */
        }
    }
    return STATUS_SUCCESS;
}

/* NtAllocateVirtualMemoryEx(ProcessHandle, BaseAddress, RegionSize, AllocationType,
   PageProtection, ExtendedParameters, ExtendedParameterCount): Windows 10 1803's. */
NTSTATUS sys_svc_allocate_virtual_memory_ex(ntsim_system *sys, const ULONG64 *a)
{
    mm_limits lim = limits(sys);
    ULONG type = (ULONG)a[3], protect = (ULONG)a[4];
    if (a[6] && !a[5])
        return STATUS_INVALID_PARAMETER;
    NTSTATUS s = mm_check_allocate_ex_flags(type, protect);
    ULONG_PTR base;
    SIZE_T size;
    if (NT_SUCCESS(s))
        s = capture_range(sys, a[1], a[2], &base, &size);
    if (NT_SUCCESS(s)) {
        s = mm_check_allocate_range(&lim, base, size);
        s = s == STATUS_INVALID_PARAMETER_4 ? STATUS_INVALID_PARAMETER_3 : s; /* RegionSize is parameter 3 here */
    }
    mm_address_requirements req;
    bool has_req = false;
    if (NT_SUCCESS(s))
        s = sys_capture_extended_parameters(sys, a[5], a[6], &req, &has_req);
    if (NT_SUCCESS(s))
        s = mm_check_requirements(&lim, has_req ? &req : NULL, base, type);
    if (NT_SUCCESS(s))
        s = sys_allocate_vm_ex(sys, sys_handle(a[0]), &base, &size, type, protect, has_req ? &req : NULL);
    if (NT_SUCCESS(s))
        put_range(sys, a[1], a[2], base, size);
    return s;
}

/* NtGetWriteWatch(ProcessHandle, Flags, BaseAddress, RegionSize, UserAddressArray,
   EntriesInUserAddressArray, Granularity): a flag but WRITE_WATCH_FLAG_RESET
   is STATUS_INVALID_PARAMETER (Wine's answer), then the count captured and
   the array and granularity probed, then the range (mm_get_write_watch). */
NTSTATUS sys_svc_get_write_watch(ntsim_system *sys, const ULONG64 *a)
{
    if ((ULONG)a[1] & ~WRITE_WATCH_FLAG_RESET)
        return STATUS_INVALID_PARAMETER;
    uint64_t count;
    ULONG granularity = (ULONG)MM_PAGE_SIZE;
    NTSTATUS s = capture(sys, a[5], &count, 8);
    if (NT_SUCCESS(s))
        s = count > (1ull << 60) ? STATUS_ACCESS_VIOLATION : sys_probe_out(sys, a[4], count * 8, 8);
    if (NT_SUCCESS(s))
        s = sys_probe_out(sys, a[6], 4, 4);
    if (NT_SUCCESS(s))
        s = sys_get_write_watch(sys, sys_handle(a[0]), (ULONG)a[1] & WRITE_WATCH_FLAG_RESET, a[2], a[3], a[4],
                                &count);
    if (!NT_SUCCESS(s))
        return s;
    s = sys_out(sys, a[5], &count, 8);
    return NT_SUCCESS(s) ? sys_out(sys, a[6], &granularity, 4) : s;
}

/* NtResetWriteWatch(ProcessHandle, BaseAddress, RegionSize). */
NTSTATUS sys_svc_reset_write_watch(ntsim_system *sys, const ULONG64 *a)
{
    return sys_reset_write_watch(sys, sys_handle(a[0]), a[1], a[2]);
}
