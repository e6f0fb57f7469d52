/*
 * gone_names.h - the names of processes and threads whose objects are gone,
 * packed. The contract keeps such a name meaningful (commands on it return
 * STATUS_INVALID_CID; it is redefined only once an exit line ended it), so a
 * long replay must remember every one. Two forms:
 * - a name with a number (p17, r4096, p17.main: what generated replays use)
 *   joins a run of its kind, prefix and suffix: consecutive numbers whose lines
 *   advance by one stride and that were ended alike are one 24-byte run, so
 *   p0 .. p199999 written every fifth line take a few kilobytes;
 * - any other is a record in an arena: its bytes, a 7-byte header and about
 *   10 bytes of index. Either is far below a live entry's hundred or more.
 */
#ifndef NTSIM_SIM_GONE_NAMES_H
#define NTSIM_SIM_GONE_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Consecutive numbers of one prefix: number first + k was defined on line
   line + k * stride. */
typedef struct sim_gone_run {
    uint64_t first;
    uint32_t count;
    int32_t stride;
    int32_t line;
    bool ended;
} sim_gone_run;

/* The runs of one kind, prefix and suffix ("p", ".main"), sorted by first
   number, disjoint. */
typedef struct sim_gone_group {
    char *affixes; /* the prefix, then the suffix */
    uint32_t prefix_len, suffix_len;
    int kind;
    sim_gone_run *runs;
    size_t count, cap;
} sim_gone_group;

typedef struct sim_gone_names {
    sim_gone_group *groups; /* a few prefixes; names of others go to the arena */
    size_t group_count;
    unsigned char *arena; /* records: line (4 bytes), flags (1), length (2), the name, NUL */
    size_t used, cap;
    uint32_t *slots;      /* record offset + 1, 0: empty; open addressing */
    uint8_t *tags;        /* 8 bits of each slot's hash: most mismatches end here */
    size_t slot_cap, count, dead; /* count includes the dead (revived) records */
} sim_gone_names;

/* What a record says of its name. */
typedef struct sim_gone_name {
    int line;         /* where it was defined */
    bool ended;       /* an exit line ended it */
    uint32_t group;   /* where, for sim_gone_end and sim_gone_revive: 0 the arena, else a group + 1 */
    uint64_t key;     /* the record's offset in the arena, or the number in the group */
} sim_gone_name;

void sim_gone_free(sim_gone_names *g);
/* Finds a gone name of a kind (kinds are small integers, < 4). O(1). */
bool sim_gone_find(const sim_gone_names *g, int kind, const char *name, size_t len, uint64_t hash,
                   sim_gone_name *out);
/* Adds a name that must not be there yet; false (nothing changed) when out of memory. */
bool sim_gone_add(sim_gone_names *g, int kind, const char *name, size_t len, uint64_t hash, int line, bool ended);
/* An exit line ended the name; false (nothing changed) when out of memory. */
bool sim_gone_end(sim_gone_names *g, const sim_gone_name *found);
/* Room for sim_gone_revive(found), which then cannot fail (a run may split
   in two); false when out of memory. */
bool sim_gone_reserve(sim_gone_names *g, const sim_gone_name *found);
/* The name is defined again: it leaves the store; false (nothing changed)
   when out of memory. */
bool sim_gone_revive(sim_gone_names *g, const sim_gone_name *found);

#endif
