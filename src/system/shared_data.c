/*
 * shared_data.c - KUSER_SHARED_DATA (0x7FFE0000, read-only in every
 * process): the clock and version fields Windows keeps there, written into
 * a process's page just before something reads it, so every read sees the
 * virtual clock as it is now. Offsets are x64 Windows 10's (the structure
 * in ntddk.h / ntosp.h; docs/memory-manager.md, "KUSER_SHARED_DATA").
 */
#include <string.h>

#include "ke/ke.h"
#include "mm/user_memory.h"
#include "system/system.h"

#define SHARED_DATA 0x7FFE0000ull
#define SHARED_BYTES 0x330                 /* through TickCountQuad */
#define TICK_COUNT_MULTIPLIER 0x0FA00000u  /* 15.625 ms a tick, in 24.8 fixed point: GetTickCount's factor */

/* KSYSTEM_TIME: LowPart, High1Time, High2Time (the same high part twice,
   so a reader can tell a torn read). */
static void put_system_time(unsigned char *at, uint64_t t)
{
    uint32_t low = (uint32_t)t, high = (uint32_t)(t >> 32);
    memcpy(at, &low, 4);
    memcpy(at + 4, &high, 4);
    memcpy(at + 8, &high, 4);
}

static void put32(unsigned char *b, size_t off, uint32_t v)
{
    memcpy(b + off, &v, 4);
}

static void build(ntsim_system *sys, unsigned char *b)
{
    const ke_system *ke = ke_state(sys);
    bool x64 = ke->config.arch == NTSIM_ARCH_X64; /* the system's: a WOW64 process sees the same page */
    uint64_t since_boot = ke->time - NTSIM_BOOT_TIME, ticks = since_boot / KE_CLOCK_INTERVAL;
    memset(b, 0, SHARED_BYTES);
    put32(b, 0x000, (uint32_t)ticks);                  /* TickCountLowDeprecated */
    put32(b, 0x004, TICK_COUNT_MULTIPLIER);
    put_system_time(b + 0x008, since_boot);            /* InterruptTime */
    put_system_time(b + 0x014, ke->time);              /* SystemTime: UTC, since 1601 */
    put_system_time(b + 0x020, 0);                     /* TimeZoneBias: ntsim's clock is UTC */
    uint16_t machine = x64 ? 0x8664 : 0x014C;          /* ImageNumberLow/High */
    memcpy(b + 0x02C, &machine, 2);
    memcpy(b + 0x02E, &machine, 2);
    static const char root[] = "C:\\Windows";         /* NtSystemRoot, WCHAR[260] */
    for (size_t i = 0; i < sizeof root - 1; i++)
        b[0x030 + 2 * i] = (unsigned char)root[i];
    put32(b, 0x264, 1);                                /* NtProductType: VER_NT_WORKSTATION */
    b[0x268] = 1;                                      /* ProductTypeIsValid */
    put32(b, 0x26C, 10);                               /* NtMajorVersion */
    put32(b, 0x270, 0);                                /* NtMinorVersion */
    put32(b, 0x2E8, (uint32_t)(ke->config.memory / 4096)); /* NumberOfPhysicalPages */
    memcpy(b + 0x320, &ticks, 8);                      /* TickCountQuad */
}

NTSTATUS sys_refresh_shared_data(ntsim_system *sys, ps_process *p, ULONG_PTR address, SIZE_T length)
{
    if (!p->vm || !length || address >= SHARED_DATA + SHARED_BYTES || address + length <= SHARED_DATA)
        return STATUS_SUCCESS;
    unsigned char b[SHARED_BYTES];
    build(sys, b);
    return mm_page_store_fill(p->pages, SHARED_DATA, b, sizeof b);
}
