/*
 * Exercise 01 - first steps with the C API: create a process the way its
 * parent's code would, count a process's children, give a process memory.
 * starter.c (yours) and solution/solution.c implement these three functions.
 */
#ifndef EX01_EXERCISE_H
#define EX01_EXERCISE_H

#include <ntsim/ntsim.h>

/*
 * CreateProcess, called by the parent's first live thread: starts `image`
 * (a Win32 path) with `parent_pid` as its parent. Returns the status of the
 * creation; on success the new process's IDs are in *cid. A parent that does
 * not exist, or has no live thread, gives STATUS_INVALID_CID.
 */
NTSTATUS ex01_start_child(ntsim_system *sys, ULONG parent_pid, const char *image, CLIENT_ID *cid);

/* How many processes that have not exited have `parent_pid` as their parent. */
ULONG ex01_count_children(ntsim_system *sys, ULONG parent_pid);

/*
 * VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE) run by
 * process `pid`'s first live thread in its own address space. Returns the
 * status; on success the base address in *base.
 */
NTSTATUS ex01_allocate_buffer(ntsim_system *sys, ULONG pid, SIZE_T size, ULONG_PTR *base);

#endif
