/*
 * cmd_syscall.c - `syscall THREAD SERVICE ARG...`: what a stub's syscall
 * instruction does, with the arguments exactly as written (pointer arguments
 * are user addresses of the thread's process), and `syscall table`.
 */
#include <string.h>

#include "command.h"
#include "values.h"

NTSTATUS sim_cmd_syscall(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG tid, number;
    uint64_t v;
    NTSTATUS s = sim_thread_id(ctx, &a->pos[0], &tid);
    if (!NT_SUCCESS(s) || !NT_SUCCESS(s = sim_act_as_thread(ctx, tid)))
        return s;
    if (!NT_SUCCESS(ntsim_service_number(a->pos[1].text, &number))) {
        sim_parse_number(a->pos[1].text, a->pos[1].len, &v);
        number = v > UINT32_MAX ? UINT32_MAX : (ULONG)v;
    }
    ULONG64 args[16] = { 0 };
    for (int i = 0; i < a->rest_count; i++)
        sim_parse_syscall_arg(a->rest[i].text, a->rest[i].len, &args[i]);
    s = ntsim_system_call(ctx->sys, number, args, (ULONG)a->rest_count);
    NTSIM_SERVICE_INFO info;
    bool known = NT_SUCCESS(ntsim_query_service(ctx->sys, number, &info)) && info.name;
    sim_put_str(r, "service", known ? info.name : "");
    sim_put_int(r, "number", number);
    /* A service's own failure is its result: keep the fields for the reader. */
    return s;
}

NTSTATUS sim_cmd_syscall_table(sim_context *ctx, const sim_args *a, sim_record *r)
{
    (void)a;
    sim_put_int(r, "limit", ntsim_service_limit());
    sim_put_array(r, "services");
    for (ULONG n = 0; n < ntsim_service_limit(); n++) {
        NTSIM_SERVICE_INFO info;
        if (!NT_SUCCESS(ntsim_query_service(ctx->sys, n, &info)) || !info.name)
            continue;
        sim_record *e = sim_array_add(r);
        sim_put_int(e, "number", n);
        sim_put_str(e, "name", info.name);
        sim_put_int(e, "args", info.argument_count);
    }
    return STATUS_SUCCESS;
}
