/* handle_table.c - handle values and their entries (ExCreateHandle and friends). */
#include <assert.h>
#include <stdlib.h>

#include "ob/handle_table.h"
#include "rtl/alloc.h"

/* A page of 16-byte entries on x64: the unit by which Windows grows a table. */
#define ENTRIES_PER_PAGE 256u

void ob_handle_table_init(ob_handle_table *t, bool strict_fifo)
{
    *t = (ob_handle_table){ .strict_fifo = strict_fifo };
}

void ob_handle_table_free(ob_handle_table *t)
{
    rtl_free(t->entries);
    *t = (ob_handle_table){ .strict_fifo = t->strict_fifo };
}

/*
 * The table's invariants, checked after every change in Debug builds: the
 * entries in use number `count`; the free list runs from first_free to
 * last_free through every other entry but 0, once each; a free entry holds
 * no object. O(capacity).
 */
bool ob_handle_table_check(const ob_handle_table *t)
{
    uint32_t used = 0, free_count = 0, last = 0;
    for (uint32_t i = 1; i < t->capacity; i++)
        used += t->entries[i].object != NULL;
    for (uint32_t i = t->first_free; i != 0; i = t->entries[i].next_free) {
        if (i >= t->capacity || t->entries[i].object || ++free_count > t->capacity)
            return false;
        last = i;
    }
    uint32_t slots = t->capacity ? t->capacity - 1 : 0;
    return used == t->count && used + free_count == slots && last == t->last_free;
}

#ifdef NTSIM_DEBUG_CHECKS
#define CHECK(t) assert(ob_handle_table_check(t))
#else
#define CHECK(t) ((void)0)
#endif

static void push_free(ob_handle_table *t, uint32_t index, bool at_tail)
{
    t->entries[index].object = NULL;
    t->entries[index].next_free = 0;
    if (t->first_free == 0) {
        t->first_free = t->last_free = index;
    } else if (at_tail) {
        t->entries[t->last_free].next_free = index;
        t->last_free = index;
    } else {
        t->entries[index].next_free = t->first_free;
        t->first_free = index;
    }
}

static bool grow(ob_handle_table *t)
{
    uint32_t old = t->capacity;
    uint32_t cap = old + ENTRIES_PER_PAGE;
    if (cap > (UINT32_MAX >> 2))
        return false;
    ob_handle_entry *e = rtl_realloc(t->entries, cap * sizeof *e);
    if (!e)
        return false;
    t->entries = e;
    t->capacity = cap;
    /* New entries join the free list in ascending order (index 0 stays unused). */
    for (uint32_t i = old ? old : 1; i < cap; i++)
        push_free(t, i, true);
    return true;
}

bool ob_handle_reserve(ob_handle_table *t)
{
    return t->first_free != 0 || grow(t);
}

uint32_t ob_handle_create(ob_handle_table *t, void *object, ACCESS_MASK access)
{
    assert(object != NULL);
    if (!ob_handle_reserve(t))
        return 0;
    uint32_t index = t->first_free;
    ob_handle_entry *e = &t->entries[index];
    t->first_free = e->next_free;
    if (t->first_free == 0)
        t->last_free = 0;
    e->object = object;
    e->access = access;
    e->next_free = 0;
    t->count++;
    CHECK(t);
    return index << 2;
}

ob_handle_entry *ob_handle_lookup(const ob_handle_table *t, uint32_t value)
{
    /* As in Windows, the low two bits of a value are tag bits: ignored. */
    uint32_t index = value >> 2;
    if (index == 0 || index >= t->capacity)
        return NULL;
    ob_handle_entry *e = &t->entries[index];
    return e->object ? e : NULL;
}

void ob_handle_destroy(ob_handle_table *t, uint32_t value)
{
    uint32_t index = value >> 2;
    assert(ob_handle_lookup(t, value) != NULL);
    t->count--;
    push_free(t, index, t->strict_fifo);
    CHECK(t);
}

uint32_t ob_handle_next(const ob_handle_table *t, uint32_t after)
{
    for (uint32_t i = (after >> 2) + 1; i < t->capacity; i++)
        if (t->entries[i].object)
            return i << 2;
    return 0;
}
