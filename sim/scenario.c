/*
 * scenario.c - the scenario engine: reads a file line by line, parses and
 * validates each line against the command table, runs it, and writes its
 * events and result; `expect` lines check the previous command's result.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "audio.h"
#include "drivers/driver.h"
#include "rtl/alloc.h"
#include "scenario.h"
#include "values.h"

/* ---- reading lines ------------------------------------------------------- */

typedef struct reader {
    FILE *file;             /* NULL: reading from memory */
    const char *data;
    size_t size, pos;
    char buf[65536];
    size_t start, end;      /* unread bytes of buf */
    bool eof;
    char line[SIM_MAX_LINE + 2];
} reader;

/* The next line without its newline; *too_long if it exceeded the limit. */
static bool next_line(reader *r, const char **text, size_t *len, bool *too_long)
{
    size_t n = 0;
    bool any = false;
    *too_long = false;
    for (;;) {
        if (r->start == r->end) {
            if (r->eof)
                break;
            if (r->file) {
                r->end = fread(r->buf, 1, sizeof r->buf, r->file);
            } else {
                size_t take = r->size - r->pos < sizeof r->buf ? r->size - r->pos : sizeof r->buf;
                memcpy(r->buf, r->data + r->pos, take);
                r->pos += take;
                r->end = take;
            }
            r->start = 0;
            if (r->end == 0) {
                r->eof = true;
                break;
            }
        }
        any = true;
        const char *from = r->buf + r->start;
        const char *nl = memchr(from, '\n', r->end - r->start);
        size_t chunk = nl ? (size_t)(nl - from) : r->end - r->start;
        if (n == 0 && nl && chunk <= SIM_MAX_LINE) {
            /* The whole line is in the buffer: read in place, not copied. */
            r->start += chunk + 1;
            *text = from;
            *len = chunk;
            return true;
        }
        size_t room = SIM_MAX_LINE + 1 - n;
        size_t copy = chunk < room ? chunk : room;
        memcpy(r->line + n, from, copy);
        n += copy;
        if (chunk > copy)
            *too_long = true;
        r->start += chunk + (nl ? 1 : 0);
        if (nl)
            break;
    }
    if (!any)
        return false;
    if (n > SIM_MAX_LINE)
        *too_long = true;
    *text = r->line;
    *len = n > SIM_MAX_LINE ? SIM_MAX_LINE + 1 : n;
    return true;
}

/* ---- errors -------------------------------------------------------------- */

typedef struct sim_error {
    int col;
    char message[300];
} sim_error;

static bool error_at(sim_error *e, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    e->col = col;
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return false;
}

/* ---- parsing and validation ---------------------------------------------- */

static const char *const drivers[] = { "sysmon", "detector", "enumproc", "booster", "blocker", "beep", "melody" };

static const char *const event_names[] = { "process_create", "process_exit", "thread_create", "thread_exit",
                                           "image_load", "dbgprint", "thread_state", "syscall", "beep" };

static bool is_driver(const char *s)
{
    for (size_t i = 0; i < sizeof drivers / sizeof drivers[0]; i++)
        if (strcmp(drivers[i], s) == 0)
            return true;
    return false;
}

static bool is_event_name(const char *s)
{
    for (size_t i = 0; i < sizeof event_names / sizeof event_names[0]; i++)
        if (strcmp(event_names[i], s) == 0)
            return true;
    return false;
}

static int choice_index(const char *choices, const char *s, size_t n)
{
    int index = 0;
    for (const char *c = choices; *c; index++) {
        const char *bar = strchr(c, '|');
        size_t len = bar ? (size_t)(bar - c) : strlen(c);
        if (len == n && memcmp(c, s, n) == 0)
            return index;
        if (!bar)
            break;
        c = bar + 1;
    }
    return -1;
}

static const char *name_kind_word(sim_name_kind k)
{
    return k == SIM_NAME_PROCESS ? "process" : k == SIM_NAME_THREAD ? "thread" : "driver";
}

static bool parse_value(sim_context *ctx, const sim_arg_spec *spec, const char *s, size_t n, int col, sim_value *v,
                        sim_error *err)
{
    size_t bad;
    uint32_t flags;
    v->present = true;
    v->text = s;
    v->len = n;
    switch (spec->kind) {
    case ARG_PROCESS:
    case ARG_THREAD:
    case ARG_OBJECT: {
        if (!sim_valid_name(s, n))
            return error_at(err, col, "bad name '%.*s' for %s", (int)n, s, spec->name);
        bool found = (spec->kind != ARG_THREAD && sim_value_name(ctx, SIM_NAME_PROCESS, v)) ||
                     (spec->kind != ARG_PROCESS && sim_value_name(ctx, SIM_NAME_THREAD, v));
        if (!found)
            return error_at(err, col, "unknown %s '%.*s'",
                            spec->kind == ARG_PROCESS ? "process" : spec->kind == ARG_THREAD ? "thread"
                                                                                            : "process or thread",
                            (int)n, s);
        return true;
    }
    case ARG_DRIVER:
        if (!is_driver(s))
            return error_at(err, col, "unknown driver '%.*s' (built-in: sysmon, detector, enumproc, booster, blocker, "
                                      "beep, melody)", (int)n, s);
        return true;
    case ARG_NEW_PROCESS:
    case ARG_NEW_THREAD: {
        sim_name_kind kind = spec->kind == ARG_NEW_PROCESS ? SIM_NAME_PROCESS : SIM_NAME_THREAD;
        if (!sim_valid_name(s, n))
            return error_at(err, col, "bad name '%.*s': names are [A-Za-z_][A-Za-z0-9_.-]*", (int)n, s);
        /* A name may be defined again once an exit line has ended what it named. */
        const sim_name *e = sim_value_name(ctx, kind, v);
        if (e && !e->ended)
            return error_at(err, col, "duplicate %s name '%.*s' (defined on line %d)", name_kind_word(kind),
                            (int)n, s, e->line);
        if (kind == SIM_NAME_PROCESS) {
            char main_name[SIM_MAX_LINE + 8];
            sim_main_name(main_name, s, n);
            e = sim_names_find(&ctx->names, SIM_NAME_THREAD, main_name, strlen(main_name));
            if (e && !e->ended)
                return error_at(err, col, "duplicate thread name '%s' (defined on line %d)", main_name, e->line);
        }
        return true;
    }
    case ARG_NUMBER:
        if (!sim_parse_number(s, n, &v->number))
            return error_at(err, col, "bad number '%.*s' for %s", (int)n, s, spec->name);
        return true;
    case ARG_DURATION:
        if (!sim_parse_duration(s, n, &v->number))
            return error_at(err, col, "bad duration '%.*s' (10ms, 2s, 100us or 100 ns ticks)", (int)n, s);
        return true;
    case ARG_MEM_FLAGS:
    case ARG_PAGE_FLAGS:
    case ARG_ACCESS: {
        ntsim_flag_kind k = spec->kind == ARG_MEM_FLAGS ? NTSIM_FLAGS_MEM
                            : spec->kind == ARG_PAGE_FLAGS ? NTSIM_FLAGS_PAGE : NTSIM_FLAGS_ACCESS;
        if (!ntsim_flags_parse(k, s, n, &flags, &bad))
            return error_at(err, col + (int)bad, "bad flag in '%.*s' for %s", (int)n, s, spec->name);
        v->number = flags;
        return true;
    }
    case ARG_STRING:
    case ARG_ANY:
        return true;
    case ARG_SWITCH: {
        bool on;
        if (!sim_parse_switch(s, n, &on))
            return error_at(err, col, "bad value '%.*s' for %s: on or off", (int)n, s, spec->name);
        v->number = on;
        return true;
    }
    case ARG_CHOICE: {
        int i = choice_index(spec->choices, s, n);
        if (i < 0)
            return error_at(err, col, "bad value '%.*s' for %s: %s", (int)n, s, spec->name, spec->choices);
        v->number = (uint64_t)i;
        return true;
    }
    }
    return true;
}

static bool validate_expect(sim_context *ctx, const sim_args *a, sim_error *err)
{
    const char *name = a->cmd->name;
    if (!ctx->have_result)
        return error_at(err, 1, "expect has no command before it to check");
    if (strcmp(name, "expect status") == 0 && a->rest_count > 0)
        return error_at(err, a->rest[0].col, "expect status: unexpected argument '%s'", a->rest[0].text);
    if (strcmp(name, "expect status") == 0) {
        NTSTATUS st;
        uint64_t v;
        const sim_value *s = &a->pos[0];
        if (!ntsim_status_from_name(s->text, s->len, &st) && !(sim_parse_number(s->text, s->len, &v) && v <= UINT32_MAX))
            return error_at(err, s->token->col, "unknown status '%.*s'", (int)s->len, s->text);
        return true;
    }
    int from = 0;
    if (strcmp(name, "expect event") == 0) {
        if (!is_event_name(a->pos[0].text))
            return error_at(err, a->pos[0].token->col, "unknown event '%s'", a->pos[0].text);
    } else if (a->rest_count == 0) {
        return error_at(err, 1, "expect needs FIELD=VALUE, 'status STATUS' or 'event EVENT'");
    }
    for (int i = from; i < a->rest_count; i++)
        if (!a->rest[i].key)
            return error_at(err, a->rest[i].col, "expected FIELD=VALUE, got '%s'", a->rest[i].text);
    return true;
}

/* The system line: first, once, and a machine ntsim can boot. */
static bool validate_system(sim_context *ctx, const sim_line *line, const sim_args *a, sim_error *err)
{
    if (ctx->config_fixed)
        return error_at(err, line->tokens[0].col, "system must come before any other command");
    bool x86 = a->opt[0].present && a->opt[0].number == 1;
    const sim_value *cpus = &a->opt[1], *uva = &a->opt[4];
    if (cpus->present && (cpus->number < 1 || cpus->number > (x86 ? 32u : 64u)))
        return error_at(err, cpus->token->value_col, "cpus must be 1..%d", x86 ? 32 : 64);
    if (uva->present && !x86)
        return error_at(err, uva->token->col, "increase_uva is a 32-bit boot option (arch=x86)");
    if (uva->present && (uva->number < (2ull << 30) || uva->number > (3ull << 30)))
        return error_at(err, uva->token->value_col, "increase_uva must be 2G..3G");
    for (int o = 5; o <= 6; o++)
        if (a->opt[o].present && a->opt[o].number > (1ull << 50))
            return error_at(err, a->opt[o].token->value_col, "%s is too large", a->cmd->opt[o].name);
    return true;
}

static bool validate_driver(const sim_args *a, sim_error *err)
{
    int col;
    if (sim_validate_driver_line(a, err->message, sizeof err->message, &col))
        return true;
    err->col = col;
    return false;
}

/* syscall THREAD SERVICE ARG...: a known service name or a number, then values. */
static bool validate_syscall(sim_args *a, const sim_line *line, int i, sim_error *err)
{
    const sim_value *svc = &a->pos[1];
    ULONG number;
    uint64_t v;
    if (!NT_SUCCESS(ntsim_service_number(svc->text, &number)) && !sim_parse_number(svc->text, svc->len, &v))
        return error_at(err, svc->token->col, "unknown service '%s' (a name of `syscall table`, or a number)", svc->text);
    a->rest = &line->tokens[i];
    a->rest_count = line->count - i;
    if (a->rest_count > 16)
        return error_at(err, a->rest[16].col, "syscall: at most 16 arguments");
    for (int k = 0; k < a->rest_count; k++)
        if (!sim_parse_syscall_arg(a->rest[k].text, a->rest[k].len, &v))
            return error_at(err, a->rest[k].col, "syscall: bad argument '%s' (a number, -N, or flag names)",
                            a->rest[k].text);
    return true;
}

/* A few values, cleared field by field: a memset of a length known only
   here compiles to `rep stos`, whose start-up costs more than the stores. */
static void clear_values(sim_value *v, int n)
{
    for (int i = 0; i < n; i++) {
        v[i].present = false;
        v[i].token = NULL;
        v[i].number = 0;
        v[i].text = NULL;
        v[i].len = 0;
        v[i].name = NULL;
        v[i].name_generation = 0;
    }
}

/* Parses and validates a tokenized line into a; false with err on a scenario error. */
static bool parse_command(sim_context *ctx, const sim_line *line, sim_args *a, sim_error *err)
{
    int words;
    /* Only what this command uses is cleared: the whole is ~1 KB a line. */
    a->cmd = NULL;
    a->rest = NULL;
    a->rest_count = 0;
    a->line = ctx->line;
    const sim_command *cmd = sim_find_command(line, &words);
    if (!cmd) {
        const sim_token *t = &line->tokens[0];
        if (sim_is_command_group(t->text)) {
            if (line->count < 2)
                return error_at(err, t->col + (int)t->len, "'%s' needs a sub-command", t->text);
            return error_at(err, line->tokens[1].col, "unknown command '%s %s'", t->text, line->tokens[1].text);
        }
        return error_at(err, t->col, "unknown command '%s'", t->text);
    }
    a->cmd = cmd;
    int i = words;
    int npos = 0, nopt = 0;
    while (npos < SIM_MAX_ARGS && cmd->pos[npos].name)
        npos++;
    while (nopt < SIM_MAX_OPTS && cmd->opt[nopt].name)
        nopt++;
    clear_values(a->pos, npos);
    clear_values(a->opt, nopt);
    for (int p = 0; p < npos; p++, i++) {
        const sim_arg_spec *spec = &cmd->pos[p];
        if (i >= line->count || (line->tokens[i].key && sim_option_index(cmd, line->tokens[i].key) >= 0)) {
            const sim_token *last = &line->tokens[i < line->count ? i : line->count - 1];
            int col = i < line->count ? last->col : last->col + (int)last->len;
            return error_at(err, col, "%s: missing argument %s", cmd->name, spec->name);
        }
        const sim_token *t = &line->tokens[i];
        a->pos[p].token = t;
        if (!parse_value(ctx, spec, t->text, t->len, t->col, &a->pos[p], err))
            return false;
    }
    if (cmd->kind == SIM_CMD_EXPECT) {
        a->rest = &line->tokens[i];
        a->rest_count = line->count - i;
        return validate_expect(ctx, a, err);
    }
    if (cmd->kind == SIM_CMD_SYSCALL)
        return validate_syscall(a, line, i, err);
    if (cmd->kind == SIM_CMD_DRIVER_OPTIONS) {
        /* Their NAME=VALUE tokens belong to the driver: checked against it. */
        a->rest = &line->tokens[i];
        a->rest_count = line->count - i;
        return validate_driver(a, err);
    }
    if (cmd->kind == SIM_CMD_VM_WRITE) {
        uint64_t v;
        if (!sim_parse_syscall_arg(a->pos[2].text, a->pos[2].len, &v))
            return error_at(err, a->pos[2].token->col, "vm write: bad value '%s'", a->pos[2].text);
    }
    for (; i < line->count; i++) {
        const sim_token *t = &line->tokens[i];
        if (!t->key) {
            if (cmd->variadic) {
                /* syscall arguments, driver options: kept as written */
                if (!a->rest) {
                    a->rest = t;
                }
                a->rest_count++;
                continue;
            }
            return error_at(err, t->col, "%s: unexpected argument '%s'", cmd->name, t->text);
        }
        int o = sim_option_index(cmd, t->key);
        if (o < 0) {
            if (cmd->variadic) {
                if (!a->rest)
                    a->rest = t;
                a->rest_count++;
                continue;
            }
            return error_at(err, t->col, "%s: unknown option '%s'", cmd->name, t->key);
        }
        if (a->opt[o].present)
            return error_at(err, t->col, "%s: option '%s' given twice", cmd->name, t->key);
        a->opt[o].token = t;
        if (!parse_value(ctx, &cmd->opt[o], t->value, t->value_len, t->value_col, &a->opt[o], err))
            return false;
    }
    if (cmd->kind == SIM_CMD_DRIVER && !validate_driver(a, err))
        return false;
    for (int o = 0; o < SIM_MAX_OPTS && cmd->opt[o].name; o++) {
        if (cmd->opt[o].required && !a->opt[o].present) {
            const sim_token *last = &line->tokens[line->count - 1];
            return error_at(err, last->col + (int)last->len, "%s: missing option %s=", cmd->name, cmd->opt[o].name);
        }
    }
    if (cmd->kind == SIM_CMD_SYSTEM)
        return validate_system(ctx, line, a, err);
    return true;
}

/* Defines a name, or takes back one an exit line ended (unbound until its create runs). */
static sim_name *define_entry(sim_context *ctx, sim_name_kind kind, sim_name *e, const char *s, size_t n)
{
    if (!e) {
        e = sim_names_add(&ctx->names, kind, s, n, ctx->line);
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

static void mark_ended_entry(sim_name *e)
{
    if (e && e->line > 0) /* boot-time names are never reused */
        e->ended = true;
}

static void mark_ended(sim_context *ctx, sim_name_kind kind, const char *s, size_t n)
{
    mark_ended_entry(sim_names_find(&ctx->names, kind, s, n));
}

/* A validated line's names: new ones enter the namespace, exit lines end theirs. */
static void define_names(sim_context *ctx, const sim_args *a)
{
    char main_name[SIM_MAX_LINE + 8];
    const sim_value *v = &a->pos[0];
    if (a->cmd->kind == SIM_CMD_PROCESS_EXIT) {
        mark_ended_entry(sim_value_name(ctx, SIM_NAME_PROCESS, v));
        sim_main_name(main_name, v->text, v->len);
        mark_ended(ctx, SIM_NAME_THREAD, main_name, strlen(main_name));
        return;
    }
    if (a->cmd->kind == SIM_CMD_THREAD_EXIT) {
        mark_ended_entry(sim_value_name(ctx, SIM_NAME_THREAD, v));
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

/* ---- running ------------------------------------------------------------- */

static void context_init(sim_context *ctx, sim_writer *w)
{
    memset(ctx, 0, sizeof *ctx);
    ntsim_config_default(&ctx->config);
    ctx->writer = w;
    sim_names_init(&ctx->names);
    /* Boot-time objects have names of their own. */
    ctx->out_of_memory = !sim_names_add(&ctx->names, SIM_NAME_PROCESS, "Idle", 4, 0) ||
                         !sim_names_add(&ctx->names, SIM_NAME_PROCESS, "System", 6, 0) ||
                         !sim_names_add(&ctx->names, SIM_NAME_THREAD, "System.main", 11, 0);
}

static void context_free(sim_context *ctx)
{
    ntsim_system_destroy(ctx->sys);
    sim_names_free(&ctx->names);
    sim_record_free(&ctx->result);
    for (uint32_t i = 0; i < ctx->event_cap; i++)
        sim_record_free(&ctx->events[i]);
    rtl_free(ctx->events);
    rtl_free(ctx->event_names);
}

/* Room for one more of the command's events; false (the engine out of memory) when there is none. */
static bool event_room(sim_context *ctx)
{
    if (ctx->event_count < ctx->event_cap)
        return true;
    uint32_t cap = ctx->event_cap ? ctx->event_cap * 2 : 16;
    sim_record *ev = rtl_realloc(ctx->events, cap * sizeof *ev);
    if (ev) {
        memset(ev + ctx->event_cap, 0, (cap - ctx->event_cap) * sizeof *ev);
        ctx->events = ev;
    }
    const char **nm = ev ? rtl_realloc(ctx->event_names, cap * sizeof *nm) : NULL;
    if (!nm) {
        /* The records have their larger block, or still the old one: only the capacity stays. */
        ctx->out_of_memory = true;
        return false;
    }
    ctx->event_names = nm;
    ctx->event_cap = cap;
    return true;
}

static void on_event(void *context, const ntsim_event *e)
{
    sim_context *ctx = context;
    static const char *const names[] = { "process_create", "process_exit", "thread_create", "thread_exit", "image_load",
                                         "thread_state", "syscall", "dbgprint", "pool_leak", "beep" };
    /* Once the engine could not keep one, the line's output stops there: it ends in an error. */
    if (ctx->out_of_memory || ctx->writer->failed || !event_room(ctx))
        return;
    sim_record *r = &ctx->events[ctx->event_count];
    ctx->event_names[ctx->event_count++] = names[e->kind];
    sim_record_reset(r);
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
        /* A tone on the speaker: heard too, with --audio. */
        sim_put_int(r, "pid", e->pid);
        sim_put_int(r, "tid", e->tid);
        sim_put_int(r, "frequency", e->frequency);
        sim_put_int(r, "duration", e->duration);
        if (ctx->audio && !sim_audio_tone(ctx->audio, e->time, e->frequency, e->duration))
            ctx->out_of_memory = true;
        break;
    }
    if (sim_record_failed(r)) {
        ctx->event_count--; /* not kept for expect either */
        ctx->out_of_memory = true;
        return;
    }
    sim_write_event(ctx->writer, ctx->line, names[e->kind], e->time, r);
}

NTSTATUS sim_system(sim_context *ctx, ntsim_system **sys)
{
    if (!ctx->sys) {
        ntsim_config c = ctx->config;
        if (ctx->has_seed_override)
            c.seed = ctx->seed_override;
        NTSTATUS s = ntsim_system_create(&c, &ctx->sys);
        if (!NT_SUCCESS(s))
            return s;
        ntsim_set_event_sink(ctx->sys, on_event, ctx);
        ntsim_set_trace(ctx->sys, (ctx->trace_sched ? NTSIM_TRACE_SCHED : 0) |
                                      (ctx->trace_syscalls ? NTSIM_TRACE_SYSCALLS : 0));
        /* Bind the boot-time names. */
        NTSIM_PROCESS_INFO pi;
        bool bound = true;
        ntsim_query_process(ctx->sys, 0, &pi);
        bound &= sim_names_bind(&ctx->names, sim_names_find(&ctx->names, SIM_NAME_PROCESS, "Idle", 4), 0, pi.sequence);
        ntsim_query_process(ctx->sys, 4, &pi);
        bound &= sim_names_bind(&ctx->names, sim_names_find(&ctx->names, SIM_NAME_PROCESS, "System", 6), 4, pi.sequence);
        NTSIM_THREAD_INFO ti;
        ULONG main_tid = ntsim_current_thread_id(ctx->sys);
        ntsim_query_thread(ctx->sys, main_tid, &ti);
        bound &= sim_names_bind(&ctx->names, sim_names_find(&ctx->names, SIM_NAME_THREAD, "System.main", 11), main_tid,
                                ti.sequence);
        ctx->out_of_memory |= !bound;
    }
    *sys = ctx->sys;
    return STATUS_SUCCESS;
}

/* ---- expect -------------------------------------------------------------- */

static bool value_matches(const sim_record *rec, const sim_field *f, const char *want, size_t n)
{
    uint64_t v;
    uint32_t flags;
    size_t bad;
    NTSTATUS st;
    switch (f->type) {
    case SIM_INT:
        if (n > 1 && want[0] == '-')
            return sim_parse_number(want + 1, n - 1, &v) && (int64_t)(0 - v) == f->v.i;
        return sim_parse_number(want, n, &v) && (int64_t)v == f->v.i;
    case SIM_HEX:
    case SIM_CODE:
        return sim_parse_number(want, n, &v) && v == f->v.u;
    case SIM_FLAGS: {
        ntsim_flag_kind k = f->flags == NTSIM_FLAGS_PROCESS_ACCESS || f->flags == NTSIM_FLAGS_THREAD_ACCESS
                                ? f->flags : f->flags;
        return ntsim_flags_parse(k, want, n, &flags, &bad) && flags == (uint32_t)f->v.u;
    }
    case SIM_STATUS:
        if (ntsim_status_from_name(want, n, &st))
            return st == (NTSTATUS)f->v.i;
        return sim_parse_number(want, n, &v) && (uint32_t)v == (uint32_t)f->v.i;
    case SIM_STR:
        return strlen(f->v.s) == n && memcmp(f->v.s, want, n) == 0;
    case SIM_ARRAY:
    case SIM_LINES:
        return sim_parse_number(want, n, &v) && v == f->count;
    }
    (void)rec;
    return false;
}

static bool record_matches(const sim_record *r, const sim_token *pairs, int count, int *failed)
{
    for (int i = 0; i < count; i++) {
        const sim_field *f = sim_record_get(r, pairs[i].key);
        if (!f || !value_matches(r, f, pairs[i].value, pairs[i].value_len)) {
            *failed = i;
            return false;
        }
    }
    return true;
}

static NTSTATUS run_expect(sim_context *ctx, const sim_args *a)
{
    char want[SIM_MAX_LINE + 64], got[SIM_MAX_LINE + 64], message[SIM_MAX_LINE + 64];
    const char *name = a->cmd->name;
    if (strcmp(name, "expect status") == 0) {
        const sim_field *f = sim_record_get(&ctx->result, "status");
        NTSTATUS st;
        uint64_t v = 0;
        if (!ntsim_status_from_name(a->pos[0].text, a->pos[0].len, &st)) {
            sim_parse_number(a->pos[0].text, a->pos[0].len, &v);
            st = (NTSTATUS)(uint32_t)v;
        }
        if (f && (NTSTATUS)f->v.i == st)
            return STATUS_SUCCESS;
        sim_field want_f = { .key = "status", .type = SIM_STATUS, .v.i = st };
        sim_format_value(&want_f, want, sizeof want);
        if (f)
            sim_format_value(f, got, sizeof got);
        else
            snprintf(got, sizeof got, "(none)");
        snprintf(message, sizeof message, "status of line %d's %s", ctx->result_line, ctx->result_cmd);
        sim_write_expect(ctx->writer, ctx->line, message, want, got);
        return STATUS_UNSUCCESSFUL;
    }
    if (strcmp(name, "expect event") == 0) {
        int failed;
        size_t used = 0;
        for (uint32_t i = 0; i < ctx->event_count; i++)
            if (strcmp(ctx->event_names[i], a->pos[0].text) == 0 && record_matches(&ctx->events[i], a->rest, a->rest_count, &failed))
                return STATUS_SUCCESS;
        snprintf(want, sizeof want, "%s", a->pos[0].text);
        for (int i = 0; i < a->rest_count; i++) {
            used = strlen(want);
            snprintf(want + used, sizeof want - used, " %s", a->rest[i].text);
        }
        got[0] = '\0';
        for (uint32_t i = 0; i < ctx->event_count; i++) {
            used = strlen(got);
            snprintf(got + used, sizeof got - used, "%s%s", i ? " " : "", ctx->event_names[i]);
        }
        if (ctx->event_count == 0)
            snprintf(got, sizeof got, "no events");
        sim_write_expect(ctx->writer, ctx->line, "no matching event", want, got);
        return STATUS_UNSUCCESSFUL;
    }
    int failed;
    if (record_matches(&ctx->result, a->rest, a->rest_count, &failed))
        return STATUS_SUCCESS;
    const sim_token *t = &a->rest[failed];
    const sim_field *f = sim_record_get(&ctx->result, t->key);
    snprintf(want, sizeof want, "%.*s", (int)t->value_len, t->value);
    if (f)
        sim_format_value(f, got, sizeof got);
    else
        snprintf(got, sizeof got, "(no such field)");
    snprintf(message, sizeof message, "field %s", t->key);
    sim_write_expect(ctx->writer, ctx->line, message, want, got);
    return STATUS_UNSUCCESSFUL;
}

/* Did the engine run out of host memory (a name, a record, the writer)?
   Then the line ends in a scenario error, and the flags are cleared. */
static bool out_of_memory(sim_context *ctx, sim_error *err)
{
    if (!ctx->out_of_memory && !ctx->writer->failed)
        return false;
    ctx->out_of_memory = ctx->writer->failed = false;
    error_at(err, 1, "out of memory");
    return true;
}

/* Runs one validated command; returns the exit status it implies. */
static int run_command(sim_context *ctx, const sim_args *a, sim_error *err)
{
    sim_record scratch = { 0 };
    const sim_command *cmd = a->cmd;
    if (cmd->kind == SIM_CMD_EXPECT) {
        NTSTATUS st = run_expect(ctx, a);
        sim_put_status(&scratch, "status", st);
        ctx->out_of_memory |= sim_record_failed(&scratch);
        if (!ctx->out_of_memory)
            sim_write_result(ctx->writer, ctx->line, cmd->name, &scratch);
        sim_record_free(&scratch);
        if (out_of_memory(ctx, err))
            return SIM_EXIT_ERROR;
        return st == STATUS_SUCCESS ? SIM_EXIT_OK : SIM_EXIT_EXPECT;
    }
    if (cmd->kind != SIM_CMD_SYSTEM) {
        ctx->config_fixed = true;
        ntsim_system *sys;
        NTSTATUS s = sim_system(ctx, &sys);
        if (!NT_SUCCESS(s)) {
            error_at(err, 1, "the system line's configuration was refused (%s)", ntsim_status_name(s));
            return SIM_EXIT_ERROR;
        }
    }
    ctx->event_count = 0;
    sim_record *r = &ctx->result;
    sim_record_reset(r);
    sim_put_status(r, "status", STATUS_SUCCESS);
    ctx->keep_fields = false;
    NTSTATUS st = cmd->run(ctx, a, r);
    if (ctx->sys) /* none when the system line could not boot it */
        ntsim_run_threads(ctx->sys); /* system threads the command made runnable run now */
    r->fields[0].v.i = st;
    if (!NT_SUCCESS(st) && !ctx->keep_fields)
        r->count = 1; /* a failed call reports its status alone */
    ctx->result_cmd = cmd->name;
    ctx->result_line = ctx->line;
    ctx->have_result = true;
    /* A result or event the engine could not keep or write: the line ends in an error instead. */
    ctx->out_of_memory |= sim_record_failed(r);
    if (!ctx->out_of_memory)
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

static int process(const char *name, reader *in, const sim_run_options *options, FILE *out, FILE *err, bool check)
{
    sim_writer w = { .format = options ? options->format : SIM_FORMAT_JSONL, .out = out };
    sim_context ctx;
    sim_line *line = rtl_malloc(sizeof *line);
    sim_args *a = rtl_malloc(sizeof *a);
    context_init(&ctx, &w);
    if (!line || !a || ctx.out_of_memory) {
        fprintf(err, "%s:1:1: error: out of memory\n", name);
        context_free(&ctx);
        rtl_free(line);
        rtl_free(a);
        return SIM_EXIT_ERROR;
    }
    if (options) {
        ctx.trace_sched = options->trace_sched;
        ctx.trace_syscalls = options->trace_syscalls;
    }
    if (options) {
        ctx.audio = options->audio; /* --audio: the tones the run plays */
        ctx.check_invariants = options->check_invariants;
    }
    if (options && options->has_seed) {
        ctx.has_seed_override = true;
        ctx.seed_override = options->seed;
    }
    int exit_status = SIM_EXIT_OK;
    int errors = 0;
    const char *text;
    size_t len;
    bool too_long;
    while (next_line(in, &text, &len, &too_long)) {
        ctx.line++;
        sim_error e;
        e.col = 0;
        e.message[0] = '\0';
        sim_lex_error le;
        bool ok;
        if (too_long) {
            ok = error_at(&e, SIM_MAX_LINE + 1, "line longer than %d bytes", SIM_MAX_LINE);
        } else if (!sim_lex(text, len, line, &le)) {
            ok = error_at(&e, le.col, "%s", le.message);
        } else if (line->count == 0) {
            continue;
        } else {
            ok = parse_command(&ctx, line, a, &e);
        }
        if (ok) {
            define_names(&ctx, a);
            ok = !out_of_memory(&ctx, &e);
        }
        if (ok) {
            if (check) {
                ctx.config_fixed = true; /* a system line too: it may come only once, first */
                if (a->cmd->kind != SIM_CMD_EXPECT)
                    ctx.have_result = true;
                continue;
            }
            int s = run_command(&ctx, a, &e);
            if (ctx.check_invariants)
                check_invariants(&ctx, name);
            if (s == SIM_EXIT_EXPECT)
                exit_status = SIM_EXIT_EXPECT;
            if (s != SIM_EXIT_ERROR)
                continue;
        }
        sim_writer_flush(&w); /* what came before the error goes out first */
        report(name, ctx.line, &e, err);
        errors++;
        if (!check) {
            sim_write_error(&w, ctx.line, e.col, e.message);
            exit_status = SIM_EXIT_ERROR;
            break;
        }
    }
    if (check && errors)
        exit_status = SIM_EXIT_ERROR;
    sim_writer_flush(&w);
    fflush(out);
    context_free(&ctx);
    sim_writer_free(&w);
    rtl_free(line);
    rtl_free(a);
    return exit_status;
}

/* A reader could not be had: the file's first line says so. */
static int no_reader(const char *name, FILE *err)
{
    fprintf(err, "%s:1:1: error: out of memory\n", name);
    return SIM_EXIT_ERROR;
}

static int with_file(const char *path, const sim_run_options *options, FILE *out, FILE *err, bool check)
{
    reader *r = rtl_calloc(1, sizeof *r);
    if (!r)
        return no_reader(strcmp(path, "-") == 0 ? "<stdin>" : path, err);
    bool is_stdin = strcmp(path, "-") == 0;
    r->file = is_stdin ? stdin : fopen(path, "rb");
    if (!r->file) {
        int e = errno;
        fprintf(err, "%s:1:1: error: cannot read: %s\n", path, strerror(e));
        if (!check && options && options->format == SIM_FORMAT_JSONL) {
            sim_writer w = { .format = SIM_FORMAT_JSONL, .out = out };
            char msg[300];
            snprintf(msg, sizeof msg, "cannot read %s: %s", path, strerror(e));
            sim_write_error(&w, 1, 1, msg);
            sim_writer_free(&w);
        }
        rtl_free(r);
        return SIM_EXIT_ERROR;
    }
    int s = process(is_stdin ? "<stdin>" : path, r, options, out, err, check);
    if (!is_stdin)
        fclose(r->file);
    rtl_free(r);
    return s;
}

int sim_run_file(const char *path, const sim_run_options *options, FILE *out, FILE *err)
{
    return with_file(path, options, out, err, false);
}

int sim_check_file(const char *path, FILE *err)
{
    return with_file(path, NULL, NULL, err, true);
}

int sim_run_buffer(const char *name, const char *data, size_t len, const sim_run_options *options, FILE *out, FILE *err)
{
    reader *r = rtl_calloc(1, sizeof *r);
    if (!r)
        return no_reader(name, err);
    r->data = data;
    r->size = len;
    int s = process(name, r, options, out, err, false);
    rtl_free(r);
    return s;
}

int sim_check_buffer(const char *name, const char *data, size_t len, FILE *err)
{
    reader *r = rtl_calloc(1, sizeof *r);
    if (!r)
        return no_reader(name, err);
    r->data = data;
    r->size = len;
    int s = process(name, r, NULL, NULL, err, true);
    rtl_free(r);
    return s;
}
