/* context.c - the running code's system and driver (see context.h). */
#include <stdio.h>
#include <stdlib.h>

#include "ke/context.h"
#include "ke/ke.h"
#include "ntsim/io.h"

static _Thread_local ke_context current;

ke_context ke_enter(ntsim_system *sys, io_driver *driver, const char *image)
{
    ke_context saved = current;
    current = (ke_context){ sys, driver, image ? image : "" };
    return saved;
}

void ke_leave(ke_context saved)
{
    current = saved;
}

ntsim_system *ke_context_system(void)
{
    return current.sys;
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

const char *ke_current_image(void)
{
    return current.image ? current.image : "";
}

ke_thread *ke_switch_thread(ntsim_system *sys, ke_thread *to)
{
    ke_system *ke = ke_state(sys);
    ke_thread *saved = ke->current_thread;
    if (saved)
        ob_reference(saved->object);
    ke->current_thread = to;
    return saved;
}

void ke_switch_back(ntsim_system *sys, ke_thread *saved)
{
    ke_system *ke = ke_state(sys);
    if (!saved) {
        ke->current_thread = NULL;
        return;
    }
    ke->current_thread = saved->terminating ? ke->system_thread : saved;
    ob_dereference(sys, saved->object);
}

void ntsim_call_in_kernel(ntsim_system *sys, void (*routine)(void *context), void *context)
{
    /* The routine may end the thread that was current (a driver's unload stops its thread). */
    ke_thread *saved = ke_switch_thread(sys, ke_state(sys)->system_thread);
    ke_context outer = ke_enter(sys, NULL, NULL);
    routine(context);
    ke_leave(outer);
    ke_switch_back(sys, saved);
}
