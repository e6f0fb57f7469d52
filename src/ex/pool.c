/*
 * pool.c - the executive's pool: tagged allocations charged to the driver
 * whose code asked for them, so that what a driver forgets to free can be
 * reported when it unloads (Driver Verifier's pool tracking, in miniature).
 *
 * Small blocks, once freed, wait on lookaside lists by size class and serve
 * the next allocation of their class, as Windows' per-processor lookaside
 * lists do for small pool blocks: a driver that queues an item per
 * notification allocates and frees the same few sizes all the time. Each
 * list keeps at most 256 blocks (a lookaside list's maximum depth). Under
 * AddressSanitizer every block goes back to the host at once, so that a use
 * after free is still caught.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "ke/context.h"
#include "system/system.h"
#include "rtl/zalloc.h"

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

enum { CLASS_BYTES = 16, CLASSES = 32, MAX_DEPTH = 256 };

#if defined(__SANITIZE_ADDRESS__)
#define LOOKASIDE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOOKASIDE 0
#endif
#endif
#ifndef LOOKASIDE
#define LOOKASIDE 1
#endif

/* The size class of a block of `size` bytes, or CLASSES when it has none. */
static size_t size_class(SIZE_T size)
{
    size_t c = (size + CLASS_BYTES - 1) / CLASS_BYTES - 1;
    return LOOKASIDE && c < CLASSES ? c : CLASSES;
}

static PVOID allocate(const char *api, SIZE_T size, ULONG tag)
{
    ntsim_system *sys = ke_current_system(api);
    if (size == 0 || size > ((SIZE_T)1 << 40))
        return NULL;
    size_t c = size_class(size);
    ex_pool_block *b;
    if (c < CLASSES && sys->io.lookaside[c]) {
        b = sys->io.lookaside[c];
        sys->io.lookaside[c] = b->next;
        sys->io.lookaside_depth[c]--;
        memset(b, 0, sizeof *b + (c + 1) * CLASS_BYTES);
    } else {
        /* A block of a class is the class's full size: any size of it can reuse it. */
        b = rtl_zalloc(sizeof *b + (c < CLASSES ? (c + 1) * CLASS_BYTES : size));
        if (!b)
            return NULL;
    }
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
    if (b->size == 0) {
        /* Waiting on a lookaside list: freed already. Windows stops with
           bug check BAD_POOL_CALLER (0xC2, parameter 7); so does ntsim. */
        fprintf(stderr, "ntsim: BAD_POOL_CALLER (0xC2): ExFreePoolWithTag of a block already freed (tag %.4s)\n",
                (const char *)&b->tag);
        abort();
    }
    unlink_block(sys, b);
    size_t c = size_class(b->size);
    if (c < CLASSES && sys->io.lookaside_depth[c] < MAX_DEPTH) {
        b->size = 0; /* the mark of a freed block (a live one has at least a byte) */
        b->next = sys->io.lookaside[c];
        sys->io.lookaside[c] = b;
        sys->io.lookaside_depth[c]++;
        return;
    }
    free(b);
}

void ex_pool_free_lookaside(ntsim_system *sys)
{
    for (size_t c = 0; c < CLASSES; c++) {
        while (sys->io.lookaside[c]) {
            ex_pool_block *b = sys->io.lookaside[c];
            sys->io.lookaside[c] = b->next;
            free(b);
        }
        sys->io.lookaside_depth[c] = 0;
    }
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
