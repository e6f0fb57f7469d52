/* Exercise 01 - reference solution. */
#include "exercise.h"

static bool first_live_thread(void *context, const NTSIM_THREAD_INFO *info)
{
    ULONG *tid = context;
    if (info->state == Terminated)
        return true; /* keep looking */
    *tid = info->tid;
    return false;
}

/* Makes the process's first live thread current; STATUS_INVALID_CID if it has none. */
static NTSTATUS act_as(ntsim_system *sys, ULONG pid)
{
    ULONG tid = 0;
    ntsim_walk_threads(sys, pid, first_live_thread, &tid);
    return tid ? ntsim_set_current_thread(sys, tid) : STATUS_INVALID_CID;
}

NTSTATUS ex01_start_child(ntsim_system *sys, ULONG parent_pid, const char *image, CLIENT_ID *cid)
{
    NTSTATUS s = act_as(sys, parent_pid);
    if (!NT_SUCCESS(s))
        return s;
    NTSIM_PROCESS_PARAMS pp;
    ntsim_process_params_default(&pp, image);
    pp.parent_pid = parent_pid;
    return ntsim_create_process(sys, &pp, cid);
}

typedef struct children {
    ULONG parent;
    ULONG count;
} children;

static bool count_one(void *context, const NTSIM_PROCESS_INFO *info)
{
    children *c = context;
    if (info->ppid == c->parent && !info->exited && info->pid != c->parent)
        c->count++;
    return true;
}

ULONG ex01_count_children(ntsim_system *sys, ULONG parent_pid)
{
    children c = { parent_pid, 0 };
    ntsim_walk_processes(sys, count_one, &c);
    return c.count;
}

NTSTATUS ex01_allocate_buffer(ntsim_system *sys, ULONG pid, SIZE_T size, ULONG_PTR *base)
{
    NTSTATUS s = act_as(sys, pid);
    if (!NT_SUCCESS(s))
        return s;
    *base = 0;
    return NtAllocateVirtualMemory(sys, NtCurrentProcess(), base, 0, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
}
