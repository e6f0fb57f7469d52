/*
 * nt_kernel.h - the kernel-side bodies of the system services, called by the
 * service routines (src/ke/services.c) once the arguments are in kernel
 * memory. Pointers here are kernel (host) pointers: probing and copying from
 * user memory has already happened, as in the real NtXxx after its try block.
 */
#ifndef NTSIM_KE_NT_KERNEL_H
#define NTSIM_KE_NT_KERNEL_H

#include "ntsim/ntsim.h"

NTSTATUS mm_allocate_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, ULONG_PTR ZeroBits,
                        SIZE_T *RegionSize, ULONG AllocationType, ULONG Protect);
NTSTATUS mm_free_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, SIZE_T *RegionSize,
                    ULONG FreeType);
NTSTATUS mm_protect_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, SIZE_T *RegionSize,
                       ULONG NewProtect, ULONG *OldProtect);
NTSTATUS mm_query_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress,
                     MEMORY_INFORMATION_CLASS MemoryInformationClass, void *MemoryInformation,
                     SIZE_T MemoryInformationLength, SIZE_T *ReturnLength);
NTSTATUS ps_open_process(ntsim_system *sys, HANDLE *ProcessHandle, ACCESS_MASK DesiredAccess, const CLIENT_ID *ClientId);
NTSTATUS ps_open_thread(ntsim_system *sys, HANDLE *ThreadHandle, ACCESS_MASK DesiredAccess, const CLIENT_ID *ClientId);
NTSTATUS ps_terminate_process_handle(ntsim_system *sys, HANDLE ProcessHandle, NTSTATUS ExitStatus);
NTSTATUS ps_terminate_thread_handle(ntsim_system *sys, HANDLE ThreadHandle, NTSTATUS ExitStatus);
NTSTATUS ps_set_information_thread(ntsim_system *sys, HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
                                   const void *ThreadInformation, ULONG ThreadInformationLength);
NTSTATUS ps_suspend_thread(ntsim_system *sys, HANDLE ThreadHandle, ULONG *PreviousSuspendCount);
NTSTATUS ps_resume_thread(ntsim_system *sys, HANDLE ThreadHandle, ULONG *PreviousSuspendCount);

#endif
