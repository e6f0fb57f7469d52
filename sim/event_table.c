/*
 * event_table.c - every event kind's name and fields, in the order of
 * ntsim_event_kind (include/ntsim/system.h): the names and fields SCENARIO.md
 * gives the notifications, and ntsim's additions (docs/scenario-language.md,
 * "Events"). recorder.c fills the fields; Debug builds check it against this.
 */
#include <assert.h>
#include <string.h>

#include "event_table.h"

#define FIELDS(...) (const sim_field_spec[]){ __VA_ARGS__, { NULL, SIM_INT, 0 } }
#define F_INT(k) { k, SIM_INT, 0 }
#define F_HEX(k) { k, SIM_HEX, 0 }
#define F_STR(k) { k, SIM_STR, 0 }

static const struct {
    const char *name;
    const sim_field_spec *fields;
} events[SIM_EVENT_KINDS] = {
    [NTSIM_EVENT_PROCESS_CREATE] = { "process_create", FIELDS(F_INT("pid"), F_INT("ppid"), F_INT("creating_pid"),
                                                              F_INT("creating_tid"), F_STR("image"), F_STR("cmdline")) },
    [NTSIM_EVENT_PROCESS_EXIT] = { "process_exit", FIELDS(F_INT("pid"), F_INT("exit_code")) },
    [NTSIM_EVENT_THREAD_CREATE] = { "thread_create", FIELDS(F_INT("pid"), F_INT("tid"), F_INT("creating_pid"),
                                                            F_INT("creating_tid")) },
    [NTSIM_EVENT_THREAD_EXIT] = { "thread_exit", FIELDS(F_INT("pid"), F_INT("tid"), F_INT("exit_code")) },
    [NTSIM_EVENT_IMAGE_LOAD] = { "image_load", FIELDS(F_INT("pid"), F_STR("image"), F_HEX("base"), F_HEX("size")) },
    [NTSIM_EVENT_THREAD_STATE] = { "thread_state", FIELDS(F_INT("pid"), F_INT("tid"), F_STR("from"), F_STR("to"), F_INT("cpu")) },
    [NTSIM_EVENT_SYSCALL] = { "syscall", FIELDS(F_INT("tid"), F_INT("number"), F_STR("name"), F_STR("mode"),
                                                { "args", SIM_LINES, 0 }, { "status", SIM_STATUS, 0 }) },
    [NTSIM_EVENT_DBGPRINT] = { "dbgprint", FIELDS(F_STR("driver"), F_STR("text")) },
    [NTSIM_EVENT_POOL_LEAK] = { "pool_leak", FIELDS(F_STR("driver"), F_STR("tag"), F_INT("blocks"), F_INT("bytes")) },
    [NTSIM_EVENT_BEEP] = { "beep", FIELDS(F_INT("pid"), F_INT("tid"), F_INT("frequency"), F_INT("duration")) },
    [NTSIM_EVENT_CONSOLE] = { "console", FIELDS(F_INT("pid"), F_INT("tid"), F_STR("stream"), F_STR("text")) },
    [NTSIM_EVENT_EXCEPTION] = { "exception", FIELDS(F_INT("pid"), F_INT("tid"), { "status", SIM_STATUS, 0 },
                                                    F_STR("text")) },
};

const char *sim_event_name(ntsim_event_kind kind)
{
    assert((size_t)kind < SIM_EVENT_KINDS && events[kind].name);
    return events[kind].name;
}

const sim_field_spec *sim_event_fields(ntsim_event_kind kind)
{
    assert((size_t)kind < SIM_EVENT_KINDS);
    return events[kind].fields;
}

bool sim_event_from_name(const char *s, size_t n, ntsim_event_kind *kind)
{
    for (size_t k = 0; k < SIM_EVENT_KINDS; k++) {
        if (events[k].name && strlen(events[k].name) == n && memcmp(events[k].name, s, n) == 0) {
            *kind = (ntsim_event_kind)k;
            return true;
        }
    }
    return false;
}
