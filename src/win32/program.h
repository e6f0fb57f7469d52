/*
 * program.h (private) - a program module running as a simulated process:
 * its own copy of the module (own globals), its arguments, and the console
 * lines it has not ended yet.
 */
#ifndef NTSIM_WIN32_PROGRAM_H
#define NTSIM_WIN32_PROGRAM_H

#include <setjmp.h>
#include <stdint.h>

#include "win32/win32.h"

typedef struct w32_line {
    char *text;
    size_t length, cap;
    ULONG pid, tid; /* who wrote it: a line ended later (at the program's end) is still theirs */
} w32_line;

/* A thread running a program's code: where a fault in that code lands. */
typedef struct w32_thread {
    sigjmp_buf on_fault;
    bool armed;               /* on_fault is set: the thread's code has begun */
    uintptr_t fault_address;  /* what the faulting access touched */
    int fault_access;         /* 0 read, 1 write, -1 not known */
} w32_thread;

/* What a thread given program code runs: routine(parameter), then ExitThread (src/win32/thread.c). */
typedef struct w32_thread_start {
    struct w32_thread_start *next;
    uint32_t (*routine)(void *);
    void *parameter;
    w32_thread fault;
} w32_thread_start;

typedef struct w32_program {
    struct w32_program *next;
    ntsim_system *sys;
    ps_process *process;      /* referenced while the program is kept */
    void *module;             /* this process's own instance of the module */
    int (*main)(int, char **);
    int (*wmain)(int, WCHAR **);
    int argc;
    char **argv;              /* UTF-8, from the command line as the C runtime splits it */
    WCHAR **wargv;
    w32_line pending[2];      /* stdout, stderr */
    w32_thread main_thread;
    uint64_t file_id[2];      /* the module file's identity: two programs of one file have the same code */
    uintptr_t module_base;    /* where the host loaded this copy: its code is image_base + (host - module_base) */
    w32_thread_start *starts; /* of the threads given code here, freed with the program */
    LIST_ENTRY heap;          /* what its malloc and operator new gave (src/win32/heap.c) */
    uintptr_t *code;          /* offsets of functions handed to the kernel as start addresses */
    size_t code_count, code_cap;
} w32_program;

/* A process whose main thread runs a function of the caller's (the unit
   tests' way to run Win32 calls as a program does), else as a module's. */
NTSTATUS w32_create_function_process(ntsim_system *sys, const NTSIM_PROCESS_PARAMS *params,
                                     int (*main_function)(int, char **), CLIENT_ID *cid);

/* Runs body(context) as the calling program thread's code: a fault in it
   is the process's unhandled exception (an exception event, then the
   process exits with STATUS_ACCESS_VIOLATION) and does not return. */
void w32_run_guarded(ntsim_system *sys, w32_thread *wt, void (*body)(void *), void *context);

/* The program whose module is being loaded (its static constructors allocate), or NULL. */
void w32_heap_loading(w32_program *p);
/* Frees what the program's heap still holds (its module closed first). */
void w32_heap_release(w32_program *p);

/* The program of the calling thread's process, or NULL. */
w32_program *w32_current_program(ntsim_system *sys);
/* Every program still kept, newest first (next links them). */
w32_program *w32_programs(ntsim_system *sys);
void w32_console_flush(ntsim_system *sys, w32_program *p, int stream);

#endif
