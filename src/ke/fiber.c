/*
 * fiber.c - running a system thread's code. ntsim is one host thread; a
 * simulated thread with code (a system thread's start routine) runs on a
 * fiber of its own (a host stack and context), entered when the scheduler
 * gives it a processor and left when it waits or ends. Code takes no
 * virtual time: only waits and delays move a thread along the clock, so the
 * same scenario runs the same way everywhere.
 */
#define _XOPEN_SOURCE 700 /* ucontext */
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>

#include "ke/context.h"
#include "ke/ke.h"
#include "ntsim/limits.h"
#include "ntsim/wdk.h"
#include "rtl/alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/common_interface_defs.h>
#define FIBER_ASAN 1
#endif
#endif

#define FIBER_STACK (256 * 1024)

struct ke_fiber {
    const void *caller_bottom; /* the stack a yield returns to (for AddressSanitizer) */
    size_t caller_size;
    ucontext_t context;
    ucontext_t *caller;        /* where a yield returns to */
    void *stack;
    void (*start)(void *);
    void *arg;
    ke_thread *thread;
    ntsim_system *sys;
    ke_context driver_context; /* the system and driver its code runs for */
    bool finished;
};

static void fiber_main(unsigned hi, unsigned lo)
{
    ke_fiber *f = (ke_fiber *)(((uintptr_t)hi << 32) | lo);
#ifdef FIBER_ASAN
    /* Learn the stack we came from: a yield returns to it. */
    __sanitizer_finish_switch_fiber(NULL, &f->caller_bottom, &f->caller_size);
#endif
    ke_context saved = ke_enter(f->sys, f->driver_context.driver, f->driver_context.image);
    f->start(f->arg);
    ke_leave(saved);
    /* Returning from the start routine ends the thread (PsTerminateSystemThread). */
    if (f->thread && !f->thread->terminating && f->thread->exit_routine)
        f->thread->exit_routine(f->sys, f->thread);
    ke_exit_fiber(f->sys);
}

NTSTATUS ke_create_fiber(ke_thread *t, void (*start)(void *), void *context)
{
    ke_fiber *f = rtl_calloc(1, sizeof *f);
    if (!f || !(f->stack = rtl_malloc(FIBER_STACK))) {
        rtl_free(f);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    f->start = start;
    f->arg = context;
    f->thread = t;
    f->driver_context.driver = ke_current_driver();
    f->driver_context.image = ke_current_image();
    getcontext(&f->context);
    f->context.uc_stack.ss_sp = f->stack;
    f->context.uc_stack.ss_size = FIBER_STACK;
    f->context.uc_link = NULL;
    uintptr_t p = (uintptr_t)f;
    makecontext(&f->context, (void (*)(void))fiber_main, 2, (unsigned)(p >> 32), (unsigned)(p & 0xFFFFFFFFu));
    t->fiber = f;
    return STATUS_SUCCESS;
}

bool ke_runs_own_code(ntsim_system *sys, const ke_thread *t)
{
    ke_fiber *f = ke_state(sys)->running_fiber;
    return f && f->thread == t;
}

io_driver *ke_fiber_driver(const ke_thread *t)
{
    const ke_fiber *f = t->fiber;
    if (!f || f->finished || (f->sys && ke_state(f->sys)->running_fiber == f))
        return NULL;
    return f->driver_context.driver;
}

void ke_delete_fiber(ke_thread *t)
{
    ke_fiber *f = t->fiber;
    if (!f)
        return;
    t->fiber = NULL;
    if (f->sys && ke_state(f->sys)->running_fiber == f) {
        f->thread = NULL; /* it runs now: the run loop frees it once it has left */
        return;
    }
    rtl_free(f->stack);
    rtl_free(f);
}

/* Switches from the scheduler into a fiber, until it yields. */
static void enter(ntsim_system *sys, ke_fiber *f)
{
    ucontext_t here;
    f->caller = &here;
    f->sys = sys;
    ke_system *ke = ke_state(sys);
    ke_thread *saved = ke_switch_thread(sys, f->thread); /* whatever the code does, it stays */
    ke->running_fiber = f;
    /* Its code runs as its own driver's, whoever resumes it (a scenario
       command, or another driver's wait); the resumer's context comes back
       when it yields or ends. */
    ke_context outer = ke_enter(sys, f->driver_context.driver, f->driver_context.image);
#ifdef FIBER_ASAN
    void *fake = NULL;
    __sanitizer_start_switch_fiber(&fake, f->stack, FIBER_STACK);
#endif
    swapcontext(&here, &f->context);
#ifdef FIBER_ASAN
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
    ke_leave(outer);
    ke->running_fiber = NULL;
    ke_switch_back(sys, saved);
}

/* From inside a fiber: back to whoever entered it. */
static void yield(ntsim_system *sys, bool finished)
{
    ke_fiber *f = ke_state(sys)->running_fiber;
    f->finished = finished;
#ifdef FIBER_ASAN
    void *fake = NULL;
    __sanitizer_start_switch_fiber(finished ? NULL : &fake, f->caller_bottom, f->caller_size);
#endif
    swapcontext(&f->context, f->caller);
#ifdef FIBER_ASAN
    __sanitizer_finish_switch_fiber(fake, &f->caller_bottom, &f->caller_size);
#endif
}

void ke_exit_fiber(ntsim_system *sys)
{
    yield(sys, true);
    /* never resumed */
    abort();
}

/* A thread whose code can run now: on a processor, not waiting, not done. */
static ke_fiber *runnable(ntsim_system *sys)
{
    for (uint32_t cpu = 0; cpu < ke_state(sys)->sched.cpus; cpu++) {
        ke_thread *t = ke_state(sys)->sched.prcb[cpu].current;
        if (t && t->fiber && !t->fiber->finished && t->state == Running && !t->blocked)
            return t->fiber;
    }
    return NULL;
}

void ke_run_fibers(ntsim_system *sys)
{
    if (ke_state(sys)->running_fiber)
        return; /* only the scheduler's own loop enters fibers */
    ke_fiber *f;
    while ((f = runnable(sys)) != NULL) {
        enter(sys, f);
        if (f->finished) {
            /* Its thread let go of it (or is gone): the stack it ran on can go now. */
            if (f->thread)
                f->thread->fiber = NULL;
            rtl_free(f->stack);
            rtl_free(f);
        }
    }
}

/* A wait from code that is not a fiber runs the world until it ends; past an
   hour of virtual time with nothing ending it, it gives up. */


NTSTATUS ke_block_current(ntsim_system *sys)
{
    ke_thread *t = ke_state(sys)->current_thread;
    if (ke_state(sys)->running_fiber && ke_state(sys)->running_fiber->thread == t) {
        yield(sys, false);
        return t->wait_status;
    }
    uint64_t until = ke_state(sys)->time + NTSIM_NESTED_WAIT_HORIZON;
    while (t->blocked) {
        ke_run_fibers(sys);
        if (!t->blocked)
            break;
        uint64_t next = ke_state(sys)->sched.next_tick;
        if (next > until) {
            ke_unwait(sys, t, STATUS_TIMEOUT, 0);
            DbgPrint("ntsim: a wait outside a system thread did not end within an hour of virtual time");
            break;
        }
        ke_advance(sys, next);
    }
    ke_run_fibers(sys);
    return t->wait_status;
}
