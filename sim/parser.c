/*
 * parser.c - a tokenized line into a command and its values: the command's
 * name, its positional arguments and options by the command table, each
 * value by its kind (names against the names defined so far, numbers,
 * flags, choices), then the checks particular to a kind of command.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "drivers/driver.h"
#include "expect.h"
#include "parser.h"
#include "values.h"

bool sim_error_at(sim_error *e, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    e->col = col;
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return false;
}

/* A name that is no built-in driver: the error lists the ones there are. */
static bool unknown_driver(int col, const char *s, size_t n, sim_error *err)
{
    char list[200] = "";
    size_t used = 0;
    const sim_driver *d;
    for (size_t i = 0; (d = sim_driver_at(i)) != NULL && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", d->name);
    return sim_error_at(err, col, "unknown driver '%.*s' (built-in: %s; a driver file is a path with a '/' or ending in .so)",
                        (int)n, s, list);
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

/* A name the line uses: it must name a live definition of its kind. */
static bool parse_name(sim_context *ctx, const sim_arg_spec *spec, int col, sim_value *v, sim_error *err)
{
    if (!sim_valid_name(v->text, v->len))
        return sim_error_at(err, col, "bad name '%.*s' for %s", (int)v->len, v->text, spec->name);
    bool found = (spec->kind != ARG_THREAD && sim_value_name(ctx, SIM_NAME_PROCESS, v)) ||
                 (spec->kind != ARG_PROCESS && sim_value_name(ctx, SIM_NAME_THREAD, v));
    if (!found)
        return sim_error_at(err, col, "unknown %s '%.*s'",
                            spec->kind == ARG_PROCESS ? "process" : spec->kind == ARG_THREAD ? "thread"
                                                                                            : "process or thread",
                            (int)v->len, v->text);
    return true;
}

/* A name the line defines: not one in use (an exit line frees a name for reuse). */
static bool parse_new_name(sim_context *ctx, const sim_arg_spec *spec, int col, sim_value *v, sim_error *err)
{
    sim_name_kind kind = spec->kind == ARG_NEW_PROCESS ? SIM_NAME_PROCESS : SIM_NAME_THREAD;
    const char *s = v->text;
    int n = (int)v->len;
    if (!sim_valid_name(s, v->len))
        return sim_error_at(err, col, "bad name '%.*s': names are [A-Za-z_][A-Za-z0-9_.-]*", n, s);
    const sim_name *e = sim_value_name(ctx, kind, v);
    if (e && !e->ended)
        return sim_error_at(err, col, "duplicate %s name '%.*s' (defined on line %d)", name_kind_word(kind), n, s,
                            e->line);
    if (kind == SIM_NAME_PROCESS) {
        char main_name[SIM_MAX_LINE + 8];
        sim_main_name(main_name, s, v->len);
        e = sim_names_find(&ctx->names, SIM_NAME_THREAD, main_name, strlen(main_name));
        if (e && !e->ended)
            return sim_error_at(err, col, "duplicate thread name '%s' (defined on line %d)", main_name, e->line);
    }
    return true;
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
    case ARG_OBJECT:
        return parse_name(ctx, spec, col, v, err);
    case ARG_DRIVER:
        if (sim_find_driver(s) || sim_names_find(&ctx->names, SIM_NAME_DRIVER, s, n))
            return true;
        return unknown_driver(col, s, n, err);
    case ARG_DRIVER_LOAD:
        return sim_find_driver(s) || sim_is_driver_file(s) ? true : unknown_driver(col, s, n, err);
    case ARG_NEW_PROCESS:
    case ARG_NEW_THREAD:
        return parse_new_name(ctx, spec, col, v, err);
    case ARG_NUMBER:
        if (!sim_parse_number(s, n, &v->number))
            return sim_error_at(err, col, "bad number '%.*s' for %s", (int)n, s, spec->name);
        return true;
    case ARG_DURATION:
        if (!sim_parse_duration(s, n, &v->number))
            return sim_error_at(err, col, "bad duration '%.*s' (10ms, 2s, 100us or 100 ns ticks)", (int)n, s);
        return true;
    case ARG_MEM_FLAGS:
    case ARG_PAGE_FLAGS:
    case ARG_ACCESS: {
        ntsim_flag_kind k = spec->kind == ARG_MEM_FLAGS ? NTSIM_FLAGS_MEM
                            : spec->kind == ARG_PAGE_FLAGS ? NTSIM_FLAGS_PAGE : NTSIM_FLAGS_ACCESS;
        if (!ntsim_flags_parse(k, s, n, &flags, &bad))
            return sim_error_at(err, col + (int)bad, "bad flag in '%.*s' for %s", (int)n, s, spec->name);
        v->number = flags;
        return true;
    }
    case ARG_STRING:
    case ARG_ANY:
        return true;
    case ARG_SWITCH: {
        bool on;
        if (!sim_parse_switch(s, n, &on))
            return sim_error_at(err, col, "bad value '%.*s' for %s: on or off", (int)n, s, spec->name);
        v->number = on;
        return true;
    }
    case ARG_CHOICE: {
        int i = choice_index(spec->choices, s, n);
        if (i < 0)
            return sim_error_at(err, col, "bad value '%.*s' for %s: %s", (int)n, s, spec->name, spec->choices);
        v->number = (uint64_t)i;
        return true;
    }
    }
    return true;
}

/* The system line: first, once, and a machine ntsim can boot. */
static bool validate_system(sim_context *ctx, const sim_line *line, const sim_args *a, sim_error *err)
{
    if (ctx->config_fixed)
        return sim_error_at(err, line->tokens[0].col, "system must come before any other command");
    const sim_value *arch = sim_option(a, "arch"), *cpus = sim_option(a, "cpus"), *uva = sim_option(a, "increase_uva");
    bool x86 = arch->present && sim_value_is(arch, "x86");
    if (cpus->present && (cpus->number < 1 || cpus->number > (x86 ? 32u : 64u)))
        return sim_error_at(err, cpus->token->value_col, "cpus must be 1..%d", x86 ? 32 : 64);
    if (uva->present && !x86)
        return sim_error_at(err, uva->token->col, "increase_uva is a 32-bit boot option (arch=x86)");
    if (uva->present && (uva->number < (2ull << 30) || uva->number > (3ull << 30)))
        return sim_error_at(err, uva->token->value_col, "increase_uva must be 2G..3G");
    static const char *const sizes[] = { "memory", "pagefile" };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        const sim_value *v = sim_option(a, sizes[i]);
        if (v->present && v->number > (1ull << 50))
            return sim_error_at(err, v->token->value_col, "%s is too large", sizes[i]);
    }
    return true;
}

static bool validate_driver(sim_context *ctx, const sim_args *a, sim_error *err)
{
    int col;
    if (sim_validate_driver_line(ctx, a, err->message, sizeof err->message, &col))
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
        return sim_error_at(err, svc->token->col, "unknown service '%s' (a name of `syscall table`, or a number)",
                            svc->text);
    a->rest = &line->tokens[i];
    a->rest_count = line->count - i;
    if (a->rest_count > 16)
        return sim_error_at(err, a->rest[16].col, "syscall: at most 16 arguments");
    for (int k = 0; k < a->rest_count; k++)
        if (!sim_parse_syscall_arg(a->rest[k].text, a->rest[k].len, &v))
            return sim_error_at(err, a->rest[k].col, "syscall: bad argument '%s' (a number, -N, or flag names)",
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

/* A line whose first word names no command. */
static bool unknown_command(const sim_line *line, sim_error *err)
{
    const sim_token *t = &line->tokens[0];
    if (!sim_is_command_group(t->text))
        return sim_error_at(err, t->col, "unknown command '%s'", t->text);
    if (line->count < 2)
        return sim_error_at(err, t->col + (int)t->len, "'%s' needs a sub-command", t->text);
    return sim_error_at(err, line->tokens[1].col, "unknown command '%s %s'", t->text, line->tokens[1].text);
}

/* Options after the positionals; a variadic command keeps what is not an option of its own in rest. */
static bool parse_options(sim_context *ctx, const sim_line *line, int i, sim_args *a, sim_error *err)
{
    const sim_command *cmd = a->cmd;
    for (; i < line->count; i++) {
        const sim_token *t = &line->tokens[i];
        int o = t->key ? sim_option_index(cmd, t->key) : -1;
        if (o < 0 && cmd->variadic) {
            /* syscall arguments, driver options: kept as written */
            if (!a->rest)
                a->rest = t;
            a->rest_count++;
            continue;
        }
        if (!t->key)
            return sim_error_at(err, t->col, "%s: unexpected argument '%s'", cmd->name, t->text);
        if (o < 0)
            return sim_error_at(err, t->col, "%s: unknown option '%s'", cmd->name, t->key);
        if (a->opt[o].present)
            return sim_error_at(err, t->col, "%s: option '%s' given twice", cmd->name, t->key);
        a->opt[o].token = t;
        if (!parse_value(ctx, &cmd->opt[o], t->value, t->value_len, t->value_col, &a->opt[o], err))
            return false;
    }
    for (int o = 0; o < SIM_MAX_OPTS && cmd->opt[o].name; o++) {
        if (cmd->opt[o].required && !a->opt[o].present) {
            const sim_token *last = &line->tokens[line->count - 1];
            return sim_error_at(err, last->col + (int)last->len, "%s: missing option %s=", cmd->name,
                                cmd->opt[o].name);
        }
    }
    return true;
}

bool sim_parse_command(sim_context *ctx, const sim_line *line, sim_args *a, sim_error *err)
{
    int words;
    /* Only what this command uses is cleared: the whole is ~1 KB a line. */
    a->cmd = NULL;
    a->rest = NULL;
    a->rest_count = 0;
    a->line = ctx->line;
    const sim_command *cmd = sim_find_command(line, &words);
    if (!cmd)
        return unknown_command(line, err);
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
            return sim_error_at(err, col, "%s: missing argument %s", cmd->name, spec->name);
        }
        const sim_token *t = &line->tokens[i];
        a->pos[p].token = t;
        if (!parse_value(ctx, spec, t->text, t->len, t->col, &a->pos[p], err))
            return false;
    }
    switch (cmd->kind) {
    case SIM_CMD_EXPECT:
        a->rest = &line->tokens[i];
        a->rest_count = line->count - i;
        return sim_expect_validate(ctx, a, err);
    case SIM_CMD_SYSCALL:
        return validate_syscall(a, line, i, err);
    case SIM_CMD_DRIVER_OPTIONS:
        /* Their NAME=VALUE tokens belong to the driver: checked against it. */
        a->rest = &line->tokens[i];
        a->rest_count = line->count - i;
        return validate_driver(ctx, a, err);
    case SIM_CMD_VM_WRITE: {
        uint64_t v;
        if (!sim_parse_syscall_arg(a->pos[2].text, a->pos[2].len, &v))
            return sim_error_at(err, a->pos[2].token->col, "vm write: bad value '%s'", a->pos[2].text);
        break;
    }
    default:
        break;
    }
    if (!parse_options(ctx, line, i, a, err))
        return false;
    if (cmd->kind == SIM_CMD_DRIVER)
        return validate_driver(ctx, a, err);
    if (cmd->kind == SIM_CMD_SYSTEM)
        return validate_system(ctx, line, a, err);
    return true;
}
