/* cmd_system.c - the `system` line (the machine's configuration) and `sleep` (the virtual clock). */
#include "command.h"

void sim_configure(ntsim_config *c, const sim_args *a)
{
    const sim_value *arch = sim_option(a, "arch"), *cpus = sim_option(a, "cpus"), *seed = sim_option(a, "seed");
    const sim_value *aslr = sim_option(a, "aslr"), *uva = sim_option(a, "increase_uva");
    const sim_value *memory = sim_option(a, "memory"), *pagefile = sim_option(a, "pagefile");
    if (arch->present)
        c->arch = sim_value_is(arch, "x86") ? NTSIM_ARCH_X86 : NTSIM_ARCH_X64;
    if (cpus->present)
        c->cpus = cpus->number > 64 ? 65 : (uint32_t)cpus->number;
    if (seed->present)
        c->seed = seed->number;
    if (aslr->present)
        c->aslr = aslr->number != 0;
    if (uva->present)
        c->increase_uva = uva->number;
    if (memory->present)
        c->memory = memory->number;
    if (pagefile->present)
        c->pagefile = pagefile->number;
}

/* The engine has configured the system from this line and booted it: the result says how. */
NTSTATUS sim_cmd_system(sim_context *ctx, const sim_args *a, sim_record *r)
{
    (void)a;
    const ntsim_config *c = &ctx->config;
    sim_put_str(r, "arch", c->arch == NTSIM_ARCH_X64 ? "x64" : "x86");
    sim_put_int(r, "cpus", c->cpus);
    sim_put_int(r, "seed", (int64_t)(ctx->has_seed_override ? ctx->seed_override : c->seed));
    sim_put_str(r, "aslr", c->aslr ? "on" : "off");
    sim_put_int(r, "time", (int64_t)ntsim_time(ctx->sys));
    return STATUS_SUCCESS;
}

NTSTATUS sim_cmd_sleep(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ntsim_advance(ctx->sys, a->pos[0].number);
    sim_put_int(r, "time", (int64_t)ntsim_time(ctx->sys));
    return STATUS_SUCCESS;
}
