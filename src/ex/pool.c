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

#include "ex/ex.h"
#include "ke/context.h"
#include "rtl/alloc.h"

struct ex_pool_block {
    LIST_ENTRY link;      /* its owner's blocks; while freed, a lookaside list (Flink only) */
    ex_pool_owner *owner;
    ULONG tag;
    SIZE_T size;          /* 0 while freed on a lookaside list */
    _Alignas(16) unsigned char data[];
};

static ex_pool_block *block_of(PVOID p)
{
    return (ex_pool_block *)((unsigned char *)p - offsetof(ex_pool_block, data));
}

void ex_pool_owner_init(ex_pool_owner *owner, const char *name)
{
    InitializeListHead(&owner->blocks);
    owner->count = 0;
    owner->name = name;
}

void ex_initialize(ntsim_system *sys)
{
    ex_pool_owner_init(&ex_state(sys)->kernel_pool, "");
}

static void link_block(ex_pool_block *b)
{
    InsertTailList(&b->owner->blocks, &b->link);
    b->owner->count++;
}

static void unlink_block(ex_pool_block *b)
{
    RemoveEntryList(&b->link);
    b->owner->count--;
}

enum { CLASS_BYTES = 16, CLASSES = EX_POOL_CLASSES, MAX_DEPTH = 256 };

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
    ex_system *ex = ex_state(ke_current_system(api));
    if (size == 0 || size > ((SIZE_T)1 << 40))
        return NULL;
    size_t c = size_class(size);
    ex_pool_block *b;
    if (c < CLASSES && ex->lookaside[c]) {
        b = ex->lookaside[c];
        ex->lookaside[c] = (ex_pool_block *)b->link.Flink;
        ex->lookaside_depth[c]--;
        memset(b, 0, sizeof *b + (c + 1) * CLASS_BYTES);
    } else {
        /* A block of a class is the class's full size: any size of it can reuse it. */
        b = rtl_zalloc(sizeof *b + (c < CLASSES ? (c + 1) * CLASS_BYTES : size));
        if (!b)
            return NULL;
    }
    ex_pool_owner *owner = ex->current_pool_owner ? ex->current_pool_owner() : NULL;
    b->owner = owner ? owner : &ex->kernel_pool;
    b->tag = tag;
    b->size = size;
    link_block(b);
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
    ex_system *ex = ex_state(ke_current_system("ExFreePoolWithTag"));
    ex_pool_block *b = block_of(P);
    if (b->size == 0) {
        /* Waiting on a lookaside list: freed already. Windows stops with
           bug check BAD_POOL_CALLER (0xC2, parameter 7); so does ntsim. */
        fprintf(stderr, "ntsim: BAD_POOL_CALLER (0xC2): ExFreePoolWithTag of a block already freed (tag %.4s)\n",
                (const char *)&b->tag);
        abort();
    }
    unlink_block(b);
    size_t c = size_class(b->size);
    if (c < CLASSES && ex->lookaside_depth[c] < MAX_DEPTH) {
        b->size = 0; /* the mark of a freed block (a live one has at least a byte) */
        b->link.Flink = (LIST_ENTRY *)ex->lookaside[c];
        ex->lookaside[c] = b;
        ex->lookaside_depth[c]++;
        return;
    }
    rtl_free(b);
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

void ex_pool_report_and_free(ntsim_system *sys, ex_pool_owner *owner)
{
    /* One event per tag, in the order of each tag's oldest block. */
    while (!IsListEmpty(&owner->blocks)) {
        ULONG tag = CONTAINING_RECORD(owner->blocks.Flink, ex_pool_block, link)->tag;
        ULONG blocks = 0;
        SIZE_T bytes = 0;
        for (LIST_ENTRY *e = owner->blocks.Flink, *next; e != &owner->blocks; e = next) {
            next = e->Flink;
            ex_pool_block *b = CONTAINING_RECORD(e, ex_pool_block, link);
            if (b->tag != tag)
                continue;
            blocks++;
            bytes += b->size;
            unlink_block(b);
            rtl_free(b);
        }
        char text[5];
        tag_text(tag, text);
        ntsim_event e = { .kind = NTSIM_EVENT_POOL_LEAK, .image = owner->name, .text = text, .count = blocks,
                          .size = bytes };
        ke_deliver_event(sys, &e);
    }
}

void ex_shutdown(ntsim_system *sys)
{
    ex_system *ex = ex_state(sys);
    ex_pool_report_and_free(sys, &ex->kernel_pool);
    for (size_t c = 0; c < CLASSES; c++) {
        while (ex->lookaside[c]) {
            ex_pool_block *b = ex->lookaside[c];
            ex->lookaside[c] = (ex_pool_block *)b->link.Flink;
            rtl_free(b);
        }
        ex->lookaside_depth[c] = 0;
    }
}
