/*
 * zw.c - the Zw forms of native services, for drivers: the same service
 * routines through the same dispatcher, entered with previous mode
 * KernelMode, so nothing is probed and pointers are the driver's own.
 */
#include "ke/context.h"
#include "system/system.h"
#include "ntsim/wdk.h"

static NTSTATUS zw(const char *name, const ULONG64 *args, ULONG argc)
{
    ntsim_system *sys = ke_current_system(name);
    ULONG number = 0;
    ntsim_service_number(name + 0, &number);
    return sys_system_service(sys, KernelMode, number, args, argc);
}

NTSTATUS ZwQuerySystemInformation(SYSTEM_INFORMATION_CLASS SystemInformationClass, PVOID SystemInformation,
                                  ULONG SystemInformationLength, ULONG *ReturnLength)
{
    ULONG64 a[] = { SystemInformationClass, (ULONG64)(uintptr_t)SystemInformation, SystemInformationLength,
                    (ULONG64)(uintptr_t)ReturnLength };
    return zw("NtQuerySystemInformation", a, 4);
}

NTSTATUS ZwClose(HANDLE Handle)
{
    ULONG64 a[] = { (ULONG64)(uintptr_t)Handle };
    return zw("NtClose", a, 1);
}

KPROCESSOR_MODE ExGetPreviousMode(void)
{
    return ntsim_previous_mode(ke_current_system("ExGetPreviousMode"));
}
