/*
 * Exercise 01 - first steps. Read README.md, then fill in the three
 * functions below. Grade yourself with the command in README.md.
 */
#include "exercise.h"

/* A thread walk callback: ntsim_walk_threads calls it for each thread of a
 * process, oldest first; return false to stop the walk. */
static bool first_live_thread(void *context, const NTSIM_THREAD_INFO *info)
{
    ULONG *tid = context;
    /* TODO(student): remember info->tid in *tid if the thread has not
     * terminated (info->state != Terminated), and stop the walk. */
    (void)tid;
    (void)info;
    return true;
}

NTSTATUS ex01_start_child(ntsim_system *sys, ULONG parent_pid, const char *image, CLIENT_ID *cid)
{
    ULONG creator = 0;
    ntsim_walk_threads(sys, parent_pid, first_live_thread, &creator);
    /* TODO(student):
     *  1. if no live thread was found, return STATUS_INVALID_CID;
     *  2. make that thread the current thread (ntsim_set_current_thread);
     *  3. fill an NTSIM_PROCESS_PARAMS with ntsim_process_params_default,
     *     set its parent_pid, and call ntsim_create_process. */
    (void)image;
    (void)cid;
    return STATUS_NOT_IMPLEMENTED;
}

static bool count_one(void *context, const NTSIM_PROCESS_INFO *info)
{
    /* TODO(student): context points at a struct of your own with the parent
     * PID and a counter: count the processes whose ppid is the parent and
     * that have not exited (info->exited). */
    (void)context;
    (void)info;
    return true;
}

ULONG ex01_count_children(ntsim_system *sys, ULONG parent_pid)
{
    /* TODO(student): walk the processes (ntsim_walk_processes) with count_one. */
    (void)sys;
    (void)parent_pid;
    (void)count_one;
    return 0;
}

NTSTATUS ex01_allocate_buffer(ntsim_system *sys, ULONG pid, SIZE_T size, ULONG_PTR *base)
{
    /* TODO(student): act as the process's first live thread, then call
     * NtAllocateVirtualMemory(sys, NtCurrentProcess(), ...) with *base = 0
     * (the system chooses), MEM_RESERVE | MEM_COMMIT and PAGE_READWRITE. */
    (void)sys;
    (void)pid;
    (void)size;
    (void)base;
    return STATUS_NOT_IMPLEMENTED;
}
