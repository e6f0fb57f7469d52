/*
 * cmd_pool.c - the pool as WinDbg shows it: !poolused (use by tag) and
 * !pool (the block holding an address). ntsim charges each block to the
 * driver whose code allocated it (or to the kernel); it does not keep
 * which pool (paged or not) a block came from, so all of them are counted
 * as nonpaged.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ex/ex.h"
#include "session.h"

#define TAGS 128

struct tag_use {
    ULONG tag;
    uint64_t allocs, bytes;
    const char *owner;
};

struct pool_walk {
    struct tag_use tags[TAGS];
    int count;
    const char *owner;
    /* !pool: the block asked for */
    uint64_t want;
    ex_pool_info found;
    const char *found_owner;
    bool hit;
};

static void tag_text(ULONG tag, char out[5])
{
    memcpy(out, &tag, 4);
    for (int i = 0; i < 4; i++)
        if (out[i] < 0x20 || out[i] > 0x7e)
            out[i] = ' ';
    out[4] = '\0';
}

/* A block's place, as !pool counts it: 16 bytes of header, the data rounded to 16. */
static uint64_t block_bytes(SIZE_T size)
{
    return ((uint64_t)size + 15) / 16 * 16 + 16;
}

static bool count_block(void *context, const ex_pool_info *b)
{
    struct pool_walk *w = context;
    int i = 0;
    while (i < w->count && (w->tags[i].tag != b->tag || strcmp(w->tags[i].owner, w->owner) != 0))
        i++;
    if (i == w->count) {
        if (w->count == TAGS)
            return false;
        w->tags[w->count++] = (struct tag_use){ b->tag, 0, 0, w->owner };
    }
    w->tags[i].allocs++;
    w->tags[i].bytes += block_bytes(b->size);
    return true;
}

/* Who allocated, as pooltag.txt names a component. */
static const char *component(const char *owner, char buf[80])
{
    snprintf(buf, 80, strcmp(owner, "nt") == 0 ? "nt (the kernel's own)" : "%s.sys", owner);
    return buf;
}

static int by_tag(const void *x, const void *y)
{
    const struct tag_use *a = x, *b = y;
    char ta[5], tb[5];
    tag_text(a->tag, ta);
    tag_text(b->tag, tb);
    int c = strcmp(ta, tb);
    return c ? c : strcmp(a->owner, b->owner);
}

void dbg_cmd_poolused(sim_debugger *d, int argc, char **argv)
{
    (void)argc, (void)argv;
    if (dbg_no_system(d))
        return;
    /* On the heap: a break may stop on a system thread's small stack. */
    struct pool_walk *w = calloc(1, sizeof *w);
    if (!w) {
        dbg_printf(d, "!poolused: out of memory\n");
        return;
    }
    w->owner = "nt";
    ex_pool_walk(&ex_state(d->sys)->kernel_pool, count_block, w);
    for (io_driver *drv = io_state(d->sys)->drivers; drv; drv = drv->next) {
        w->owner = drv->name;
        ex_pool_walk(&drv->pool, count_block, w);
    }
    qsort(w->tags, (size_t)w->count, sizeof w->tags[0], by_tag);
    dbg_printf(d, "   Sorting by Tag\n\n Pool Used:\n");
    dbg_printf(d, "               NonPaged                  Paged\n");
    dbg_printf(d, " Tag     Allocs         Used     Allocs         Used\n\n");
    uint64_t allocs = 0, bytes = 0;
    for (int i = 0; i < w->count; i++) {
        char t[5], c[80];
        tag_text(w->tags[i].tag, t);
        dbg_printf(d, " %-4s %9" PRIu64 " %12" PRIu64 " %10d %12d\t%s\n", t, w->tags[i].allocs, w->tags[i].bytes, 0,
                   0, component(w->tags[i].owner, c));
        allocs += w->tags[i].allocs;
        bytes += w->tags[i].bytes;
    }
    dbg_printf(d, " TOTAL %8" PRIu64 " %12" PRIu64 " %10d %12d\n", allocs, bytes, 0, 0);
    free(w);
}

struct find_walk {
    sim_debugger *d;
    uint64_t want;
    ex_pool_info found;
    const char *owner;
    const char *current;
    bool hit;
};

static bool find_block(void *context, const ex_pool_info *b)
{
    struct find_walk *w = context;
    uint64_t at = dbg_address(w->d, K_POOL, b->sequence);
    if (w->want >= at - 16 && w->want < at + block_bytes(b->size) - 16) {
        w->found = *b;
        w->owner = w->current;
        w->hit = true;
        return false;
    }
    return true;
}

void dbg_cmd_pool(sim_debugger *d, int argc, char **argv)
{
    if (dbg_no_system(d))
        return;
    struct find_walk w = { .d = d };
    if (argc < 2 || !dbg_number(argv[1], &w.want)) {
        dbg_printf(d, "Usage: !pool ADDR\n");
        return;
    }
    w.current = "nt";
    ex_pool_walk(&ex_state(d->sys)->kernel_pool, find_block, &w);
    for (io_driver *drv = io_state(d->sys)->drivers; drv && !w.hit; drv = drv->next) {
        w.current = drv->name;
        ex_pool_walk(&drv->pool, find_block, &w);
    }
    char a[24], t[5], c[80];
    if (!w.hit) {
        dbg_printf(d, "Pool page %s region is Unknown\n%s is not a valid small pool allocation\n", dbg_p(w.want, a),
                   dbg_p(w.want, a));
        return;
    }
    uint64_t at = dbg_address(d, K_POOL, w.found.sequence) - 16;
    tag_text(w.found.tag, t);
    dbg_printf(d, "Pool page %s region is Nonpaged pool\n", dbg_p(w.want, a));
    dbg_printf(d, "*%s size: %4" PRIx64 " previous size:    0  (Allocated) *%s\n", dbg_p(at, a),
               block_bytes(w.found.size), t);
    dbg_printf(d, "\t\tOwning component : %s (%" PRIu64 " bytes asked for)\n", component(w.owner, c),
               (uint64_t)w.found.size);
}
