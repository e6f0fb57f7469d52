/*
 * handles.c - inserting, closing, duplicating and resolving handles, and the
 * calls that do it: NtClose, NtDuplicateObject.
 */
#include "ob/handles.h"
#include "system/service_bodies.h"
#include "ntsim/ob.h"
#include "io/io.h"
#include "system/system.h"
#include "ps/ps.h"

static ULONG handle_value(HANDLE h)
{
    return (ULONG)(uintptr_t)h;
}

/*
 * Kernel handles (OBJ_KERNEL_HANDLE) live in the System process's table and
 * have the sign bit of a 32-bit value set, as on x64 Windows; only
 * kernel-mode callers may use them. Any other handle is the caller's.
 */
#define KERNEL_HANDLE_BIT 0x80000000u

static bool handle_table_of(ntsim_system *sys, HANDLE handle, ps_process **owner, ULONG *value)
{
    uint64_t v = (uint64_t)(uintptr_t)handle;
    if ((v & KERNEL_HANDLE_BIT) && (v >> 32) == 0xFFFFFFFFu) {
        bool kernel = !sys->current_thread || sys->current_thread->tcb.previous_mode == KernelMode;
        if (!kernel)
            return false;
        *owner = sys->system_process;
        *value = (ULONG)(v & 0x7FFFFFFFu);
        return true;
    }
    if (v > 0xFFFFFFFFu)
        return false;
    *owner = ob_current_process(sys);
    *value = (ULONG)v;
    return true;
}

HANDLE ob_kernel_handle(ULONG value)
{
    return (HANDLE)(uintptr_t)(0xFFFFFFFF00000000ull | KERNEL_HANDLE_BIT | value);
}

ps_process *ob_current_process(ntsim_system *sys)
{
    return sys->current_thread ? sys->current_thread->process : sys->system_process;
}

NTSTATUS ob_insert_handle(ps_process *p, ob_header *object, ACCESS_MASK access, ULONG *handle)
{
    ULONG value = ob_handle_create(&p->handles, object, access);
    if (value == 0)
        return STATUS_INSUFFICIENT_RESOURCES;
    ob_reference(object);
    object->handle_count++;
    *handle = value;
    return STATUS_SUCCESS;
}

NTSTATUS ob_close_handle(ntsim_system *sys, ps_process *p, ULONG handle)
{
    ob_handle_entry *e = ob_handle_lookup(&p->handles, handle);
    if (!e)
        return STATUS_INVALID_HANDLE;
    ob_header *object = e->object;
    ob_handle_destroy(&p->handles, handle);
    object->handle_count--;
    if (object->type->close_procedure)
        object->type->close_procedure(sys, object, (uint32_t)object->handle_count);
    ob_dereference(sys, object);
    return STATUS_SUCCESS;
}

void ob_close_all_handles(ntsim_system *sys, ps_process *p)
{
    for (ULONG h = ob_handle_next(&p->handles, 0); h != 0; h = ob_handle_next(&p->handles, h))
        ob_close_handle(sys, p, h);
}

NTSTATUS ob_reference_by_handle(ntsim_system *sys, HANDLE handle, ACCESS_MASK desired, const ob_type *type,
                                ob_header **object, ACCESS_MASK *granted)
{
    ob_header *o;
    ACCESS_MASK access;
    *object = NULL;
    if (handle == NtCurrentProcess() || handle == NtCurrentThread()) {
        /* Pseudo-handles carry every right on the caller itself. */
        if (handle == NtCurrentProcess())
            o = &ob_current_process(sys)->header;
        else if (sys->current_thread)
            o = &sys->current_thread->header;
        else
            return STATUS_INVALID_HANDLE;
        access = o->type->mapping.all;
    } else {
        ps_process *table_owner;
        ULONG value;
        if (!handle_table_of(sys, handle, &table_owner, &value))
            return STATUS_INVALID_HANDLE;
        ob_handle_entry *e = ob_handle_lookup(&table_owner->handles, value);
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
    ps_process *owner;
    ULONG value;
    if (!handle_table_of(sys, Handle, &owner, &value))
        return STATUS_INVALID_HANDLE;
    return ob_close_handle(sys, owner, value);
}

/* The protected System process: others get at most limited rights, by open or by duplication. */
static ACCESS_MASK protected_limit(ob_header *object)
{
    if (object->type != &ps_process_type && object->type != &ps_thread_type)
        return ~(ACCESS_MASK)0;
    ps_process *owner = object->type == &ps_process_type ? (ps_process *)object : ((ps_thread *)object)->process;
    if (!owner->permanent)
        return ~(ACCESS_MASK)0;
    return object->type == &ps_process_type ? PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE
                                            : THREAD_QUERY_LIMITED_INFORMATION | SYNCHRONIZE;
}

NTSTATUS ob_duplicate_object(ntsim_system *sys, HANDLE SourceProcessHandle, HANDLE SourceHandle,
                             HANDLE TargetProcessHandle, HANDLE *TargetHandle, ACCESS_MASK DesiredAccess,
                             ULONG HandleAttributes, ULONG Options)
{
    ob_header *src_po, *dst_po = NULL, *object = NULL;
    ACCESS_MASK src_access = 0;
    NTSTATUS status;
    (void)HandleAttributes;
    if (TargetHandle)
        *TargetHandle = NULL;
    if (Options & ~(DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS))
        return STATUS_INVALID_PARAMETER;
    status = ob_reference_by_handle(sys, SourceProcessHandle, PROCESS_DUP_HANDLE, &ps_process_type, &src_po, NULL);
    if (!NT_SUCCESS(status))
        return status;
    ps_process *src = (ps_process *)src_po;
    /* The source handle is one of the source process's: its pseudo-handles name it. */
    if (SourceHandle == NtCurrentProcess()) {
        object = &src->header;
        src_access = PROCESS_ALL_ACCESS;
        ob_reference(object);
    } else if (SourceHandle == NtCurrentThread()) {
        status = ob_reference_by_handle(sys, SourceHandle, 0, NULL, &object, &src_access);
    } else {
        ob_handle_entry *e = ob_handle_lookup(&src->handles, handle_value(SourceHandle));
        if (e) {
            object = e->object;
            src_access = e->access;
            ob_reference(object);
        } else {
            status = STATUS_INVALID_HANDLE;
        }
    }
    if (NT_SUCCESS(status) && TargetProcessHandle)
        status = ob_reference_by_handle(sys, TargetProcessHandle, PROCESS_DUP_HANDLE, &ps_process_type, &dst_po, NULL);
    if (NT_SUCCESS(status) && dst_po) {
        ACCESS_MASK access = (Options & DUPLICATE_SAME_ACCESS) ? src_access : ob_map_access(object->type, DesiredAccess);
        if (((ps_process *)dst_po)->exited) {
            status = STATUS_PROCESS_IS_TERMINATING;
        } else if (access & ~protected_limit(object) && (ps_process *)dst_po != (ps_process *)object) {
            status = STATUS_ACCESS_DENIED; /* duplication re-checks access as an open would */
        } else {
            ULONG value;
            status = ob_insert_handle((ps_process *)dst_po, object, access, &value);
            if (NT_SUCCESS(status) && TargetHandle)
                *TargetHandle = (HANDLE)(uintptr_t)value;
        }
    }
    if (object)
        ob_dereference(sys, object);
    /* DUPLICATE_CLOSE_SOURCE closes the source whatever the outcome. */
    if ((Options & DUPLICATE_CLOSE_SOURCE) && SourceHandle != NtCurrentProcess() && SourceHandle != NtCurrentThread())
        ob_close_handle(sys, src, handle_value(SourceHandle));
    if (dst_po)
        ob_dereference(sys, dst_po);
    ob_dereference(sys, src_po);
    return status;
}

NTSTATUS ntsim_walk_handles(ntsim_system *sys, ULONG pid, ntsim_handle_cb cb, void *context)
{
    ps_process *p = ps_lookup_process(sys, pid);
    if (!p)
        return STATUS_INVALID_CID;
    for (ULONG h = ob_handle_next(&p->handles, 0); h != 0; h = ob_handle_next(&p->handles, h)) {
        ob_handle_entry *e = ob_handle_lookup(&p->handles, h);
        ob_header *o = e->object;
        NTSIM_HANDLE_INFO info = { .handle = h, .access = e->access, .type_name = o->type->name,
                                  .type_index = o->type->index };
        char device[128] = "";
        if (o->type == &ps_process_type) {
            info.type = NTSIM_OBJECT_PROCESS;
            info.object_id = ((ps_process *)o)->pid;
            info.object_sequence = ((ps_process *)o)->sequence;
        } else if (o->type == &io_file_type) {
            /* A file: named by its device, as handle tools show it. */
            io_file *f = (io_file *)o;
            info.type = NTSIM_OBJECT_FILE;
            if (f->object.DeviceObject) {
                const UNICODE_STRING *n = &f->object.DeviceObject->Name;
                size_t k = 0;
                for (; k < n->Length / 2 && k < sizeof device - 1; k++)
                    device[k] = n->Buffer[k] < 0x80 ? (char)n->Buffer[k] : '?';
                device[k] = '\0';
            }
            info.object_name = device;
        } else {
            info.type = NTSIM_OBJECT_THREAD;
            info.object_id = ((ps_thread *)o)->tid;
            info.object_sequence = ((ps_thread *)o)->sequence;
        }
        if (!cb(context, &info))
            break;
    }
    return STATUS_SUCCESS;
}
