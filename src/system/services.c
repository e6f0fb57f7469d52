/*
 * services.c - the service routines of the table: each takes its arguments
 * as the dispatcher copied them, captures what user pointers point at
 * (probed when the previous mode is UserMode, trusted when KernelMode),
 * calls the kernel-side body, and writes the results back.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "system/service_table.h"
#include "system/system.h"
#include "mm/user_memory.h"
#include "ob/handles.h"
#include "ps/ps.h"
#include "io/io.h"
#include "ntsim/wdk.h"

/* ---- user buffers -------------------------------------------------------- */

static bool from_user(ntsim_system *sys)
{
    return ps_current_thread(sys) && ps_current_thread(sys)->tcb.previous_mode == UserMode;
}

/* Captures n bytes at ptr (ProbeForRead + copy, inside the service's try block). */
static NTSTATUS in(ntsim_system *sys, ULONG64 ptr, void *v, size_t n, ULONG align)
{
    if (!from_user(sys)) {
        if (!ptr)
            return STATUS_ACCESS_VIOLATION;
        memcpy(v, (const void *)(uintptr_t)ptr, n);
        return STATUS_SUCCESS;
    }
    ps_process *p = ps_current_process(sys);
    if (!p->vm)
        return STATUS_ACCESS_VIOLATION;
    NTSTATUS s = mm_probe(p->vm, ptr, n, align);
    if (NT_SUCCESS(s) && !ptr)
        s = STATUS_ACCESS_VIOLATION;
    return NT_SUCCESS(s) ? mm_copy_from_user(p->vm, p->pages, ptr, v, n) : s;
}

/* ProbeForWrite: range and alignment only, as Windows checks before the work. */
static NTSTATUS probe_out(ntsim_system *sys, ULONG64 ptr, size_t n, ULONG align)
{
    if (!from_user(sys))
        return STATUS_SUCCESS; /* kernel-mode callers are trusted: no probe */
    ps_process *p = ps_current_process(sys);
    if (!p->vm || (!ptr && n))
        return STATUS_ACCESS_VIOLATION;
    return mm_probe(p->vm, ptr, n, align);
}

/* Writes a result; a fault here is the service's exception: STATUS_ACCESS_VIOLATION. */
static NTSTATUS out(ntsim_system *sys, ULONG64 ptr, const void *v, size_t n)
{
    if (!from_user(sys)) {
        if (!ptr)
            return STATUS_ACCESS_VIOLATION; /* on Windows, a bug check */
        memcpy((void *)(uintptr_t)ptr, v, n);
        return STATUS_SUCCESS;
    }
    ps_process *p = ps_current_process(sys);
    return mm_copy_to_user(p->vm, p->pages, ptr, v, n);
}

static HANDLE h(ULONG64 v)
{
    return (HANDLE)(uintptr_t)v;
}

static ULONG64 hv(HANDLE v)
{
    return (ULONG64)(uintptr_t)v;
}

/* ---- objects and handles ------------------------------------------------- */

NTSTATUS sys_svc_close(ntsim_system *sys, const ULONG64 *a)
{
    return ob_close(sys, h(a[0]));
}

NTSTATUS sys_svc_duplicate_object(ntsim_system *sys, const ULONG64 *a)
{
    NTSTATUS s;
    if (a[3] && !NT_SUCCESS(s = probe_out(sys, a[3], 8, 8)))
        return s;
    HANDLE target = NULL;
    s = ps_duplicate_object(sys, h(a[0]), h(a[1]), h(a[2]), a[3] ? &target : NULL, (ACCESS_MASK)a[4], (ULONG)a[5],
                            (ULONG)a[6]);
    if (NT_SUCCESS(s) && a[3]) {
        ULONG64 v = hv(target);
        s = out(sys, a[3], &v, 8);
    }
    return s;
}

/* OBJECT_ATTRIBUTES (x64: 48 bytes) and CLIENT_ID (16 bytes) of an open call. */
static NTSTATUS open_args(ntsim_system *sys, const ULONG64 *a, CLIENT_ID *cid)
{
    unsigned char oa[48];
    ULONG64 ids[2];
    NTSTATUS s = probe_out(sys, a[0], 8, 8);
    if (NT_SUCCESS(s))
        s = in(sys, a[2], oa, sizeof oa, 8);
    if (NT_SUCCESS(s) && a[3])
        s = in(sys, a[3], ids, sizeof ids, 4);
    if (!NT_SUCCESS(s))
        return s;
    ULONG64 name;
    memcpy(&name, oa + 16, 8);
    /* Opening by client ID and by name at once is a parameter mix. */
    if (a[3] && name)
        return STATUS_INVALID_PARAMETER_MIX;
    if (!a[3])
        return STATUS_INVALID_PARAMETER; /* no object namespace to open by name */
    if (ids[0] > UINT32_MAX || ids[1] > UINT32_MAX)
        return STATUS_INVALID_CID;
    *cid = (CLIENT_ID){ (ULONG)ids[0], (ULONG)ids[1] };
    return STATUS_SUCCESS;
}

/* NtOpenProcess and NtOpenThread: the same arguments, a different object. */
static NTSTATUS open_by_cid(ntsim_system *sys, const ULONG64 *a,
                            NTSTATUS (*open)(ntsim_system *, HANDLE *, ACCESS_MASK, const CLIENT_ID *))
{
    CLIENT_ID cid;
    HANDLE handle;
    NTSTATUS s = open_args(sys, a, &cid);
    if (NT_SUCCESS(s))
        s = open(sys, &handle, (ACCESS_MASK)a[1], &cid);
    if (NT_SUCCESS(s)) {
        ULONG64 v = hv(handle);
        s = out(sys, a[0], &v, 8);
    }
    return s;
}

NTSTATUS sys_svc_open_process(ntsim_system *sys, const ULONG64 *a)
{
    return open_by_cid(sys, a, ps_open_process);
}

NTSTATUS sys_svc_open_thread(ntsim_system *sys, const ULONG64 *a)
{
    return open_by_cid(sys, a, ps_open_thread);
}

/* ---- processes and threads ---------------------------------------------- */

NTSTATUS sys_svc_terminate_process(ntsim_system *sys, const ULONG64 *a)
{
    return ps_terminate_process_handle(sys, h(a[0]), (NTSTATUS)a[1]);
}

NTSTATUS sys_svc_terminate_thread(ntsim_system *sys, const ULONG64 *a)
{
    return ps_terminate_thread_handle(sys, h(a[0]), (NTSTATUS)a[1]);
}

static NTSTATUS suspend_resume(ntsim_system *sys, const ULONG64 *a, bool suspend)
{
    NTSTATUS s;
    if (a[1] && !NT_SUCCESS(s = probe_out(sys, a[1], 4, 4)))
        return s;
    ULONG prev;
    s = suspend ? ps_suspend_thread(sys, h(a[0]), &prev) : ps_resume_thread(sys, h(a[0]), &prev);
    if (NT_SUCCESS(s) && a[1])
        s = out(sys, a[1], &prev, 4);
    return s;
}

NTSTATUS sys_svc_suspend_thread(ntsim_system *sys, const ULONG64 *a)
{
    return suspend_resume(sys, a, true);
}

NTSTATUS sys_svc_resume_thread(ntsim_system *sys, const ULONG64 *a)
{
    return suspend_resume(sys, a, false);
}

NTSTATUS sys_svc_set_information_thread(ntsim_system *sys, const ULONG64 *a)
{
    unsigned char buf[8];
    ULONG len = (ULONG)a[3];
    if (len > sizeof buf)
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS s = in(sys, a[2], buf, len, len >= 8 ? 8 : 4);
    if (!NT_SUCCESS(s))
        return s;
    return ps_set_information_thread(sys, h(a[0]), (THREADINFOCLASS)a[1], buf, len);
}

NTSTATUS sys_svc_create_thread_ex(ntsim_system *sys, const ULONG64 *a)
{
    NTSTATUS s = probe_out(sys, a[0], 8, 8);
    if (!NT_SUCCESS(s))
        return s;
    ob_header *o;
    s = ob_reference_by_handle(sys, h(a[3]), PROCESS_CREATE_THREAD, &ps_process_type, &o, NULL);
    if (!NT_SUCCESS(s))
        return s;
    /* StackSize is the commit, MaximumStackSize the reserve. */
    ps_thread *t;
    s = ps_create_thread(sys, (ps_process *)o, a[8], a[9], (a[6] & THREAD_CREATE_FLAGS_CREATE_SUSPENDED) != 0, &t);
    if (NT_SUCCESS(s)) {
        ULONG value;
        s = ob_insert_handle(&ps_current_process(sys)->handles, &t->header, ob_map_access(&ps_thread_type, (ACCESS_MASK)a[1]),
                             &value);
        ULONG64 v = value;
        if (NT_SUCCESS(s))
            s = out(sys, a[0], &v, 8);
    }
    ob_dereference(sys, o);
    return s;
}

/* PROCESS_BASIC_INFORMATION, x64 layout (48 bytes). */
static void put_basic_information(unsigned char *b, const ps_process *p)
{
    ULONG64 peb = p->peb, affinity = 0, pid = p->pid, ppid = p->ppid;
    LONG exit_status = p->exit_status, priority = 8;
    memset(b, 0, 48);
    memcpy(b + 0, &exit_status, 4);
    memcpy(b + 8, &peb, 8);
    memcpy(b + 16, &affinity, 8);
    memcpy(b + 24, &priority, 4);
    memcpy(b + 32, &pid, 8);
    memcpy(b + 40, &ppid, 8);
}

NTSTATUS sys_svc_query_information_process(ntsim_system *sys, const ULONG64 *a)
{
    if (a[1] != ProcessBasicInformation)
        return STATUS_INVALID_INFO_CLASS;
    if (a[3] != 48)
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS s = probe_out(sys, a[2], 48, 8);
    if (NT_SUCCESS(s) && a[4])
        s = probe_out(sys, a[4], 4, 4);
    if (!NT_SUCCESS(s))
        return s;
    ob_header *o;
    ACCESS_MASK granted;
    s = ob_reference_by_handle(sys, h(a[0]), 0, &ps_process_type, &o, &granted);
    if (!NT_SUCCESS(s))
        return s;
    if (!(granted & (PROCESS_QUERY_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION))) {
        ob_dereference(sys, o);
        return STATUS_ACCESS_DENIED;
    }
    unsigned char b[48];
    put_basic_information(b, (ps_process *)o);
    ob_dereference(sys, o);
    s = out(sys, a[2], b, sizeof b);
    ULONG len = 48;
    if (NT_SUCCESS(s) && a[4])
        s = out(sys, a[4], &len, 4);
    return s;
}

/* ---- waits ---------------------------------------------------------------- */

NTSTATUS sys_svc_delay_execution(ntsim_system *sys, const ULONG64 *a)
{
    LONG64 interval;
    NTSTATUS s = in(sys, a[1], &interval, 8, 4);
    if (!NT_SUCCESS(s))
        return s;
    /* The thread now sleeps, unless the interval is zero or already past (it
       only yields); when it wakes the call returns STATUS_SUCCESS. */
    s = ke_wait(sys, &ps_current_thread(sys)->tcb, &interval);
    return NT_SUCCESS(s) || s == STATUS_TIMEOUT ? STATUS_SUCCESS : s;
}

static void drop_wait_reference(ntsim_system *sys, ke_thread *t)
{
    ps_thread *thread = (ps_thread *)((char *)t - offsetof(ps_thread, tcb));
    ob_header *o = thread->wait_reference;
    thread->wait_reference = NULL;
    if (o)
        ob_dereference(sys, o);
}

NTSTATUS sys_svc_wait_for_single_object(ntsim_system *sys, const ULONG64 *a)
{
    LONG64 timeout = 0;
    NTSTATUS s;
    if (a[2] && !NT_SUCCESS(s = in(sys, a[2], &timeout, 8, 4)))
        return s;
    ob_header *o;
    s = ob_reference_by_handle(sys, h(a[0]), SYNCHRONIZE, NULL, &o, NULL);
    if (!NT_SUCCESS(s))
        return s;
    if (o->dispatch.Type == NonWaitableObject) {
        ob_dereference(sys, o);
        return STATUS_OBJECT_TYPE_MISMATCH;
    }
    ps_thread *self = ps_current_thread(sys);
    DISPATCHER_HEADER *d = &o->dispatch;
    s = ke_wait_for_objects(sys, &self->tcb, 1, &d, false, a[2] ? &timeout : NULL, NULL);
    if (s == STATUS_PENDING) {
        /* The waiting thread holds the object until its wait ends. */
        self->wait_reference = o;
        self->tcb.wait_done = drop_wait_reference;
    } else {
        ob_dereference(sys, o);
    }
    return s;
}

/* ---- virtual memory ------------------------------------------------------ */

/* The (base, size) pair most memory services take by reference. */
static NTSTATUS in_range(ntsim_system *sys, const ULONG64 *a, ULONG_PTR *base, SIZE_T *size)
{
    NTSTATUS s = in(sys, a[1], base, 8, 8);
    if (NT_SUCCESS(s))
        s = in(sys, a[3], size, 8, 8);
    return s;
}

static NTSTATUS out_range(ntsim_system *sys, ULONG64 pbase, ULONG64 psize, ULONG_PTR base, SIZE_T size)
{
    NTSTATUS s = out(sys, pbase, &base, 8);
    return NT_SUCCESS(s) ? out(sys, psize, &size, 8) : s;
}

NTSTATUS sys_svc_allocate_virtual_memory(ntsim_system *sys, const ULONG64 *a)
{
    ULONG_PTR base;
    SIZE_T size;
    NTSTATUS s = in_range(sys, a, &base, &size);
    if (!NT_SUCCESS(s))
        return s;
    s = sys_allocate_vm(sys, h(a[0]), &base, a[2], &size, (ULONG)a[4], (ULONG)a[5]);
    return NT_SUCCESS(s) ? out_range(sys, a[1], a[3], base, size) : s;
}

NTSTATUS sys_svc_free_virtual_memory(ntsim_system *sys, const ULONG64 *a)
{
    ULONG_PTR base;
    SIZE_T size;
    NTSTATUS s = in(sys, a[1], &base, 8, 8);
    if (NT_SUCCESS(s))
        s = in(sys, a[2], &size, 8, 8);
    if (!NT_SUCCESS(s))
        return s;
    s = sys_free_vm(sys, h(a[0]), &base, &size, (ULONG)a[3]);
    return NT_SUCCESS(s) ? out_range(sys, a[1], a[2], base, size) : s;
}

NTSTATUS sys_svc_protect_virtual_memory(ntsim_system *sys, const ULONG64 *a)
{
    ULONG_PTR base;
    SIZE_T size;
    ULONG old = 0;
    NTSTATUS s = in(sys, a[1], &base, 8, 8);
    if (NT_SUCCESS(s))
        s = in(sys, a[2], &size, 8, 8);
    if (NT_SUCCESS(s))
        s = probe_out(sys, a[4], 4, 4);
    if (!NT_SUCCESS(s))
        return s;
    s = sys_protect_vm(sys, h(a[0]), &base, &size, (ULONG)a[3], &old);
    if (!NT_SUCCESS(s))
        return s;
    s = out_range(sys, a[1], a[2], base, size);
    return NT_SUCCESS(s) ? out(sys, a[4], &old, 4) : s;
}

/* MEMORY_BASIC_INFORMATION, x64 layout (48 bytes). */
static void put_mbi(unsigned char *b, const MEMORY_BASIC_INFORMATION *m)
{
    memset(b, 0, 48);
    memcpy(b + 0, &m->BaseAddress, 8);
    memcpy(b + 8, &m->AllocationBase, 8);
    memcpy(b + 16, &m->AllocationProtect, 4);
    memcpy(b + 24, &m->RegionSize, 8);
    memcpy(b + 32, &m->State, 4);
    memcpy(b + 36, &m->Protect, 4);
    memcpy(b + 40, &m->Type, 4);
}

NTSTATUS sys_svc_query_virtual_memory(ntsim_system *sys, const ULONG64 *a)
{
    if (a[2] != MemoryBasicInformation)
        return STATUS_INVALID_INFO_CLASS;
    if (a[4] < 48)
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS s = probe_out(sys, a[3], 48, 8);
    if (NT_SUCCESS(s) && a[5])
        s = probe_out(sys, a[5], 8, 8);
    if (!NT_SUCCESS(s))
        return s;
    MEMORY_BASIC_INFORMATION m;
    s = sys_query_vm(sys, h(a[0]), a[1], MemoryBasicInformation, &m, sizeof m, NULL);
    if (!NT_SUCCESS(s))
        return s;
    unsigned char b[48];
    put_mbi(b, &m);
    s = out(sys, a[3], b, sizeof b);
    SIZE_T len = 48;
    if (NT_SUCCESS(s) && a[5])
        s = out(sys, a[5], &len, 8);
    return s;
}

/* ---- system information -------------------------------------------------- */

#define SPI_SIZE 0x100 /* SYSTEM_PROCESS_INFORMATION, x64 */
#define STI_SIZE 0x50  /* SYSTEM_THREAD_INFORMATION, x64 */
_Static_assert(sizeof(SYSTEM_PROCESS_INFORMATION) == SPI_SIZE, "x64 layout");
_Static_assert(sizeof(SYSTEM_THREAD_INFORMATION) == STI_SIZE, "x64 layout");
_Static_assert(offsetof(SYSTEM_PROCESS_INFORMATION, UniqueProcessId) == 0x50, "x64 layout");
_Static_assert(sizeof(PROCESS_BASIC_INFORMATION) == 48, "x64 layout");

static size_t name_bytes(const char *s)
{
    return (strlen(s) + 1) * 2; /* UTF-16, with its terminator */
}

static size_t align8(size_t v)
{
    return (v + 7) & ~(size_t)7;
}

/* One entry: the process, its threads, then its name. */
static size_t entry_size(const ps_process *p)
{
    size_t n = SPI_SIZE + (size_t)p->active_threads * STI_SIZE;
    if (p->pid != 0)
        n += name_bytes(p->image_name);
    return align8(n);
}

static void put16(unsigned char *b, size_t off, USHORT v) { memcpy(b + off, &v, 2); }
static void put32(unsigned char *b, size_t off, ULONG v) { memcpy(b + off, &v, 4); }
static void put64(unsigned char *b, size_t off, ULONG64 v) { memcpy(b + off, &v, 8); }

/* Lays out SystemProcessInformation at `where` (the address the caller sees). */
static void fill_processes(ntsim_system *sys, unsigned char *b, ULONG64 where)
{
    size_t off = 0, prev = 0;
    bool first = true;
    for (ps_process *p = ps_first_process(sys); p; p = ps_next_process(sys, p)) {
        if (p->exited)
            continue;
        if (!first)
            put32(b, prev, (ULONG)(off - prev)); /* NextEntryOffset */
        first = false;
        prev = off;
        unsigned char *e = b + off;
        memset(e, 0, entry_size(p));
        put32(e, 0x00, 0);
        put32(e, 0x04, p->active_threads);
        put64(e, 0x20, p->create_time);
        put32(e, 0x48, 8);                     /* BasePriority */
        put64(e, 0x50, p->pid);                /* UniqueProcessId */
        put64(e, 0x58, p->ppid);               /* InheritedFromUniqueProcessId */
        put32(e, 0x60, p->handles.count);      /* HandleCount */
        put32(e, 0x64, p->pid <= 4 ? 0 : 1);   /* SessionId: services 0, users 1 */
        size_t t_off = SPI_SIZE;
        for (ps_thread *t = ps_first_thread(p); t; t = ps_next_thread(t)) {
            if (t->terminated)
                continue;
            unsigned char *ti = e + t_off;
            put64(ti, 0x10, t->create_time);
            put64(ti, 0x28, p->pid);
            put64(ti, 0x30, t->tid);
            put32(ti, 0x38, (ULONG)t->tcb.priority);
            put32(ti, 0x3C, (ULONG)t->tcb.base_priority);
            put32(ti, 0x44, (ULONG)t->tcb.state);
            t_off += STI_SIZE;
        }
        if (p->pid != 0) {
            size_t nb = name_bytes(p->image_name);
            put16(e, 0x38, (USHORT)(nb - 2));  /* ImageName.Length */
            put16(e, 0x3A, (USHORT)nb);        /* ImageName.MaximumLength */
            put64(e, 0x40, where + off + t_off); /* ImageName.Buffer */
            for (size_t i = 0; p->image_name[i]; i++)
                put16(e, t_off + 2 * i, (unsigned char)p->image_name[i]);
        }
        off += entry_size(p);
    }
}

NTSTATUS sys_svc_query_system_information(ntsim_system *sys, const ULONG64 *a)
{
    if (a[0] != SystemProcessInformation)
        return STATUS_INVALID_INFO_CLASS;
    ULONG len = (ULONG)a[2];
    NTSTATUS s = probe_out(sys, a[1], len, 4);
    if (NT_SUCCESS(s) && a[3])
        s = probe_out(sys, a[3], 4, 4);
    if (!NT_SUCCESS(s))
        return s;
    size_t need = 0;
    for (ps_process *p = ps_first_process(sys); p; p = ps_next_process(sys, p))
        if (!p->exited)
            need += entry_size(p);
    /* Too small: say how much is needed (the size-query-then-fill protocol). */
    if (len < need) {
        ULONG n = (ULONG)need;
        if (a[3])
            out(sys, a[3], &n, 4);
        return STATUS_INFO_LENGTH_MISMATCH;
    }
    unsigned char *b = calloc(1, need ? need : 1);
    if (!b)
        return STATUS_INSUFFICIENT_RESOURCES;
    fill_processes(sys, b, a[1]);
    s = out(sys, a[1], b, need);
    free(b);
    ULONG n = (ULONG)need;
    if (NT_SUCCESS(s) && a[3])
        s = out(sys, a[3], &n, 4);
    return s;
}

/* ---- files ----------------------------------------------------------------- */

/* IO_STATUS_BLOCK, x64 layout: the status (8 bytes with its padding) and the count. */
static NTSTATUS out_iosb(ntsim_system *sys, ULONG64 ptr, NTSTATUS status, ULONG64 information)
{
    unsigned char b[16] = { 0 };
    memcpy(b, &status, 4);
    memcpy(b + 8, &information, 8);
    return out(sys, ptr, b, sizeof b);
}

/* The name an OBJECT_ATTRIBUTES (x64: ObjectName at offset 16) points at, captured. */
static NTSTATUS in_object_name(ntsim_system *sys, ULONG64 oa, UNICODE_STRING *name, WCHAR *buf, size_t cap)
{
    unsigned char a[48], us[16];
    ULONG64 pname, pbuf;
    USHORT len;
    NTSTATUS s = in(sys, oa, a, sizeof a, 8);
    if (!NT_SUCCESS(s))
        return s;
    memcpy(&pname, a + 16, 8);
    if (!pname)
        return STATUS_OBJECT_NAME_INVALID;
    if (!NT_SUCCESS(s = in(sys, pname, us, sizeof us, 8)))
        return s;
    memcpy(&len, us, 2);
    memcpy(&pbuf, us + 8, 8);
    if (len % 2 || len / 2 > cap)
        return STATUS_OBJECT_NAME_INVALID;
    if (len && !NT_SUCCESS(s = in(sys, pbuf, buf, len, 2)))
        return s;
    *name = (UNICODE_STRING){ len, len, buf };
    return STATUS_SUCCESS;
}

NTSTATUS sys_svc_create_file(ntsim_system *sys, const ULONG64 *a)
{
    WCHAR buf[512];
    UNICODE_STRING name;
    NTSTATUS s = probe_out(sys, a[0], 8, 8);
    if (NT_SUCCESS(s))
        s = probe_out(sys, a[3], 16, 8);
    if (NT_SUCCESS(s))
        s = in_object_name(sys, a[2], &name, buf, sizeof buf / sizeof buf[0]);
    if (!NT_SUCCESS(s))
        return s;
    io_file *f;
    ACCESS_MASK access = ob_map_access(&io_file_type, (ACCESS_MASK)a[1]);
    s = io_create_file(sys, &name, access, &f);
    if (!NT_SUCCESS(s))
        return s;
    ULONG value;
    s = ob_insert_handle(&ps_current_process(sys)->handles, &f->header, access, &value);
    ob_dereference(sys, &f->header); /* the handle holds it now */
    if (!NT_SUCCESS(s))
        return s;
    ULONG64 v = value;
    s = out(sys, a[0], &v, 8);
    if (NT_SUCCESS(s))
        s = out_iosb(sys, a[3], STATUS_SUCCESS, 1 /* FILE_OPENED */);
    return s;
}

/* ReadFile / WriteFile / DeviceIoControl: the buffers captured, the request sent, results back. */
static NTSTATUS file_io(ntsim_system *sys, HANDLE handle, UCHAR major, ULONG code, ULONG64 iosb, ULONG64 in_ptr,
                        ULONG in_len, ULONG64 out_ptr, ULONG out_len)
{
    NTSTATUS s = probe_out(sys, iosb, 16, 8);
    if (NT_SUCCESS(s) && out_len)
        s = probe_out(sys, out_ptr, out_len, 1);
    if (!NT_SUCCESS(s))
        return s;
    if (in_len > (64u << 20) || out_len > (64u << 20))
        return STATUS_INVALID_PARAMETER;
    unsigned char *ib = in_len ? malloc(in_len) : NULL, *ob = out_len ? calloc(1, out_len) : NULL;
    if ((in_len && !ib) || (out_len && !ob)) {
        free(ib);
        free(ob);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (in_len)
        s = in(sys, in_ptr, ib, in_len, 1);
    ULONG_PTR info = 0;
    if (NT_SUCCESS(s))
        s = io_file_request(sys, handle, major, code, ib, in_len, ob, out_len, &info);
    NTSTATUS request = s;
    if (NT_SUCCESS(s) && info && out_len)
        s = out(sys, out_ptr, ob, info);
    /* The status block tells what the request was completed with. */
    if (NT_SUCCESS(s) || request != STATUS_INVALID_HANDLE)
        out_iosb(sys, iosb, request, info);
    free(ib);
    free(ob);
    return s;
}

NTSTATUS sys_svc_read_file(ntsim_system *sys, const ULONG64 *a)
{
    /* (FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, Buffer, Length, ByteOffset, Key) */
    return file_io(sys, h(a[0]), IRP_MJ_READ, 0, a[4], 0, 0, a[5], (ULONG)a[6]);
}

NTSTATUS sys_svc_write_file(ntsim_system *sys, const ULONG64 *a)
{
    return file_io(sys, h(a[0]), IRP_MJ_WRITE, 0, a[4], a[5], (ULONG)a[6], 0, 0);
}

NTSTATUS sys_svc_device_io_control_file(ntsim_system *sys, const ULONG64 *a)
{
    /* (FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, IoControlCode,
        InputBuffer, InputBufferLength, OutputBuffer, OutputBufferLength) */
    return file_io(sys, h(a[0]), IRP_MJ_DEVICE_CONTROL, (ULONG)a[5], a[4], a[6], (ULONG)a[7], a[8], (ULONG)a[9]);
}
