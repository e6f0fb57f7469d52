/*
 * binding.c - defining, ending and binding the scenario's names. Names are
 * defined at validation, in file order, so that `check` knows them without
 * running; they are bound when the command that creates the object runs.
 */
#include <string.h>

#include "binding.h"
#include "values.h"

bool sim_define_boot_names(sim_names *names)
{
    return sim_names_add(names, SIM_NAME_PROCESS, "Idle", 4, 0) &&
           sim_names_add(names, SIM_NAME_PROCESS, "System", 6, 0) &&
           sim_names_add(names, SIM_NAME_THREAD, "System.main", 11, 0);
}

void sim_bind(sim_context *ctx, sim_name_kind kind, sim_name *e, ULONG id)
{
    uint64_t seq = 0;
    if (kind == SIM_NAME_PROCESS)
        ntsim_process_sequence(ctx->sys, id, &seq);
    else
        ntsim_thread_sequence(ctx->sys, id, &seq);
    /* The object exists; without room to name it the line ends in an error. */
    ctx->out_of_memory |= !sim_names_bind(&ctx->names, e, id, seq);
}

void sim_bind_boot_names(sim_context *ctx)
{
    sim_bind(ctx, SIM_NAME_PROCESS, sim_names_find(&ctx->names, SIM_NAME_PROCESS, "Idle", 4), 0);
    sim_bind(ctx, SIM_NAME_PROCESS, sim_names_find(&ctx->names, SIM_NAME_PROCESS, "System", 6), 4);
    sim_bind(ctx, SIM_NAME_THREAD, sim_names_find(&ctx->names, SIM_NAME_THREAD, "System.main", 11),
             ntsim_current_thread_id(ctx->sys));
}

/* Defines a name, or takes back one an exit line ended (unbound until its create runs). */
static sim_name *define_entry(sim_context *ctx, sim_name_kind kind, sim_name *e, const char *s, size_t n)
{
    if (!e) {
        e = sim_names_add(&ctx->names, kind, s, n, ctx->line);
        ctx->out_of_memory |= !e;
        return e;
    }
    if (e->gone) {
        e = sim_names_revive(&ctx->names, e, ctx->line);
        ctx->out_of_memory |= !e;
        return e;
    }
    sim_names_bind(&ctx->names, e, 0, 0); /* an unbinding: takes no memory */
    e->line = ctx->line;
    return e;
}

static void define(sim_context *ctx, sim_name_kind kind, const char *s, size_t n)
{
    define_entry(ctx, kind, sim_names_find(&ctx->names, kind, s, n), s, n);
}

/* A value defines its name: the entry is kept for the command that binds it. */
static void define_value(sim_context *ctx, sim_name_kind kind, const sim_value *v)
{
    sim_name *e = define_entry(ctx, kind, sim_value_name(ctx, kind, v), v->text, v->len);
    sim_value *m = (sim_value *)v; /* the cache only */
    m->name = e;
    m->name_generation = ctx->names.generation;
}

static void mark_ended_entry(sim_context *ctx, sim_name *e)
{
    if (e && e->line > 0) /* boot-time names are never reused */
        ctx->out_of_memory |= !sim_names_end(&ctx->names, e);
}

static void mark_ended(sim_context *ctx, sim_name_kind kind, const char *s, size_t n)
{
    mark_ended_entry(ctx, sim_names_find(&ctx->names, kind, s, n));
}

/* Whether a name's object is still there: bound, and its ID not yet reused. */
static bool object_alive(void *context, const sim_name *e)
{
    sim_context *ctx = context;
    uint64_t seq;
    if (e->sequence == 0)
        return false; /* its create line failed */
    NTSTATUS s = e->kind == SIM_NAME_PROCESS ? ntsim_process_sequence(ctx->sys, e->id, &seq)
                                             : ntsim_thread_sequence(ctx->sys, e->id, &seq);
    return NT_SUCCESS(s) && seq == e->sequence;
}

void sim_sweep_names(sim_context *ctx)
{
    if (ctx->sys)
        sim_names_sweep(&ctx->names, object_alive, ctx);
}

void sim_define_names(sim_context *ctx, const sim_args *a)
{
    char main_name[SIM_MAX_LINE + 8];
    const sim_value *v = &a->pos[0];
    if (a->cmd->kind == SIM_CMD_PROCESS_EXIT) {
        mark_ended_entry(ctx, sim_value_name(ctx, SIM_NAME_PROCESS, v));
        sim_main_name(main_name, v->text, v->len);
        mark_ended(ctx, SIM_NAME_THREAD, main_name, strlen(main_name));
        return;
    }
    if (a->cmd->kind == SIM_CMD_THREAD_EXIT) {
        mark_ended_entry(ctx, sim_value_name(ctx, SIM_NAME_THREAD, v));
        return;
    }
    for (int p = 0; p < SIM_MAX_ARGS && a->cmd->pos[p].name; p++) {
        v = &a->pos[p];
        if (a->cmd->pos[p].kind == ARG_NEW_PROCESS) {
            define_value(ctx, SIM_NAME_PROCESS, v);
            sim_main_name(main_name, v->text, v->len);
            define(ctx, SIM_NAME_THREAD, main_name, strlen(main_name));
        } else if (a->cmd->pos[p].kind == ARG_NEW_THREAD) {
            define_value(ctx, SIM_NAME_THREAD, v);
        }
    }
}
