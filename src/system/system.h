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
#include "ntsim/services.h"
#include "io/io.h"
#include "ps/notify.h"

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
    mm_image_bases *image_bases;   /* each image's base for this boot (ASLR) */
    mm_chunk_cache chunk_cache;    /* pool chunks recycled between processes */
    mm_system_space *system_space; /* kernel stacks */
    ke_scheduler sched;
    NTSIM_SERVICE_ROUTINE services[450];   /* this system's copy of the table (replaceable) */
    ntsim_syscall_observer syscall_observer;
    void *syscall_observer_context;
    bool trace_syscalls;
    ps_notify notify;  /* drivers' notify routines */
    ke_fiber *running_fiber; /* the system thread whose code runs now, if any */
    io_manager io;     /* loaded drivers, devices, pool */
    ntsim_event_sink sink;
    void *sink_context;
};

/* Fills the system's service table from the one table of services. */
void ke_dispatcher_init(ntsim_system *sys);

/* Runs a service as KiSystemService does, with the given previous mode. */
NTSTATUS ke_system_service(ntsim_system *sys, KPROCESSOR_MODE mode, ULONG number, const ULONG64 *args, ULONG argc);

/* Delivers a notification to the observers, stamped with the clock. */
void ke_deliver_event(ntsim_system *sys, ntsim_event *event);

#endif
