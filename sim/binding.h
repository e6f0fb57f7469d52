/*
 * binding.h - a scenario's names through a run: defined when a line that
 * creates an object passes the parser (so later lines may use them), ended
 * by the exit line of what they name (so they may be defined again), and
 * bound to the object once it exists (its ID and never-reused sequence).
 */
#ifndef NTSIM_SIM_BINDING_H
#define NTSIM_SIM_BINDING_H

#include "command.h"

/* The boot-time names, Idle, System and System.main, into a new table;
   false when the host is out of memory. */
bool sim_define_boot_names(sim_names *names);
/* Binds the boot-time names to the objects of the system just booted
   (out of memory, ctx->out_of_memory is set). */
void sim_bind_boot_names(sim_context *ctx);

/* A validated line's names: new ones enter the namespace, exit lines end
   theirs (out of memory, ctx->out_of_memory is set). */
void sim_define_names(sim_context *ctx, const sim_args *a);

/* After a line ran: the names of objects gone however they went (an exit
   line, their process's exit, a last handle closed) leave the table for the
   packed store of gone names, which answers for them as before. */
void sim_sweep_names(sim_context *ctx);

/* Binds a defined name to the live object id of its kind (out of memory,
   ctx->out_of_memory is set: the object exists, the line ends in an error). */
void sim_bind(sim_context *ctx, sim_name_kind kind, sim_name *e, ULONG id);

#endif
