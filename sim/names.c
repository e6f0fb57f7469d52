/* names.c - open-addressing hash tables of scenario names. */
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "rtl/alloc.h"

static uint64_t hash(sim_name_kind kind, const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)kind;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
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

sim_name *sim_names_find(const sim_names *n, sim_name_kind kind, const char *name, size_t len)
{
    if (n->cap == 0)
        return NULL;
    sim_name *e = probe(n->slots, n->cap, kind, name, len, hash(kind, name, len));
    return e->name ? e : NULL;
}

static void fill_seq(sim_names *n, size_t *table, size_t cap);

/* Doubles the table; false (nothing changed) when out of memory. */
static bool grow(sim_names *n)
{
    size_t cap = n->cap ? n->cap * 2 : 64, seq_cap = n->seq_cap ? n->seq_cap : 64;
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
