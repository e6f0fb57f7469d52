/*
 * pool.c - the executive's pool: tagged allocations charged to the driver
 * whose code asked for them, so that what a driver forgets to free can be
 * reported when it unloads (Driver Verifier's pool tracking, in miniature).
 */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "ke/context.h"
#include "ke/system.h"

struct ex_pool_block {
    ex_pool_block *prev, *next;
    io_driver *driver;
    ULONG tag;
    SIZE_T size;
    _Alignas(16) unsigned char data[];
};

static ex_pool_block *block_of(PVOID p)
{
    return (ex_pool_block *)((unsigned char *)p - offsetof(ex_pool_block, data));
}

static void link_block(ntsim_system *sys, ex_pool_block *b)
{
    ex_pool_block **first = b->driver ? &b->driver->pool_first : &sys->io.kernel_first;
    ex_pool_block **last = b->driver ? &b->driver->pool_last : &sys->io.kernel_last;
    b->prev = *last;
    b->next = NULL;
    if (*last)
        (*last)->next = b;
    else
        *first = b;
    *last = b;
    if (b->driver)
        b->driver->pool_blocks++;
}

static void unlink_block(ntsim_system *sys, ex_pool_block *b)
{
    ex_pool_block **first = b->driver ? &b->driver->pool_first : &sys->io.kernel_first;
    ex_pool_block **last = b->driver ? &b->driver->pool_last : &sys->io.kernel_last;
    if (b->prev)
        b->prev->next = b->next;
    else
        *first = b->next;
    if (b->next)
        b->next->prev = b->prev;
    else
        *last = b->prev;
    if (b->driver)
        b->driver->pool_blocks--;
}

static PVOID allocate(const char *api, SIZE_T size, ULONG tag)
{
    ntsim_system *sys = ke_current_system(api);
    if (size == 0 || size > ((SIZE_T)1 << 40))
        return NULL;
    ex_pool_block *b = calloc(1, sizeof *b + size);
    if (!b)
        return NULL;
    b->driver = ke_current_driver();
    b->tag = tag;
    b->size = size;
    link_block(sys, b);
    return b->data;
}

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    (void)PoolType;
    return allocate("ExAllocatePoolWithTag", NumberOfBytes, Tag);
}

PVOID ExAllocatePool2(ULONG64 Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    (void)Flags;
    return allocate("ExAllocatePool2", NumberOfBytes, Tag);
}

void ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    (void)Tag;
    if (!P)
        return;
    ntsim_system *sys = ke_current_system("ExFreePoolWithTag");
    ex_pool_block *b = block_of(P);
    unlink_block(sys, b);
    free(b);
}

void ExFreePool(PVOID P)
{
    ExFreePoolWithTag(P, 0);
}

/* Tags print as their four characters, low byte first ('SysM' reads "SysM"). */
static void tag_text(ULONG tag, char out[5])
{
    for (int i = 0; i < 4; i++) {
        char c = (char)((tag >> (8 * i)) & 0xFF);
        out[i] = c >= 0x20 && c < 0x7F ? c : '?';
    }
    out[4] = '\0';
}

void ex_pool_report_and_free(ntsim_system *sys, io_driver *driver)
{
    ex_pool_block **first = driver ? &driver->pool_first : &sys->io.kernel_first;
    /* One event per tag, in the order of each tag's oldest block. */
    while (*first) {
        ULONG tag = (*first)->tag;
        ULONG blocks = 0;
        SIZE_T bytes = 0;
        for (ex_pool_block *b = *first, *next; b; b = next) {
            next = b->next;
            if (b->tag != tag)
                continue;
            blocks++;
            bytes += b->size;
            unlink_block(sys, b);
            free(b);
        }
        char text[5];
        tag_text(tag, text);
        ntsim_event e = { .kind = NTSIM_EVENT_POOL_LEAK, .image = driver ? driver->name : "", .text = text,
                          .count = blocks, .size = bytes };
        ke_deliver_event(sys, &e);
    }
}
