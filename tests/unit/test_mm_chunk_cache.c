/*
 * test_mm_chunk_cache.c - pool chunks that destroyed address spaces give
 * back are reused by the next spaces, and the cache stays within its budget.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/mm.h"

/* A space with a few dozen reservations, some committed: several chunks of
   VADs, page runs and index nodes. */
static mm_space *busy_space(mm_chunk_cache *cache)
{
    mm_space_params p = {.arch = MM_ARCH_X64, .system_is_x64 = true, .chunks = cache};
    mm_space *s;
    assert_int_equal(mm_space_create(&p, &s), STATUS_SUCCESS);
    for (int i = 0; i < 40; i++) {
        ULONG_PTR base = 0;
        SIZE_T size = 0x40000;
        assert_int_equal(mm_allocate(s, &base, 0, &size, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
        SIZE_T one = 0x1000;
        ULONG_PTR page = base + 0x2000;
        assert_int_equal(mm_allocate(s, &page, 0, &one, MEM_COMMIT, PAGE_READONLY), STATUS_SUCCESS);
    }
    return s;
}

static void a_destroyed_space_gives_its_chunks_to_the_next(void **st)
{
    (void)st;
    mm_chunk_cache cache;
    memset(&cache, 0, sizeof cache);
    mm_space_destroy(busy_space(&cache));
    unsigned kept = mm_chunk_cache_count(&cache);
    assert_true(kept >= 3); /* VADs, runs and index nodes at least */
    mm_space *b = busy_space(&cache);
    assert_int_equal(mm_chunk_cache_count(&cache), 0); /* the same shape takes them all */
    mm_space_destroy(b);
    assert_int_equal(mm_chunk_cache_count(&cache), kept);
    mm_chunk_cache_free(&cache);
    assert_int_equal(mm_chunk_cache_count(&cache), 0);
}

static void the_cache_keeps_no_more_than_its_budget(void **st)
{
    (void)st;
    enum { SPACES = 400 };
    mm_chunk_cache cache;
    memset(&cache, 0, sizeof cache);
    mm_space **live = calloc(SPACES, sizeof *live);
    assert_non_null(live);
    for (int i = 0; i < SPACES; i++)
        live[i] = busy_space(&cache);
    for (int i = 0; i < SPACES; i++)
        mm_space_destroy(live[i]);
    free(live);
    assert_true(cache.bytes_kept > MM_CHUNK_BUDGET / 2); /* it did fill up */
    assert_true(cache.bytes_kept <= MM_CHUNK_BUDGET);
    mm_chunk_cache_free(&cache);
}

static void spaces_without_a_cache_use_the_heap_alone(void **st)
{
    (void)st;
    mm_space *s = busy_space(NULL);
    MEMORY_BASIC_INFORMATION m;
    assert_int_equal(mm_query(s, 0x10000, &m), STATUS_SUCCESS);
    mm_space_destroy(s); /* under ASan: every chunk freed, none leaked */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_destroyed_space_gives_its_chunks_to_the_next),
        cmocka_unit_test(the_cache_keeps_no_more_than_its_budget),
        cmocka_unit_test(spaces_without_a_cache_use_the_heap_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
