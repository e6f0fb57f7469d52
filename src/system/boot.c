/*
 * boot.c - booting and tearing down a simulated system: each layer brought
 * up from the bottom (the kernel's clock and processors, the executive's
 * pool, the I/O manager, the process manager's Idle and System), torn down
 * from the top; and the simulator's controls over a running one.
 */
#ifdef NTSIM_DEBUG_CHECKS
#include <assert.h>
#include <stdio.h>
#endif
#include <stdlib.h>

#include "ex/ex.h"
#include "ps/ps.h"
#include "rtl/alloc.h"
#include "system/system.h"

void ntsim_config_default(ntsim_config *c)
{
    *c = (ntsim_config){
        .arch = NTSIM_ARCH_X64,
        .cpus = 1,
        .seed = 0,
        .aslr = true,
        .increase_uva = 0,
        .memory = 8ull << 30,
        .pagefile = 8ull << 30,
    };
}

static bool config_valid(const ntsim_config *c)
{
    if (c->arch != NTSIM_ARCH_X64 && c->arch != NTSIM_ARCH_X86)
        return false;
    if (c->cpus < 1 || c->cpus > (c->arch == NTSIM_ARCH_X86 ? NTSIM_MAX_CPUS_X86 : NTSIM_MAX_CPUS))
        return false;
    /* increase_uva is an x86 boot option: 2 GB to 3 GB of user space. */
    if (c->increase_uva && (c->arch != NTSIM_ARCH_X86 || c->increase_uva < NTSIM_INCREASE_UVA_MIN ||
                            c->increase_uva > NTSIM_INCREASE_UVA_MAX))
        return false;
    return true;
}

/* Each layer torn down from the top, whatever its state (a boot may have stopped half way). */
static void teardown(ntsim_system *sys)
{
    io_shutdown(sys); /* drivers' leftovers reported while the system still stands */
    ex_shutdown(sys);
    ps_shutdown(sys);
    se_shutdown(sys); /* tokens last: processes and handle tables held them */
    io_free_files(sys);
    ke_scheduler_free(sys);
    io_close_modules(sys); /* driver files' code: nothing can run it any more */
    if (sys->programs_release)
        sys->programs_release(sys); /* and the programs' */
    rtl_free(sys);
}

NTSTATUS ntsim_system_create(const ntsim_config *config, ntsim_system **out)
{
    *out = NULL;
    if (!config || !config_valid(config))
        return STATUS_INVALID_PARAMETER;
    ntsim_system *sys = rtl_calloc(1, sizeof *sys);
    if (!sys)
        return STATUS_NO_MEMORY;
    ke_system *ke = ke_state(sys);
    ke->config = *config;
    ke->time = NTSIM_BOOT_TIME;
    ke_scheduler_init(sys, ke->time);
    sys_service_table_init(sys);
    ex_initialize(sys);
    io_initialize(sys);
    NTSTATUS status = se_initialize(sys);
    if (NT_SUCCESS(status))
        status = ps_initialize(sys);
    if (!NT_SUCCESS(status)) {
        teardown(sys); /* half booted: no invariant to check */
        return status;
    }
    *out = sys;
    return STATUS_SUCCESS;
}

void ntsim_system_destroy(ntsim_system *sys)
{
    if (!sys)
        return;
#ifdef NTSIM_DEBUG_CHECKS
    char why[256];
    if (!ntsim_check_system(sys, why, sizeof why)) {
        fprintf(stderr, "ntsim: invariant broken at teardown: %s\n", why);
        assert(!"ntsim_check_system");
    }
#endif
    if (sys->programs_end)
        sys->programs_end(sys); /* recorded, while every observer still listens */
    teardown(sys);
}

void ntsim_query_system(ntsim_system *sys, NTSIM_SYSTEM_INFO *info)
{
    ps_system *ps = ps_state(sys);
    mm_system_info ms;
    mm_system_query(ps->system_space, &ms);
    ULONG live = 0;
    for (ps_process *p = ps_first_process(sys); p; p = ps_next_process(sys, p))
        live += !p->exited;
    *info = (NTSIM_SYSTEM_INFO){
        .time = ke_state(sys)->time, .cpus = ke_state(sys)->config.cpus, .arch = ke_state(sys)->config.arch,
        .commit_limit = ps->commit.limit, .commit_charged = ps->commit.charged,
        .kernel_stacks = ms.kernel_stacks, .kernel_stack_size = ms.kernel_stack_size,
        .system_bytes = ms.bytes_in_use, .processes = live,
    };
}

NTSTATUS ntsim_set_current_thread(ntsim_system *sys, ULONG tid)
{
    ps_thread *t = ps_lookup_thread(sys, tid);
    if (!t || t->terminated)
        return STATUS_INVALID_CID;
    ps_set_current_thread(sys, t);
    return STATUS_SUCCESS;
}

ULONG ntsim_current_thread_id(const ntsim_system *sys)
{
    ps_thread *t = ps_current_thread((ntsim_system *)sys);
    return t ? t->tid : 0;
}

void ntsim_set_trace(ntsim_system *sys, ULONG flags)
{
    ke_state(sys)->sched.trace = (flags & NTSIM_TRACE_SCHED) != 0;
    sys->trace_syscalls = (flags & NTSIM_TRACE_SYSCALLS) != 0;
    ke_state(sys)->sched.trace_calls = (flags & NTSIM_TRACE_CALLS) != 0;
    ke_state(sys)->sched.trace_handles = (flags & NTSIM_TRACE_HANDLES) != 0;
}
