/*
 * memory.c - kernel32's virtual-memory calls over the native ones:
 * VirtualAlloc(Ex), VirtualFree(Ex), VirtualProtect(Ex), VirtualQuery(Ex),
 * ReadProcessMemory and WriteProcessMemory, with Windows' checks and last
 * errors. The addresses are the simulated process's (a program gets them as
 * LPVOID values it must not dereference: its own code runs in host memory),
 * so a program reaches their contents through Read/WriteProcessMemory on
 * GetCurrentProcess(), as it would another process's.
 */
#include "win32/kernel32.h"
#include "win32/win32.h"

static ULONG_PTR address(const void *p)
{
    return (ULONG_PTR)(uintptr_t)p;
}

void *VirtualAllocEx(HANDLE process, void *where, SIZE_T size, DWORD type, DWORD protect)
{
    ntsim_system *sys = w32_system("VirtualAllocEx");
    ULONG_PTR base = address(where);
    NTSTATUS s = NtAllocateVirtualMemory(sys, process, &base, 0, &size, type, protect);
    if (!NT_SUCCESS(s)) {
        w32_fail(sys, s);
        return NULL;
    }
    return (void *)(uintptr_t)base;
}

void *VirtualAlloc(void *where, SIZE_T size, DWORD type, DWORD protect)
{
    return VirtualAllocEx(NtCurrentProcess(), where, size, type, protect);
}

BOOL VirtualFreeEx(HANDLE process, void *where, SIZE_T size, DWORD type)
{
    ntsim_system *sys = w32_system("VirtualFreeEx");
    /* A release frees the whole reservation: kernel32 refuses a size with it (the docs' rule). */
    if ((type & MEM_RELEASE) && size)
        return w32_fail(sys, STATUS_INVALID_PARAMETER);
    ULONG_PTR base = address(where);
    NTSTATUS s = NtFreeVirtualMemory(sys, process, &base, &size, type);
    return NT_SUCCESS(s) ? 1 : w32_fail(sys, s);
}

BOOL VirtualFree(void *where, SIZE_T size, DWORD type)
{
    return VirtualFreeEx(NtCurrentProcess(), where, size, type);
}

BOOL VirtualProtectEx(HANDLE process, void *where, SIZE_T size, DWORD protect, DWORD *old)
{
    ntsim_system *sys = w32_system("VirtualProtectEx");
    ULONG_PTR base = address(where);
    /* A NULL old protection reaches the service, which faults on it: ERROR_NOACCESS, as the docs warn. */
    NTSTATUS s = NtProtectVirtualMemory(sys, process, &base, &size, protect, old);
    return NT_SUCCESS(s) ? 1 : w32_fail(sys, s);
}

BOOL VirtualProtect(void *where, SIZE_T size, DWORD protect, DWORD *old)
{
    return VirtualProtectEx(NtCurrentProcess(), where, size, protect, old);
}

SIZE_T VirtualQueryEx(HANDLE process, const void *where, void *info, SIZE_T length)
{
    ntsim_system *sys = w32_system("VirtualQueryEx");
    SIZE_T returned = 0;
    NTSTATUS s = NtQueryVirtualMemory(sys, process, address(where), MemoryBasicInformation, info, length, &returned);
    if (!NT_SUCCESS(s)) {
        w32_fail(sys, s);
        return 0;
    }
    return returned;
}

SIZE_T VirtualQuery(const void *where, void *info, SIZE_T length)
{
    return VirtualQueryEx(NtCurrentProcess(), where, info, length);
}

BOOL ReadProcessMemory(HANDLE process, const void *from, void *buffer, SIZE_T size, SIZE_T *read)
{
    ntsim_system *sys = w32_system("ReadProcessMemory");
    SIZE_T done = 0;
    NTSTATUS s = NtReadVirtualMemory(sys, process, address(from), buffer, size, &done);
    if (read)
        *read = done; /* a partial copy's count too */
    return NT_SUCCESS(s) ? 1 : w32_fail(sys, s);
}

static bool writable(ULONG protect)
{
    ULONG p = protect & 0xFFu; /* without PAGE_GUARD and the caching modifiers */
    return p == PAGE_READWRITE || p == PAGE_WRITECOPY || p == PAGE_EXECUTE_READWRITE ||
           p == PAGE_EXECUTE_WRITECOPY;
}

/*
 * As kernel32 does: the range is first made PAGE_EXECUTE_READWRITE to learn
 * its protection (so the handle needs PROCESS_VM_OPERATION too). Writable
 * memory gets its protection back and is written; read-only or no-access
 * memory is refused (ERROR_NOACCESS); code (PAGE_EXECUTE, _READ) is written
 * while it is writable, then protected again, as a debugger patches it.
 */
BOOL WriteProcessMemory(HANDLE process, void *to, const void *buffer, SIZE_T size, SIZE_T *written)
{
    ntsim_system *sys = w32_system("WriteProcessMemory");
    if (written)
        *written = 0;
    ULONG_PTR base = address(to);
    SIZE_T range = size;
    ULONG old = 0, ignored;
    NTSTATUS s = NtProtectVirtualMemory(sys, process, &base, &range, PAGE_EXECUTE_READWRITE, &old);
    if (s == STATUS_SECTION_PROTECTION) {
        /* A view whose section allows no execute: its protection comes from
           a query instead, and a writable view is written as it is. */
        MEMORY_BASIC_INFORMATION m;
        s = NtQueryVirtualMemory(sys, process, address(to), MemoryBasicInformation, &m, sizeof m, NULL);
        if (NT_SUCCESS(s) && !writable(m.Protect))
            s = STATUS_ACCESS_VIOLATION;
        SIZE_T done = 0;
        if (NT_SUCCESS(s))
            s = NtWriteVirtualMemory(sys, process, address(to), buffer, size, &done);
        if (written)
            *written = done;
        return NT_SUCCESS(s) ? 1 : w32_fail(sys, s);
    }
    if (!NT_SUCCESS(s))
        return w32_fail(sys, s);
    ULONG kind = old & 0xFFu;
    if (writable(old) || kind == PAGE_NOACCESS || kind == PAGE_READONLY)
        NtProtectVirtualMemory(sys, process, &base, &range, old, &ignored);
    if (kind == PAGE_NOACCESS || kind == PAGE_READONLY)
        return w32_fail(sys, STATUS_ACCESS_VIOLATION);
    SIZE_T done = 0;
    s = NtWriteVirtualMemory(sys, process, address(to), buffer, size, &done);
    if (!writable(old))
        NtProtectVirtualMemory(sys, process, &base, &range, old, &ignored);
    if (written)
        *written = done;
    return NT_SUCCESS(s) ? 1 : w32_fail(sys, s);
}
