/*
 * fuzz_api.c - libFuzzer target on the C API: the input is a program of API
 * calls against one simulated system (processes, threads, virtual memory,
 * handles, system services and hooks, the sample drivers, scheduling, the
 * clock). Every call's status and outputs, and every event the system
 * delivers, are folded into a hash after each operation.
 *
 * Oracles (a failure calls abort(), so libFuzzer keeps the input):
 *  - the sanitizers (built with -fsanitize=fuzzer,address,undefined) and the
 *    library's own invariant checks and assertions (NTSIM_DEBUG_CHECKS);
 *  - determinism: the program runs twice, each time on a fresh system, and
 *    the hash after each operation must be the same both times;
 *  - IDs: no two process objects, no two thread objects, and no process and
 *    thread that are alive at once share an ID (PspCidTable hands each out
 *    once until its object is deleted), and the ID of an object a handle
 *    holds still names that object;
 *  - access: a handle opened or duplicated with explicit rights holds no
 *    right beyond them, and a call on a handle whose entry lacks the right
 *    it needs (PROCESS_TERMINATE, PROCESS_QUERY_INFORMATION, ...) fails
 *    (STATUS_ACCESS_DENIED, checked exactly right after the open).
 *
 * Virtual time is bounded (ntsim_advance at most 10 s a call, 60 s a
 * program; Melody notes short): the program tests the API, not long runs.
 * Inputs that reach a defect already reported may be left out until it is
 * fixed (see "known defects" below).
 *
 * Build with clang (the fuzz_api target), run:
 *   ./build-fuzz/bin/fuzz_api -max_total_time=60 CORPUS
 * Seeds: FUZZ_API_WRITE_SEEDS=DIR ./build-fuzz/bin/fuzz_api -runs=0 writes
 * a few hand-made programs into DIR. FUZZ_API_TRACE=1 ./build-fuzz/bin/fuzz_api
 * FILE lists the operations of a program as they run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/driver.h"
#include "ntsim/ntsim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_OPS 512
#define POOL 32
#define IO_MAX 16384
#define TICKS_PER_SECOND 10000000ull
#define ADVANCE_CAP (10 * TICKS_PER_SECOND)  /* one ntsim_advance */
#define ADVANCE_BUDGET (60 * TICKS_PER_SECOND) /* a whole program */
#define HOOKS 6
#define MAX_PROCESSES 40 /* created by one program: each operation's checks walk them all */
#define MAX_THREADS 80
#define MAX_TIMED_NOTES 64 /* Melody notes that take time, per program (each at most 1.2 s) */

/* ---- reading the program ------------------------------------------------ */

typedef struct reader {
    const uint8_t *p;
    size_t n;
} reader;

static uint8_t u8(reader *rd)
{
    if (!rd->n)
        return 0;
    rd->n--;
    return *rd->p++;
}

static uint16_t u16(reader *rd)
{
    return (uint16_t)(u8(rd) | u8(rd) << 8);
}

static uint32_t u32(reader *rd)
{
    return (uint32_t)u16(rd) | (uint32_t)u16(rd) << 16;
}

static uint64_t u64(reader *rd)
{
    return (uint64_t)u32(rd) | (uint64_t)u32(rd) << 32;
}

/* ---- one run: the system, what it handed out, the hash ------------------ */

typedef struct ring {
    uint64_t v[POOL];
    unsigned count, next;
} ring;

typedef enum hook_kind { HOOK_CHAIN, HOOK_FAIL, HOOK_OBSERVE, HOOK_HIDE, HOOK_KINDS } hook_kind;

typedef struct hook {
    bool bound;                 /* installed at `number` */
    ULONG number;
    NTSIM_SERVICE_ROUTINE previous;
    hook_kind kind;
    NTSTATUS status;            /* HOOK_FAIL's answer */
    ULONG pid;                  /* HOOK_HIDE's process */
} hook;

typedef struct run {
    ntsim_system *sys;
    uint64_t hash;
    ring pids, tids, handles, addrs;
    uint64_t advanced;          /* virtual time moved by ntsim_advance */
    hook hooks[HOOKS];
    ULONG boot_tid;             /* the System process's first thread */
    unsigned processes, threads; /* created so far */
    unsigned notes;             /* sent to Melody so far */
    unsigned op;                /* the operation being run */
    NTSTATUS status;            /* its last call's */
} run;

static run *current_run; /* what the service hooks act on: they get no context */

static void mix(run *r, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        r->hash = (r->hash ^ b[i]) * 0x100000001B3ull;
}

static void mix64(run *r, uint64_t v)
{
    mix(r, &v, sizeof v);
}

static void mix_str(run *r, const char *s)
{
    if (s)
        mix(r, s, strlen(s) + 1);
    else
        mix64(r, 0xDEADull);
}

/* A call's status, in the hash and in the trace. */
static void result(run *r, NTSTATUS s)
{
    r->status = s;
    mix64(r, (uint32_t)s);
}

static void remember(ring *g, uint64_t v)
{
    for (unsigned i = 0; i < g->count; i++)
        if (g->v[i] == v)
            return;
    g->v[g->next] = v;
    g->next = (g->next + 1) % POOL;
    if (g->count < POOL)
        g->count++;
}

static void fail(run *r, const char *what)
{
    fprintf(stderr, "fuzz_api: oracle failed at operation %u: %s\n", r->op, what);
    abort();
}

/* ---- what the system tells: events and completed calls ------------------ */

static void on_event(void *context, const ntsim_event *e)
{
    run *r = context;
    uint64_t f[] = { e->kind, e->time, e->pid, e->tid, e->ppid, e->creating_pid, e->creating_tid, e->exit_code,
                     e->base, e->size, e->from, e->to, e->cpu, e->number, e->argc, (uint32_t)e->status, e->count,
                     e->frequency, e->duration };
    mix(r, f, sizeof f);
    mix_str(r, e->image);
    mix_str(r, e->cmdline);
    mix_str(r, e->service);
    mix_str(r, e->stream);
    mix_str(r, e->text);
    if (e->args)
        mix(r, e->args, e->argc * sizeof *e->args);
    if (e->kind == NTSIM_EVENT_PROCESS_CREATE)
        remember(&r->pids, e->pid);
    if (e->kind == NTSIM_EVENT_THREAD_CREATE)
        remember(&r->tids, e->tid);
    if (e->kind == NTSIM_EVENT_IMAGE_LOAD && e->pid)
        remember(&r->addrs, e->base);
}

static void on_syscall(void *context, const NTSIM_SYSCALL *c)
{
    run *r = context;
    uint64_t f[] = { c->tid, c->number, c->argument_count, c->previous_mode, (uint32_t)c->status };
    mix(r, f, sizeof f);
    mix_str(r, c->name);
    /* A kernel-mode caller's arguments are host pointers: not deterministic. */
    if (c->previous_mode == UserMode && c->arguments)
        mix(r, c->arguments, c->argument_count * sizeof *c->arguments);
}

/* ---- choosing values ------------------------------------------------------ */

/* Any 64-bit value, often one at an edge (signs, widths, pages, granules). */
static uint64_t any64(reader *rd)
{
    static const uint64_t edges[] = { 0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000ull, 0x7FFFFFFFFFFFFFFFull,
                                      0x8000000000000000ull, 0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFFFFFFF000ull,
                                      0xFFFFFFFFFFFF0000ull, 0x00007FFFFFFF0000ull, 0x0000800000000000ull,
                                      0xFFFF800000000000ull, 0x7FFFFFFFFFFFF000ull, 0x8000000000000001ull };
    uint8_t b = u8(rd);
    return b < 0x80 ? u64(rd) : edges[b % (sizeof edges / sizeof edges[0])];
}

static uint64_t from_ring(const ring *g, uint8_t b, uint64_t otherwise)
{
    return g->count ? g->v[b % g->count] : otherwise;
}

static ULONG pick_pid(run *r, reader *rd)
{
    uint8_t b = u8(rd);
    if (b < 0xE0)
        return (ULONG)from_ring(&r->pids, b, 4);
    return b < 0xF0 ? (ULONG)(b - 0xE0) * 4 : u32(rd);
}

static ULONG pick_tid(run *r, reader *rd)
{
    uint8_t b = u8(rd);
    if (b < 0xE0)
        return (ULONG)from_ring(&r->tids, b, 8);
    return b < 0xF0 ? (ULONG)(b - 0xE0) * 4 : u32(rd);
}

static HANDLE pick_handle(run *r, reader *rd)
{
    uint8_t b = u8(rd);
    uint64_t v;
    if (b < 0xA0)
        v = from_ring(&r->handles, b, (uint64_t)-1);
    else if (b < 0xC0)
        v = (uint64_t)-1; /* NtCurrentProcess() */
    else if (b < 0xD0)
        v = (uint64_t)-2; /* NtCurrentThread() */
    else if (b < 0xE8)
        v = (uint64_t)(b - 0xD0) * 4; /* a small value, maybe open */
    else if (b < 0xF0)
        v = 0xFFFFFFFF80000000ull | (uint64_t)u8(rd) * 4; /* a kernel handle */
    else if (b < 0xF8)
        v = u32(rd);
    else
        v = any64(rd);
    return (HANDLE)(uintptr_t)v;
}

static ULONG_PTR current_stack(run *r)
{
    NTSIM_THREAD_INFO ti;
    if (!NT_SUCCESS(ntsim_query_thread(r->sys, ntsim_current_thread_id(r->sys), &ti)))
        return 0;
    return ti.stack_base;
}

/* Whether the current thread's Nt* stubs enter as user mode (a user stack in a
   live process) or as kernel mode, passing host pointers. */
static bool user_caller(run *r)
{
    NTSIM_THREAD_INFO ti;
    NTSIM_PROCESS_INFO pi;
    return NT_SUCCESS(ntsim_query_thread(r->sys, ntsim_current_thread_id(r->sys), &ti)) && ti.stack_base &&
           NT_SUCCESS(ntsim_query_process(r->sys, ti.pid, &pi)) && !pi.exited;
}

static ULONG_PTR pick_addr(run *r, reader *rd)
{
    uint8_t b = u8(rd);
    if (b < 0xA0)
        return from_ring(&r->addrs, b, 0x10000) + (b & 0x10 ? (uint64_t)u16(rd) : 0);
    if (b < 0xB0)
        return current_stack(r) - 0x100 - (uint64_t)u8(rd) * 0x10;
    if (b < 0xC0)
        return (uint64_t)u16(rd) << 16; /* a 64 KB boundary low in the space */
    if (b < 0xD0)
        return 0;
    if (b < 0xE0)
        return 0x7FFE0000ull + (uint64_t)u16(rd); /* near the top of a 2 GB space */
    return any64(rd);
}

static SIZE_T pick_size(reader *rd)
{
    static const SIZE_T sizes[] = { 0, 1, 0xFFF, 0x1000, 0x1001, 0x2000, 0x3000, 0x10000, 0x10001, 0x100000,
                                    0x7FFF0000, 1ull << 32, 1ull << 40, ~(SIZE_T)0, ~(SIZE_T)0 - 0xFFF };
    uint8_t b = u8(rd);
    if (b < 0xC0)
        return sizes[b % (sizeof sizes / sizeof sizes[0])];
    if (b < 0xE0)
        return (SIZE_T)u16(rd) * 0x1000;
    return any64(rd);
}

static ULONG pick_protect(reader *rd)
{
    static const ULONG protects[] = { PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY, PAGE_EXECUTE,
                                      PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY,
                                      PAGE_READWRITE | PAGE_GUARD, PAGE_READONLY | PAGE_GUARD,
                                      PAGE_READWRITE | PAGE_NOCACHE, PAGE_READWRITE | PAGE_WRITECOMBINE,
                                      PAGE_NOACCESS | PAGE_GUARD, 0 };
    uint8_t b = u8(rd);
    return b < 0xF0 ? protects[b % (sizeof protects / sizeof protects[0])] : u32(rd);
}

static ULONG pick_alloc_type(reader *rd)
{
    static const ULONG types[] = { MEM_RESERVE | MEM_COMMIT, MEM_RESERVE, MEM_COMMIT, MEM_RESERVE | MEM_TOP_DOWN,
                                   MEM_COMMIT | MEM_RESERVE | MEM_TOP_DOWN, MEM_RESET, MEM_RESET_UNDO,
                                   MEM_RESERVE | MEM_WRITE_WATCH, MEM_RESERVE | MEM_PHYSICAL,
                                   MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, MEM_COMMIT | MEM_RESET, 0 };
    uint8_t b = u8(rd);
    return b < 0xF0 ? types[b % (sizeof types / sizeof types[0])] : u32(rd);
}

static ULONG pick_free_type(reader *rd)
{
    static const ULONG types[] = { MEM_RELEASE, MEM_DECOMMIT, MEM_RELEASE | MEM_DECOMMIT, 0 };
    uint8_t b = u8(rd);
    return b < 0xF0 ? types[b % 4] : u32(rd);
}

/* Mostly specific rights only, so the access oracle can judge the result. */
static ACCESS_MASK pick_access(reader *rd)
{
    uint8_t b = u8(rd);
    if (b < 0xB0)
        return u16(rd) & 0x1FFFu;
    if (b < 0xC0)
        return (u16(rd) & 0x1FFFu) | SYNCHRONIZE;
    if (b < 0xD0)
        return MAXIMUM_ALLOWED;
    if (b < 0xE0)
        return (ACCESS_MASK)(GENERIC_READ >> (b & 3)); /* one generic right */
    return u32(rd);
}

static ULONG64 pick_arg(run *r, reader *rd)
{
    switch (u8(rd) % 10) {
    case 0: return 0;
    case 1: return u8(rd);
    case 2: return (ULONG64)(uintptr_t)pick_handle(r, rd);
    case 3: case 4: return pick_addr(r, rd);
    case 5: return pick_size(rd);
    case 6: return pick_pid(r, rd);
    case 7: return pick_access(rd);
    case 8: return u32(rd);
    default: return any64(rd);
    }
}

/* Service numbers: the ones ntsim implements, empty slots, and nonsense. */
static const ULONG services[] = { 0x004, 0x006, 0x007, 0x008, 0x00D, 0x00F, 0x018, 0x019, 0x01E, 0x023, 0x026,
                                  0x02C, 0x034, 0x036, 0x03A, 0x03C, 0x03F, 0x050, 0x052, 0x053, 0x055, 0x0B6,
                                  0x11F, 0x1A9, 0x028, 0x02A, 0x04A, 0x051, 0x074, 0x0D6, 0x0EF, 0x166 };

static ULONG pick_service(reader *rd)
{
    uint8_t b = u8(rd);
    if (b < 0xC0)
        return services[b % (sizeof services / sizeof services[0])];
    if (b < 0xF0)
        return u16(rd);
    return u32(rd);
}

/* ---- the access oracle ------------------------------------------------------ */

typedef struct entry_query {
    ULONG value;
    bool found;
    NTSIM_HANDLE_INFO info;
} entry_query;

static bool find_entry(void *context, const NTSIM_HANDLE_INFO *info)
{
    entry_query *q = context;
    if (info->handle != q->value)
        return true;
    q->found = true;
    q->info = *info;
    return false;
}

/* The current process's entry for handle h, if it is a plain value it holds. */
static bool handle_entry(run *r, HANDLE h, NTSIM_HANDLE_INFO *info)
{
    uint64_t v = (uint64_t)(uintptr_t)h;
    NTSIM_THREAD_INFO ti;
    if (v == 0 || v > 0x7FFFFFFFu || !NT_SUCCESS(ntsim_query_thread(r->sys, ntsim_current_thread_id(r->sys), &ti)))
        return false;
    entry_query q = { .value = (ULONG)v };
    ntsim_walk_handles(r->sys, ti.pid, find_entry, &q);
    if (q.found)
        *info = q.info;
    return q.found;
}

/* What a call on h needs; filled before the call, judged after it. */
typedef struct need {
    bool known;                 /* h is an entry of the caller's table */
    bool lacking;               /* ... of the wrong type or without the right */
} need;

static need needs(run *r, HANDLE h, ntsim_object_type type, ACCESS_MASK any_of)
{
    NTSIM_HANDLE_INFO info;
    need n = { 0 };
    if (!handle_entry(r, h, &info))
        return n;
    n.known = true;
    n.lacking = info.type != type || !(info.access & any_of);
    return n;
}

static void judge(run *r, need n, NTSTATUS s, const char *call)
{
    if (n.known && n.lacking && NT_SUCCESS(s)) {
        char what[128];
        snprintf(what, sizeof what, "%s succeeded on a handle without the right (0x%08x)", call, (unsigned)s);
        fail(r, what);
    }
}

/* Rights an explicit request can give: none beyond it, unless it asks generically. */
/* The most a handle asked for with `desired` may hold: a query (set) right brings its limited form. */
static ACCESS_MASK bound_of(ACCESS_MASK desired, bool thread)
{
    if (desired & (GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED))
        return ~(ACCESS_MASK)0;
    ACCESS_MASK query = thread ? THREAD_QUERY_INFORMATION : PROCESS_QUERY_INFORMATION;
    ACCESS_MASK set = thread ? THREAD_SET_INFORMATION : PROCESS_SET_INFORMATION;
    if (desired & query)
        desired |= thread ? THREAD_QUERY_LIMITED_INFORMATION : PROCESS_QUERY_LIMITED_INFORMATION;
    if (desired & set)
        desired |= thread ? THREAD_SET_LIMITED_INFORMATION : PROCESS_SET_LIMITED_INFORMATION;
    return desired;
}

static hook *hook_at(run *r, ULONG number);

/* A call through service `number` must be refused for want of access (unless one of our hooks answers it). */
static void expect_denied(run *r, ULONG number, NTSTATUS s, const char *call)
{
    if (s != STATUS_ACCESS_DENIED && !hook_at(r, number)) {
        char what[128];
        snprintf(what, sizeof what, "%s without the right gave 0x%08x, not STATUS_ACCESS_DENIED", call, (unsigned)s);
        fail(r, what);
    }
}

/* Right after a handle to a process was opened with `desired`: what it may not do. */
static void check_new_process_handle(run *r, HANDLE h, ACCESS_MASK desired)
{
    NTSIM_HANDLE_INFO info;
    if (!handle_entry(r, h, &info))
        fail(r, "a handle just returned is not in the caller's table");
    ACCESS_MASK bound = bound_of(desired, false);
    if (info.access & ~bound)
        fail(r, "a new process handle holds rights beyond those asked for");
    if (!(bound & PROCESS_TERMINATE)) {
        ULONG64 a[] = { (ULONG64)(uintptr_t)h, 0x77 };
        expect_denied(r, 0x02C, ntsim_system_call(r->sys, 0x02C, a, 2), "NtTerminateProcess");
    }
    if (!(bound & PROCESS_DUP_HANDLE)) {
        ULONG64 a[] = { (ULONG64)(uintptr_t)h, (ULONG64)-1, (ULONG64)-1, 0, 0, 0, DUPLICATE_SAME_ACCESS };
        expect_denied(r, 0x03C, ntsim_system_call(r->sys, 0x03C, a, 7), "NtDuplicateObject");
    }
    if (!(bound & PROCESS_QUERY_INFORMATION)) {
        /* A user thread's stub puts the buffer on its stack, which the program
           may have made unwritable: the probe fails first, the handle unseen. */
        MEMORY_BASIC_INFORMATION mbi;
        NTSTATUS s = NtQueryVirtualMemory(r->sys, h, 0, MemoryBasicInformation, &mbi, sizeof mbi, NULL);
        if (!(s == STATUS_ACCESS_VIOLATION && user_caller(r)))
            expect_denied(r, 0x023, s, "NtQueryVirtualMemory");
    }
}

static void check_new_thread_handle(run *r, HANDLE h, ACCESS_MASK desired)
{
    NTSIM_HANDLE_INFO info;
    if (!handle_entry(r, h, &info))
        fail(r, "a handle just returned is not in the caller's table");
    ACCESS_MASK bound = bound_of(desired, true);
    if (info.access & ~bound)
        fail(r, "a new thread handle holds rights beyond those asked for");
    if (!(bound & THREAD_TERMINATE)) {
        ULONG64 a[] = { (ULONG64)(uintptr_t)h, 0x77 };
        expect_denied(r, 0x053, ntsim_system_call(r->sys, 0x053, a, 2), "NtTerminateThread");
    }
    if (!(bound & THREAD_SUSPEND_RESUME)) {
        ULONG64 a[] = { (ULONG64)(uintptr_t)h, 0 };
        expect_denied(r, 0x1A9, ntsim_system_call(r->sys, 0x1A9, a, 2), "NtSuspendThread");
        expect_denied(r, 0x052, ntsim_system_call(r->sys, 0x052, a, 2), "NtResumeThread");
    }
    if (!(bound & SYNCHRONIZE)) {
        ULONG64 a[] = { (ULONG64)(uintptr_t)h, 0, 0 };
        expect_denied(r, 0x004, ntsim_system_call(r->sys, 0x004, a, 3), "NtWaitForSingleObject");
    }
}

static void check_new_handle(run *r, HANDLE h, ACCESS_MASK desired)
{
    NTSIM_HANDLE_INFO info;
    if (!handle_entry(r, h, &info))
        fail(r, "a handle just returned is not in the caller's table");
    if (info.type == NTSIM_OBJECT_PROCESS)
        check_new_process_handle(r, h, desired);
    else if (info.type == NTSIM_OBJECT_THREAD)
        check_new_thread_handle(r, h, desired);
}

/* ---- the ID oracle ------------------------------------------------------------ */

typedef struct id {
    ULONG id;
    bool thread;
    uint64_t sequence;
} id;

typedef struct ids {
    run *r;
    id v[1024];
    unsigned n;
    bool overflow;
    ULONG pid; /* the process whose threads are being walked */
} ids;

static bool add_thread(void *context, const NTSIM_THREAD_INFO *info)
{
    ids *s = context;
    if (info->pid != s->pid)
        fail(s->r, "a thread walked under one process names another");
    if (s->n == sizeof s->v / sizeof s->v[0])
        return !(s->overflow = true);
    s->v[s->n++] = (id){ info->tid, true, info->sequence };
    return true;
}

static bool add_process(void *context, const NTSIM_PROCESS_INFO *info)
{
    ids *s = context;
    if (s->n == sizeof s->v / sizeof s->v[0])
        return !(s->overflow = true);
    if (info->pid != 0) /* Idle */
        s->v[s->n++] = (id){ info->pid, false, info->sequence };
    return true;
}

static int by_id(const void *a, const void *b)
{
    const id *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* A handle keeps its object alive: its ID must still name that object, not a newer one. */
static bool handle_names_its_object(void *context, const NTSIM_HANDLE_INFO *info)
{
    run *r = context;
    uint64_t sequence;
    NTSTATUS s;
    if (info->type == NTSIM_OBJECT_PROCESS)
        s = ntsim_process_sequence(r->sys, info->object_id, &sequence);
    else if (info->type == NTSIM_OBJECT_THREAD)
        s = ntsim_thread_sequence(r->sys, info->object_id, &sequence);
    else
        return true;
    if (!NT_SUCCESS(s) || sequence != info->object_sequence) {
        char what[128];
        snprintf(what, sizeof what, "handle 0x%x holds %s %u (sequence %llu), which that ID no longer names",
                 info->handle, info->type == NTSIM_OBJECT_PROCESS ? "process" : "thread", info->object_id,
                 (unsigned long long)info->object_sequence);
        fail(r, what);
    }
    return true;
}

static void check_ids(run *r)
{
    static ids s; /* 16 KB: not on the stack */
    s = (ids){ .r = r };
    ntsim_walk_processes(r->sys, add_process, &s);
    unsigned processes = s.n;
    for (unsigned i = 0; i < processes && !s.overflow; i++) {
        s.pid = s.v[i].id;
        ntsim_walk_threads(r->sys, s.pid, add_thread, &s);
        ntsim_walk_handles(r->sys, s.pid, handle_names_its_object, r);
    }
    if (s.overflow)
        return;
    for (unsigned i = 0; i < s.n; i++)
        if (s.v[i].id % 4 || s.v[i].id == 0)
            fail(r, "a process or thread ID that is not a non-zero multiple of 4");
    qsort(s.v, s.n, sizeof s.v[0], by_id);
    for (unsigned i = 1; i < s.n; i++)
        if (s.v[i].id == s.v[i - 1].id) {
            char what[96];
            snprintf(what, sizeof what, "ID %u held by two live objects (%s and %s)", s.v[i].id,
                     s.v[i - 1].thread ? "thread" : "process", s.v[i].thread ? "thread" : "process");
            fail(r, what);
        }
}

/* ---- service hooks ------------------------------------------------------------ */

static NTSTATUS hook_body(int i, ntsim_system *sys, const ULONG64 *a)
{
    run *r = current_run;
    hook *k = &r->hooks[i];
    bool user = ntsim_previous_mode(sys) == UserMode;
    mix64(r, 0x400 + i);
    switch (k->kind) {
    case HOOK_FAIL:
        return k->status;
    case HOOK_OBSERVE:
        if (user) {
            /* What the first pointer argument points at, read as the caller. */
            uint8_t b[16];
            NTSTATUS s = ntsim_read_memory(sys, a[1], b, sizeof b);
            result(r, s);
            if (NT_SUCCESS(s))
                mix(r, b, sizeof b);
        }
        break;
    case HOOK_HIDE:
        if (user) {
            /* Exercise 06's rootkit: a CLIENT_ID naming the hidden process is refused. */
            ULONG64 cid[2];
            if (NT_SUCCESS(ntsim_read_memory(sys, a[3], cid, sizeof cid)) && cid[0] == k->pid)
                return STATUS_INVALID_CID;
        }
        break;
    default:
        break;
    }
    return k->previous ? k->previous(sys, a) : STATUS_NOT_IMPLEMENTED;
}

static NTSTATUS hook0(ntsim_system *sys, const ULONG64 *a) { return hook_body(0, sys, a); }
static NTSTATUS hook1(ntsim_system *sys, const ULONG64 *a) { return hook_body(1, sys, a); }
static NTSTATUS hook2(ntsim_system *sys, const ULONG64 *a) { return hook_body(2, sys, a); }
static NTSTATUS hook3(ntsim_system *sys, const ULONG64 *a) { return hook_body(3, sys, a); }
static NTSTATUS hook4(ntsim_system *sys, const ULONG64 *a) { return hook_body(4, sys, a); }
static NTSTATUS hook5(ntsim_system *sys, const ULONG64 *a) { return hook_body(5, sys, a); }

static const NTSIM_SERVICE_ROUTINE hook_routines[HOOKS] = { hook0, hook1, hook2, hook3, hook4, hook5 };

static hook *hook_at(run *r, ULONG number)
{
    for (int i = 0; i < HOOKS; i++)
        if (r->hooks[i].bound && r->hooks[i].number == number)
            return &r->hooks[i];
    return NULL;
}

/* Puts the routine a hook replaced back; an empty slot cannot be emptied again. */
static bool unhook(run *r, hook *k)
{
    if (!k->previous)
        return false;
    NTSTATUS s = ntsim_replace_service(r->sys, k->number, k->previous, NULL);
    result(r, s);
    k->bound = !NT_SUCCESS(s);
    return NT_SUCCESS(s);
}

/* ---- known defects ---------------------------------------------------------------
 * An input that reaches a defect already reported may be left out here until
 * it is fixed, so that the fuzzer finds others; each such exclusion names its
 * defect (docs/reliability.md) and goes with the fix. None at present.
 */

/* ---- the operations -------------------------------------------------------------- */

static const char *const image_paths[] = {
    "C:\\Windows\\System32\\notepad.exe",
    "C:\\Windows\\explorer.exe",
    "D:\\tools\\x.exe",
    "calc.exe",
    "",
    "C:",
    "\\\\?\\C:\\a\\b\\c.exe",
    "C:\\Program Files\\A Very Long Directory Name That Goes On And On\\And On Further Still\\"
    "Until It Is Longer Than MAX_PATH Characters Which Is Two Hundred And Sixty\\Characters Of Path\\"
    "With Some More Directories\\And Then Some More\\app-with-a-long-name.exe",
    "C:\\caf\xc3\xa9\\\xe6\x97\xa5\xe6\x9c\xac.exe",
    "C:\\bad\xff\xfe.exe",
};

static const char *pick_image(reader *rd)
{
    return image_paths[u8(rd) % (sizeof image_paths / sizeof image_paths[0])];
}

static void op_create_process(run *r, reader *rd)
{
    NTSIM_PROCESS_PARAMS pp;
    ntsim_process_params_default(&pp, pick_image(rd));
    uint8_t f = u8(rd);
    pp.parent_pid = f & 1 ? pick_pid(r, rd) : 0;
    pp.command_line = f & 2 ? pick_image(rd) : NULL;
    pp.arch = f & 4 ? NTSIM_ARCH_X86 : NTSIM_ARCH_X64;
    pp.large_address_aware = f & 8;
    pp.lock_memory_privilege = f & 16;
    if (f & 32)
        pp.stack_reserve = pick_size(rd);
    if (f & 64)
        pp.stack_commit = pick_size(rd);
    if (f & 128)
        pp.arch = (ntsim_arch)u8(rd);
    /* The token: a logon's user, an integrity level (a bad name too), elevation, privileges. */
    static const char *const users[] = { NULL, "alice", "SYSTEM", "bob", "a\\b", "" };
    static const char *const levels[] = { NULL, "low", "medium", "high", "system", "untrusted", "bogus" };
    uint8_t t = u8(rd);
    pp.user = users[t % 6];
    pp.integrity = levels[(t / 6) % 7];
    pp.elevated = t & 0x80;
    if (u8(rd) < 0x40)
        pp.privileges = (uint64_t)u32(rd) << (u8(rd) % 33);
    if (r->processes++ >= MAX_PROCESSES)
        return;
    CLIENT_ID cid;
    NTSTATUS s = ntsim_create_process(r->sys, &pp, &cid);
    result(r, s);
    mix(r, &cid, sizeof cid);
    if (NT_SUCCESS(s)) {
        remember(&r->pids, cid.UniqueProcess);
        remember(&r->tids, cid.UniqueThread);
    }
}

static void op_create_thread(run *r, reader *rd)
{
    ULONG pid = pick_pid(r, rd);
    SIZE_T stack = pick_size(rd);
    bool reserve = u8(rd) & 1;
    if (r->threads++ >= MAX_THREADS)
        return;
    CLIENT_ID cid;
    NTSTATUS s = ntsim_create_thread(r->sys, pid, stack, reserve, &cid);
    result(r, s);
    mix(r, &cid, sizeof cid);
    if (NT_SUCCESS(s))
        remember(&r->tids, cid.UniqueThread);
}

static void op_create_thread_ex(run *r, reader *rd)
{
    ACCESS_MASK access = pick_access(rd);
    HANDLE process = pick_handle(r, rd);
    ULONG flags = u8(rd) & 1 ? u32(rd) : (u8(rd) & THREAD_CREATE_FLAGS_CREATE_SUSPENDED);
    SIZE_T commit = pick_size(rd), reserve = pick_size(rd);
    if (r->threads++ >= MAX_THREADS)
        return;
    need n = needs(r, process, NTSIM_OBJECT_PROCESS, PROCESS_CREATE_THREAD);
    HANDLE h = NULL;
    NTSTATUS s = NtCreateThreadEx(r->sys, &h, access, NULL, process, 0x401000, 0, flags, 0, commit, reserve, NULL);
    judge(r, n, s, "NtCreateThreadEx");
    result(r, s);
    mix64(r, (uint64_t)(uintptr_t)h);
    if (NT_SUCCESS(s))
        remember(&r->handles, (uint64_t)(uintptr_t)h);
}

static void op_exit_process(run *r, reader *rd)
{
    ULONG pid = pick_pid(r, rd);
    ULONG code = u32(rd);
    result(r, ntsim_exit_process(r->sys, pid, code));
}

static void op_exit_thread(run *r, reader *rd)
{
    ULONG tid = pick_tid(r, rd);
    result(r, ntsim_exit_thread(r->sys, tid, u32(rd)));
}

static void op_terminate_process(run *r, reader *rd)
{
    HANDLE h = pick_handle(r, rd);
    NTSTATUS code = (NTSTATUS)u32(rd);
    need n = needs(r, h, NTSIM_OBJECT_PROCESS, PROCESS_TERMINATE);
    NTSTATUS s = NtTerminateProcess(r->sys, h, code);
    judge(r, n, s, "NtTerminateProcess");
    result(r, s);
}

static void op_terminate_thread(run *r, reader *rd)
{
    HANDLE h = pick_handle(r, rd);
    need n = needs(r, h, NTSIM_OBJECT_THREAD, THREAD_TERMINATE);
    NTSTATUS s = NtTerminateThread(r->sys, h, (NTSTATUS)u32(rd));
    judge(r, n, s, "NtTerminateThread");
    result(r, s);
}

static void op_set_current_thread(run *r, reader *rd)
{
    ULONG tid = pick_tid(r, rd);
    NTSTATUS s = ntsim_set_current_thread(r->sys, tid);
    result(r, s);
    mix64(r, ntsim_current_thread_id(r->sys));
}

static void op_allocate(run *r, reader *rd)
{
    HANDLE h = pick_handle(r, rd);
    ULONG_PTR base = pick_addr(r, rd);
    ULONG_PTR zero_bits = u8(rd) < 0xF0 ? 0 : u64(rd) % 70;
    SIZE_T size = pick_size(rd);
    ULONG type = pick_alloc_type(rd), protect = pick_protect(rd);
    need n = needs(r, h, NTSIM_OBJECT_PROCESS, PROCESS_VM_OPERATION);
    NTSTATUS s = NtAllocateVirtualMemory(r->sys, h, &base, zero_bits, &size, type, protect);
    judge(r, n, s, "NtAllocateVirtualMemory");
    result(r, s);
    if (NT_SUCCESS(s)) {
        mix64(r, base);
        mix64(r, size);
        remember(&r->addrs, base);
    }
}

static void op_free(run *r, reader *rd)
{
    HANDLE h = pick_handle(r, rd);
    ULONG_PTR base = pick_addr(r, rd);
    SIZE_T size = u8(rd) & 1 ? 0 : pick_size(rd);
    ULONG type = pick_free_type(rd);
    need n = needs(r, h, NTSIM_OBJECT_PROCESS, PROCESS_VM_OPERATION);
    NTSTATUS s = NtFreeVirtualMemory(r->sys, h, &base, &size, type);
    judge(r, n, s, "NtFreeVirtualMemory");
    result(r, s);
    if (NT_SUCCESS(s)) {
        mix64(r, base);
        mix64(r, size);
    }
}

static void op_protect(run *r, reader *rd)
{
    HANDLE h = pick_handle(r, rd);
    ULONG_PTR base = pick_addr(r, rd);
    SIZE_T size = pick_size(rd);
    ULONG protect = pick_protect(rd), old = 0;
    need n = needs(r, h, NTSIM_OBJECT_PROCESS, PROCESS_VM_OPERATION);
    NTSTATUS s = NtProtectVirtualMemory(r->sys, h, &base, &size, protect, &old);
    judge(r, n, s, "NtProtectVirtualMemory");
    result(r, s);
    if (NT_SUCCESS(s)) {
        mix64(r, base);
        mix64(r, size);
        mix64(r, old);
    }
}

static void op_query(run *r, reader *rd)
{
    HANDLE h = pick_handle(r, rd);
    ULONG_PTR at = pick_addr(r, rd);
    uint8_t f = u8(rd);
    /* Room for any class's answer at any length asked (a name, 16 working-set entries). */
    static union {
        MEMORY_BASIC_INFORMATION mbi;
        MEMORY_WORKING_SET_EX_INFORMATION ws[16];
        unsigned char bytes[256];
    } out;
    memset(&out, 0, sizeof out);
    MEMORY_BASIC_INFORMATION mbi = { 0 };
    SIZE_T len = f & 1 ? (SIZE_T)u8(rd) : sizeof mbi, ret = 0;
    MEMORY_INFORMATION_CLASS cls = f & 2 ? (MEMORY_INFORMATION_CLASS)(f & 8 ? u8(rd) : u8(rd) % 7)
                                         : MemoryBasicInformation;
    for (unsigned i = 0; cls == MemoryWorkingSetExInformation && i < 16; i++)
        out.ws[i].VirtualAddress = pick_addr(r, rd);
    need n = needs(r, h, NTSIM_OBJECT_PROCESS, PROCESS_QUERY_INFORMATION);
    NTSTATUS s = NtQueryVirtualMemory(r->sys, h, at, cls, cls == MemoryBasicInformation ? (void *)&mbi : out.bytes,
                                      len, f & 4 ? NULL : &ret);
    if (cls != MemoryBasicInformation) {
        judge(r, n, s, "NtQueryVirtualMemory");
        result(r, s);
        mix64(r, ret);
        if (NT_SUCCESS(s)) { /* a name's Buffer is a host pointer: not hashed */
            if (cls == MemoryMappedFilenameInformation)
                memset(out.bytes + 8, 0, 8);
            mix(r, out.bytes, len < sizeof out ? len : sizeof out);
        }
        return;
    }
    judge(r, n, s, "NtQueryVirtualMemory");
    result(r, s);
    if (NT_SUCCESS(s)) {
        uint64_t m[] = { mbi.BaseAddress, mbi.AllocationBase, mbi.AllocationProtect, mbi.RegionSize,
                         mbi.State, mbi.Protect, mbi.Type, ret };
        mix(r, m, sizeof m);
        remember(&r->addrs, mbi.BaseAddress);
    }
}

static uint8_t io_buffer[IO_MAX];

static void op_read_memory(run *r, reader *rd)
{
    ULONG_PTR at = pick_addr(r, rd);
    SIZE_T len = u16(rd) % IO_MAX;
    NTSTATUS s = ntsim_read_memory(r->sys, at, io_buffer, len);
    result(r, s);
    if (NT_SUCCESS(s))
        mix(r, io_buffer, len);
}

/* n bytes of the program as data (zeros past its end). */
static size_t take(reader *rd, uint8_t *out, size_t n)
{
    size_t k = n < rd->n ? n : rd->n;
    memcpy(out, rd->p, k);
    memset(out + k, 0, n - k);
    rd->p += k, rd->n -= k;
    return n;
}

static void op_write_memory(run *r, reader *rd)
{
    ULONG_PTR at = pick_addr(r, rd);
    uint8_t b = u8(rd);
    SIZE_T len = b < 0xC0 ? take(rd, io_buffer, b % 64) : (SIZE_T)u16(rd) % IO_MAX;
    if (b >= 0xC0)
        memset(io_buffer, b, len);
    result(r, ntsim_write_memory(r->sys, at, io_buffer, len));
}

static void op_touch_memory(run *r, reader *rd)
{
    ULONG_PTR at = pick_addr(r, rd);
    result(r, ntsim_touch_memory(r->sys, at, (ntsim_access)(u8(rd) % 3)));
}

static void op_open_process(run *r, reader *rd)
{
    ACCESS_MASK access = pick_access(rd);
    CLIENT_ID cid = { pick_pid(r, rd), u8(rd) < 0xE0 ? 0 : pick_tid(r, rd) };
    HANDLE h = NULL;
    NTSTATUS s = NtOpenProcess(r->sys, &h, access, &cid);
    result(r, s);
    mix64(r, (uint64_t)(uintptr_t)h);
    if (NT_SUCCESS(s)) {
        remember(&r->handles, (uint64_t)(uintptr_t)h);
        check_new_handle(r, h, access);
    }
}

static void op_open_thread(run *r, reader *rd)
{
    ACCESS_MASK access = pick_access(rd);
    CLIENT_ID cid = { u8(rd) < 0xE0 ? 0 : pick_pid(r, rd), pick_tid(r, rd) };
    HANDLE h = NULL;
    NTSTATUS s = NtOpenThread(r->sys, &h, access, &cid);
    result(r, s);
    mix64(r, (uint64_t)(uintptr_t)h);
    if (NT_SUCCESS(s)) {
        remember(&r->handles, (uint64_t)(uintptr_t)h);
        check_new_handle(r, h, access);
    }
}

static void op_duplicate(run *r, reader *rd)
{
    HANDLE source_process = pick_handle(r, rd), source = pick_handle(r, rd);
    uint8_t f = u8(rd);
    HANDLE target_process = f & 1 ? pick_handle(r, rd) : NtCurrentProcess();
    ACCESS_MASK access = pick_access(rd);
    ULONG options = f & 2 ? u32(rd) : (f >> 2) & 3;
    need ns = needs(r, source_process, NTSIM_OBJECT_PROCESS, PROCESS_DUP_HANDLE);
    need nt = needs(r, target_process, NTSIM_OBJECT_PROCESS, PROCESS_DUP_HANDLE);
    HANDLE h = NULL;
    NTSTATUS s = NtDuplicateObject(r->sys, source_process, source, target_process, f & 16 ? NULL : &h, access, 0,
                                   options);
    judge(r, ns, s, "NtDuplicateObject (source process)");
    judge(r, nt, s, "NtDuplicateObject (target process)");
    result(r, s);
    mix64(r, (uint64_t)(uintptr_t)h);
    if (NT_SUCCESS(s) && h) {
        remember(&r->handles, (uint64_t)(uintptr_t)h);
        if (target_process == NtCurrentProcess() && !(options & DUPLICATE_SAME_ACCESS))
            check_new_handle(r, h, access);
    }
}

/* The token services: open a process's token, query it in any class and
   buffer size, adjust privileges (a few entries, any attributes, any
   PreviousState size). */
static void op_token(run *r, reader *rd)
{
    uint8_t f = u8(rd);
    switch (f % 3) {
    case 0: {
        HANDLE h = NULL;
        NTSTATUS s = f & 8 ? NtOpenProcessTokenEx(r->sys, pick_handle(r, rd), pick_access(rd), u8(rd) < 0x20 ? u32(rd) : 0, &h)
                           : NtOpenProcessToken(r->sys, pick_handle(r, rd), pick_access(rd), &h);
        result(r, s);
        if (NT_SUCCESS(s))
            remember(&r->handles, (uint64_t)(uintptr_t)h);
        break;
    }
    case 1: {
        static unsigned char buf[1024];
        ULONG length = u8(rd) < 0x80 ? u8(rd) : u16(rd) % sizeof buf, needed = 0;
        TOKEN_INFORMATION_CLASS cls = (TOKEN_INFORMATION_CLASS)(u8(rd) % 30);
        NTSTATUS s = NtQueryInformationToken(r->sys, pick_handle(r, rd), cls, f & 8 ? NULL : buf, length,
                                             f & 16 ? NULL : &needed);
        result(r, s);
        mix(r, &needed, sizeof needed);
        if (NT_SUCCESS(s))
            mix(r, buf, needed < length ? needed : length);
        break;
    }
    default: {
        struct {
            TOKEN_PRIVILEGES p;
            LUID_AND_ATTRIBUTES more[3];
        } set, previous;
        memset(&set, 0, sizeof set);
        memset(&previous, 0, sizeof previous);
        set.p.PrivilegeCount = u8(rd) % 5;
        for (ULONG i = 0; i < set.p.PrivilegeCount; i++) {
            LUID_AND_ATTRIBUTES *e = i ? &set.more[i - 1] : &set.p.Privileges[0];
            e->Luid.LowPart = u8(rd) % 40;
            e->Luid.HighPart = u8(rd) < 0x08 ? 1 : 0;
            e->Attributes = u8(rd) < 0x10 ? u32(rd) : (u8(rd) & 1 ? SE_PRIVILEGE_ENABLED : 0);
        }
        ULONG length = u8(rd) % (sizeof previous + 1), returned = 0;
        NTSTATUS s = NtAdjustPrivilegesToken(r->sys, pick_handle(r, rd), f & 8, f & 16 ? NULL : &set.p, length,
                                             f & 32 ? NULL : &previous.p, f & 64 ? NULL : &returned);
        result(r, s);
        mix(r, &returned, sizeof returned);
        break;
    }
    }
}

static void op_close(run *r, reader *rd)
{
    result(r, NtClose(r->sys, pick_handle(r, rd)));
}

static void op_system_call(run *r, reader *rd)
{
    ULONG number = pick_service(rd);
    ULONG64 args[NTSIM_MAX_SERVICE_ARGUMENTS + 2];
    ULONG argc = u8(rd) % (NTSIM_MAX_SERVICE_ARGUMENTS + 3);
    for (ULONG i = 0; i < argc; i++)
        args[i] = pick_arg(r, rd);
    NTSTATUS s = ntsim_system_call(r->sys, number, argc ? args : NULL, argc);
    result(r, s);
}

static void op_hook(run *r, reader *rd)
{
    ULONG number = pick_service(rd);
    uint8_t f = u8(rd);
    hook *k = hook_at(r, number);
    if (f & 1) { /* remove */
        if (k)
            mix64(r, unhook(r, k));
        return;
    }
    if (!k) {
        k = &r->hooks[(f >> 1) % HOOKS];
        if (k->bound && !unhook(r, k))
            return; /* stuck in an empty slot it filled */
        NTSIM_SERVICE_ROUTINE previous = NULL;
        NTSTATUS s = ntsim_replace_service(r->sys, number, hook_routines[k - r->hooks], &previous);
        result(r, s);
        if (!NT_SUCCESS(s))
            return;
        *k = (hook){ .bound = true, .number = number, .previous = previous };
    }
    k->kind = (hook_kind)(u8(rd) % HOOK_KINDS);
    k->status = (NTSTATUS)(u32(rd) | 0xC0000000u); /* a failure: no output to fill */
    k->pid = pick_pid(r, rd);
}

/* ---- drivers ---------------------------------------------------------------- */

/* The sample drivers; the last ones a second name for one of them, whose load is refused (O1). */
static const char *const driver_names[] = { "sysmon", "detector", "enumproc", "booster", "blocker", "beep", "melody",
                                            "detector2", "melody2" };

/* The sample driver a name loads: an alias's, the one its name begins with. */
static const sim_driver *driver_named(const char *name)
{
    char base[16];
    snprintf(base, sizeof base, "%s", name);
    size_t n = strlen(base);
    if (n && base[n - 1] == '2')
        base[n - 1] = '\0';
    return sim_find_driver(base);
}
static const char *const device_links[] = { "\\??\\SysMon", "\\??\\Detector", "\\??\\Booster", "\\Device\\Beep",
                                            "\\??\\KMelody", "\\Device\\SysMon", "\\??\\Nothing", "",
                                            /* image files of the volume, for image sections */
                                            "\\SystemRoot\\System32\\ntdll.dll", "\\??\\C:\\Windows\\System32\\notepad.exe",
                                            "\\??\\c:\\windows\\explorer.exe", "\\Device\\HarddiskVolume3\\Windows" };

static char many_images[1024];

static const char *driver_options[] = {
    "limit=0", "limit=1", "limit=3", "limit=100000000000", "limit=-1", "limit=abc", "max_new=0", "max_new=1",
    "max_new=4096", "max_new=4097", "images=notepad.exe", "images=a.exe;calc.exe;", "images=", "images=;;;",
    "bogus=1", "=", "limit", many_images,
};

static void op_load_driver(run *r, reader *rd)
{
    const char *name = driver_names[u8(rd) % (sizeof driver_names / sizeof driver_names[0])];
    const char *options[4];
    ULONG n = u8(rd) % 5;
    for (ULONG i = 0; i < n; i++)
        options[i] = driver_options[u8(rd) % (sizeof driver_options / sizeof driver_options[0])];
    const sim_driver *d = driver_named(name);
    result(r, ntsim_load_driver(r->sys, name, d->entry, n ? options : NULL, n));
}

static void op_unload_driver(run *r, reader *rd)
{
    const char *name = driver_names[u8(rd) % (sizeof driver_names / sizeof driver_names[0])];
    result(r, ntsim_unload_driver(r->sys, name));
}

#define IOCTL_MELODY_PLAY 0x80032000u
#define IOCTL_BEEP_SET 0x00010000u

/* Melody plays its notes on the virtual clock, and a close waits for them
   all: keep them short, and past the first few, silent and timeless. */
static void shorten_notes(run *r, ULONG code, uint8_t *in, ULONG len)
{
    if (code != IOCTL_MELODY_PLAY)
        return;
    for (ULONG at = 0; at + 16 <= len; at += 16) {
        ULONG note[4];
        bool timed = r->notes++ < MAX_TIMED_NOTES;
        memcpy(note, in + at, sizeof note);
        note[1] = timed ? note[1] % 200 : 0; /* duration, ms */
        note[2] = timed ? note[2] % 100 : 0; /* delay, ms */
        note[3] = timed ? note[3] % 4 : 0;   /* repeat */
        memcpy(in + at, note, sizeof note);
    }
}

static ULONG pick_code(reader *rd)
{
    uint8_t b = u8(rd);
    return b < 0x60 ? IOCTL_MELODY_PLAY : b < 0xC0 ? IOCTL_BEEP_SET : u32(rd);
}

/* The input of a write or an I/O control, from the program; its length. */
static ULONG pick_input(run *r, reader *rd, uint8_t *in, ULONG code)
{
    uint8_t b = u8(rd);
    ULONG len = b < 0xF0 ? (ULONG)take(rd, in, b % 128) : (ULONG)(u16(rd) % 2048);
    if (b >= 0xF0)
        memset(in, 0, len);
    shorten_notes(r, code, in, len);
    return len;
}

static uint8_t io_input[2048];

static void op_device(run *r, reader *rd)
{
    const char *link = device_links[u8(rd) % (sizeof device_links / sizeof device_links[0])];
    uint8_t what = u8(rd) % 4;
    ULONG bytes = 0, len, code;
    NTSTATUS s;
    switch (what) {
    case 0:
        len = u16(rd) % IO_MAX;
        s = ntsim_device_read(r->sys, link, io_buffer, len, &bytes);
        if (NT_SUCCESS(s))
            mix(r, io_buffer, bytes < len ? bytes : len);
        break;
    case 1:
        len = pick_input(r, rd, io_input, 0);
        s = ntsim_device_write(r->sys, link, io_input, len, &bytes);
        break;
    case 2:
        code = pick_code(rd);
        len = pick_input(r, rd, io_input, code);
        s = ntsim_device_control(r->sys, link, code, io_input, len, io_buffer, u8(rd), &bytes);
        break;
    default:
        s = ntsim_device_close(r->sys, link);
        break;
    }
    result(r, s);
    mix64(r, bytes);
}

static void op_file(run *r, reader *rd)
{
    uint8_t what = u8(rd) % 4;
    IO_STATUS_BLOCK iosb = { 0 };
    NTSTATUS s;
    if (what == 0) {
        const char *link = device_links[u8(rd) % (sizeof device_links / sizeof device_links[0])];
        WCHAR w[128];
        size_t n = strlen(link);
        for (size_t i = 0; i < n; i++)
            w[i] = (unsigned char)link[i];
        uint8_t f = u8(rd);
        USHORT bytes = (USHORT)(f & 1 ? u8(rd) % (2 * n + 1) : 2 * n); /* odd lengths too */
        UNICODE_STRING name = { bytes, (USHORT)(2 * n), w };
        OBJECT_ATTRIBUTES oa;
        InitializeObjectAttributes(&oa, f & 2 ? NULL : &name, f & 4 ? OBJ_KERNEL_HANDLE : 0, NULL, NULL);
        ACCESS_MASK access = pick_access(rd);
        ULONG disposition = u8(rd) % 6;
        HANDLE h = NULL;
        if (f & 8)
            s = NtOpenFile(r->sys, &h, access, &oa, &iosb, disposition, 0);
        else
            s = NtCreateFile(r->sys, &h, access, &oa, &iosb, NULL, 0, 0, disposition, 0, NULL, 0);
        mix64(r, (uint64_t)(uintptr_t)h);
        if (NT_SUCCESS(s))
            remember(&r->handles, (uint64_t)(uintptr_t)h);
    } else {
        HANDLE h = pick_handle(r, rd);
        ULONG len, code;
        if (what == 1) {
            len = u16(rd) % IO_MAX;
            s = NtReadFile(r->sys, h, NULL, NULL, NULL, &iosb, io_buffer, len, NULL, NULL);
            if (NT_SUCCESS(s))
                mix(r, io_buffer, iosb.Information < len ? iosb.Information : len);
        } else if (what == 2) {
            len = pick_input(r, rd, io_input, 0);
            s = NtWriteFile(r->sys, h, NULL, NULL, NULL, &iosb, io_input, len, NULL, NULL);
        } else {
            code = pick_code(rd);
            len = pick_input(r, rd, io_input, code);
            ULONG out = u8(rd);
            s = NtDeviceIoControlFile(r->sys, h, NULL, NULL, NULL, &iosb, code, io_input, len, io_buffer, out);
            if (NT_SUCCESS(s))
                mix(r, io_buffer, iosb.Information < out ? iosb.Information : out);
        }
    }
    result(r, s);
    mix64(r, (uint32_t)iosb.Status);
    mix64(r, iosb.Information);
}

/* ---- scheduling and time --------------------------------------------------------- */

static void op_suspend_resume(run *r, reader *rd)
{
    uint8_t f = u8(rd);
    ULONG previous = 0;
    NTSTATUS s;
    if (f & 1) {
        HANDLE h = pick_handle(r, rd);
        need n = needs(r, h, NTSIM_OBJECT_THREAD, THREAD_SUSPEND_RESUME);
        s = f & 2 ? NtSuspendThread(r->sys, h, f & 4 ? NULL : &previous)
                  : NtResumeThread(r->sys, h, f & 4 ? NULL : &previous);
        judge(r, n, s, "NtSuspendThread/NtResumeThread");
    } else {
        ULONG tid = pick_tid(r, rd);
        s = f & 2 ? ntsim_suspend_thread(r->sys, tid, &previous) : ntsim_resume_thread(r->sys, tid, &previous);
    }
    result(r, s);
    mix64(r, previous);
}

static void op_priority(run *r, reader *rd)
{
    uint8_t f = u8(rd);
    uint64_t value = f & 8 ? any64(rd) : (uint64_t)(u8(rd) % 34);
    NTSTATUS s;
    if (f & 1) {
        HANDLE h = pick_handle(r, rd);
        need n = needs(r, h, NTSIM_OBJECT_THREAD, THREAD_SET_INFORMATION);
        KPRIORITY p = (KPRIORITY)value;
        KAFFINITY a = value;
        ULONG len = f & 16 ? u8(rd) % 9 : (f & 2 ? 8 : 4);
        if (f & 2)
            s = NtSetInformationThread(r->sys, h, ThreadAffinityMask, &a, len);
        else
            s = NtSetInformationThread(r->sys, h, f & 4 ? (THREADINFOCLASS)u8(rd) : ThreadPriority, &p,
                                       len > 4 ? 4 : len);
        judge(r, n, s, "NtSetInformationThread");
    } else {
        ULONG tid = pick_tid(r, rd);
        s = f & 2 ? ntsim_set_thread_affinity(r->sys, tid, value) : ntsim_set_thread_priority(r->sys, tid, (KPRIORITY)value);
    }
    result(r, s);
}

/* A timeout: relative, absolute from now, none, or any 64-bit value. */
static LONG64 pick_timeout(run *r, reader *rd)
{
    uint8_t b = u8(rd);
    if (b < 0x80)
        return -(LONG64)(u32(rd) % ADVANCE_CAP);
    if (b < 0xC0)
        return (LONG64)(ntsim_time(r->sys) + u32(rd) % ADVANCE_CAP);
    if (b < 0xE0)
        return 0;
    return (LONG64)any64(rd);
}

static void op_wait(run *r, reader *rd)
{
    uint8_t f = u8(rd) % 5;
    NTSTATUS s;
    if (f == 0) {
        ULONG tid = pick_tid(r, rd);
        s = ntsim_wait_thread(r->sys, tid, (uint64_t)pick_timeout(r, rd));
    } else if (f == 1) {
        s = ntsim_wake_thread(r->sys, pick_tid(r, rd));
    } else if (f == 2) {
        LONG64 t = pick_timeout(r, rd);
        s = NtDelayExecution(r->sys, u8(rd) & 1, &t);
    } else {
        HANDLE h = pick_handle(r, rd);
        LONG64 t = pick_timeout(r, rd);
        need n = needs(r, h, NTSIM_OBJECT_PROCESS, SYNCHRONIZE);
        if (n.known && n.lacking)
            n = needs(r, h, NTSIM_OBJECT_THREAD, SYNCHRONIZE);
        s = NtWaitForSingleObject(r->sys, h, false, f == 3 ? &t : NULL);
        judge(r, n, s, "NtWaitForSingleObject");
    }
    result(r, s);
}

static void op_advance(run *r, reader *rd)
{
    uint64_t ticks = u32(rd) % (ADVANCE_CAP + 1);
    if (ticks > ADVANCE_BUDGET - r->advanced)
        ticks = ADVANCE_BUDGET - r->advanced;
    r->advanced += ticks;
    ntsim_advance(r->sys, ticks);
    mix64(r, ntsim_time(r->sys));
}

static void op_touch_stack(run *r, reader *rd)
{
    ULONG tid = pick_tid(r, rd);
    /* Each page touched is checked (NTSIM_DEBUG_CHECKS): mostly up to 1 MB, sometimes 16. */
    SIZE_T bytes = u8(rd) < 0xF0 ? (SIZE_T)u16(rd) * 16 : (SIZE_T)(u32(rd) % (16u << 20));
    result(r, ntsim_touch_stack(r->sys, tid, bytes));
}

static void op_load_image(run *r, reader *rd)
{
    static const char *const dlls[] = { "C:\\Windows\\System32\\kernel32.dll", "C:\\a\\b.dll", "x.dll", "",
                                        "C:\\Windows\\System32\\ntdll.dll" };
    const char *path = dlls[u8(rd) % (sizeof dlls / sizeof dlls[0])];
    SIZE_T size = pick_size(rd);
    ULONG_PTR base = 0;
    NTSTATUS s = ntsim_load_image(r->sys, path, size, &base);
    result(r, s);
    mix64(r, base);
    if (NT_SUCCESS(s))
        remember(&r->addrs, base);
}

/* ---- queries ----------------------------------------------------------------------- */

static bool hash_region(void *context, const MEMORY_BASIC_INFORMATION *m, const char *detail)
{
    run *r = context;
    uint64_t f[] = { m->BaseAddress, m->AllocationBase, m->AllocationProtect, m->RegionSize, m->State, m->Protect,
                     m->Type };
    mix(r, f, sizeof f);
    mix_str(r, detail);
    return true;
}

static bool hash_handle(void *context, const NTSIM_HANDLE_INFO *i)
{
    run *r = context;
    uint64_t f[] = { i->handle, i->type, i->type_index, i->object_id, i->object_sequence, i->access };
    mix(r, f, sizeof f);
    mix_str(r, i->type_name);
    mix_str(r, i->object_name);
    return true;
}

static void hash_thread(run *r, const NTSIM_THREAD_INFO *t)
{
    uint64_t f[] = { t->tid, t->pid, t->sequence, t->state, (uint32_t)t->priority, (uint32_t)t->base_priority,
                     t->affinity, t->cpu, t->suspend_count, t->waiting, t->exit_code, (uint64_t)t->pointer_count,
                     (uint64_t)t->object_handle_count, t->create_time, t->exit_time, t->teb, t->stack_base,
                     t->stack_limit, t->deallocation_stack, t->stack_reserve, t->stack_commit, t->stack_committed,
                     t->guard_start, t->guard_end, t->kernel_stack_base, t->kernel_stack_limit };
    mix(r, f, sizeof f);
}

static bool hash_thread_cb(void *context, const NTSIM_THREAD_INFO *t)
{
    hash_thread(context, t);
    return true;
}

static void hash_process(run *r, const NTSIM_PROCESS_INFO *p)
{
    uint64_t f[] = { p->pid, p->ppid, p->sequence, p->arch, p->wow64, p->exited, p->exit_code, p->thread_count,
                     p->handle_count, (uint64_t)p->pointer_count, (uint64_t)p->object_handle_count, p->create_time,
                     p->exit_time, p->peb, p->image_base };
    mix(r, f, sizeof f);
    mix_str(r, p->image_name);
    mix_str(r, p->image_path);
    mix_str(r, p->command_line);
}

static void op_query_objects(run *r, reader *rd)
{
    uint8_t what = u8(rd) % 6;
    NTSTATUS s;
    if (what == 0) {
        NTSIM_PROCESS_INFO p;
        s = ntsim_query_process(r->sys, pick_pid(r, rd), &p);
        if (NT_SUCCESS(s))
            hash_process(r, &p);
    } else if (what == 1) {
        NTSIM_THREAD_INFO t;
        s = ntsim_query_thread(r->sys, pick_tid(r, rd), &t);
        if (NT_SUCCESS(s)) {
            hash_thread(r, &t);
            remember(&r->addrs, t.stack_limit);
            remember(&r->addrs, t.teb);
        }
    } else if (what == 2) {
        s = ntsim_walk_memory(r->sys, pick_pid(r, rd), hash_region, r);
    } else if (what == 3) {
        ULONG pid = pick_pid(r, rd);
        s = ntsim_walk_handles(r->sys, pid, hash_handle, r);
        if (NT_SUCCESS(s))
            s = ntsim_walk_threads(r->sys, pid, hash_thread_cb, r);
    } else if (what == 4) {
        HANDLE h = pick_handle(r, rd);
        uint8_t f = u8(rd);
        uint8_t info[64] = { 0 };
        ULONG len = f & 1 ? u8(rd) % sizeof info : 48, ret = 0;
        need n = needs(r, h, NTSIM_OBJECT_PROCESS, PROCESS_QUERY_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION);
        s = NtQueryInformationProcess(r->sys, h, f & 2 ? (PROCESSINFOCLASS)u8(rd) : ProcessBasicInformation, info,
                                      len, f & 4 ? NULL : &ret);
        judge(r, n, s, "NtQueryInformationProcess");
        if (NT_SUCCESS(s)) {
            mix(r, info, sizeof info);
            mix64(r, ret);
        }
    } else {
        ULONG len = u8(rd) < 0x80 ? u16(rd) % IO_MAX : IO_MAX, ret = 0;
        uint8_t f = u8(rd);
        if (f & 2)
            len = 0; /* no buffer: a kernel-mode caller's NULL would be its own bug */
        s = NtQuerySystemInformation(r->sys, f & 1 ? (SYSTEM_INFORMATION_CLASS)u8(rd) : SystemProcessInformation,
                                     f & 2 ? NULL : io_buffer, len, f & 4 ? NULL : &ret);
        mix64(r, ret);
        /* A kernel-mode caller's ImageName.Buffer values are host pointers: only a user thread's answer. */
        if (NT_SUCCESS(s) && user_caller(r))
            mix(r, io_buffer, ret < len ? ret : len);
    }
    result(r, s);
}

static void op_misc(run *r, reader *rd)
{
    uint8_t what = u8(rd) % 3;
    if (what == 0)
        ntsim_run_threads(r->sys);
    else if (what == 1)
        ntsim_set_trace(r->sys, u8(rd) & 3);
    else
        ntsim_set_syscall_observer(r->sys, u8(rd) & 1 ? on_syscall : NULL, r);
}

/* ---- sections and placeholders ------------------------------------------------------ */

static ULONG pick_section_attributes(reader *rd)
{
    static const ULONG attrs[] = { SEC_COMMIT, SEC_RESERVE, SEC_COMMIT | SEC_NOCACHE, SEC_IMAGE, SEC_FILE,
                                   SEC_COMMIT | SEC_RESERVE, SEC_LARGE_PAGES | SEC_COMMIT, SEC_BASED | SEC_COMMIT,
                                   SEC_NO_CHANGE | SEC_COMMIT, 0, SEC_IMAGE_NO_EXECUTE };
    uint8_t b = u8(rd);
    return b < 0xF0 ? attrs[b % (sizeof attrs / sizeof attrs[0])] : u32(rd);
}

/* Section sizes: small, granule edges, the 128 TB limit, nonsense. */
static LONG64 pick_section_size(reader *rd)
{
    static const uint64_t sizes[] = { 0x1000, 0x10000, 0x20000, 0x12345, 1, 0, 0x7FFFFFFFFFFFull,
                                      0x800000000000ull, 1ull << 34 };
    uint8_t b = u8(rd);
    return (LONG64)(b < 0xE0 ? sizes[b % (sizeof sizes / sizeof sizes[0])] : any64(rd));
}

/* NtCreateSection: page-file-backed mostly, sometimes a file handle or a name. */
static void op_create_section(run *r, reader *rd)
{
    uint8_t f = u8(rd);
    ACCESS_MASK access = f & 1 ? SECTION_ALL_ACCESS : pick_access(rd);
    LONG64 size = pick_section_size(rd);
    ULONG protect = pick_protect(rd), attrs = pick_section_attributes(rd);
    HANDLE file = f & 2 ? pick_handle(r, rd) : NULL;
    WCHAR w[] = { '\\', 'B', 'a', 's', 'e', 'N', 'a', 'm', 'e', 'd', 'O', 'b', 'j', 'e', 'c', 't', 's', '\\', 'x' };
    UNICODE_STRING name = { sizeof w, sizeof w, w };
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, f & 4 ? &name : NULL, f & 8 ? OBJ_KERNEL_HANDLE : 0, NULL, NULL);
    HANDLE h = NULL;
    NTSTATUS s = NtCreateSection(r->sys, &h, access, f & 16 ? NULL : &oa, f & 32 ? NULL : &size, protect, attrs, file);
    result(r, s);
    mix64(r, (uint64_t)(uintptr_t)h);
    if (NT_SUCCESS(s))
        remember(&r->handles, (uint64_t)(uintptr_t)h);
}

static ULONG pick_map_type(reader *rd)
{
    static const ULONG types[] = { 0, MEM_TOP_DOWN, MEM_RESERVE, MEM_LARGE_PAGES, SEC_NO_CHANGE, AT_ROUND_TO_PAGE,
                                   MEM_COMMIT };
    uint8_t b = u8(rd);
    return b < 0xF0 ? types[b % (sizeof types / sizeof types[0])] : u32(rd);
}

static void op_map_view(run *r, reader *rd)
{
    HANDLE section = pick_handle(r, rd), process = pick_handle(r, rd);
    uint8_t f = u8(rd);
    ULONG_PTR base = f & 1 ? pick_addr(r, rd) : 0;
    ULONG_PTR zero_bits = f & 2 ? u8(rd) % 70 : 0;
    SIZE_T commit = f & 4 ? pick_size(rd) : 0;
    LONG64 offset = f & 8 ? (LONG64)(u8(rd) < 0xE0 ? (uint64_t)u8(rd) << 12 : any64(rd)) : 0;
    SIZE_T view = f & 16 ? pick_size(rd) : 0;
    ULONG inherit = f & 32 ? u8(rd) % 4 : ViewUnmap;
    ULONG type = pick_map_type(rd), protect = pick_protect(rd);
    need n = needs(r, process, NTSIM_OBJECT_PROCESS, PROCESS_VM_OPERATION);
    need ns = needs(r, section, NTSIM_OBJECT_SECTION, SECTION_MAP_READ | SECTION_MAP_WRITE | SECTION_MAP_EXECUTE);
    NTSTATUS s = NtMapViewOfSection(r->sys, section, process, &base, zero_bits, commit, f & 64 ? NULL : &offset,
                                    &view, (SECTION_INHERIT)inherit, type, protect);
    judge(r, n, s, "NtMapViewOfSection (process)");
    judge(r, ns, s, "NtMapViewOfSection (section)");
    result(r, s);
    if (NT_SUCCESS(s)) {
        mix64(r, base);
        mix64(r, view);
        mix64(r, (uint64_t)offset);
        remember(&r->addrs, base);
    }
}

static void op_unmap_view(run *r, reader *rd)
{
    HANDLE h = pick_handle(r, rd);
    ULONG_PTR at = pick_addr(r, rd);
    need n = needs(r, h, NTSIM_OBJECT_PROCESS, PROCESS_VM_OPERATION);
    NTSTATUS s = NtUnmapViewOfSection(r->sys, h, at);
    judge(r, n, s, "NtUnmapViewOfSection");
    result(r, s);
}

/* NtUnmapViewOfSectionEx: placeholders given back, other flags refused. */
static void op_unmap_view_ex(run *r, reader *rd)
{
    static const ULONG flags[] = { MEM_PRESERVE_PLACEHOLDER, 0, MEM_UNMAP_WITH_TRANSIENT_BOOST,
                                   MEM_PRESERVE_PLACEHOLDER | MEM_UNMAP_WITH_TRANSIENT_BOOST };
    HANDLE h = pick_handle(r, rd);
    ULONG_PTR at = pick_addr(r, rd);
    uint8_t f = u8(rd);
    ULONG fl = f < 0xF0 ? flags[f % 4] : u32(rd);
    need n = needs(r, h, NTSIM_OBJECT_PROCESS, PROCESS_VM_OPERATION);
    NTSTATUS s = NtUnmapViewOfSectionEx(r->sys, h, at, fl);
    judge(r, n, s, "NtUnmapViewOfSectionEx");
    result(r, s);
}

/* NtExtendSection and NtQuerySection, any class and length. */
static void op_section_info(run *r, reader *rd)
{
    HANDLE h = pick_handle(r, rd);
    uint8_t f = u8(rd);
    if (f & 1) {
        LONG64 size = pick_section_size(rd);
        NTSTATUS s = NtExtendSection(r->sys, h, f & 2 ? NULL : &size);
        result(r, s);
        mix64(r, (uint64_t)size);
        return;
    }
    static unsigned char buf[128];
    SIZE_T len = f & 2 ? u8(rd) % sizeof buf : sizeof(SECTION_BASIC_INFORMATION), ret = 0;
    SECTION_INFORMATION_CLASS cls = (SECTION_INFORMATION_CLASS)(f & 4 ? u8(rd) % 4 : SectionBasicInformation);
    memset(buf, 0, sizeof buf);
    need n = needs(r, h, NTSIM_OBJECT_SECTION, SECTION_QUERY);
    NTSTATUS s = NtQuerySection(r->sys, h, cls, f & 8 ? NULL : buf, len, f & 16 ? NULL : &ret);
    judge(r, n, s, "NtQuerySection");
    result(r, s);
    mix64(r, ret);
    if (NT_SUCCESS(s))
        mix(r, buf, len);
}

static ULONG pick_ex_type(reader *rd)
{
    static const ULONG types[] = { MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, MEM_RESERVE | MEM_REPLACE_PLACEHOLDER,
                                   MEM_RESERVE | MEM_COMMIT | MEM_REPLACE_PLACEHOLDER, MEM_RESERVE | MEM_COMMIT,
                                   MEM_RESERVE, MEM_COMMIT, MEM_RESERVE_PLACEHOLDER,
                                   MEM_RESERVE | MEM_RESERVE_PLACEHOLDER | MEM_TOP_DOWN,
                                   MEM_REPLACE_PLACEHOLDER | MEM_COMMIT, MEM_RESERVE | MEM_WRITE_WATCH };
    uint8_t b = u8(rd);
    return b < 0xF0 ? types[b % (sizeof types / sizeof types[0])] : u32(rd);
}

/* Up to three extended parameters: address requirements and attribute flags
   mostly, repeated or bad types too. Returns their count. */
static ULONG pick_ex_params(run *r, reader *rd, MEM_EXTENDED_PARAMETER params[3], MEM_ADDRESS_REQUIREMENTS req[3])
{
    ULONG count = u8(rd) % 4;
    for (ULONG i = 0; i < count; i++) {
        uint8_t t = u8(rd);
        params[i].Type = t < 0xC0 ? (t % 2 ? MemExtendedParameterAttributeFlags : MemExtendedParameterAddressRequirements)
                                  : t % 8;
        if (params[i].Type == MemExtendedParameterAddressRequirements) { /* a host pointer: always a real one */
            req[i].LowestStartingAddress = u8(rd) & 1 ? pick_addr(r, rd) : 0;
            req[i].HighestEndingAddress = u8(rd) & 1 ? pick_addr(r, rd) - 1 : 0;
            uint8_t a = u8(rd);
            req[i].Alignment = a < 0xC0 ? (a % 4 ? 0x10000ull << (a % 8) : 0) : any64(rd);
            params[i].Pointer = &req[i];
        } else {
            params[i].ULong64 = u8(rd) < 0xE0 ? 0 : u32(rd);
        }
    }
    return count;
}

/* NtAllocateVirtualMemoryEx: placeholder flags, address requirements and
   attribute flags among its extended parameters, repeated or bad types too. */
static void op_allocate_ex(run *r, reader *rd)
{
    HANDLE h = pick_handle(r, rd);
    ULONG_PTR base = u8(rd) & 1 ? pick_addr(r, rd) : 0;
    SIZE_T size = pick_size(rd);
    ULONG type = pick_ex_type(rd), protect = u8(rd) & 1 ? PAGE_NOACCESS : pick_protect(rd);
    MEM_ADDRESS_REQUIREMENTS req[3];
    MEM_EXTENDED_PARAMETER params[3];
    ULONG count = pick_ex_params(r, rd, params, req);
    need n = needs(r, h, NTSIM_OBJECT_PROCESS, PROCESS_VM_OPERATION);
    NTSTATUS s = NtAllocateVirtualMemoryEx(r->sys, h, &base, &size, type, protect, count ? params : NULL, count);
    judge(r, n, s, "NtAllocateVirtualMemoryEx");
    result(r, s);
    if (NT_SUCCESS(s)) {
        mix64(r, base);
        mix64(r, size);
        remember(&r->addrs, base);
    }
}

/* NtMapViewOfSectionEx: views in place of placeholders, and address requirements. */
static void op_map_view_ex(run *r, reader *rd)
{
    HANDLE section = pick_handle(r, rd), process = pick_handle(r, rd);
    uint8_t f = u8(rd);
    ULONG_PTR base = f & 1 ? pick_addr(r, rd) : 0;
    LONG64 offset = f & 8 ? (LONG64)(u8(rd) < 0xE0 ? (uint64_t)u8(rd) << 12 : any64(rd)) : 0;
    SIZE_T view = f & 16 ? pick_size(rd) : 0;
    ULONG type = f & 2 ? MEM_REPLACE_PLACEHOLDER : pick_map_type(rd), protect = pick_protect(rd);
    MEM_ADDRESS_REQUIREMENTS req[3];
    MEM_EXTENDED_PARAMETER params[3];
    ULONG count = pick_ex_params(r, rd, params, req);
    need n = needs(r, process, NTSIM_OBJECT_PROCESS, PROCESS_VM_OPERATION);
    need ns = needs(r, section, NTSIM_OBJECT_SECTION, SECTION_MAP_READ | SECTION_MAP_WRITE | SECTION_MAP_EXECUTE);
    NTSTATUS s = NtMapViewOfSectionEx(r->sys, section, process, &base, f & 64 ? NULL : &offset, &view, type, protect,
                                      count ? params : NULL, count);
    judge(r, n, s, "NtMapViewOfSectionEx (process)");
    judge(r, ns, s, "NtMapViewOfSectionEx (section)");
    result(r, s);
    if (NT_SUCCESS(s)) {
        mix64(r, base);
        mix64(r, view);
        remember(&r->addrs, base);
    }
}

/* NtFreeVirtualMemory with the placeholder free types. */
static void op_free_placeholder(run *r, reader *rd)
{
    static const ULONG types[] = { MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS,
                                   MEM_DECOMMIT | MEM_PRESERVE_PLACEHOLDER, MEM_PRESERVE_PLACEHOLDER,
                                   MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER | MEM_COALESCE_PLACEHOLDERS };
    HANDLE h = pick_handle(r, rd);
    ULONG_PTR base = pick_addr(r, rd);
    SIZE_T size = u8(rd) & 1 ? pick_size(rd) : (SIZE_T)(u8(rd) + 1) * 0x10000;
    ULONG type = types[u8(rd) % (sizeof types / sizeof types[0])];
    need n = needs(r, h, NTSIM_OBJECT_PROCESS, PROCESS_VM_OPERATION);
    NTSTATUS s = NtFreeVirtualMemory(r->sys, h, &base, &size, type);
    judge(r, n, s, "NtFreeVirtualMemory (placeholder)");
    result(r, s);
    if (NT_SUCCESS(s)) {
        mix64(r, base);
        mix64(r, size);
        remember(&r->addrs, base);
    }
}

/* NtGetWriteWatch (any flags, a count up to 64) and NtResetWriteWatch. */
static void op_write_watch(run *r, reader *rd)
{
    HANDLE h = pick_handle(r, rd);
    uint8_t f = u8(rd);
    ULONG_PTR base = pick_addr(r, rd);
    SIZE_T size = pick_size(rd);
    need n = needs(r, h, NTSIM_OBJECT_PROCESS, PROCESS_VM_OPERATION);
    NTSTATUS s;
    if (f & 1) {
        s = NtResetWriteWatch(r->sys, h, base, size);
    } else {
        static ULONG_PTR pages[64];
        ULONG_PTR count = u8(rd) % 65;
        ULONG granularity = 0;
        s = NtGetWriteWatch(r->sys, h, f & 2 ? u32(rd) : (f >> 2) & 1, base, size, pages, &count, &granularity);
        if (NT_SUCCESS(s)) {
            mix64(r, count);
            mix(r, pages, count * sizeof pages[0]);
        }
    }
    judge(r, n, s, "NtGetWriteWatch/NtResetWriteWatch");
    result(r, s);
}

typedef struct op {
    const char *name;
    void (*run)(run *r, reader *rd);
} op;

/* The opcode is an index into this table (mod its size); the seeds below use these numbers. */
static const op ops[] = {
    { "create_process", op_create_process }, /* 0 */
    { "create_thread", op_create_thread }, /* 1 */
    { "create_thread_ex", op_create_thread_ex }, /* 2 */
    { "exit_process", op_exit_process }, /* 3 */
    { "exit_thread", op_exit_thread }, /* 4 */
    { "terminate_process", op_terminate_process }, /* 5 */
    { "terminate_thread", op_terminate_thread }, /* 6 */
    { "set_current_thread", op_set_current_thread }, /* 7 */
    { "allocate", op_allocate }, /* 8 */
    { "free", op_free }, /* 9 */
    { "protect", op_protect }, /* 10 */
    { "query", op_query }, /* 11 */
    { "read_memory", op_read_memory }, /* 12 */
    { "write_memory", op_write_memory }, /* 13 */
    { "touch_memory", op_touch_memory }, /* 14 */
    { "open_process", op_open_process }, /* 15 */
    { "open_thread", op_open_thread }, /* 16 */
    { "duplicate", op_duplicate }, /* 17 */
    { "close", op_close }, /* 18 */
    { "system_call", op_system_call }, /* 19 */
    { "hook", op_hook }, /* 20 */
    { "load_driver", op_load_driver }, /* 21 */
    { "unload_driver", op_unload_driver }, /* 22 */
    { "device", op_device }, /* 23 */
    { "file", op_file }, /* 24 */
    { "suspend_resume", op_suspend_resume }, /* 25 */
    { "priority", op_priority }, /* 26 */
    { "wait", op_wait }, /* 27 */
    { "advance", op_advance }, /* 28 */
    { "touch_stack", op_touch_stack }, /* 29 */
    { "load_image", op_load_image }, /* 30 */
    { "query_objects", op_query_objects }, /* 31 */
    { "misc", op_misc }, /* 32 */
    { "token", op_token }, /* 33 */
    { "create_section", op_create_section }, /* 34 */
    { "map_view", op_map_view }, /* 35 */
    { "unmap_view", op_unmap_view }, /* 36 */
    { "section_info", op_section_info }, /* 37 */
    { "allocate_ex", op_allocate_ex }, /* 38 */
    { "free_placeholder", op_free_placeholder }, /* 39 */
    { "write_watch", op_write_watch }, /* 40 */
    { "map_view_ex", op_map_view_ex }, /* 41 */
    { "unmap_view_ex", op_unmap_view_ex }, /* 42 */
};
#define OP_COUNT (sizeof ops / sizeof ops[0])

/* ---- a program, run --------------------------------------------------------------- */

static void configure(reader *rd, ntsim_config *c)
{
    static const uint64_t memories[] = { 0, 64ull << 20, 256ull << 20, 1ull << 30 };
    ntsim_config_default(c);
    uint8_t f = u8(rd);
    c->arch = f & 1 ? NTSIM_ARCH_X86 : NTSIM_ARCH_X64;
    c->aslr = f & 2;
    c->cpus = 1 + (f >> 2 & 3);
    if (f >> 4 & 3) {
        c->memory = memories[f >> 4 & 3];
        c->pagefile = memories[f >> 6 & 3];
    }
    c->seed = u8(rd);
    if (c->arch == NTSIM_ARCH_X86 && (f & 0x80))
        c->increase_uva = (2ull << 30) + (uint64_t)(u8(rd) % 5) * (256ull << 20);
}

/*
 * Runs the program on a fresh system, recording the hash after each
 * operation in trace[] (first run) or comparing with it (second run).
 */
static bool tracing; /* FUZZ_API_TRACE set: each operation of the first run on stderr */

static void run_program(const uint8_t *data, size_t size, uint64_t *trace, unsigned *count, bool compare)
{
    static run r;
    r = (run){ .hash = 0xCBF29CE484222325ull };
    current_run = &r;
    reader rd = { data, size };
    ntsim_config config;
    configure(&rd, &config);
    NTSTATUS s = ntsim_system_create(&config, &r.sys);
    result(&r, s);
    if (!NT_SUCCESS(s)) {
        *count = 0;
        return;
    }
    ntsim_set_event_sink(r.sys, on_event, &r);
    ntsim_set_syscall_observer(r.sys, on_syscall, &r);
    remember(&r.pids, 4);
    r.boot_tid = ntsim_current_thread_id(r.sys);
    remember(&r.tids, r.boot_tid);
    unsigned n = 0;
    while (rd.n && n < MAX_OPS) {
        r.op = n;
        r.status = 0;
        const op *o = &ops[u8(&rd) % OP_COUNT];
        o->run(&r, &rd);
        NTSIM_SYSTEM_INFO info;
        ntsim_query_system(r.sys, &info);
        uint64_t f[] = { info.time, info.commit_charged, info.kernel_stacks, info.system_bytes, info.processes,
                         ntsim_current_thread_id(r.sys) };
        mix(&r, f, sizeof f);
        check_ids(&r);
        if (tracing && !compare)
            fprintf(stderr, "fuzz_api: %3u %-18s 0x%08x  hash %016llx time +%llu\n", n, o->name, (unsigned)r.status,
                    (unsigned long long)r.hash, (unsigned long long)(info.time - NTSIM_BOOT_TIME));
        if (compare && (n >= *count || trace[n] != r.hash)) {
            fprintf(stderr, "fuzz_api: the second run differs from the first after operation %u\n", n);
            abort();
        }
        trace[n++] = r.hash;
    }
    if (compare && n != *count) {
        fprintf(stderr, "fuzz_api: the second run ran %u operations, the first %u\n", n, *count);
        abort();
    }
    *count = n;
    /* A driver's close at shutdown may wait on a thread the program suspended:
       the world then runs to the nested-wait horizon (an hour); without the
       scheduler's trace that costs a tenth as much. */
    ntsim_set_trace(r.sys, 0);
    ntsim_system_destroy(r.sys);
    current_run = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint64_t trace[MAX_OPS];
    unsigned count = 0;
    run_program(data, size, trace, &count, false);
    run_program(data, size, trace, &count, true);
    return 0;
}

/* ---- seeds ---------------------------------------------------------------------------- */

static void write_seed(const char *dir, const char *name, const uint8_t *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n)
        perror(path);
    if (f)
        fclose(f);
}

/* A few programs that reach the interesting parts at once; the fuzzer grows
 * the rest. Each line is one operation: its opcode, then its bytes as the
 * pick_* functions read them. */
static void write_seeds(const char *dir)
{
    static const uint8_t processes[] = {
        0x00, 0x01,                                  /* x64, 1 CPU, seed 1 */
        0, 0, 0x00,                                  /* create notepad */
        0, 1, 0x00,                                  /* create explorer */
        7, 1,                                        /* act as notepad's thread */
        8, 0xA0, 0xC0, 0x00, 7, 0, 2,                /* 64 KB, reserve+commit, RW, where the system chooses */
        13, 0xA0, 0x00, 8, 1, 2, 3, 4, 5, 6, 7, 8,   /* write 8 bytes to the stack */
        12, 0xA0, 0x00, 0x10, 0x00,                  /* read 16 back */
        11, 0xA0, 0xA0, 0x00, 0x00,                  /* query the stack */
        15, 0x00, 0x00, 0x10, 2, 0x00,               /* open explorer: PROCESS_QUERY_LIMITED_INFORMATION */
        17, 0xA0, 0x00, 0x00, 0x00, 0x01, 0x00,      /* duplicate it with PROCESS_TERMINATE */
        5, 1, 1, 0, 0, 0,                            /* terminate explorer through the duplicate */
        1, 1, 3, 0,                                  /* a second thread in notepad */
        29, 1, 0x00, 0x00, 0x01,                     /* notepad's thread uses 16 KB of stack */
        28, 0x00, 0xE1, 0xF5, 0x05,                  /* 10 s pass */
        31, 3, 0,                                    /* System's handles and threads */
        3, 1, 0, 0, 0, 0,                            /* notepad exits */
    };
    static const uint8_t drivers[] = {
        0x04, 0x02,                                  /* x64, 2 CPUs, seed 2 */
        21, 0, 1, 1,                                 /* load sysmon limit=1 */
        21, 1, 0,                                    /* detector */
        21, 5, 0,                                    /* beep */
        21, 6, 0,                                    /* melody */
        21, 3, 0,                                    /* booster */
        21, 4, 1, 11,                                /* blocker images=a.exe;calc.exe; */
        21, 2, 0,                                    /* enumproc */
        0, 3, 0x00,                                  /* create calc.exe: blocked */
        0, 0, 0x00,                                  /* create notepad */
        7, 1,                                        /* act as notepad's thread */
        24, 0, 2, 0x00, 0xD1, 1,                     /* NtCreateFile \??\Booster, GENERIC_WRITE, FILE_OPEN */
        24, 2, 0, 8, 0x10, 0, 0, 0, 20, 0, 0, 0,     /* NtWriteFile: thread 16 to priority 20 */
        23, 0, 0, 0x00, 0x10,                        /* the outside client reads SysMon */
        23, 1, 0, 0x00, 0x02,                        /* ... and Detector */
        23, 3, 2, 0x80, 8, 0xE8, 3, 0, 0, 100, 0, 0, 0, 0, /* IOCTL_BEEP_SET 1000 Hz, 100 ms */
        23, 4, 2, 0x00, 32, 0xB8, 1, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
                            0, 0, 0, 0, 50, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, /* two notes to Melody */
        28, 0x80, 0x96, 0x98, 0x00,                  /* 1 s passes */
        23, 4, 3,                                    /* the outside client closes Melody */
        22, 6, 22, 5, 22, 0, 22, 1, 22, 3, 22, 4, 22, 2, /* unload them all */
    };
    static const uint8_t services_seed[] = {
        0x00, 0x03,                                  /* x64, 1 CPU, seed 3 */
        0, 0, 0x00,                                  /* create notepad */
        0, 1, 0x00,                                  /* create explorer */
        7, 1,                                        /* act as notepad's thread */
        20, 10, 0x00, 3, 0, 0, 0, 0, 2,              /* hook NtOpenProcess: hide explorer */
        15, 0x00, 0x00, 0x10, 2, 0x00,               /* open explorer: STATUS_INVALID_CID */
        19, 5, 1, 1, 4,                              /* NtClose(4) as a raw call */
        19, 0xC0, 0x00, 0x01, 17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 17 arguments to slot 0x100 */
        20, 0xC0, 0x00, 0x01, 0x02, 0, 0, 0, 0, 0, 0, /* hook the empty slot 0x100 */
        19, 0xC0, 0x00, 0x01, 3, 1, 5, 1, 6, 1, 7,   /* call it with 3 arguments */
        20, 10, 0x01,                                /* unhook NtOpenProcess */
        32, 1, 3,                                    /* trace the scheduler and the services */
        25, 0x02, 1,                                 /* suspend notepad's thread */
        25, 0x00, 1,                                 /* resume it */
        26, 0x00, 10, 1,                             /* priority 10 */
        27, 2, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,   /* NtDelayExecution, relative */
        28, 0x00, 0x00, 0x20, 0x00,                  /* time passes */
        31, 1, 1,                                    /* query notepad's thread */
        31, 4, 0xA0, 0x00,                           /* NtQueryInformationProcess */
        31, 5, 0x00, 0x00, 0x20, 0x00,               /* NtQuerySystemInformation, 8 KB */
    };
    static const uint8_t sections_seed[] = {
        0x00, 0x04,                                  /* x64, 1 CPU, seed 4 */
        0, 0, 0x00, 0x00, 0xFF,                      /* create notepad (default token) */
        7, 1,                                        /* act as notepad's thread */
        34, 0x01, 1, 2, 0,                           /* NtCreateSection 64 KB, RW, SEC_COMMIT */
        35, 0, 0xA0, 0x00, 0, 2,                     /* map it (a remembered handle) RW */
        35, 1, 0xA0, 0x00, 0, 2,
        13, 0x00, 4, 1, 2, 3, 4,                     /* write through the view */
        37, 0, 0x00,                                 /* NtQuerySection */
        36, 0xA0, 0x00,                              /* unmap */
        38, 0xA0, 0x00, 0xC0, 0x40, 0x00, 0, 1, 0,   /* a 256 KB placeholder */
        39, 0xA0, 0x00, 0, 0, 0,                     /* split its first 64 KB off */
        38, 0xA0, 0x01, 0x00, 7, 2, 0, 2, 0,         /* replace it, committed RW */
        39, 0xA0, 0x00, 0, 0, 0,                     /* back to a placeholder */
        39, 0xA0, 0x00, 0, 3, 1,                     /* coalesce */
        11, 0xA0, 0x00, 0x00,                        /* query */
    };
    static const uint8_t image_seed[] = {
        0x00, 0x05,                                  /* x64, 1 CPU, seed 5 */
        0, 0, 0x00, 0x00, 0xFF,                      /* create notepad (default token) */
        7, 1,                                        /* act as notepad's thread */
        24, 0, 8, 0x08, 0xD0, 1,                     /* NtOpenFile \SystemRoot\System32\ntdll.dll, GENERIC_READ */
        34, 0x23, 0, 1, 3, 0,                        /* NtCreateSection(SEC_IMAGE, PAGE_READONLY) of that file */
        35, 1, 0xA0, 0x00, 0, 1,                     /* map it: ntdll is there, so NOT_AT_BASE */
        35, 1, 0xA0, 0x00, 0, 1,                     /* and again */
        37, 1, 0x06, 0x40, 1,                        /* NtQuerySection(SectionImageInformation) */
        36, 0xA0, 0x00,                              /* unmap */
        18, 0,                                       /* close */
    };
    write_seed(dir, "image", image_seed, sizeof image_seed);
    write_seed(dir, "processes", processes, sizeof processes);
    write_seed(dir, "drivers", drivers, sizeof drivers);
    write_seed(dir, "services", services_seed, sizeof services_seed);
    write_seed(dir, "sections", sections_seed, sizeof sections_seed);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    /* images= with more names than Blocker keeps (64). */
    size_t n = (size_t)snprintf(many_images, sizeof many_images, "images=");
    for (int i = 0; i < 80 && n + 12 < sizeof many_images; i++)
        n += (size_t)snprintf(many_images + n, sizeof many_images - n, "p%02d.exe;", i);
    tracing = getenv("FUZZ_API_TRACE") != NULL;
    const char *dir = getenv("FUZZ_API_WRITE_SEEDS");
    if (dir)
        write_seeds(dir);
    return 0;
}
