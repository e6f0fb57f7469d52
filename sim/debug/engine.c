/*
 * engine.c - the debugging session: the replay runs under the scenario
 * engine as `ntsim run` runs it, and stops where the user asked (a line, an
 * event, a driver routine's call, a service); at each stop commands are
 * read and run, in WinDbg's words, until one resumes the replay (g, p) or
 * ends the session (q). A stop inside a command (a notify routine's call)
 * happens inside the kernel's own call, so what the commands show is the
 * system at that very moment: the process and thread the routine runs in.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "line_editor.h"
#include "scenario.h"
#include "session.h"

void dbg_printf(sim_debugger *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(d->out, fmt, ap);
    va_end(ap);
}

const char *dbg_p(uint64_t v, char buf[24])
{
    snprintf(buf, 24, "%08" PRIx64 "`%08" PRIx64, v >> 32, v & 0xffffffffu);
    return buf;
}

bool dbg_number(const char *s, uint64_t *out)
{
    int base = 16;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    else if (s[0] == '0' && (s[1] == 'n' || s[1] == 'N'))
        s += 2, base = 10;
    if (!*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s == '`')
            continue;
        int digit = isdigit((unsigned char)*s) ? *s - '0'
                    : isxdigit((unsigned char)*s) ? tolower((unsigned char)*s) - 'a' + 10 : 99;
        if (digit >= base || v > (UINT64_MAX - (uint64_t)digit) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + (uint64_t)digit;
    }
    *out = v;
    return true;
}

bool dbg_no_system(sim_debugger *d)
{
    if (d->sys)
        return false;
    dbg_printf(d, "The system has not booted yet: it boots when the scenario's first command runs (p).\n");
    return true;
}

/* ---- the commands that move the replay -------------------------------- */

typedef enum resume { STAY, RESUME } resume;

static void cmd_help(sim_debugger *d, int argc, char **argv);

/* ? EXPR: a number in hex and decimal, as WinDbg evaluates one. */
static void cmd_evaluate(sim_debugger *d, int argc, char **argv)
{
    uint64_t v;
    char b[24];
    if (argc < 2) {
        cmd_help(d, argc, argv);
        return;
    }
    if (!dbg_number(argv[1], &v)) {
        dbg_printf(d, "Couldn't resolve error at '%s'\n", argv[1]);
        return;
    }
    dbg_printf(d, "Evaluate expression: %" PRId64 " = %s\n", (int64_t)v, dbg_p(v, b));
}

static const struct command {
    const char *name;
    dbg_handler run;
    const char *args;
    const char *help;
} commands[] = {
    { "g", NULL, "", "run until a breakpoint, an enabled event or the end" },
    { "p", NULL, "", "run one scenario line: stop before the next" },
    { "q", NULL, "", "end the session (the replay stops)" },
    { "bp", dbg_cmd_bp, "LINE | DRIVER!ROUTINE | nt!SERVICE", "break before a line, at a driver routine's call, at a service" },
    { "bl", dbg_cmd_bl, "", "list breakpoints" },
    { "bc", dbg_cmd_bc, "ID | *", "clear breakpoints" },
    { "sxe", dbg_cmd_sxe, "cpr | epr | ct | et | ld[:NAME]", "break on process/thread create and exit, image load" },
    { "sxd", dbg_cmd_sxd, "cpr | epr | ct | et | ld", "stop breaking on that event" },
    { "sx", dbg_cmd_sx, "", "list the event filters" },
    { "!process", dbg_cmd_process, "[PID|ADDR] [FLAGS]", "processes: 0 0 all in brief, 0 7 all with threads" },
    { ".process", dbg_cmd_dot_process, "[ADDR]", "make a process the implicit one (what !vad, !peb... look at)" },
    { "!thread", dbg_cmd_thread, "[ADDR]", "a thread (the current one by default)" },
    { "~", dbg_cmd_tilde, "", "the processors and the thread each runs" },
    { "!ready", dbg_cmd_ready, "", "the ready queues, by processor and priority" },
    { "!running", dbg_cmd_running, "", "what each processor runs" },
    { "!teb", dbg_cmd_teb, "[ADDR]", "a thread environment block (the current thread's)" },
    { "!peb", dbg_cmd_peb, "[ADDR]", "the process environment block (the implicit process's)" },
    { "!token", dbg_cmd_token, "[ADDR]", "an access token (the implicit process's primary token)" },
    { "!vad", dbg_cmd_vad, "[ROOT]", "the VAD tree of the implicit process (or of the tree with that root)" },
    { "!address", dbg_cmd_address, "[ADDR]", "the implicit process's regions, or the one holding ADDR" },
    { "!handle", dbg_cmd_handle, "[HANDLE [FLAGS [PID|ADDR]]]", "handle tables: !handle 0 f PID lists all of one" },
    { "!object", dbg_cmd_object, "\\ | \\Device | \\Driver | ADDR", "the object directory, an object" },
    { "lm", dbg_cmd_lm, "", "loaded modules: the implicit process's images and the drivers" },
    { "!drvobj", dbg_cmd_drvobj, "NAME|ADDR [FLAGS]", "a driver object, its devices and dispatch routines" },
    { "!devobj", dbg_cmd_devobj, "NAME|ADDR", "a device object" },
    { "!irp", dbg_cmd_irp, "ADDR", "an I/O request in flight" },
    { "!irpfind", dbg_cmd_irpfind, "", "every I/O request in flight" },
    { "!poolused", dbg_cmd_poolused, "", "pool use by tag" },
    { "!pool", dbg_cmd_pool, "ADDR", "the pool block holding ADDR" },
    { "dt", dbg_cmd_dt, "nt!_TYPE [ADDR] [FIELD]", "a structure's layout, or its values at ADDR: _EPROCESS, _KPROCESS, _ETHREAD, _KTHREAD, _TEB, _PEB" },
    { "?", cmd_evaluate, "[NUMBER]", "this list; ? N evaluates a number" },
    { ".help", cmd_help, "", "this list" },
};

static void cmd_help(sim_debugger *d, int argc, char **argv)
{
    (void)argc, (void)argv;
    dbg_printf(d, "ntsim debug commands (numbers are hex unless 0n; addresses as WinDbg writes them):\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s %s", commands[i].name, commands[i].args);
        dbg_printf(d, "  %-38s %s\n", head, commands[i].help);
    }
}

/* Splits a command into words (at most DBG_MAX_ARGS). */
static int split(char *s, char **argv)
{
    int n = 0;
    while (*s && n < DBG_MAX_ARGS) {
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            break;
        argv[n++] = s;
        while (*s && !isspace((unsigned char)*s))
            s++;
        if (*s)
            *s++ = '\0';
    }
    return n;
}

/* Runs one command; RESUME when it lets the replay go on (g, p, q). */
static resume run_command(sim_debugger *d, char *text)
{
    char *argv[DBG_MAX_ARGS];
    int argc = split(text, argv);
    if (argc == 0)
        return STAY;
    if (strcmp(argv[0], "g") == 0 || strcmp(argv[0], "p") == 0) {
        d->stepping = argv[0][0] == 'p';
        return RESUME;
    }
    if (strcmp(argv[0], "q") == 0) {
        d->quit = true;
        return RESUME;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (commands[i].run && strcmp(commands[i].name, argv[0]) == 0) {
            commands[i].run(d, argc, argv);
            return STAY;
        }
    }
    if (argv[0][0] == '!')
        dbg_printf(d, "No export %s found\n", argv[0] + 1);
    else
        dbg_printf(d, "       ^ Syntax error in '%s'\n", argv[0]);
    return STAY;
}

/* The next command: from -c's text, or read at the prompt. False: none left. */
static bool next_command(sim_debugger *d, char *buf, size_t cap)
{
    if (d->from_script) {
        const char *s = d->script + d->script_pos;
        while (*s == ';' || isspace((unsigned char)*s))
            s++;
        if (!*s)
            return false;
        size_t n = strcspn(s, ";");
        d->script_pos = (size_t)(s - d->script) + n;
        while (n && isspace((unsigned char)s[n - 1]))
            n--;
        snprintf(buf, cap, "%.*s", (int)n, s);
        dbg_printf(d, "kd> %s\n", buf);
        return true;
    }
    fflush(d->out);
    if (d->tty && sim_line_editor_available()) {
        char *l = sim_line_editor_read("kd> ", stdin, d->out);
        if (!l)
            return false;
        snprintf(buf, cap, "%s", l);
        free(l);
        return true;
    }
    dbg_printf(d, "kd> ");
    fflush(d->out);
    if (!fgets(buf, (int)cap, stdin))
        return false;
    buf[strcspn(buf, "\r\n")] = '\0';
    if (d->echo)
        dbg_printf(d, "%s\n", buf);
    return true;
}

/* The replay is stopped: commands until one resumes it. */
static void stop(sim_debugger *d)
{
    char buf[512];
    d->started = true;
    d->stepping = false;
    while (!d->quit) {
        if (!next_command(d, buf, sizeof buf)) {
            d->quit = true; /* -c's commands ran out, or the input ended */
            break;
        }
        if (run_command(d, buf) == RESUME)
            break;
    }
    if (d->quit && d->ctx)
        d->ctx->writer->muted = true; /* the rest of the replay runs unseen */
    fflush(d->out);
}

/* What stops print after their reason: where in the scenario. */
static void where(sim_debugger *d, const char *when)
{
    dbg_printf(d, "%s line %d: %s\n", when, d->line, d->line_text);
}

static void remember_line(sim_debugger *d, const char *text, size_t len)
{
    while (len && isspace((unsigned char)*text))
        text++, len--;
    while (len && isspace((unsigned char)text[len - 1]))
        len--;
    if (len >= sizeof d->line_text)
        len = sizeof d->line_text - 1;
    memcpy(d->line_text, text, len);
    d->line_text[len] = '\0';
}

void sim_debug_before_line(sim_debugger *d, sim_context *ctx, const char *text, size_t len)
{
    if (d->quit)
        return;
    d->ctx = ctx;
    d->line = ctx->line;
    remember_line(d, text, len);
    bool booted = !d->sys && ctx->sys;
    d->sys = ctx->sys;
    if (booted)
        dbg_addresses_init(d, ke_state(ctx->sys)->config.seed);
    if (!d->sys)
        return; /* the system line: it boots the system */
    sim_writer_flush(ctx->writer);
    if (!d->started) {
        const ntsim_config *c = &ke_state(d->sys)->config;
        dbg_printf(d, "Kernel booted: %s, %u processor%s, seed %" PRIu64 "\n", c->arch == NTSIM_ARCH_X86 ? "x86" : "x64",
                   c->cpus, c->cpus == 1 ? "" : "s", c->seed);
        where(d, "Break before");
        stop(d);
        return;
    }
    bool bp = dbg_line_breaks(d, d->line);
    if (bp || d->stepping) {
        where(d, "Break before");
        stop(d);
    }
}

void sim_debug_event(sim_debugger *d, sim_context *ctx, const ntsim_event *e)
{
    if (d->quit || !d->started)
        return;
    d->ctx = ctx;
    if (!dbg_event_breaks(d, e))
        return;
    where(d, "Break in");
    stop(d);
}

bool sim_debug_quit(const sim_debugger *d)
{
    return d->quit;
}

/* The replay ran to its end: one last stop, the system still up. */
static void at_end(ntsim_system *sys, void *context)
{
    sim_debugger *d = context;
    if (d->quit)
        return;
    d->sys = sys;
    if (d->ctx)
        sim_writer_flush(d->ctx->writer);
    dbg_printf(d, "The replay reached its end after line %d; the system is still up (g or q ends the session).\n",
               d->line);
    d->implicit_set = false;
    stop(d);
}

int sim_debug_file(const char *path, const sim_debug_options *o, FILE *out, FILE *err)
{
    sim_debugger *d = calloc(1, sizeof *d);
    if (!d) {
        fprintf(err, "ntsim debug: out of memory\n");
        return 2;
    }
    d->out = out;
    const char *slash = strrchr(path, '/');
    d->file = slash ? slash + 1 : path; /* bl names lines by the file's name */
    d->script = o->commands;
    d->from_script = o->commands != NULL;
    d->tty = !d->from_script && isatty(STDIN_FILENO);
    d->echo = !d->tty;
    sim_run_options ro = { .format = SIM_FORMAT_TEXT, .has_seed = o->has_seed, .seed = o->seed, .debugger = d,
                           .at_end = at_end, .at_end_context = d };
    int s = sim_run_file(path, &ro, out, err);
    fflush(out);
    free(d);
    return s == SIM_EXIT_ERROR ? SIM_EXIT_ERROR : 0;
}
