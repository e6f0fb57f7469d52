/*
 * cmd_vm.c - `vm` commands and `image load`: the native virtual-memory calls
 * made by the named process on itself (NtCurrentProcess()), one access by
 * one of its threads, and the map of its address space.
 */
#include "command.h"
#include "values.h"

static NTSTATUS as_process(sim_context *ctx, const sim_value *v)
{
    ULONG pid;
    NTSTATUS s = sim_process_id(ctx, v, &pid);
    return NT_SUCCESS(s) ? sim_act_as_process(ctx, pid) : s;
}

NTSTATUS sim_cmd_vm_alloc(sim_context *ctx, const sim_args *a, sim_record *r)
{
    NTSTATUS s = as_process(ctx, &a->pos[0]);
    if (!NT_SUCCESS(s))
        return s;
    ULONG_PTR base = a->pos[1].number;
    SIZE_T size = a->pos[2].number;
    s = NtAllocateVirtualMemory(ctx->sys, NtCurrentProcess(), &base, 0, &size, (ULONG)a->pos[3].number,
                                (ULONG)a->pos[4].number);
    sim_put_hex(r, "base", base);
    sim_put_hex(r, "size", size);
    return s;
}

NTSTATUS sim_cmd_vm_free(sim_context *ctx, const sim_args *a, sim_record *r)
{
    NTSTATUS s = as_process(ctx, &a->pos[0]);
    if (!NT_SUCCESS(s))
        return s;
    ULONG_PTR base = a->pos[1].number;
    SIZE_T size = a->pos[2].number;
    s = NtFreeVirtualMemory(ctx->sys, NtCurrentProcess(), &base, &size, (ULONG)a->pos[3].number);
    sim_put_hex(r, "base", base);
    sim_put_hex(r, "size", size);
    return s;
}

NTSTATUS sim_cmd_vm_protect(sim_context *ctx, const sim_args *a, sim_record *r)
{
    NTSTATUS s = as_process(ctx, &a->pos[0]);
    if (!NT_SUCCESS(s))
        return s;
    ULONG_PTR base = a->pos[1].number;
    SIZE_T size = a->pos[2].number;
    ULONG old = 0;
    s = NtProtectVirtualMemory(ctx->sys, NtCurrentProcess(), &base, &size, (ULONG)a->pos[3].number, &old);
    sim_put_hex(r, "base", base);
    sim_put_hex(r, "size", size);
    sim_put_flags(r, "old_protect", NTSIM_FLAGS_PAGE, old);
    return s;
}

static void put_mbi(sim_record *r, const MEMORY_BASIC_INFORMATION *m)
{
    sim_put_hex(r, "base", m->BaseAddress);
    sim_put_hex(r, "alloc_base", m->AllocationBase);
    sim_put_flags(r, "alloc_protect", NTSIM_FLAGS_PAGE, m->AllocationProtect);
    sim_put_hex(r, "size", m->RegionSize);
    sim_put_flags(r, "state", NTSIM_FLAGS_MEM, m->State);
    sim_put_flags(r, "protect", NTSIM_FLAGS_PAGE, m->Protect);
    sim_put_flags(r, "type", NTSIM_FLAGS_MEM, m->Type);
}

NTSTATUS sim_cmd_vm_query(sim_context *ctx, const sim_args *a, sim_record *r)
{
    NTSTATUS s = as_process(ctx, &a->pos[0]);
    if (!NT_SUCCESS(s))
        return s;
    MEMORY_BASIC_INFORMATION m;
    s = NtQueryVirtualMemory(ctx->sys, NtCurrentProcess(), a->pos[1].number, MemoryBasicInformation, &m, sizeof m,
                             NULL);
    if (NT_SUCCESS(s))
        put_mbi(r, &m);
    return s;
}

NTSTATUS sim_cmd_vm_touch(sim_context *ctx, const sim_args *a, sim_record *r)
{
    NTSTATUS s = as_process(ctx, &a->pos[0]);
    if (!NT_SUCCESS(s))
        return s;
    static const ntsim_access kinds[] = { NTSIM_READ, NTSIM_WRITE, NTSIM_EXECUTE };
    s = ntsim_touch_memory(ctx->sys, a->pos[1].number, kinds[a->pos[2].number]);
    sim_put_hex(r, "address", a->pos[1].number);
    return s;
}

/* size=1|2|4|8 (choice index 0..3), default 8 bytes. */
static SIZE_T value_size(const sim_args *a)
{
    return a->opt[0].present ? (SIZE_T)1 << a->opt[0].number : 8;
}

NTSTATUS sim_cmd_vm_read(sim_context *ctx, const sim_args *a, sim_record *r)
{
    NTSTATUS s = as_process(ctx, &a->pos[0]);
    if (!NT_SUCCESS(s))
        return s;
    uint64_t v = 0; /* little-endian, as x86 and x64 store it */
    unsigned char b[8] = { 0 };
    SIZE_T n = value_size(a);
    s = ntsim_read_memory(ctx->sys, a->pos[1].number, b, n);
    for (SIZE_T i = 0; i < n; i++)
        v |= (uint64_t)b[i] << (8 * i);
    sim_put_hex(r, "address", a->pos[1].number);
    sim_put_hex(r, "value", v);
    return s;
}

NTSTATUS sim_cmd_vm_write(sim_context *ctx, const sim_args *a, sim_record *r)
{
    NTSTATUS s = as_process(ctx, &a->pos[0]);
    if (!NT_SUCCESS(s))
        return s;
    uint64_t v = 0;
    sim_parse_syscall_arg(a->pos[2].text, a->pos[2].len, &v);
    unsigned char b[8];
    SIZE_T n = value_size(a);
    for (SIZE_T i = 0; i < n; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    s = ntsim_write_memory(ctx->sys, a->pos[1].number, b, n);
    sim_put_hex(r, "address", a->pos[1].number);
    return s;
}

/* `vm watch`: NtGetWriteWatch over the range, every written page listed
   (WRITE_WATCH_FLAG_RESET with reset=on), 64 at a time. */
NTSTATUS sim_cmd_vm_watch(sim_context *ctx, const sim_args *a, sim_record *r)
{
    NTSTATUS s = as_process(ctx, &a->pos[0]);
    if (!NT_SUCCESS(s))
        return s;
    const sim_value *reset = sim_option(a, "reset");
    ULONG flags = reset->present && reset->number ? WRITE_WATCH_FLAG_RESET : 0;
    ULONG_PTR at = a->pos[1].number, end = at + a->pos[2].number, pages[64], total = 0;
    sim_put_array(r, "pages");
    do {
        ULONG_PTR count = 64;
        ULONG granularity;
        s = NtGetWriteWatch(ctx->sys, NtCurrentProcess(), flags, at, end - at, pages, &count, &granularity);
        if (!NT_SUCCESS(s))
            break;
        for (ULONG_PTR i = 0; i < count; i++)
            sim_put_hex(sim_array_add(r), "address", pages[i]);
        total += count;
        if (count < 64)
            break;
        at = pages[63] + 0x1000;
    } while (at < end);
    sim_put_int(r, "count", total);
    return s;
}

/* A map row reads like a debugger's address summary: where, how big, what state, what lies there. */
static bool map_one(void *context, const MEMORY_BASIC_INFORMATION *m, const char *detail)
{
    sim_record *e = sim_array_add(context);
    sim_put_hex(e, "base", m->BaseAddress);
    sim_put_hex(e, "end", m->BaseAddress + m->RegionSize);
    sim_put_hex(e, "size", m->RegionSize);
    sim_put_flags(e, "state", NTSIM_FLAGS_MEM, m->State);
    sim_put_flags(e, "protect", NTSIM_FLAGS_PAGE, m->Protect);
    sim_put_flags(e, "type", NTSIM_FLAGS_MEM, m->Type);
    sim_put_hex(e, "alloc_base", m->AllocationBase);
    sim_put_flags(e, "alloc_protect", NTSIM_FLAGS_PAGE, m->AllocationProtect);
    sim_put_str(e, "detail", detail ? detail : "");
    return true;
}

NTSTATUS sim_cmd_vm_map(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG pid;
    NTSTATUS s = sim_process_id(ctx, &a->pos[0], &pid);
    if (!NT_SUCCESS(s))
        return s;
    sim_put_array(r, "regions");
    return ntsim_walk_memory(ctx->sys, pid, map_one, r);
}

NTSTATUS sim_cmd_image_load(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG pid;
    NTSTATUS s = sim_process_id(ctx, &a->pos[0], &pid);
    if (!NT_SUCCESS(s))
        return s;
    if (a->opt[1].present) {
        ULONG tid;
        if (!NT_SUCCESS(s = sim_thread_id(ctx, &a->opt[1], &tid)) || !NT_SUCCESS(s = sim_act_as_thread(ctx, tid)))
            return s;
        NTSIM_THREAD_INFO ti;
        ntsim_query_thread(ctx->sys, tid, &ti);
        if (ti.pid != pid)
            return STATUS_INVALID_PARAMETER; /* a thread loads images into its own process */
    } else if (!NT_SUCCESS(s = sim_act_as_process(ctx, pid))) {
        return s;
    }
    ULONG_PTR base;
    s = ntsim_load_image(ctx->sys, a->pos[1].text, a->opt[0].number, &base);
    MEMORY_IMAGE_INFORMATION mi = { 0 };
    if (NT_SUCCESS(s)) /* the module's size: a DLL loaded before keeps its own */
        s = NtQueryVirtualMemory(ctx->sys, NtCurrentProcess(), base, MemoryImageInformation, &mi, sizeof mi, NULL);
    if (NT_SUCCESS(s)) {
        sim_put_hex(r, "base", base);
        sim_put_hex(r, "size", mi.SizeOfImage);
    }
    return s;
}

/* `vm allocex`: NtAllocateVirtualMemoryEx, address requirements from its options. */
NTSTATUS sim_cmd_vm_allocex(sim_context *ctx, const sim_args *a, sim_record *r)
{
    NTSTATUS s = as_process(ctx, &a->pos[0]);
    if (!NT_SUCCESS(s))
        return s;
    const sim_value *lo = sim_option(a, "lowest"), *hi = sim_option(a, "highest"), *al = sim_option(a, "align");
    MEM_ADDRESS_REQUIREMENTS req = { lo->number, hi->number, al->number };
    MEM_EXTENDED_PARAMETER p = { .Type = MemExtendedParameterAddressRequirements };
    p.Pointer = &req;
    bool with = lo->present || hi->present || al->present;
    ULONG_PTR base = a->pos[1].number;
    SIZE_T size = a->pos[2].number;
    s = NtAllocateVirtualMemoryEx(ctx->sys, NtCurrentProcess(), &base, &size, (ULONG)a->pos[3].number,
                                  (ULONG)a->pos[4].number, with ? &p : NULL, with ? 1 : 0);
    sim_put_hex(r, "base", base);
    sim_put_hex(r, "size", size);
    return s;
}
