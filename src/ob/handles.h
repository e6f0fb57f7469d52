/*
 * handles.h - handles in a handle table: insert, close, reference an object
 * through a handle with a type and access check (ObReferenceObjectByHandle).
 * ob knows a process only as its handle table; which table is the caller's
 * it learns from the caller ops ps registers (ob_system).
 */
#ifndef NTSIM_OB_HANDLES_H
#define NTSIM_OB_HANDLES_H

#include "ob/object.h"

/* Inserts a handle to object into a table, taking a handle and a pointer reference. */
NTSTATUS ob_insert_handle(ob_handle_table *table, ob_header *object, ACCESS_MASK access, ULONG *handle);

/* Closes a handle of a table; STATUS_INVALID_HANDLE if it names nothing. */
NTSTATUS ob_close_handle(ntsim_system *sys, ob_handle_table *table, ULONG handle);

/* Closes every handle of a table (process exit: ObKillProcess). */
void ob_close_all_handles(ntsim_system *sys, ob_handle_table *table);

/*
 * The table a handle value of the caller's belongs to and its index there:
 * a kernel handle is System's (kernel-mode callers only), any other the
 * current process's. False for a value no table can hold (the one check
 * every service makes: a handle is 32 bits, sign-extended for kernel ones).
 */
bool ob_handle_table_of(ntsim_system *sys, HANDLE handle, ob_handle_table **table, ULONG *value);

/* A value for a handle of a given (process's) table: false if it cannot be one. */
bool ob_handle_value(HANDLE handle, ULONG *value);

/*
 * Resolves a handle of the current process (or a pseudo-handle) to a
 * referenced object of the expected type (NULL = any) having every right in
 * desired. STATUS_INVALID_HANDLE, STATUS_OBJECT_TYPE_MISMATCH or
 * STATUS_ACCESS_DENIED otherwise. The caller dereferences.
 */
NTSTATUS ob_reference_by_handle(ntsim_system *sys, HANDLE handle, ACCESS_MASK desired, const ob_type *type,
                                ob_header **object, ACCESS_MASK *granted);

/* NtClose's body: closes a handle of the caller's; pseudo-handles are a no-op. */
NTSTATUS ob_close(ntsim_system *sys, HANDLE Handle);

/* A kernel handle's value for a System-table entry (OBJ_KERNEL_HANDLE). */
HANDLE ob_kernel_handle(ULONG value);

/* The most a new handle to object may grant (its type's limit, if any). */
ACCESS_MASK ob_access_limit(const ob_header *object);

#endif
