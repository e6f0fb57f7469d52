/*
 * arguments.c - the checks the native virtual-memory calls make on their
 * arguments before they look at the address space, in Windows' order, each
 * naming the bad parameter as x64 Windows 10/11 does
 * (STATUS_INVALID_PARAMETER_N, N counted from the process handle as 1).
 * The order matters twice over: the first failing check decides the status,
 * and the system-service layer runs these before it reads the caller's
 * pointers or opens the handle (NtFreeVirtualMemory(NULL, NULL, NULL, 0) is
 * STATUS_INVALID_PARAMETER_4, not an access violation). The sources for each
 * rule are in docs/memory-manager.md ("Argument checks").
 */
#include "mm/mm_internal.h"

#define MAX_ZERO_BITS 21
/* The flags NtAllocateVirtualMemory knows; any other bit is parameter 5. */
#define ALLOC_TYPES (MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_RESET_UNDO | MEM_TOP_DOWN | \
                     MEM_WRITE_WATCH | MEM_PHYSICAL | MEM_LARGE_PAGES)

NTSTATUS mm_check_protection(ULONG protect)
{
    return mm_protect_is_valid(protect) ? STATUS_SUCCESS : STATUS_INVALID_PAGE_PROTECTION;
}

bool mm_zero_bits_valid(const mm_limits *l, ULONG_PTR zero_bits)
{
    /* 0..21 count leading zero bits from bit 31; 64-bit Windows (WOW64 too)
     * also takes a mask of the bits the address may use (32 and above). */
    return zero_bits <= MAX_ZERO_BITS || (l->wide_zero_bits && zero_bits >= 32);
}

static NTSTATUS check_type(ULONG type, ULONG protect)
{
    /* The placeholder API belongs to NtAllocateVirtualMemoryEx: the plain call
     * refuses it without naming a parameter (Wine's ntdll tests, on Windows). */
    if (type & MEM_RESERVE_PLACEHOLDER)
        return STATUS_INVALID_PARAMETER;
    if (type & ~ALLOC_TYPES)
        return STATUS_INVALID_PARAMETER_5;
    if (!(type & (MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_RESET_UNDO)))
        return STATUS_INVALID_PARAMETER_5;
    if ((type & MEM_RESET) && type != MEM_RESET)
        return STATUS_INVALID_PARAMETER_5; /* MEM_RESET combines with nothing */
    if ((type & MEM_RESET_UNDO) && type != MEM_RESET_UNDO)
        return STATUS_INVALID_PARAMETER_5;
    if ((type & MEM_LARGE_PAGES) && (type & (MEM_COMMIT | MEM_RESERVE)) != (MEM_COMMIT | MEM_RESERVE))
        return STATUS_INVALID_PARAMETER_5;
    if ((type & MEM_LARGE_PAGES) && (type & (MEM_PHYSICAL | MEM_WRITE_WATCH)))
        return STATUS_INVALID_PARAMETER_5;
    if ((type & MEM_WRITE_WATCH) && !(type & MEM_RESERVE))
        return STATUS_INVALID_PARAMETER_5;
    if (type & MEM_PHYSICAL) {
        if ((type & ~MEM_TOP_DOWN) != (MEM_RESERVE | MEM_PHYSICAL))
            return STATUS_INVALID_PARAMETER_5;
        if (protect != PAGE_READWRITE)
            return STATUS_INVALID_PARAMETER_6; /* AWE views are read/write only */
    }
    return STATUS_SUCCESS;
}

NTSTATUS mm_check_allocate_flags(const mm_limits *l, ULONG_PTR zero_bits, ULONG type, ULONG protect)
{
    if (!mm_zero_bits_valid(l, zero_bits))
        return STATUS_INVALID_PARAMETER_3;
    NTSTATUS st = check_type(type, protect);
    return NT_SUCCESS(st) ? mm_check_protection(protect) : st;
}

NTSTATUS mm_check_allocate_range(const mm_limits *l, ULONG_PTR base, SIZE_T size)
{
    if (base > l->highest)
        return STATUS_INVALID_PARAMETER_2;
    if (l->highest + 1 - base < size)
        return STATUS_INVALID_PARAMETER_4; /* would run into system space */
    if (size == 0)
        return STATUS_INVALID_PARAMETER_4;
    if (base && base < l->lowest)
        return STATUS_INVALID_PARAMETER_2; /* the first 64 KiB are never allocated */
    return STATUS_SUCCESS;
}

static bool placeholder_free(ULONG free_type)
{
    return free_type == (MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS) ||
           free_type == (MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER);
}

NTSTATUS mm_check_free_type(ULONG free_type)
{
    if (free_type == MEM_DECOMMIT || free_type == MEM_RELEASE || placeholder_free(free_type))
        return STATUS_SUCCESS;
    return STATUS_INVALID_PARAMETER_4;
}

NTSTATUS mm_check_free_range(const mm_limits *l, ULONG_PTR base, SIZE_T size, ULONG free_type)
{
    if (base > l->highest)
        return STATUS_INVALID_PARAMETER_2;
    if (l->highest - base < size)
        return STATUS_INVALID_PARAMETER_3;
    if (base < l->lowest)
        return STATUS_INVALID_PARAMETER_2; /* nothing is ever allocated there (oracle line 157) */
    if (size == 0 && placeholder_free(free_type))
        return STATUS_INVALID_PARAMETER_3; /* a placeholder is split or joined by an explicit size */
    return STATUS_SUCCESS;
}

NTSTATUS mm_check_protect_range(const mm_limits *l, ULONG_PTR base, SIZE_T size)
{
    if (base > l->highest)
        return STATUS_INVALID_PARAMETER_2;
    if (l->highest - base < size || size == 0)
        return STATUS_INVALID_PARAMETER_3;
    return STATUS_SUCCESS;
}

NTSTATUS mm_check_query_address(const mm_limits *l, ULONG_PTR address)
{
    /* The one check NtQueryVirtualMemory does not number. */
    return address > l->highest ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
}

bool mm_free_type_is_placeholder(ULONG free_type)
{
    return placeholder_free(free_type);
}
