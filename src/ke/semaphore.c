/* semaphore.c - semaphores: a count up to a limit; each satisfied wait takes one. */
#include "ke/context.h"
#include "ke/ke.h"
#include "ntsim/wdk.h"

void KeInitializeSemaphore(PRKSEMAPHORE Semaphore, LONG Count, LONG Limit)
{
    Semaphore->Header = (DISPATCHER_HEADER){ .Type = SemaphoreObject, .SignalState = Count };
    Semaphore->Limit = Limit;
}

LONG KeReleaseSemaphore(PRKSEMAPHORE Semaphore, KPRIORITY Increment, LONG Adjustment, BOOLEAN Wait)
{
    (void)Wait;
    ntsim_system *sys = ke_current_system("KeReleaseSemaphore");
    LONG previous = Semaphore->Header.SignalState;
    if (Adjustment <= 0 || previous > Semaphore->Limit - Adjustment) {
        /* Windows raises STATUS_SEMAPHORE_LIMIT_EXCEEDED here; the count is left as it was. */
        DbgPrint("KeReleaseSemaphore: STATUS_SEMAPHORE_LIMIT_EXCEEDED (count %ld, limit %ld)", (long)previous,
                 (long)Semaphore->Limit);
        return previous;
    }
    Semaphore->Header.SignalState += Adjustment;
    ke_wait_test(sys, &Semaphore->Header, Increment);
    return previous;
}

LONG KeReadStateSemaphore(PRKSEMAPHORE Semaphore)
{
    return Semaphore->Header.SignalState;
}
