/*
 * call_trace.c - call events around the driver routines ntsim calls
 * (NTSIM_TRACE_CALLS): what a timeline draws as a slice on the thread that
 * ran the routine. Off unless traced: one flag test per call.
 */
#include "ke/context.h"
#include "ke/ke.h"

void ke_trace_call(ntsim_system *sys, const char *image, const char *routine, bool begin)
{
    ke_system *ke = ke_state(sys);
    if (!ke->sched.trace_calls)
        return;
    const ke_thread *t = ke->current_thread;
    ntsim_event e = { .kind = NTSIM_EVENT_CALL, .tid = t ? t->tid : 0, .image = image ? image : "",
                      .service = routine, .count = begin ? 0 : 1 };
    ke_deliver_event(sys, &e);
}
