/*
 * service_table.c - the one table of system services: number, name, argument
 * count and routine. Numbers and argument counts are those of Windows 10
 * version 1607 (build 14393) x64's ntdll stubs.
 */
#include <string.h>

#include "system/service_table.h"

#define SVC(n, name, argc, fn) { n, #name, argc, fn }

const ke_service ke_services[] = {
    SVC(0x004, NtWaitForSingleObject, 3, ke_svc_wait_for_single_object),
    SVC(0x006, NtReadFile, 9, ke_svc_read_file),
    SVC(0x007, NtDeviceIoControlFile, 10, ke_svc_device_io_control_file),
    SVC(0x008, NtWriteFile, 9, ke_svc_write_file),
    SVC(0x00D, NtSetInformationThread, 4, ke_svc_set_information_thread),
    SVC(0x00F, NtClose, 1, ke_svc_close),
    SVC(0x018, NtAllocateVirtualMemory, 6, ke_svc_allocate_virtual_memory),
    SVC(0x019, NtQueryInformationProcess, 5, ke_svc_query_information_process),
    SVC(0x01E, NtFreeVirtualMemory, 4, ke_svc_free_virtual_memory),
    SVC(0x023, NtQueryVirtualMemory, 6, ke_svc_query_virtual_memory),
    SVC(0x026, NtOpenProcess, 4, ke_svc_open_process),
    SVC(0x02C, NtTerminateProcess, 2, ke_svc_terminate_process),
    SVC(0x034, NtDelayExecution, 2, ke_svc_delay_execution),
    SVC(0x036, NtQuerySystemInformation, 4, ke_svc_query_system_information),
    SVC(0x03C, NtDuplicateObject, 7, ke_svc_duplicate_object),
    SVC(0x050, NtProtectVirtualMemory, 5, ke_svc_protect_virtual_memory),
    SVC(0x052, NtResumeThread, 2, ke_svc_resume_thread),
    SVC(0x053, NtTerminateThread, 2, ke_svc_terminate_thread),
    SVC(0x055, NtCreateFile, 11, ke_svc_create_file),
    SVC(0x0B6, NtCreateThreadEx, 11, ke_svc_create_thread_ex),
    SVC(0x11F, NtOpenThread, 4, ke_svc_open_thread),
    SVC(0x1A9, NtSuspendThread, 2, ke_svc_suspend_thread),
};
#undef SVC

const ULONG ke_service_count = sizeof ke_services / sizeof ke_services[0];

const ke_service *ke_service_at(ULONG index)
{
    /* Binary search: the table above is sorted by number. */
    ULONG lo = 0, hi = ke_service_count;
    while (lo < hi) {
        ULONG mid = (lo + hi) / 2;
        if (ke_services[mid].number < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ke_service_count && ke_services[lo].number == index ? &ke_services[lo] : NULL;
}

NTSTATUS ntsim_service_number(const char *name, ULONG *number)
{
    for (ULONG i = 0; i < ke_service_count; i++) {
        if (strcmp(ke_services[i].name, name) == 0) {
            *number = ke_services[i].number;
            return STATUS_SUCCESS;
        }
    }
    return STATUS_NOT_FOUND;
}

ULONG ntsim_service_limit(void)
{
    return KE_SERVICE_LIMIT;
}
