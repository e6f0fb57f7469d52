/*
 * recorder.c - an event's fields, as the contract lists them for its kind,
 * into a record kept for `expect event`, then written under the running
 * line (a beep is also heard, with --audio).
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "debug/debug.h"
#include "event_table.h"
#include "recorder.h"
#include "rtl/alloc.h"
#include "sysmon.h"
#include "timeline.h"

/* Room for one more event; its record, reset; NULL when the host is out of memory. */
static sim_record *next_record(struct sim_event_log *log)
{
    if (log->count == log->cap) {
        uint32_t cap = log->cap ? log->cap * 2 : 16;
        sim_record *ev = rtl_realloc(log->records, cap * sizeof *ev);
        if (!ev)
            return NULL;
        memset(ev + log->cap, 0, (cap - log->cap) * sizeof *ev);
        log->records = ev;
        ntsim_event_kind *kinds = rtl_realloc(log->kinds, cap * sizeof *kinds);
        if (!kinds)
            return NULL; /* the records have their larger block, or still the old one: only the capacity stays */
        log->kinds = kinds;
        log->cap = cap;
    }
    sim_record *r = &log->records[log->count++];
    sim_record_reset(r);
    return r;
}

/* The process of a thread whose state changed: the scheduler knows threads
   only, and a reader of the trace asks which program ran. */
static ULONG pid_of_thread(ntsim_system *sys, ULONG tid)
{
    NTSIM_THREAD_INFO info;
    return sys && NT_SUCCESS(ntsim_query_thread(sys, tid, &info)) ? info.pid : 0;
}

/* An event's fields, in the order the contract lists them for its kind. */
static void put_fields(sim_context *ctx, sim_record *r, const ntsim_event *e)
{
    if (e->kind <= NTSIM_EVENT_IMAGE_LOAD)
        sim_put_int(r, "pid", e->pid);
    switch (e->kind) {
    case NTSIM_EVENT_DBGPRINT:
        sim_put_str(r, "driver", e->image);
        sim_put_str(r, "text", e->text);
        break;
    case NTSIM_EVENT_POOL_LEAK:
        sim_put_str(r, "driver", e->image);
        sim_put_str(r, "tag", e->text);
        sim_put_int(r, "blocks", e->count);
        sim_put_int(r, "bytes", (int64_t)e->size);
        break;
    case NTSIM_EVENT_SYSCALL: {
        char hex[24];
        sim_put_int(r, "tid", e->tid);
        sim_put_int(r, "number", e->number);
        sim_put_str(r, "name", e->service ? e->service : "");
        sim_put_str(r, "mode", e->count == UserMode ? "user" : "kernel");
        sim_put_lines(r, "args");
        for (ULONG i = 0; i < e->argc; i++) {
            snprintf(hex, sizeof hex, "0x%" PRIx64, e->args[i]);
            sim_lines_add(r, hex);
        }
        sim_put_status(r, "status", e->status);
        break;
    }
    case NTSIM_EVENT_THREAD_STATE:
        sim_put_int(r, "pid", pid_of_thread(ctx->sys, e->tid));
        sim_put_int(r, "tid", e->tid);
        sim_put_str(r, "from", ntsim_thread_state_name((KTHREAD_STATE)e->from));
        sim_put_str(r, "to", ntsim_thread_state_name((KTHREAD_STATE)e->to));
        sim_put_int(r, "cpu", e->cpu);
        break;
    case NTSIM_EVENT_PROCESS_CREATE:
        sim_put_int(r, "ppid", e->ppid);
        sim_put_int(r, "creating_pid", e->creating_pid);
        sim_put_int(r, "creating_tid", e->creating_tid);
        sim_put_str(r, "image", e->image);
        sim_put_str(r, "cmdline", e->cmdline);
        break;
    case NTSIM_EVENT_PROCESS_EXIT:
        sim_put_int(r, "exit_code", e->exit_code);
        break;
    case NTSIM_EVENT_THREAD_CREATE:
        sim_put_int(r, "tid", e->tid);
        sim_put_int(r, "creating_pid", e->creating_pid);
        sim_put_int(r, "creating_tid", e->creating_tid);
        break;
    case NTSIM_EVENT_THREAD_EXIT:
        sim_put_int(r, "tid", e->tid);
        sim_put_int(r, "exit_code", e->exit_code);
        break;
    case NTSIM_EVENT_IMAGE_LOAD:
        sim_put_str(r, "image", e->image);
        sim_put_hex(r, "base", e->base);
        sim_put_hex(r, "size", e->size);
        break;
    case NTSIM_EVENT_BEEP:
        sim_put_int(r, "pid", e->pid);
        sim_put_int(r, "tid", e->tid);
        sim_put_int(r, "frequency", e->frequency);
        sim_put_int(r, "duration", e->duration);
        break;
    case NTSIM_EVENT_CONSOLE:
        sim_put_int(r, "pid", e->pid);
        sim_put_int(r, "tid", e->tid);
        sim_put_str(r, "stream", e->stream);
        sim_put_str(r, "text", e->text);
        break;
    case NTSIM_EVENT_CALL: /* for the timeline and Sysmon's format only: never recorded */
    case NTSIM_EVENT_PROCESS_ACCESS:
    case NTSIM_EVENT_IRP:
        break;
    case NTSIM_EVENT_EXCEPTION:
        sim_put_int(r, "pid", e->pid);
        sim_put_int(r, "tid", e->tid);
        sim_put_status(r, "status", e->status);
        sim_put_str(r, "text", e->text);
        break;
    }
}

void sim_recorder_event(void *context, const ntsim_event *e)
{
    sim_context *ctx = context;
    if (ctx->sysmon)
        sim_sysmon_event(ctx->sysmon, e);
    if (ctx->timeline) {
        sim_timeline_event(ctx->timeline, e);
        if (!ctx->trace_sched && e->kind == NTSIM_EVENT_THREAD_STATE && !sim_timeline_follows_states(ctx->timeline))
            ntsim_set_trace(ctx->sys, NTSIM_TRACE_CALLS | (ctx->sysmon ? NTSIM_TRACE_HANDLES : 0) |
                                          (ctx->trace_syscalls ? NTSIM_TRACE_SYSCALLS : 0)); /* the scheduler may skip again */
    }
    if ((e->kind == NTSIM_EVENT_THREAD_STATE && !ctx->trace_sched) || e->kind == NTSIM_EVENT_CALL ||
        e->kind == NTSIM_EVENT_PROCESS_ACCESS || e->kind == NTSIM_EVENT_IRP ||
        (e->kind == NTSIM_EVENT_SYSCALL && !ctx->trace_syscalls)) {
        if (ctx->debugger) /* traced for the debugger's breakpoints */
            sim_debug_event(ctx->debugger, ctx, e);
        return; /* traced for the timeline only */
    }
    /* Once the engine could not keep one, the line's output stops there: it ends in an error. */
    if (ctx->out_of_memory || ctx->writer->failed)
        return;
    sim_record *r = next_record(&ctx->events);
    if (!r) {
        ctx->out_of_memory = true;
        return;
    }
    ctx->events.kinds[ctx->events.count - 1] = e->kind;
    put_fields(ctx, r, e);
    /* a tone on the speaker: heard too, with --audio */
    if (e->kind == NTSIM_EVENT_BEEP && ctx->audio &&
        !sim_audio_tone(ctx->audio, e->time, e->frequency, e->duration))
        ctx->out_of_memory = true;
    if (sim_record_failed(r)) {
        ctx->events.count--; /* not kept for expect either */
        ctx->out_of_memory = true;
        return;
    }
    assert(sim_record_fits(r, 0, sim_event_fields(e->kind), NULL)); /* as the event table declares them */
    sim_write_event(ctx->writer, ctx->line, sim_event_name(e->kind), e->time, r);
    if (ctx->debugger)
        sim_debug_event(ctx->debugger, ctx, e);
}

void sim_recorder_clear(sim_context *ctx)
{
    ctx->events.count = 0;
}

void sim_recorder_free(sim_context *ctx)
{
    for (uint32_t i = 0; i < ctx->events.cap; i++)
        sim_record_free(&ctx->events.records[i]);
    rtl_free(ctx->events.records);
    rtl_free(ctx->events.kinds);
    ctx->events = (struct sim_event_log){ 0 };
}
