/*
 * program.c - a program module as a simulated process (ntsim/program.h).
 * Each process runs its own copy of the module: the file is copied to a
 * private temporary file and loaded from there (the loader hands out one
 * instance per file), so two processes of one program have their own
 * globals. Its main thread runs wmain or main on a fiber, as a system
 * thread runs its start routine, with a previous mode of UserMode in every
 * call it makes; main's return is ExitProcess. A module is closed once its
 * process is gone and no thread can be running its code.
 *
 * A fault in the program's own code (a bad pointer) is its process's
 * unhandled exception, as on Windows: a SIGSEGV/SIGBUS handler returns the
 * thread to its start, which reports an `exception` event and ends the
 * process with STATUS_ACCESS_VIOLATION; the replay goes on. A fault inside
 * a system service, a driver or ntsim itself is not the program's: it
 * stops ntsim as before (a bug to report, as a bug check is on Windows).
 */
#define _GNU_SOURCE /* dladdr; REG_ERR: whether a fault was a write */
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ke/context.h"
#include "ntsim/wdk.h"
#include "ke/ke.h"
#include "rtl/alloc.h"
#include "rtl/host_file.h"
#include "rtl/utf8.h"
#include "win32/program.h"

#include <inttypes.h>

typedef struct w32_state {
    w32_program *programs;
    char load_error[512];
} w32_state;

static void free_program(w32_program *p)
{
    for (int s = 0; s < 2; s++)
        rtl_free(p->pending[s].text);
    while (p->starts) {
        w32_thread_start *next = p->starts->next;
        rtl_free(p->starts);
        p->starts = next;
    }
    rtl_free(p->code);
    if (p->module)
        dlclose(p->module); /* its static destructors free what they hold... */
    w32_heap_release(p); /* ...and what is left goes with the process */
    for (int i = 0; p->argv && i < p->argc; i++)
        rtl_free(p->argv[i]);
    for (int i = 0; p->wargv && i < p->argc; i++)
        rtl_free(p->wargv[i]);
    rtl_free(p->argv);
    rtl_free(p->wargv);
    rtl_free(p);
}

/* Programs whose process is gone, closed now that none of their code can run. */
static void sweep(ntsim_system *sys, bool all)
{
    w32_state *st = sys->programs;
    if (!st || ke_state(sys)->running_fiber)
        return;
    w32_program **link = &st->programs;
    while (*link) {
        w32_program *p = *link;
        if (all || p->process->exited) {
            *link = p->next;
            p->process->program = NULL;
            ob_dereference(sys, &p->process->header);
            free_program(p);
        } else {
            link = &p->next;
        }
    }
}

/* The scenario ends (the system goes down): programs still running are
   ended as a console program is when its console closes, with
   STATUS_CONTROL_C_EXIT, their unfinished lines written first. */
static void end_all(ntsim_system *sys)
{
    w32_state *st = sys->programs;
    for (w32_program *p = st ? st->programs : NULL; p; p = p->next) {
        if (p->process->exited)
            continue;
        w32_console_flush(sys, p, 0);
        w32_console_flush(sys, p, 1);
        ntsim_exit_process(sys, p->process->pid, (ULONG)STATUS_CONTROL_C_EXIT);
    }
}

static void release_all(ntsim_system *sys)
{
    w32_state *st = sys->programs;
    for (w32_program *p = st ? st->programs : NULL, *next; p; p = next) {
        next = p->next;
        free_program(p); /* teardown: the processes are already gone */
    }
    rtl_free(st);
    sys->programs = NULL;
}

static w32_state *state(ntsim_system *sys)
{
    if (!sys->programs) {
        sys->programs = rtl_calloc(1, sizeof(w32_state));
        if (sys->programs) {
            sys->programs_release = release_all;
            sys->programs_end = end_all;
        }
    }
    return sys->programs;
}

const char *ntsim_program_load_error(ntsim_system *sys)
{
    w32_state *st = sys ? sys->programs : NULL;
    return st ? st->load_error : "";
}

w32_program *w32_current_program(ntsim_system *sys)
{
    return ps_current_process(sys)->program;
}

w32_program *w32_programs(ntsim_system *sys)
{
    w32_state *st = sys->programs;
    return st ? st->programs : NULL;
}

ntsim_system *w32_system(const char *api)
{
    return ke_current_system(api);
}

/* The module from a private copy of the file: its own instance, its own globals. */
static void *load_private_copy(const char *path, w32_state *st)
{
    int in = open(path, O_RDONLY);
    if (in < 0)
        return NULL;
    const char *dir = getenv("TMPDIR");
    char copy[4096];
    snprintf(copy, sizeof copy, "%s/ntsim-program-XXXXXX", dir && *dir ? dir : "/tmp");
    int out = mkstemp(copy);
    if (out < 0) {
        close(in);
        snprintf(st->load_error, sizeof st->load_error, "cannot make a private copy of %s in %s", path,
                 dir && *dir ? dir : "/tmp");
        return NULL;
    }
    char buf[65536];
    ssize_t n;
    bool ok = true;
    while ((n = read(in, buf, sizeof buf)) > 0)
        ok &= write(out, buf, (size_t)n) == n;
    ok &= n == 0;
    close(in);
    close(out);
    void *module = ok ? dlopen(copy, RTLD_NOW | RTLD_LOCAL) : NULL;
    if (!module && ok) {
        const char *why = dlerror();
        snprintf(st->load_error, sizeof st->load_error, "%s", why ? why : "not a loadable module");
    }
    unlink(copy); /* the mapping stays; the name goes */
    return module;
}

/* A reason from the host's loader in its own words, without the private copy's name. */
static NTSTATUS classify_load_error(w32_state *st, const char *path)
{
    const char *u = strstr(st->load_error, "undefined symbol: ");
    if (u) {
        char name[256];
        snprintf(name, sizeof name, "%s", u + strlen("undefined symbol: "));
        name[strcspn(name, " \n(")] = '\0';
        snprintf(st->load_error, sizeof st->load_error,
                 "%s: the procedure entry point %s could not be located (ntsim does not provide it)", path, name);
        return STATUS_ENTRYPOINT_NOT_FOUND;
    }
    snprintf(st->load_error, sizeof st->load_error, "%s is not a program module", path);
    return STATUS_INVALID_IMAGE_FORMAT;
}

/*
 * The command line split as the Microsoft C runtime splits it: blanks
 * separate arguments, double quotes group, 2n backslashes before a quote
 * are n backslashes (and the quote delimits), 2n+1 are n and a literal quote.
 */
static int split_command_line(const char *cmd, char **argv)
{
    int argc = 0;
    const char *p = cmd;
    char *buf = NULL;
    size_t len = strlen(cmd);
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (argv)
            buf = argv[argc] = rtl_malloc(len + 1);
        size_t o = 0;
        bool quoted = false;
        while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
            if (*p == '\\') {
                size_t n = 0;
                while (p[n] == '\\')
                    n++;
                if (p[n] == '"') {
                    for (size_t i = 0; i < n / 2; i++)
                        if (buf)
                            buf[o++] = '\\';
                    p += n;
                    if (n % 2) {
                        if (buf)
                            buf[o++] = '"';
                        p++;
                    }
                } else {
                    for (size_t i = 0; i < n; i++)
                        if (buf)
                            buf[o++] = '\\';
                    p += n;
                }
            } else if (*p == '"') {
                if (quoted && p[1] == '"') { /* "" inside quotes: a literal quote */
                    if (buf)
                        buf[o++] = '"';
                    p += 2;
                    continue;
                }
                quoted = !quoted;
                p++;
            } else {
                if (buf)
                    buf[o++] = *p;
                p++;
            }
        }
        if (buf)
            buf[o] = '\0';
        argc++;
    }
    return argc;
}

static bool make_arguments(w32_program *p, const char *command_line)
{
    int argc = split_command_line(command_line, NULL);
    p->argv = rtl_calloc((size_t)argc + 1, sizeof *p->argv);
    p->wargv = rtl_calloc((size_t)argc + 1, sizeof *p->wargv);
    if (!p->argv || !p->wargv)
        return false;
    p->argc = argc;
    split_command_line(command_line, p->argv);
    for (int i = 0; i < argc; i++) {
        if (!p->argv[i])
            return false;
        size_t n = strlen(p->argv[i]);
        p->wargv[i] = rtl_malloc((n + 1) * sizeof(WCHAR));
        if (!p->wargv[i])
            return false;
        p->wargv[i][rtl_utf8_to_utf16(p->argv[i], n, p->wargv[i])] = 0;
    }
    return true;
}

void ntsim_exit(int code)
{
    ntsim_system *sys = w32_system("exit");
    w32_program *p = w32_current_program(sys);
    if (p) {
        w32_console_flush(sys, p, 0);
        w32_console_flush(sys, p, 1);
    }
    NtTerminateProcess(sys, NtCurrentProcess(), (NTSTATUS)code);
    /* Not reached: ending its own process ends the calling thread. */
    abort();
}

/* ---- faults ------------------------------------------------------------------ */

static struct sigaction previous_segv, previous_bus;
static bool handlers_installed;

static void on_fault(int sig, siginfo_t *info, void *ucontext)
{
    ntsim_system *sys = ke_context_system();
    ps_thread *t = sys ? ps_current_thread(sys) : NULL;
    w32_thread *wt = t ? t->program_thread : NULL;
    if (wt && wt->armed && t->tcb.in_service == 0 && ke_runs_own_code(sys, &t->tcb)) {
        wt->fault_address = (uintptr_t)info->si_addr;
        wt->fault_access = -1;
#if defined(__x86_64__) && defined(REG_ERR)
        /* The page-fault error code: bit 1 set for a write. */
        wt->fault_access = (((ucontext_t *)ucontext)->uc_mcontext.gregs[REG_ERR] & 2) ? 1 : 0;
#else
        (void)ucontext;
#endif
        siglongjmp(wt->on_fault, 1);
    }
    /* Not a program's fault: as it would have gone without this handler. */
    struct sigaction *prev = sig == SIGSEGV ? &previous_segv : &previous_bus;
    if ((prev->sa_flags & SA_SIGINFO) && prev->sa_sigaction) {
        prev->sa_sigaction(sig, info, ucontext);
        return;
    }
    if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
        prev->sa_handler(sig);
        return;
    }
    sigaction(sig, prev, NULL); /* the fault comes again, with the default action */
}

static void install_fault_handlers(void)
{
    if (handlers_installed)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previous_segv);
    sigaction(SIGBUS, &sa, &previous_bus);
    handlers_installed = true;
}

/* The unhandled exception, as the debugger would show it first: what, and where. */
static void report_fault(ntsim_system *sys, w32_thread *wt)
{
    ps_thread *t = ps_current_thread(sys);
    char text[160];
    const char *what = wt->fault_access == 1 ? "writing" : wt->fault_access == 0 ? "reading" : "accessing";
    /* Only an address in the first 64 KB (never mapped on Windows) is the
       program's own arithmetic; any other is a host address, not shown. */
    if (wt->fault_address < 0x10000)
        snprintf(text, sizeof text, "access violation %s address 0x%" PRIxPTR " in %s", what, wt->fault_address,
                 t->process->image_name);
    else
        snprintf(text, sizeof text, "access violation %s an invalid address in %s", what, t->process->image_name);
    ntsim_event e = { .kind = NTSIM_EVENT_EXCEPTION, .pid = t->process->pid, .tid = t->tid,
                      .status = STATUS_ACCESS_VIOLATION, .text = text };
    ke_deliver_event(sys, &e);
}

void w32_run_guarded(ntsim_system *sys, w32_thread *wt, void (*body)(void *), void *context)
{
    ps_current_thread(sys)->program_thread = wt;
    if (sigsetjmp(wt->on_fault, 1)) {
        wt->armed = false;
        report_fault(sys, wt);
        ntsim_exit((int)STATUS_ACCESS_VIOLATION); /* an unhandled exception ends the whole process */
    }
    wt->armed = true;
    body(context);
    wt->armed = false;
}

static void run_main(void *context)
{
    w32_program *p = context;
    int code = p->wmain ? p->wmain(p->argc, p->wargv) : p->main(p->argc, p->argv);
    p->main_thread.armed = false;
    ntsim_exit(code);
}

static void program_start(void *context)
{
    w32_program *p = context;
    w32_run_guarded(w32_system("main"), &p->main_thread, run_main, p);
}

/* The process, then its main thread's code: p is the process's from here on. */
static NTSTATUS start(ntsim_system *sys, w32_state *st, w32_program *p, const NTSIM_PROCESS_PARAMS *params,
                      CLIENT_ID *cid)
{
    NTSTATUS s;
    s = ntsim_create_process(sys, params, cid);
    if (!NT_SUCCESS(s)) {
        free_program(p);
        return s;
    }
    ps_process *process = ps_lookup_process(sys, cid->UniqueProcess);
    ps_thread *main_thread = ps_lookup_thread(sys, cid->UniqueThread);
    if (!make_arguments(p, process->command_line) ||
        !NT_SUCCESS(s = ke_create_fiber(&main_thread->tcb, program_start, p))) {
        /* The process stands, with nothing to run: it ends as a failed start does. */
        free_program(p);
        ntsim_exit_process(sys, cid->UniqueProcess, (ULONG)STATUS_INSUFFICIENT_RESOURCES);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    install_fault_handlers();
    ob_reference(&process->header);
    p->process = process;
    process->program = p;
    p->next = st->programs;
    st->programs = p;
    ke_run_fibers(sys); /* it runs now if a processor is free for it */
    return STATUS_SUCCESS;
}

NTSTATUS ntsim_create_program_process(ntsim_system *sys, const NTSIM_PROCESS_PARAMS *params,
                                      const char *program_path, CLIENT_ID *cid)
{
    if (!sys || !params || !program_path || !*program_path || !cid)
        return STATUS_INVALID_PARAMETER;
    sweep(sys, false);
    w32_state *st = state(sys);
    if (!st)
        return STATUS_INSUFFICIENT_RESOURCES;
    st->load_error[0] = '\0';
    uint64_t id[2];
    NTSTATUS s = rtl_host_file_status(program_path, id);
    if (!NT_SUCCESS(s)) {
        snprintf(st->load_error, sizeof st->load_error, "%s: no such file", program_path);
        return s;
    }
    w32_program *p = rtl_calloc(1, sizeof *p);
    if (!p)
        return STATUS_INSUFFICIENT_RESOURCES;
    p->sys = sys;
    w32_heap_loading(p);
    p->module = load_private_copy(program_path, st);
    w32_heap_loading(NULL);
    if (!p->module) {
        /* Named by its image path, as the scenario gave it: no host path in the output. */
        s = st->load_error[0] ? classify_load_error(st, params->image_path) : STATUS_INVALID_IMAGE_FORMAT;
        free_program(p);
        if (s == STATUS_ENTRYPOINT_NOT_FOUND) /* the loader says which, as ntdll's does to a debugger */
            KE_CALL_AS(sys, NULL, "ntdll", DbgPrint("LDR: %s", st->load_error));
        return s;
    }
    void *w = dlsym(p->module, "wmain"), *m = dlsym(p->module, "main");
    memcpy(&p->wmain, &w, sizeof w); /* POSIX: a data pointer from dlsym holds the function */
    memcpy(&p->main, &m, sizeof m);
    if (!p->wmain && !p->main) {
        snprintf(st->load_error, sizeof st->load_error, "%s has neither main nor wmain", program_path);
        free_program(p);
        return STATUS_PROCEDURE_NOT_FOUND;
    }
    Dl_info where;
    if (dladdr(w ? w : m, &where))
        p->module_base = (uintptr_t)where.dli_fbase;
    memcpy(p->file_id, id, sizeof p->file_id);
    return start(sys, st, p, params, cid);
}

NTSTATUS w32_create_function_process(ntsim_system *sys, const NTSIM_PROCESS_PARAMS *params,
                                     int (*main_function)(int, char **), CLIENT_ID *cid)
{
    if (!sys || !params || !main_function || !cid)
        return STATUS_INVALID_PARAMETER;
    sweep(sys, false);
    w32_state *st = state(sys);
    w32_program *p = st ? rtl_calloc(1, sizeof *p) : NULL;
    if (!p)
        return STATUS_INSUFFICIENT_RESOURCES;
    p->sys = sys;
    p->main = main_function;
    return start(sys, st, p, params, cid);
}
