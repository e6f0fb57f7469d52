/*
 * ob.h - handles: open processes and threads, duplicate, close, list.
 *
 * Each process has its own handle table; values are multiples of 4 from 4,
 * and a closed value is the next one handed out. The access granted at open
 * is checked when a handle is used (STATUS_ACCESS_DENIED). All calls run in
 * the current thread's process (ntsim_set_current_thread).
 */
#ifndef NTSIM_OB_H
#define NTSIM_OB_H

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/* NtOpenProcess / NtOpenThread without OBJECT_ATTRIBUTES (ntsim has no names to open by). */
NTSTATUS NtOpenProcess(ntsim_system *system, HANDLE *ProcessHandle, ACCESS_MASK DesiredAccess, const CLIENT_ID *ClientId);
NTSTATUS NtOpenThread(ntsim_system *system, HANDLE *ThreadHandle, ACCESS_MASK DesiredAccess, const CLIENT_ID *ClientId);

NTSTATUS NtClose(ntsim_system *system, HANDLE Handle);

/*
 * Copies SourceHandle of the source process into the target process. The
 * process handles need PROCESS_DUP_HANDLE. DUPLICATE_SAME_ACCESS keeps the
 * source's access; DUPLICATE_CLOSE_SOURCE closes the source handle.
 */
NTSTATUS NtDuplicateObject(ntsim_system *system, HANDLE SourceProcessHandle, HANDLE SourceHandle,
                           HANDLE TargetProcessHandle, HANDLE *TargetHandle, ACCESS_MASK DesiredAccess,
                           ULONG HandleAttributes, ULONG Options);

typedef enum ntsim_object_type {
    NTSIM_OBJECT_PROCESS, NTSIM_OBJECT_THREAD, NTSIM_OBJECT_FILE, NTSIM_OBJECT_EVENT, NTSIM_OBJECT_TOKEN, NTSIM_OBJECT_SECTION
} ntsim_object_type;

typedef struct NTSIM_HANDLE_INFO {
    ULONG handle;
    ntsim_object_type type;
    UCHAR type_index;      /* ObjectTypeIndex: 5 Token, 7 Process, 8 Thread, 16 Event, 37 File (Windows 10) */
    const char *type_name; /* "Process", "Thread", "Event", "File", "Token" */
    ULONG object_id;       /* the PID or TID of the object (0 for a file) */
    const char *object_name; /* a file's device name, "" for an event (valid during the callback) */
    uint64_t object_sequence;
    ACCESS_MASK access;
} NTSIM_HANDLE_INFO;

/* The handles of a process, by ascending value; return false to stop. */
typedef bool (*ntsim_handle_cb)(void *context, const NTSIM_HANDLE_INFO *info);
NTSTATUS ntsim_walk_handles(ntsim_system *system, ULONG pid, ntsim_handle_cb cb, void *context);

/* One handle of a process by its value, in O(1): STATUS_INVALID_CID for no
   such process, STATUS_INVALID_HANDLE for no such handle. A file's device
   name goes to name (name_size bytes, NUL-terminated) and object_name points
   at it. */
NTSTATUS ntsim_query_handle(ntsim_system *system, ULONG pid, ULONG handle, NTSIM_HANDLE_INFO *info, char *name,
                            size_t name_size);


#ifdef __cplusplus
}
#endif
#endif
