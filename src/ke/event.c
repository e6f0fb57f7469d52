/* event.c - event objects: notification events stay signaled until reset,
 * synchronization events release one waiter and reset themselves. */
#include "ke/context.h"
#include "ke/ke.h"
#include "ntsim/wdk.h"

void KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
    Event->Header = (DISPATCHER_HEADER){
        .Type = Type == NotificationEvent ? EventNotificationObject : EventSynchronizationObject,
        .SignalState = State ? 1 : 0,
    };
}

LONG KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    (void)Wait;
    ntsim_system *sys = ke_current_system("KeSetEvent");
    LONG previous = Event->Header.SignalState;
    Event->Header.SignalState = 1;
    ke_wait_test(sys, &Event->Header, Increment);
    return previous;
}

LONG KeResetEvent(PRKEVENT Event)
{
    LONG previous = Event->Header.SignalState;
    Event->Header.SignalState = 0;
    return previous;
}

void KeClearEvent(PRKEVENT Event)
{
    Event->Header.SignalState = 0;
}

LONG KeReadStateEvent(PRKEVENT Event)
{
    return Event->Header.SignalState;
}
