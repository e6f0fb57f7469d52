/*
 * fast_mutex.c - fast mutexes. The simulator runs one thread at a time, so
 * an acquire never has to wait; what matters is that owners pair acquire
 * and release, which is checked.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ke/context.h"
#include "ke/ke.h"
#include "ntsim/wdk.h"

void ExInitializeFastMutex(PFAST_MUTEX m)
{
    m->Count = 1;
    m->Owner = NULL;
    m->Contention = 0;
}

void ExAcquireFastMutex(PFAST_MUTEX m)
{
    ntsim_system *sys = ke_current_system("ExAcquireFastMutex");
    if (m->Count != 1) {
        /* On Windows the same thread acquiring twice deadlocks. */
        fprintf(stderr, "ntsim: ExAcquireFastMutex on a fast mutex already held (a deadlock on Windows)\n");
        abort();
    }
    m->Count = 0;
    m->Owner = ke_state(sys)->current_thread->object; /* the ETHREAD */
}

void ExReleaseFastMutex(PFAST_MUTEX m)
{
    if (m->Count != 0) {
        fprintf(stderr, "ntsim: ExReleaseFastMutex on a fast mutex that is not held\n");
        abort();
    }
    m->Count = 1;
    m->Owner = NULL;
}
