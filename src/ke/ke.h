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
#include "ntsim/system.h"
#include "ntsim/limits.h"
#include "ntsim/wdk.h"
#include "ob/object.h"

struct ke_thread;
typedef struct ke_fiber ke_fiber;
typedef struct io_driver io_driver; /* opaque here: io owns drivers */

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
    /* What a scheduling decision reads, first: in one cache line when the
       thread is aligned, so a round-robin of 10^5 threads misses once a
       decision, not three times. */
    KTHREAD_STATE state;
    KPRIORITY priority, base_priority;
    KAFFINITY affinity;
    uint32_t cpu;           /* the processor it runs on, or ran on last */
    int32_t quantum;        /* quantum units left (3 per clock tick) */
    LIST_ENTRY ready_link;  /* its ready queue, while Ready (KTHREAD's WaitListEntry) */
    ke_fiber *fiber;             /* code it runs (a system thread's start routine), if any */
    uint32_t suspend_count;
    uint32_t tid;
    bool idle;              /* a processor's idle thread */
    bool blocked;           /* in a wait (thread wait) not yet satisfied */
    uint8_t wait_reason;    /* KWAIT_REASON of its wait, set by whoever makes it wait (thread_state events) */
    NTSTATUS wait_status;   /* how its last wait ended */
    KPROCESSOR_MODE previous_mode; /* the mode its current system service was called from */
    ULONG in_service;              /* inside a system service now (a fault there is the kernel's) */
    uint64_t deadline;      /* when the wait times out (KE_NO_DEADLINE: never) */
    size_t timer_slot;      /* index in the timer heap + 1, 0 = not there */
    uint64_t order;         /* creation order: tie-break for equal deadlines */
    ke_wait_block *wait_blocks;  /* its current object wait, if any */
    ULONG wait_count;
    bool wait_all;
    ke_wait_block builtin_blocks[KE_THREAD_WAIT_OBJECTS];
    void (*wait_done)(ntsim_system *sys, struct ke_thread *t); /* called when the wait ends */
    ob_header *object;           /* the thread object this is the kernel part of */
    bool terminating;            /* its termination has begun (it may still run exit notifications) */
    /* Its code returned (a system thread's start routine): the thread ends. Set by ps. */
    void (*exit_routine)(ntsim_system *sys, struct ke_thread *t);
    /* KTHREAD's KernelApcDisable: each critical region entered counts it
       down, so -1 is one region deep (as Windows keeps it); 0 = enabled. */
    int16_t kernel_apc_disable;
    /* Fast mutexes it holds: Windows runs their owner at APC_LEVEL. */
    uint16_t fast_mutexes;
} ke_thread;

/* A processor's control block (KPRCB): what runs, and its ready queues. */
typedef struct ke_prcb {
    ke_thread *current;
    ke_thread *idle;
    LIST_ENTRY ready[32]; /* one queue per priority (DispatcherReadyListHead) */
    uint32_t summary;     /* bit p set: ready[p] is not empty */
    uint32_t ready_count;
} ke_prcb;

typedef struct ke_scheduler {
    uint32_t cpus;
    ke_prcb prcb[NTSIM_MAX_CPUS];
    ke_thread **timers; /* min-heap by (deadline, order) */
    size_t timer_count, timer_cap;
    size_t threads;      /* threads initialized and not deleted: the heap has room for all */
    uint64_t next_tick;  /* time of the next clock interrupt */
    uint64_t orders;
    uint64_t unlooked;   /* clock ticks to take one by one before looking for whole rounds again */
    bool trace;          /* deliver thread_state events */
    bool trace_calls;    /* deliver call events around driver routines (ke/call_trace.c) */
    bool trace_handles;  /* deliver process_access events (ps/terminate.c) */
} ke_scheduler;

/* The kernel's part of the system (nested as ob_system explains). */
typedef struct ke_system {
    ob_system ob;               /* first: the layer below */
    ntsim_config config;        /* the boot parameters every component reads */
    uint64_t time;              /* the virtual clock, 100 ns units */
    ke_scheduler sched;
    ke_thread *current_thread;  /* the thread the simulation acts as now */
    ke_thread *system_thread;   /* System's first thread: kernel code runs as it */
    ke_fiber *running_fiber;    /* the system thread whose code runs now, if any */
    ntsim_event_sink sink;      /* where events go, stamped with the clock */
    void *sink_context;
} ke_system;

static inline ke_system *ke_state(ntsim_system *sys)
{
    return (ke_system *)(void *)sys;
}

/*
 * The simulation acts as `to` for a while (kernel code on behalf of another
 * thread); returns the thread to come back to, referenced meanwhile, since the
 * code run may end it. ke_switch_back makes it current again, or System's
 * first thread if it has begun to end, then drops the reference.
 */
ke_thread *ke_switch_thread(ntsim_system *sys, ke_thread *to);
void ke_switch_back(ntsim_system *sys, ke_thread *saved);

/* Delivers an event to the observer, stamped with the clock. */
void ke_deliver_event(ntsim_system *sys, ntsim_event *event);

#define KE_CLOCK_INTERVAL 156250 /* 15.625 ms in 100 ns units */
#define KE_QUANTUM_UNITS 6       /* client systems: 2 clock ticks */
#define KE_QUANTUM_PER_TICK 3

void ke_scheduler_init(ntsim_system *sys, uint64_t now);
void ke_scheduler_free(ntsim_system *sys);

/* A new thread: Initialized, not yet runnable. STATUS_INSUFFICIENT_RESOURCES
   (t untouched) when the host has no memory for its timer's place. */
NTSTATUS ke_thread_init(ntsim_system *sys, ke_thread *t, uint32_t tid, KPRIORITY priority, KAFFINITY affinity);
/* The thread object is deleted: its code's fiber and its timer's place go. */
void ke_thread_delete(ntsim_system *sys, ke_thread *t);
/* Makes a processor's idle thread of t. */
void ke_set_idle_thread(ntsim_system *sys, ke_thread *t, uint32_t cpu);
/* The new thread starts: it becomes ready and may run at once. */
void ke_start_thread(ntsim_system *sys, ke_thread *t);
/* The thread ends: Terminated, its processor picks another. */
void ke_terminate_thread(ntsim_system *sys, ke_thread *t);

/*
 * Timeouts: one convention for every wait in ke, Windows' own (the
 * LARGE_INTEGER of KeWaitForSingleObject and NtDelayExecution): NULL = no
 * timeout; negative = relative, in 100 ns; positive = an absolute time on
 * the clock; zero = do not block. An absolute time already past counts as
 * zero. ke_deadline turns one into a time on the clock, saturating at the
 * end of time (KE_NO_DEADLINE: never).
 */
#define KE_NO_DEADLINE UINT64_MAX
uint64_t ke_deadline(ntsim_system *sys, const LONG64 *timeout);

/*
 * Waits on objects (KeWaitForMultipleObjects' rules): satisfied at once when
 * one (wait-any: the lowest index) or all (wait-all) are signaled, returning
 * STATUS_WAIT_0 + index and acquiring them (a semaphore's count drops, a
 * synchronization event resets); STATUS_TIMEOUT at once for a zero timeout
 * (poll); else the thread blocks and STATUS_PENDING says so: it is released
 * when the wait is satisfied or the timeout passes.
 * blocks: count of them, or NULL to use the thread's own (count <= 3).
 */
NTSTATUS ke_wait_for_objects(ntsim_system *sys, ke_thread *t, ULONG count, DISPATCHER_HEADER **objects, bool wait_all,
                             const LONG64 *timeout, ke_wait_block *blocks);
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
/* Whether t's own code is what runs now (a system thread's, a program's). */
bool ke_runs_own_code(ntsim_system *sys, const ke_thread *t);
/* Gives t code to run: start(context), on a fiber of its own. */
NTSTATUS ke_create_fiber(ke_thread *t, void (*start)(void *), void *context);
void ke_delete_fiber(ke_thread *t);
/* The running fiber's thread has ended: leave it for good. */
void ke_exit_fiber(ntsim_system *sys);
/* The driver whose code t's fiber runs (its start routine's), while that code
   has not finished; NULL for none, and for the fiber running now. */
io_driver *ke_fiber_driver(const ke_thread *t);

/* The thread blocks (Waiting) until woken or its timeout passes; a zero
   timeout does not block (STATUS_TIMEOUT). */
NTSTATUS ke_wait(ntsim_system *sys, ke_thread *t, const LONG64 *timeout);
/* Its wait is satisfied (an event set it free): priority boost of 1. */
NTSTATUS ke_wake(ntsim_system *sys, ke_thread *t);
NTSTATUS ke_suspend(ntsim_system *sys, ke_thread *t, ULONG *previous);
NTSTATUS ke_resume(ntsim_system *sys, ke_thread *t, ULONG *previous);
/* Base and current priority (1..31). */
NTSTATUS ke_set_priority(ntsim_system *sys, ke_thread *t, KPRIORITY priority);
NTSTATUS ke_set_affinity(ntsim_system *sys, ke_thread *t, KAFFINITY affinity);

/* The processors' ready queues, summary bits and current threads agree (Debug builds check after each advance). */
bool ke_scheduler_check(const ke_scheduler *s);

/* The clock moves to `now`: clock ticks end quanta and expire timeouts. */
void ke_advance(ntsim_system *sys, uint64_t now);

/* Normal kernel APCs cannot reach t: it is in a critical region, or at
   APC_LEVEL (it holds a fast mutex). What an executive resource asks of its callers. */
bool ke_normal_apcs_disabled(const ke_thread *t);

/*
 * Stops the system, as KeBugCheckEx: prints "ntsim: bug check 0x000000E3
 * RESOURCE_NOT_OWNED (p1, p2, p3, p4): why" on stderr and aborts the host
 * process. There is no blue screen and no crash dump; a test sees the
 * process end abnormally and the line on stderr.
 */
_Noreturn void ke_bug_check(ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4, const char *why);

#endif
