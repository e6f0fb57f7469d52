/*
 * ex.h - the executive support layer's private view: the pool's state
 * (tagged blocks charged to an owner, lookaside lists of freed small blocks)
 * and the clock the balance set manager tunes drivers' lookaside lists by.
 */
#ifndef NTSIM_EX_EX_H
#define NTSIM_EX_EX_H

#include "ke/ke.h"
#include "ntsim/limits.h"
#include "ntsim/wdk.h"

typedef struct ex_pool_block ex_pool_block;

/* Whoever pool is charged to: a driver, or the kernel itself. */
typedef struct ex_pool_owner {
    LIST_ENTRY blocks;  /* its live allocations, oldest first */
    ULONG count;
    const char *name;   /* shown in leak reports: the driver's, "" for the kernel */
} ex_pool_owner;

#define EX_POOL_CLASSES 32 /* lookaside lists, one per 16-byte size class */

/* The executive's part of the system (nested as ob_system explains). */
typedef struct ex_system {
    ke_system ke; /* first: the layer below */
    ex_pool_owner kernel_pool;
    ex_pool_block *lookaside[EX_POOL_CLASSES];
    uint16_t lookaside_depth[EX_POOL_CLASSES];
    /* The pool of the driver whose code runs, NULL for the kernel (registered by io). */
    ex_pool_owner *(*current_pool_owner)(void);
    uint64_t boot_time; /* the balance set manager's seconds count from here */
    LIST_ENTRY events;  /* every event object (src/ex/event.c), freed at teardown whatever its counts */
    uint64_t pool_sequence;  /* allocations so far: each block's number (a debugger's address for it) */
    uint64_t event_sequence; /* event objects created so far */
} ex_system;

static inline ex_system *ex_state(ntsim_system *sys)
{
    return (ex_system *)(void *)sys;
}

void ex_initialize(ntsim_system *sys);
void ex_pool_owner_init(ex_pool_owner *owner, const char *name);
/* Reports what an owner still holds (a pool_leak event per tag) and frees it. */
void ex_pool_report_and_free(ntsim_system *sys, ex_pool_owner *owner);
/* Teardown: the kernel's blocks reported and freed, the lookaside lists' returned to the host. */
void ex_shutdown(ntsim_system *sys);

/*
 * Event objects (ExEventObjectType, src/ex/event.c): an object whose body
 * is a KEVENT, its dispatcher header the object header's own, so waits and
 * KeSetEvent see it as any other dispatcher object.
 */
extern const ob_type ex_event_type;
/* A new event (referenced once, no handle yet); type NotificationEvent or SynchronizationEvent. */
NTSTATUS ex_create_event(ntsim_system *sys, EVENT_TYPE type, bool signaled, ob_header **out);
/* Signals it, releasing waiters as KeSetEvent(EVENT_INCREMENT) does; returns the previous state. */
LONG ex_set_event(ntsim_system *sys, ob_header *event);
/* Non-signaled; returns the previous state. */
LONG ex_reset_event(ob_header *event);
/* An event object's number in creation order (1 for the first), for a debugger's view. */
uint64_t ex_event_sequence(const ob_header *event);
/* Whether h is an event object. */
bool ex_is_event(const ob_header *h);

/* One live pool block as a debugger shows it; data valid during the callback. */
typedef struct ex_pool_info {
    uint64_t sequence; /* allocation number since boot, 1 for the first */
    ULONG tag;
    SIZE_T size;
    const void *data;
} ex_pool_info;
/* Every live block of an owner, oldest first; cb returns false to stop. O(blocks). */
void ex_pool_walk(const ex_pool_owner *owner, bool (*cb)(void *context, const ex_pool_info *info), void *context);

/* Teardown: the events still standing are freed. */
void ex_free_events(ntsim_system *sys);
/* The handles every event object counts (the consistency check adds them up). */
uint64_t ex_event_handle_counts(ntsim_system *sys);

#endif
