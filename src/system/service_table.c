/*
 * service_table.c - the one table of system services: number, name, argument
 * count and routine. Numbers and argument counts are those of Windows 10
 * version 1607 (build 14393) x64's ntdll stubs.
 */
#include <string.h>

#include "system/service_table.h"

#define SVC(n, name, argc, fn) { n, #name, argc, fn }

const sys_service sys_services[] = {
    SVC(0x004, NtWaitForSingleObject, 3, sys_svc_wait_for_single_object),
    SVC(0x006, NtReadFile, 9, sys_svc_read_file),
    SVC(0x007, NtDeviceIoControlFile, 10, sys_svc_device_io_control_file),
    SVC(0x008, NtWriteFile, 9, sys_svc_write_file),
    SVC(0x00D, NtSetInformationThread, 4, sys_svc_set_information_thread),
    SVC(0x00F, NtClose, 1, sys_svc_close),
    SVC(0x018, NtAllocateVirtualMemory, 6, sys_svc_allocate_virtual_memory),
    SVC(0x019, NtQueryInformationProcess, 5, sys_svc_query_information_process),
    SVC(0x01E, NtFreeVirtualMemory, 4, sys_svc_free_virtual_memory),
    SVC(0x023, NtQueryVirtualMemory, 6, sys_svc_query_virtual_memory),
    SVC(0x026, NtOpenProcess, 4, sys_svc_open_process),
    SVC(0x02C, NtTerminateProcess, 2, sys_svc_terminate_process),
    SVC(0x034, NtDelayExecution, 2, sys_svc_delay_execution),
    SVC(0x036, NtQuerySystemInformation, 4, sys_svc_query_system_information),
    SVC(0x03C, NtDuplicateObject, 7, sys_svc_duplicate_object),
    SVC(0x050, NtProtectVirtualMemory, 5, sys_svc_protect_virtual_memory),
    SVC(0x052, NtResumeThread, 2, sys_svc_resume_thread),
    SVC(0x053, NtTerminateThread, 2, sys_svc_terminate_thread),
    SVC(0x055, NtCreateFile, 11, sys_svc_create_file),
    SVC(0x0B6, NtCreateThreadEx, 11, sys_svc_create_thread_ex),
    SVC(0x11F, NtOpenThread, 4, sys_svc_open_thread),
    SVC(0x1A9, NtSuspendThread, 2, sys_svc_suspend_thread),
};
#undef SVC

const ULONG sys_service_count = sizeof sys_services / sizeof sys_services[0];

const sys_service *sys_service_at(ULONG index)
{
    /* Binary search: the table above is sorted by number. */
    ULONG lo = 0, hi = sys_service_count;
    while (lo < hi) {
        ULONG mid = (lo + hi) / 2;
        if (sys_services[mid].number < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < sys_service_count && sys_services[lo].number == index ? &sys_services[lo] : NULL;
}

NTSTATUS ntsim_service_number(const char *name, ULONG *number)
{
    for (ULONG i = 0; i < sys_service_count; i++) {
        if (strcmp(sys_services[i].name, name) == 0) {
            *number = sys_services[i].number;
            return STATUS_SUCCESS;
        }
    }
    return STATUS_NOT_FOUND;
}

ULONG ntsim_service_limit(void)
{
    return NTSIM_SERVICE_LIMIT;
}
