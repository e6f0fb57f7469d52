/*
 * timeline.h - `ntsim run --timeline FILE.json`: the run as a trace in the
 * Trace Event Format (JSON object form) that Perfetto and chrome://tracing
 * open as it is: a track per process and per thread, the processors as
 * tracks of their own, thread states as slices, notifications and driver
 * output as instant events, remote threads as flow arrows, system calls as
 * slices (with --trace syscalls). Timestamps are microseconds of the virtual
 * clock since boot, so the same run gives the same bytes.
 */
#ifndef NTSIM_SIM_TIMELINE_H
#define NTSIM_SIM_TIMELINE_H

#include <stdbool.h>
#include <stdio.h>

#include "ntsim/ntsim.h"

typedef struct sim_timeline sim_timeline;

sim_timeline *sim_timeline_create(void);
/* One event of the run, in delivery order. */
void sim_timeline_event(sim_timeline *t, const ntsim_event *e);
/* False once the timeline stopped following thread states (past its budget
   of state changes, so that a long round-robin costs nothing): the run
   need not trace them any more. */
bool sim_timeline_follows_states(const sim_timeline *t);
/* The whole trace into f: slices still open end at the last time seen. False if it could not be written. */
bool sim_timeline_write(sim_timeline *t, FILE *f);
void sim_timeline_free(sim_timeline *t);

#endif
