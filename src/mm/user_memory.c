/* user_memory.c - a sparse store of user page contents, and probed copies. */
#include <stdlib.h>
#include <string.h>

#include "mm/user_memory.h"
#include "rtl/alloc.h"

#define PAGE 0x1000ull

typedef struct stored_page {
    ULONG_PTR page; /* page number + 1; 0 = empty slot */
    unsigned char *bytes;
} stored_page;

/* Open addressing keyed by page number; tombstones are rare (discard rehashes). */
struct mm_page_store {
    stored_page *slots;
    size_t cap, count;
};

mm_page_store *mm_page_store_create(void)
{
    return rtl_zalloc(sizeof(mm_page_store));
}

void mm_page_store_destroy(mm_page_store *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->cap; i++)
        rtl_free(st->slots[i].bytes);
    rtl_free(st->slots);
    rtl_free(st);
}

static size_t hash(ULONG_PTR page)
{
    page *= 0x9E3779B97F4A7C15ull;
    return (size_t)(page ^ (page >> 29));
}

static stored_page *find(const mm_page_store *st, ULONG_PTR page)
{
    if (!st->cap)
        return NULL;
    for (size_t i = hash(page) & (st->cap - 1);; i = (i + 1) & (st->cap - 1)) {
        if (st->slots[i].page == page + 1)
            return &st->slots[i];
        if (st->slots[i].page == 0)
            return NULL;
    }
}

static void put(stored_page *slots, size_t cap, stored_page p)
{
    size_t i = hash(p.page - 1) & (cap - 1);
    while (slots[i].page)
        i = (i + 1) & (cap - 1);
    slots[i] = p;
}

static void rehash(mm_page_store *st, size_t cap)
{
    stored_page *slots = rtl_calloc(cap, sizeof *slots);
    if (!slots)
        abort();
    for (size_t i = 0; i < st->cap; i++)
        if (st->slots[i].page)
            put(slots, cap, st->slots[i]);
    rtl_free(st->slots);
    st->slots = slots;
    st->cap = cap;
}

static unsigned char *page_for_write(mm_page_store *st, ULONG_PTR page)
{
    stored_page *p = find(st, page);
    if (p)
        return p->bytes;
    if ((st->count + 1) * 2 > st->cap)
        rehash(st, st->cap ? st->cap * 2 : 16);
    unsigned char *bytes = rtl_calloc(1, PAGE);
    if (!bytes)
        abort();
    put(st->slots, st->cap, (stored_page){ page + 1, bytes });
    st->count++;
    return bytes;
}

void mm_page_store_discard(mm_page_store *st, ULONG_PTR base, SIZE_T size)
{
    if (!st || !st->count || !size)
        return;
    ULONG_PTR first = base / PAGE, last = (base + size - 1) / PAGE;
    bool any = false;
    /* Walk whichever is smaller: the range or the store. */
    if (last - first < st->cap) {
        for (ULONG_PTR pg = first; pg <= last; pg++) {
            stored_page *p = find(st, pg);
            if (p) {
                rtl_free(p->bytes);
                p->bytes = NULL;
                p->page = (ULONG_PTR)-1; /* dead; dropped by the rehash below */
                any = true;
            }
        }
    } else {
        for (size_t i = 0; i < st->cap; i++) {
            stored_page *p = &st->slots[i];
            if (p->page && p->page - 1 >= first && p->page - 1 <= last) {
                rtl_free(p->bytes);
                p->bytes = NULL;
                p->page = (ULONG_PTR)-1;
                any = true;
            }
        }
    }
    if (!any)
        return;
    /* Rebuild without the dead entries, so probing chains stay correct. */
    size_t live = 0;
    for (size_t i = 0; i < st->cap; i++)
        if (st->slots[i].page == (ULONG_PTR)-1)
            st->slots[i].page = 0;
        else if (st->slots[i].page)
            live++;
    stored_page *old = st->slots;
    size_t cap = st->cap;
    st->slots = rtl_calloc(cap, sizeof *st->slots);
    if (!st->slots)
        abort();
    for (size_t i = 0; i < cap; i++)
        if (old[i].page)
            put(st->slots, cap, old[i]);
    rtl_free(old);
    st->count = live;
}

NTSTATUS mm_probe(const mm_space *s, ULONG_PTR address, SIZE_T length, ULONG alignment)
{
    if (length == 0)
        return STATUS_SUCCESS;
    if (alignment > 1 && (address & (alignment - 1)))
        return STATUS_DATATYPE_MISALIGNMENT;
    ULONG_PTR probe_limit = mm_highest_user_address(s) + 1; /* MmUserProbeAddress */
    if (address + length < address || address + length > probe_limit)
        return STATUS_ACCESS_VIOLATION;
    return STATUS_SUCCESS;
}

/* One page as the user would touch it; any fault is an access violation. */
static NTSTATUS access(mm_space *s, ULONG_PTR page_base, mm_access a)
{
    NTSTATUS st = mm_touch(s, page_base, a);
    return NT_SUCCESS(st) ? STATUS_SUCCESS : STATUS_ACCESS_VIOLATION;
}

NTSTATUS mm_copy_from_user(mm_space *s, mm_page_store *store, ULONG_PTR address, void *buffer, SIZE_T length)
{
    NTSTATUS st = mm_probe(s, address, length, 1);
    unsigned char *out = buffer;
    while (NT_SUCCESS(st) && length) {
        ULONG_PTR page = address / PAGE;
        SIZE_T off = address % PAGE, n = PAGE - off < length ? PAGE - off : length;
        if (!NT_SUCCESS(st = access(s, page * PAGE, MM_READ)))
            break;
        stored_page *p = find(store, page);
        if (p)
            memcpy(out, p->bytes + off, n);
        else
            memset(out, 0, n);
        out += n, address += n, length -= n;
    }
    return st;
}

NTSTATUS mm_copy_to_user(mm_space *s, mm_page_store *store, ULONG_PTR address, const void *buffer, SIZE_T length)
{
    NTSTATUS st = mm_probe(s, address, length, 1);
    const unsigned char *in = buffer;
    while (NT_SUCCESS(st) && length) {
        ULONG_PTR page = address / PAGE;
        SIZE_T off = address % PAGE, n = PAGE - off < length ? PAGE - off : length;
        if (!NT_SUCCESS(st = access(s, page * PAGE, MM_WRITE)))
            break;
        memcpy(page_for_write(store, page) + off, in, n);
        in += n, address += n, length -= n;
    }
    return st;
}
