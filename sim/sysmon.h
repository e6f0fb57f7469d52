/*
 * sysmon.h - `ntsim run --format sysmon`: the run's events in the shape of
 * Sysmon's event log, one `Event` element a line as Windows' event viewer
 * exports them (XML), with the schema's field names and formats: Event ID
 * 1 (process create), 5 (process terminated), 7 (image loaded), 8
 * (CreateRemoteThread) and 10 (process access: a process opened). Process
 * GUIDs are derived from the seed and the process, so the same run gives
 * the same bytes.
 */
#ifndef NTSIM_SIM_SYSMON_H
#define NTSIM_SIM_SYSMON_H

#include <stdio.h>

#include "ntsim/ntsim.h"

typedef struct sim_sysmon sim_sysmon;

sim_sysmon *sim_sysmon_create(FILE *out);
/* The seed the run boots with (the GUIDs' machine part). */
/* The system booted: its seed (the GUIDs) and its tokens (User, IntegrityLevel). */
void sim_sysmon_boot(sim_sysmon *s, ntsim_system *sys, uint64_t seed);
void sim_sysmon_event(sim_sysmon *s, const ntsim_event *e);
/* False if an event could not be written (the output failed, or memory ran out). */
bool sim_sysmon_ok(const sim_sysmon *s);
void sim_sysmon_free(sim_sysmon *s);

#endif
