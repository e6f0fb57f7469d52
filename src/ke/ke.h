/*
 * ke.h - the kernel's scheduling view of a thread (the KTHREAD part of a
 * thread object) and the scheduler's entry points.
 *
 * Windows in miniature: per-processor ready queues, one list per priority
 * and a 32-bit summary of the non-empty ones (O(1) to find the best thread),
 * preemption by a higher priority, round-robin within a priority at quantum
 * end, waits with timeouts on the clock tick, suspension, priority boosts on
 * wake that decay at quantum end. Deterministic: ties go by queue order and
 * processor number.
 */
#ifndef NTSIM_KE_KE_H
#define NTSIM_KE_KE_H

#include "ntsim/ps.h"

struct ke_thread;
typedef struct ke_fiber ke_fiber;

/* One object a thread waits on (KWAIT_BLOCK): linked into the object's
 * wait list, in the order the waits began. */
struct ke_wait_block {
    DISPATCHER_HEADER *object;
    struct ke_thread *thread;
    ULONG index;                 /* its place in the wait's object array */
    ke_wait_block *next, *prev;  /* the object's waiters */
};

#define KE_THREAD_WAIT_OBJECTS 3 /* THREAD_WAIT_OBJECTS: blocks every thread has */

typedef struct ke_thread {
    KTHREAD_STATE state;
    KPRIORITY priority, base_priority;
    KAFFINITY affinity;
    uint32_t cpu;           /* the processor it runs on, or ran on last */
    int32_t quantum;        /* quantum units left (3 per clock tick) */
    uint32_t suspend_count;
    uint32_t tid;
    bool idle;              /* a processor's idle thread */
    bool blocked;           /* in a wait (thread wait) not yet satisfied */
    NTSTATUS wait_status;   /* how its last wait ended */
    KPROCESSOR_MODE previous_mode; /* the mode its current system service was called from */
    uint64_t deadline;      /* the wait's timeout, 0 = none */
    size_t timer_slot;      /* index in the timer heap + 1, 0 = not there */
    uint64_t order;         /* creation order: tie-break for equal deadlines */
    struct ke_thread *qnext, *qprev; /* its ready queue */
    ke_wait_block *wait_blocks;  /* its current object wait, if any */
    ULONG wait_count;
    bool wait_all;
    ke_wait_block builtin_blocks[KE_THREAD_WAIT_OBJECTS];
    void (*wait_done)(ntsim_system *sys, struct ke_thread *t); /* called when the wait ends */
    ke_fiber *fiber;             /* code it runs (a system thread's start routine), if any */
} ke_thread;

/* A processor's control block (KPRCB): what runs, and its ready queues. */
typedef struct ke_prcb {
    ke_thread *current;
    ke_thread *idle;
    ke_thread *head[32], *tail[32];
    uint32_t summary; /* bit p set: head[p] is not empty */
    uint32_t ready_count;
} ke_prcb;

typedef struct ke_scheduler {
    uint32_t cpus;
    ke_prcb prcb[64];
    ke_thread **timers; /* min-heap by (deadline, order) */
    size_t timer_count, timer_cap;
    uint64_t next_tick;  /* time of the next clock interrupt */
    uint64_t orders;
    uint64_t unlooked;   /* clock ticks to take one by one before looking for whole rounds again */
    bool trace;          /* deliver thread_state events */
} ke_scheduler;

typedef struct ntsim_system ntsim_system;

#define KE_CLOCK_INTERVAL 156250 /* 15.625 ms in 100 ns units */
#define KE_QUANTUM_UNITS 6       /* client systems: 2 clock ticks */
#define KE_QUANTUM_PER_TICK 3

void ke_scheduler_init(ntsim_system *sys, uint64_t now);
void ke_scheduler_free(ntsim_system *sys);

/* A new thread: Initialized, not yet runnable. */
void ke_thread_init(ntsim_system *sys, ke_thread *t, uint32_t tid, KPRIORITY priority, KAFFINITY affinity);
/* Makes a processor's idle thread of t. */
void ke_set_idle_thread(ntsim_system *sys, ke_thread *t, uint32_t cpu);
/* The new thread starts: it becomes ready and may run at once. */
void ke_start_thread(ntsim_system *sys, ke_thread *t);
/* The thread ends: Terminated, its processor picks another. */
void ke_terminate_thread(ntsim_system *sys, ke_thread *t);

/*
 * Waits on objects (KeWaitForMultipleObjects' rules): satisfied at once when
 * one (wait-any: the lowest index) or all (wait-all) are signaled, returning
 * STATUS_WAIT_0 + index and acquiring them (a semaphore's count drops, a
 * synchronization event resets); STATUS_TIMEOUT at once for a zero timeout
 * (poll); else the thread blocks and STATUS_PENDING says so: it is released
 * when the wait is satisfied or the timeout (100 ns; NULL = none) passes.
 * blocks: count of them, or NULL to use the thread's own (count <= 3).
 */
NTSTATUS ke_wait_for_objects(ntsim_system *sys, ke_thread *t, ULONG count, DISPATCHER_HEADER **objects, bool wait_all,
                             const uint64_t *timeout, ke_wait_block *blocks);
NTSTATUS ke_wait_for_object(ntsim_system *sys, ke_thread *t, DISPATCHER_HEADER *object, uint64_t timeout);
/* The object's state changed to signaled: its waiters are tested in order (KiWaitTest). */
void ke_signal_object(ntsim_system *sys, DISPATCHER_HEADER *object);
void ke_wait_test(ntsim_system *sys, DISPATCHER_HEADER *object, KPRIORITY boost);
/* Ends a thread's object wait without satisfying it (timeout, wake, termination). */
void ke_abandon_object_wait(ntsim_system *sys, ke_thread *t);
/* A waiting thread whose wait ended becomes ready, with a boost (KiUnwaitThread). */
void ke_unwait(ntsim_system *sys, ke_thread *t, NTSTATUS status, KPRIORITY boost);

/* Runs the code of system threads that can run now, until each waits or ends. */
void ke_run_fibers(ntsim_system *sys);
/* The current thread blocks until its wait ends: a fiber yields, other code
 * runs the simulation forward. Returns how the wait ended. */
NTSTATUS ke_block_current(ntsim_system *sys);
/* Gives t code to run: start(context), on a fiber of its own. */
NTSTATUS ke_create_fiber(ke_thread *t, void (*start)(void *), void *context);
void ke_delete_fiber(ke_thread *t);
/* The running fiber's thread has ended: leave it for good. */
void ke_exit_fiber(ntsim_system *sys);

/* The thread blocks (Waiting); timeout 0 = forever. */
NTSTATUS ke_wait(ntsim_system *sys, ke_thread *t, uint64_t timeout);
/* Its wait is satisfied (an event set it free): priority boost of 1. */
NTSTATUS ke_wake(ntsim_system *sys, ke_thread *t);
NTSTATUS ke_suspend(ntsim_system *sys, ke_thread *t, ULONG *previous);
NTSTATUS ke_resume(ntsim_system *sys, ke_thread *t, ULONG *previous);
/* Base and current priority (1..31). */
NTSTATUS ke_set_priority(ntsim_system *sys, ke_thread *t, KPRIORITY priority);
NTSTATUS ke_set_affinity(ntsim_system *sys, ke_thread *t, KAFFINITY affinity);

/* The clock moves to `now`: clock ticks end quanta and expire timeouts. */
void ke_advance(ntsim_system *sys, uint64_t now);

#endif
