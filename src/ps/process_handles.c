/*
 * process_handles.c - handles between processes: NtDuplicateObject's body
 * (the processes named by handle, the tables' work done by ob) and the
 * listing of a process's handles.
 */
#include "ob/handles.h"
#include "ps/ps.h"

/* The source handle, one of the source process's: its pseudo-handles name the source itself and the caller's thread. */
static NTSTATUS reference_source(ntsim_system *sys, ps_process *src, HANDLE handle, ob_header **object,
                                 ACCESS_MASK *access)
{
    if (handle == NtCurrentProcess()) {
        *object = &src->header;
        *access = PROCESS_ALL_ACCESS;
        ob_reference(*object);
        return STATUS_SUCCESS;
    }
    if (handle == NtCurrentThread())
        return ob_reference_by_handle(sys, handle, 0, NULL, object, access);
    ULONG value;
    ob_handle_entry *e = ob_handle_value(handle, &value) ? ob_handle_lookup(&src->handles, value) : NULL;
    if (!e)
        return STATUS_INVALID_HANDLE;
    *object = e->object;
    *access = e->access;
    ob_reference(*object);
    return STATUS_SUCCESS;
}

/*
 * A duplicate asking for rights its source lacks is checked as an open of
 * the object would be (processes and threads: their descriptors, by the
 * caller's token); the same rights or fewer need no check. Other objects
 * keep the rights their type allows.
 */
static NTSTATUS duplicate_access(ntsim_system *sys, ob_header *object, ACCESS_MASK source, ACCESS_MASK desired,
                                 ACCESS_MASK *access)
{
    const ob_type *type = object->type;
    ACCESS_MASK want = ob_map_access(type, desired & ~MAXIMUM_ALLOWED) & (se_valid_access(type) | ACCESS_SYSTEM_SECURITY);
    if (desired & 0x0CE00000u)
        return STATUS_ACCESS_DENIED; /* bits no handle can hold (0x0CE00000): refused before any check */
    bool more = (want & ~source) || (desired & MAXIMUM_ALLOWED);
    if (more && (type == &ps_process_type || type == &ps_thread_type))
        return ps_grant_access(sys, object, desired, access);
    *access = ob_map_access(type, desired);
    return STATUS_SUCCESS;
}

NTSTATUS ps_duplicate_object(ntsim_system *sys, HANDLE SourceProcessHandle, HANDLE SourceHandle,
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
    status = reference_source(sys, src, SourceHandle, &object, &src_access);
    if (NT_SUCCESS(status) && TargetProcessHandle)
        status = ob_reference_by_handle(sys, TargetProcessHandle, PROCESS_DUP_HANDLE, &ps_process_type, &dst_po, NULL);
    if (NT_SUCCESS(status) && dst_po) {
        ps_process *dst = (ps_process *)dst_po;
        ACCESS_MASK access = src_access;
        if (dst->exited)
            status = STATUS_PROCESS_IS_TERMINATING;
        else if (!(Options & DUPLICATE_SAME_ACCESS))
            status = duplicate_access(sys, object, src_access, DesiredAccess, &access);
        if (!NT_SUCCESS(status)) {
            /* refused: nothing inserted */
        } else if (access & ~ob_access_limit(object) && dst_po != object) {
            status = STATUS_ACCESS_DENIED; /* duplication re-checks access as an open would */
        } else {
            ULONG value;
            status = ob_insert_handle(&dst->handles, object, access, &value);
            if (NT_SUCCESS(status) && TargetHandle)
                *TargetHandle = (HANDLE)(uintptr_t)value;
        }
    }
    if (object)
        ob_dereference(sys, object);
    /* DUPLICATE_CLOSE_SOURCE closes the source whatever the outcome. */
    ULONG source_value;
    if ((Options & DUPLICATE_CLOSE_SOURCE) && SourceHandle != NtCurrentProcess() && SourceHandle != NtCurrentThread() &&
        ob_handle_value(SourceHandle, &source_value))
        ob_close_handle(sys, &src->handles, source_value);
    if (dst_po)
        ob_dereference(sys, dst_po);
    ob_dereference(sys, src_po);
    return status;
}

static void describe(const ob_handle_entry *e, ULONG handle, NTSIM_HANDLE_INFO *info, char *name, size_t size)
{
    const ob_header *o = e->object;
    *info = (NTSIM_HANDLE_INFO){ .handle = handle, .access = e->access, .type_name = o->type->name,
                                 .type_index = o->type->index };
    if (size)
        name[0] = '\0';
    o->type->describe(o, info, name, size);
}

NTSTATUS ntsim_walk_handles(ntsim_system *sys, ULONG pid, ntsim_handle_cb cb, void *context)
{
    ps_process *p = ps_lookup_process(sys, pid);
    if (!p)
        return STATUS_INVALID_CID;
    for (ULONG h = ob_handle_next(&p->handles, 0); h != 0; h = ob_handle_next(&p->handles, h)) {
        NTSIM_HANDLE_INFO info;
        char name[128];
        describe(ob_handle_lookup(&p->handles, h), h, &info, name, sizeof name);
        if (!cb(context, &info))
            break;
    }
    return STATUS_SUCCESS;
}

NTSTATUS ntsim_query_handle(ntsim_system *sys, ULONG pid, ULONG handle, NTSIM_HANDLE_INFO *info, char *name,
                            size_t name_size)
{
    ps_process *p = ps_lookup_process(sys, pid);
    if (!p)
        return STATUS_INVALID_CID;
    ob_handle_entry *e = ob_handle_lookup(&p->handles, handle);
    if (!e)
        return STATUS_INVALID_HANDLE;
    char none[1];
    bool named = name && name_size;
    describe(e, handle & ~3u, info, named ? name : none, named ? name_size : sizeof none);
    if (!named)
        info->object_name = NULL; /* no room was given for it */
    return STATUS_SUCCESS;
}
