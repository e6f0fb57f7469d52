/*
 * handles.h - handles in a process's table: insert, close, reference an
 * object through a handle with a type and access check (ObReferenceObjectByHandle).
 */
#ifndef NTSIM_OB_HANDLES_H
#define NTSIM_OB_HANDLES_H

#include "ob/object.h"

typedef struct ps_process ps_process;

/* Inserts a handle to object into p's table, taking a handle and a pointer reference. */
NTSTATUS ob_insert_handle(ps_process *p, ob_header *object, ACCESS_MASK access, ULONG *handle);

/* Closes a handle of p's table; STATUS_INVALID_HANDLE if it names nothing. */
NTSTATUS ob_close_handle(ntsim_system *sys, ps_process *p, ULONG handle);

/* Closes every handle of p's table (process exit: ObKillProcess). */
void ob_close_all_handles(ntsim_system *sys, ps_process *p);

/*
 * Resolves a handle of the current process (or a pseudo-handle) to a
 * referenced object of the expected type (NULL = any) having every right in
 * desired. STATUS_INVALID_HANDLE, STATUS_OBJECT_TYPE_MISMATCH or
 * STATUS_ACCESS_DENIED otherwise. The caller dereferences.
 */
NTSTATUS ob_reference_by_handle(ntsim_system *sys, HANDLE handle, ACCESS_MASK desired, const ob_type *type,
                                ob_header **object, ACCESS_MASK *granted);

/* A kernel handle's value for a System-table entry (OBJ_KERNEL_HANDLE). */
HANDLE ob_kernel_handle(ULONG value);

/* The process the current thread belongs to. */
ps_process *ob_current_process(ntsim_system *sys);

#endif
