/*
 * commit.c - commit accounting. Committing private pages charges the system
 * commit limit (physical memory + pagefile); exceeding it fails the call
 * with STATUS_COMMITMENT_LIMIT before anything changes. Decommit and release
 * return the charge. Each space also knows its own charge (the process's
 * PrivateUsage / commit charge).
 */
#include "mm/mm_internal.h"

bool mm_charge(mm_space *s, uint64_t bytes)
{
    if (s->commit) {
        if (bytes > s->commit->limit || s->commit->charged > s->commit->limit - bytes)
            return false;
        s->commit->charged += bytes;
    }
    s->charge += bytes;
    return true;
}

void mm_uncharge(mm_space *s, uint64_t bytes)
{
    if (s->commit)
        s->commit->charged -= bytes;
    s->charge -= bytes;
}

uint64_t mm_commit_charge(const mm_space *s)
{
    return s->charge;
}
