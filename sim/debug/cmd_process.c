/*
 * cmd_process.c - processes, threads and processors as WinDbg shows them:
 * !process, .process, !thread, ~, !ready, !running, !teb, !peb.
 * What ntsim does not model (page directories, working sets, times spent in
 * user and kernel mode, call stacks) is left out of the output, not made up.
 */
#include <inttypes.h>
#include <string.h>

#include "session.h"

static const char *image_of(const ps_process *p)
{
    return p->image_name ? p->image_name : p->pid == 0 ? "Idle" : "System";
}

void dbg_process_header(sim_debugger *d, ps_process *p)
{
    char a[24], b[24];
    dbg_printf(d, "PROCESS %s\n", dbg_p(dbg_process_address(d, p), a));
    dbg_printf(d, "    SessionId: none  Cid: %04x    Peb: %08" PRIx64 "  ParentCid: %04x\n", p->pid, (uint64_t)p->peb,
               p->ppid);
    dbg_printf(d, "    DirBase: 00000000  ObjectTable: %s  HandleCount: %3u.\n",
               dbg_p(dbg_address(d, K_HANDLE_TABLE, p->sequence), b), p->handles.count);
    dbg_printf(d, "    Image: %s\n", image_of(p));
}

/* Durations as WinDbg writes them: hh:mm:ss.mmm of 100 ns ticks. */
static void duration(sim_debugger *d, uint64_t ticks)
{
    uint64_t ms = ticks / 10000;
    dbg_printf(d, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64, ms / 3600000, ms / 60000 % 60,
               ms / 1000 % 60, ms % 1000);
}

static void thread_state(sim_debugger *d, const ps_thread *t)
{
    const ke_thread *k = &t->tcb;
    switch (k->state) {
    case Running: dbg_printf(d, "RUNNING on processor %x", k->cpu); break;
    case Ready:
    case Standby:
    case DeferredReady: dbg_printf(d, "READY on processor %x", k->cpu); break;
    case Waiting:
        dbg_printf(d, "WAIT: (%s) %s Non-Alertable", dbg_wait_reason(k->wait_reason),
                   k->wait_reason == 6 ? "UserMode" : "KernelMode");
        break;
    case Terminated: dbg_printf(d, "TERMINATED"); break;
    case Initialized: dbg_printf(d, "INITIALIZED"); break;
    default: dbg_printf(d, "TRANSITION"); break;
    }
}

/* The THREAD line of !thread and !process; indent is the line's margin. */
static void thread_line(sim_debugger *d, const ps_thread *t, const char *indent)
{
    char a[24];
    dbg_printf(d, "%sTHREAD %s  Cid %04x.%04x  Teb: %016" PRIx64 " Win32Thread: 0000000000000000 ", indent,
               dbg_p(dbg_thread_address(d, t), a), t->process->pid, t->tid, (uint64_t)t->teb);
    thread_state(d, t);
    dbg_printf(d, "\n");
}

static void thread_details(sim_debugger *d, const ps_thread *t, const char *indent)
{
    char a[24], b[24];
    dbg_printf(d, "%sNot impersonating\n", indent);
    dbg_printf(d, "%sOwning Process            %s       Image:         %s\n", indent,
               dbg_p(dbg_process_address(d, t->process), a), image_of(t->process));
    dbg_printf(d, "%sAttached Process          N/A            Image:         N/A\n", indent);
    if (t->tcb.suspend_count)
        dbg_printf(d, "%sSuspendCount %u\n", indent, t->tcb.suspend_count);
    dbg_printf(d, "%sWin32 Start Address 0x%016" PRIx64 "\n", indent, (uint64_t)t->start_address);
    dbg_printf(d, "%sStack Init %s Current %s\n", indent, dbg_p(t->kernel_stack.base, a), dbg_p(t->kernel_stack.base, b));
    dbg_printf(d, "%sBase %s Limit %s Call 0000000000000000\n", indent, dbg_p(t->kernel_stack.base, a),
               dbg_p(t->kernel_stack.limit, b));
    dbg_printf(d, "%sPriority %d BasePriority %d PriorityDecrement %d IoPriority 2 PagePriority 5\n", indent,
               (int)t->tcb.priority, (int)t->tcb.base_priority, (int)(t->tcb.priority - t->tcb.base_priority));
}

static void process_details(sim_debugger *d, ps_process *p)
{
    char a[24];
    if (p->vm) {
        uint64_t vads;
        ULONG height;
        mm_vad_tree_shape(p->vm, &vads, &height);
        dbg_printf(d, "    VadRoot %s Vads %" PRIu64 " Clone 0 Private 0. Modified 0. Locked 0.\n",
                   dbg_p(dbg_vad_root(d, p), a), vads);
    }
    if (p->token)
        dbg_printf(d, "    Token                             %s\n", dbg_p(dbg_token_address(d, p->token), a));
    dbg_printf(d, "    ElapsedTime                       ");
    duration(d, (p->exited ? p->exit_time : ntsim_time(d->sys)) - p->create_time);
    dbg_printf(d, "\n");
    if (p->exited)
        dbg_printf(d, "    ExitStatus                        %08x\n", (unsigned)p->exit_status);
    dbg_printf(d, "    BasePriority                      8\n");
}

static void show_process(sim_debugger *d, ps_process *p, uint64_t flags)
{
    dbg_process_header(d, p);
    if (flags & 1)
        process_details(d, p);
    if (flags & 6) {
        dbg_printf(d, "\n");
        for (ps_thread *t = ps_first_thread(p); t; t = ps_next_thread(t)) {
            thread_line(d, t, "        ");
            if (flags & 4)
                thread_details(d, t, "        ");
            dbg_printf(d, "\n");
        }
    }
    dbg_printf(d, "\n");
}

void dbg_cmd_process(sim_debugger *d, int argc, char **argv)
{
    if (dbg_no_system(d))
        return;
    uint64_t which = 0, flags = 3;
    bool all = false;
    if (argc >= 2 && !dbg_number(argv[1], &which)) {
        dbg_printf(d, "Couldn't resolve error at '%s'\n", argv[1]);
        return;
    }
    if (argc >= 3 && !dbg_number(argv[2], &flags)) {
        dbg_printf(d, "Couldn't resolve error at '%s'\n", argv[2]);
        return;
    }
    if (argc >= 2 && which == 0)
        all = true;
    if (all) {
        dbg_printf(d, "**** NT ACTIVE PROCESS DUMP ****\n");
        for (ps_process *p = ps_first_process(d->sys); p; p = ps_next_process(d->sys, p))
            if (p->pid != 0) /* Idle is not on the active process list */
                show_process(d, p, flags);
        return;
    }
    ps_process *p = argc >= 2 ? dbg_process_arg(d, which) : dbg_current_process(d);
    if (!p) {
        char a[24];
        dbg_printf(d, "Unable to get process %s: no process with that ID or address\n",
                   which >> 32 ? dbg_p(which, a) : argv[1]);
        return;
    }
    show_process(d, p, argc >= 3 ? flags : 0xf);
}

void dbg_cmd_dot_process(sim_debugger *d, int argc, char **argv)
{
    char a[24];
    if (dbg_no_system(d))
        return;
    if (argc < 2) {
        d->implicit_set = false;
        dbg_printf(d, "Implicit process is now %s\n", dbg_p(dbg_process_address(d, dbg_current_process(d)), a));
        return;
    }
    uint64_t v;
    ps_process *p = dbg_number(argv[argc - 1], &v) ? dbg_find_process(d, v) : NULL;
    if (!p) {
        dbg_printf(d, "%s is not a valid process\n", argv[argc - 1]);
        return;
    }
    d->implicit_set = true;
    d->implicit_pid = p->pid;
    dbg_printf(d, "Implicit process is now %s\n", dbg_p(dbg_process_address(d, p), a));
}

void dbg_cmd_thread(sim_debugger *d, int argc, char **argv)
{
    if (dbg_no_system(d))
        return;
    ps_thread *t = dbg_current_thread(d);
    uint64_t v = 0;
    if (argc >= 2) {
        t = dbg_number(argv[1], &v) ? (v >> 32 ? dbg_find_thread(d, v) : ps_lookup_thread(d->sys, (ULONG)v)) : NULL;
        if (!t) {
            dbg_printf(d, "%s is not a valid thread\n", argv[1]);
            return;
        }
    }
    if (!t) {
        dbg_printf(d, "No current thread\n");
        return;
    }
    thread_line(d, t, "");
    thread_details(d, t, "");
}

static ps_thread *thread_of(ke_thread *k)
{
    return k ? CONTAINING_RECORD(k, ps_thread, tcb) : NULL;
}

/* Processor control blocks: ntsim keeps them in the host; shown in nt's data. */
static uint64_t prcb_address(ULONG cpu)
{
    return DBG_NT_BASE + 0x2ff180 + 0x10000ull * cpu;
}

void dbg_cmd_tilde(sim_debugger *d, int argc, char **argv)
{
    (void)argc, (void)argv;
    if (dbg_no_system(d))
        return;
    const ke_scheduler *s = &ke_state(d->sys)->sched;
    ps_thread *current = dbg_current_thread(d);
    for (ULONG i = 0; i < s->cpus; i++) {
        ps_thread *t = thread_of(s->prcb[i].current);
        char a[24];
        dbg_printf(d, "%c %2x  Prcb %s", t && t == current ? '.' : ' ', i, dbg_p(prcb_address(i), a));
        if (t)
            dbg_printf(d, "  Thread %s  Cid %04x.%04x  %s\n", dbg_p(dbg_thread_address(d, t), a), t->process->pid,
                       t->tid, image_of(t->process));
        else
            dbg_printf(d, "\n");
    }
    if (current && (current->tcb.state != Running))
        dbg_printf(d, "The replay's current thread %x.%x (%s) is not on a processor: ntsim runs kernel code as it.\n",
                   current->process->pid, current->tid, image_of(current->process));
}

void dbg_cmd_running(sim_debugger *d, int argc, char **argv)
{
    (void)argc, (void)argv;
    if (dbg_no_system(d))
        return;
    const ke_scheduler *s = &ke_state(d->sys)->sched;
    uint64_t all = s->cpus >= 64 ? ~0ull : (1ull << s->cpus) - 1, idle = 0;
    for (ULONG i = 0; i < s->cpus; i++)
        if (s->prcb[i].current == s->prcb[i].idle)
            idle |= 1ull << i;
    dbg_printf(d, "System Processors:  (%016" PRIx64 ")\n  Idle Processors:  (%016" PRIx64 ")\n\n", all, idle);
    dbg_printf(d, "       Prcbs             Current         (pri) Next            (pri) Idle\n");
    for (ULONG i = 0; i < s->cpus; i++) {
        char a[24], b[24], c[24];
        ps_thread *t = thread_of(s->prcb[i].current), *id = thread_of(s->prcb[i].idle);
        dbg_printf(d, "  %-3x  %s  %s (%2d)                       %s  ................\n", i,
                   dbg_p(prcb_address(i), a), t ? dbg_p(dbg_thread_address(d, t), b) : "0000000000000000",
                   t ? (int)t->tcb.priority : 0, id ? dbg_p(dbg_thread_address(d, id), c) : "0000000000000000");
    }
}

void dbg_cmd_ready(sim_debugger *d, int argc, char **argv)
{
    (void)argc, (void)argv;
    if (dbg_no_system(d))
        return;
    ke_scheduler *s = &ke_state(d->sys)->sched;
    for (ULONG i = 0; i < s->cpus; i++) {
        ke_prcb *prcb = &s->prcb[i];
        if (!prcb->ready_count) {
            dbg_printf(d, "Processor %x: No threads in READY state\n", i);
            continue;
        }
        for (int p = 31; p >= 0; p--) {
            LIST_ENTRY *head = &prcb->ready[p];
            if (head->Flink == head)
                continue;
            dbg_printf(d, "Processor %x: Ready Threads at priority %d\n", i, p);
            for (LIST_ENTRY *e = head->Flink; e != head; e = e->Flink)
                thread_line(d, thread_of(CONTAINING_RECORD(e, ke_thread, ready_link)), "    ");
        }
    }
}

void dbg_cmd_teb(sim_debugger *d, int argc, char **argv)
{
    if (dbg_no_system(d))
        return;
    ps_thread *t = dbg_current_thread(d);
    if (argc >= 2) {
        uint64_t v;
        t = NULL;
        if (dbg_number(argv[1], &v))
            for (ps_process *p = ps_first_process(d->sys); p && !t; p = ps_next_process(d->sys, p))
                for (ps_thread *x = ps_first_thread(p); x && !t; x = ps_next_thread(x))
                    if (x->teb && x->teb == v)
                        t = x;
        if (!t) {
            dbg_printf(d, "error InitTypeRead( TEB )...\n");
            return;
        }
    }
    if (!t || !t->teb) {
        dbg_printf(d, "TEB at 0000000000000000\nerror InitTypeRead( TEB )... (a system thread has no TEB)\n");
        return;
    }
    dbg_printf(d, "TEB at %016" PRIx64 "\n", (uint64_t)t->teb);
    dbg_printf(d, "    ExceptionList:        0000000000000000\n");
    dbg_printf(d, "    StackBase:            %016" PRIx64 "\n", (uint64_t)t->stack_base);
    dbg_printf(d, "    StackLimit:           %016" PRIx64 "\n", (uint64_t)t->stack_limit);
    dbg_printf(d, "    SubSystemTib:         0000000000000000\n");
    dbg_printf(d, "    FiberData:            0000000000001e00\n");
    dbg_printf(d, "    ArbitraryUserPointer: 0000000000000000\n");
    dbg_printf(d, "    Self:                 %016" PRIx64 "\n", (uint64_t)t->teb);
    dbg_printf(d, "    EnvironmentPointer:   0000000000000000\n");
    dbg_printf(d, "    ClientId:             %016x . %016x\n", t->process->pid, t->tid);
    dbg_printf(d, "    RpcHandle:            0000000000000000\n");
    dbg_printf(d, "    Tls Storage:          0000000000000000\n");
    dbg_printf(d, "    PEB Address:          %016" PRIx64 "\n", (uint64_t)t->process->peb);
    dbg_printf(d, "    LastErrorValue:       0\n");
    dbg_printf(d, "    LastStatusValue:      0\n");
    dbg_printf(d, "    Count Owned Locks:    0\n");
    dbg_printf(d, "    HardErrorMode:        0\n");
}

void dbg_cmd_peb(sim_debugger *d, int argc, char **argv)
{
    if (dbg_no_system(d))
        return;
    ps_process *p = dbg_current_process(d);
    if (argc >= 2) {
        uint64_t v;
        p = NULL;
        if (dbg_number(argv[1], &v))
            for (ps_process *x = ps_first_process(d->sys); x && !p; x = ps_next_process(d->sys, x))
                if (x->peb && x->peb == v)
                    p = x;
    }
    if (!p || !p->peb) {
        dbg_printf(d, "PEB NULL...\n");
        return;
    }
    dbg_printf(d, "PEB at %016" PRIx64 "\n", (uint64_t)p->peb);
    dbg_printf(d, "    InheritedAddressSpace:    No\n");
    dbg_printf(d, "    ReadImageFileExecOptions: No\n");
    dbg_printf(d, "    BeingDebugged:            No\n");
    dbg_printf(d, "    ImageBaseAddress:         %016" PRIx64 "\n", (uint64_t)p->image_base);
    dbg_printf(d, "    NtGlobalFlag:             0\n");
    dbg_printf(d, "    NtGlobalFlag2:            0\n");
    dbg_printf(d, "    SessionId:                0\n");
    dbg_printf(d, "    ImageFile:    '%s'\n", p->image_path ? p->image_path : "");
    dbg_printf(d, "    CommandLine:  '%s'\n", p->command_line ? p->command_line : "");
}
