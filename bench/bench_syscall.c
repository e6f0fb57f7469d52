/*
 * bench_syscall.c - calls per second through the whole service path: the
 * ntdll stub (arguments into user memory), the dispatcher (number, table,
 * previous mode), the service (probe, capture, work, write back), for a cheap
 * call (NtClose on a bad handle) and for NtQueryVirtualMemory.
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

int main(void)
{
    ntsim_config c;
    ntsim_system *sys;
    ntsim_config_default(&c);
    ntsim_system_create(&c, &sys);
    NTSIM_PROCESS_PARAMS pp;
    CLIENT_ID cid;
    ntsim_process_params_default(&pp, "C:\\bench.exe");
    ntsim_create_process(sys, &pp, &cid);
    ntsim_set_current_thread(sys, cid.UniqueThread);
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
    printf("NtClose(bad handle):     %10.0f calls/s (%.0f ns each)%s\n", n / (t1 - t0), (t1 - t0) / n * 1e9,
           bad == n ? "" : " WRONG STATUS");
    printf("NtQueryVirtualMemory:    %10.0f calls/s (%.0f ns each)%s\n", n / (t2 - t1), (t2 - t1) / n * 1e9,
           ok == n ? "" : " WRONG STATUS");
    ntsim_system_destroy(sys);
    return 0;
}
