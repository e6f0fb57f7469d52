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

NTSTATUS ZwClose(HANDLE Handle)
{
    ULONG64 a[] = { (ULONG64)(uintptr_t)Handle };
    return zw("ZwClose", SYS_NR(NtClose), a, SYS_ARGC(NtClose));
}

KPROCESSOR_MODE ExGetPreviousMode(void)
{
    return ntsim_previous_mode(ke_current_system("ExGetPreviousMode"));
}
