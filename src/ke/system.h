/*
 * system.h (private) - the simulated machine: every piece of state hangs
 * off one ntsim_system, so several can live in one host process.
 */
#ifndef NTSIM_KE_SYSTEM_H
#define NTSIM_KE_SYSTEM_H

#include "ntsim/system.h"
#include "ob/handle_table.h"
#include "rtl/random.h"
#include "mm/mm.h"
#include "ke/ke.h"

typedef struct ps_process ps_process;
typedef struct ps_thread ps_thread;

struct ntsim_system {
    ntsim_config config;
    rtl_random rng;
    uint64_t time;
    uint64_t next_sequence;
    ob_handle_table cid_table; /* PspCidTable: PIDs and TIDs, strict FIFO */
    ps_process *idle, *system_process;
    ps_process *first_process, *last_process; /* creation order */
    ps_thread *current_thread;
    mm_commit commit;
    ke_scheduler sched;
    ntsim_event_sink sink;
    void *sink_context;
};

/* Delivers a notification to the observers, stamped with the clock. */
void ke_deliver_event(ntsim_system *sys, ntsim_event *event);

#endif
