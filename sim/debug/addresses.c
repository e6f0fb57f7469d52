/*
 * addresses.c - kernel addresses for ntsim's objects, chosen from the seed
 * and each object's creation number, never from where the host keeps it:
 * the same scenario and seed give the same addresses on every machine, and
 * every command shows an object at the one address.
 *
 * System space as this debugger draws it: one window of 64 GB per kind of
 * object (processes, threads, handle tables, drivers...) above a base drawn
 * from the seed (ffffXX00`00000000, XX in 80..df); an object lies at
 * base + kind's window + number x stride + the offset its body has behind
 * its pool and object headers. An address is decoded by the same sums.
 */
#include "session.h"

static const struct layout {
    uint64_t stride, offset;
} layouts[K_KINDS] = {
    [K_PROCESS] = { 0x1000, 0x080 },     /* an EPROCESS (0xa40 bytes) behind its headers */
    [K_THREAD] = { 0x1000, 0x080 },      /* an ETHREAD (0x898 bytes) */
    [K_HANDLE_TABLE] = { 0x100, 0x000 }, /* a process's HANDLE_TABLE: its process's number */
    [K_DRIVER] = { 0x1000, 0x050 },      /* a DRIVER_OBJECT */
    [K_DEVICE] = { 0x400, 0x050 },       /* a DEVICE_OBJECT: its driver's number x 256 + its own */
    [K_FILE] = { 0x200, 0x050 },         /* a FILE_OBJECT */
    [K_IRP] = { 0x400, 0x010 },          /* an IRP: its request number */
    [K_POOL] = { 0x10000, 0x010 },       /* a pool block's data, behind its POOL_HEADER */
    [K_EVENT] = { 0x100, 0x060 },        /* an event object's KEVENT */
    [K_VAD] = { 0x40, 0x000 },           /* a VAD node */
    [K_TYPE] = { 0x100, 0x020 },         /* an object type: its type index */
    [K_DIRECTORY] = { 0x100, 0x030 },    /* an object directory (\, \Device, \Driver) */
    [K_TOKEN] = { 0x800, 0x060 },        /* a TOKEN: its TokenId */
};

#define WINDOW_SHIFT 36 /* 64 GB per kind */

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

void dbg_addresses_init(sim_debugger *d, uint64_t seed)
{
    d->seed = seed;
    d->top = 0x8000u + (uint32_t)(mix(seed ^ 0x6e7473696dull) % 0x60u) * 0x100u;
}

static uint64_t window(const sim_debugger *d, dbg_kind kind)
{
    return 0xffff000000000000ull | ((uint64_t)d->top << 32) | ((uint64_t)kind << WINDOW_SHIFT);
}

uint64_t dbg_address(const sim_debugger *d, dbg_kind kind, uint64_t sequence)
{
    const struct layout *l = &layouts[kind];
    return window(d, kind) + sequence * l->stride + l->offset;
}

bool dbg_decode(const sim_debugger *d, uint64_t address, dbg_kind *kind, uint64_t *sequence)
{
    for (int k = K_PROCESS; k < K_KINDS; k++) {
        uint64_t w = window(d, (dbg_kind)k);
        if (address < w || address - w >= (1ull << WINDOW_SHIFT))
            continue;
        const struct layout *l = &layouts[k];
        uint64_t rel = address - w;
        if (rel < l->offset || (rel - l->offset) % l->stride != 0)
            return false;
        *kind = (dbg_kind)k;
        *sequence = (rel - l->offset) / l->stride;
        return true;
    }
    return false;
}
