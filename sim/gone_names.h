/*
 * gone_names.h - the names of processes and threads whose objects are gone,
 * packed. The contract keeps such a name meaningful (commands on it return
 * STATUS_INVALID_CID; it is redefined only once an exit line ended it), so a
 * long replay must remember every one: here each costs its bytes, a 7-byte
 * header and about 10 bytes of index, not a live entry's hundred or more.
 */
#ifndef NTSIM_SIM_GONE_NAMES_H
#define NTSIM_SIM_GONE_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_gone_names {
    unsigned char *arena; /* records: line (4 bytes), flags (1), length (2), the name, NUL */
    size_t used, cap;
    uint32_t *slots;      /* record offset + 1, 0: empty; open addressing */
    uint8_t *tags;        /* 8 bits of each slot's hash: most mismatches end here */
    size_t slot_cap, count, dead; /* count includes the dead (revived) records */
} sim_gone_names;

/* What a record says of its name. */
typedef struct sim_gone_name {
    const char *name; /* NUL-terminated, valid until the store next changes */
    int line;         /* where it was defined */
    bool ended;       /* an exit line ended it */
    uint32_t offset;  /* the record, for sim_gone_end and sim_gone_revive */
} sim_gone_name;

void sim_gone_free(sim_gone_names *g);
/* Finds a gone name of a kind (kinds are small integers, < 4). O(1). */
bool sim_gone_find(const sim_gone_names *g, int kind, const char *name, size_t len, uint64_t hash,
                   sim_gone_name *out);
/* Adds a name that must not be there yet; false (nothing changed) when out of memory. */
bool sim_gone_add(sim_gone_names *g, int kind, const char *name, size_t len, uint64_t hash, int line, bool ended);
/* An exit line ended the name. */
void sim_gone_end(sim_gone_names *g, uint32_t offset);
/* The name is defined again: it leaves the store (its bytes until the next compaction). */
void sim_gone_revive(sim_gone_names *g, uint32_t offset);

#endif
