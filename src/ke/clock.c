/*
 * clock.c - the virtual clock as code reads it (KeQuerySystemTime, the
 * simulator's ntsim_time and ntsim_advance), and the events the simulation
 * delivers to its observer, each stamped with the clock.
 */
#include "ke/context.h"
#include "ke/ke.h"
#include "ntsim/wdk.h"

uint64_t ntsim_time(const ntsim_system *sys)
{
    return ke_state((ntsim_system *)sys)->time;
}

void ntsim_advance(ntsim_system *sys, uint64_t ticks)
{
    uint64_t now = ke_state(sys)->time;
    ke_advance(sys, ticks > NTSIM_TIME_MAX - now ? NTSIM_TIME_MAX : now + ticks);
}

void KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime)
{
    CurrentTime->QuadPart = (LONG64)ntsim_time(ke_current_system("KeQuerySystemTimePrecise"));
}

void KeQuerySystemTime(PLARGE_INTEGER CurrentTime)
{
    CurrentTime->QuadPart = (LONG64)ntsim_time(ke_current_system("KeQuerySystemTime"));
}

void ntsim_set_event_sink(ntsim_system *sys, ntsim_event_sink sink, void *context)
{
    ke_system *ke = ke_state(sys);
    ke->sink = sink;
    ke->sink_context = context;
}

void ke_deliver_event(ntsim_system *sys, ntsim_event *event)
{
    ke_system *ke = ke_state(sys);
    event->time = ke->time;
    if (ke->sink)
        ke->sink(ke->sink_context, event);
}
