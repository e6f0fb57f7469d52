/*
 * service_table.h - the native service table (KiServiceTable): routine and
 * argument count by service number, as Windows 10 1607 x64 numbers them.
 */
#ifndef NTSIM_KE_SERVICE_TABLE_H
#define NTSIM_KE_SERVICE_TABLE_H

#include "ntsim/services.h"

#define NTSIM_SERVICE_LIMIT 453 /* build 14393's 450 entries, and 1803's 0x1C4 */
#define NTSIM_MAX_SERVICE_ARGUMENTS 16

typedef struct sys_service {
    ULONG number;
    const char *name;
    UCHAR argc;
    NTSIM_SERVICE_ROUTINE routine;
} sys_service;

/* The services ntsim implements, by ascending number. */
extern const sys_service sys_services[];
extern const ULONG sys_service_count;

/* The entry for a table index, or NULL for a slot ntsim leaves empty. */
const sys_service *sys_service_at(ULONG index);

/* The service routines (src/system/services_*.c). */
NTSTATUS sys_svc_wait_for_single_object(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_open_process_token(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_open_process_token_ex(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_query_information_token(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_adjust_privileges_token(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_read_file(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_device_io_control_file(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_write_file(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_set_information_thread(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_close(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_allocate_virtual_memory(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_query_information_process(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_free_virtual_memory(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_query_virtual_memory(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_open_process(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_terminate_process(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_delay_execution(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_query_system_information(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_write_virtual_memory(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_duplicate_object(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_read_virtual_memory(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_protect_virtual_memory(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_resume_thread(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_terminate_thread(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_create_thread_ex(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_open_thread(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_suspend_thread(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_create_file(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_open_file(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_query_information_thread(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_wait_for_multiple_objects(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_create_event(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_set_event(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_reset_event(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_clear_event(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_create_section(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_map_view_of_section(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_map_view_of_section_ex(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_unmap_view_of_section(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_unmap_view_of_section_ex(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_extend_section(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_query_section(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_allocate_virtual_memory_ex(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_get_write_watch(ntsim_system *, const ULONG64 *);
NTSTATUS sys_svc_reset_write_watch(ntsim_system *, const ULONG64 *);

#endif
