/*
 * fast_mutex.c - fast mutexes. The simulator runs one thread at a time, so
 * an acquire never has to wait; what matters is that owners pair acquire
 * and release, which is checked. Windows runs the owner at APC_LEVEL, which
 * holds off kernel APCs: the thread counts the fast mutexes it holds, so
 * that an executive resource acquired meanwhile finds APCs disabled.
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
    ke_state(sys)->current_thread->fast_mutexes++;
}

void ExReleaseFastMutex(PFAST_MUTEX m)
{
    ntsim_system *sys = ke_current_system("ExReleaseFastMutex");
    if (m->Count != 0) {
        fprintf(stderr, "ntsim: ExReleaseFastMutex on a fast mutex that is not held\n");
        abort();
    }
    m->Count = 1;
    m->Owner = NULL;
    ke_thread *t = ke_state(sys)->current_thread;
    if (t->fast_mutexes)
        t->fast_mutexes--;
}
