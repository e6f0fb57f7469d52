/*
 * test_mm_index.c - the B+-tree index behind VAD lookups, with thousands of
 * allocations (many nodes, several levels): random reserve, release (whole,
 * head, tail, middle) and queries against a naive model (a flag per 64 KiB
 * granule), and mm_check (which checks the index: order, bounds, depth, one
 * key per VAD) along the way. The smaller tests never leave one leaf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/mm.h"

#define BASE 0x200000000ull
#define GRANULES 6000
#define G 0x10000ull

/* model[i]: the allocation base that granule i belongs to, 0 = free. */
static ULONG_PTR model[GRANULES];

static void check_query(mm_space *s, size_t i)
{
    MEMORY_BASIC_INFORMATION m;
    ULONG_PTR a = BASE + i * G + 0x1000;
    assert_int_equal(mm_query(s, a, &m), STATUS_SUCCESS);
    if (model[i]) {
        assert_int_equal(m.State, MEM_RESERVE);
        assert_int_equal(m.AllocationBase, model[i]);
        size_t j = i;
        while (j < GRANULES && model[j] == model[i])
            j++;
        assert_int_equal(m.BaseAddress + m.RegionSize, BASE + j * G);
    } else {
        assert_int_equal(m.State, MEM_FREE);
        size_t j = i;
        while (j < GRANULES && !model[j])
            j++;
        if (j < GRANULES)
            assert_int_equal(m.BaseAddress + m.RegionSize, BASE + j * G);
    }
}

static void random_reserve_release_and_query_agree_with_a_model(void **st)
{
    (void)st;
    mm_space_params p = {.arch = MM_ARCH_X64, .system_is_x64 = true};
    mm_space *s;
    assert_int_equal(mm_space_create(&p, &s), STATUS_SUCCESS);
    memset(model, 0, sizeof model);
    rtl_random rng;
    rtl_random_seed(&rng, 42);
    for (int op = 0; op < 40000; op++) {
        size_t i = rtl_random_below(&rng, GRANULES);
        uint64_t r = rtl_random_below(&rng, 100);
        /* Fill up first (so the tree gets deep), then churn. */
        if (r < (op < 15000 ? 85u : 45u)) {
            size_t len = 1 + rtl_random_below(&rng, 3);
            if (i + len > GRANULES)
                continue;
            ULONG_PTR b = BASE + i * G;
            SIZE_T sz = len * G;
            bool fits = true;
            for (size_t k = i; k < i + len; k++)
                fits = fits && !model[k];
            NTSTATUS want = fits ? STATUS_SUCCESS : STATUS_CONFLICTING_ADDRESSES;
            assert_int_equal(mm_allocate(s, &b, 0, &sz, MEM_RESERVE, PAGE_READWRITE), want);
            if (fits)
                for (size_t k = i; k < i + len; k++)
                    model[k] = BASE + i * G;
        } else if (r < 97) {
            if (!model[i])
                continue;
            /* Release granule i of its allocation: all, head, tail or middle. */
            ULONG_PTR base = model[i], a = BASE + i * G;
            SIZE_T sz = G;
            assert_int_equal(mm_free(s, &a, &sz, MEM_RELEASE), STATUS_SUCCESS);
            model[i] = 0;
            for (size_t k = i + 1; k < GRANULES && model[k] == base; k++)
                model[k] = BASE + (i + 1) * G; /* the tail is an allocation of its own */
        } else {
            check_query(s, i);
        }
        if (op % 2000 == 0)
            assert_true(mm_check(s));
    }
    for (size_t i = 0; i < GRANULES; i++)
        check_query(s, i);
    assert_true(mm_check(s));
    mm_stats stats;
    mm_get_stats(s, &stats);
    assert_true(stats.allocations > 1000); /* deep enough to have split and merged */
    /* Release everything: merges down to an empty index. */
    for (size_t i = 0; i < GRANULES; i++) {
        if (!model[i] || (i && model[i - 1] == model[i]))
            continue;
        ULONG_PTR a = model[i];
        SIZE_T sz = 0;
        assert_int_equal(mm_free(s, &a, &sz, MEM_RELEASE), STATUS_SUCCESS);
    }
    memset(model, 0, sizeof model);
    assert_true(mm_check(s));
    check_query(s, 0);
    mm_space_destroy(s);
}

static void descending_and_ascending_fills_stay_valid(void **st)
{
    (void)st;
    mm_space_params p = {.arch = MM_ARCH_X64, .system_is_x64 = true};
    mm_space *s;
    assert_int_equal(mm_space_create(&p, &s), STATUS_SUCCESS);
    for (int i = 3000; i-- > 0;) { /* top-down inserts: always at the left end */
        ULONG_PTR b = BASE + (ULONG_PTR)i * G;
        SIZE_T sz = G;
        assert_int_equal(mm_allocate(s, &b, 0, &sz, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    }
    for (int i = 3000; i < 6000; i++) { /* appends at the right end */
        ULONG_PTR b = BASE + (ULONG_PTR)i * G;
        SIZE_T sz = G;
        assert_int_equal(mm_allocate(s, &b, 0, &sz, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    }
    assert_true(mm_check(s));
    for (int i = 0; i < 6000; i += 2) { /* every other one: underfull nodes merge */
        ULONG_PTR b = BASE + (ULONG_PTR)i * G;
        SIZE_T sz = 0;
        assert_int_equal(mm_free(s, &b, &sz, MEM_RELEASE), STATUS_SUCCESS);
    }
    assert_true(mm_check(s));
    MEMORY_BASIC_INFORMATION m;
    for (int i = 0; i < 6000; i++) {
        assert_int_equal(mm_query(s, BASE + (ULONG_PTR)i * G, &m), STATUS_SUCCESS);
        assert_int_equal(m.State, (i & 1) ? MEM_RESERVE : MEM_FREE);
    }
    mm_space_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_reserve_release_and_query_agree_with_a_model),
        cmocka_unit_test(descending_and_ascending_fills_stay_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
