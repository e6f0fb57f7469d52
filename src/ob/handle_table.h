/*
 * handle_table.h - a table of (object, granted access) entries indexed by
 * value / 4, as the executive's handle tables. Values are multiples of 4 from
 * 4 up. Freed entries are reused LIFO (process handle tables: a closed value
 * comes back at once) or strictly FIFO (the client-ID table, so a PID or TID
 * is not handed out again soon). Lookup O(1), create/free O(1) amortized.
 */
#ifndef NTSIM_OB_HANDLE_TABLE_H
#define NTSIM_OB_HANDLE_TABLE_H

#include "ntsim/nt.h"

typedef struct ob_handle_entry {
    void *object;       /* NULL when free */
    ACCESS_MASK access;
    uint32_t next_free; /* index of the next free entry, 0 = none */
} ob_handle_entry;

typedef struct ob_handle_table {
    ob_handle_entry *entries;
    uint32_t capacity;   /* entries allocated (index 0 is never used) */
    uint32_t count;      /* entries in use */
    uint32_t first_free; /* 0 = none */
    uint32_t last_free;
    bool strict_fifo;
} ob_handle_table;

void ob_handle_table_init(ob_handle_table *t, bool strict_fifo);
void ob_handle_table_free(ob_handle_table *t);

/* Makes sure the next create needs no memory (the table grows now if it
   must); false when the host is out. Nothing visible changes. */
bool ob_handle_reserve(ob_handle_table *t);

/* Stores object and returns its value (a multiple of 4), or 0 when out of memory. */
uint32_t ob_handle_create(ob_handle_table *t, void *object, ACCESS_MASK access);

/* The entry a value names, or NULL for a value that names nothing. */
ob_handle_entry *ob_handle_lookup(const ob_handle_table *t, uint32_t value);

/* Frees the entry of a value known to be in use. */
void ob_handle_destroy(ob_handle_table *t, uint32_t value);

/* The table's invariants hold (count, free list); O(capacity). */
bool ob_handle_table_check(const ob_handle_table *t);

/* The next value in use after `after` (0 to start), or 0 at the end. */
uint32_t ob_handle_next(const ob_handle_table *t, uint32_t after);

#endif
