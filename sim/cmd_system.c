/* cmd_system.c - the `system` line (the machine's configuration) and `sleep` (the virtual clock). */
#include "command.h"

NTSTATUS sim_cmd_system(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ntsim_config *c = &ctx->config;
    if (a->opt[0].present)
        c->arch = a->opt[0].number == 0 ? NTSIM_ARCH_X64 : NTSIM_ARCH_X86;
    if (a->opt[1].present)
        c->cpus = a->opt[1].number > 64 ? 65 : (uint32_t)a->opt[1].number;
    if (a->opt[2].present)
        c->seed = a->opt[2].number;
    if (a->opt[3].present)
        c->aslr = a->opt[3].number != 0;
    if (a->opt[4].present)
        c->increase_uva = a->opt[4].number;
    if (a->opt[5].present)
        c->memory = a->opt[5].number;
    if (a->opt[6].present)
        c->pagefile = a->opt[6].number;
    ctx->config_fixed = true;
    ntsim_system *sys;
    NTSTATUS s = sim_system(ctx, &sys);
    if (!NT_SUCCESS(s))
        return s;
    sim_put_str(r, "arch", c->arch == NTSIM_ARCH_X64 ? "x64" : "x86");
    sim_put_int(r, "cpus", c->cpus);
    sim_put_int(r, "seed", (int64_t)(ctx->has_seed_override ? ctx->seed_override : c->seed));
    sim_put_str(r, "aslr", c->aslr ? "on" : "off");
    sim_put_int(r, "time", (int64_t)ntsim_time(sys));
    return STATUS_SUCCESS;
}

NTSTATUS sim_cmd_sleep(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ntsim_advance(ctx->sys, a->pos[0].number);
    sim_put_int(r, "time", (int64_t)ntsim_time(ctx->sys));
    return STATUS_SUCCESS;
}
