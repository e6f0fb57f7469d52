/*
 * session.h - the debugger's own state and the helpers its commands share:
 * the session (where the replay stopped, breakpoints, the implicit
 * process), deterministic kernel addresses, argument parsing, output.
 */
#ifndef NTSIM_SIM_DEBUG_SESSION_H
#define NTSIM_SIM_DEBUG_SESSION_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "command.h"
#include "debug.h"
#include "io/io.h"
#include "mm/vad_walk.h"

#define DBG_MAX_BREAKPOINTS 32
#define DBG_MAX_ARGS 8

/* What a breakpoint stops at. */
typedef enum dbg_bp_kind {
    BP_LINE,    /* bp LINE: before a scenario line runs */
    BP_ROUTINE, /* bp DRIVER!ROUTINE: a driver routine's call */
    BP_SERVICE, /* bp nt!NtXxx: a system service (when it returns) */
} dbg_bp_kind;

typedef struct dbg_breakpoint {
    int id;
    dbg_bp_kind kind;
    int line;
    char module[64];  /* BP_ROUTINE: the driver's name */
    char symbol[64];  /* BP_ROUTINE: the routine ("*" any); BP_SERVICE: the service */
} dbg_breakpoint;

/* The event filters (sxe/sxd), WinDbg's codes. */
typedef enum dbg_filter { FILTER_CPR, FILTER_EPR, FILTER_CT, FILTER_ET, FILTER_LD, FILTER_COUNT } dbg_filter;

struct sim_debugger {
    FILE *out;
    const char *file;        /* the scenario's name in messages */
    sim_context *ctx;        /* the replay's, at the last hook */
    ntsim_system *sys;       /* NULL until the system boots */
    uint64_t seed;           /* addresses are chosen from it */
    uint32_t top;            /* the high 16 bits under ffff of system-space object addresses */
    /* Where commands come from: -c's text (split at ';'), else standard input. */
    const char *script;
    size_t script_pos;
    bool from_script;
    bool echo;               /* print each command after the prompt (-c, or input that is not a terminal) */
    bool tty;                /* standard input is a terminal: line editing when built with it */
    bool quit;               /* the session ended */
    bool stepping;           /* p: stop before the next line */
    bool started;            /* the first stop has been made */
    int line;                /* the line running or about to run */
    char line_text[256];
    dbg_breakpoint bps[DBG_MAX_BREAKPOINTS];
    int bp_count, next_bp;
    bool filter[FILTER_COUNT];
    char ld_name[128];       /* sxe ld:NAME ("" any image) */
    ULONG implicit_pid;      /* .process: the process commands look at (0: the current one) */
    bool implicit_set;
};

/* ---- output ----------------------------------------------------------- */
void dbg_printf(sim_debugger *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A 64-bit kernel address as WinDbg writes one: ffffa310`00002080. */
const char *dbg_p(uint64_t v, char buf[24]);

/* ---- arguments -------------------------------------------------------- */
/* A number as WinDbg reads one: hex by default, 0x, 0n (decimal), ` inside. */
bool dbg_number(const char *s, uint64_t *out);

/* ---- deterministic kernel addresses (addresses.c) --------------------- */
typedef enum dbg_kind {
    K_PROCESS = 1, K_THREAD, K_HANDLE_TABLE, K_DRIVER, K_DEVICE, K_FILE, K_IRP, K_POOL, K_EVENT, K_VAD, K_TYPE,
    K_DIRECTORY, K_TOKEN, K_KINDS
} dbg_kind;
void dbg_addresses_init(sim_debugger *d, uint64_t seed);
uint64_t dbg_address(const sim_debugger *d, dbg_kind kind, uint64_t sequence);
/* The object an address names: its kind and number; false for none of ours. */
bool dbg_decode(const sim_debugger *d, uint64_t address, dbg_kind *kind, uint64_t *sequence);
/* nt's own image, where ntsim keeps no code: the base its symbols are shown at. */
#define DBG_NT_BASE 0xfffff8013f000000ull

/* ---- the objects behind addresses (objects.c) ------------------------- */
uint64_t dbg_process_address(const sim_debugger *d, const ps_process *p);
uint64_t dbg_thread_address(const sim_debugger *d, const ps_thread *t);
uint64_t dbg_driver_address(const sim_debugger *d, const io_driver *drv);
uint64_t dbg_device_address(const sim_debugger *d, const DEVICE_OBJECT *dev);
uint64_t dbg_object_address(const sim_debugger *d, const ob_header *h);
ps_process *dbg_find_process(sim_debugger *d, uint64_t address);
ps_thread *dbg_find_thread(sim_debugger *d, uint64_t address);
/* A token's address (by its TokenId), and back (NULL: none at that address). */
uint64_t dbg_token_address(const sim_debugger *d, const se_token *t);
se_token *dbg_find_token(sim_debugger *d, uint64_t address);
io_driver *dbg_find_driver(sim_debugger *d, uint64_t address);
io_driver *dbg_find_driver_named(sim_debugger *d, const char *name);
DEVICE_OBJECT *dbg_find_device(sim_debugger *d, uint64_t address);
ob_header *dbg_find_object(sim_debugger *d, uint64_t address);
/* A process by PID (hex, as !process takes it) or address; NULL when none. */
ps_process *dbg_process_arg(sim_debugger *d, uint64_t value);
/* The process and thread the commands look at: the implicit process
   (.process), else the current thread's. */
ps_process *dbg_current_process(sim_debugger *d);
ps_thread *dbg_current_thread(sim_debugger *d);
/* Requests in flight and their addresses. */
ULONG dbg_irps(sim_debugger *d, PIRP *irps, ULONG *tids, ULONG cap);
uint64_t dbg_irp_address(const sim_debugger *d, const IRP *irp);
/* A thread state as !thread words it. */
const char *dbg_wait_reason(ULONG reason);
/* A protection as !vad and !address word it (without PAGE_). */
const char *dbg_protect_name(ULONG protect, char buf[64]);
/* A driver routine's place in its image (its code is the host's: not shown). */
uint64_t dbg_routine_address(const io_driver *drv, const void *routine);

/* ---- commands --------------------------------------------------------- */
typedef void (*dbg_handler)(sim_debugger *d, int argc, char **argv);
/* The system has not booted: says so, returns true. */
bool dbg_no_system(sim_debugger *d);

void dbg_cmd_bp(sim_debugger *d, int argc, char **argv);
void dbg_cmd_bl(sim_debugger *d, int argc, char **argv);
void dbg_cmd_bc(sim_debugger *d, int argc, char **argv);
void dbg_cmd_sxe(sim_debugger *d, int argc, char **argv);
void dbg_cmd_sxd(sim_debugger *d, int argc, char **argv);
void dbg_cmd_sx(sim_debugger *d, int argc, char **argv);
/* Breakpoints: whether this line, routine call or service stops the replay (prints why). */
bool dbg_line_breaks(sim_debugger *d, int line);
bool dbg_event_breaks(sim_debugger *d, const ntsim_event *e);

void dbg_cmd_process(sim_debugger *d, int argc, char **argv);
void dbg_cmd_dot_process(sim_debugger *d, int argc, char **argv);
void dbg_cmd_thread(sim_debugger *d, int argc, char **argv);
void dbg_cmd_tilde(sim_debugger *d, int argc, char **argv);
void dbg_cmd_ready(sim_debugger *d, int argc, char **argv);
void dbg_cmd_running(sim_debugger *d, int argc, char **argv);
void dbg_cmd_teb(sim_debugger *d, int argc, char **argv);
void dbg_cmd_peb(sim_debugger *d, int argc, char **argv);
void dbg_cmd_token(sim_debugger *d, int argc, char **argv);
void dbg_cmd_vad(sim_debugger *d, int argc, char **argv);
void dbg_cmd_address(sim_debugger *d, int argc, char **argv);
void dbg_cmd_handle(sim_debugger *d, int argc, char **argv);
void dbg_cmd_object(sim_debugger *d, int argc, char **argv);
void dbg_cmd_lm(sim_debugger *d, int argc, char **argv);
void dbg_cmd_drvobj(sim_debugger *d, int argc, char **argv);
void dbg_cmd_devobj(sim_debugger *d, int argc, char **argv);
void dbg_cmd_irp(sim_debugger *d, int argc, char **argv);
void dbg_cmd_irpfind(sim_debugger *d, int argc, char **argv);
void dbg_cmd_poolused(sim_debugger *d, int argc, char **argv);
void dbg_cmd_pool(sim_debugger *d, int argc, char **argv);
void dbg_cmd_dt(sim_debugger *d, int argc, char **argv);

/* Shared by !process and !handle: a process's header lines. */
void dbg_process_header(sim_debugger *d, ps_process *p);
/* One VAD's node address (!vad, !process's VadRoot). */
uint64_t dbg_vad_address(const sim_debugger *d, const ps_process *p, ULONG_PTR start);
uint64_t dbg_vad_root(const sim_debugger *d, const ps_process *p);

#endif
