/*
 * test_mm_template.c - a new process's standard layout (KUSER_SHARED_DATA,
 * image, ntdll, PEB) is placed in one step when its space is empty and one
 * VAD at a time otherwise. Both must give the same bases, regions, details
 * and commit: each test lays out one space of each kind with the same seed
 * (the second holding a far-away reservation first, which sends it down the
 * one-by-one path) and compares every region of the two, with ASLR and
 * without, for x64 and x86, through a second process of the same image
 * (whose bases come from the boot-wide registry), and with the two spaces'
 * later allocations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mm/mm.h"

#define MAX_REGIONS 64

typedef struct region {
    MEMORY_BASIC_INFORMATION mbi;
    char detail[64];
} region;

typedef struct walk {
    region r[MAX_REGIONS];
    int n;
    ULONG_PTR skip_lo, skip_hi; /* the one-by-one space's extra reservation, and the free gap it splits */
} walk;

static bool collect(void *ctx, const MEMORY_BASIC_INFORMATION *m, const char *detail)
{
    walk *w = ctx;
    if (m->State != MEM_FREE && m->AllocationBase >= w->skip_lo && m->AllocationBase < w->skip_hi)
        return true;
    if (m->State == MEM_FREE)
        return true; /* free runs differ around the extra reservation; the allocated ones must not */
    assert_true(w->n < MAX_REGIONS);
    w->r[w->n].mbi = *m;
    snprintf(w->r[w->n].detail, sizeof w->r[w->n].detail, "%s", detail ? detail : "");
    w->n++;
    return true;
}

typedef struct pair {
    mm_commit commit[2];
    rtl_random rng[2];
    mm_image_bases *bases[2];
    mm_space *s[2];
    mm_process_layout layout[2];
} pair;

/* The one-by-one space's reservation: in no window the layout draws from,
   and away from where later bottom-up and top-down allocations go. */
static ULONG_PTR extra_at(mm_arch arch)
{
    return arch == MM_ARCH_X64 ? 0x300000000000ull : 0x30000000ull;
}

static mm_space *new_space(pair *p, int i, mm_arch arch)
{
    mm_space_params sp = { .arch = arch, .system_is_x64 = true, .commit = &p->commit[i],
                           .image_bases = p->bases[i] };
    mm_space *s;
    assert_int_equal(mm_space_create(&sp, &s), STATUS_SUCCESS);
    return s;
}

static void lay_out(pair *p, mm_arch arch, bool aslr, const char *image)
{
    for (int i = 0; i < 2; i++) {
        p->s[i] = new_space(p, i, arch);
        if (i == 1) { /* a VAD first: the space is not empty, so the layout goes one VAD at a time */
            ULONG_PTR b = extra_at(arch);
            SIZE_T size = 0x10000;
            assert_int_equal(mm_allocate(p->s[1], &b, 0, &size, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
        }
        assert_int_equal(mm_initialize_process(p->s[i], image, 0x30000, aslr, &p->rng[i], &p->layout[i]),
                         STATUS_SUCCESS);
    }
}

static void assert_same(pair *p, mm_arch arch)
{
    assert_memory_equal(&p->layout[0], &p->layout[1], sizeof p->layout[0]);
    static walk w[2];
    for (int i = 0; i < 2; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].skip_lo = extra_at(arch);
        w[i].skip_hi = i == 1 ? extra_at(arch) + 0x10000 : extra_at(arch);
        mm_walk(p->s[i], collect, &w[i]);
    }
    assert_true(w[0].n >= 4 + 2 * 3); /* shared page, PEB, and two images of at least three runs */
    assert_int_equal(w[0].n, w[1].n);
    for (int k = 0; k < w[0].n; k++) {
        assert_memory_equal(&w[0].r[k].mbi, &w[1].r[k].mbi, sizeof w[0].r[k].mbi);
        assert_string_equal(w[0].r[k].detail, w[1].r[k].detail);
    }
    /* The extra reservation commits nothing: the charges are equal too. */
    assert_int_equal(mm_commit_charge(p->s[0]), mm_commit_charge(p->s[1]));
    assert_int_equal(p->commit[0].charged, p->commit[1].charged);
    assert_true(mm_check(p->s[0]));
    assert_true(mm_check(p->s[1]));
}

static void pair_init(pair *p, bool registry)
{
    memset(p, 0, sizeof *p);
    for (int i = 0; i < 2; i++) {
        p->commit[i].limit = 1ull << 40;
        rtl_random_seed(&p->rng[i], 1234);
        if (registry)
            assert_int_equal(mm_image_bases_create(&p->rng[i], &p->bases[i]), STATUS_SUCCESS);
    }
}

static void pair_free(pair *p)
{
    for (int i = 0; i < 2; i++) {
        if (p->s[i])
            mm_space_destroy(p->s[i]);
        p->s[i] = NULL;
    }
}

static void pair_destroy(pair *p)
{
    pair_free(p);
    for (int i = 0; i < 2; i++)
        mm_image_bases_destroy(p->bases[i]);
}

static void same_layout_both_ways(mm_arch arch, bool aslr)
{
    pair p;
    pair_init(&p, aslr);
    lay_out(&p, arch, aslr, "C:\\Temp\\tool.exe");
    assert_same(&p, arch);
    /* A second process of the same image: its bases come from the registry this time. */
    pair_free(&p);
    lay_out(&p, arch, aslr, "C:\\Temp\\tool.exe");
    assert_same(&p, arch);
    /* And the spaces go on alike: a TEB, a stack, an allocation at the system's choice. */
    ULONG_PTR teb[2], a[2];
    mm_stack stack[2];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(mm_create_teb(p.s[i], 8, &teb[i]), STATUS_SUCCESS);
        assert_int_equal(mm_create_stack(p.s[i], 8, 0x100000, 0x1000, &stack[i]), STATUS_SUCCESS);
        a[i] = 0;
        SIZE_T size = 0x20000;
        assert_int_equal(mm_allocate(p.s[i], &a[i], 0, &size, MEM_RESERVE | MEM_COMMIT | MEM_TOP_DOWN, PAGE_READWRITE),
                         STATUS_SUCCESS);
    }
    assert_int_equal(teb[0], teb[1]);
    assert_int_equal(a[0], a[1]);
    assert_same(&p, arch);
    pair_destroy(&p);
}

static void x64_with_aslr(void **st)
{
    (void)st;
    same_layout_both_ways(MM_ARCH_X64, true);
}

static void x64_without_aslr(void **st)
{
    (void)st;
    same_layout_both_ways(MM_ARCH_X64, false);
}

static void x86_with_aslr(void **st)
{
    (void)st;
    same_layout_both_ways(MM_ARCH_X86, true);
}

static void x86_without_aslr(void **st)
{
    (void)st;
    same_layout_both_ways(MM_ARCH_X86, false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(x64_with_aslr),
        cmocka_unit_test(x64_without_aslr),
        cmocka_unit_test(x86_with_aslr),
        cmocka_unit_test(x86_without_aslr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
