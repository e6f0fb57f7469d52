/*
 * pool.c - fixed-size object pools for VADs and page runs. Objects come in
 * chunks from the host heap, so an allocation costs exactly its struct size
 * (no per-object malloc header) and is counted for the benchmarks.
 */
#include <stdlib.h>

#include "mm/mm_internal.h"

#define POOL_MIN_CHUNK 16
#define POOL_MAX_CHUNK 4096

void mm_pool_init(mm_pool *p, size_t object_size)
{
    p->object_size = object_size < sizeof(void *) ? sizeof(void *) : object_size;
    p->free_list = NULL;
    p->chunks = NULL;
    p->live = p->capacity = 0;
    p->bytes = 0;
}

void mm_pool_destroy(mm_pool *p)
{
    void *c = p->chunks;
    while (c) {
        void *next = *(void **)c;
        free(c);
        c = next;
    }
    mm_pool_init(p, p->object_size);
}

/* Chunks grow with the pool (16 .. 4096 objects) so a small space stays small. */
static bool grow(mm_pool *p)
{
    /* Big objects (index nodes, 576 bytes) start two to a chunk. */
    size_t min = p->object_size >= 256 ? 2 : POOL_MIN_CHUNK;
    size_t n = p->capacity < min ? min : p->capacity;
    if (n > POOL_MAX_CHUNK)
        n = POOL_MAX_CHUNK;
    /* The chunk's link takes the first 64 bytes, so objects keep the chunk's
     * cache-line alignment (index nodes are whole cache lines). */
    size_t head = 64, bytes = align_up(head + n * p->object_size, 64);
    char *c = aligned_alloc(64, bytes);
    if (!c)
        return false;
    *(void **)c = p->chunks;
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
