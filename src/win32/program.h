/*
 * program.h (private) - a program module running as a simulated process:
 * its own copy of the module (own globals), its arguments, and the console
 * lines it has not ended yet.
 */
#ifndef NTSIM_WIN32_PROGRAM_H
#define NTSIM_WIN32_PROGRAM_H

#include "win32/win32.h"

typedef struct w32_line {
    char *text;
    size_t length, cap;
} w32_line;

/* What a thread given program code runs: routine(parameter), then ExitThread (src/win32/thread.c). */
typedef struct w32_thread_start {
    struct w32_thread_start *next;
    uint32_t (*routine)(void *);
    void *parameter;
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
    uint64_t file_id[2];      /* the module file's identity: two programs of one file have the same code */
    uintptr_t module_base;    /* where the host loaded this copy: its code is image_base + (host - module_base) */
    w32_thread_start *starts; /* of the threads given code here, freed with the program */
    uintptr_t *code;          /* offsets of functions handed to the kernel as start addresses */
    size_t code_count, code_cap;
} w32_program;

/* The program of the calling thread's process, or NULL. */
w32_program *w32_current_program(ntsim_system *sys);
/* Every program still kept, newest first (next links them). */
w32_program *w32_programs(ntsim_system *sys);
void w32_console_flush(ntsim_system *sys, w32_program *p, int stream);

#endif
