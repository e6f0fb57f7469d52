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
/* NtQueryVirtualMemory's other classes (services_memory.c checks the
   arguments): the process handle with PROCESS_QUERY_INFORMATION, then the
   space's answer. The mapped name is a heap copy of the image's NT path
   (rtl_free it). The working-set entries are read and written in place:
   count MEMORY_WORKING_SET_EX_INFORMATION entries at buffer. */
struct mm_region_info;
NTSTATUS sys_query_region(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, struct mm_region_info *out);
NTSTATUS sys_query_image(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, ULONG_PTR *base,
                         SIZE_T *size);
NTSTATUS sys_query_mapped_name(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, char **path);
NTSTATUS sys_query_working_set_ex(ntsim_system *sys, HANDLE ProcessHandle, ULONG64 buffer, SIZE_T count);
/* KUSER_SHARED_DATA's clock and version fields written into p's page, when
   [address, address + length) reaches them: before any read of p's memory
   (shared_data.c). STATUS_NO_MEMORY when the host has none for the page. */
NTSTATUS sys_refresh_shared_data(ntsim_system *sys, ps_process *p, ULONG_PTR address, SIZE_T length);
/* NtGetWriteWatch's and NtResetWriteWatch's work on a process handle
   (PROCESS_VM_OPERATION): at most *count written pages of the range into
   the caller's array (an address as the caller's mode names it), *count
   then the number written. */
NTSTATUS sys_get_write_watch(ntsim_system *sys, HANDLE ProcessHandle, bool reset, ULONG_PTR base, SIZE_T size,
                             ULONG64 array, uint64_t *count);
NTSTATUS sys_reset_write_watch(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR base, SIZE_T size);
/* NtReadVirtualMemory / NtWriteVirtualMemory's copy between another
   process's address and the caller's buffer (an address as the caller's
   mode names it), length > 0 or nothing happens; *copied the bytes moved. */
NTSTATUS sys_copy_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR address, ULONG64 buffer, SIZE_T length,
                     bool write, SIZE_T *copied);
/* NtMapViewOfSection's and NtUnmapViewOfSection's bodies: the process
   handle (PROCESS_VM_OPERATION), then the section's (the right the view's
   protection needs), then the space's work. */
NTSTATUS sys_map_view(ntsim_system *sys, HANDLE SectionHandle, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                      ULONG_PTR ZeroBits, SIZE_T CommitSize, uint64_t *SectionOffset, SIZE_T *ViewSize,
                      ULONG InheritDisposition, ULONG AllocationType, ULONG Protect);
NTSTATUS sys_unmap_view(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress);
/* NtUnmapViewOfSectionEx's body: preserve (MEM_PRESERVE_PLACEHOLDER) gives a
   view's placeholder back (mm_unmap_view_ex). */
NTSTATUS sys_unmap_view_ex(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, bool preserve);
/* NtMapViewOfSectionEx's body: as sys_map_view, the view placed by mm_map_section_ex. */
NTSTATUS sys_map_view_ex(ntsim_system *sys, HANDLE SectionHandle, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                         uint64_t *SectionOffset, SIZE_T *ViewSize, ULONG AllocationType, ULONG Protect,
                         const struct mm_address_requirements *req);
/* The MEM_EXTENDED_PARAMETER array of the Ex calls, from user memory: each
   type once (else STATUS_INVALID_PARAMETER), address requirements read into
   *req (*has_req), attribute flags 0; NUMA nodes, partitions and physical
   handles are STATUS_NOT_SUPPORTED. */
NTSTATUS sys_capture_extended_parameters(ntsim_system *sys, ULONG64 at, ULONG64 count,
                                         struct mm_address_requirements *req, bool *has_req);
NTSTATUS sys_allocate_vm_ex(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, SIZE_T *RegionSize,
                            ULONG AllocationType, ULONG Protect, const struct mm_address_requirements *req);
#endif
