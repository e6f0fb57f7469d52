/*
 * zw.c - the Zw forms of native services, for drivers: the same service
 * routines through the same dispatcher, entered with previous mode
 * KernelMode, so nothing is probed and pointers are the driver's own.
 */
#include "ke/context.h"
#include "system/service_list.h"
#include "system/system.h"
#include "ntsim/wdk.h"

static NTSTATUS zw(const char *api, ULONG number, const ULONG64 *args, ULONG argc)
{
    return sys_system_service(ke_current_system(api), KernelMode, number, args, argc);
}

NTSTATUS ZwQuerySystemInformation(SYSTEM_INFORMATION_CLASS SystemInformationClass, PVOID SystemInformation,
                                  ULONG SystemInformationLength, ULONG *ReturnLength)
{
    ULONG64 a[] = { SystemInformationClass, (ULONG64)(uintptr_t)SystemInformation, SystemInformationLength,
                    (ULONG64)(uintptr_t)ReturnLength };
    return zw("ZwQuerySystemInformation", SYS_NR(NtQuerySystemInformation), a, SYS_ARGC(NtQuerySystemInformation));
}

static ULONG64 ptr(const void *p)
{
    return (ULONG64)(uintptr_t)p;
}

NTSTATUS ZwOpenFile(HANDLE *FileHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                    PIO_STATUS_BLOCK IoStatusBlock, ULONG ShareAccess, ULONG OpenOptions)
{
    ULONG64 a[] = { ptr(FileHandle), DesiredAccess, ptr(ObjectAttributes), ptr(IoStatusBlock), ShareAccess,
                    OpenOptions };
    return zw("ZwOpenFile", SYS_NR(NtOpenFile), a, SYS_ARGC(NtOpenFile));
}

NTSTATUS ZwCreateSection(HANDLE *SectionHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                         PLARGE_INTEGER MaximumSize, ULONG SectionPageProtection, ULONG AllocationAttributes,
                         HANDLE FileHandle)
{
    ULONG64 a[] = { ptr(SectionHandle), DesiredAccess, ptr(ObjectAttributes), ptr(MaximumSize),
                    SectionPageProtection, AllocationAttributes, ptr(FileHandle) };
    return zw("ZwCreateSection", SYS_NR(NtCreateSection), a, SYS_ARGC(NtCreateSection));
}

NTSTATUS ZwMapViewOfSection(HANDLE SectionHandle, HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
                            SIZE_T CommitSize, PLARGE_INTEGER SectionOffset, SIZE_T *ViewSize,
                            SECTION_INHERIT InheritDisposition, ULONG AllocationType, ULONG Win32Protect)
{
    ULONG64 a[] = { ptr(SectionHandle), ptr(ProcessHandle), ptr(BaseAddress), ZeroBits, CommitSize,
                    ptr(SectionOffset), ptr(ViewSize), (ULONG64)InheritDisposition, AllocationType, Win32Protect };
    return zw("ZwMapViewOfSection", SYS_NR(NtMapViewOfSection), a, SYS_ARGC(NtMapViewOfSection));
}

NTSTATUS ZwUnmapViewOfSection(HANDLE ProcessHandle, PVOID BaseAddress)
{
    ULONG64 a[] = { ptr(ProcessHandle), ptr(BaseAddress) };
    return zw("ZwUnmapViewOfSection", SYS_NR(NtUnmapViewOfSection), a, SYS_ARGC(NtUnmapViewOfSection));
}

NTSTATUS ZwClose(HANDLE Handle)
{
    ULONG64 a[] = { (ULONG64)(uintptr_t)Handle };
    return zw("ZwClose", SYS_NR(NtClose), a, SYS_ARGC(NtClose));
}

KPROCESSOR_MODE ExGetPreviousMode(void)
{
    return ntsim_previous_mode(ke_current_system("ExGetPreviousMode"));
}
