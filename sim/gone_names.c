/* gone_names.c - a packed, append-only store of gone names: one arena of
   records and an open-addressing index of offsets with 8-bit hash tags. */
#include <string.h>

#include "gone_names.h"
#include "names.h"
#include "rtl/alloc.h"

enum { HEADER = 7, KIND_MASK = 3, FLAG_ENDED = 4, FLAG_DEAD = 8 };

typedef struct record {
    uint32_t line;
    uint8_t flags;
    uint16_t len;
    const char *name;
} record;

static record read_record(const sim_gone_names *g, size_t off)
{
    record r;
    memcpy(&r.line, g->arena + off, 4);
    r.flags = g->arena[off + 4];
    memcpy(&r.len, g->arena + off + 5, 2);
    r.name = (const char *)g->arena + off + HEADER;
    return r;
}

static uint8_t tag_of(uint64_t hash)
{
    return (uint8_t)(hash >> 56);
}

void sim_gone_free(sim_gone_names *g)
{
    rtl_free(g->arena);
    rtl_free(g->slots);
    rtl_free(g->tags);
    memset(g, 0, sizeof *g);
}

bool sim_gone_find(const sim_gone_names *g, int kind, const char *name, size_t len, uint64_t hash,
                   sim_gone_name *out)
{
    if (g->slot_cap == 0)
        return false;
    size_t mask = g->slot_cap - 1;
    for (size_t i = hash & mask; g->slots[i]; i = (i + 1) & mask) {
        if (g->tags[i] != tag_of(hash))
            continue;
        record r = read_record(g, g->slots[i] - 1);
        if ((r.flags & (KIND_MASK | FLAG_DEAD)) == kind && r.len == len && memcmp(r.name, name, len) == 0) {
            out->name = r.name;
            out->line = (int)r.line;
            out->ended = r.flags & FLAG_ENDED;
            out->offset = g->slots[i] - 1;
            return true;
        }
    }
    return false;
}

static void index_insert(uint32_t *slots, uint8_t *tags, size_t cap, uint64_t hash, uint32_t off)
{
    size_t i = hash & (cap - 1);
    while (slots[i])
        i = (i + 1) & (cap - 1);
    slots[i] = off + 1;
    tags[i] = tag_of(hash);
}

/* Rebuilds the index at cap slots and the arena without its dead records
   (when compact); false (nothing changed) when out of memory. */
static bool rebuild(sim_gone_names *g, size_t cap, bool compact)
{
    uint32_t *slots = rtl_calloc(cap, sizeof *slots);
    uint8_t *tags = rtl_malloc(cap);
    unsigned char *arena = compact ? rtl_malloc(g->cap) : g->arena;
    if (!slots || !tags || !arena) {
        rtl_free(slots);
        rtl_free(tags);
        if (compact)
            rtl_free(arena);
        return false;
    }
    size_t used = 0, count = 0;
    for (size_t off = 0; off < g->used;) {
        record r = read_record(g, off);
        size_t size = HEADER + r.len + 1u;
        if (!(r.flags & FLAG_DEAD)) {
            size_t to = compact ? used : off;
            if (compact)
                memcpy(arena + used, g->arena + off, size);
            index_insert(slots, tags, cap, sim_name_hash((sim_name_kind)(r.flags & KIND_MASK), r.name, r.len),
                         (uint32_t)to);
            used += size;
            count++;
        }
        off += size;
    }
    if (compact) {
        rtl_free(g->arena);
        g->arena = arena;
        g->used = used;
        g->dead = 0;
        g->count = count;
    }
    rtl_free(g->slots);
    rtl_free(g->tags);
    g->slots = slots;
    g->tags = tags;
    g->slot_cap = cap;
    return true;
}

/* Room for one more record of size bytes. */
static bool reserve(sim_gone_names *g, size_t size)
{
    if (g->dead > 64 && g->dead * 2 > g->count && !rebuild(g, g->slot_cap, true))
        return false; /* most records were revived: drop them first */
    if (g->used + size > g->cap) {
        size_t cap = g->cap ? g->cap : 4096;
        while (g->used + size > cap)
            cap *= 2;
        if (cap > UINT32_MAX)
            return false; /* offsets are 32-bit */
        unsigned char *a = rtl_realloc(g->arena, cap);
        if (!a)
            return false;
        g->arena = a;
        g->cap = cap;
    }
    if ((g->count + 1) * 2 > g->slot_cap && !rebuild(g, g->slot_cap ? g->slot_cap * 2 : 1024, false))
        return false;
    return true;
}

bool sim_gone_add(sim_gone_names *g, int kind, const char *name, size_t len, uint64_t hash, int line, bool ended)
{
    size_t size = HEADER + len + 1;
    if (len > UINT16_MAX || !reserve(g, size))
        return false;
    unsigned char *p = g->arena + g->used;
    uint32_t l = (uint32_t)line;
    uint16_t n = (uint16_t)len;
    memcpy(p, &l, 4);
    p[4] = (uint8_t)(kind | (ended ? FLAG_ENDED : 0));
    memcpy(p + 5, &n, 2);
    memcpy(p + HEADER, name, len);
    p[HEADER + len] = '\0';
    index_insert(g->slots, g->tags, g->slot_cap, hash, (uint32_t)g->used);
    g->used += size;
    g->count++;
    return true;
}

void sim_gone_end(sim_gone_names *g, uint32_t offset)
{
    g->arena[offset + 4] |= FLAG_ENDED;
}

void sim_gone_revive(sim_gone_names *g, uint32_t offset)
{
    g->arena[offset + 4] |= FLAG_DEAD;
    g->dead++;
}
