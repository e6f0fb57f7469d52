/*
 * vm_calls.c - the native virtual-memory calls on a process handle: the
 * handle is resolved with its access checked, then the process's space does
 * the work. Their arguments were checked before (services_memory.c).
 */
#include <stdlib.h>
#include <string.h>

#include "system/system.h"
#include "system/user_buffer.h"
#include "mm/mm.h"
#include "mm/user_memory.h"
#include "ntsim/mm.h"
#include "ob/handles.h"
#include "ps/notify.h"
#include "ps/ps.h"
#include "rtl/alloc.h"

/* The space behind a process handle with the rights asked for, referenced. */
static NTSTATUS space_of(ntsim_system *sys, HANDLE h, ACCESS_MASK access, ps_process **p)
{
    ob_header *o;
    NTSTATUS s = ob_reference_by_handle(sys, h, access, &ps_process_type, &o, NULL);
    if (!NT_SUCCESS(s))
        return s;
    *p = (ps_process *)o;
    if ((*p)->exited) {
        ob_dereference(sys, o);
        return STATUS_PROCESS_IS_TERMINATING;
    }
    if (!(*p)->vm) {
        ob_dereference(sys, o);
        return STATUS_INVALID_PARAMETER; /* Idle and System have no user space */
    }
    return STATUS_SUCCESS;
}

NTSTATUS sys_allocate_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, ULONG_PTR ZeroBits,
                                 SIZE_T *RegionSize, ULONG AllocationType, ULONG Protect)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    s = mm_allocate(p->vm, BaseAddress, ZeroBits, RegionSize, AllocationType, Protect);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS sys_free_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, SIZE_T *RegionSize,
                             ULONG FreeType)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    s = mm_free(p->vm, BaseAddress, RegionSize, FreeType);
    if (NT_SUCCESS(s)) /* decommitted or released pages read as zeros again */
        mm_page_store_discard(p->pages, *BaseAddress, *RegionSize);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS sys_protect_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, SIZE_T *RegionSize,
                                ULONG NewProtect, ULONG *OldProtect, bool *reached)
{
    ps_process *p;
    *reached = false;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    *reached = true;
    s = mm_protect(p->vm, BaseAddress, RegionSize, NewProtect, OldProtect);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS sys_query_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, MEMORY_BASIC_INFORMATION *mbi)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_QUERY_INFORMATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    s = mm_query(p->vm, BaseAddress, mbi);
    ob_dereference(sys, &p->header);
    return s;
}

/*
 * MmCopyVirtualMemory between the process ProcessHandle names and the
 * caller's buffer, a page of the other process at a time through a kernel
 * bounce buffer. A fault on the other process's side ends the copy there:
 * STATUS_PARTIAL_COPY with the bytes before it (nothing there at all is a
 * partial copy of 0 bytes, ERROR_PARTIAL_COPY). A fault on the caller's side
 * is STATUS_ACCESS_VIOLATION with 0 bytes, as Windows reports it (Wine's
 * ReadProcessMemory tests). Either range outside user space: an access
 * violation before anything is copied.
 */
NTSTATUS sys_copy_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR address, ULONG64 buffer, SIZE_T length,
                     bool write, SIZE_T *copied)
{
    *copied = 0;
    if (!length)
        return STATUS_SUCCESS;
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, write ? PROCESS_VM_WRITE : PROCESS_VM_READ, &p);
    if (!NT_SUCCESS(s))
        return s;
    if (!NT_SUCCESS(mm_probe(p->vm, address, length, 1)) || !NT_SUCCESS(sys_probe_range(sys, buffer, length, 1))) {
        ob_dereference(sys, &p->header);
        return STATUS_ACCESS_VIOLATION;
    }
    unsigned char page[MM_PAGE_SIZE];
    SIZE_T done = 0;
    while (done < length) {
        SIZE_T n = MM_PAGE_SIZE - (address + done) % MM_PAGE_SIZE;
        if (n > length - done)
            n = length - done;
        NTSTATUS theirs = STATUS_SUCCESS, mine;
        if (write) {
            mine = sys_in(sys, buffer + done, page, n, 1);
            if (NT_SUCCESS(mine))
                theirs = mm_copy_to_user(p->vm, p->pages, address + done, page, n);
        } else {
            theirs = mm_copy_from_user(p->vm, p->pages, address + done, page, n);
            mine = NT_SUCCESS(theirs) ? sys_out(sys, buffer + done, page, n) : STATUS_SUCCESS;
        }
        if (!NT_SUCCESS(mine)) {
            s = mine == STATUS_NO_MEMORY ? mine : STATUS_ACCESS_VIOLATION;
            done = 0;
            break;
        }
        if (!NT_SUCCESS(theirs)) {
            s = theirs == STATUS_NO_MEMORY ? theirs : STATUS_PARTIAL_COPY;
            break;
        }
        done += n;
    }
    ob_dereference(sys, &p->header);
    *copied = done;
    return s;
}

NTSTATUS ntsim_touch_memory(ntsim_system *sys, ULONG_PTR address, ntsim_access access)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, NtCurrentProcess(), 0, &p);
    if (!NT_SUCCESS(s))
        return s;
    mm_access a = access == NTSIM_WRITE ? MM_WRITE : access == NTSIM_EXECUTE ? MM_EXECUTE : MM_READ;
    s = mm_touch(p->vm, address, a);
    ob_dereference(sys, &p->header);
    return s;
}

/* A copy between the host and the current process's memory, as its own code would make it. */
static NTSTATUS copy_user(ntsim_system *sys, ULONG_PTR address, void *in, const void *out, SIZE_T length)
{
    if (length && !in && !out)
        return STATUS_INVALID_PARAMETER;
    ps_process *p;
    NTSTATUS s = space_of(sys, NtCurrentProcess(), 0, &p);
    if (!NT_SUCCESS(s))
        return s;
    s = out ? mm_copy_to_user(p->vm, p->pages, address, out, length)
            : mm_copy_from_user(p->vm, p->pages, address, in, length);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS ntsim_read_memory(ntsim_system *sys, ULONG_PTR address, void *buffer, SIZE_T length)
{
    return copy_user(sys, address, buffer, NULL, length);
}

NTSTATUS ntsim_write_memory(ntsim_system *sys, ULONG_PTR address, const void *buffer, SIZE_T length)
{
    return copy_user(sys, address, NULL, buffer, length);
}

NTSTATUS ntsim_load_image(ntsim_system *sys, const char *path, SIZE_T size, ULONG_PTR *base)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, NtCurrentProcess(), 0, &p);
    if (!NT_SUCCESS(s))
        return s;
    const char *name = path;
    for (const char *c = path; *c; c++)
        if (*c == '\\' || *c == '/')
            name = c + 1;
    /* The names the notification needs first: once the image is mapped, nothing may fail. */
    ULONG_PTR at = 0;
    ps_unicode unicode;
    char *nt_path = ps_nt_path(path);
    s = nt_path ? ps_unicode_init(&unicode, nt_path) : STATUS_INSUFFICIENT_RESOURCES;
    if (NT_SUCCESS(s)) {
        s = mm_map_image(p->vm, &at, size ? size : 0x10000, name);
        if (NT_SUCCESS(s)) {
            SIZE_T mapped = size ? (size + 0xFFF) & ~(SIZE_T)0xFFF : 0x10000;
            ps_notify_image_load(sys, p->pid, nt_path, &unicode.string, at, mapped, ps_current_thread(sys));
            if (base)
                *base = at;
        }
        ps_unicode_free(&unicode);
    }
    rtl_free(nt_path);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS ntsim_walk_memory(ntsim_system *sys, ULONG pid, ntsim_region_cb cb, void *context)
{
    ps_process *p = ps_lookup_process(sys, pid);
    if (!p)
        return STATUS_INVALID_CID;
    if (!p->vm)
        return p->exited ? STATUS_PROCESS_IS_TERMINATING : STATUS_INVALID_PARAMETER;
    mm_walk(p->vm, (mm_region_cb)cb, context);
    return STATUS_SUCCESS;
}
