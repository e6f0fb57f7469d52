/*
 * mm.h - virtual memory: the native API's four calls on a process handle,
 * one user-mode access, image loads, and a walk of the address space.
 *
 * Semantics are Windows' bit for bit: 64 KiB reservation granularity, 4 KiB
 * pages, the same rounding and NTSTATUS in every case. Addresses are
 * simulated ULONG_PTR values, not host pointers. docs/memory-manager.md has
 * the details.
 */
#ifndef NTSIM_MM_H_PUBLIC
#define NTSIM_MM_H_PUBLIC

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Needs PROCESS_VM_OPERATION. *BaseAddress 0 lets the system choose. */
NTSTATUS NtAllocateVirtualMemory(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                                 ULONG_PTR ZeroBits, SIZE_T *RegionSize, ULONG AllocationType, ULONG Protect);
/* Needs PROCESS_VM_OPERATION. FreeType MEM_DECOMMIT or MEM_RELEASE. */
NTSTATUS NtFreeVirtualMemory(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                             SIZE_T *RegionSize, ULONG FreeType);
/* Needs PROCESS_VM_OPERATION. */
NTSTATUS NtProtectVirtualMemory(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                                SIZE_T *RegionSize, ULONG NewProtect, ULONG *OldProtect);

typedef enum MEMORY_INFORMATION_CLASS { MemoryBasicInformation = 0 } MEMORY_INFORMATION_CLASS;

/* Needs PROCESS_QUERY_INFORMATION. Only MemoryBasicInformation. */
NTSTATUS NtQueryVirtualMemory(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR BaseAddress,
                              MEMORY_INFORMATION_CLASS MemoryInformationClass, void *MemoryInformation,
                              SIZE_T MemoryInformationLength, SIZE_T *ReturnLength);

/*
 * Copies between another process's memory (or the caller's own, through
 * NtCurrentProcess()) and the caller's Buffer: PROCESS_VM_READ, or
 * PROCESS_VM_WRITE. A length of 0 succeeds at once. Any fault is
 * STATUS_PARTIAL_COPY with the bytes moved in *NumberOfBytes{Read,Written}
 * (optional): over 512 bytes the source is locked 14 pages at a time, and a
 * fault there counts only the chunks before; any other fault counts the
 * bytes before the page that faulted. A guard page fails the copy once and
 * loses its guard. docs/memory-manager.md has the sources.
 */
NTSTATUS NtReadVirtualMemory(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR BaseAddress, void *Buffer,
                             SIZE_T NumberOfBytesToRead, SIZE_T *NumberOfBytesRead);
NTSTATUS NtWriteVirtualMemory(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR BaseAddress, const void *Buffer,
                              SIZE_T NumberOfBytesToWrite, SIZE_T *NumberOfBytesWritten);

typedef enum ntsim_access { NTSIM_READ, NTSIM_WRITE, NTSIM_EXECUTE } ntsim_access;

/*
 * One access by the current thread to its own process's memory:
 * STATUS_SUCCESS, STATUS_ACCESS_VIOLATION, STATUS_GUARD_PAGE_VIOLATION (the
 * guard is then gone) or STATUS_STACK_OVERFLOW.
 */
NTSTATUS ntsim_touch_memory(ntsim_system *system, ULONG_PTR address, ntsim_access access);

/*
 * Reads or writes the current thread's process memory as its user-mode code
 * would: each page must allow the access (STATUS_ACCESS_VIOLATION otherwise;
 * a guard page or stack guard behaves as for a touch). Committed pages that
 * were never written read as zeros.
 */
NTSTATUS ntsim_read_memory(ntsim_system *system, ULONG_PTR address, void *buffer, SIZE_T length);
NTSTATUS ntsim_write_memory(ntsim_system *system, ULONG_PTR address, const void *buffer, SIZE_T length);

/*
 * Maps an image (a DLL) into the current thread's process, where the system
 * chooses, and delivers image_load. size 0 = 64 KiB.
 */
NTSTATUS ntsim_load_image(ntsim_system *system, const char *path, SIZE_T size, ULONG_PTR *base);

/* Every region of a process's user address space, lowest first, as query
 * reports them, with what lies there ("PEB", "notepad.exe", ...) or NULL.
 * detail is valid only during the callback: copy it to keep it. */
typedef bool (*ntsim_region_cb)(void *context, const MEMORY_BASIC_INFORMATION *mbi, const char *detail);
NTSTATUS ntsim_walk_memory(ntsim_system *system, ULONG pid, ntsim_region_cb cb, void *context);

#ifdef __cplusplus
}
#endif
#endif
