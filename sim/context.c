/*
 * context.c - what commands share: resolving scenario names to live objects
 * and choosing the thread a command acts as.
 */
#include <stdio.h>

#include "command.h"

sim_name *sim_value_name(sim_context *ctx, sim_name_kind kind, const sim_value *v)
{
    sim_value *m = (sim_value *)v; /* the cache only: what v says stays the same */
    if (m->name && m->name_generation == ctx->names.generation && m->name->kind == kind)
        return m->name;
    sim_name *e = sim_names_find(&ctx->names, kind, v->text, v->len);
    if (e && !e->gone) { /* a gone name's copy changes with the next find */
        m->name = e;
        m->name_generation = ctx->names.generation;
    }
    return e;
}

static NTSTATUS resolve(sim_context *ctx, sim_name_kind kind, const sim_value *v, ULONG *id)
{
    const sim_name *e = sim_value_name(ctx, kind, v);
    *id = 0;
    if (!e || e->sequence == 0)
        return STATUS_INVALID_CID; /* its creation failed: nothing by that name */
    /* The ID may have been reused by another object: compare sequences. */
    uint64_t seq;
    NTSTATUS s = kind == SIM_NAME_PROCESS ? ntsim_process_sequence(ctx->sys, e->id, &seq)
                                          : ntsim_thread_sequence(ctx->sys, e->id, &seq);
    if (!NT_SUCCESS(s) || seq != e->sequence)
        return STATUS_INVALID_CID;
    *id = e->id;
    return STATUS_SUCCESS;
}

NTSTATUS sim_process_id(sim_context *ctx, const sim_value *v, ULONG *pid)
{
    return resolve(ctx, SIM_NAME_PROCESS, v, pid);
}

NTSTATUS sim_thread_id(sim_context *ctx, const sim_value *v, ULONG *tid)
{
    return resolve(ctx, SIM_NAME_THREAD, v, tid);
}

static bool first_live(void *context, const NTSIM_THREAD_INFO *t)
{
    ULONG *tid = context;
    if (t->state != Terminated && t->tid != 0) {
        *tid = t->tid;
        return false;
    }
    return true;
}

NTSTATUS sim_act_as_process(sim_context *ctx, ULONG pid)
{
    ULONG tid = 0;
    NTSTATUS s = ntsim_walk_threads(ctx->sys, pid, first_live, &tid);
    if (!NT_SUCCESS(s))
        return s;
    if (tid == 0)
        return STATUS_PROCESS_IS_TERMINATING;
    return ntsim_set_current_thread(ctx->sys, tid);
}

NTSTATUS sim_act_as_thread(sim_context *ctx, ULONG tid)
{
    NTSIM_THREAD_INFO ti;
    NTSTATUS s = ntsim_query_thread(ctx->sys, tid, &ti);
    if (!NT_SUCCESS(s))
        return s;
    if (ti.state == Terminated)
        return STATUS_THREAD_IS_TERMINATING;
    return ntsim_set_current_thread(ctx->sys, tid);
}

NTSTATUS sim_act_as_client(sim_context *ctx, ULONG tid)
{
    NTSIM_THREAD_INFO ti;
    if (!NT_SUCCESS(ntsim_query_thread(ctx->sys, tid, &ti)) || ti.state == Terminated)
        return STATUS_INVALID_HANDLE;
    return ntsim_set_current_thread(ctx->sys, tid);
}

const char *sim_object_name(sim_context *ctx, bool thread, ULONG id, uint64_t sequence, char *buf, size_t cap)
{
    const sim_name *e = sim_names_by_sequence(&ctx->names, sequence);
    if (e)
        return e->name;
    snprintf(buf, cap, "%s:%u", thread ? "tid" : "pid", id);
    return buf;
}
