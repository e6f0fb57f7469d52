/*
 * recorder.h - the kernel's notifications as the scenario sees them: each
 * event delivered while a command runs becomes a record, written before the
 * command's result and kept until the next command for `expect event`.
 */
#ifndef NTSIM_SIM_RECORDER_H
#define NTSIM_SIM_RECORDER_H

#include "command.h"

/* The system's event sink (ntsim_set_event_sink); context is the sim_context. */
void sim_recorder_event(void *context, const ntsim_event *e);
/* A command starts: the previous command's events are forgotten. */
void sim_recorder_clear(sim_context *ctx);
void sim_recorder_free(sim_context *ctx);

#endif
