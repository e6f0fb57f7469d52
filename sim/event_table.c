/*
 * event_table.c - every event kind's name, in the order of ntsim_event_kind
 * (include/ntsim/system.h): the names SCENARIO.md gives the notifications,
 * and ntsim's additions (docs/scenario-language.md, "Events").
 */
#include <assert.h>
#include <string.h>

#include "event_table.h"

static const char *const names[SIM_EVENT_KINDS] = {
    [NTSIM_EVENT_PROCESS_CREATE] = "process_create",
    [NTSIM_EVENT_PROCESS_EXIT] = "process_exit",
    [NTSIM_EVENT_THREAD_CREATE] = "thread_create",
    [NTSIM_EVENT_THREAD_EXIT] = "thread_exit",
    [NTSIM_EVENT_IMAGE_LOAD] = "image_load",
    [NTSIM_EVENT_THREAD_STATE] = "thread_state",
    [NTSIM_EVENT_SYSCALL] = "syscall",
    [NTSIM_EVENT_DBGPRINT] = "dbgprint",
    [NTSIM_EVENT_POOL_LEAK] = "pool_leak",
    [NTSIM_EVENT_BEEP] = "beep",
};

const char *sim_event_name(ntsim_event_kind kind)
{
    assert((size_t)kind < SIM_EVENT_KINDS && names[kind]);
    return names[kind];
}

bool sim_event_from_name(const char *s, size_t n, ntsim_event_kind *kind)
{
    for (size_t k = 0; k < SIM_EVENT_KINDS; k++) {
        if (names[k] && strlen(names[k]) == n && memcmp(names[k], s, n) == 0) {
            *kind = (ntsim_event_kind)k;
            return true;
        }
    }
    return false;
}
