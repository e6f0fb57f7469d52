/*
 * system.h (private) - the simulated machine: the top of the system's state,
 * whose first member is the I/O manager's part, whose first is the process
 * manager's, and so on down to the object manager's (ob_system explains the
 * nesting). What only the top layer holds is here: the service table and
 * the observers of system calls.
 */
#ifndef NTSIM_SYSTEM_SYSTEM_H
#define NTSIM_SYSTEM_SYSTEM_H

#include <stddef.h>

#include "io/io.h"
#include "ntsim/ntsim.h"
#include "ntsim/services.h"
#include "ntsim/system.h"
#include "ntsim/limits.h"

struct ntsim_system {
    io_system io; /* first: every layer's part, nested */
    NTSIM_SERVICE_ROUTINE services[NTSIM_SERVICE_LIMIT]; /* this system's copy of the table (replaceable) */
    ntsim_syscall_observer syscall_observer;
    void *syscall_observer_context;
    bool trace_syscalls;
    /* The Win32 layer's programs (src/win32), released at teardown once no
       thread can run their code: registered upward, as the layers below do. */
    void *programs;
    void (*programs_end)(ntsim_system *sys);     /* at shutdown, before anything goes: end them */
    void (*programs_release)(ntsim_system *sys);
};

/* Each layer's part begins the one above: xx_state(sys) is sys itself. */
_Static_assert(offsetof(ntsim_system, io) == 0, "io_system begins ntsim_system");
_Static_assert(offsetof(io_system, ps) == 0, "ps_system begins io_system");
_Static_assert(offsetof(ps_system, se) == 0, "se_system begins ps_system");
_Static_assert(offsetof(se_system, ex) == 0, "ex_system begins se_system");
_Static_assert(offsetof(ex_system, ke) == 0, "ke_system begins ex_system");
_Static_assert(offsetof(ke_system, ob) == 0, "ob_system begins ke_system");

/* Fills the system's service table from the one table of services. */
void sys_service_table_init(ntsim_system *sys);

/* Runs a service as KiSystemService does, with the given previous mode. */
NTSTATUS sys_system_service(ntsim_system *sys, KPROCESSOR_MODE mode, ULONG number, const ULONG64 *args, ULONG argc);

/* The bodies of the virtual-memory services on a process handle, arguments
   checked and in kernel memory (src/system/vm_calls.c): the handle, then
   the space's work. sys_protect_vm's *reached: the process was referenced
   (NtProtectVirtualMemory then writes its outputs back, failed or not). */
NTSTATUS sys_allocate_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, ULONG_PTR ZeroBits,
                        SIZE_T *RegionSize, ULONG AllocationType, ULONG Protect);
NTSTATUS sys_free_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, SIZE_T *RegionSize,
                    ULONG FreeType);
NTSTATUS sys_protect_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, SIZE_T *RegionSize,
                       ULONG NewProtect, ULONG *OldProtect, bool *reached);
NTSTATUS sys_query_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, MEMORY_BASIC_INFORMATION *mbi);
/* NtReadVirtualMemory / NtWriteVirtualMemory's copy between another
   process's address and the caller's buffer (an address as the caller's
   mode names it), length > 0 or nothing happens; *copied the bytes moved. */
NTSTATUS sys_copy_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR address, ULONG64 buffer, SIZE_T length,
                     bool write, SIZE_T *copied);
#endif
