/*
 * ps.h - processes and threads: create, terminate, query, enumerate.
 *
 * Creation runs on behalf of the current thread (ntsim_set_current_thread),
 * the way CreateProcess and CreateThread run in their caller. Termination
 * follows NtTerminateProcess / NtTerminateThread on a handle, so access rights
 * are checked; NtCurrentProcess() and NtCurrentThread() name the caller.
 */
#ifndef NTSIM_PS_H
#define NTSIM_PS_H

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Thread states, with the kernel's numbers (KTHREAD_STATE). */
typedef enum KTHREAD_STATE {
    Initialized = 0,
    Ready = 1,
    Running = 2,
    Standby = 3,
    Terminated = 4,
    Waiting = 5,
    Transition = 6,
    DeferredReady = 7,
} KTHREAD_STATE;

/* The name of a thread state ("Ready"), or NULL for an unknown number. */
const char *ntsim_thread_state_name(KTHREAD_STATE state);

typedef struct NTSIM_PROCESS_PARAMS {
    const char *image_path;  /* Win32 path, e.g. C:\Windows\System32\notepad.exe */
    ULONG parent_pid;        /* 0 = the System process */
    const char *command_line;/* NULL = the image path */
    ntsim_arch arch;         /* the image's architecture */
    bool large_address_aware;
    SIZE_T stack_reserve;    /* PE header values; 0 = 1 MB */
    SIZE_T stack_commit;     /* 0 = 4 KB */
    bool lock_memory_privilege; /* SeLockMemoryPrivilege in the token, enabled (a shorthand of privileges) */
    /* The token (docs/security.md). All unset: a duplicate of the creator's, or,
       when the creator is the System process, the interactive user's at medium. */
    const char *user;        /* an account name ("alice", "SYSTEM"); NULL: the creator's user */
    const char *integrity;   /* "untrusted", "low", "medium", "high", "system"; NULL: the token's */
    bool elevated;           /* the user's full (elevated) administrator token */
    uint64_t privileges;     /* bit n: privilege LUID n added, disabled (the logon's grant) */
} NTSIM_PROCESS_PARAMS;

void ntsim_process_params_default(NTSIM_PROCESS_PARAMS *params, const char *image_path);

/*
 * CreateProcess from the current thread: a new process with its first
 * thread; delivers process_create, thread_create (in the creator's context),
 * then image_load of the image and ntdll.dll. Returns the new IDs.
 * STATUS_INVALID_CID for a parent that does not exist,
 * STATUS_PROCESS_IS_TERMINATING for one that exited,
 * STATUS_INVALID_IMAGE_FORMAT for an x64 image on an x86 system.
 */
NTSTATUS ntsim_create_process(ntsim_system *system, const NTSIM_PROCESS_PARAMS *params, CLIENT_ID *cid);

/*
 * CreateThread / CreateRemoteThread from the current thread into process
 * `pid`: stack_size is a commit size, or a reserve size when
 * reserve is true (STACK_SIZE_PARAM_IS_A_RESERVATION); 0 = the image's.
 */
NTSTATUS ntsim_create_thread(ntsim_system *system, ULONG pid, SIZE_T stack_size, bool reserve, CLIENT_ID *cid);

/*
 * ExitProcess / ExitThread: the process (thread) ends itself with exit_code.
 * STATUS_INVALID_CID for no such object, STATUS_PROCESS_IS_TERMINATING
 * (STATUS_THREAD_IS_TERMINATING) when it already ended, STATUS_ACCESS_DENIED
 * for the Idle and System processes and their threads.
 */
NTSTATUS ntsim_exit_process(ntsim_system *system, ULONG pid, ULONG exit_code);
NTSTATUS ntsim_exit_thread(ntsim_system *system, ULONG tid, ULONG exit_code);

/* Need PROCESS_TERMINATE (THREAD_TERMINATE) on the handle. */
NTSTATUS NtTerminateProcess(ntsim_system *system, HANDLE ProcessHandle, NTSTATUS ExitStatus);
NTSTATUS NtTerminateThread(ntsim_system *system, HANDLE ThreadHandle, NTSTATUS ExitStatus);

typedef struct NTSIM_PROCESS_INFO {
    ULONG pid;
    ULONG ppid;                 /* InheritedFromUniqueProcessId */
    uint64_t sequence;          /* unique for the system's lifetime, never reused */
    const char *image_name;     /* file name: "notepad.exe" (valid until the next call) */
    const char *image_path;     /* as given at creation */
    const char *command_line;
    ntsim_arch arch;
    bool wow64;
    bool exited;
    ULONG exit_code;            /* STATUS_PENDING (259) while running */
    ULONG thread_count;         /* live threads */
    ULONG handle_count;         /* entries in its handle table */
    int64_t pointer_count;      /* of the process object */
    int64_t object_handle_count;/* handles to the process object, in any table */
    uint64_t create_time;
    uint64_t exit_time;
    ULONG_PTR peb;
    ULONG_PTR image_base;
} NTSIM_PROCESS_INFO;

typedef struct NTSIM_THREAD_INFO {
    ULONG tid;
    ULONG pid;
    uint64_t sequence;
    KTHREAD_STATE state;
    KPRIORITY priority;
    KPRIORITY base_priority;
    KAFFINITY affinity;
    ULONG cpu;                  /* the processor it runs on, or ran on last */
    ULONG suspend_count;
    bool waiting;               /* in a wait not yet satisfied */
    ULONG exit_code;            /* STATUS_PENDING (259) while running */
    int64_t pointer_count;
    int64_t object_handle_count;
    uint64_t create_time;
    uint64_t exit_time;
    ULONG_PTR teb;
    ULONG_PTR stack_base;       /* TEB NtTib.StackBase */
    ULONG_PTR stack_limit;      /* TEB NtTib.StackLimit */
    ULONG_PTR deallocation_stack;
    SIZE_T stack_reserve;
    SIZE_T stack_commit;        /* the committed size it started with */
    SIZE_T stack_committed;     /* bytes committed now, guard pages included */
    ULONG_PTR guard_start, guard_end; /* its PAGE_GUARD pages below StackLimit */
    ULONG_PTR kernel_stack_base, kernel_stack_limit; /* in system space */
    ULONG_PTR start_address;    /* Win32StartAddress (its image's entry when none was given; 0: a system thread) */
} NTSIM_THREAD_INFO;

/*
 * Scheduling, on a thread by ID (the simulator's hand) or by handle (the
 * native calls, which check THREAD_SET_INFORMATION / THREAD_SUSPEND_RESUME).
 * Priority: base and current, 1..31, else STATUS_INVALID_PARAMETER.
 * Affinity: a non-empty subset of the system's processors, else
 * STATUS_INVALID_PARAMETER. Suspend: up to 127 deep
 * (STATUS_SUSPEND_COUNT_EXCEEDED); a terminated thread gives
 * STATUS_THREAD_IS_TERMINATING. Wait: the thread blocks (Waiting) until
 * woken or until timeout (100 ns units; 0 = none) passes on the clock.
 */
NTSTATUS ntsim_set_thread_priority(ntsim_system *system, ULONG tid, KPRIORITY priority);
NTSTATUS ntsim_set_thread_affinity(ntsim_system *system, ULONG tid, KAFFINITY affinity);
NTSTATUS ntsim_suspend_thread(ntsim_system *system, ULONG tid, ULONG *previous_count);
NTSTATUS ntsim_resume_thread(ntsim_system *system, ULONG tid, ULONG *previous_count);
NTSTATUS ntsim_wait_thread(ntsim_system *system, ULONG tid, uint64_t timeout);
NTSTATUS ntsim_wake_thread(ntsim_system *system, ULONG tid);

typedef enum THREADINFOCLASS { ThreadBasicInformation = 0, ThreadPriority = 2, ThreadAffinityMask = 4 } THREADINFOCLASS;
NTSTATUS NtSetInformationThread(ntsim_system *system, HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
                                const void *ThreadInformation, ULONG ThreadInformationLength);
NTSTATUS NtSuspendThread(ntsim_system *system, HANDLE ThreadHandle, ULONG *PreviousSuspendCount);
NTSTATUS NtResumeThread(ntsim_system *system, HANDLE ThreadHandle, ULONG *PreviousSuspendCount);

/* NtQueryInformationProcess(ProcessBasicInformation): the x64 layout. */
typedef struct PROCESS_BASIC_INFORMATION {
    NTSTATUS ExitStatus;
    ULONG Reserved0;
    ULONG64 PebBaseAddress;
    ULONG64 AffinityMask;
    KPRIORITY BasePriority;
    ULONG Reserved1;
    ULONG64 UniqueProcessId;
    ULONG64 InheritedFromUniqueProcessId;
} PROCESS_BASIC_INFORMATION;

typedef enum PROCESSINFOCLASS { ProcessBasicInformation = 0, ProcessWow64Information = 26 } PROCESSINFOCLASS;

/* Needs PROCESS_QUERY_INFORMATION or PROCESS_QUERY_LIMITED_INFORMATION; length 48
   (ProcessBasicInformation), or 8 (ProcessWow64Information: a ULONG_PTR, the
   WOW64 PEB's address, 0 for a native process). */
NTSTATUS NtQueryInformationProcess(ntsim_system *system, HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
                                   void *ProcessInformation, ULONG ProcessInformationLength, ULONG *ReturnLength);

/* NtQueryInformationThread(ThreadBasicInformation): the x64 layout. */
typedef struct THREAD_BASIC_INFORMATION {
    NTSTATUS ExitStatus; /* STATUS_PENDING while the thread runs (STILL_ACTIVE) */
    ULONG Reserved0;
    ULONG64 TebBaseAddress;
    ULONG64 UniqueProcess, UniqueThread;
    ULONG64 AffinityMask;
    KPRIORITY Priority, BasePriority;
} THREAD_BASIC_INFORMATION;

/* Needs THREAD_QUERY_INFORMATION or THREAD_QUERY_LIMITED_INFORMATION; length 48. */
NTSTATUS NtQueryInformationThread(ntsim_system *system, HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
                                  void *ThreadInformation, ULONG ThreadInformationLength, ULONG *ReturnLength);

#define THREAD_CREATE_FLAGS_CREATE_SUSPENDED 0x00000001u

/*
 * Creates a thread in the process ProcessHandle names (PROCESS_CREATE_THREAD)
 * on behalf of the current thread: StackSize is the commit, MaximumStackSize
 * the reserve (0 = the image's). ObjectAttributes, StartRoutine, Argument and
 * AttributeList are accepted and not used: ntsim runs no code.
 */
NTSTATUS NtCreateThreadEx(ntsim_system *system, HANDLE *ThreadHandle, ACCESS_MASK DesiredAccess, void *ObjectAttributes,
                          HANDLE ProcessHandle, ULONG_PTR StartRoutine, ULONG_PTR Argument, ULONG CreateFlags,
                          SIZE_T ZeroBits, SIZE_T StackSize, SIZE_T MaximumStackSize, void *AttributeList);

/*
 * The current thread sleeps (negative: relative, in 100 ns) or waits for a
 * process or thread to end (SYNCHRONIZE access). The call cannot block the
 * host: a wait that has to wait returns STATUS_PENDING and the thread is
 * Waiting until the object is signaled, the timeout passes on the clock, or
 * the scenario wakes it.
 */
NTSTATUS NtDelayExecution(ntsim_system *system, bool Alertable, const LONG64 *DelayInterval);
NTSTATUS NtWaitForSingleObject(ntsim_system *system, HANDLE Handle, bool Alertable, const LONG64 *Timeout);
/*
 * Waits on up to 64 objects (SYNCHRONIZE on each): WaitAny ends with
 * STATUS_WAIT_0 + the lowest index signaled, WaitAll when all are signaled
 * at once (one object twice: STATUS_INVALID_PARAMETER_MIX). A count of 0 or
 * over 64 is STATUS_INVALID_PARAMETER_1, another wait type
 * STATUS_INVALID_PARAMETER_3. Blocks as NtWaitForSingleObject does.
 */
NTSTATUS NtWaitForMultipleObjects(ntsim_system *system, ULONG Count, const HANDLE *Handles, WAIT_TYPE WaitType,
                                  bool Alertable, const LONG64 *Timeout);

/*
 * Event objects: NotificationEvent (manual reset) or SynchronizationEvent
 * (auto reset: a wait it satisfies resets it); any other type is
 * STATUS_INVALID_PARAMETER. ObjectAttributes may be NULL; one with a name is
 * STATUS_NOT_SUPPORTED (ntsim has no object namespace). Set, clear and reset
 * need EVENT_MODIFY_STATE; PreviousState (may be NULL) gets the state before.
 */
NTSTATUS NtCreateEvent(ntsim_system *system, HANDLE *EventHandle, ACCESS_MASK DesiredAccess,
                       const OBJECT_ATTRIBUTES *ObjectAttributes, EVENT_TYPE EventType, bool InitialState);
NTSTATUS NtSetEvent(ntsim_system *system, HANDLE EventHandle, LONG *PreviousState);
NTSTATUS NtResetEvent(ntsim_system *system, HANDLE EventHandle, LONG *PreviousState);
NTSTATUS NtClearEvent(ntsim_system *system, HANDLE EventHandle);

/*
 * The thread's code uses `bytes` of its user stack: pages from StackBase down
 * are touched as the thread would touch them, growing the stack through its
 * guard pages. STATUS_STACK_OVERFLOW when the reserve runs out,
 * STATUS_ACCESS_VIOLATION past its end.
 */
NTSTATUS ntsim_touch_stack(ntsim_system *system, ULONG tid, SIZE_T bytes);

/* STATUS_INVALID_CID when no process (thread) object has that ID. */
NTSTATUS ntsim_query_process(ntsim_system *system, ULONG pid, NTSIM_PROCESS_INFO *info);
NTSTATUS ntsim_query_thread(ntsim_system *system, ULONG tid, NTSIM_THREAD_INFO *info);
/* The object's never-reused sequence number alone (what tells it from a
 * later object with its reused ID), without the rest of a query. */
NTSTATUS ntsim_process_sequence(ntsim_system *system, ULONG pid, uint64_t *sequence);
NTSTATUS ntsim_thread_sequence(ntsim_system *system, ULONG tid, uint64_t *sequence);

/* Every process object, in creation order (Idle first); return false to stop. */
typedef bool (*ntsim_process_cb)(void *context, const NTSIM_PROCESS_INFO *info);
void ntsim_walk_processes(ntsim_system *system, ntsim_process_cb cb, void *context);

/* The threads of a process object, in creation order. */
typedef bool (*ntsim_thread_cb)(void *context, const NTSIM_THREAD_INFO *info);
NTSTATUS ntsim_walk_threads(ntsim_system *system, ULONG pid, ntsim_thread_cb cb, void *context);

#ifdef __cplusplus
}
#endif
#endif
