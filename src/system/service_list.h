/*
 * service_list.h - the one list of the native services ntsim implements:
 * number, name, argument count and routine, as Windows 10 version 1607
 * (build 14393) x64's ntdll stubs number them; NtAllocateVirtualMemoryEx,
 * NtMapViewOfSectionEx and NtUnmapViewOfSectionEx, which 1607 lacks, take
 * Windows 10 1803's numbers (tinysec/windows-syscall-table, 10.0.17134
 * amd64: 0x74, 7 arguments, 1607's NtAlpcCancelMessage; 0x10D, 9 arguments,
 * 1607's NtOpenEnlistment; 0x1C4, 3 arguments, past 1607's last service
 * 0x1C1; ntsim implements neither of those 1607 services). The service table, the
 * ntdll stubs and the `syscall` command all take theirs from here.
 *
 * X(number, name, argument count, routine), by ascending number.
 */
#ifndef NTSIM_SYSTEM_SERVICE_LIST_H
#define NTSIM_SYSTEM_SERVICE_LIST_H

#define SYS_SERVICES(X)                                                                  \
    X(0x004, NtWaitForSingleObject, 3, sys_svc_wait_for_single_object)                   \
    X(0x006, NtReadFile, 9, sys_svc_read_file)                                           \
    X(0x007, NtDeviceIoControlFile, 10, sys_svc_device_io_control_file)                  \
    X(0x008, NtWriteFile, 9, sys_svc_write_file)                                         \
    X(0x00D, NtSetInformationThread, 4, sys_svc_set_information_thread)                  \
    X(0x00E, NtSetEvent, 2, sys_svc_set_event)                                           \
    X(0x00F, NtClose, 1, sys_svc_close)                                                  \
    X(0x018, NtAllocateVirtualMemory, 6, sys_svc_allocate_virtual_memory)                \
    X(0x019, NtQueryInformationProcess, 5, sys_svc_query_information_process)            \
    X(0x01E, NtFreeVirtualMemory, 4, sys_svc_free_virtual_memory)                        \
    X(0x021, NtQueryInformationToken, 5, sys_svc_query_information_token)                \
    X(0x023, NtQueryVirtualMemory, 6, sys_svc_query_virtual_memory)                      \
    X(0x025, NtQueryInformationThread, 5, sys_svc_query_information_thread)              \
    X(0x026, NtOpenProcess, 4, sys_svc_open_process)                                     \
    X(0x028, NtMapViewOfSection, 10, sys_svc_map_view_of_section)                        \
    X(0x02A, NtUnmapViewOfSection, 2, sys_svc_unmap_view_of_section)                     \
    X(0x02C, NtTerminateProcess, 2, sys_svc_terminate_process)                           \
    X(0x030, NtOpenProcessTokenEx, 4, sys_svc_open_process_token_ex)                     \
    X(0x033, NtOpenFile, 6, sys_svc_open_file)                                           \
    X(0x034, NtDelayExecution, 2, sys_svc_delay_execution)                               \
    X(0x036, NtQuerySystemInformation, 4, sys_svc_query_system_information)              \
    X(0x03A, NtWriteVirtualMemory, 5, sys_svc_write_virtual_memory)                      \
    X(0x03C, NtDuplicateObject, 7, sys_svc_duplicate_object)                             \
    X(0x03E, NtClearEvent, 1, sys_svc_clear_event)                                       \
    X(0x03F, NtReadVirtualMemory, 5, sys_svc_read_virtual_memory)                        \
    X(0x041, NtAdjustPrivilegesToken, 6, sys_svc_adjust_privileges_token)                \
    X(0x048, NtCreateEvent, 5, sys_svc_create_event)                                     \
    X(0x04A, NtCreateSection, 7, sys_svc_create_section)                                 \
    X(0x050, NtProtectVirtualMemory, 5, sys_svc_protect_virtual_memory)                  \
    X(0x051, NtQuerySection, 5, sys_svc_query_section)                                   \
    X(0x052, NtResumeThread, 2, sys_svc_resume_thread)                                   \
    X(0x053, NtTerminateThread, 2, sys_svc_terminate_thread)                             \
    X(0x055, NtCreateFile, 11, sys_svc_create_file)                                      \
    X(0x05B, NtWaitForMultipleObjects, 5, sys_svc_wait_for_multiple_objects)             \
    X(0x074, NtAllocateVirtualMemoryEx, 7, sys_svc_allocate_virtual_memory_ex)           \
    X(0x0B6, NtCreateThreadEx, 11, sys_svc_create_thread_ex)                             \
    X(0x0D6, NtExtendSection, 2, sys_svc_extend_section)                                 \
    X(0x0EF, NtGetWriteWatch, 7, sys_svc_get_write_watch)                                \
    X(0x10D, NtMapViewOfSectionEx, 9, sys_svc_map_view_of_section_ex)                    \
    X(0x119, NtOpenProcessToken, 3, sys_svc_open_process_token)                          \
    X(0x11F, NtOpenThread, 4, sys_svc_open_thread)                                       \
    X(0x165, NtResetEvent, 2, sys_svc_reset_event)                                       \
    X(0x166, NtResetWriteWatch, 3, sys_svc_reset_write_watch)                            \
    X(0x1A9, NtSuspendThread, 2, sys_svc_suspend_thread)                                 \
    X(0x1C4, NtUnmapViewOfSectionEx, 3, sys_svc_unmap_view_of_section_ex)

/* Each service's number and argument count by name: SYS_NR(NtClose), SYS_ARGC(NtClose). */
#define SYS_SERVICE_ENUM_(number, name, argc, routine) SYS_NR_##name = number, SYS_ARGC_##name = argc,
enum { SYS_SERVICES(SYS_SERVICE_ENUM_) };
#undef SYS_SERVICE_ENUM_
#define SYS_NR(name) SYS_NR_##name
#define SYS_ARGC(name) SYS_ARGC_##name

#endif
