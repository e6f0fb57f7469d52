/*
 * bench_syscall.c - calls per second through the whole service path: the
 * ntdll stub (arguments into user memory), the dispatcher (number, table,
 * previous mode), the service (probe, capture, work, write back), for a cheap
 * call (NtClose on a bad handle) and for NtQueryVirtualMemory: on one page
 * again and again, then at random among 10^3 and 10^6 reservations made
 * through NtAllocateVirtualMemory (issue 21's target: 5 M/s at 10^6).
 *
 *   bench_syscall            every figure
 *   bench_syscall N          only the random queries among N reservations
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ntsim/ntsim.h"
#include "rtl/random.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static ntsim_system *boot(void)
{
    ntsim_config c;
    ntsim_system *sys;
    ntsim_config_default(&c);
    if (!NT_SUCCESS(ntsim_system_create(&c, &sys)))
        exit(1);
    NTSIM_PROCESS_PARAMS pp;
    CLIENT_ID cid;
    ntsim_process_params_default(&pp, "C:\\bench.exe");
    if (!NT_SUCCESS(ntsim_create_process(sys, &pp, &cid)))
        exit(1);
    ntsim_set_current_thread(sys, cid.UniqueThread);
    return sys;
}

static void fixed(void)
{
    ntsim_system *sys = boot();
    ULONG_PTR base = 0x200000000;
    SIZE_T size = 0x10000;
    NtAllocateVirtualMemory(sys, NtCurrentProcess(), &base, 0, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);

    const int n = 2000000;
    double t0 = now();
    int bad = 0;
    for (int i = 0; i < n; i++)
        bad += NtClose(sys, (HANDLE)(uintptr_t)0x1234) == STATUS_INVALID_HANDLE;
    double t1 = now();
    MEMORY_BASIC_INFORMATION m;
    int ok = 0;
    for (int i = 0; i < n; i++)
        ok += NT_SUCCESS(NtQueryVirtualMemory(sys, NtCurrentProcess(), base + (i & 15) * 0x1000, MemoryBasicInformation,
                                              &m, sizeof m, NULL));
    double t2 = now();
    printf("NtClose(bad handle):           %10.0f calls/s (%.0f ns each)%s\n", n / (t1 - t0), (t1 - t0) / n * 1e9,
           bad == n ? "" : " WRONG STATUS");
    printf("NtQueryVirtualMemory, 1 page:  %10.0f calls/s (%.0f ns each)%s\n", n / (t2 - t1), (t2 - t1) / n * 1e9,
           ok == n ? "" : " WRONG STATUS");
    ntsim_system_destroy(sys);
}

/* n reservations of 64 KiB made through the stub, then queries of a page
   inside a random one; the addresses are drawn before the clock starts. */
static void random_queries(long n)
{
    ntsim_system *sys = boot();
    ULONG_PTR *bases = malloc(sizeof *bases * (size_t)n);
    const long ops = 2000000;
    ULONG_PTR *addrs = malloc(sizeof *addrs * (size_t)ops);
    if (!bases || !addrs)
        exit(1);
    double t0 = now();
    for (long i = 0; i < n; i++) {
        ULONG_PTR b = 0;
        SIZE_T size = 0x10000;
        if (!NT_SUCCESS(NtAllocateVirtualMemory(sys, NtCurrentProcess(), &b, 0, &size, MEM_RESERVE, PAGE_READWRITE))) {
            fprintf(stderr, "reservation %ld failed\n", i);
            exit(1);
        }
        bases[i] = b;
    }
    double t1 = now();
    rtl_random rng;
    rtl_random_seed(&rng, 1);
    for (long i = 0; i < ops; i++)
        addrs[i] = bases[rtl_random_below(&rng, (uint64_t)n)] + 0x3000;
    MEMORY_BASIC_INFORMATION m;
    long ok = 0;
    double t2 = now();
    for (long i = 0; i < ops; i++)
        ok += NT_SUCCESS(NtQueryVirtualMemory(sys, NtCurrentProcess(), addrs[i], MemoryBasicInformation, &m,
                                              sizeof m, NULL)) && m.State == MEM_RESERVE;
    double t3 = now();
    printf("NtAllocateVirtualMemory, reserve, n=%-8ld %10.0f calls/s (%.0f ns each)\n", n, n / (t1 - t0),
           (t1 - t0) / n * 1e9);
    printf("NtQueryVirtualMemory, random, n=%-8ld    %10.0f calls/s (%.0f ns each)%s\n", n, ops / (t3 - t2),
           (t3 - t2) / ops * 1e9, ok == ops ? "" : " WRONG ANSWER");
    free(addrs);
    free(bases);
    ntsim_system_destroy(sys);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        random_queries(atol(argv[1]));
        return 0;
    }
    fixed();
    random_queries(1000);
    random_queries(1000000);
    return 0;
}
