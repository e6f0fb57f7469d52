/*
 * thread.c - kernel32's thread calls: CreateThread, CreateRemoteThread(Ex),
 * OpenThread, ExitThread, GetExitCodeThread.
 *
 * A thread is created as kernel32 creates one: NtCreateThreadEx, suspended,
 * in the process the handle names (notifications and --trace syscalls show
 * it), then resumed unless CREATE_SUSPENDED was asked for. Its code runs on
 * a fiber of its own, as the main thread's does (program.c).
 *
 * Addresses the kernel sees are the simulated process's, never the host's:
 * a program's module stands for its image, so a function or global of the
 * program at host address H is image_base + (H - module_base), the same in
 * every process of that program (an image has one base per boot). A thread
 * created in a process whose program is the same file, at the address of a
 * function some program handed to the kernel, runs that function of the
 * target's own copy. Any other start address is not code ntsim can run:
 * the thread ends at once with exit code 0, as a thread whose routine
 * returns at once does (the creation and exit notifications still come).
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm.h"
#include "ob/handles.h"
#include "rtl/alloc.h"
#include "win32/kernel32.h"
#include "win32/program.h"

#define NO_POINTER_BELOW 0x10000u /* the first 64 KB of an address space are never mapped */

/* The offset of a host address inside the program's module, if it is there. */
static bool module_offset(const w32_program *p, const void *host, uintptr_t *offset)
{
    Dl_info where;
    if (!p || !p->module_base || !host || !dladdr(host, &where) || (uintptr_t)where.dli_fbase != p->module_base)
        return false;
    *offset = (uintptr_t)host - p->module_base;
    return true;
}

/* Whether a host address lies in any module the host loaded (a host pointer, not a simulated address). */
static bool in_host_module(const void *host)
{
    Dl_info where;
    return host && dladdr(host, &where) && where.dli_fbase;
}

static bool remember_code(w32_program *p, uintptr_t offset)
{
    for (size_t i = 0; i < p->code_count; i++)
        if (p->code[i] == offset)
            return true;
    if (p->code_count == p->code_cap) {
        size_t cap = p->code_cap ? 2 * p->code_cap : 8;
        uintptr_t *grown = rtl_realloc(p->code, cap * sizeof *grown);
        if (!grown)
            return false;
        p->code = grown;
        p->code_cap = cap;
    }
    p->code[p->code_count++] = offset;
    return true;
}

/*
 * The start address the kernel is given for a routine of the caller's.
 * STATUS_INVALID_PARAMETER for a host function outside the program (one of
 * ntsim's own, or the C library's): it has no simulated address.
 */
static NTSTATUS start_address(w32_program *caller, const void *routine, ULONG64 *address)
{
    uintptr_t offset;
    if (module_offset(caller, routine, &offset)) {
        if (!remember_code(caller, offset))
            return STATUS_NO_MEMORY;
        *address = caller->process->image_base + offset;
        return STATUS_SUCCESS;
    }
    if (in_host_module(routine))
        return STATUS_INVALID_PARAMETER;
    *address = (ULONG64)(uintptr_t)routine; /* already a simulated address: a number the program computed */
    return STATUS_SUCCESS;
}

/*
 * The parameter the kernel is shown: a global of the program as its
 * simulated address; a small number, or an address allocated in the target,
 * as it is; 0 for the host memory of the program (its stack or heap), whose
 * address would differ from run to run.
 */
static ULONG64 shown_parameter(const w32_program *caller, ps_process *target, const void *parameter)
{
    uintptr_t v = (uintptr_t)parameter, offset;
    MEMORY_BASIC_INFORMATION mbi;
    if (module_offset(caller, parameter, &offset))
        return caller->process->image_base + offset;
    if (v < NO_POINTER_BELOW)
        return v;
    if (target->vm && NT_SUCCESS(mm_query(target->vm, v, &mbi)) && mbi.State != MEM_FREE)
        return v;
    return 0;
}

/* The program whose copy of the same file knows this code offset, if any. */
static bool known_code(ntsim_system *sys, const w32_program *target, uintptr_t offset)
{
    for (const w32_program *p = w32_programs(sys); p; p = p->next) {
        if (memcmp(p->file_id, target->file_id, sizeof p->file_id) != 0)
            continue;
        for (size_t i = 0; i < p->code_count; i++)
            if (p->code[i] == offset)
                return true;
    }
    return false;
}

static void run_routine(void *context)
{
    w32_thread_start *start = context;
    DWORD code = start->routine(start->parameter);
    start->fault.armed = false;
    ExitThread(code);
}

static void run_program_code(void *context)
{
    w32_thread_start *start = context;
    w32_run_guarded(w32_system("thread"), &start->fault, run_routine, start);
}

static void run_no_code(void *context)
{
    (void)context;
    ExitThread(0); /* a routine that returns at once */
}

/*
 * The new thread's code: the target's function at the start address when
 * the target runs a program of the same file and the address is one of its
 * functions, else none.
 */
static NTSTATUS give_code(ntsim_system *sys, w32_program *caller, ps_thread *t, ULONG64 address,
                          void *host_parameter, ULONG64 shown)
{
    w32_program *target = t->process->program;
    uintptr_t offset = (uintptr_t)(address - t->process->image_base);
    if (!target || address < t->process->image_base || !known_code(sys, target, offset))
        return ke_create_fiber(&t->tcb, run_no_code, NULL);
    w32_thread_start *start = rtl_zalloc(sizeof *start);
    if (!start)
        return STATUS_INSUFFICIENT_RESOURCES;
    void *routine = (void *)(target->module_base + offset);
    memcpy(&start->routine, &routine, sizeof routine); /* POSIX: a data pointer holds the function */
    uintptr_t global;
    if (target == caller)
        start->parameter = host_parameter;
    else if (caller && memcmp(caller->file_id, target->file_id, sizeof caller->file_id) == 0 &&
             module_offset(caller, host_parameter, &global))
        start->parameter = (void *)(target->module_base + global); /* the target's copy of that global */
    else
        start->parameter = (void *)(uintptr_t)shown;
    NTSTATUS s = ke_create_fiber(&t->tcb, run_program_code, start);
    if (!NT_SUCCESS(s)) {
        rtl_free(start);
        return s;
    }
    start->next = target->starts;
    target->starts = start;
    return STATUS_SUCCESS;
}

HANDLE CreateRemoteThreadEx(HANDLE process, void *security, size_t stack_size, DWORD (*start)(void *),
                            void *parameter, DWORD flags, void *attributes, DWORD *thread_id)
{
    (void)security;
    (void)attributes;
    ntsim_system *sys = w32_system("CreateRemoteThreadEx");
    w32_program *caller = w32_current_program(sys);
    void *routine;
    memcpy(&routine, &start, sizeof routine);
    ULONG64 address;
    NTSTATUS s = start_address(caller, routine, &address);
    if (!NT_SUCCESS(s)) {
        w32_fail(sys, s);
        return NULL;
    }
    ob_header *po;
    if (!NT_SUCCESS(s = ob_reference_by_handle(sys, process, 0, &ps_process_type, &po, NULL))) {
        w32_fail(sys, s);
        return NULL;
    }
    ULONG64 shown = shown_parameter(caller, (ps_process *)po, parameter);
    ob_dereference(sys, po);
    /* One stack size: the commit, or with STACK_SIZE_PARAM_IS_A_RESERVATION the reserve. */
    bool reserve = (flags & STACK_SIZE_PARAM_IS_A_RESERVATION) != 0;
    HANDLE h;
    s = NtCreateThreadEx(sys, &h, THREAD_ALL_ACCESS, NULL, process, address, shown,
                         THREAD_CREATE_FLAGS_CREATE_SUSPENDED, 0, reserve ? 0 : stack_size,
                         reserve ? stack_size : 0, NULL);
    if (!NT_SUCCESS(s)) {
        w32_fail(sys, s);
        return NULL;
    }
    ob_header *to;
    ob_reference_by_handle(sys, h, 0, &ps_thread_type, &to, NULL);
    ps_thread *t = (ps_thread *)to;
    s = give_code(sys, caller, t, address, parameter, shown);
    ULONG tid = t->tid;
    ob_dereference(sys, to);
    if (!NT_SUCCESS(s)) {
        /* It never ran: it ends as a thread that could not start. */
        NtTerminateThread(sys, h, s);
        NtClose(sys, h);
        w32_fail(sys, s);
        return NULL;
    }
    if (!(flags & CREATE_SUSPENDED))
        NtResumeThread(sys, h, NULL);
    if (thread_id)
        *thread_id = tid;
    return h;
}

HANDLE CreateRemoteThread(HANDLE process, void *security, size_t stack_size, DWORD (*start)(void *),
                          void *parameter, DWORD flags, DWORD *thread_id)
{
    return CreateRemoteThreadEx(process, security, stack_size, start, parameter, flags, NULL, thread_id);
}

HANDLE CreateThread(void *security, size_t stack_size, DWORD (*start)(void *), void *parameter, DWORD flags,
                    DWORD *thread_id)
{
    return CreateRemoteThreadEx(NtCurrentProcess(), security, stack_size, start, parameter, flags, NULL,
                                thread_id);
}

HANDLE OpenThread(DWORD access, BOOL inherit, DWORD thread_id)
{
    (void)inherit; /* no child processes inherit handles in ntsim */
    ntsim_system *sys = w32_system("OpenThread");
    CLIENT_ID cid = { 0, thread_id };
    HANDLE h;
    NTSTATUS s = NtOpenThread(sys, &h, access, &cid);
    if (!NT_SUCCESS(s)) {
        w32_fail(sys, s);
        return NULL;
    }
    return h;
}

void ntsim_exit(int code);

_Noreturn void ExitThread(DWORD code)
{
    ntsim_system *sys = w32_system("ExitThread");
    /* The last thread's exit is its process's (RtlExitUserThread). */
    if (ps_current_thread(sys)->process->active_threads <= 1)
        ntsim_exit((int)code);
    NtTerminateThread(sys, NtCurrentThread(), (NTSTATUS)code);
    /* Not reached from a thread's own code: ending itself, it never returns. */
    abort();
}

BOOL GetExitCodeThread(HANDLE thread, DWORD *code)
{
    ntsim_system *sys = w32_system("GetExitCodeThread");
    THREAD_BASIC_INFORMATION tbi;
    NTSTATUS s = NtQueryInformationThread(sys, thread, ThreadBasicInformation, &tbi, sizeof tbi, NULL);
    if (!NT_SUCCESS(s))
        return w32_fail(sys, s);
    if (!code)
        return w32_fail(sys, STATUS_ACCESS_VIOLATION); /* Windows faults writing it */
    *code = (DWORD)tbi.ExitStatus; /* STILL_ACTIVE (STATUS_PENDING) while it runs */
    return 1;
}

/* NtSuspendThread / NtResumeThread: the previous suspend count, or (DWORD)-1 with the last error. */
static DWORD suspend_resume(const char *api, HANDLE thread,
                            NTSTATUS (*call)(ntsim_system *, HANDLE, ULONG *))
{
    ntsim_system *sys = w32_system(api);
    ULONG previous = 0;
    NTSTATUS s = call(sys, thread, &previous);
    if (!NT_SUCCESS(s)) {
        w32_fail(sys, s);
        return (DWORD)-1;
    }
    return previous;
}

DWORD SuspendThread(HANDLE thread)
{
    return suspend_resume("SuspendThread", thread, NtSuspendThread);
}

DWORD ResumeThread(HANDLE thread)
{
    return suspend_resume("ResumeThread", thread, NtResumeThread);
}
