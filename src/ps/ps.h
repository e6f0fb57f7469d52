/*
 * ps.h - the process manager's private view: process and thread objects
 * (EPROCESS / ETHREAD in miniature) and the client-ID table.
 */
#ifndef NTSIM_PS_PS_H
#define NTSIM_PS_PS_H

#include "ntsim/ps.h"
#include "ex/ex.h"
#include "se/se.h"
#include "ob/handle_table.h"
#include "ob/object.h"
#include "ke/ke.h"
#include "mm/mm.h"
#include "ps/notify.h"
#include "rtl/random.h"

typedef struct mm_space mm_space;
typedef struct ps_thread ps_thread;

typedef struct ps_process {
    ob_header header;
    ULONG pid;
    uint64_t sequence;
    ULONG ppid;
    char *image_path;       /* in the object's own block, after it */
    char *nt_image_path;    /* heap */
    const char *image_name; /* points into image_path */
    char *command_line;     /* in the object's own block, after image_path */
    ntsim_arch arch;
    bool wow64;
    bool large_address_aware;
    se_token *token;          /* its primary token (referenced) */
    se_descriptor descriptor; /* its security descriptor, from the token at creation */
    bool exited;
    bool permanent;         /* Idle and System: never terminate */
    NTSTATUS exit_status;
    SIZE_T stack_reserve, stack_commit;
    uint64_t create_time, exit_time;
    ob_handle_table handles;
    mm_space *vm;
    struct mm_page_store *pages;   /* contents of its user pages */
    ULONG_PTR image_base, peb, ntdll_base;
    SIZE_T image_size, ntdll_size;
    ULONG active_threads;
    LIST_ENTRY threads;       /* its threads, in creation order (ThreadListHead) */
    LIST_ENTRY process_links; /* the system's process list (ActiveProcessLinks) */
    void *program;            /* the Win32 layer's program running in it (src/win32), or NULL */
} ps_process;

struct ps_thread {
    ob_header header;
    ULONG tid;
    uint64_t sequence;
    ps_process *process; /* referenced for the thread's lifetime */
    ke_thread tcb;       /* the kernel's part: scheduling state */
    ob_header *wait_reference;     /* the object a service wait holds */
    void *multiple_wait;           /* NtWaitForMultipleObjects' blocks and references while it waits */
    bool terminated;
    NTSTATUS exit_status;
    uint64_t create_time, exit_time;
    ULONG_PTR teb;
    mm_kernel_stack kernel_stack;
    ULONG_PTR stack_base, stack_limit, deallocation_stack;
    SIZE_T stack_reserve, stack_commit;
    LIST_ENTRY thread_links; /* its process's threads */
    void *program_thread;    /* the Win32 layer's record of a program's thread (src/win32), or NULL */
    ULONG_PTR start_address; /* Win32StartAddress: where its user-mode code begins (0: a system thread) */
};

/* The process manager's part of the system (nested as ob_system explains). */
typedef struct ps_system {
    se_system se;                 /* first: the layer below */
    rtl_random rng;               /* the seed's stream: ASLR */
    uint64_t next_sequence;       /* creation order of processes and threads */
    ob_handle_table cid_table;    /* PspCidTable: PIDs and TIDs, strict FIFO */
    ps_process *idle, *system_process;
    LIST_ENTRY processes;         /* every process object, in creation order */
    /* The memory manager's system-wide state, which processes and threads draw on. */
    mm_commit commit;
    mm_image_bases *image_bases;  /* each image's base for this boot (ASLR) */
    mm_image_files *image_files;  /* the image files of the system volume */
    mm_chunk_cache chunk_cache;   /* pool chunks recycled between processes */
    mm_system_space *system_space; /* kernel stacks */
    ps_notify notify;             /* drivers' notify routines */
    LIST_ENTRY sections;          /* every section object (mm), freed at teardown whatever its counts */
} ps_system;

static inline ps_system *ps_state(ntsim_system *sys)
{
    return (ps_system *)(void *)sys;
}

/* The thread the simulation acts as (NULL before boot) and its process (System's when none). */
static inline ps_thread *ps_current_thread(ntsim_system *sys)
{
    ke_thread *t = ke_state(sys)->current_thread;
    return t ? CONTAINING_RECORD(t, ps_thread, tcb) : NULL;
}

static inline ps_process *ps_current_process(ntsim_system *sys)
{
    ps_thread *t = ps_current_thread(sys);
    return t ? t->process : ps_state(sys)->system_process;
}

static inline void ps_set_current_thread(ntsim_system *sys, ps_thread *t)
{
    ke_state(sys)->current_thread = t ? &t->tcb : NULL;
}

/* The process list and a process's threads, in creation order; NULL past the end. */
static inline ps_process *ps_first_process(ntsim_system *sys)
{
    LIST_ENTRY *head = &ps_state(sys)->processes;
    return head->Flink != head ? CONTAINING_RECORD(head->Flink, ps_process, process_links) : NULL;
}

static inline ps_process *ps_next_process(ntsim_system *sys, const ps_process *p)
{
    LIST_ENTRY *head = &ps_state(sys)->processes;
    return p->process_links.Flink != head ? CONTAINING_RECORD(p->process_links.Flink, ps_process, process_links) : NULL;
}

static inline ps_thread *ps_first_thread(const ps_process *p)
{
    return p->threads.Flink != &p->threads ? CONTAINING_RECORD(p->threads.Flink, ps_thread, thread_links) : NULL;
}

static inline ps_thread *ps_next_thread(const ps_thread *t)
{
    const LIST_ENTRY *head = &t->process->threads;
    return t->thread_links.Flink != head ? CONTAINING_RECORD(t->thread_links.Flink, ps_thread, thread_links) : NULL;
}

/* System's first thread: kernel code (DriverEntry, unload, clients' requests) runs as it. */
static inline ps_thread *ps_system_thread(ntsim_system *sys)
{
    ke_thread *t = ke_state(sys)->system_thread;
    return t ? CONTAINING_RECORD(t, ps_thread, tcb) : NULL;
}

/* What a protected process (WinSystem signer: System) and its threads grant
   a caller outside it in user mode: SYNCHRONIZE, PROCESS_SUSPEND_RESUME and
   the limited query and set rights; THREAD_QUERY_LIMITED_INFORMATION. */
#define PS_PROTECTED_PROCESS_ACCESS 0x00103800u
#define PS_PROTECTED_THREAD_ACCESS 0x00100800u

extern const ob_type ps_process_type;
extern const ob_type ps_thread_type;

/* The process or thread object with this ID, or NULL (no reference taken). */
ps_process *ps_lookup_process(ntsim_system *sys, ULONG pid);
ps_thread *ps_lookup_thread(ntsim_system *sys, ULONG tid);

/* Boot: the Idle and System processes. */
NTSTATUS ps_initialize(ntsim_system *sys);
/* Teardown: every object freed whatever its counts. */
void ps_shutdown(ntsim_system *sys);

/* A new thread object in p with its TEB and stack (no notification); sizes 0 = the image's. */
NTSTATUS ps_create_thread_object(ntsim_system *sys, ps_process *p, SIZE_T commit, SIZE_T reserve, ps_thread **out);
/* A kernel thread (no TEB, no user stack) in p; not yet notified nor started. */
NTSTATUS ps_create_kernel_thread(ntsim_system *sys, ps_process *p, ps_thread **out);
/* A thread just created, never notified nor started, goes away unseen. */
void ps_discard_thread(ntsim_system *sys, ps_thread *t);
void ps_start_kernel_thread(ntsim_system *sys, ps_thread *t);
/* A thread created by the current thread: notified, then started (unless suspended). */
/* The entry point of a process's image, where a thread given no start address
   begins: ntsim's images have no PE headers to read it from, so the first
   byte of their code, image base + 0x1000. */
ULONG_PTR ps_image_entry(const ps_process *p);
/* start: its Win32StartAddress, 0 for the image's entry. */
NTSTATUS ps_create_thread(ntsim_system *sys, ps_process *p, ULONG_PTR start, SIZE_T commit, SIZE_T reserve, bool suspended,
                          ps_thread **out);

/* Terminates a thread; the last one ends its process. */
void ps_terminate_thread(ntsim_system *sys, ps_thread *t, NTSTATUS status);
void ps_terminate_process(ntsim_system *sys, ps_process *p, NTSTATUS status);
/* The last thread has ended: notify, close the handle table, drop the address space. */
void ps_process_exit(ntsim_system *sys, ps_process *p, ps_thread *last, NTSTATUS status);

/* The first thread (in process, then creation order) whose code is the driver's
   and has not finished, or NULL; the thread running now is not counted. */
ps_thread *ps_driver_thread(ntsim_system *sys, io_driver *driver);
/* Its code will never run again: the thread is terminated (status) unless it
   already ends, and the code it was in the middle of is dropped. */
void ps_abandon_thread_code(ntsim_system *sys, ps_thread *t, NTSTATUS status);

/* The process's token and descriptor (process_token.c): p takes a reference. */
void ps_set_token(ps_process *p, se_token *token);
/* A thread's security descriptor: its process's token's defaults. */
void ps_thread_descriptor(const ps_thread *t, se_descriptor *sd);
/* The rights an open of a process or thread object by the current thread grants, or why not. */
NTSTATUS ps_grant_access(ntsim_system *sys, ob_header *object, ACCESS_MASK desired, ACCESS_MASK *granted);
/* The token a process created by creator gets (*out referenced once). */
NTSTATUS ps_new_process_token(ntsim_system *sys, const ps_process *creator, const NTSIM_PROCESS_PARAMS *params,
                              se_token **out);
/* NtOpenProcessTokenEx's body: a handle in the caller's table. */
NTSTATUS ps_open_process_token(ntsim_system *sys, HANDLE ProcessHandle, ACCESS_MASK DesiredAccess,
                               ULONG HandleAttributes, HANDLE *TokenHandle);

void ps_fill_process_info(const ps_process *p, NTSIM_PROCESS_INFO *info);
void ps_fill_thread_info(const ps_thread *t, NTSIM_THREAD_INFO *info);

/* The bodies of the process and thread services, on handles and client IDs
   in kernel memory (src/ps/terminate.c, src/ps/thread_control.c). */
NTSTATUS ps_open_process(ntsim_system *sys, HANDLE *ProcessHandle, ACCESS_MASK DesiredAccess, const CLIENT_ID *ClientId);
NTSTATUS ps_open_thread(ntsim_system *sys, HANDLE *ThreadHandle, ACCESS_MASK DesiredAccess, const CLIENT_ID *ClientId);
NTSTATUS ps_terminate_process_handle(ntsim_system *sys, HANDLE ProcessHandle, NTSTATUS ExitStatus);
NTSTATUS ps_terminate_thread_handle(ntsim_system *sys, HANDLE ThreadHandle, NTSTATUS ExitStatus);
NTSTATUS ps_set_information_thread(ntsim_system *sys, HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
                                   const void *ThreadInformation, ULONG ThreadInformationLength);
NTSTATUS ps_suspend_thread(ntsim_system *sys, HANDLE ThreadHandle, ULONG *PreviousSuspendCount);
NTSTATUS ps_resume_thread(ntsim_system *sys, HANDLE ThreadHandle, ULONG *PreviousSuspendCount);


/* NtDuplicateObject's body (src/ps/process_handles.c). */
NTSTATUS ps_duplicate_object(ntsim_system *sys, HANDLE SourceProcessHandle, HANDLE SourceHandle,
                             HANDLE TargetProcessHandle, HANDLE *TargetHandle, ACCESS_MASK DesiredAccess,
                             ULONG HandleAttributes, ULONG Options);

/* Win32 path to NT path: C: is \Device\HarddiskVolume3. Caller frees. */
char *ps_nt_path(const char *win32_path);

/* The DOS drives (QueryDosDevice's and the image paths' map): letter, NT device. */
typedef struct ps_dos_drive {
    char letter;
    const char *device;
} ps_dos_drive;
const ps_dos_drive *ps_dos_drives(size_t *count);

#endif
