/*
 * pool.c - fixed-size object pools for VADs and page runs. Objects come in
 * chunks from the host heap, so an allocation costs exactly its struct size
 * (no per-object malloc header) and is counted for the benchmarks.
 */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE /* madvise */
#endif
#include <stdint.h>
#include <stdlib.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "mm/mm_internal.h"
#include "rtl/alloc.h"

#define POOL_MIN_CHUNK 16
#define POOL_DOUBLING 4096            /* chunks double up to this many objects, then grow by 1/16 */
#define POOL_HUGE (2u << 20)          /* a host huge page */
#define POOL_HUGE_AFTER (16u << 20)   /* pools this big take whole huge pages */

/* A chunk's first 64 bytes: the next chunk, the host block it was carved
   from, and its size (which the chunk cache matches on). */
#define CHUNK_NEXT(c) (((void **)(c))[0])
#define CHUNK_RAW(c) (((void **)(c))[1])
#define CHUNK_BYTES(c) (((size_t *)(c))[2])

void mm_pool_init(mm_pool *p, size_t object_size, mm_chunk_cache *cache)
{
    p->object_size = object_size < sizeof(void *) ? sizeof(void *) : object_size;
    p->free_list = NULL;
    p->chunks = NULL;
    p->live = p->capacity = 0;
    p->bytes = 0;
    p->cache = cache;
}

/* Keeps a chunk for the next pool that wants one of its size; false when
   the cache is full for it (the caller frees it). */
static bool cache_put(mm_chunk_cache *cc, void *c)
{
    size_t bytes = CHUNK_BYTES(c);
    if (!cc || bytes > MM_CHUNK_MAX_BYTES)
        return false;
    for (int i = 0; i < MM_CHUNK_CLASSES; i++) {
        if (cc->cls[i].bytes == 0)
            cc->cls[i].bytes = bytes;
        if (cc->cls[i].bytes != bytes)
            continue;
        if (cc->bytes_kept + bytes > MM_CHUNK_BUDGET)
            return false;
        cc->bytes_kept += bytes;
        CHUNK_NEXT(c) = cc->cls[i].list;
        cc->cls[i].list = c;
        cc->cls[i].count++;
        return true;
    }
    return false;
}

static void *cache_get(mm_chunk_cache *cc, size_t bytes)
{
    if (!cc)
        return NULL;
    for (int i = 0; i < MM_CHUNK_CLASSES && cc->cls[i].bytes; i++) {
        if (cc->cls[i].bytes != bytes || !cc->cls[i].list)
            continue;
        void *c = cc->cls[i].list;
        cc->cls[i].list = CHUNK_NEXT(c);
        cc->cls[i].count--;
        cc->bytes_kept -= bytes;
        return c;
    }
    return NULL;
}

void mm_chunk_cache_free(mm_chunk_cache *cc)
{
    for (int i = 0; i < MM_CHUNK_CLASSES; i++) {
        for (void *c = cc->cls[i].list, *next; c; c = next) {
            next = CHUNK_NEXT(c);
            rtl_free(CHUNK_RAW(c));
        }
        cc->cls[i].list = NULL;
        cc->cls[i].count = 0;
        cc->cls[i].bytes = 0;
    }
    cc->bytes_kept = 0;
}

unsigned mm_chunk_cache_count(const mm_chunk_cache *cc)
{
    unsigned n = 0;
    for (int i = 0; i < MM_CHUNK_CLASSES; i++)
        n += cc->cls[i].count;
    return n;
}

void mm_pool_destroy(mm_pool *p)
{
    void *c = p->chunks;
    while (c) {
        void *next = CHUNK_NEXT(c);
        if (!cache_put(p->cache, c))
            rtl_free(CHUNK_RAW(c));
        c = next;
    }
    mm_pool_init(p, p->object_size, p->cache);
}

/* Chunks double while the pool is small (16 .. 4096 objects, so a small
 * space stays small), then grow by 1/16 of the pool (so at most ~6% is
 * spare). Past 16 MB a chunk is one 2 MB-aligned host huge page: at 10^6
 * allocations the VADs and index leaves span ~120 MB, and with 4 KiB pages
 * nearly every random lookup would also miss the TLB. */
static bool grow(mm_pool *p)
{
    /* Big objects (index nodes, 832 bytes) start one to a chunk. */
    size_t min = p->object_size >= 512 ? 1 : p->object_size >= 256 ? 2 : POOL_MIN_CHUNK;
    size_t n = p->capacity < POOL_DOUBLING ? p->capacity : p->capacity / 16;
    if (n < min)
        n = min;
    /* The chunk's link takes the first 64 bytes, so objects keep the chunk's
     * cache-line alignment (index nodes are whole cache lines). */
    size_t head = 64, align = 64, bytes = align_up(head + n * p->object_size, 64);
    bool huge = p->capacity * p->object_size >= POOL_HUGE_AFTER;
    if (huge) {
        align = bytes = POOL_HUGE;
        n = (bytes - head) / p->object_size;
    }
    /* Small chunks come from the system's cache of chunks that exited
       processes gave back, else from malloc's fast path, aligned by hand:
       aligned_alloc costs several times more. */
    char *c = huge ? NULL : cache_get(p->cache, bytes);
    if (!c) {
        char *raw = huge ? rtl_aligned_alloc(align, bytes) : rtl_malloc(bytes + align);
        if (!raw)
            return false;
        c = huge ? raw : (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        if (huge)
            madvise(c, bytes, MADV_HUGEPAGE); /* a hint: without it the pool still works */
#endif
        CHUNK_RAW(c) = raw;
        CHUNK_BYTES(c) = bytes;
    }
    CHUNK_NEXT(c) = p->chunks;
    p->chunks = c;
    for (size_t i = n; i-- > 0;) {
        void *obj = c + head + i * p->object_size;
        *(void **)obj = p->free_list;
        p->free_list = obj;
    }
    p->capacity += n;
    p->bytes += bytes;
    return true;
}

bool mm_pool_reserve(mm_pool *p, size_t n)
{
    while (p->capacity - p->live < n)
        if (!grow(p))
            return false;
    return true;
}

void *mm_pool_get(mm_pool *p)
{
    if (!p->free_list && !grow(p))
        return NULL;
    void *obj = p->free_list;
    p->free_list = *(void **)obj;
    p->live++;
    return obj;
}

void mm_pool_put(mm_pool *p, void *obj)
{
    *(void **)obj = p->free_list;
    p->free_list = obj;
    p->live--;
}
