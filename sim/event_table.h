/*
 * event_table.h - the kernel's notifications by the names scenarios use
 * for them: one table indexed by ntsim_event_kind, read both ways, to print
 * an event record's name and to parse `expect event NAME [FIELD=VALUE...]`.
 */
#ifndef NTSIM_SIM_EVENT_TABLE_H
#define NTSIM_SIM_EVENT_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "ntsim/ntsim.h"
#include "record.h"

/* Event kinds the table names: 0 .. SIM_EVENT_KINDS - 1. A kind added to
   ntsim_event_kind after NTSIM_EVENT_BEEP moves this, and needs a name. */
#define SIM_EVENT_KINDS (NTSIM_EVENT_EXCEPTION + 1)

/* The name of an event kind ("process_create"). */
const char *sim_event_name(ntsim_event_kind kind);

/* The fields an event of the kind has (NULL-key-terminated). */
const sim_field_spec *sim_event_fields(ntsim_event_kind kind);

/* The kind named s[0..n); false when no event has that name. O(kinds). */
bool sim_event_from_name(const char *s, size_t n, ntsim_event_kind *kind);

#endif
