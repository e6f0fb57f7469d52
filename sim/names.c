/* names.c - open-addressing hash tables of scenario names. */
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "rtl/alloc.h"

static uint64_t hash(sim_name_kind kind, const char *s, size_t n)
{
    return sim_name_hash(kind, s, n);
}

static uint64_t hash_seq(uint64_t s)
{
    s ^= s >> 33;
    s *= 0xff51afd7ed558ccdull;
    return s ^ (s >> 33);
}

void sim_names_init(sim_names *n)
{
    memset(n, 0, sizeof *n);
}

void sim_names_free(sim_names *n)
{
    for (size_t i = 0; i < n->cap; i++)
        rtl_free(n->slots[i].name);
    rtl_free(n->slots);
    rtl_free(n->by_seq);
    sim_gone_free(&n->gone);
    memset(n, 0, sizeof *n);
}

/* Names are a few bytes long: compared inline, without a call. */
static bool same(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static sim_name *probe(sim_name *slots, size_t cap, sim_name_kind kind, const char *s, size_t len, uint64_t h)
{
    size_t i = h & (cap - 1);
    for (;; i = (i + 1) & (cap - 1)) {
        sim_name *e = &slots[i];
        if (!e->name || (e->hash == (uint32_t)h && e->kind == kind && e->len == len && same(e->name, s, len)))
            return e;
    }
}

sim_name *sim_names_find(sim_names *n, sim_name_kind kind, const char *name, size_t len)
{
    if (n->cap == 0)
        return NULL;
    uint64_t h = hash(kind, name, len);
    sim_name *e = probe(n->slots, n->cap, kind, name, len, h);
    if (e->name)
        return e;
    sim_gone_name g;
    if (!sim_gone_find(&n->gone, (int)kind, name, len, h, &g))
        return NULL;
    e = &n->found_gone;
    memset(e, 0, sizeof *e);
    e->name = (char *)name; /* the same bytes; used only to define it again */
    e->len = (uint32_t)len;
    e->kind = kind;
    e->line = g.line;
    e->ended = g.ended;
    e->gone = true;
    e->gone_at = g;
    return e;
}

bool sim_names_end(sim_names *n, sim_name *e)
{
    if (e->gone && !sim_gone_end(&n->gone, &e->gone_at))
        return false;
    e->ended = true;
    return true;
}

sim_name *sim_names_revive(sim_names *n, sim_name *e, int line)
{
    sim_gone_name at = e->gone_at;
    if (!sim_gone_reserve(&n->gone, &at))
        return NULL;
    sim_name *live = sim_names_add(n, e->kind, e->name, e->len, line); /* e may be the caller's text: copied first */
    if (live)
        sim_gone_revive(&n->gone, &at); /* reserved: cannot fail */
    return live;
}

static void fill_seq(sim_names *n, size_t *table, size_t cap);

/* The table rebuilt at cap slots, the reverse index at seq_cap; false
   (nothing changed) when out of memory. */
static bool resize(sim_names *n, size_t cap, size_t seq_cap)
{
    sim_name *slots = rtl_calloc(cap, sizeof *slots);
    size_t *by_seq = rtl_calloc(seq_cap, sizeof *by_seq); /* slot indices move: the reverse index is rebuilt */
    if (!slots || !by_seq) {
        rtl_free(slots);
        rtl_free(by_seq);
        return false;
    }
    for (size_t i = 0; i < n->cap; i++) {
        sim_name *e = &n->slots[i];
        if (e->name)
            *probe(slots, cap, e->kind, e->name, e->len, hash(e->kind, e->name, e->len)) = *e;
    }
    rtl_free(n->slots);
    n->slots = slots;
    n->cap = cap;
    n->generation++;
    fill_seq(n, by_seq, seq_cap);
    return true;
}

/* Doubles the table; false (nothing changed) when out of memory. */
static bool grow(sim_names *n)
{
    return resize(n, n->cap ? n->cap * 2 : 64, n->seq_cap ? n->seq_cap : 64);
}

sim_name *sim_names_add(sim_names *n, sim_name_kind kind, const char *name, size_t len, int line)
{
    char *copy = rtl_malloc(len + 1);
    if (!copy || ((n->count + 1) * 2 > n->cap && !grow(n))) {
        rtl_free(copy);
        return NULL;
    }
    uint64_t h = hash(kind, name, len);
    sim_name *e = probe(n->slots, n->cap, kind, name, len, h);
    e->name = copy;
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    e->len = (uint32_t)len;
    e->hash = (uint32_t)h;
    e->kind = kind;
    e->id = 0;
    e->sequence = 0;
    e->line = line;
    e->ended = false;
    e->gone = false;
    n->count++;
    return e;
}

/* by_seq holds slot index + 1 (0 = empty). */
static void seq_insert(size_t *table, size_t cap, const sim_names *n, size_t slot)
{
    size_t i = hash_seq(n->slots[slot].sequence) & (cap - 1);
    while (table[i])
        i = (i + 1) & (cap - 1);
    table[i] = slot + 1;
}

/* The reverse index rebuilt into table (cap slots, zeroed), which it then owns. */
static void fill_seq(sim_names *n, size_t *table, size_t cap)
{
    n->seq_count = 0;
    for (size_t i = 0; i < n->cap; i++) {
        if (n->slots[i].name && n->slots[i].sequence) {
            seq_insert(table, cap, n, i);
            n->seq_count++;
        }
    }
    rtl_free(n->by_seq);
    n->by_seq = table;
    n->seq_cap = cap;
}

static bool rehash_seq(sim_names *n, size_t cap)
{
    size_t *t = rtl_calloc(cap, sizeof *t);
    if (!t)
        return false;
    fill_seq(n, t, cap);
    return true;
}

/* Removes a slot's entry from the reverse index (backward-shift deletion). */
static void seq_remove(sim_names *n, size_t slot)
{
    size_t mask = n->seq_cap - 1;
    size_t i = hash_seq(n->slots[slot].sequence) & mask;
    while (n->by_seq[i] && n->by_seq[i] != slot + 1)
        i = (i + 1) & mask;
    if (!n->by_seq[i])
        return;
    n->by_seq[i] = 0;
    n->seq_count--;
    /* Re-place the entries of the probe run that follows. */
    for (size_t j = (i + 1) & mask; n->by_seq[j]; j = (j + 1) & mask) {
        size_t moved = n->by_seq[j] - 1;
        n->by_seq[j] = 0;
        seq_insert(n->by_seq, n->seq_cap, n, moved);
    }
}

bool sim_names_bind(sim_names *n, sim_name *e, uint32_t id, uint64_t sequence)
{
    /* Room in the reverse index first: a failure changes nothing. */
    if (sequence && !e->sequence && (n->seq_count + 1) * 2 > n->seq_cap &&
        !rehash_seq(n, n->seq_cap ? n->seq_cap * 2 : 64))
        return false;
    size_t slot = (size_t)(e - n->slots);
    if (e->sequence)
        seq_remove(n, slot);
    e->id = id;
    e->sequence = sequence;
    e->ended = false;
    if (sequence == 0)
        return true;
    seq_insert(n->by_seq, n->seq_cap, n, slot);
    n->seq_count++;
    return true;
}

const sim_name *sim_names_by_sequence(const sim_names *n, uint64_t sequence)
{
    if (n->seq_cap == 0 || sequence == 0)
        return NULL;
    for (size_t i = hash_seq(sequence) & (n->seq_cap - 1); n->by_seq[i]; i = (i + 1) & (n->seq_cap - 1)) {
        const sim_name *e = &n->slots[n->by_seq[i] - 1];
        if (e->sequence == sequence)
            return e;
    }
    return NULL;
}

/* Whether a sweep may move the entry: a process's or thread's defined by a
   line (boot-time names stay), its object gone. Marks it (gone = true). */
static bool mark_gone(sim_name *e, bool (*alive)(void *context, const sim_name *e), void *context)
{
    e->gone = e->kind != SIM_NAME_DRIVER && e->line > 0 && !alive(context, e);
    return e->gone;
}

/* Copies the marked entries into the packed store (in table order: its runs
   join fragments as the numbers between them arrive); those it has no room
   for stay (unmarked). */
static void store_marked(sim_names *n)
{
    for (size_t i = 0; i < n->cap; i++) {
        sim_name *e = &n->slots[i];
        if (e->name && e->gone)
            e->gone = sim_gone_add(&n->gone, (int)e->kind, e->name, e->len, hash(e->kind, e->name, e->len),
                                   e->line, e->ended);
    }
}

/* Removes the marked entries in place (backward-shift deletion: the probe
   runs stay whole), then rebuilds the reverse index in place. */
static void remove_marked(sim_names *n)
{
    size_t mask = n->cap - 1;
    for (size_t i = 0; i < n->cap;) {
        sim_name *e = &n->slots[i];
        if (!e->name || !e->gone) {
            i++;
            continue;
        }
        rtl_free(e->name);
        n->count--;
        size_t hole = i;
        for (size_t j = (i + 1) & mask; n->slots[j].name; j = (j + 1) & mask) {
            size_t home = n->slots[j].hash & mask; /* the hash's low half holds the index bits */
            /* j's entry may fill the hole when its home is not in (hole, j]. */
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                n->slots[hole] = n->slots[j];
                hole = j;
            }
        }
        memset(&n->slots[hole], 0, sizeof n->slots[hole]);
        /* slot i holds another entry now, or nothing: look at it again */
    }
    memset(n->by_seq, 0, n->seq_cap * sizeof *n->by_seq);
    n->seq_count = 0;
    for (size_t i = 0; i < n->cap; i++) {
        if (n->slots[i].name && n->slots[i].sequence) {
            seq_insert(n->by_seq, n->seq_cap, n, i);
            n->seq_count++;
        }
    }
}

/* Sweeps start at this many names: below it a sweep costs more than it frees. */
enum { SWEEP_MIN = 1024 };

void sim_names_sweep(sim_names *n, bool (*alive)(void *context, const sim_name *e), void *context)
{
    if (n->count < SWEEP_MIN || n->count < 2 * n->count_at_sweep)
        return;
    size_t marked = 0;
    for (size_t i = 0; i < n->cap; i++)
        marked += n->slots[i].name && mark_gone(&n->slots[i], alive, context);
    if (marked) {
        store_marked(n);
        remove_marked(n);
        n->generation++;
    }
    /* A table left mostly empty shrinks to a quarter full, room to double
       before the next sweep (out of memory, it stays as it is); never below
       what the next sweep needs, or it would grow back between sweeps. */
    size_t cap = 4 * SWEEP_MIN;
    while (n->count * 4 > cap)
        cap *= 2;
    if (cap * 4 <= n->cap)
        resize(n, cap, cap);
    n->count_at_sweep = n->count;
}
