/*
 * debug.h - `ntsim debug`: a scenario replayed under a kernel debugger's
 * prompt (kd>), stopped at lines, events and driver routines, its state
 * shown in WinDbg's shapes (docs/guide-debugger.md).
 *
 * The engine (scenario.c, recorder.c) calls the hooks below; everything
 * else lives in sim/debug/.
 */
#ifndef NTSIM_SIM_DEBUG_H
#define NTSIM_SIM_DEBUG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ntsim/system.h"

typedef struct sim_debugger sim_debugger;
struct sim_context;

typedef struct sim_debug_options {
    const char *commands; /* -c "cmd; cmd": run them, then end the session; NULL: interactive */
    bool has_seed;        /* --seed N */
    uint64_t seed;
} sim_debug_options;

/* Runs one scenario file under the debugger; commands from o->commands or
   standard input, output on out. The exit status: 0, or 2 for a file that
   cannot be read or a scenario error. */
int sim_debug_file(const char *path, const sim_debug_options *o, FILE *out, FILE *err);

/* The engine's hooks. Before each command line runs (the system booted
   unless the line is the system line). */
void sim_debug_before_line(sim_debugger *d, struct sim_context *ctx, const char *text, size_t len);
/* Every event the kernel delivers, after the engine wrote it. */
void sim_debug_event(sim_debugger *d, struct sim_context *ctx, const ntsim_event *e);
/* The session ended (q, or -c's commands ran out): the replay stops at the next line. */
bool sim_debug_quit(const sim_debugger *d);

#endif
