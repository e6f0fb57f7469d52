/*
 * system.c - booting and tearing down a simulated system, its virtual clock,
 * the current thread and the delivery of notifications to observers.
 */
#include <stdlib.h>

#include "system/system.h"
#include "ps/ps.h"

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
    if (c->cpus < 1 || c->cpus > 64 || (c->arch == NTSIM_ARCH_X86 && c->cpus > 32))
        return false;
    /* increase_uva is an x86 boot option: 2 GB to 3 GB of user space. */
    if (c->increase_uva && (c->arch != NTSIM_ARCH_X86 || c->increase_uva < (2ull << 30) || c->increase_uva > (3ull << 30)))
        return false;
    return true;
}

NTSTATUS ntsim_system_create(const ntsim_config *config, ntsim_system **out)
{
    *out = NULL;
    if (!config || !config_valid(config))
        return STATUS_INVALID_PARAMETER;
    ntsim_system *sys = calloc(1, sizeof *sys);
    if (!sys)
        return STATUS_NO_MEMORY;
    sys->config = *config;
    rtl_random_seed(&sys->rng, config->seed);
    sys->time = NTSIM_BOOT_TIME;
    sys->next_sequence = 1;
    sys->commit.limit = config->memory + config->pagefile;
    ob_handle_table_init(&sys->cid_table, true);
    NTSTATUS status = mm_image_bases_create(config->aslr ? &sys->rng : NULL, &sys->image_bases);
    if (NT_SUCCESS(status))
        status = mm_system_space_create(config->arch == NTSIM_ARCH_X64 ? MM_ARCH_X64 : MM_ARCH_X86, &sys->commit,
                                        &sys->system_space);
    if (!NT_SUCCESS(status)) {
        ntsim_system_destroy(sys);
        return status;
    }
    ke_scheduler_init(sys, sys->time);
    ke_dispatcher_init(sys);
    io_initialize(sys);
    status = ps_initialize(sys);
    if (!NT_SUCCESS(status)) {
        ntsim_system_destroy(sys);
        return status;
    }
    *out = sys;
    return STATUS_SUCCESS;
}

void ntsim_system_destroy(ntsim_system *sys)
{
    if (!sys)
        return;
    io_shutdown(sys); /* drivers' leftovers reported while the system still stands */
    ps_shutdown(sys);
    io_free_files(sys);
    mm_image_bases_destroy(sys->image_bases);
    mm_chunk_cache_free(&sys->chunk_cache);
    mm_system_space_destroy(sys->system_space);
    ke_scheduler_free(sys);
    ob_handle_table_free(&sys->cid_table);
    free(sys);
}

void ntsim_query_system(ntsim_system *sys, NTSIM_SYSTEM_INFO *info)
{
    mm_system_info ms;
    mm_system_query(sys->system_space, &ms);
    ULONG live = 0;
    for (ps_process *p = sys->first_process; p; p = p->next)
        live += !p->exited;
    *info = (NTSIM_SYSTEM_INFO){
        .time = sys->time, .cpus = sys->config.cpus, .arch = sys->config.arch,
        .commit_limit = sys->commit.limit, .commit_charged = sys->commit.charged,
        .kernel_stacks = ms.kernel_stacks, .kernel_stack_size = ms.kernel_stack_size,
        .system_bytes = ms.bytes_in_use, .processes = live,
    };
}

uint64_t ntsim_time(const ntsim_system *sys)
{
    return sys->time;
}

void ntsim_advance(ntsim_system *sys, uint64_t ticks)
{
    uint64_t to = ticks > UINT64_MAX - sys->time ? UINT64_MAX : sys->time + ticks;
    ke_advance(sys, to);
}

NTSTATUS ntsim_set_current_thread(ntsim_system *sys, ULONG tid)
{
    ps_thread *t = ps_lookup_thread(sys, tid);
    if (!t || t->terminated)
        return STATUS_INVALID_CID;
    sys->current_thread = t;
    return STATUS_SUCCESS;
}

ULONG ntsim_current_thread_id(const ntsim_system *sys)
{
    return sys->current_thread ? sys->current_thread->tid : 0;
}

void ntsim_set_trace(ntsim_system *sys, ULONG flags)
{
    sys->sched.trace = (flags & NTSIM_TRACE_SCHED) != 0;
    sys->trace_syscalls = (flags & NTSIM_TRACE_SYSCALLS) != 0;
}

void ntsim_set_event_sink(ntsim_system *sys, ntsim_event_sink sink, void *context)
{
    sys->sink = sink;
    sys->sink_context = context;
}

void ke_deliver_event(ntsim_system *sys, ntsim_event *event)
{
    event->time = sys->time;
    if (sys->sink)
        sys->sink(sys->sink_context, event);
}
