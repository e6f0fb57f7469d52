/*
 * services_sysinfo.c - NtQuerySystemInformation: the process list
 * (SYSTEM_PROCESS_INFORMATION records) laid out as Windows 10 x64 lays it out.
 */
#include <stdlib.h>
#include <string.h>

#include "system/service_table.h"
#include "system/system.h"
#include "rtl/alloc.h"
#include "system/user_buffer.h"

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
    NTSTATUS s = sys_probe_range(sys, a[1], len, 4);
    if (NT_SUCCESS(s) && a[3])
        s = sys_probe_out(sys, a[3], 4, 4);
    if (!NT_SUCCESS(s))
        return s;
    size_t need = 0;
    for (ps_process *p = ps_first_process(sys); p; p = ps_next_process(sys, p))
        if (!p->exited)
            need += entry_size(p);
    if (len >= need && !NT_SUCCESS(s = sys_prepare_out(sys, a[1], need)))
        return s;
    /* Too small: say how much is needed (the size-query-then-fill protocol). */
    if (len < need) {
        ULONG n = (ULONG)need;
        if (a[3])
            sys_out(sys, a[3], &n, 4);
        return STATUS_INFO_LENGTH_MISMATCH;
    }
    unsigned char *b = rtl_calloc(1, need ? need : 1);
    if (!b)
        return STATUS_INSUFFICIENT_RESOURCES;
    fill_processes(sys, b, a[1]);
    s = sys_out(sys, a[1], b, need);
    rtl_free(b);
    ULONG n = (ULONG)need;
    if (NT_SUCCESS(s) && a[3])
        s = sys_out(sys, a[3], &n, 4);
    return s;
}

