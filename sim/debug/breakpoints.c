/*
 * breakpoints.c - where the replay stops: breakpoints (bp, bl, bc) on a
 * scenario line, a driver routine's call (DRIVER!ROUTINE) or a system
 * service (nt!NtXxx), and WinDbg's event filters (sxe, sxd, sx) for
 * process and thread creation and exit and image loads.
 *
 * A routine's symbol is the name ntsim's call trace gives it, as one word:
 * DriverEntry, DriverUnload, IRP_MJ_READ..., ProcessNotify, ThreadNotify,
 * ImageNotify (ntsim's drivers are compiled into the host: it knows which
 * routine a driver registered for what, not the function's own name).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "session.h"

/* The trace's routine name as a symbol: "thread notify routine" is ThreadNotify. */
static void routine_symbol(const char *routine, char *out, size_t cap)
{
    size_t n = 0;
    bool upper = true;
    if (!strchr(routine, ' ')) {
        snprintf(out, cap, "%s", routine);
        return;
    }
    for (const char *s = routine; *s && n + 1 < cap; s++) {
        if (*s == ' ') {
            upper = true;
            continue;
        }
        if (strncmp(s, "routine", 7) == 0 && (s[7] == '\0' || s[7] == ' '))
            break;
        out[n++] = upper ? (char)toupper((unsigned char)*s) : *s;
        upper = false;
    }
    out[n] = '\0';
}

static const char *const filter_names[FILTER_COUNT] = { "cpr", "epr", "ct", "et", "ld" };
static const char *const filter_words[FILTER_COUNT] = { "Create process", "Exit process", "Create thread",
                                                        "Exit thread", "Load module" };

static void describe(sim_debugger *d, const dbg_breakpoint *b)
{
    switch (b->kind) {
    case BP_LINE: dbg_printf(d, "%s:%d", d->file, b->line); break;
    case BP_ROUTINE: dbg_printf(d, "%s!%s", b->module, b->symbol); break;
    case BP_SERVICE: dbg_printf(d, "nt!%s", b->symbol); break;
    }
}

void dbg_cmd_bp(sim_debugger *d, int argc, char **argv)
{
    if (argc < 2) {
        dbg_printf(d, "Usage: bp LINE | DRIVER!ROUTINE | nt!SERVICE\n");
        return;
    }
    if (d->bp_count == DBG_MAX_BREAKPOINTS) {
        dbg_printf(d, "No more breakpoints (at most %d)\n", DBG_MAX_BREAKPOINTS);
        return;
    }
    dbg_breakpoint b = { .id = d->next_bp };
    const char *arg = argv[1];
    const char *bang = strchr(arg, '!');
    if (!bang) {
        char *end;
        long line = strtol(arg, &end, 10);
        if (*end || line <= 0 || line > 100000000) {
            dbg_printf(d, "Couldn't resolve error at '%s' (a line number, DRIVER!ROUTINE or nt!SERVICE)\n", arg);
            return;
        }
        b.kind = BP_LINE;
        b.line = (int)line;
    } else if ((size_t)(bang - arg) >= sizeof b.module || strlen(bang + 1) >= sizeof b.symbol || !bang[1]) {
        dbg_printf(d, "Couldn't resolve error at '%s'\n", arg);
        return;
    } else if (bang - arg == 2 && strncasecmp(arg, "nt", 2) == 0) {
        b.kind = BP_SERVICE;
        snprintf(b.symbol, sizeof b.symbol, "%s", bang + 1);
        if (strncmp(b.symbol, "Nt", 2) != 0 && strncmp(b.symbol, "Zw", 2) != 0) {
            dbg_printf(d, "Couldn't resolve error at '%s' (ntsim breaks on nt's system services, nt!NtXxx)\n", arg);
            return;
        }
        if (b.symbol[0] == 'Z')
            b.symbol[0] = 'N', b.symbol[1] = 't';
    } else {
        b.kind = BP_ROUTINE;
        snprintf(b.module, sizeof b.module, "%.*s", (int)(bang - arg), arg);
        snprintf(b.symbol, sizeof b.symbol, "%s", bang + 1);
    }
    for (int i = 0; i < d->bp_count; i++) {
        const dbg_breakpoint *o = &d->bps[i];
        if (o->kind == b.kind && o->line == b.line && strcasecmp(o->module, b.module) == 0 &&
            strcmp(o->symbol, b.symbol) == 0) {
            dbg_printf(d, "breakpoint %d redefined\n", o->id);
            return;
        }
    }
    d->bps[d->bp_count++] = b;
    d->next_bp++;
}

void dbg_cmd_bl(sim_debugger *d, int argc, char **argv)
{
    (void)argc, (void)argv;
    for (int i = 0; i < d->bp_count; i++) {
        dbg_printf(d, "%5d e Disable Clear  ", d->bps[i].id);
        describe(d, &d->bps[i]);
        dbg_printf(d, "\n");
    }
}

void dbg_cmd_bc(sim_debugger *d, int argc, char **argv)
{
    if (argc < 2) {
        dbg_printf(d, "Usage: bc ID | *\n");
        return;
    }
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "*") == 0) {
            d->bp_count = 0;
            continue;
        }
        char *end;
        long id = strtol(argv[a], &end, 16);
        int i = 0;
        while (i < d->bp_count && (d->bps[i].id != id || *end))
            i++;
        if (i == d->bp_count) {
            dbg_printf(d, "Breakpoint %s not found\n", argv[a]);
            continue;
        }
        memmove(&d->bps[i], &d->bps[i + 1], (size_t)(d->bp_count - i - 1) * sizeof d->bps[0]);
        d->bp_count--;
    }
}

static int filter_of(const char *arg, const char **name)
{
    *name = NULL;
    for (int f = 0; f < FILTER_COUNT; f++) {
        size_t n = strlen(filter_names[f]);
        if (strncmp(arg, filter_names[f], n) == 0 && (arg[n] == '\0' || (f == FILTER_LD && arg[n] == ':'))) {
            if (arg[n] == ':')
                *name = arg + n + 1;
            return f;
        }
    }
    return -1;
}

static void set_filter(sim_debugger *d, int argc, char **argv, bool on)
{
    if (argc < 2) {
        dbg_printf(d, "Usage: %s cpr | epr | ct | et | ld[:NAME]\n", argv[0]);
        return;
    }
    const char *name;
    int f = filter_of(argv[1], &name);
    if (f < 0) {
        dbg_printf(d, "       ^ Syntax error in '%s %s' (events: cpr, epr, ct, et, ld[:NAME])\n", argv[0], argv[1]);
        return;
    }
    d->filter[f] = on;
    if (f == FILTER_LD)
        snprintf(d->ld_name, sizeof d->ld_name, "%s", on && name ? name : "");
}

void dbg_cmd_sxe(sim_debugger *d, int argc, char **argv)
{
    set_filter(d, argc, argv, true);
}

void dbg_cmd_sxd(sim_debugger *d, int argc, char **argv)
{
    set_filter(d, argc, argv, false);
}

void dbg_cmd_sx(sim_debugger *d, int argc, char **argv)
{
    (void)argc, (void)argv;
    for (int f = 0; f < FILTER_COUNT; f++) {
        dbg_printf(d, "%4s - %s - %s", filter_names[f], filter_words[f], d->filter[f] ? "break" : "ignore");
        if (f == FILTER_LD && d->filter[f] && d->ld_name[0])
            dbg_printf(d, ". Only break for %s", d->ld_name);
        dbg_printf(d, "\n");
    }
}

bool dbg_line_breaks(sim_debugger *d, int line)
{
    for (int i = 0; i < d->bp_count; i++) {
        if (d->bps[i].kind == BP_LINE && d->bps[i].line == line) {
            dbg_printf(d, "Breakpoint %d hit\n", d->bps[i].id);
            return true;
        }
    }
    return false;
}

/* An image's name without its folders; with or without its extension it matches NAME. */
static bool image_matches(const char *path, const char *want)
{
    if (!want[0] || strcmp(want, "*") == 0)
        return true;
    const char *base = strrchr(path, '\\');
    base = base ? base + 1 : path;
    size_t n = strlen(want);
    if (strcasecmp(base, want) == 0)
        return true;
    return strncasecmp(base, want, n) == 0 && base[n] == '.';
}

static const char *process_name(sim_debugger *d, ULONG pid)
{
    ps_process *p = ps_lookup_process(d->sys, pid);
    return p && p->image_name ? p->image_name : "?";
}

/* The thread an event stopped in, as a debugger's break names it. */
static void in_thread(sim_debugger *d)
{
    ps_thread *t = ps_current_thread(d->sys);
    if (t)
        dbg_printf(d, " (current thread %x in process %x, %s)", t->tid, t->process->pid,
                   t->process->image_name ? t->process->image_name : "Idle");
}

static bool filter_breaks(sim_debugger *d, const ntsim_event *e)
{
    switch (e->kind) {
    case NTSIM_EVENT_PROCESS_CREATE:
        if (!d->filter[FILTER_CPR])
            return false;
        dbg_printf(d, "Create process %x (%s), parent %x\n", e->pid, process_name(d, e->pid), e->ppid);
        return true;
    case NTSIM_EVENT_PROCESS_EXIT:
        if (!d->filter[FILTER_EPR])
            return false;
        dbg_printf(d, "Exit process %x (%s), code %x\n", e->pid, process_name(d, e->pid), e->exit_code);
        return true;
    case NTSIM_EVENT_THREAD_CREATE:
        if (!d->filter[FILTER_CT])
            return false;
        dbg_printf(d, "Create thread %x.%x, by thread %x.%x\n", e->pid, e->tid, e->creating_pid, e->creating_tid);
        return true;
    case NTSIM_EVENT_THREAD_EXIT:
        if (!d->filter[FILTER_ET])
            return false;
        dbg_printf(d, "Exit thread %x.%x, code %x\n", e->pid, e->tid, e->exit_code);
        return true;
    case NTSIM_EVENT_IMAGE_LOAD: {
        if (!d->filter[FILTER_LD] || !image_matches(e->image, d->ld_name))
            return false;
        char b[24];
        dbg_printf(d, "Load module %s at %s", e->image, dbg_p(e->base, b));
        if (e->pid)
            dbg_printf(d, " in process %x", e->pid);
        dbg_printf(d, "\n");
        return true;
    }
    default:
        return false;
    }
}

bool dbg_event_breaks(sim_debugger *d, const ntsim_event *e)
{
    if (filter_breaks(d, e))
        return true;
    if (e->kind == NTSIM_EVENT_CALL && e->count == 0 && e->service) {
        char symbol[64];
        routine_symbol(e->service, symbol, sizeof symbol);
        for (int i = 0; i < d->bp_count; i++) {
            const dbg_breakpoint *b = &d->bps[i];
            if (b->kind != BP_ROUTINE || strcasecmp(b->module, e->image) != 0 ||
                (strcmp(b->symbol, "*") != 0 && strcasecmp(b->symbol, symbol) != 0))
                continue;
            dbg_printf(d, "Breakpoint %d hit\n%s!%s", b->id, e->image, symbol);
            in_thread(d);
            dbg_printf(d, "\n");
            return true;
        }
    }
    if (e->kind == NTSIM_EVENT_SYSCALL && e->service) {
        for (int i = 0; i < d->bp_count; i++) {
            const dbg_breakpoint *b = &d->bps[i];
            if (b->kind != BP_SERVICE || strcmp(b->symbol, e->service) != 0)
                continue;
            const char *status = ntsim_status_name(e->status);
            dbg_printf(d, "Breakpoint %d hit\nnt!%s returned %s", b->id, e->service, status ? status : "?");
            in_thread(d);
            dbg_printf(d, "\n");
            return true;
        }
    }
    return false;
}
