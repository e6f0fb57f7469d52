/*
 * thread.c - thread objects: creation with a TEB and a user stack sized the
 * way CreateThread sizes it, termination (the last thread ends the process),
 * deletion and queries.
 */
#include <stdlib.h>

#include "mm/mm.h"
#include "mm/user_memory.h"
#include "ps/notify.h"
#include "ps/ps.h"
#include "rtl/alloc.h"

#define PAGE_SIZE 0x1000ull
#define ALLOCATION_GRANULARITY 0x10000ull
#define MB (1024ull * 1024ull)

static void thread_delete(ntsim_system *sys, ob_header *h);
static void thread_code_returned(ntsim_system *sys, ke_thread *tcb);

static void thread_describe(const ob_header *h, NTSIM_HANDLE_INFO *info, char *name, size_t size)
{
    const ps_thread *t = (const ps_thread *)h;
    (void)name, (void)size;
    info->type = NTSIM_OBJECT_THREAD;
    info->object_id = t->tid;
    info->object_sequence = t->sequence;
}

/* A thread of a protected process: as its process, limited rights for others. */
static ACCESS_MASK thread_access_limit(const ob_header *h)
{
    return ((const ps_thread *)h)->process->permanent ? PS_PROTECTED_THREAD_ACCESS : ~(ACCESS_MASK)0;
}

const ob_type ps_thread_type = {
    .name = "Thread",
    .index = 8,
    .mapping = {
        .read = READ_CONTROL | THREAD_GET_CONTEXT | THREAD_QUERY_INFORMATION,
        /* 0x20437 and 0x121800, as Windows 10 registers the type. */
        .write = READ_CONTROL | THREAD_TERMINATE | THREAD_SUSPEND_RESUME | THREAD_ALERT | THREAD_SET_CONTEXT |
                 THREAD_SET_INFORMATION | THREAD_SET_LIMITED_INFORMATION,
        .execute = READ_CONTROL | SYNCHRONIZE | THREAD_QUERY_LIMITED_INFORMATION | THREAD_RESUME,
        .all = THREAD_ALL_ACCESS,
    },
    .delete_procedure = thread_delete,
    .describe = thread_describe,
    .access_limit = thread_access_limit,
};

static const char *const state_names[] = {
    "Initialized", "Ready", "Running", "Standby", "Terminated", "Waiting", "Transition", "DeferredReady",
};

const char *ntsim_thread_state_name(KTHREAD_STATE state)
{
    return (unsigned)state < sizeof state_names / sizeof state_names[0] ? state_names[state] : NULL;
}

static uint64_t round_up(uint64_t v, uint64_t to)
{
    return (v + to - 1) / to * to;
}

/*
 * A thread's stack sizes: what the creator asked (0 = the image header's
 * value). A commit at least as large as the reserve makes the reserve that
 * commit rounded up to 1 MB; the reserve is a multiple of 64 KiB.
 */
static void stack_sizes(const ps_process *p, SIZE_T commit, SIZE_T reserve, SIZE_T *r, SIZE_T *c)
{
    *r = reserve ? reserve : p->stack_reserve;
    *c = commit ? commit : p->stack_commit;
    if (*c >= *r)
        *r = round_up(*c, MB);
    *r = round_up(*r, ALLOCATION_GRANULARITY);
    *c = round_up(*c, PAGE_SIZE);
}

static void thread_delete(ntsim_system *sys, ob_header *h)
{
    ps_thread *t = (ps_thread *)h;
    ps_process *p = t->process;
    if (t->tid != 0)
        ob_handle_destroy(&ps_state(sys)->cid_table, t->tid);
    if (t->kernel_stack.base)
        mm_delete_kernel_stack(ps_state(sys)->system_space, &t->kernel_stack);
    ke_thread_delete(sys, &t->tcb);
    RemoveEntryList(&t->thread_links);
    rtl_free(t);
    ob_dereference(sys, &p->header);
}

static NTSTATUS create_object(ntsim_system *sys, ps_process *p, SIZE_T commit, SIZE_T reserve, bool user,
                              ps_thread **out);

NTSTATUS ps_create_thread_object(ntsim_system *sys, ps_process *p, SIZE_T commit, SIZE_T reserve, ps_thread **out)
{
    return create_object(sys, p, commit, reserve, true, out);
}

NTSTATUS ps_create_kernel_thread(ntsim_system *sys, ps_process *p, ps_thread **out)
{
    if (p->exited)
        return STATUS_PROCESS_IS_TERMINATING;
    return create_object(sys, p, 0, 0, false, out);
}

void ps_discard_thread(ntsim_system *sys, ps_thread *t)
{
    /* Undo: the thread never ran, nobody saw it. */
    t->terminated = t->tcb.terminating = true;
    t->tcb.state = Terminated;
    t->process->active_threads--;
    ob_dereference(sys, &t->header);
}

void ps_start_kernel_thread(ntsim_system *sys, ps_thread *t)
{
    ke_start_thread(sys, &t->tcb);
}

static NTSTATUS create_object(ntsim_system *sys, ps_process *p, SIZE_T commit, SIZE_T reserve, bool user,
                              ps_thread **out)
{
    ps_thread *t = rtl_zalloc(sizeof *t);
    if (!t)
        return STATUS_INSUFFICIENT_RESOURCES;
    /* Normal priority class: base 8; every processor allowed. */
    uint32_t cpus = ke_state(sys)->config.cpus;
    NTSTATUS ke = ke_thread_init(sys, &t->tcb, 0, 8, cpus >= 64 ? ~0ull : (1ull << cpus) - 1);
    if (!NT_SUCCESS(ke)) {
        rtl_free(t);
        return ke;
    }
    ob_initialize_header(&t->header, &ps_thread_type, ThreadObject); /* the running thread's own reference */
    /* The Idle process's threads all have TID 0 and are not in the CID table. */
    if (p != ps_state(sys)->idle && (t->tid = ob_handle_create(&ps_state(sys)->cid_table, t, 0)) == 0) {
        ke_thread_delete(sys, &t->tcb);
        rtl_free(t);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    t->tcb.tid = t->tid;
    t->sequence = ps_state(sys)->next_sequence++;
    t->process = p;
    ob_reference(&p->header);
    InsertTailList(&p->threads, &t->thread_links);
    p->active_threads++;
    t->tcb.object = &t->header;
    t->tcb.exit_routine = thread_code_returned;
    t->exit_status = STATUS_PENDING;
    t->create_time = ke_state(sys)->time;
    /* Every thread has a kernel stack in system space (12 KB x86, 24 KB x64). */
    NTSTATUS ks = mm_create_kernel_stack(ps_state(sys)->system_space, &t->kernel_stack);
    if (!NT_SUCCESS(ks)) {
        ps_discard_thread(sys, t);
        return ks;
    }
    if (p->vm && user) {
        mm_stack st;
        NTSTATUS s = mm_create_teb(p->vm, t->tid, &t->teb);
        if (NT_SUCCESS(s)) {
            stack_sizes(p, commit, reserve, &t->stack_reserve, &t->stack_commit);
            s = mm_create_stack(p->vm, t->tid, t->stack_reserve, t->stack_commit, &st);
        }
        if (!NT_SUCCESS(s)) {
            if (t->teb)
                mm_delete_teb(p->vm, t->teb);
            ps_discard_thread(sys, t);
            return s;
        }
        t->stack_base = st.stack_base;
        t->stack_limit = st.stack_limit;
        t->deallocation_stack = st.deallocation_stack;
        t->stack_reserve = st.reserve;
        t->stack_commit = st.commit;
    }
    *out = t;
    return STATUS_SUCCESS;
}

ULONG_PTR ps_image_entry(const ps_process *p)
{
    return p->image_base ? p->image_base + 0x1000 : 0;
}

NTSTATUS ps_create_thread(ntsim_system *sys, ps_process *p, ULONG_PTR start, SIZE_T commit, SIZE_T reserve,
                          bool suspended, ps_thread **out)
{
    ps_thread *creator = ps_current_thread(sys);
    if (!creator || creator->terminated)
        return STATUS_INVALID_PARAMETER;
    if (p == ps_state(sys)->idle)
        return STATUS_INVALID_CID;
    if (p->exited)
        return STATUS_PROCESS_IS_TERMINATING;
    ps_thread *t;
    NTSTATUS s = ps_create_thread_object(sys, p, commit, reserve, &t);
    if (!NT_SUCCESS(s))
        return s;
    t->start_address = start ? start : ps_image_entry(p);
    /* The plain thread notification runs in the creator's context. */
    ps_notify_thread_create(sys, t, creator);
    ke_start_thread(sys, &t->tcb);
    if (suspended) {
        /* CREATE_SUSPENDED: the new thread's first act is its suspend APC. */
        ULONG previous;
        ke_suspend(sys, &t->tcb, &previous);
    }
    if (out)
        *out = t;
    return STATUS_SUCCESS;
}

NTSTATUS ntsim_create_thread(ntsim_system *sys, ULONG pid, SIZE_T stack_size, bool reserve, CLIENT_ID *cid)
{
    if (cid)
        *cid = (CLIENT_ID){ 0, 0 };
    ps_process *p = ps_lookup_process(sys, pid);
    if (!p)
        return STATUS_INVALID_CID;
    /* CreateThread's one stack parameter: a commit size, or with
       STACK_SIZE_PARAM_IS_A_RESERVATION a reserve size. */
    ps_thread *t;
    NTSTATUS s = ps_create_thread(sys, p, 0, reserve ? 0 : stack_size, reserve ? stack_size : 0, false, &t);
    if (NT_SUCCESS(s) && cid)
        *cid = (CLIENT_ID){ p->pid, t->tid };
    return s;
}

/* A system thread's start routine returned: the thread ends as PsTerminateSystemThread(STATUS_SUCCESS). */
static void thread_code_returned(ntsim_system *sys, ke_thread *tcb)
{
    ps_terminate_thread(sys, CONTAINING_RECORD(tcb, ps_thread, tcb), STATUS_SUCCESS);
}

void ps_terminate_thread(ntsim_system *sys, ps_thread *t, NTSTATUS status)
{
    ps_process *p = t->process;
    if (t->terminated)
        return;
    t->terminated = t->tcb.terminating = true;
    t->exit_status = status;
    t->exit_time = ke_state(sys)->time;
    /* The exit notification runs on the exiting thread, before it is Terminated. */
    ps_notify_thread_exit(sys, t);
    /* The last thread runs its process's exit, handle sweep included, before
       it is Terminated and signalled, as PspExitThread runs ObKillProcess
       before KeTerminateThread: a close the sweep sends to a driver that
       waits for this thread finds it not yet ended. */
    bool last = --p->active_threads == 0;
    if (last)
        ps_process_exit(sys, p, t, status);
    ke_terminate_thread(sys, &t->tcb);
    /* The last thread's stack and TEB went with the whole address space, right
       after the process-exit notification (which, as on Windows, still finds
       them mapped): not one VAD at a time first. */
    if (p->vm && t->deallocation_stack && !last) {
        mm_stack st = { .stack_base = t->stack_base, .stack_limit = t->stack_limit,
                        .deallocation_stack = t->deallocation_stack, .reserve = t->stack_reserve,
                        .commit = t->stack_commit };
        mm_delete_stack(p->vm, &st);
        mm_page_store_discard(p->pages, t->deallocation_stack, t->stack_base - t->deallocation_stack);
        if (t->teb)
            mm_delete_teb(p->vm, t->teb);
    }
    ke_signal_object(sys, &t->header.dispatch);
    bool self = t->tcb.fiber && t->tcb.fiber == (ke_fiber *)ke_state(sys)->running_fiber;
    if (ps_current_thread(sys) == t && !self)
        ps_set_current_thread(sys, ps_system_thread(sys));
    ob_dereference(sys, &t->header); /* the running thread's own reference */
    /* A system thread that ended itself never returns to its code. */
    if (self)
        ke_exit_fiber(sys);
}

ps_thread *ps_driver_thread(ntsim_system *sys, io_driver *driver)
{
    for (ps_process *p = ps_first_process(sys); p; p = ps_next_process(sys, p))
        for (ps_thread *t = ps_first_thread(p); t; t = ps_next_thread(t))
            if (ke_fiber_driver(&t->tcb) == driver)
                return t;
    return NULL;
}

void ps_abandon_thread_code(ntsim_system *sys, ps_thread *t, NTSTATUS status)
{
    ob_reference(&t->header); /* its end may close the last handle to it */
    ps_terminate_thread(sys, t, status);
    /* A thread already in its exit (waiting in a driver's close its handle
       sweep sent) never finishes it: its code is dropped all the same. */
    ke_delete_fiber(&t->tcb);
    ob_dereference(sys, &t->header);
}

void ps_fill_thread_info(const ps_thread *t, NTSIM_THREAD_INFO *info)
{
    *info = (NTSIM_THREAD_INFO){
        .tid = t->tid,
        .start_address = t->start_address,
        .pid = t->process->pid,
        .sequence = t->sequence,
        .state = t->tcb.state,
        .priority = t->tcb.priority,
        .base_priority = t->tcb.base_priority,
        .affinity = t->tcb.affinity,
        .cpu = t->tcb.cpu,
        .suspend_count = t->tcb.suspend_count,
        .waiting = t->tcb.blocked,
        .exit_code = (ULONG)t->exit_status,
        .pointer_count = t->header.pointer_count,
        .object_handle_count = t->header.handle_count,
        .create_time = t->create_time,
        .exit_time = t->exit_time,
        .teb = t->teb,
        .stack_base = t->stack_base,
        .stack_limit = t->stack_limit,
        .deallocation_stack = t->deallocation_stack,
        .stack_reserve = t->stack_reserve,
        .stack_commit = t->stack_commit,
        .kernel_stack_base = t->kernel_stack.base,
        .kernel_stack_limit = t->kernel_stack.limit,
    };
}

NTSTATUS ntsim_thread_sequence(ntsim_system *sys, ULONG tid, uint64_t *sequence)
{
    ps_thread *t = ps_lookup_thread(sys, tid);
    if (!t)
        return STATUS_INVALID_CID;
    *sequence = t->sequence;
    return STATUS_SUCCESS;
}

NTSTATUS ntsim_query_thread(ntsim_system *sys, ULONG tid, NTSIM_THREAD_INFO *info)
{
    ps_thread *t = ps_lookup_thread(sys, tid);
    if (!t)
        return STATUS_INVALID_CID;
    ps_fill_thread_info(t, info);
    /* The stack limit moves as the stack grows: ask the memory manager. */
    mm_stack st;
    if (!t->terminated && t->process->vm && t->deallocation_stack &&
        NT_SUCCESS(mm_query_stack(t->process->vm, t->deallocation_stack, &st))) {
        info->stack_limit = st.stack_limit;
        info->stack_committed = st.committed;
        info->guard_start = st.guard_start;
        info->guard_end = st.guard_end;
    }
    return STATUS_SUCCESS;
}

NTSTATUS ntsim_touch_stack(ntsim_system *sys, ULONG tid, SIZE_T bytes)
{
    ps_thread *t = ps_lookup_thread(sys, tid);
    if (!t)
        return STATUS_INVALID_CID;
    if (t->terminated)
        return STATUS_THREAD_IS_TERMINATING;
    if (!t->process->vm || !t->deallocation_stack)
        return STATUS_INVALID_PARAMETER; /* a kernel thread has no user stack */
    mm_stack after;
    NTSTATUS s = mm_touch_stack(t->process->vm, t->deallocation_stack, bytes, &after);
    t->stack_limit = after.stack_limit;
    return s;
}

NTSTATUS ntsim_walk_threads(ntsim_system *sys, ULONG pid, ntsim_thread_cb cb, void *context)
{
    ps_process *p = ps_lookup_process(sys, pid);
    if (!p)
        return STATUS_INVALID_CID;
    for (ps_thread *t = ps_first_thread(p); t; t = ps_next_thread(t)) {
        NTSIM_THREAD_INFO info;
        ps_fill_thread_info(t, &info);
        if (!cb(context, &info))
            break;
    }
    return STATUS_SUCCESS;
}
