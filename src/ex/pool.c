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
 *
 * The flags are ExAllocatePool2's, as the WDK documents POOL_FLAGS (see
 * wdk.h for what ntsim does with each).
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
    void *base;           /* what the host allocated: the block, but for a cache-aligned one */
    ULONG tag;
    SIZE_T size;          /* 0 while freed on a lookaside list */
    uint64_t sequence;    /* its allocation's number (ex_system.pool_sequence) */
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
    ex_state(sys)->boot_time = ke_state(sys)->time;
    InitializeListHead(&ex_state(sys)->events);
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

enum {
    CLASS_BYTES = 16,
    CLASSES = EX_POOL_CLASSES,
    MAX_DEPTH = NTSIM_LOOKASIDE_MAXIMUM_DEPTH,
    CACHE_LINE = 64,
    UNINITIALIZED_FILL = 0xCD, /* what a new block asked for uninitialized holds */
};

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

/* What an allocation asks of the pool, whichever call made it. */
typedef struct pool_request {
    const char *api;
    SIZE_T size;
    ULONG tag;
    bool uninitialized; /* leave the contents as they are */
    bool cache_aligned;
    bool raise;         /* a failure raises instead of returning NULL */
} pool_request;

/* A new block from the host with room for `bytes` (NULL when it has none);
   a cache-aligned one puts its data on a cache line, the header just below. */
static ex_pool_block *host_block(size_t bytes, bool cache_aligned)
{
    if (!cache_aligned) {
        ex_pool_block *b = rtl_malloc(sizeof *b + bytes);
        if (b)
            b->base = b;
        return b;
    }
    size_t lead = (sizeof(ex_pool_block) + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
    size_t total = (lead + bytes + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
    unsigned char *base = rtl_aligned_alloc(CACHE_LINE, total);
    if (!base)
        return NULL;
    ex_pool_block *b = (ex_pool_block *)(base + lead - sizeof(ex_pool_block));
    b->base = base;
    return b;
}

/* A block for rq: a freed one of its size class if there is one (its old
   contents kept), else a new one (filled); NULL when the host has no memory. */
static ex_pool_block *take_block(ex_system *ex, const pool_request *rq)
{
    size_t c = rq->cache_aligned ? CLASSES : size_class(rq->size);
    size_t bytes = c < CLASSES ? (c + 1) * CLASS_BYTES : rq->size; /* any size of a class can reuse its blocks */
    ex_pool_block *b = c < CLASSES ? ex->lookaside[c] : NULL;
    if (b) {
        ex->lookaside[c] = (ex_pool_block *)b->link.Flink;
        ex->lookaside_depth[c]--;
        if (!rq->uninitialized)
            memset(b->data, 0, bytes);
        return b;
    }
    if (!(b = host_block(bytes, rq->cache_aligned)))
        return NULL;
    memset(b->data, rq->uninitialized ? UNINITIALIZED_FILL : 0, bytes);
    return b;
}

/* The exception an allocation raises goes unhandled: ntsim has no handlers. */
static _Noreturn void raise_failure(ntsim_system *sys, const char *api)
{
    char why[160];
    snprintf(why, sizeof why, "%s failed and raised STATUS_INSUFFICIENT_RESOURCES, which nothing handles", api);
    ULONG code = ke_state(sys)->running_fiber ? SYSTEM_THREAD_EXCEPTION_NOT_HANDLED : KMODE_EXCEPTION_NOT_HANDLED;
    ke_bug_check(code, (ULONG_PTR)(ULONG)STATUS_INSUFFICIENT_RESOURCES, 0, 0, 0, why);
}

static PVOID allocate(ntsim_system *sys, const pool_request *rq)
{
    ex_system *ex = ex_state(sys);
    ex_pool_block *b = NULL;
    if (rq->size != 0 && rq->size <= ((SIZE_T)1 << 40))
        b = take_block(ex, rq);
    if (!b) {
        if (rq->raise)
            raise_failure(sys, rq->api);
        return NULL;
    }
    ex_pool_owner *owner = ex->current_pool_owner ? ex->current_pool_owner() : NULL;
    b->owner = owner ? owner : &ex->kernel_pool;
    b->tag = rq->tag;
    b->size = rq->size;
    b->sequence = ++ex->pool_sequence;
    link_block(b);
    return b->data;
}

/* The cache-aligned types: NonPagedPoolCacheAligned, PagedPoolCacheAligned, ... */
static bool cache_aligned_type(POOL_TYPE type)
{
    ULONG base = (ULONG)type & 7;
    return base >= NonPagedPoolCacheAligned && base <= NonPagedPoolCacheAlignedMustS;
}

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    ntsim_system *sys = ke_current_system("ExAllocatePoolWithTag");
    pool_request rq = { .api = "ExAllocatePoolWithTag", .size = NumberOfBytes, .tag = Tag,
                        .cache_aligned = cache_aligned_type(PoolType),
                        .raise = ((ULONG)PoolType & POOL_RAISE_IF_ALLOCATION_FAILURE) != 0 };
    return allocate(sys, &rq);
}

#define KNOWN_REQUIRED_FLAGS                                                                                       \
    (POOL_FLAG_USE_QUOTA | POOL_FLAG_UNINITIALIZED | POOL_FLAG_SESSION | POOL_FLAG_CACHE_ALIGNED |                \
     POOL_FLAG_RESERVED1 | POOL_FLAG_RAISE_ON_FAILURE | POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE |      \
     POOL_FLAG_PAGED | POOL_FLAG_RESERVED2 | POOL_FLAG_RESERVED3)

/* Required flags ntsim recognizes and can meet: exactly one pool, nothing
   reserved to the system, no session pool (ntsim has none). */
static bool flags_valid(POOL_FLAGS flags)
{
    POOL_FLAGS required = flags & 0xFFFFFFFFull;
    if (required & ~KNOWN_REQUIRED_FLAGS)
        return false;
    if (required & (POOL_FLAG_SESSION | POOL_FLAG_RESERVED1 | POOL_FLAG_RESERVED2 | POOL_FLAG_RESERVED3))
        return false;
    POOL_FLAGS pools = required & (POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED);
    return pools != 0 && (pools & (pools - 1)) == 0;
}

static bool priority_known(EX_POOL_PRIORITY p)
{
    static const EX_POOL_PRIORITY known[] = {
        LowPoolPriority, LowPoolPrioritySpecialPoolOverrun, LowPoolPrioritySpecialPoolUnderrun,
        NormalPoolPriority, NormalPoolPrioritySpecialPoolOverrun, NormalPoolPrioritySpecialPoolUnderrun,
        HighPoolPriority, HighPoolPrioritySpecialPoolOverrun, HighPoolPrioritySpecialPoolUnderrun,
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (p == known[i])
            return true;
    return false;
}

/* Whether ntsim can honour one extended parameter: a known priority (which
   changes nothing: the pool never runs low), NUMA node 0 or any node (and
   only non-paged pool has nodes); not secure pool, nor an unknown type. */
static bool parameter_honoured(const POOL_EXTENDED_PARAMETER *p, POOL_FLAGS flags)
{
    switch (p->Type) {
    case PoolExtendedParameterPriority:
        return priority_known(p->Priority);
    case PoolExtendedParameterNumaNode:
        return !(flags & POOL_FLAG_NON_PAGED) || (p->PreferredNode & MM_ANY_NODE_OK) || p->PreferredNode == 0;
    default:
        return false;
    }
}

static PVOID allocate_flags(const char *api, POOL_FLAGS flags, SIZE_T size, ULONG tag,
                            PCPOOL_EXTENDED_PARAMETER params, ULONG count)
{
    ntsim_system *sys = ke_current_system(api);
    pool_request rq = { .api = api, .size = size, .tag = tag,
                        .uninitialized = (flags & POOL_FLAG_UNINITIALIZED) != 0,
                        .cache_aligned = (flags & POOL_FLAG_CACHE_ALIGNED) != 0,
                        .raise = (flags & POOL_FLAG_RAISE_ON_FAILURE) != 0 };
    bool valid = tag != 0 && flags_valid(flags) && (count == 0 || params);
    for (ULONG i = 0; valid && i < count; i++)
        valid = parameter_honoured(&params[i], flags) || params[i].Optional;
    if (!valid) {
        if (rq.raise)
            raise_failure(sys, api);
        return NULL;
    }
    return allocate(sys, &rq);
}

PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    return allocate_flags("ExAllocatePool2", Flags, NumberOfBytes, Tag, NULL, 0);
}

PVOID ExAllocatePool3(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag, PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
                      ULONG ExtendedParametersCount)
{
    return allocate_flags("ExAllocatePool3", Flags, NumberOfBytes, Tag, ExtendedParameters,
                          ExtendedParametersCount);
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
        char why[96];
        char tag[5] = { 0 };
        memcpy(tag, &b->tag, 4);
        snprintf(why, sizeof why, "ExFreePoolWithTag of a block already freed (tag %.4s)", tag);
        ke_bug_check(BAD_POOL_CALLER, 7, 0, b->tag, (ULONG_PTR)(uintptr_t)P, why);
    }
    unlink_block(b);
    size_t c = b->base == b ? size_class(b->size) : CLASSES;
    if (c < CLASSES && ex->lookaside_depth[c] < MAX_DEPTH) {
        b->size = 0; /* the mark of a freed block (a live one has at least a byte) */
        b->link.Flink = (LIST_ENTRY *)ex->lookaside[c];
        ex->lookaside[c] = b;
        ex->lookaside_depth[c]++;
        return;
    }
    rtl_free(b->base);
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
            rtl_free(b->base);
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
    ex_free_events(sys);
    for (size_t c = 0; c < CLASSES; c++) {
        while (ex->lookaside[c]) {
            ex_pool_block *b = ex->lookaside[c];
            ex->lookaside[c] = (ex_pool_block *)b->link.Flink;
            rtl_free(b->base);
        }
        ex->lookaside_depth[c] = 0;
    }
}

void ex_pool_walk(const ex_pool_owner *owner, bool (*cb)(void *context, const ex_pool_info *info), void *context)
{
    for (const LIST_ENTRY *e = owner->blocks.Flink; e != &owner->blocks; e = e->Flink) {
        const ex_pool_block *b = CONTAINING_RECORD(e, ex_pool_block, link);
        ex_pool_info info = { b->sequence, b->tag, b->size, b->data };
        if (!cb(context, &info))
            return;
    }
}
