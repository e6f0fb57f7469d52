/*
 * alloc.c - host allocations, counted and made to fail on purpose when built
 * with NTSIM_FAULT_INJECTION (src/rtl/alloc.h), and the fault-injection
 * controls of ntsim/system.h.
 */
#include <string.h>

#include "ntsim/system.h"
#include "rtl/alloc.h"

/* Zeroed by hand through a volatile length, so that the compiler does not
   fold malloc and memset back into calloc: glibc's calloc bypasses the
   per-thread cache that malloc and free share, so blocks freed in a burst (a
   process's teardown) would never serve the next creations. */
static void *zero(void *p, size_t n)
{
    volatile size_t length = n;
    if (p)
        memset(p, 0, length);
    return p;
}

#ifdef NTSIM_FAULT_INJECTION

/*
 * The count and the chosen failure belong to the host thread, not to a
 * simulated system: the system's own block is one of the allocations (there
 * is no system yet to hang a counter off), and so are the scenario engine's.
 * ntsim keeps no other global state; a thread-local one is the narrowest
 * that works for this test machinery: a simulation runs on one host thread
 * (its fibers share the thread), and two test threads each driving their
 * own systems keep counts of their own.
 */
static _Thread_local struct {
    uint64_t count;   /* allocations so far on this thread */
    uint64_t fail_at; /* the count that fails; 0: none */
    ntsim_allocation_observer observer;
    void *context;
} faults;

/* One more allocation: false when it is the one chosen to fail. */
static int allowed(const char *site)
{
    uint64_t n = ++faults.count;
    if (faults.observer)
        faults.observer(faults.context, n, site);
    if (n != faults.fail_at)
        return 1;
    faults.fail_at = 0; /* one failure: the code after it runs on a host that has memory again */
    return 0;
}

void *rtl_malloc_at(size_t n, const char *site)
{
    return allowed(site) ? malloc(n) : NULL;
}

void *rtl_calloc_at(size_t count, size_t size, const char *site)
{
    return allowed(site) ? calloc(count, size) : NULL;
}

void *rtl_realloc_at(void *p, size_t n, const char *site)
{
    return allowed(site) ? realloc(p, n) : NULL;
}

void *rtl_aligned_alloc_at(size_t align, size_t n, const char *site)
{
    return allowed(site) ? aligned_alloc(align, n) : NULL;
}

void *rtl_zalloc_at(size_t n, const char *site)
{
    return allowed(site) ? zero(malloc(n), n) : NULL;
}

bool ntsim_fail_allocation(uint64_t n)
{
    faults.fail_at = n ? faults.count + n : 0;
    return true;
}

uint64_t ntsim_allocation_count(void)
{
    return faults.count;
}

void ntsim_observe_allocations(ntsim_allocation_observer observer, void *context)
{
    faults.observer = observer;
    faults.context = context;
}

#else

void *rtl_zalloc(size_t n)
{
    return zero(malloc(n), n);
}

bool ntsim_fail_allocation(uint64_t n)
{
    (void)n;
    return false;
}

uint64_t ntsim_allocation_count(void)
{
    return 0;
}

void ntsim_observe_allocations(ntsim_allocation_observer observer, void *context)
{
    (void)observer;
    (void)context;
}

#endif
