/*
 * bench_sched.c - scheduler decisions per second with 10, 1,000 and 100,000
 * ready threads on one processor. Every quantum end (2 clock ticks) picks the
 * next thread from the ready queues: with per-priority queues and a summary
 * bitmap the cost per decision must not grow with the number of threads.
 * The clock moves a tick at a time; a longer advance takes whole rounds of
 * round-robin at once, and the last figure is what one such advance costs.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <time.h>

#include "ntsim/ntsim.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run(ULONG threads)
{
    ntsim_config c;
    ntsim_system *sys;
    ntsim_config_default(&c);
    c.cpus = 1;
    ntsim_system_create(&c, &sys);
    NTSIM_PROCESS_PARAMS pp;
    CLIENT_ID cid;
    ntsim_process_params_default(&pp, "C:\\bench.exe");
    pp.stack_reserve = 64 * 1024;
    ntsim_create_process(sys, &pp, &cid);
    ntsim_set_current_thread(sys, cid.UniqueThread);
    for (ULONG i = 1; i < threads; i++) {
        CLIENT_ID t;
        if (!NT_SUCCESS(ntsim_create_thread(sys, cid.UniqueProcess, 0, false, &t))) {
            printf("thread creation failed at %lu\n", (unsigned long)i);
            break;
        }
    }
    /* One decision per quantum end: 2 ticks of 15.625 ms = 31.25 ms. */
    const uint64_t decisions = 2000000;
    double t0 = now();
    for (uint64_t i = 0; i < 2 * decisions; i++)
        ntsim_advance(sys, 156250);
    double dt = now() - t0;
    /* The same number of decisions in one advance: whole rounds at once. */
    double t1 = now();
    ntsim_advance(sys, decisions * 312500ull);
    double once = now() - t1;
    printf("%7lu ready threads: %10.0f decisions/s (%.1f ns each); %lu in one advance: %.1f us\n",
           (unsigned long)threads, decisions / dt, dt / decisions * 1e9, (unsigned long)decisions, once * 1e6);
    ntsim_system_destroy(sys);
}

int main(void)
{
    run(10);
    run(1000);
    run(100000);
    return 0;
}
