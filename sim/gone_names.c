/* gone_names.c - the packed store of gone names: runs of numbered names by
   prefix, and for the others an append-only arena of records with an
   open-addressing index of offsets and 8-bit hash tags. */
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

enum { MAX_GROUPS = 16, MAX_DIGITS = 18 };

/* ---- runs of numbered names ------------------------------------------------ */

/* A numbered name's parts: "p17.main" is "p", 17 and ".main". */
typedef struct numbered {
    size_t prefix_len, suffix_len;
    uint64_t number;
} numbered;

/* Splits a name at its last number; false for a name without one, or
   whose number has a leading zero ("p007" is not "p7"). */
static bool split_number(const char *name, size_t len, numbered *out)
{
    size_t end = len;
    while (end > 0 && !(name[end - 1] >= '0' && name[end - 1] <= '9'))
        end--;
    size_t start = end;
    while (start > 0 && end - start <= MAX_DIGITS && name[start - 1] >= '0' && name[start - 1] <= '9')
        start--;
    size_t d = end - start;
    if (d == 0 || d > MAX_DIGITS || (start > 0 && name[start - 1] >= '0' && name[start - 1] <= '9') ||
        (d > 1 && name[start] == '0'))
        return false;
    uint64_t v = 0;
    for (size_t i = start; i < end; i++)
        v = v * 10 + (uint64_t)(name[i] - '0');
    *out = (numbered){ .prefix_len = start, .suffix_len = len - end, .number = v };
    return true;
}

static bool same_group(const sim_gone_group *gr, int kind, const char *name, size_t len, const numbered *p)
{
    return gr->kind == kind && gr->prefix_len == p->prefix_len && gr->suffix_len == p->suffix_len &&
           memcmp(gr->affixes, name, p->prefix_len) == 0 &&
           memcmp(gr->affixes + p->prefix_len, name + len - p->suffix_len, p->suffix_len) == 0;
}

static sim_gone_group *find_group(const sim_gone_names *g, int kind, const char *name, size_t len,
                                  const numbered *p)
{
    for (size_t i = 0; i < g->group_count; i++)
        if (same_group(&g->groups[i], kind, name, len, p))
            return &g->groups[i];
    return NULL;
}

/* The group of a numbered name, made if there is room for one more; NULL otherwise. */
static sim_gone_group *group_for(sim_gone_names *g, int kind, const char *name, size_t len, const numbered *p)
{
    sim_gone_group *gr = find_group(g, kind, name, len, p);
    if (gr || g->group_count == MAX_GROUPS)
        return gr;
    if (!g->groups && !(g->groups = rtl_calloc(MAX_GROUPS, sizeof *g->groups)))
        return NULL;
    char *affixes = rtl_malloc(p->prefix_len + p->suffix_len + 1);
    if (!affixes)
        return NULL;
    memcpy(affixes, name, p->prefix_len);
    memcpy(affixes + p->prefix_len, name + len - p->suffix_len, p->suffix_len);
    affixes[p->prefix_len + p->suffix_len] = '\0';
    gr = &g->groups[g->group_count++];
    *gr = (sim_gone_group){ .affixes = affixes, .prefix_len = (uint32_t)p->prefix_len,
                            .suffix_len = (uint32_t)p->suffix_len, .kind = kind };
    return gr;
}

/* The index of the last run starting at or below n, or -1. O(log runs). */
static ptrdiff_t locate(const sim_gone_group *gr, uint64_t n)
{
    ptrdiff_t lo = 0, hi = (ptrdiff_t)gr->count - 1, at = -1;
    while (lo <= hi) {
        ptrdiff_t mid = lo + (hi - lo) / 2;
        if (gr->runs[mid].first <= n) {
            at = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return at;
}

static int64_t line_of(const sim_gone_run *r, uint64_t n)
{
    return (int64_t)r->line + (int64_t)(n - r->first) * r->stride;
}

static bool fits_stride(int64_t stride)
{
    return stride >= INT32_MIN && stride <= INT32_MAX;
}

/* Room for extra more runs. */
static bool reserve_runs(sim_gone_group *gr, size_t extra)
{
    if (gr->count + extra <= gr->cap)
        return true;
    size_t cap = gr->cap ? gr->cap * 2 : 16;
    while (cap < gr->count + extra)
        cap *= 2;
    sim_gone_run *r = rtl_realloc(gr->runs, cap * sizeof *r);
    if (!r)
        return false;
    gr->runs = r;
    gr->cap = cap;
    return true;
}

static void remove_run(sim_gone_group *gr, size_t i)
{
    memmove(&gr->runs[i], &gr->runs[i + 1], (gr->count - i - 1) * sizeof *gr->runs);
    gr->count--;
}

/* Whether number n on line could extend run r at its end. */
static bool extends(const sim_gone_run *r, uint64_t n, int64_t line, bool ended)
{
    if (r->first + r->count != n || r->ended != ended || r->count == UINT32_MAX)
        return false;
    return r->count == 1 ? fits_stride(line - r->line) : line_of(r, n) == line;
}

/* Adds n (not in the group) with room for one run reserved: it extends a
   neighbour, joins two, or starts a run of its own. */
static void insert_number(sim_gone_group *gr, uint64_t n, int line, bool ended)
{
    ptrdiff_t i = locate(gr, n);
    size_t j = (size_t)(i + 1);
    if (i >= 0 && extends(&gr->runs[i], n, line, ended)) {
        sim_gone_run *r = &gr->runs[i];
        if (r->count == 1)
            r->stride = (int32_t)(line - r->line);
        r->count++;
        sim_gone_run *next = j < gr->count ? &gr->runs[j] : NULL;
        if (next && next->first == n + 1 && next->ended == ended && line_of(r, n + 1) == next->line &&
            (next->count == 1 || next->stride == r->stride) && (uint64_t)r->count + next->count < UINT32_MAX) {
            r->count += next->count;
            remove_run(gr, j);
        }
        return;
    }
    sim_gone_run *next = j < gr->count ? &gr->runs[j] : NULL;
    if (next && next->first == n + 1 && next->ended == ended && next->count < UINT32_MAX &&
        (next->count == 1 ? fits_stride((int64_t)next->line - line) : (int64_t)next->line - next->stride == line)) {
        if (next->count == 1)
            next->stride = (int32_t)(next->line - line);
        next->first = n;
        next->line = line;
        next->count++;
        return;
    }
    memmove(&gr->runs[j + 1], &gr->runs[j], (gr->count - j) * sizeof *gr->runs);
    gr->runs[j] = (sim_gone_run){ .first = n, .count = 1, .line = line, .ended = ended };
    gr->count++;
}

/* Takes n out of its run (split in two when inside it), with room for one run reserved. */
static void remove_number(sim_gone_group *gr, uint64_t n)
{
    size_t i = (size_t)locate(gr, n);
    sim_gone_run *r = &gr->runs[i];
    uint64_t k = n - r->first;
    if (r->count == 1) {
        remove_run(gr, i);
        return;
    }
    if (k == 0) {
        r->line = (int32_t)line_of(r, n + 1);
        r->first++;
        r->count--;
        return;
    }
    sim_gone_run tail = *r;
    tail.first = n + 1;
    tail.line = (int32_t)line_of(r, n + 1);
    tail.count = (uint32_t)(r->count - k - 1);
    r->count = (uint32_t)k;
    if (tail.count == 0)
        return;
    memmove(&gr->runs[i + 2], &gr->runs[i + 1], (gr->count - i - 1) * sizeof *gr->runs);
    gr->runs[i + 1] = tail;
    gr->count++;
}

static bool find_number(const sim_gone_names *g, int kind, const char *name, size_t len, sim_gone_name *out)
{
    numbered p;
    if (!g->group_count || !split_number(name, len, &p))
        return false;
    uint64_t n = p.number;
    const sim_gone_group *gr = find_group(g, kind, name, len, &p);
    ptrdiff_t i = gr ? locate(gr, n) : -1;
    if (i < 0 || n - gr->runs[i].first >= gr->runs[i].count)
        return false;
    out->line = (int)line_of(&gr->runs[i], n);
    out->ended = gr->runs[i].ended;
    out->group = (uint32_t)(gr - g->groups) + 1;
    out->key = n;
    return true;
}

/* ---- the store --------------------------------------------------------------- */

void sim_gone_free(sim_gone_names *g)
{
    for (size_t i = 0; i < g->group_count; i++) {
        rtl_free(g->groups[i].affixes);
        rtl_free(g->groups[i].runs);
    }
    rtl_free(g->groups);
    rtl_free(g->arena);
    rtl_free(g->slots);
    rtl_free(g->tags);
    memset(g, 0, sizeof *g);
}

bool sim_gone_find(const sim_gone_names *g, int kind, const char *name, size_t len, uint64_t hash,
                   sim_gone_name *out)
{
    if (find_number(g, kind, name, len, out))
        return true;
    if (g->slot_cap == 0)
        return false;
    size_t mask = g->slot_cap - 1;
    for (size_t i = hash & mask; g->slots[i]; i = (i + 1) & mask) {
        if (g->tags[i] != tag_of(hash))
            continue;
        record r = read_record(g, g->slots[i] - 1);
        if ((r.flags & (KIND_MASK | FLAG_DEAD)) == kind && r.len == len && memcmp(r.name, name, len) == 0) {
            out->line = (int)r.line;
            out->ended = r.flags & FLAG_ENDED;
            out->group = 0;
            out->key = g->slots[i] - 1;
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
    numbered parts;
    sim_gone_group *gr = split_number(name, len, &parts) ? group_for(g, kind, name, len, &parts) : NULL;
    if (gr && reserve_runs(gr, 1)) {
        insert_number(gr, parts.number, line, ended);
        return true;
    }
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

bool sim_gone_end(sim_gone_names *g, const sim_gone_name *found)
{
    if (found->group == 0) {
        g->arena[found->key + 4] |= FLAG_ENDED;
        return true;
    }
    sim_gone_group *gr = &g->groups[found->group - 1];
    if (found->ended || !reserve_runs(gr, 2))
        return found->ended;
    remove_number(gr, found->key);
    insert_number(gr, found->key, found->line, true);
    return true;
}

bool sim_gone_reserve(sim_gone_names *g, const sim_gone_name *found)
{
    return found->group == 0 || reserve_runs(&g->groups[found->group - 1], 1);
}

bool sim_gone_revive(sim_gone_names *g, const sim_gone_name *found)
{
    if (found->group == 0) {
        g->arena[found->key + 4] |= FLAG_DEAD;
        g->dead++;
        return true;
    }
    sim_gone_group *gr = &g->groups[found->group - 1];
    if (!reserve_runs(gr, 1))
        return false;
    remove_number(gr, found->key);
    return true;
}
