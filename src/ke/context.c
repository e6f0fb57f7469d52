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

void ntsim_call_in_kernel(ntsim_system *sys, void (*routine)(void *context), void *context)
{
    ke_system *ke = ke_state(sys);
    ke_thread *saved = ke->current_thread;
    ke->current_thread = ke->system_thread;
    ke_context outer = ke_enter(sys, NULL, NULL);
    routine(context);
    ke_leave(outer);
    ke->current_thread = saved;
}
