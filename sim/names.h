/*
 * names.h - the scenario's names for processes, threads and drivers (one
 * namespace per kind), bound to the objects they name. A binding holds the
 * object's ID and its never-reused sequence number, so a name never follows
 * a reused PID to another process. Hash table: O(1) lookups.
 */
#ifndef NTSIM_SIM_NAMES_H
#define NTSIM_SIM_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gone_names.h"

typedef enum sim_name_kind { SIM_NAME_PROCESS, SIM_NAME_THREAD, SIM_NAME_DRIVER } sim_name_kind;

typedef struct sim_name {
    char *name;
    uint32_t len;      /* of name */
    uint32_t hash;     /* low half of the name's hash: most mismatches end here */
    sim_name_kind kind;
    uint32_t id;       /* PID or TID once bound; 0 = not (or no longer) bound */
    uint64_t sequence; /* the object's sequence number */
    int line;          /* where it was defined */
    bool ended;        /* an exit line ended it: the name may be defined again */
    bool gone;         /* a copy of a gone name's record (gone_names.h): change it through sim_names_*;
                          name is then the caller's text, len bytes, not NUL-terminated */
    sim_gone_name gone_at; /* that record */
    int client_line;   /* a driver from a file: the `client open NAME device=` line in force, 0: none */
} sim_name;

typedef struct sim_names {
    sim_name *slots;
    size_t cap, count;
    uint32_t generation; /* bumped when entries move: a kept sim_name * is stale */
    /* Reverse index: object sequence -> slot, to name objects in output. */
    size_t *by_seq;
    size_t seq_cap, seq_count;
    /* The names of gone objects leave the table for a packed store, in
       sweeps once the table has doubled since the last (amortized O(1)). */
    sim_gone_names gone;
    sim_name found_gone; /* what sim_names_find returns for a gone name */
    size_t count_at_sweep;
} sim_names;

/* FNV-1a of a name within its kind's namespace. */
static inline uint64_t sim_name_hash(sim_name_kind kind, const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)kind;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

void sim_names_init(sim_names *n);
void sim_names_free(sim_names *n);

/* The entry of a name, or NULL. A gone object's name comes back as a copy
   with `gone` set, valid until the next call: sim_names_end and
   sim_names_revive change it. */
sim_name *sim_names_find(sim_names *n, sim_name_kind kind, const char *name, size_t len);
/* Adds a name (which must not exist yet); returns the new entry, or NULL
   (nothing changed) when the host is out of memory. */
sim_name *sim_names_add(sim_names *n, sim_name_kind kind, const char *name, size_t len, int line);
/* Binds a name to an object; false (nothing changed) when out of memory. */
bool sim_names_bind(sim_names *n, sim_name *e, uint32_t id, uint64_t sequence);
/* An exit line ended the name (live or gone); false (nothing changed) when out of memory. */
bool sim_names_end(sim_names *n, sim_name *e);
/* A gone name defined again: a live, unbound entry defined at line; NULL
   (nothing changed) when out of memory. */
sim_name *sim_names_revive(sim_names *n, sim_name *e, int line);
/* Moves the process and thread names whose objects are gone (alive says
   which are not) to the packed store, once the table has doubled since the
   last sweep; out of memory, the names stay where they are. */
void sim_names_sweep(sim_names *n, bool (*alive)(void *context, const sim_name *e), void *context);
/* The name bound to the object with this sequence, or NULL. */
const sim_name *sim_names_by_sequence(const sim_names *n, uint64_t sequence);

#endif
