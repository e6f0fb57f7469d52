/*
 * expect.h - `expect` lines: what they may say (checked with the rest of the
 * line, before anything runs) and whether they hold against the previous
 * command's result and events.
 */
#ifndef NTSIM_SIM_EXPECT_H
#define NTSIM_SIM_EXPECT_H

#include "parser.h"

/* Checks an expect line parsed into a (its rest: the FIELD=VALUE tokens);
   `expect event` keeps the event's kind in a->pos[0].number. */
bool sim_expect_validate(sim_context *ctx, sim_args *a, sim_error *err);

/* Whether a validated expect holds: STATUS_SUCCESS, or STATUS_UNSUCCESSFUL
   after an `expect` record saying what was wanted and what came. */
NTSTATUS sim_expect_run(sim_context *ctx, const sim_args *a);

#endif
