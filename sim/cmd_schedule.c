/*
 * cmd_schedule.c - `thread priority|affinity|wait|wake|suspend|resume`: the
 * scheduler's levers, pulled on a named thread.
 */
#include "command.h"

static NTSTATUS thread_of(sim_context *ctx, const sim_args *a, ULONG *tid)
{
    return sim_thread_id(ctx, &a->pos[0], tid);
}

static void put_state(sim_context *ctx, sim_record *r, ULONG tid)
{
    NTSIM_THREAD_INFO ti;
    if (!NT_SUCCESS(ntsim_query_thread(ctx->sys, tid, &ti)))
        return;
    sim_put_int(r, "tid", tid);
    sim_put_code(r, "state", (uint64_t)ti.state);
    sim_put_str(r, "state_name", ntsim_thread_state_name(ti.state));
    sim_put_int(r, "priority", ti.priority);
    sim_put_int(r, "cpu", ti.cpu);
}

NTSTATUS sim_cmd_thread_priority(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG tid;
    NTSTATUS s = thread_of(ctx, a, &tid);
    if (!NT_SUCCESS(s))
        return s;
    uint64_t n = a->pos[1].number;
    s = ntsim_set_thread_priority(ctx->sys, tid, n > 31 ? 0 : (KPRIORITY)n);
    if (NT_SUCCESS(s))
        put_state(ctx, r, tid);
    return s;
}

NTSTATUS sim_cmd_thread_affinity(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG tid;
    NTSTATUS s = thread_of(ctx, a, &tid);
    if (!NT_SUCCESS(s))
        return s;
    s = ntsim_set_thread_affinity(ctx->sys, tid, a->pos[1].number);
    if (NT_SUCCESS(s)) {
        put_state(ctx, r, tid);
        sim_put_hex(r, "affinity", a->pos[1].number);
    }
    return s;
}

NTSTATUS sim_cmd_thread_wait(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG tid;
    NTSTATUS s = thread_of(ctx, a, &tid);
    if (!NT_SUCCESS(s))
        return s;
    /* A zero timeout would be a poll; the scenario's wait blocks: 0 means none. */
    s = ntsim_wait_thread(ctx->sys, tid, a->opt[0].number);
    if (NT_SUCCESS(s))
        put_state(ctx, r, tid);
    return s;
}

NTSTATUS sim_cmd_thread_wake(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG tid;
    NTSTATUS s = thread_of(ctx, a, &tid);
    if (!NT_SUCCESS(s))
        return s;
    s = ntsim_wake_thread(ctx->sys, tid);
    if (NT_SUCCESS(s))
        put_state(ctx, r, tid);
    return s;
}

/* Suspend and resume: the same shape, the previous count in the result. */
static NTSTATUS suspend_or_resume(sim_context *ctx, const sim_args *a, sim_record *r,
                                  NTSTATUS (*op)(ntsim_system *, ULONG, ULONG *))
{
    ULONG tid, prev;
    NTSTATUS s = thread_of(ctx, a, &tid);
    if (!NT_SUCCESS(s))
        return s;
    s = op(ctx->sys, tid, &prev);
    if (NT_SUCCESS(s)) {
        put_state(ctx, r, tid);
        sim_put_int(r, "previous_count", prev);
    }
    return s;
}

NTSTATUS sim_cmd_thread_suspend(sim_context *ctx, const sim_args *a, sim_record *r)
{
    return suspend_or_resume(ctx, a, r, ntsim_suspend_thread);
}

NTSTATUS sim_cmd_thread_resume(sim_context *ctx, const sim_args *a, sim_record *r)
{
    return suspend_or_resume(ctx, a, r, ntsim_resume_thread);
}
