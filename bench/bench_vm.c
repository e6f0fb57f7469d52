/*
 * bench_vm.c - operations per second of the memory manager's native calls
 * (alloc, commit, protect, query, free) with 10^3, 10^5 and 10^6 live
 * allocations, and host bytes per allocation. Built with the project, never
 * run as a test. Run a Release build: build/bin/bench_vm
 *
 * A commit+decommit pair hits a page no other step commits, so each pair
 * starts from a uniform reservation. Queries are measured two ways: "query" walks addresses in ascending order
 * (what VirtualQuery loops and `vm map` do: the VAD hint makes each step
 * O(1)), "query-rnd" hits a random allocation each time (a descent of the
 * B+-tree index, bound by cache and TLB misses once the VADs outgrow the
 * caches); its addresses are drawn before the clock starts.
 */
#define _POSIX_C_SOURCE 199309L
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mm/mm.h"

#define OPS 200000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void report(const char *what, long n, long ops, double secs)
{
    printf("  %-10s n=%-8ld %12.0f ops/s  (%.1f ns/op)\n", what, n, ops / secs, secs * 1e9 / ops);
}

static void die(const char *what, NTSTATUS st)
{
    fprintf(stderr, "%s failed: %#x\n", what, (unsigned)st);
    exit(1);
}

/* ops random allocations' bases, each plus a random page below `pages`
   when pages is not 0: drawn before a timed loop, which reads them in order. */
static ULONG_PTR *draw(rtl_random *rng, const ULONG_PTR *bases, long n, long ops, uint64_t pages)
{
    ULONG_PTR *a = malloc(sizeof *a * (size_t)ops);
    if (!a)
        die("addresses", 0);
    for (long i = 0; i < ops; i++) {
        a[i] = bases[rtl_random_below(rng, (uint64_t)n)];
        if (pages)
            a[i] += rtl_random_below(rng, pages) * 0x1000;
    }
    return a;
}

static void run(long n)
{
    struct mallinfo2 before = mallinfo2();
    mm_space_params p = {.arch = MM_ARCH_X64, .system_is_x64 = true};
    mm_space *s;
    if (mm_space_create(&p, &s) != STATUS_SUCCESS)
        die("create", 0);
    ULONG_PTR *bases = malloc(sizeof *bases * (size_t)n);
    struct mallinfo2 mid = mallinfo2();
    double t = now();
    for (long i = 0; i < n; i++) {
        ULONG_PTR b = 0;
        SIZE_T sz = 0x10000;
        NTSTATUS st = mm_allocate(s, &b, 0, &sz, MEM_RESERVE, PAGE_READWRITE);
        if (st)
            die("alloc", st);
        bases[i] = b;
    }
    double populate = now() - t;
    struct mallinfo2 after = mallinfo2();
    mm_stats stats;
    mm_get_stats(s, &stats);
    printf("n=%ld: %.1f bytes/allocation (mm's own count), %.1f (mallinfo2, malloc overhead included)\n", n,
           (double)stats.host_bytes / (double)stats.allocations,
           (double)((after.uordblks + after.hblkhd) - (mid.uordblks + mid.hblkhd) +
                    (mid.uordblks + mid.hblkhd) - (before.uordblks + before.hblkhd) - sizeof *bases * (size_t)n) /
               (double)n);
    report("alloc", n, n, populate);

    rtl_random rng;
    rtl_random_seed(&rng, 1);
    long ops = OPS;
    /* query, in address order: every region of the space, again and again */
    /* Queries first, while every allocation is one uniform region. */
    MEMORY_BASIC_INFORMATION mbi;
    long q = 0;
    t = now();
    while (q < ops * 5) {
        for (ULONG_PTR a = 0x10000; a < bases[n - 1] + 0x10000 && q < ops * 5; q++) {
            if (mm_query(s, a, &mbi))
                die("query", 1);
            a = mbi.BaseAddress + mbi.RegionSize;
        }
    }
    report("query", n, q, now() - t);

    /* The random addresses are drawn beforehand and read in order, so the
     * figure is mm_query's own, not the generator's or a miss in bases[]. */
    ULONG_PTR *addrs = draw(&rng, bases, n, ops * 5, 0);
    for (long i = 0; i < ops * 5; i++)
        addrs[i] += 0x3000;
    t = now();
    ULONG_PTR sink = 0;
    for (long i = 0; i < ops * 5; i++) {
        mm_query(s, addrs[i], &mbi);
        sink += mbi.RegionSize;
    }
    report("query-rnd", n, ops * 5, now() - t);
    free(addrs);
    if (sink == 1)
        puts("");

    /* commit + decommit: one page of a random allocation committed and
       decommitted again (issue 21: the pair at 10^6 within 2x of 10^3).
       Here too the addresses are drawn before the clock starts: a random
       read of bases[] is a cache miss of its own at 10^6. */
    addrs = draw(&rng, bases, n, ops, 0);
    t = now();
    for (long i = 0; i < ops; i++) {
        ULONG_PTR b = addrs[i] + 0x3000;
        SIZE_T sz = 0x1000;
        NTSTATUS st = mm_allocate(s, &b, 0, &sz, MEM_COMMIT, PAGE_READWRITE);
        if (st)
            die("commit", st);
        st = mm_free(s, &b, &sz, MEM_DECOMMIT);
        if (st)
            die("decommit", st);
    }
    report("com+decom", n, ops, now() - t);
    free(addrs);

    /* commit: one page somewhere in a random allocation */
    addrs = draw(&rng, bases, n, ops, 16);
    t = now();
    for (long i = 0; i < ops; i++) {
        ULONG_PTR b = addrs[i];
        SIZE_T sz = 0x1000;
        NTSTATUS st = mm_allocate(s, &b, 0, &sz, MEM_COMMIT, PAGE_READWRITE);
        if (st)
            die("commit", st);
    }
    report("commit", n, ops, now() - t);
    free(addrs);


    /* protect: the first page of a random allocation, committed first (not timed) */
    for (long i = 0; i < n; i++) {
        ULONG_PTR b = bases[i];
        SIZE_T sz = 0x1000;
        mm_allocate(s, &b, 0, &sz, MEM_COMMIT, PAGE_READWRITE);
    }
    addrs = draw(&rng, bases, n, ops, 0);
    t = now();
    for (long i = 0; i < ops; i++) {
        ULONG_PTR b = addrs[i];
        SIZE_T sz = 0x1000;
        ULONG old;
        NTSTATUS st = mm_protect(s, &b, &sz, (i & 1) ? PAGE_READONLY : PAGE_READWRITE, &old);
        if (st)
            die("protect", st);
    }
    report("protect", n, ops, now() - t);
    free(addrs);

    /* alloc/free of a batch at the system-chosen (lowest free) address */
    long batch = 20000;
    ULONG_PTR *extra = malloc(sizeof *extra * (size_t)batch);
    t = now();
    for (long i = 0; i < batch; i++) {
        ULONG_PTR b = 0;
        SIZE_T sz = 0x10000;
        NTSTATUS st = mm_allocate(s, &b, 0, &sz, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
        if (st)
            die("alloc2", st);
        extra[i] = b;
    }
    report("alloc+com", n, batch, now() - t);
    t = now();
    for (long i = 0; i < batch; i++) {
        ULONG_PTR b = extra[i];
        SIZE_T sz = 0;
        NTSTATUS st = mm_free(s, &b, &sz, MEM_RELEASE);
        if (st)
            die("free", st);
    }
    report("free", n, batch, now() - t);
    free(extra);
    free(bases);
    mm_space_destroy(s);
}

/* The host's floor: one dependent load from a random place in `mb` MB
   (a pointer chase through a random cycle of cache lines). A random query at
   10^6 allocations reads an index leaf and maybe an inner node in ~26 MB, a
   commit also the VAD in ~90 MB: each such read costs about this. */
static void memory_latency(size_t mb)
{
    size_t lines = (mb << 20) / 64;
    char *buf = malloc(mb << 20);
    size_t *order = malloc(lines * sizeof *order);
    if (!buf || !order)
        die("latency buffer", 0);
    rtl_random rng;
    rtl_random_seed(&rng, 2);
    for (size_t i = 0; i < lines; i++)
        order[i] = i;
    for (size_t i = lines - 1; i > 0; i--) {
        size_t j = (size_t)rtl_random_below(&rng, i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < lines; i++)
        *(char **)(buf + order[i] * 64) = buf + order[(i + 1) % lines] * 64;
    free(order);
    const long steps = 2000000;
    char *p = buf;
    double t = now();
    for (long i = 0; i < steps; i++)
        p = *(char **)p;
    double d = now() - t;
    printf("host: a dependent random load in %zu MB: %.0f ns%s\n", mb, d * 1e9 / steps, p == NULL ? " " : "");
    free(buf);
}

int main(void)
{
    memory_latency(1);
    memory_latency(32);
    memory_latency(128);
    run(1000);
    run(100000);
    run(1000000);
    return 0;
}
