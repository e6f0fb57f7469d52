/*
 * handles.c - inserting, closing, duplicating and resolving handles, and the
 * body of NtClose.
 */
#include "ob/handles.h"

/*
 * Kernel handles (OBJ_KERNEL_HANDLE) live in the System process's table and
 * have the sign bit of a 32-bit value set, as on x64 Windows; only
 * kernel-mode callers may use them. Any other handle is the caller's.
 */
#define KERNEL_HANDLE_BIT 0x80000000u

bool ob_handle_value(HANDLE handle, ULONG *value)
{
    uint64_t v = (uint64_t)(uintptr_t)handle;
    if (v > 0xFFFFFFFFu)
        return false;
    *value = (ULONG)v;
    return true;
}

bool ob_handle_table_of(ntsim_system *sys, HANDLE handle, ob_handle_table **table, ULONG *value)
{
    ob_system *ob = ob_state(sys);
    uint64_t v = (uint64_t)(uintptr_t)handle;
    if ((v & KERNEL_HANDLE_BIT) && (v >> 32) == 0xFFFFFFFFu) {
        if (!ob->caller->kernel_mode(sys))
            return false;
        *table = ob->kernel_table;
        *value = (ULONG)(v & 0x7FFFFFFFu);
        return true;
    }
    if (!ob_handle_value(handle, value))
        return false;
    *table = ob->caller->table(sys);
    return true;
}

HANDLE ob_kernel_handle(ULONG value)
{
    return (HANDLE)(uintptr_t)(0xFFFFFFFF00000000ull | KERNEL_HANDLE_BIT | value);
}

NTSTATUS ob_insert_handle(ob_handle_table *table, ob_header *object, ACCESS_MASK access, ULONG *handle)
{
    ULONG value = ob_handle_create(table, object, access);
    if (value == 0)
        return STATUS_INSUFFICIENT_RESOURCES;
    ob_reference(object);
    object->handle_count++;
    *handle = value;
    return STATUS_SUCCESS;
}

NTSTATUS ob_close_handle(ntsim_system *sys, ob_handle_table *table, ULONG handle)
{
    ob_handle_entry *e = ob_handle_lookup(table, handle);
    if (!e)
        return STATUS_INVALID_HANDLE;
    ob_header *object = e->object;
    ob_handle_destroy(table, handle);
    object->handle_count--;
    if (object->type->close_procedure)
        object->type->close_procedure(sys, object, (uint32_t)object->handle_count);
    ob_dereference(sys, object);
    return STATUS_SUCCESS;
}

void ob_close_all_handles(ntsim_system *sys, ob_handle_table *table)
{
    for (ULONG h = ob_handle_next(table, 0); h != 0; h = ob_handle_next(table, h))
        ob_close_handle(sys, table, h);
}

NTSTATUS ob_reference_by_handle(ntsim_system *sys, HANDLE handle, ACCESS_MASK desired, const ob_type *type,
                                ob_header **object, ACCESS_MASK *granted)
{
    ob_header *o;
    ACCESS_MASK access;
    *object = NULL;
    if (handle == NtCurrentProcess() || handle == NtCurrentThread()) {
        /* Pseudo-handles carry every right on the caller itself. */
        const ob_caller_ops *caller = ob_state(sys)->caller;
        o = handle == NtCurrentProcess() ? caller->process(sys) : caller->thread(sys);
        if (!o)
            return STATUS_INVALID_HANDLE;
        access = o->type->mapping.all;
    } else {
        ob_handle_table *table;
        ULONG value;
        if (!ob_handle_table_of(sys, handle, &table, &value))
            return STATUS_INVALID_HANDLE;
        ob_handle_entry *e = ob_handle_lookup(table, value);
        if (!e)
            return STATUS_INVALID_HANDLE;
        o = e->object;
        access = e->access;
    }
    if (type && o->type != type)
        return STATUS_OBJECT_TYPE_MISMATCH;
    if ((access & desired) != desired)
        return STATUS_ACCESS_DENIED;
    ob_reference(o);
    *object = o;
    if (granted)
        *granted = access;
    return STATUS_SUCCESS;
}

NTSTATUS ob_close(ntsim_system *sys, HANDLE Handle)
{
    /* Closing a pseudo-handle is a harmless no-op on Windows. */
    if (Handle == NtCurrentProcess() || Handle == NtCurrentThread())
        return STATUS_SUCCESS;
    ob_handle_table *table;
    ULONG value;
    if (!ob_handle_table_of(sys, Handle, &table, &value))
        return STATUS_INVALID_HANDLE;
    return ob_close_handle(sys, table, value);
}

ACCESS_MASK ob_access_limit(const ob_header *object)
{
    return object->type->access_limit ? object->type->access_limit(object) : ~(ACCESS_MASK)0;
}
