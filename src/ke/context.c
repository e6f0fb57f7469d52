/* context.c - the running code's system and driver (see context.h). */
#include <stdio.h>
#include <stdlib.h>

#include "ke/context.h"

static _Thread_local ke_context current;

ke_context ke_enter(ntsim_system *sys, io_driver *driver)
{
    ke_context saved = current;
    current.sys = sys;
    current.driver = driver;
    return saved;
}

void ke_leave(ke_context saved)
{
    current = saved;
}

ntsim_system *ke_current_system(const char *api)
{
    if (!current.sys) {
        /* A kernel API called from outside any driver code: a programming error. */
        fprintf(stderr, "ntsim: %s called outside driver code (no current system)\n", api);
        abort();
    }
    return current.sys;
}

io_driver *ke_current_driver(void)
{
    return current.driver;
}
