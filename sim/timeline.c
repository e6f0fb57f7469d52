/*
 * timeline.c - the run as a Trace Event Format trace (timeline.h). Events
 * are written as they come into a growing buffer; slices (a thread's state,
 * a processor's running thread, a process's life) are written when they
 * end, and those still open at the end of the run end at the last time
 * seen. Track ids: each simulated process is a trace process (its PID) and
 * each thread a trace thread (its TID); PID 1 (never a Windows PID) holds
 * the processors, one track each; a process's own events (its lifetime)
 * go on its track 0, the drivers' output on the System process's track 1.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"

#define CPU_PID 1
#define LIFETIME_TID 0
#define DRIVER_TID 1
#define MAX_CPUS 64

typedef struct thread_track {
    ULONG pid;
    ULONG calls;       /* driver routines begun on it and not yet returned */
    bool live;
    bool named;        /* its thread_name is out */
    const char *state; /* a static state name, NULL before the first change */
    uint64_t since;
} thread_track;

typedef struct process_track {
    bool live;
    bool named_main; /* its first thread is named "main" */
    uint64_t created;
    char *image;
} process_track;

struct sim_timeline {
    char *buf;
    size_t len, cap;
    bool failed;
    bool first;
    uint64_t last;       /* the latest time seen */
    thread_track *threads; /* by TID / 4 */
    size_t thread_cap;
    process_track *processes; /* by PID / 4 */
    size_t process_cap;
    struct {
        ULONG tid;       /* running there, 0 for none */
        uint64_t since;
    } cpus[MAX_CPUS];
    ULONG cpu_count;
    uint64_t flows;
    bool drivers_named;
    uint64_t state_changes;
    struct pending_irp {
        ULONG number, pid, tid;
        uint64_t time;
    } *irps;                 /* requests dispatched, not completed yet */
    size_t irp_count, irp_cap;
    bool states_stopped; /* past the budget: states no longer followed */
};

/* State changes followed before the timeline stops following them: a
   round-robin of two threads for days would make billions. */
#define STATE_BUDGET 200000

/* ---- output ---------------------------------------------------------------- */

static void put(sim_timeline *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1 << 16;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *b = realloc(t->buf, cap);
        if (!b) {
            t->failed = true;
            return;
        }
        t->buf = b;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
}

static void puts_(sim_timeline *t, const char *s)
{
    put(t, s, strlen(s));
}

static void printf_(sim_timeline *t, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void printf_(sim_timeline *t, const char *format, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(small, sizeof small, format, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        put(t, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        t->failed = true;
        return;
    }
    va_start(ap, format);
    vsnprintf(big, (size_t)n + 1, format, ap);
    va_end(ap);
    put(t, big, (size_t)n);
    free(big);
}

/* A JSON string: quotes, backslashes and control characters escaped; UTF-8 kept. */
static void string(sim_timeline *t, const char *s)
{
    puts_(t, "\"");
    for (const char *p = s ? s : ""; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            char e[2] = { '\\', (char)c };
            put(t, e, 2);
        } else if (c < 0x20) {
            printf_(t, "\\u%04x", c);
        } else {
            put(t, p, 1);
        }
    }
    puts_(t, "\"");
}

/* Microseconds since boot, to the 100 ns the clock counts. */
static void timestamp(sim_timeline *t, const char *key, uint64_t time)
{
    uint64_t since = time > NTSIM_BOOT_TIME ? time - NTSIM_BOOT_TIME : 0;
    printf_(t, ",\"%s\":%" PRIu64 ".%u", key, since / 10, (unsigned)(since % 10));
}

/* Opens an event record: {"name":...,"ph":...,"pid":...,"tid":... */
static void begin(sim_timeline *t, const char *name, const char *phase, ULONG pid, ULONG tid)
{
    puts_(t, t->first ? "\n" : ",\n");
    t->first = false;
    puts_(t, "{\"name\":");
    string(t, name);
    printf_(t, ",\"ph\":\"%s\",\"pid\":%u,\"tid\":%u", phase, pid, tid);
}

static void metadata(sim_timeline *t, const char *what, ULONG pid, ULONG tid, const char *name)
{
    begin(t, what, "M", pid, tid);
    puts_(t, ",\"args\":{\"name\":");
    string(t, name);
    puts_(t, "}}");
}

static void slice(sim_timeline *t, const char *name, const char *category, ULONG pid, ULONG tid, uint64_t from,
                  uint64_t to)
{
    begin(t, name, "X", pid, tid);
    printf_(t, ",\"cat\":\"%s\"", category);
    timestamp(t, "ts", from);
    timestamp(t, "dur", NTSIM_BOOT_TIME + (to - from));
    puts_(t, "}");
}

/* ---- tracks ------------------------------------------------------------------ */

static bool grow(void **array, size_t *cap, size_t index, size_t size)
{
    if (index < *cap)
        return true;
    size_t n = *cap ? *cap : 64;
    while (n <= index)
        n *= 2;
    void *a = realloc(*array, n * size);
    if (!a)
        return false;
    memset((char *)a + *cap * size, 0, (n - *cap) * size);
    *array = a;
    *cap = n;
    return true;
}

static thread_track *thread_of(sim_timeline *t, ULONG tid)
{
    if (!grow((void **)&t->threads, &t->thread_cap, tid / 4, sizeof *t->threads)) {
        t->failed = true;
        return NULL;
    }
    return &t->threads[tid / 4];
}

static void metadata(sim_timeline *t, const char *what, ULONG pid, ULONG tid, const char *name);

/* A thread seen before the timeline heard of its creation (the boot's): named now. */
static void name_thread(sim_timeline *t, thread_track *th, ULONG pid, ULONG tid)
{
    if (th->named)
        return;
    char name[32];
    snprintf(name, sizeof name, "TID %u", tid);
    metadata(t, "thread_name", pid, tid, name);
    th->named = true;
    th->pid = pid;
}

static process_track *process_of(sim_timeline *t, ULONG pid)
{
    if (!grow((void **)&t->processes, &t->process_cap, pid / 4, sizeof *t->processes)) {
        t->failed = true;
        return NULL;
    }
    return &t->processes[pid / 4];
}

static char *copy(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    return c ? memcpy(c, s, n) : NULL;
}

static const char *image_name(const char *path)
{
    const char *slash = path ? strrchr(path, '\\') : NULL;
    return slash ? slash + 1 : path ? path : "";
}

/* A thread's state changes: the state it leaves becomes a slice (if it lasted). */
static void thread_state(sim_timeline *t, const ntsim_event *e, const char *to)
{
    thread_track *th = thread_of(t, e->tid);
    if (!th)
        return;
    if (!th->live && !th->named) {
        /* A boot thread (the idle threads, System's): its process is the idle one or System. */
        name_thread(t, th, e->tid == 0 ? 0 : 4, e->tid);
        th->live = true;
    }
    if (th->state && e->time > th->since)
        slice(t, th->state, "state", th->pid, e->tid, th->since, e->time);
    th->state = to;
    th->since = e->time;
    /* The processor's track: which thread runs there. */
    if (e->cpu < MAX_CPUS) {
        if (e->cpu + 1 > t->cpu_count) {
            for (ULONG c = t->cpu_count; c <= e->cpu; c++) {
                char name[32];
                snprintf(name, sizeof name, "CPU %u", c);
                metadata(t, "thread_name", CPU_PID, c, name);
            }
            t->cpu_count = e->cpu + 1;
        }
        bool running = strcmp(to, "Running") == 0;
        if (t->cpus[e->cpu].tid == e->tid && !running) {
            char name[64];
            snprintf(name, sizeof name, "TID %u", e->tid);
            if (e->time > t->cpus[e->cpu].since)
                slice(t, name, "cpu", CPU_PID, e->cpu, t->cpus[e->cpu].since, e->time);
            t->cpus[e->cpu].tid = 0;
        } else if (running) {
            t->cpus[e->cpu].tid = e->tid;
            t->cpus[e->cpu].since = e->time;
        }
    }
}

static const char *state_name(ULONG s)
{
    return ntsim_thread_state_name((KTHREAD_STATE)s);
}

/* A waiting state's slice says why, as a debugger's !thread does (KWAIT_REASON). */
static const char *waiting_name(ULONG reason)
{
    switch (reason) {
    case 0: return "Waiting (Executive)";
    case 4: return "Waiting (DelayExecution)";
    case 5: return "Waiting (Suspended)";
    case 6: return "Waiting (UserRequest)";
    case 27: return "Waiting (WrResource)";
    default: return "Waiting";
    }
}

/* Routines still running on a thread that ends, or at the end of the run: their slices end here. */
static void end_calls(sim_timeline *t, thread_track *th, ULONG tid, uint64_t time)
{
    for (; th->calls; th->calls--) {
        begin(t, "", "E", th->pid, tid);
        timestamp(t, "ts", time);
        puts_(t, "}");
    }
}

/* A request: its arrow, from the thread that sent it (at its dispatch) to
   the one that completed it, is drawn once it completes; one never
   completed draws none. */
static void irp(sim_timeline *t, const ntsim_event *e)
{
    thread_track *th = thread_of(t, e->tid);
    if (!th)
        return;
    if (!th->named)
        name_thread(t, th, e->tid == 0 ? 0 : 4, e->tid);
    if (e->count == 0) {
        if (t->irp_count == t->irp_cap) {
            size_t cap = t->irp_cap ? 2 * t->irp_cap : 16;
            struct pending_irp *p = realloc(t->irps, cap * sizeof *p);
            if (!p) {
                t->failed = true;
                return;
            }
            t->irps = p;
            t->irp_cap = cap;
        }
        t->irps[t->irp_count++] = (struct pending_irp){ e->number, th->pid, e->tid, e->time };
        return;
    }
    for (size_t i = t->irp_count; i-- > 0;) {
        struct pending_irp *p = &t->irps[i];
        if (p->number != e->number)
            continue;
        uint64_t id = ++t->flows;
        begin(t, e->service ? e->service : "request", "s", p->pid, p->tid);
        printf_(t, ",\"cat\":\"irp\",\"id\":%" PRIu64, id);
        timestamp(t, "ts", p->time);
        puts_(t, "}");
        begin(t, e->service ? e->service : "request", "f", th->pid, e->tid);
        printf_(t, ",\"cat\":\"irp\",\"id\":%" PRIu64 ",\"bp\":\"e\"", id);
        timestamp(t, "ts", e->time);
        puts_(t, "}");
        *p = t->irps[--t->irp_count];
        return;
    }
}

/* Past the budget: open state slices end here, a mark says why. */
static void stop_states(sim_timeline *t, uint64_t time)
{
    for (size_t i = 0; i < t->thread_cap; i++) {
        thread_track *th = &t->threads[i];
        if (th->state && th->live && time > th->since)
            slice(t, th->state, "state", th->pid, (ULONG)(i * 4), th->since, time);
        th->state = NULL;
    }
    for (ULONG c = 0; c < t->cpu_count; c++) {
        if (t->cpus[c].tid && time > t->cpus[c].since) {
            char name[64];
            snprintf(name, sizeof name, "TID %u", t->cpus[c].tid);
            slice(t, name, "cpu", CPU_PID, c, t->cpus[c].since, time);
        }
        t->cpus[c].tid = 0;
    }
    begin(t, "thread states no longer followed", "i", CPU_PID, 0);
    puts_(t, ",\"s\":\"g\"");
    timestamp(t, "ts", time);
    printf_(t, ",\"args\":{\"after\":%d}}", STATE_BUDGET);
    t->states_stopped = true;
}

bool sim_timeline_follows_states(const sim_timeline *t)
{
    return !t->states_stopped;
}

/* ---- events ---------------------------------------------------------------------- */

/* Any thread an event lands on has a name (the boot's threads get theirs on first use). */
static void ensure_named(sim_timeline *t, ULONG pid, ULONG tid)
{
    if (tid <= DRIVER_TID)
        return;
    thread_track *th = thread_of(t, tid);
    if (th && !th->named)
        name_thread(t, th, pid, tid);
}

static void instant(sim_timeline *t, const ntsim_event *e, const char *name, ULONG pid, ULONG tid,
                    const char *scope)
{
    ensure_named(t, pid, tid);
    begin(t, name, "i", pid, tid);
    printf_(t, ",\"s\":\"%s\"", scope);
    timestamp(t, "ts", e->time);
}

static void args_open(sim_timeline *t)
{
    puts_(t, ",\"args\":{");
}

static void arg_int(sim_timeline *t, bool *first, const char *key, uint64_t v)
{
    printf_(t, "%s\"%s\":%" PRIu64, *first ? "" : ",", key, v);
    *first = false;
}

static void arg_str(sim_timeline *t, bool *first, const char *key, const char *v)
{
    printf_(t, "%s\"%s\":", *first ? "" : ",", key);
    string(t, v);
    *first = false;
}

static void arg_hex(sim_timeline *t, bool *first, const char *key, uint64_t v)
{
    char hex[24];
    snprintf(hex, sizeof hex, "0x%" PRIx64, v);
    arg_str(t, first, key, hex);
}

static void drivers_track(sim_timeline *t)
{
    if (!t->drivers_named) {
        metadata(t, "thread_name", 4, DRIVER_TID, "driver output");
        t->drivers_named = true;
    }
}

void sim_timeline_event(sim_timeline *t, const ntsim_event *e)
{
    if (e->time > t->last)
        t->last = e->time;
    bool first = true;
    switch (e->kind) {
    case NTSIM_EVENT_THREAD_STATE:
        if (t->states_stopped)
            return;
        thread_state(t, e, e->to == Waiting ? waiting_name(e->number) : state_name(e->to));
        if (++t->state_changes == STATE_BUDGET)
            stop_states(t, e->time);
        return;
    case NTSIM_EVENT_PROCESS_CREATE: {
        process_track *p = process_of(t, e->pid);
        if (!p)
            return;
        free(p->image);
        p->image = copy(image_name(e->image));
        p->live = true;
        p->named_main = false;
        p->created = e->time;
        char name[300];
        snprintf(name, sizeof name, "%s (PID %u)", p->image ? p->image : "", e->pid);
        metadata(t, "process_name", e->pid, 0, name);
        metadata(t, "thread_name", e->pid, LIFETIME_TID, "process");
        instant(t, e, "process_create", e->pid, LIFETIME_TID, "t");
        args_open(t);
        arg_int(t, &first, "ppid", e->ppid);
        arg_int(t, &first, "creating_pid", e->creating_pid);
        arg_int(t, &first, "creating_tid", e->creating_tid);
        arg_str(t, &first, "image", e->image);
        arg_str(t, &first, "cmdline", e->cmdline);
        puts_(t, "}}");
        return;
    }
    case NTSIM_EVENT_PROCESS_EXIT: {
        process_track *p = process_of(t, e->pid);
        if (p && p->live) {
            begin(t, p->image ? p->image : "", "X", e->pid, LIFETIME_TID);
            puts_(t, ",\"cat\":\"process\"");
            timestamp(t, "ts", p->created);
            timestamp(t, "dur", NTSIM_BOOT_TIME + (e->time - p->created));
            args_open(t);
            arg_int(t, &first, "exit_code", e->exit_code);
            puts_(t, "}}");
            p->live = false;
        }
        return;
    }
    case NTSIM_EVENT_THREAD_CREATE: {
        thread_track *th = thread_of(t, e->tid);
        process_track *p = process_of(t, e->pid);
        if (!th || !p)
            return;
        *th = (thread_track){ .pid = e->pid, .live = true, .named = true };
        char name[64];
        bool initial = !p->named_main; /* a process's first thread: created with it, by its creator */
        snprintf(name, sizeof name, "TID %u%s", e->tid, initial ? " main" : "");
        p->named_main = true;
        metadata(t, "thread_name", e->pid, e->tid, name);
        instant(t, e, "thread_create", e->pid, e->tid, "t");
        args_open(t);
        arg_int(t, &first, "creating_pid", e->creating_pid);
        arg_int(t, &first, "creating_tid", e->creating_tid);
        puts_(t, "}}");
        if (!initial && e->creating_pid != e->pid && e->creating_tid) {
            /* A remote thread: an arrow from its creator to it. */
            uint64_t id = ++t->flows;
            ensure_named(t, e->creating_pid, e->creating_tid);
            begin(t, "remote thread", "s", e->creating_pid, e->creating_tid);
            printf_(t, ",\"cat\":\"remote\",\"id\":%" PRIu64, id);
            timestamp(t, "ts", e->time);
            puts_(t, "}");
            begin(t, "remote thread", "f", e->pid, e->tid);
            printf_(t, ",\"cat\":\"remote\",\"id\":%" PRIu64 ",\"bp\":\"e\"", id);
            timestamp(t, "ts", e->time);
            puts_(t, "}");
        }
        return;
    }
    case NTSIM_EVENT_THREAD_EXIT: {
        thread_track *th = thread_of(t, e->tid);
        if (th)
            end_calls(t, th, e->tid, e->time); /* a thread ended in a routine (its driver went away) */
        instant(t, e, "thread_exit", e->pid, e->tid, "t");
        args_open(t);
        arg_int(t, &first, "exit_code", e->exit_code);
        puts_(t, "}}");
        if (th)
            th->live = false;
        return;
    }
    case NTSIM_EVENT_IMAGE_LOAD:
        instant(t, e, "image_load", e->pid, LIFETIME_TID, "t");
        args_open(t);
        arg_str(t, &first, "image", e->image);
        arg_hex(t, &first, "base", e->base);
        arg_hex(t, &first, "size", e->size);
        puts_(t, "}}");
        return;
    case NTSIM_EVENT_SYSCALL: {
        thread_track *th = thread_of(t, e->tid);
        if (th && !th->named)
            name_thread(t, th, 4, e->tid); /* only the boot threads go unannounced: System's */
        begin(t, e->service ? e->service : "syscall", "X", th ? th->pid : 0, e->tid);
        puts_(t, ",\"cat\":\"syscall\"");
        timestamp(t, "ts", e->time);
        puts_(t, ",\"dur\":0");
        args_open(t);
        const char *status = ntsim_status_name(e->status);
        char hex[16];
        snprintf(hex, sizeof hex, "0x%08X", (unsigned)e->status);
        arg_str(t, &first, "status", status ? status : hex);
        arg_int(t, &first, "number", e->number);
        puts_(t, "}}");
        return;
    }
    case NTSIM_EVENT_DBGPRINT:
        drivers_track(t);
        instant(t, e, "dbgprint", 4, DRIVER_TID, "t");
        args_open(t);
        arg_str(t, &first, "driver", e->image);
        arg_str(t, &first, "text", e->text);
        puts_(t, "}}");
        return;
    case NTSIM_EVENT_POOL_LEAK:
        drivers_track(t);
        instant(t, e, "pool_leak", 4, DRIVER_TID, "t");
        args_open(t);
        arg_str(t, &first, "driver", e->image);
        arg_str(t, &first, "tag", e->text);
        arg_int(t, &first, "blocks", e->count);
        arg_int(t, &first, "bytes", e->size);
        puts_(t, "}}");
        return;
    case NTSIM_EVENT_BEEP: {
        thread_track *th = thread_of(t, e->tid);
        if (th && !th->named)
            name_thread(t, th, e->pid, e->tid);
        instant(t, e, "beep", e->pid, e->tid, "t");
        args_open(t);
        arg_int(t, &first, "frequency", e->frequency);
        arg_int(t, &first, "duration", e->duration);
        puts_(t, "}}");
        return;
    }
    case NTSIM_EVENT_CONSOLE:
        instant(t, e, "console", e->pid, e->tid, "t");
        args_open(t);
        arg_str(t, &first, "stream", e->stream);
        arg_str(t, &first, "text", e->text);
        puts_(t, "}}");
        return;
    case NTSIM_EVENT_PROCESS_ACCESS:
        return; /* Sysmon's format's (a handle open is no moment of its own here) */
    case NTSIM_EVENT_IRP:
        irp(t, e);
        return;
    case NTSIM_EVENT_CALL: {
        /* A driver routine on the thread that runs it: begin and end slices, nested as the calls nest. */
        thread_track *th = thread_of(t, e->tid);
        if (!th)
            return;
        if (!th->named)
            name_thread(t, th, e->tid == 0 ? 0 : 4, e->tid);
        if (e->count == 1 && th->calls == 0)
            return; /* its begin was before the thread was known */
        char name[160];
        snprintf(name, sizeof name, "%s!%s", e->image, e->service ? e->service : "routine");
        begin(t, name, e->count == 0 ? "B" : "E", th->pid, e->tid);
        puts_(t, ",\"cat\":\"driver\"");
        timestamp(t, "ts", e->time);
        puts_(t, "}");
        th->calls += e->count == 0 ? 1 : -1;
        return;
    }
    case NTSIM_EVENT_EXCEPTION: {
        instant(t, e, "exception", e->pid, e->tid, "t");
        args_open(t);
        const char *status = ntsim_status_name(e->status);
        arg_str(t, &first, "status", status ? status : "");
        arg_str(t, &first, "text", e->text);
        puts_(t, "}}");
        return;
    }
    }
}

sim_timeline *sim_timeline_create(void)
{
    sim_timeline *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->first = true;
    puts_(t, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
    metadata(t, "process_name", CPU_PID, 0, "Processors");
    /* The boot's processes, there before any event. */
    metadata(t, "process_name", 0, 0, "System Idle Process (PID 0)");
    metadata(t, "thread_name", 0, 0, "process");
    metadata(t, "process_name", 4, 0, "System (PID 4)");
    metadata(t, "thread_name", 4, 0, "process");
    return t;
}

bool sim_timeline_write(sim_timeline *t, FILE *f)
{
    /* What is still open ends at the last time seen. */
    for (size_t i = 0; i < t->thread_cap; i++) {
        thread_track *th = &t->threads[i];
        end_calls(t, th, (ULONG)(i * 4), t->last);
        if (th->state && th->live && t->last > th->since)
            slice(t, th->state, "state", th->pid, (ULONG)(i * 4), th->since, t->last);
    }
    for (ULONG c = 0; c < t->cpu_count; c++) {
        if (t->cpus[c].tid && t->last > t->cpus[c].since) {
            char name[64];
            snprintf(name, sizeof name, "TID %u", t->cpus[c].tid);
            slice(t, name, "cpu", CPU_PID, c, t->cpus[c].since, t->last);
        }
    }
    for (size_t i = 0; i < t->process_cap; i++) {
        process_track *p = &t->processes[i];
        if (p->live)
            slice(t, p->image ? p->image : "", "process", (ULONG)(i * 4), LIFETIME_TID, p->created, t->last);
    }
    puts_(t, "\n]}\n");
    if (t->failed)
        return false;
    return fwrite(t->buf, 1, t->len, f) == t->len;
}

void sim_timeline_free(sim_timeline *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->process_cap; i++)
        free(t->processes[i].image);
    free(t->processes);
    free(t->threads);
    free(t->irps);
    free(t->buf);
    free(t);
}
