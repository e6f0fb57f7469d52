/*
 * cmd_handle.c - `handle` commands: NtOpenProcess/NtOpenThread, NtDuplicateObject,
 * NtClose and the listing of a process's handle table, each run by the process.
 */
#include <string.h>

#include "command.h"

static HANDLE to_handle(uint64_t v)
{
    return (HANDLE)(uintptr_t)v;
}

static ntsim_flag_kind access_kind(ntsim_object_type t)
{
    return t == NTSIM_OBJECT_PROCESS ? NTSIM_FLAGS_PROCESS_ACCESS
           : t == NTSIM_OBJECT_THREAD ? NTSIM_FLAGS_THREAD_ACCESS
           : t == NTSIM_OBJECT_EVENT  ? NTSIM_FLAGS_EVENT_ACCESS
           : t == NTSIM_OBJECT_SECTION ? NTSIM_FLAGS_SECTION_ACCESS
                                      : NTSIM_FLAGS_FILE_ACCESS;
}

/* A new handle and its granted access, looked up by value in pid's table. */
static void put_handle(sim_context *ctx, sim_record *r, ULONG pid, ULONG handle)
{
    NTSIM_HANDLE_INFO info;
    sim_put_int(r, "handle", handle);
    if (NT_SUCCESS(ntsim_query_handle(ctx->sys, pid, handle, &info, NULL, 0)))
        sim_put_flags(r, "access", access_kind(info.type), info.access);
}

NTSTATUS sim_cmd_handle_open(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG pid, target;
    NTSTATUS s = sim_process_id(ctx, &a->pos[0], &pid);
    if (!NT_SUCCESS(s) || !NT_SUCCESS(s = sim_act_as_process(ctx, pid)))
        return s;
    /* TARGET names a process if one has that name, else a thread. */
    bool is_process = sim_names_find(&ctx->names, SIM_NAME_PROCESS, a->pos[1].text, a->pos[1].len) != NULL;
    s = is_process ? sim_process_id(ctx, &a->pos[1], &target) : sim_thread_id(ctx, &a->pos[1], &target);
    if (!NT_SUCCESS(s))
        return s;
    HANDLE h;
    ACCESS_MASK access = (ACCESS_MASK)a->opt[0].number;
    if (is_process)
        s = NtOpenProcess(ctx->sys, &h, access, &(CLIENT_ID){ target, 0 });
    else
        s = NtOpenThread(ctx->sys, &h, access, &(CLIENT_ID){ 0, target });
    if (!NT_SUCCESS(s))
        return s;
    put_handle(ctx, r, pid, (ULONG)(uintptr_t)h);
    return STATUS_SUCCESS;
}

NTSTATUS sim_cmd_handle_dup(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG pid, to;
    NTSTATUS s = sim_process_id(ctx, &a->pos[0], &pid);
    if (!NT_SUCCESS(s) || !NT_SUCCESS(s = sim_act_as_process(ctx, pid)))
        return s;
    to = pid;
    if (a->opt[0].present && !NT_SUCCESS(s = sim_process_id(ctx, &a->opt[0], &to)))
        return s;
    /* The caller needs a handle to the target process: open one for the call. */
    HANDLE target = NtCurrentProcess(), out;
    if (to != pid) {
        s = NtOpenProcess(ctx->sys, &target, PROCESS_DUP_HANDLE, &(CLIENT_ID){ to, 0 });
        if (!NT_SUCCESS(s))
            return s;
    }
    ULONG options = a->opt[1].present ? 0 : DUPLICATE_SAME_ACCESS;
    s = NtDuplicateObject(ctx->sys, NtCurrentProcess(), to_handle(a->pos[1].number), target, &out,
                          (ACCESS_MASK)a->opt[1].number, 0, options);
    if (to != pid)
        NtClose(ctx->sys, target);
    if (!NT_SUCCESS(s))
        return s;
    put_handle(ctx, r, to, (ULONG)(uintptr_t)out);
    return STATUS_SUCCESS;
}

NTSTATUS sim_cmd_handle_close(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG pid;
    NTSTATUS s = sim_process_id(ctx, &a->pos[0], &pid);
    if (!NT_SUCCESS(s) || !NT_SUCCESS(s = sim_act_as_process(ctx, pid)))
        return s;
    s = NtClose(ctx->sys, to_handle(a->pos[1].number));
    if (NT_SUCCESS(s))
        sim_put_int(r, "handle", (int64_t)a->pos[1].number);
    return s;
}

typedef struct list_ctx {
    sim_context *ctx;
    sim_record *r;
} list_ctx;

static bool list_one(void *context, const NTSIM_HANDLE_INFO *h)
{
    list_ctx *l = context;
    char buf[32];
    sim_record *e = sim_array_add(l->r);
    sim_put_int(e, "handle", h->handle);
    /* `type` is a flags-format field in the contract: the type index, as
       SystemHandleInformation gives it; type_name says it in words. */
    sim_put_code(e, "type", h->type_index);
    sim_put_str(e, "type_name", h->type_name);
    sim_put_str(e, "object", h->type == NTSIM_OBJECT_FILE || h->type == NTSIM_OBJECT_EVENT || h->type == NTSIM_OBJECT_SECTION
                             ? h->object_name
                             : sim_object_name(l->ctx, h->type == NTSIM_OBJECT_THREAD, h->object_id,
                                               h->object_sequence, buf, sizeof buf));
    sim_put_flags(e, "access", access_kind(h->type), h->access);
    return true;
}

NTSTATUS sim_cmd_handle_list(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG pid;
    NTSTATUS s = sim_process_id(ctx, &a->pos[0], &pid);
    if (!NT_SUCCESS(s))
        return s;
    sim_put_array(r, "handles");
    list_ctx l = { ctx, r };
    return ntsim_walk_handles(ctx->sys, pid, list_one, &l);
}
