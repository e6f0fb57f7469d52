/*
 * system.h - the simulator's control surface: create and destroy a
 * simulated system, move its virtual clock, choose the calling thread, and
 * observe the notifications the kernel delivers.
 *
 * All state hangs off one ntsim_system; several can live side by side.
 */
#ifndef NTSIM_SYSTEM_H
#define NTSIM_SYSTEM_H

#include "nt.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ntsim_system ntsim_system;

typedef enum ntsim_arch { NTSIM_ARCH_X64 = 0, NTSIM_ARCH_X86 = 1 } ntsim_arch;

typedef struct ntsim_config {
    ntsim_arch arch;       /* the system's architecture (default x64) */
    uint32_t cpus;         /* processors, 1..64 (default 1) */
    uint64_t seed;         /* decides everything that varies (default 0) */
    bool aslr;             /* randomize image bases (default on) */
    uint64_t increase_uva; /* x86 boot option, bytes of user space (0 = 2 GB) */
    uint64_t memory;       /* physical memory in bytes (default 8 GB) */
    uint64_t pagefile;     /* paging file in bytes (default 8 GB) */
} ntsim_config;

/* The defaults the scenario contract names. */
void ntsim_config_default(ntsim_config *config);

/*
 * Boots a system: the Idle process (PID 0) and the System process (PID 4,
 * with its first thread) exist afterwards; the clock reads 2026-01-01 UTC.
 * STATUS_INVALID_PARAMETER for a bad configuration.
 */
NTSTATUS ntsim_system_create(const ntsim_config *config, ntsim_system **system);
void ntsim_system_destroy(ntsim_system *system);

/* The machine as a whole: its clock, commit and system-space use. */
typedef struct NTSIM_SYSTEM_INFO {
    uint64_t time;
    ULONG cpus;
    ntsim_arch arch;
    uint64_t commit_limit;       /* bytes: memory + pagefile */
    uint64_t commit_charged;     /* bytes */
    uint64_t kernel_stacks;      /* live kernel stacks */
    SIZE_T kernel_stack_size;    /* per thread: 12 KB x86, 24 KB x64 */
    uint64_t system_bytes;       /* committed system-space bytes */
    ULONG processes;             /* process objects that have not exited */
} NTSIM_SYSTEM_INFO;

void ntsim_query_system(ntsim_system *system, NTSIM_SYSTEM_INFO *info);

/* The virtual clock: 100 ns units since 1601-01-01 UTC (KeQuerySystemTime). */
uint64_t ntsim_time(const ntsim_system *system);
#define NTSIM_BOOT_TIME 134116992000000000ull /* 2026-01-01 00:00:00 UTC */

/* The end of the clock: the largest LARGE_INTEGER, as KeQuerySystemTime can tell it. */
#define NTSIM_TIME_MAX 0x7FFFFFFFFFFFFFFFull

/* Moves the clock forward by `ticks` of 100 ns, stopping at NTSIM_TIME_MAX. */
void ntsim_advance(ntsim_system *system, uint64_t ticks);

/*
 * The thread on whose behalf later calls run (the "current thread" of the
 * Nt* calls and of process/thread creation). STATUS_INVALID_CID if no live
 * thread has that ID. The System process's first thread is current at boot.
 */
NTSTATUS ntsim_set_current_thread(ntsim_system *system, ULONG tid);
ULONG ntsim_current_thread_id(const ntsim_system *system);

/* What the kernel delivers to notification routines, as data. */
typedef enum ntsim_event_kind {
    NTSIM_EVENT_PROCESS_CREATE,
    NTSIM_EVENT_PROCESS_EXIT,
    NTSIM_EVENT_THREAD_CREATE,
    NTSIM_EVENT_THREAD_EXIT,
    NTSIM_EVENT_IMAGE_LOAD,
    NTSIM_EVENT_THREAD_STATE, /* only when traced: ntsim_set_trace */
    NTSIM_EVENT_SYSCALL,      /* only when traced */
    NTSIM_EVENT_DBGPRINT,     /* a driver's DbgPrint: text, image = the driver's name */
    NTSIM_EVENT_POOL_LEAK,    /* pool a driver left behind: image = driver, text = tag, count, size */
    NTSIM_EVENT_BEEP,         /* the speaker sounds: frequency, duration; pid, tid = the calling thread */
    NTSIM_EVENT_CONSOLE,      /* a program printed a line: pid, tid, stream ("stdout"/"stderr"), text */
    NTSIM_EVENT_EXCEPTION,    /* a program's unhandled exception: pid, tid, status (its code), text (what and where) */
    NTSIM_EVENT_CALL,         /* only when traced (NTSIM_TRACE_CALLS): a driver routine begins (count 0) or
                                 returns (count 1); image = the driver, service = the routine, tid = its thread */
    NTSIM_EVENT_PROCESS_ACCESS, /* only when traced (NTSIM_TRACE_HANDLES): a process opened (NtOpenProcess):
                                 pid = the target, creating_pid/tid = the opener, count = the access granted */
    NTSIM_EVENT_IRP,          /* only when traced (NTSIM_TRACE_CALLS): a request dispatched (count 0) or
                                 completed (count 1); number = its sequence, service = its major function, tid */
} ntsim_event_kind;

typedef struct ntsim_event {
    ntsim_event_kind kind;
    uint64_t time;
    ULONG pid;
    ULONG tid;          /* thread events */
    ULONG ppid;         /* process_create */
    ULONG creating_pid; /* process_create, thread_create */
    ULONG creating_tid;
    ULONG exit_code;    /* process_exit, thread_exit */
    const char *image;  /* process_create: image path; image_load: NT path */
    const char *cmdline;
    ULONG_PTR base;     /* image_load; thread_create: the thread's start address */
    SIZE_T size;
    ULONG from, to;     /* thread_state: KTHREAD_STATE numbers */
    ULONG cpu;          /* thread_state: the processor */
    ULONG number;       /* syscall: the service number, its name, arguments, status;
                           thread_state to Waiting: the wait reason (KWAIT_REASON) */
    const char *service;
    ULONG argc;
    const ULONG64 *args;
    NTSTATUS status;
    const char *text;   /* dbgprint, pool_leak */
    ULONG count;        /* pool_leak: blocks */
    ULONG frequency;    /* beep: Hz, 0 = silence */
    ULONG duration;     /* beep: milliseconds */
    const char *stream; /* console: "stdout" or "stderr" */
} ntsim_event;

typedef void (*ntsim_event_sink)(void *context, const ntsim_event *event);

/* What to trace beyond notifications. */
#define NTSIM_TRACE_SCHED 0x1u    /* thread_state events for every state change */
#define NTSIM_TRACE_SYSCALLS 0x2u /* a syscall event for every system service call */
#define NTSIM_TRACE_CALLS 0x4u    /* call events around every driver routine ntsim calls */
#define NTSIM_TRACE_HANDLES 0x8u  /* a process_access event for every process a thread opens */
void ntsim_set_trace(ntsim_system *system, ULONG flags);

/* One observer of every notification, in delivery order (NULL to stop). */
void ntsim_set_event_sink(ntsim_system *system, ntsim_event_sink sink, void *context);

/*
 * The machine's speaker, for driver code (what the Beep driver does with the
 * HAL's HalMakeBeep and its stop timer, in one call): a tone of `frequency`
 * Hz (0: silence) for `duration_ms` milliseconds from now on the virtual
 * clock, reported as a `beep` event (image = the calling driver, pid and tid
 * = the current thread). One speaker: a tone cuts one still sounding. Only
 * from driver code (aborts outside it, as the WDK calls do).
 */
void ntsim_speaker_tone(ULONG frequency, ULONG duration_ms);

/*
 * Fault injection, for tests: running out of host memory on purpose. In a
 * build with NTSIM_FAULT_INJECTION (a CMake option, on by default in Debug
 * and sanitizer builds) every host allocation ntsim makes, the library's and
 * the scenario engine's, is counted on the calling host thread, and one of
 * them can be made to fail. The call that meets the failure returns
 * STATUS_INSUFFICIENT_RESOURCES (or what Windows returns for it: the memory
 * manager's calls STATUS_NO_MEMORY) and leaves the system as it was; the
 * scenario engine reports FILE:LINE:COL: error: out of memory. The `ntsim`
 * command line reads NTSIM_FAIL_ALLOC=N (docs/testing.md).
 *
 * ntsim_fail_allocation(n): the n-th allocation from now on fails (1: the
 * next one), once; 0 takes a pending failure back. False, and nothing
 * happens, in a build without fault injection.
 * ntsim_allocation_count(): allocations so far on this host thread (0
 * without fault injection): the difference across a run is what it made.
 * ntsim_observe_allocations: the observer sees each allocation as it is
 * counted, with its number and where in ntsim's sources it is made
 * ("src/mm/pool.c:136"); NULL stops. Allocation is not reentrant: the
 * observer must not call ntsim.
 */
typedef void (*ntsim_allocation_observer)(void *context, uint64_t n, const char *site);
bool ntsim_fail_allocation(uint64_t n);
uint64_t ntsim_allocation_count(void);
void ntsim_observe_allocations(ntsim_allocation_observer observer, void *context);

/*
 * The system's invariants, across its parts, for tests: every handle names
 * a live object and the objects' handle counts add up to the handles;
 * client IDs name their objects; thread counts, kernel stacks, commit
 * charged and the scheduler's timers agree with the threads and address
 * spaces that hold them; every address space passes its own check; pool
 * owners' counts match their blocks. What a failed call must leave intact.
 * False when one is broken, with a sentence saying which in why (cap bytes;
 * why may be NULL). O(objects + handles + allocations).
 */
bool ntsim_check_system(ntsim_system *system, char *why, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
