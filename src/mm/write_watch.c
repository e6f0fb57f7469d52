/*
 * write_watch.c - MEM_WRITE_WATCH: which pages of a watched reservation
 * were written since its last reset (NtGetWriteWatch, NtResetWriteWatch).
 * One bitmap per reservation, a bit a page, kept by the space beside the
 * VAD; a write access (mm_touch: the user's writes, the kernel's copies
 * into user memory) sets the page's bit. Windows' rules and the sources:
 * docs/memory-manager.md ("Write watches").
 */
#include <string.h>

#include "mm/mm_internal.h"
#include "rtl/alloc.h"

struct mm_watch {
    mm_watch *next;
    ULONG_PTR start, end; /* the reservation as made; a partial release only clears bits */
    uint64_t bits[];
};

static uint64_t bitmap_bytes(ULONG_PTR start, ULONG_PTR end)
{
    return ((end - start) / PAGE + 63) / 64 * 8;
}

NTSTATUS mm_watch_add(mm_space *s, ULONG_PTR start, SIZE_T size)
{
    ULONG_PTR end = start + size;
    uint64_t bytes = bitmap_bytes(start, end);
    /* ntsim charges the bitmap to commit: a huge watched reservation stays bounded. */
    if (!mm_charge(s, bytes))
        return STATUS_COMMITMENT_LIMIT;
    mm_watch *w = rtl_zalloc(sizeof *w + bytes);
    if (!w) {
        mm_uncharge(s, bytes);
        return STATUS_NO_MEMORY;
    }
    w->start = start, w->end = end;
    mm_vad *v = mm_vad_find(s, start);
    if (v)
        v->flags |= VAD_WRITE_WATCH;
    w->next = s->watches;
    s->watches = w;
    return STATUS_SUCCESS;
}

static mm_watch *watch_at(const mm_space *s, ULONG_PTR addr)
{
    for (mm_watch *w = s->watches; w; w = w->next)
        if (addr >= w->start && addr < w->end)
            return w;
    return NULL;
}

/* A watched allocation's page (an allocation made later where a watched one
   was released is not watched). */
static mm_watch *watched(mm_space *s, ULONG_PTR addr, mm_vad **vad)
{
    mm_vad *v = mm_vad_find(s, addr);
    *vad = v;
    return v && (v->flags & VAD_WRITE_WATCH) ? watch_at(s, addr) : NULL;
}

void mm_watch_mark(mm_space *s, ULONG_PTR addr)
{
    mm_vad *v;
    mm_watch *w = s->watches ? watched(s, addr, &v) : NULL;
    if (w) {
        uint64_t i = (addr - w->start) / PAGE;
        w->bits[i / 64] |= 1ull << (i % 64);
    }
}

static void clear(mm_watch *w, ULONG_PTR a, ULONG_PTR b)
{
    for (ULONG_PTR p = a; p < b; p += PAGE) {
        uint64_t i = (p - w->start) / PAGE;
        w->bits[i / 64] &= ~(1ull << (i % 64));
    }
}

void mm_watch_forget(mm_space *s, ULONG_PTR base, SIZE_T size)
{
    ULONG_PTR a = page_down(base), b = page_up(base + size);
    for (mm_watch **at = &s->watches; *at;) {
        mm_watch *w = *at;
        ULONG_PTR lo = a > w->start ? a : w->start, hi = b < w->end ? b : w->end;
        if (lo < hi)
            clear(w, lo, hi);
        /* Gone with its last page: no VAD left in its range. */
        mm_vad *v = mm_vad_floor(s, w->end - 1);
        if (!v || v->end <= w->start) {
            *at = w->next;
            mm_uncharge(s, bitmap_bytes(w->start, w->end));
            rtl_free(w);
        } else {
            at = &w->next;
        }
    }
}

uint64_t mm_watch_bytes(const mm_space *s)
{
    uint64_t n = 0;
    for (const mm_watch *w = s->watches; w; w = w->next)
        n += bitmap_bytes(w->start, w->end);
    return n;
}

void mm_watches_free(mm_space *s)
{
    while (s->watches) {
        mm_watch *w = s->watches;
        s->watches = w->next;
        rtl_free(w); /* the space's whole charge goes back at once */
    }
}

/* The range Windows accepts: inside one watched allocation, not empty. */
static NTSTATUS watched_range(mm_space *s, ULONG_PTR base, SIZE_T size, mm_watch **out, ULONG_PTR *a, ULONG_PTR *b)
{
    if (!size || base > s->highest || base + size < base)
        return STATUS_INVALID_PARAMETER;
    *a = page_down(base), *b = page_up(base + size);
    mm_vad *v;
    mm_watch *w = watched(s, *a, &v);
    if (!w || *b > v->end || *b > w->end)
        return STATUS_INVALID_PARAMETER;
    *out = w;
    return STATUS_SUCCESS;
}

NTSTATUS mm_get_write_watch(mm_space *s, bool reset, ULONG_PTR base, SIZE_T size, ULONG_PTR *pages, uint64_t *count)
{
    mm_watch *w;
    ULONG_PTR a, b;
    NTSTATUS st = watched_range(s, base, size, &w, &a, &b);
    if (!NT_SUCCESS(st))
        return st;
    uint64_t n = 0;
    for (ULONG_PTR p = a; p < b && n < *count; p += PAGE) {
        uint64_t i = (p - w->start) / PAGE;
        if (!(w->bits[i / 64] >> (i % 64) & 1))
            continue;
        pages[n++] = p;
        if (reset) /* only the pages reported */
            w->bits[i / 64] &= ~(1ull << (i % 64));
    }
    *count = n;
    return STATUS_SUCCESS;
}

NTSTATUS mm_reset_write_watch(mm_space *s, ULONG_PTR base, SIZE_T size)
{
    mm_watch *w;
    ULONG_PTR a, b;
    NTSTATUS st = watched_range(s, base, size, &w, &a, &b);
    if (NT_SUCCESS(st))
        clear(w, a, b);
    return st;
}
