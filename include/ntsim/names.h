/*
 * names.h - symbolic names of NTSTATUS codes, MEM_/PAGE_ flags and access
 * rights, for printing and for parsing. One table per fact (src/rtl/), used
 * by the scenario engine both ways.
 */
#ifndef NTSIM_NAMES_H
#define NTSIM_NAMES_H

#include "nt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The symbolic name of a status ("STATUS_SUCCESS"), or NULL if it has none. */
const char *ntsim_status_name(NTSTATUS status);

/* The status a name stands for; false when the name is unknown. */
bool ntsim_status_from_name(const char *name, size_t len, NTSTATUS *status);

/* Which table a flag word is printed or parsed with. */
typedef enum ntsim_flag_kind {
    NTSIM_FLAGS_MEM,            /* MEM_* */
    NTSIM_FLAGS_PAGE,           /* PAGE_* */
    NTSIM_FLAGS_PROCESS_ACCESS, /* PROCESS_*, standard and generic rights */
    NTSIM_FLAGS_THREAD_ACCESS,  /* THREAD_*, standard and generic rights */
    NTSIM_FLAGS_ACCESS,         /* parsing only: any access right name */
    NTSIM_FLAGS_FILE_ACCESS,    /* FILE_*, standard and generic rights */
    NTSIM_FLAGS_EVENT_ACCESS,   /* EVENT_*, standard and generic rights */
    NTSIM_FLAGS_SECTION_ACCESS, /* SECTION_*, standard and generic rights */
    NTSIM_FLAGS_SEC             /* SEC_*: a section's allocation attributes */
} ntsim_flag_kind;

/*
 * Writes the names of the set bits in ascending order of value joined by
 * '|', unnamed bits as one trailing 0x number, "0" for zero. For access
 * kinds, a value equal to the type's ALL_ACCESS prints as that one name.
 * Returns the length it needed (snprintf-style); 512 bytes always suffice
 * (a spelled-out access mask takes up to about 450).
 */
size_t ntsim_flags_format(ntsim_flag_kind kind, uint32_t value, char *buf, size_t cap);

/*
 * Parses names of the kind joined by '|', where any part may also be a
 * number (decimal or 0x hex). On failure returns false and sets *bad to the
 * offset of the offending part.
 */
bool ntsim_flags_parse(ntsim_flag_kind kind, const char *text, size_t len, uint32_t *value, size_t *bad);

#ifdef __cplusplus
}
#endif
#endif
