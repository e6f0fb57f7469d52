/*
 * test_gone_names.c - the packed store of gone names (sim/gone_names.c)
 * against a plain model: runs of numbered names built in any order, split
 * by an end or a revival, names that do not end in a number (or do with a
 * leading zero) in the arena, and every answer the same as the model's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "gone_names.h"
#include "names.h"

#define N 3000

typedef struct model {
    bool in;
    int line;
    bool ended;
} model;

static uint32_t rng = 12345;

static uint32_t next(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

/* Name i of the test: numbered in three prefixes, some with a leading
   zero, some with no number at all. */
static int name_of(int i, char *buf, int *kind)
{
    *kind = i % 2;
    switch (i % 5) {
    case 0: return sprintf(buf, "p%d", i);
    case 1: return sprintf(buf, "r%d", i);
    case 2: return sprintf(buf, "x.%d.main", i);
    case 3: return sprintf(buf, "z0%d", i);
    default: return sprintf(buf, "no_number_%c%c%c", 'a' + i % 26, 'a' + i / 26 % 26, 'a' + i / 676);
    }
}

static void check_all(const sim_gone_names *g, const model *m)
{
    for (int i = 0; i < N; i++) {
        char buf[40];
        int kind;
        int len = name_of(i, buf, &kind);
        sim_gone_name f;
        bool found = sim_gone_find(g, kind, buf, (size_t)len, sim_name_hash((sim_name_kind)kind, buf, (size_t)len), &f);
        if (found != m[i].in)
            fail_msg("%s: found %d, model %d", buf, found, m[i].in);
        if (found && (f.line != m[i].line || f.ended != m[i].ended))
            fail_msg("%s: line %d ended %d, model %d %d", buf, f.line, f.ended, m[i].line, m[i].ended);
        /* the other kind never sees it */
        assert_false(sim_gone_find(g, !kind, buf, (size_t)len, sim_name_hash((sim_name_kind)!kind, buf, (size_t)len),
                                   &f) && !m[i].in);
    }
}

static void answers_match_a_plain_model_through_adds_ends_and_revivals(void **state)
{
    (void)state;
    static model m[N];
    sim_gone_names g = { 0 };
    memset(m, 0, sizeof m);
    for (int step = 0; step < 4 * N; step++) {
        /* mostly in order, as sweeps add them, sometimes anywhere */
        int i = step < N && next() % 4 ? step : (int)(next() % N);
        char buf[40];
        int kind;
        int len = name_of(i, buf, &kind);
        uint64_t h = sim_name_hash((sim_name_kind)kind, buf, (size_t)len);
        sim_gone_name f;
        if (!m[i].in) {
            int line = 10 + i * 5 + (int)(next() % 3 == 0); /* strides that break now and then */
            bool ended = next() % 3 == 0;
            assert_true(sim_gone_add(&g, kind, buf, (size_t)len, h, line, ended));
            m[i] = (model){ true, line, ended };
        } else if (next() % 2) {
            assert_true(sim_gone_find(&g, kind, buf, (size_t)len, h, &f));
            assert_true(sim_gone_end(&g, &f));
            m[i].ended = true;
        } else {
            assert_true(sim_gone_find(&g, kind, buf, (size_t)len, h, &f));
            assert_true(sim_gone_reserve(&g, &f));
            assert_true(sim_gone_revive(&g, &f));
            m[i].in = false;
        }
        if (step % 500 == 0)
            check_all(&g, m);
    }
    check_all(&g, m);
    sim_gone_free(&g);
}

static void consecutive_numbers_on_a_stride_take_one_run(void **state)
{
    (void)state;
    sim_gone_names g = { 0 };
    for (int i = 0; i < 100000; i++) {
        char buf[16];
        int len = sprintf(buf, "p%d", i);
        assert_true(sim_gone_add(&g, 0, buf, (size_t)len, sim_name_hash(0, buf, (size_t)len), 7 + 5 * i, true));
    }
    assert_int_equal(g.group_count, 1);
    assert_int_equal(g.groups[0].count, 1);
    assert_int_equal(g.used, 0); /* nothing in the arena */
    sim_gone_name f;
    assert_true(sim_gone_find(&g, 0, "p99999", 6, sim_name_hash(0, "p99999", 6), &f));
    assert_int_equal(f.line, 7 + 5 * 99999);
    assert_false(sim_gone_find(&g, 0, "p100000", 7, sim_name_hash(0, "p100000", 7), &f));
    assert_false(sim_gone_find(&g, 0, "p007", 4, sim_name_hash(0, "p007", 4), &f));
    /* the same numbers with a suffix are another group's */
    assert_false(sim_gone_find(&g, 0, "p5.main", 7, sim_name_hash(0, "p5.main", 7), &f));
    assert_true(sim_gone_add(&g, 0, "p5.main", 7, sim_name_hash(0, "p5.main", 7), 3, false));
    assert_true(sim_gone_find(&g, 0, "p5.main", 7, sim_name_hash(0, "p5.main", 7), &f));
    assert_int_equal(f.line, 3);
    assert_int_equal(g.group_count, 2);
    sim_gone_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers_match_a_plain_model_through_adds_ends_and_revivals),
        cmocka_unit_test(consecutive_numbers_on_a_stride_take_one_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
