/*
 * scenario.c - the scenario engine's loop: each line read (reader.c),
 * tokenized (lexer.c), parsed and validated (parser.c), its names defined
 * (binding.c), then run, its events (recorder.c) and result written;
 * `expect` lines are run by expect.c. `check` stops after validation.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binding.h"
#include "debug/debug.h"
#include "drivers/driver.h"
#include "expect.h"
#include "parser.h"
#include "prompt.h"
#include "reader.h"
#include "sysmon.h"
#include "recorder.h"
#include "rtl/alloc.h"
#include "scenario.h"

static void context_init(sim_context *ctx, sim_writer *w)
{
    memset(ctx, 0, sizeof *ctx);
    ntsim_config_default(&ctx->config);
    ctx->writer = w;
    sim_names_init(&ctx->names);
    /* Boot-time objects have names of their own. */
    ctx->out_of_memory = !sim_define_boot_names(&ctx->names);
}

static void context_free(sim_context *ctx)
{
    ntsim_system_destroy(ctx->sys);
    sim_names_free(&ctx->names);
    sim_generic_free(ctx);
    sim_record_free(&ctx->result);
    sim_recorder_free(ctx);
}

/* Boots the system on first use: at the system line, or at the first
   command of a file without one. */
static NTSTATUS boot(sim_context *ctx)
{
    if (ctx->sys)
        return STATUS_SUCCESS;
    ntsim_config c = ctx->config;
    if (ctx->has_seed_override)
        c.seed = ctx->seed_override;
    NTSTATUS s = ntsim_system_create(&c, &ctx->sys);
    if (!NT_SUCCESS(s))
        return s;
    ntsim_set_event_sink(ctx->sys, sim_recorder_event, ctx);
    if (ctx->sysmon)
        sim_sysmon_boot(ctx->sysmon, ctx->sys, c.seed);
    /* A timeline needs every state change, printed or not. */
    /* The debugger stops at routine calls and services: traced, not printed (recorder.c). */
    ntsim_set_trace(ctx->sys, (ctx->trace_sched || ctx->timeline ? NTSIM_TRACE_SCHED : 0) |
                                  (ctx->timeline || ctx->debugger ? NTSIM_TRACE_CALLS : 0) |
                                  (ctx->sysmon ? NTSIM_TRACE_HANDLES : 0) |
                                  (ctx->trace_syscalls || ctx->debugger ? NTSIM_TRACE_SYSCALLS : 0));
    sim_bind_boot_names(ctx);
    return STATUS_SUCCESS;
}

/* A configuration the library will not boot is the scenario's error, at its line. */
static bool refused(sim_error *err, NTSTATUS s)
{
    char hex[16];
    const char *name = ntsim_status_name(s);
    if (!name) {
        snprintf(hex, sizeof hex, "0x%08x", (unsigned)s);
        name = hex;
    }
    return sim_error_at(err, 1, "the system line's configuration was refused (%s)", name);
}

/* Did the engine run out of host memory (a name, a record, the writer)?
   Then the line ends in a scenario error, and the flags are cleared. */
static bool out_of_memory(sim_context *ctx, sim_error *err)
{
    if (!ctx->out_of_memory && !ctx->writer->failed)
        return false;
    ctx->out_of_memory = ctx->writer->failed = false;
    sim_error_at(err, 1, "out of memory");
    return true;
}

/* Runs one validated command; returns the exit status it implies. */
static int run_command(sim_context *ctx, const sim_args *a, sim_error *err)
{
    sim_record scratch = { 0 };
    const sim_command *cmd = a->cmd;
    if (cmd->kind == SIM_CMD_EXPECT) {
        NTSTATUS st = sim_expect_run(ctx, a);
        sim_put_status(&scratch, "status", st);
        ctx->out_of_memory |= sim_record_failed(&scratch);
        if (!ctx->out_of_memory)
            sim_write_result(ctx->writer, ctx->line, cmd->name, &scratch);
        sim_record_free(&scratch);
        if (out_of_memory(ctx, err))
            return SIM_EXIT_ERROR;
        return st == STATUS_SUCCESS ? SIM_EXIT_OK : SIM_EXIT_EXPECT;
    }
    if (cmd->kind == SIM_CMD_SYSTEM)
        sim_configure(&ctx->config, a);
    ctx->config_fixed = true;
    NTSTATUS s = boot(ctx);
    if (!NT_SUCCESS(s)) {
        refused(err, s);
        return SIM_EXIT_ERROR;
    }
    if (out_of_memory(ctx, err)) /* the boot-time names could not be bound */
        return SIM_EXIT_ERROR;
    sim_recorder_clear(ctx);
    sim_record *r = &ctx->result;
    sim_record_reset(r);
    sim_put_status(r, "status", STATUS_SUCCESS);
    ctx->keep_fields = false;
    NTSTATUS st = cmd->run(ctx, a, r);
    ntsim_run_threads(ctx->sys); /* system threads the command made runnable run now */
    r->fields[0].v.i = st;
    if (!NT_SUCCESS(st) && !ctx->keep_fields)
        r->count = 1; /* a failed call reports its status alone */
    /* A result or event the engine could not keep or write: the line ends in an error instead. */
    ctx->out_of_memory |= sim_record_failed(r);
    if (out_of_memory(ctx, err))
        return SIM_EXIT_ERROR;
    /* What `expect` may name of a result is declared with its command: they must agree. */
    assert(sim_record_fits(r, 1, cmd->fields,
                           ctx->previous.driver ? sim_driver_result_fields(cmd, ctx->previous.driver) : NULL));
    sim_write_result(ctx->writer, ctx->line, cmd->name, r);
    return out_of_memory(ctx, err) ? SIM_EXIT_ERROR : SIM_EXIT_OK;
}

/* The fault sweep's consistency check: whatever a command met, the system
   stands. A broken invariant is ntsim's bug, not the scenario's: the run
   stops at once, loudly. */
static void check_invariants(sim_context *ctx, const char *file)
{
    char why[256];
    if (ctx->sys && !ntsim_check_system(ctx->sys, why, sizeof why)) {
        fprintf(stderr, "%s:%d: ntsim: invariant broken: %s\n", file, ctx->line, why);
        abort();
    }
}

static void report(const char *file, int line, const sim_error *e, FILE *err)
{
    fprintf(err, "%s:%d:%d: error: %s\n", file, line, e->col, e->message);
}

/* What a line read comes to: nothing (blank, a comment), a command, or an error. */
typedef enum line_kind { LINE_BLANK, LINE_COMMAND, LINE_ERROR } line_kind;

static line_kind parse_line(sim_context *ctx, const char *text, size_t len, bool too_long, sim_line *line,
                            sim_args *a, sim_error *e)
{
    sim_lex_error le;
    e->col = 0;
    e->message[0] = '\0';
    if (too_long) {
        sim_error_at(e, SIM_MAX_LINE + 1, "line longer than %d bytes", SIM_MAX_LINE);
        return LINE_ERROR;
    }
    if (!sim_lex(text, len, line, &le)) {
        sim_error_at(e, le.col, "%s", le.message);
        return LINE_ERROR;
    }
    if (line->count == 0)
        return LINE_BLANK;
    return sim_parse_command(ctx, line, a, e) ? LINE_COMMAND : LINE_ERROR;
}

/* A valid line that is not an expect is the command the expect lines after it check. */
static void remember_command(sim_context *ctx, const sim_args *a)
{
    if (a->cmd->kind == SIM_CMD_EXPECT)
        return;
    bool has_driver = a->cmd->kind == SIM_CMD_DRIVER || a->cmd->kind == SIM_CMD_DRIVER_OPTIONS;
    ctx->previous.cmd = a->cmd;
    ctx->previous.driver = has_driver ? sim_find_driver(a->pos[0].text) : NULL;
    /* A client line on a driver with no built-in client is the generic client's. */
    if (has_driver && !ctx->previous.driver && strncmp(a->cmd->name, "client ", 7) == 0)
        ctx->previous.driver = &sim_generic_client;
    ctx->previous.line = ctx->line;
}

/* `check` of a valid line: whether the system line's configuration boots
   (a system made and destroyed at once), and what running the line would
   have changed for the lines after it; returns the exit status it implies. */
static int check_command(sim_context *ctx, const sim_args *a, sim_error *err)
{
    ctx->config_fixed = true; /* a system line too: it may come only once, first */
    if (a->cmd->kind != SIM_CMD_SYSTEM)
        return SIM_EXIT_OK;
    ntsim_config c = ctx->config;
    ntsim_system *sys;
    sim_configure(&c, a);
    NTSTATUS s = ntsim_system_create(&c, &sys);
    ntsim_system_destroy(sys);
    if (NT_SUCCESS(s))
        return SIM_EXIT_OK;
    refused(err, s);
    return SIM_EXIT_ERROR;
}

static void apply_options(sim_context *ctx, const sim_run_options *options)
{
    if (!options)
        return;
    ctx->trace_sched = options->trace_sched;
    ctx->trace_syscalls = options->trace_syscalls;
    ctx->audio = options->audio; /* --audio: the tones the run plays */
    ctx->timeline = options->timeline;
    ctx->sysmon = options->sysmon;
    ctx->check_invariants = options->check_invariants;
    ctx->debugger = options->debugger;
    if (options->has_seed) {
        ctx->has_seed_override = true;
        ctx->seed_override = options->seed;
    }
}

/* Driver files are relative to the scenario's folder (the current one for stdin). */
static void set_folder(sim_context *ctx, const char *name)
{
    const char *slash = strrchr(name, '/');
    size_t n = slash ? (size_t)(slash - name) + 1 : 0;
    if (n >= sizeof ctx->folder)
        n = 0;
    memcpy(ctx->folder, name, n);
    ctx->folder[n] = '\0';
}

/* Runs (or checks) every line of in; returns the exit status. */
static int process(const char *name, sim_reader *in, const sim_run_options *options, FILE *out, FILE *err, bool check,
                   int *lines, bool interactive)
{
    sim_writer w = { .format = options ? options->format : SIM_FORMAT_JSONL, .out = out,
                     .color = options && options->color && options->format == SIM_FORMAT_TEXT };
    sim_context ctx;
    sim_line *line = rtl_malloc(sizeof *line);
    sim_args *a = rtl_malloc(sizeof *a);
    char *shown = rtl_malloc(SIM_MAX_LINE + 1); /* the running line as the text format shows it */
    context_init(&ctx, &w);
    if (!line || !a || !shown || ctx.out_of_memory) {
        fprintf(err, "%s:1:1: error: out of memory\n", name);
        context_free(&ctx);
        rtl_free(line);
        rtl_free(a);
        rtl_free(shown);
        return SIM_EXIT_ERROR;
    }
    w.command = shown;
    shown[0] = '\0';
    if (options && options->name_files) {
        w.scenario = name; /* jsonl: every record says which file it comes from */
        if (w.format == SIM_FORMAT_TEXT)
            fprintf(out, "==> %s <==\n", name);
    }
    apply_options(&ctx, options);
    set_folder(&ctx, name);
    int exit_status = SIM_EXIT_OK;
    int errors = 0;
    const char *text;
    size_t len;
    bool too_long;
    while (sim_reader_next(in, &text, &len, &too_long)) {
        ctx.line++;
        sim_error e;
        line_kind k = parse_line(&ctx, text, len, too_long, line, a, &e);
        if (k == LINE_BLANK)
            continue;
        if (k == LINE_COMMAND) {
            if (w.format == SIM_FORMAT_TEXT) /* only the text format shows the command's text */
                sim_line_display(text, len, shown, SIM_MAX_LINE + 1);
            sim_define_names(&ctx, a);
            if (out_of_memory(&ctx, &e))
                k = LINE_ERROR;
        }
        if (k == LINE_COMMAND && ctx.debugger && !check) {
            /* A debugger's first stop is with the system up: a file without a system line boots it now. */
            if (a->cmd->kind != SIM_CMD_SYSTEM)
                boot(&ctx);
            sim_debug_before_line(ctx.debugger, &ctx, text, len);
            if (sim_debug_quit(ctx.debugger))
                break;
        }
        if (k == LINE_COMMAND) {
            remember_command(&ctx, a);
            int s = check ? check_command(&ctx, a, &e) : run_command(&ctx, a, &e);
            if (!check && ctx.check_invariants)
                check_invariants(&ctx, name);
            if (!check)
                sim_sweep_names(&ctx);
            if (s == SIM_EXIT_EXPECT && exit_status == SIM_EXIT_OK)
                exit_status = SIM_EXIT_EXPECT;
            if (interactive) { /* each line's output before the next prompt */
                sim_writer_flush(&w);
                fflush(out);
            }
            if (s != SIM_EXIT_ERROR)
                continue;
        }
        sim_writer_flush(&w); /* what came before the error goes out first */
        fflush(out);
        report(name, ctx.line, &e, err);
        errors++;
        if (!check) {
            sim_write_error(&w, ctx.line, e.col, e.message);
            exit_status = SIM_EXIT_ERROR;
            if (interactive) { /* a typo does not end a session: the next line is asked for */
                sim_writer_flush(&w);
                fflush(out);
                continue;
            }
            break;
        }
    }
    if (check && errors)
        exit_status = SIM_EXIT_ERROR;
    if (lines)
        *lines = ctx.line;
    /* The system goes down while the writer stands: what its teardown tells
       (a driver's pool left behind) is the last line's, and so is an event
       the engine could not keep then. */
    if (ctx.sys && options && options->at_end)
        options->at_end(ctx.sys, options->at_end_context);
    ntsim_system_destroy(ctx.sys);
    ctx.sys = NULL;
    sim_error e;
    if (out_of_memory(&ctx, &e) && exit_status != SIM_EXIT_ERROR) {
        sim_writer_flush(&w);
        report(name, ctx.line, &e, err);
        sim_write_error(&w, ctx.line, e.col, e.message);
        exit_status = SIM_EXIT_ERROR;
    }
    sim_writer_flush(&w);
    fflush(out);
    context_free(&ctx);
    sim_writer_free(&w);
    rtl_free(line);
    rtl_free(a);
    rtl_free(shown);
    return exit_status;
}

/* A reader could not be had: the file's first line says so. */
static int no_reader(const char *name, FILE *err)
{
    fprintf(err, "%s:1:1: error: out of memory\n", name);
    return SIM_EXIT_ERROR;
}

static int with_file(const char *path, const sim_run_options *options, FILE *out, FILE *err, bool check, int *lines)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        int e = errno;
        fprintf(err, "%s:1:1: error: cannot read: %s\n", path, strerror(e));
        if (!check && options && options->format == SIM_FORMAT_JSONL) {
            sim_writer w = { .format = SIM_FORMAT_JSONL, .out = out };
            char msg[300];
            snprintf(msg, sizeof msg, "cannot read %s: %s", path, strerror(e));
            sim_write_error(&w, 1, 1, msg);
            sim_writer_free(&w);
        }
        return SIM_EXIT_ERROR;
    }
    /* Standard input on a terminal, for a run: a session at a prompt. */
    bool interactive = is_stdin && !check && options && options->interactive;
    sim_prompt prompt = { .in = f, .talk = err };
    sim_reader *r = interactive ? sim_reader_of_source(sim_prompt_next, &prompt) : sim_reader_of_file(f);
    int s = r ? process(is_stdin ? "<stdin>" : path, r, options, out, err, check, lines, interactive)
              : no_reader(is_stdin ? "<stdin>" : path, err);
    sim_reader_free(r);
    if (!is_stdin)
        fclose(f);
    return s;
}

int sim_run_file(const char *path, const sim_run_options *options, FILE *out, FILE *err)
{
    return with_file(path, options, out, err, false, NULL);
}

int sim_check_file(const char *path, FILE *err, int *lines)
{
    return with_file(path, NULL, NULL, err, true, lines);
}

static int with_buffer(const char *name, const char *data, size_t len, const sim_run_options *options, FILE *out,
                       FILE *err, bool check)
{
    sim_reader *r = sim_reader_of_buffer(data, len);
    int s = r ? process(name, r, options, out, err, check, NULL, false) : no_reader(name, err);
    sim_reader_free(r);
    return s;
}

int sim_run_buffer(const char *name, const char *data, size_t len, const sim_run_options *options, FILE *out, FILE *err)
{
    return with_buffer(name, data, len, options, out, err, false);
}

int sim_check_buffer(const char *name, const char *data, size_t len, FILE *err)
{
    return with_buffer(name, data, len, NULL, NULL, err, true);
}
