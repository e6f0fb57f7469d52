/* user_memory.c - a sparse store of user page contents, and probed copies. */
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"
#include "mm/user_memory.h"
#include "rtl/alloc.h"

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

/* Moves the entries into a table of cap slots; false (nothing changed) when out of memory. */
static bool rehash(mm_page_store *st, size_t cap)
{
    stored_page *slots = rtl_calloc(cap, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < st->cap; i++)
        if (st->slots[i].page)
            put(slots, cap, st->slots[i]);
    rtl_free(st->slots);
    st->slots = slots;
    st->cap = cap;
    return true;
}

/* The page's bytes, made (zeroed) on its first write; NULL when out of memory. */
static unsigned char *page_for_write(mm_page_store *st, ULONG_PTR page)
{
    stored_page *p = find(st, page);
    if (p)
        return p->bytes;
    if ((st->count + 1) * 2 > st->cap && !rehash(st, st->cap ? st->cap * 2 : 16))
        return NULL;
    unsigned char *bytes = rtl_calloc(1, PAGE);
    if (!bytes)
        return NULL;
    put(st->slots, st->cap, (stored_page){ page + 1, bytes });
    st->count++;
    return bytes;
}

NTSTATUS mm_page_store_fill(mm_page_store *st, ULONG_PTR address, const void *data, SIZE_T n)
{
    unsigned char *bytes = page_for_write(st, address / PAGE);
    if (!bytes)
        return STATUS_NO_MEMORY;
    memcpy(bytes + address % PAGE, data, n);
    return STATUS_SUCCESS;
}

/* Takes slot i out of the table, moving up the entries whose probe chain ran
   through it (deletion without tombstones, Knuth's algorithm R): no memory
   needed, so a release never fails for want of it. */
static void remove_slot(mm_page_store *st, size_t i)
{
    size_t mask = st->cap - 1;
    rtl_free(st->slots[i].bytes);
    st->slots[i] = (stored_page){ 0 };
    st->count--;
    for (size_t j = (i + 1) & mask; st->slots[j].page; j = (j + 1) & mask) {
        size_t home = hash(st->slots[j].page - 1) & mask;
        /* j's entry may move to i unless its home lies cyclically in (i, j]. */
        bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (stays)
            continue;
        st->slots[i] = st->slots[j];
        st->slots[j] = (stored_page){ 0 };
        i = j;
    }
}

void mm_page_store_discard(mm_page_store *st, ULONG_PTR base, SIZE_T size)
{
    if (!st || !st->count || !size)
        return;
    ULONG_PTR first = base / PAGE, last = (base + size - 1) / PAGE;
    /* Walk whichever is smaller: the range or the store. */
    if (last - first < st->cap) {
        for (ULONG_PTR pg = first; pg <= last && st->count; pg++) {
            stored_page *p = find(st, pg);
            if (p)
                remove_slot(st, (size_t)(p - st->slots));
        }
        return;
    }
    for (size_t i = 0; i < st->cap && st->count;) {
        stored_page *p = &st->slots[i];
        if (p->page && p->page - 1 >= first && p->page - 1 <= last)
            remove_slot(st, i); /* slot i may now hold a moved entry: look again */
        else
            i++;
    }
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

/* One page as the user would touch it. For the kernel's copies any fault is
   an access violation (a host out of memory stays STATUS_NO_MEMORY: no fault
   of the caller's); the process's own load or store (own) keeps the touch's
   status, as the exception its code gets (STATUS_GUARD_PAGE_VIOLATION...). */
static NTSTATUS access(mm_space *s, ULONG_PTR page_base, mm_access a, bool own)
{
    NTSTATUS st = mm_touch(s, page_base, a);
    if (NT_SUCCESS(st) || st == STATUS_NO_MEMORY || own)
        return st;
    return STATUS_ACCESS_VIOLATION;
}

/*
 * Where a page's contents live. Private pages, and a copy-on-write view's
 * pages once written, are in the process's own store by virtual page; a
 * view's other pages are its section's, by page number in the section, so
 * every view of the section (in any process) sees the same bytes.
 */
typedef struct page_home {
    mm_page_store *store;
    ULONG_PTR key;
    const mm_view *view; /* NULL: the process's own page */
} page_home;

static page_home home_of(const mm_space *s, mm_page_store *own, ULONG_PTR page)
{
    const mm_view *w = s->views.root ? mm_view_at(s, page * PAGE) : NULL;
    if (!w || find(own, page))
        return (page_home){ own, page, NULL };
    return (page_home){ w->seg->store, w->first + (page * PAGE - w->start) / PAGE, w };
}

/* The page a write goes to: a copy-on-write view's page gets its private
   copy, the section's bytes at the time, on the first write. */
static unsigned char *write_target(const mm_space *s, mm_page_store *own, ULONG_PTR page, bool copy_on_write)
{
    page_home h = home_of(s, own, page);
    if (!h.view || !copy_on_write)
        return page_for_write(h.store, h.key);
    unsigned char *bytes = page_for_write(own, page);
    stored_page *shared = bytes ? find(h.store, h.key) : NULL;
    if (shared)
        memcpy(bytes, shared->bytes, PAGE);
    return bytes;
}

/* Whether an access to the page is plain: committed, allowed, with no
   guard to fire, no copy to make and no write watch to mark. Such a page
   (a system call's arguments on its caller's stack, nearly always) is
   copied after one VAD look-up; anything else goes through mm_touch. */
static bool plain(mm_space *s, ULONG_PTR page_base, mm_access a)
{
    mm_vad *v = mm_vad_find(s, page_base);
    if (!v || (v->flags & VAD_WRITE_WATCH))
        return false;
    uint32_t attr = mm_runs_attr_at(v, page_base, NULL);
    return (attr & ATTR_COMMITTED) && !mm_touch_changes(attr, a) && mm_protect_allows(attr & 0xFFFFu, a);
}

static NTSTATUS copy_in(mm_space *s, mm_page_store *store, ULONG_PTR address, void *buffer, SIZE_T length, bool own)
{
    NTSTATUS st = mm_probe(s, address, length, 1);
    unsigned char *out = buffer;
    while (NT_SUCCESS(st) && length) {
        ULONG_PTR page = address / PAGE;
        SIZE_T off = address % PAGE, n = PAGE - off < length ? PAGE - off : length;
        if (!plain(s, page * PAGE, MM_READ) && !NT_SUCCESS(st = access(s, page * PAGE, MM_READ, own)))
            break;
        page_home h = home_of(s, store, page);
        stored_page *p = find(h.store, h.key);
        if (p)
            memcpy(out, p->bytes + off, n);
        else
            memset(out, 0, n);
        out += n, address += n, length -= n;
    }
    return st;
}

static NTSTATUS copy_out(mm_space *s, mm_page_store *store, ULONG_PTR address, const void *buffer, SIZE_T length,
                         bool own)
{
    NTSTATUS st = mm_probe(s, address, length, 1);
    const unsigned char *in = buffer;
    while (NT_SUCCESS(st) && length) {
        ULONG_PTR page = address / PAGE;
        SIZE_T off = address % PAGE, n = PAGE - off < length ? PAGE - off : length;
        bool cow = false;
        if (!plain(s, page * PAGE, MM_WRITE)) {
            /* Whether this write copies the page: asked before the access makes it read/write. */
            uint32_t attr = mm_attr_at(s, page * PAGE);
            cow = (attr & ATTR_COMMITTED) && mm_protect_is_copy_on_write(attr & 0xFFu);
            if (!NT_SUCCESS(st = access(s, page * PAGE, MM_WRITE, own)))
                break;
        }
        unsigned char *bytes = write_target(s, store, page, cow);
        if (!bytes)
            return STATUS_NO_MEMORY;
        memcpy(bytes + off, in, n);
        in += n, address += n, length -= n;
    }
    return st;
}

NTSTATUS mm_copy_from_user(mm_space *s, mm_page_store *store, ULONG_PTR address, void *buffer, SIZE_T length)
{
    return copy_in(s, store, address, buffer, length, false);
}

NTSTATUS mm_copy_to_user(mm_space *s, mm_page_store *store, ULONG_PTR address, const void *buffer, SIZE_T length)
{
    return copy_out(s, store, address, buffer, length, false);
}

NTSTATUS mm_user_load(mm_space *s, mm_page_store *store, ULONG_PTR address, void *buffer, SIZE_T length)
{
    return copy_in(s, store, address, buffer, length, true);
}

NTSTATUS mm_user_store(mm_space *s, mm_page_store *store, ULONG_PTR address, const void *buffer, SIZE_T length)
{
    return copy_out(s, store, address, buffer, length, true);
}

NTSTATUS mm_prepare_user_write(mm_space *s, mm_page_store *store, ULONG_PTR address, SIZE_T length)
{
    if (!length || !NT_SUCCESS(mm_probe(s, address, length, 1)))
        return STATUS_SUCCESS; /* the write will fault, and take nothing */
    size_t changes = 0;
    for (ULONG_PTR page = address / PAGE, last = (address + length - 1) / PAGE; page <= last; page++) {
        /* Only committed pages: the others fault, and must not hold host memory. */
        uint32_t attr = mm_attr_at(s, page * PAGE);
        if (!(attr & ATTR_COMMITTED))
            continue;
        /* A copy-on-write view's page takes its copy on the write itself. */
        bool cow = mm_protect_is_copy_on_write(attr & 0xFFu);
        page_home h = home_of(s, store, page);
        if (!(h.view && cow) && !page_for_write(h.store, h.key))
            return STATUS_NO_MEMORY;
        changes += mm_touch_changes(attr, MM_WRITE);
    }
    /* And the run nodes the touches of guard and copy-on-write pages take. */
    if (changes && !mm_pool_reserve(&s->run_pool, changes * MM_TOUCH_RUNS))
        return STATUS_NO_MEMORY;
    return STATUS_SUCCESS;
}
