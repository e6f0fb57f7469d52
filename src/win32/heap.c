/*
 * heap.c - a program's heap: the C runtime's malloc family and C++'s
 * operator new in a program module allocate here (ntsim_program.h renames
 * the C calls; ntsim_add_program links ntsim_program_new.cpp for C++), each
 * block on its program's list. When the process is gone and the module
 * closed (its static destructors run), what is left is freed, as Windows
 * frees a process's heaps with its address space: a program ended in the
 * middle (TerminateProcess, an unhandled exception, the scenario's end)
 * leaks nothing, and host memory stays bounded by the live programs.
 */
#define _POSIX_C_SOURCE 200809L /* sigjmp_buf in program.h */
#include <stdalign.h>
#include <string.h>

#include "ke/context.h"
#include "rtl/alloc.h"
#include "win32/program.h"

#define BLOCK_MAGIC 0x6E7473696D686570ull /* "ntsimhep" */

typedef struct heap_block {
    LIST_ENTRY link; /* on its program's heap */
    size_t size;
    uint64_t magic;  /* guards free() against a pointer of another allocator */
} heap_block;

_Static_assert(sizeof(heap_block) % 16 == 0, "blocks keep malloc's 16-byte alignment");

/* The module being loaded: its static constructors allocate before it has a process. */
static _Thread_local w32_program *loading;

void w32_heap_loading(w32_program *p)
{
    loading = p;
}

static LIST_ENTRY *current_heap(void)
{
    ntsim_system *sys = ke_context_system();
    w32_program *p = sys ? w32_current_program(sys) : NULL;
    if (!p)
        p = loading;
    if (!p)
        return NULL;
    if (!p->heap.Flink)
        InitializeListHead(&p->heap);
    return &p->heap;
}

void *ntsim_malloc(size_t n)
{
    if (n > SIZE_MAX - sizeof(heap_block))
        return NULL;
    heap_block *b = rtl_malloc(sizeof *b + (n ? n : 1));
    if (!b)
        return NULL;
    b->size = n;
    b->magic = BLOCK_MAGIC;
    LIST_ENTRY *heap = current_heap();
    if (heap)
        InsertTailList(heap, &b->link);
    else
        InitializeListHead(&b->link); /* no program: a block of its own */
    return b + 1;
}

void ntsim_free(void *p)
{
    if (!p)
        return;
    heap_block *b = (heap_block *)p - 1;
    if (b->magic != BLOCK_MAGIC)
        return; /* not ours (a block of the host's): left alone rather than corrupted */
    b->magic = 0;
    RemoveEntryList(&b->link);
    rtl_free(b);
}

void *ntsim_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = ntsim_malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *ntsim_realloc(void *p, size_t n)
{
    if (!p)
        return ntsim_malloc(n);
    if (!n) {
        ntsim_free(p);
        return NULL;
    }
    heap_block *b = (heap_block *)p - 1;
    void *q = ntsim_malloc(n);
    if (!q)
        return NULL; /* the old block stays, as realloc leaves it */
    memcpy(q, p, b->size < n ? b->size : n);
    ntsim_free(p);
    return q;
}

char *ntsim_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = ntsim_malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

WCHAR *ntsim_wcsdup(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    WCHAR *d = ntsim_malloc((n + 1) * sizeof(WCHAR));
    return d ? memcpy(d, s, (n + 1) * sizeof(WCHAR)) : NULL;
}

void w32_heap_release(w32_program *p)
{
    if (!p->heap.Flink)
        return;
    while (!IsListEmpty(&p->heap)) {
        heap_block *b = CONTAINING_RECORD(p->heap.Flink, heap_block, link);
        ntsim_free(b + 1);
    }
}
