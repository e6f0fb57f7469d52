/* names.c - open-addressing hash tables of scenario names. */
#include <stdlib.h>
#include <string.h>

#include "names.h"

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
        free(n->slots[i].name);
    free(n->slots);
    free(n->by_seq);
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

static void rehash_seq(sim_names *n, size_t cap);

static void grow(sim_names *n)
{
    size_t cap = n->cap ? n->cap * 2 : 64;
    sim_name *slots = calloc(cap, sizeof *slots);
    if (!slots)
        abort();
    for (size_t i = 0; i < n->cap; i++) {
        sim_name *e = &n->slots[i];
        if (e->name)
            *probe(slots, cap, e->kind, e->name, e->len, hash(e->kind, e->name, e->len)) = *e;
    }
    free(n->slots);
    n->slots = slots;
    n->cap = cap;
    n->generation++;
    rehash_seq(n, n->seq_cap ? n->seq_cap : 64); /* slot indices moved */
}

sim_name *sim_names_add(sim_names *n, sim_name_kind kind, const char *name, size_t len, int line)
{
    if ((n->count + 1) * 2 > n->cap)
        grow(n);
    uint64_t h = hash(kind, name, len);
    sim_name *e = probe(n->slots, n->cap, kind, name, len, h);
    e->name = malloc(len + 1);
    if (!e->name)
        abort();
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

static void rehash_seq(sim_names *n, size_t cap)
{
    size_t *t = calloc(cap, sizeof *t);
    if (!t)
        abort();
    n->seq_count = 0;
    for (size_t i = 0; i < n->cap; i++) {
        if (n->slots[i].name && n->slots[i].sequence) {
            seq_insert(t, cap, n, i);
            n->seq_count++;
        }
    }
    free(n->by_seq);
    n->by_seq = t;
    n->seq_cap = cap;
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

void sim_names_bind(sim_names *n, sim_name *e, uint32_t id, uint64_t sequence)
{
    size_t slot = (size_t)(e - n->slots);
    if (e->sequence)
        seq_remove(n, slot);
    e->id = id;
    e->sequence = sequence;
    e->ended = false;
    if (sequence == 0)
        return;
    if ((n->seq_count + 1) * 2 > n->seq_cap)
        rehash_seq(n, n->seq_cap ? n->seq_cap * 2 : 64);
    seq_insert(n->by_seq, n->seq_cap, n, (size_t)(e - n->slots));
    n->seq_count++;
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
