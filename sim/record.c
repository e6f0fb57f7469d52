/* record.c - typed output records with reusable storage. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntsim/system.h"
#include "record.h"
#include "rtl/alloc.h"

/* A doubled array, or NULL (p untouched) when the host is out. */
static void *grow(void *p, uint32_t *cap, size_t size)
{
    uint32_t n = *cap ? *cap * 2 : 8;
    void *q = rtl_realloc(p, n * size);
    if (q)
        *cap = n;
    return q;
}

void sim_record_reset(sim_record *r)
{
    for (uint32_t i = 0; i < r->child_count; i++)
        sim_record_reset(&r->children[i]);
    r->count = 0;
    r->used = 0;
    r->child_count = 0;
    r->failed = false;
}

void sim_record_free(sim_record *r)
{
    for (uint32_t i = 0; i < r->child_cap; i++)
        sim_record_free(&r->children[i]);
    rtl_free(r->fields);
    rtl_free(r->arena);
    rtl_free(r->children);
    memset(r, 0, sizeof *r);
}

bool sim_record_failed(const sim_record *r)
{
    if (r->failed)
        return true;
    for (uint32_t i = 0; i < r->child_count; i++)
        if (sim_record_failed(&r->children[i]))
            return true;
    return false;
}

/* Room for n bytes in the arena; returns where (the arena may move), or NULL when out of memory. */
static char *reserve(sim_record *r, size_t n)
{
    if (r->used + n > r->arena_cap) {
        size_t cap = r->arena_cap ? r->arena_cap : 256;
        while (cap < r->used + n)
            cap *= 2;
        char *a = rtl_realloc(r->arena, cap);
        if (!a)
            return NULL;
        /* Re-point string fields at the moved arena. */
        for (uint32_t i = 0; i < r->count; i++) {
            sim_field *f = &r->fields[i];
            if ((f->type == SIM_STR || f->type == SIM_BYTES) && f->v.s >= r->arena && f->v.s < r->arena + r->arena_cap)
                f->v.s = a + (f->v.s - r->arena);
        }
        r->arena = a;
        r->arena_cap = cap;
    }
    r->used += n;
    return r->arena + r->used - n;
}

/* Copies s into the arena; returns its copy (the arena may move), or NULL when out of memory. */
static const char *intern(sim_record *r, const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = reserve(r, n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

bool sim_record_grow(sim_record *r)
{
    sim_field *f = grow(r->fields, &r->cap, sizeof *r->fields);
    if (!f) {
        r->failed = true;
        return false;
    }
    r->fields = f;
    return true;
}

static sim_field *add(sim_record *r, const char *key, uint32_t key_len, sim_value_type type)
{
    return sim_record_add(r, key, key_len, type);
}

void sim_put_flags_n(sim_record *r, const char *key, uint32_t key_len, ntsim_flag_kind kind, uint32_t v)
{
    sim_field *f = add(r, key, key_len, SIM_FLAGS);
    f->flags = kind;
    f->v.u = v;
}

void sim_put_status_n(sim_record *r, const char *key, uint32_t key_len, NTSTATUS v)
{
    add(r, key, key_len, SIM_STATUS)->v.i = v;
}

void sim_put_code_n(sim_record *r, const char *key, uint32_t key_len, uint64_t v)
{
    add(r, key, key_len, SIM_CODE)->v.u = v;
}

void sim_put_str_n(sim_record *r, const char *key, uint32_t key_len, const char *s)
{
    const char *copy = intern(r, s);
    if (!copy) {
        r->failed = true;
        return;
    }
    add(r, key, key_len, SIM_STR)->v.s = copy;
}

void sim_put_bytes_n(sim_record *r, const char *key, uint32_t key_len, const unsigned char *data, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *hex = reserve(r, 2 * n + 1);
    if (!hex) {
        r->failed = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[data[i] >> 4];
        hex[2 * i + 1] = digits[data[i] & 15];
    }
    hex[2 * n] = '\0';
    add(r, key, key_len, SIM_BYTES)->v.s = hex;
}

/* The next child record, or NULL (r failed) when out of memory. */
static sim_record *new_child(sim_record *r)
{
    if (r->child_count == r->child_cap) {
        uint32_t old = r->child_cap;
        sim_record *c = grow(r->children, &r->child_cap, sizeof *r->children);
        if (!c) {
            r->failed = true;
            return NULL;
        }
        memset(c + old, 0, (r->child_cap - old) * sizeof *c);
        /* Fields point at children by index below, so moving them is safe. */
        r->children = c;
    }
    sim_record *c = &r->children[r->child_count++];
    sim_record_reset(c);
    return c;
}

void sim_put_array_n(sim_record *r, const char *key, uint32_t key_len)
{
    sim_field *f = add(r, key, key_len, SIM_ARRAY);
    f->v.u = r->child_count; /* index of the first element */
}

sim_record *sim_array_add(sim_record *r)
{
    /* Once r has failed its last field may not be the array: elements go to r itself, dropped with it. */
    sim_record *c = r->failed ? NULL : new_child(r);
    if (!c)
        return r;
    r->fields[r->count - 1].count++;
    return c;
}

void sim_put_lines_n(sim_record *r, const char *key, uint32_t key_len)
{
    sim_field *f = add(r, key, key_len, SIM_LINES);
    if (r->failed || !new_child(r))
        return;
    f->v.u = r->child_count - 1; /* index of the child holding the strings */
}

void sim_lines_add(sim_record *r, const char *s)
{
    if (r->failed)
        return;
    sim_field *f = &r->fields[r->count - 1];
    f->count++;
    sim_put_str(&r->children[f->v.u], "", s);
}

const sim_field *sim_record_get(const sim_record *r, const char *key)
{
    for (uint32_t i = 0; i < r->count; i++)
        if (strcmp(r->fields[i].key, key) == 0)
            return &r->fields[i];
    return NULL;
}

const sim_field_spec *sim_field_spec_find(const sim_field_spec *list, const char *key)
{
    for (; list && list->key; list++)
        if (strcmp(list->key, key) == 0)
            return list;
    return NULL;
}

static bool is_access(ntsim_flag_kind k)
{
    return k == NTSIM_FLAGS_PROCESS_ACCESS || k == NTSIM_FLAGS_THREAD_ACCESS || k == NTSIM_FLAGS_FILE_ACCESS ||
           k == NTSIM_FLAGS_EVENT_ACCESS;
}

bool sim_record_fits(const sim_record *r, uint32_t from, const sim_field_spec *a, const sim_field_spec *b)
{
    for (uint32_t i = from; i < r->count; i++) {
        const sim_field *f = &r->fields[i];
        const sim_field_spec *s = sim_field_spec_find(a, f->key);
        if (!s)
            s = sim_field_spec_find(b, f->key);
        if (!s || s->type != f->type)
            return false;
        if (f->type == SIM_FLAGS && s->flags != f->flags && !(s->flags == NTSIM_FLAGS_ACCESS && is_access(f->flags)))
            return false;
    }
    return true;
}

static bool v_is_zero(const sim_field *f)
{
    return f->v.u == 0;
}

size_t sim_format_value(const sim_field *f, char *buf, size_t cap)
{
    switch (f->type) {
    case SIM_INT:
        return (size_t)snprintf(buf, cap, "%" PRId64, f->v.i);
    case SIM_HEX:
        return (size_t)snprintf(buf, cap, "0x%" PRIx64, f->v.u);
    case SIM_CODE:
        return v_is_zero(f) ? (size_t)snprintf(buf, cap, "0") : (size_t)snprintf(buf, cap, "0x%" PRIx64, f->v.u);
    case SIM_FLAGS:
        return ntsim_flags_format(f->flags, (uint32_t)f->v.u, buf, cap);
    case SIM_STATUS: {
        const char *name = ntsim_status_name((NTSTATUS)f->v.i);
        if (name)
            return (size_t)snprintf(buf, cap, "%s", name);
        return (size_t)snprintf(buf, cap, "0x%08" PRIx32, (uint32_t)f->v.i);
    }
    case SIM_STR:
    case SIM_BYTES:
        return (size_t)snprintf(buf, cap, "%s", f->v.s);
    case SIM_ARRAY:
    case SIM_LINES:
        return (size_t)snprintf(buf, cap, "%" PRIu32, f->count);
    }
    return 0;
}

bool sim_field_is_clock(const sim_field *f)
{
    return f->type == SIM_INT && strcmp(f->key, "time") == 0 && f->v.u >= NTSIM_BOOT_TIME;
}

size_t sim_format_clock(uint64_t time, char *buf, size_t cap)
{
    if (time < NTSIM_BOOT_TIME)
        return (size_t)snprintf(buf, cap, "%" PRIu64, time);
    uint64_t ticks = time - NTSIM_BOOT_TIME, s = ticks / 10000000, fraction = ticks % 10000000;
    if (fraction % 10000 == 0)
        return (size_t)snprintf(buf, cap, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64, s / 3600,
                                s / 60 % 60, s % 60, fraction / 10000);
    return (size_t)snprintf(buf, cap, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%07" PRIu64, s / 3600, s / 60 % 60,
                            s % 60, fraction);
}

const sim_record *sim_field_item(const sim_record *r, const sim_field *f, uint32_t i)
{
    return &r->children[f->v.u + i];
}

const char *sim_field_line(const sim_record *r, const sim_field *f, uint32_t i)
{
    return r->children[f->v.u].fields[i].v.s;
}
