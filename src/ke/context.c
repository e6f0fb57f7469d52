/* context.c - the running code's system and driver (see context.h). */
#include <stdio.h>
#include <stdlib.h>

#include "ke/context.h"
#include "system/system.h"
#include "ntsim/io.h"
#include "ps/ps.h"

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

void ntsim_call_in_kernel(ntsim_system *sys, void (*routine)(void *context), void *context)
{
    ps_thread *saved = sys->current_thread;
    sys->current_thread = sys->system_process->first_thread;
    ke_context outer = ke_enter(sys, NULL);
    routine(context);
    ke_leave(outer);
    sys->current_thread = saved;
}
