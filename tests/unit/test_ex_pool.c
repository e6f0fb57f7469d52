/*
 * test_ex_pool.c - the pool's flags as the WDK documents POOL_FLAGS:
 * ExAllocatePool2 zeroes unless told POOL_FLAG_UNINITIALIZED, aligns on a
 * cache line when told, refuses flags it cannot honour (NULL), and raises
 * (a bug check, nothing handling it) when told POOL_FLAG_RAISE_ON_FAILURE;
 * ExAllocatePool3 takes extended parameters, a priority changing nothing.
 */
#define _POSIX_C_SOURCE 200809L /* fork, pipe: the bug checks */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ntsim/ntsim.h"
#include "ntsim/wdk.h"

#include "driver_harness.h"

static PVOID blocks[16];
static unsigned char copy[64];

static bool all_bytes(const void *p, unsigned char value, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (((const unsigned char *)p)[i] != value)
            return false;
    return true;
}

/* ---- zeroed or not ---------------------------------------------------------- */

static void reuse_a_dirtied_block(void)
{
    unsigned char *a = ExAllocatePool2(POOL_FLAG_PAGED, 48, 'tseT');
    memset(a, 0xAB, 48);
    ExFreePoolWithTag(a, 'tseT');
    blocks[0] = ExAllocatePool2(POOL_FLAG_PAGED, 48, 'tseT');
    memcpy(copy, blocks[0], 48);
    ExFreePoolWithTag(blocks[0], 'tseT');
}

static void pool2_zeroes_even_a_recycled_block(void **state)
{
    (void)state;
    run_as_driver("zero", reuse_a_dirtied_block);
    assert_true(all_bytes(copy, 0, 48));
}

static void allocate_large_uninitialized(void)
{
    blocks[0] = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, 1000, 'tinU');
    memcpy(copy, blocks[0], sizeof copy);
    ExFreePoolWithTag(blocks[0], 'tinU');
}

/* A block new from the host is neither zero nor host garbage. */
static void uninitialized_new_block_holds_the_fill_byte(void **state)
{
    (void)state;
    run_as_driver("fill", allocate_large_uninitialized);
    assert_true(all_bytes(copy, 0xCD, sizeof copy));
}

static void reuse_a_dirtied_block_uninitialized(void)
{
    unsigned char *a = ExAllocatePool2(POOL_FLAG_PAGED, 48, 'tseT');
    memset(a, 0xAB, 48);
    ExFreePoolWithTag(a, 'tseT');
    blocks[0] = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_UNINITIALIZED, 48, 'tseT');
    blocks[1] = a;
    memcpy(copy, blocks[0], 48);
    ExFreePoolWithTag(blocks[0], 'tseT');
}

/* Recycled, it keeps what its last user wrote (under AddressSanitizer
   blocks are not recycled, and a new one holds the fill). */
static void uninitialized_recycled_block_keeps_its_old_contents(void **state)
{
    (void)state;
    run_as_driver("stale", reuse_a_dirtied_block_uninitialized);
    assert_true(all_bytes(copy, blocks[0] == blocks[1] ? 0xAB : 0xCD, 48));
}

/* ---- flags refused --------------------------------------------------------- */

static const struct {
    POOL_FLAGS flags;
    ULONG tag;
    SIZE_T size;
} refused[] = {
    { 0, 'tseT', 16 },                                                  /* no pool type */
    { POOL_FLAG_PAGED | POOL_FLAG_NON_PAGED, 'tseT', 16 },             /* two pool types */
    { POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE, 'tseT', 16 },
    { POOL_FLAG_PAGED | POOL_FLAG_RESERVED1, 'tseT', 16 },             /* reserved for the system */
    { POOL_FLAG_PAGED | POOL_FLAG_RESERVED3, 'tseT', 16 },
    { POOL_FLAG_PAGED | POOL_FLAG_SESSION, 'tseT', 16 },               /* no session pool */
    { POOL_FLAG_PAGED | 0x0000000000100000ull, 'tseT', 16 },          /* an unknown required flag */
    { POOL_FLAG_PAGED, 0, 16 },                                        /* a zero tag */
    { POOL_FLAG_PAGED, 'tseT', 0 },                                    /* nothing to allocate */
};
#define REFUSED (sizeof refused / sizeof refused[0])

static void try_refused_flags(void)
{
    for (size_t i = 0; i < REFUSED; i++)
        blocks[i] = ExAllocatePool2(refused[i].flags, refused[i].size, refused[i].tag);
}

static void invalid_flags_tag_or_size_return_null(void **state)
{
    (void)state;
    run_as_driver("refused", try_refused_flags);
    for (size_t i = 0; i < REFUSED; i++)
        assert_null(blocks[i]);
}

static void try_optional_flags(void)
{
    blocks[0] = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_SPECIAL_POOL, 16, 'tpO1');
    blocks[1] = ExAllocatePool2(POOL_FLAG_NON_PAGED | 0x0000400000000000ull, 16, 'tpO2');
    blocks[2] = ExAllocatePool2(POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_USE_QUOTA, 16, 'tpO3');
    for (int i = 0; i < 3; i++)
        ExFreePool(blocks[i]);
}

/* Unknown optional flags are ignored; quota is accepted. */
static void optional_flags_do_not_fail_an_allocation(void **state)
{
    (void)state;
    run_as_driver("optional", try_optional_flags);
    for (int i = 0; i < 3; i++)
        assert_non_null(blocks[i]);
}

/* ---- cache alignment --------------------------------------------------------- */

static void allocate_cache_aligned(void)
{
    static const SIZE_T sizes[] = { 1, 16, 63, 64, 65, 200, 4096 };
    for (int i = 0; i < 7; i++)
        blocks[i] = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_CACHE_ALIGNED, sizes[i], 'nilA');
    blocks[7] = ExAllocatePoolWithTag(NonPagedPoolCacheAligned, 40, 'nilA');
    blocks[8] = ExAllocatePoolWithTag(PagedPoolCacheAligned, 24, 'nilA');
    for (int i = 0; i < 9; i++)
        memset(blocks[i], 0xEE, 1);
    ExFreePoolWithTag(blocks[0], 'nilA'); /* the rest are left for the unload's report */
}

static void cache_aligned_blocks_start_on_a_cache_line(void **state)
{
    (void)state;
    run_as_driver("aligned", allocate_cache_aligned);
    for (int i = 0; i < 9; i++)
        assert_int_equal((uintptr_t)blocks[i] % 64, 0);
    unload("aligned");
    assert_int_equal(seen.leaks, 1);
    assert_string_equal(seen.leak_tag[0], "Alin");
    assert_int_equal(seen.leak_blocks[0], 8);
    assert_int_equal(seen.leak_bytes[0], 16 + 63 + 64 + 65 + 200 + 4096 + 40 + 24);
}

/* ---- ExAllocatePool3 ---------------------------------------------------------- */

static POOL_EXTENDED_PARAMETER parameter(POOL_EXTENDED_PARAMETER_TYPE type, bool optional)
{
    POOL_EXTENDED_PARAMETER p;
    memset(&p, 0, sizeof p);
    p.Type = type;
    p.Optional = optional;
    return p;
}

static void allocate_with_priorities(void)
{
    static const EX_POOL_PRIORITY priorities[] = { LowPoolPriority, NormalPoolPriority, HighPoolPriority,
                                                   HighPoolPrioritySpecialPoolOverrun };
    for (int i = 0; i < 4; i++) {
        POOL_EXTENDED_PARAMETER p = parameter(PoolExtendedParameterPriority, false);
        p.Priority = priorities[i];
        unsigned char *b = ExAllocatePool3(POOL_FLAG_NON_PAGED, 32, 'irP3', &p, 1);
        blocks[i] = b;
        if (b && !all_bytes(b, 0, 32))
            blocks[i] = NULL; /* zeroed like ExAllocatePool2's */
        ExFreePool(b);
    }
}

static void any_priority_is_accepted_and_the_block_is_zeroed(void **state)
{
    (void)state;
    run_as_driver("priority", allocate_with_priorities);
    for (int i = 0; i < 4; i++)
        assert_non_null(blocks[i]);
}

static void allocate_with_odd_parameters(void)
{
    POOL_EXTENDED_PARAMETER p[8];
    p[0] = parameter(PoolExtendedParameterPriority, false);
    p[0].Priority = (EX_POOL_PRIORITY)7; /* no such priority */
    p[1] = p[0];
    p[1].Optional = 1;
    p[2] = parameter(PoolExtendedParameterNumaNode, false);
    p[2].PreferredNode = 1; /* ntsim has node 0 only */
    p[3] = p[2];
    p[3].PreferredNode = 1 | MM_ANY_NODE_OK;
    p[4] = parameter(PoolExtendedParameterSecurePool, false);
    p[5] = parameter(PoolExtendedParameterMax, false);
    p[6] = parameter(PoolExtendedParameterMax, true);
    blocks[0] = ExAllocatePool3(POOL_FLAG_NON_PAGED, 32, 'ddO3', &p[0], 1);
    blocks[1] = ExAllocatePool3(POOL_FLAG_NON_PAGED, 32, 'ddO3', &p[1], 1);
    blocks[2] = ExAllocatePool3(POOL_FLAG_NON_PAGED, 32, 'ddO3', &p[2], 1);
    blocks[3] = ExAllocatePool3(POOL_FLAG_NON_PAGED, 32, 'ddO3', &p[3], 1);
    blocks[4] = ExAllocatePool3(POOL_FLAG_PAGED, 32, 'ddO3', &p[2], 1); /* nodes are non-paged pool's */
    blocks[5] = ExAllocatePool3(POOL_FLAG_NON_PAGED, 32, 'ddO3', &p[4], 1);
    blocks[6] = ExAllocatePool3(POOL_FLAG_NON_PAGED, 32, 'ddO3', &p[5], 1);
    blocks[7] = ExAllocatePool3(POOL_FLAG_NON_PAGED, 32, 'ddO3', &p[6], 1);
    blocks[8] = ExAllocatePool3(POOL_FLAG_NON_PAGED, 32, 'ddO3', NULL, 1);
    blocks[9] = ExAllocatePool3(POOL_FLAG_NON_PAGED, 32, 'ddO3', NULL, 0);
    for (int i = 0; i < 10; i++)
        ExFreePool(blocks[i]);
}

/* A parameter ntsim cannot honour fails the allocation, unless optional. */
static void extended_parameters_not_honoured_fail_unless_optional(void **state)
{
    (void)state;
    run_as_driver("odd", allocate_with_odd_parameters);
    assert_null(blocks[0]);
    assert_non_null(blocks[1]);
    assert_null(blocks[2]);
    assert_non_null(blocks[3]);
    assert_non_null(blocks[4]);
    assert_null(blocks[5]);
    assert_null(blocks[6]);
    assert_non_null(blocks[7]);
    assert_null(blocks[8]);
    assert_non_null(blocks[9]);
}

/* ---- raising ------------------------------------------------------------------ */

static void refused_with_raise(void)
{
    ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_RAISE_ON_FAILURE, 16, 0);
}

static void raise_on_failure_is_an_exception_nothing_handles(void **state)
{
    (void)state;
    expect_stop(refused_with_raise, "bug check 0x0000001E KMODE_EXCEPTION_NOT_HANDLED (0xc000009a");
}

static void raise_in_thread(PVOID context)
{
    (void)context;
    ExAllocatePool3(POOL_FLAG_PAGED | POOL_FLAG_SESSION | POOL_FLAG_RAISE_ON_FAILURE, 16, 'esiR', NULL, 0);
}

static void start_a_raising_thread(void)
{
    start_system_thread(raise_in_thread, NULL);
}

static void raise_in_a_system_thread_is_its_own_bug_check(void **state)
{
    (void)state;
    expect_stop(start_a_raising_thread, "bug check 0x0000007E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED");
}

static void allocate_zero_with_raise(void)
{
    ExAllocatePoolWithTag((POOL_TYPE)(PagedPool | POOL_RAISE_IF_ALLOCATION_FAILURE), 0, 'esiR');
}

static void pool_type_raise_flag_raises_too(void **state)
{
    (void)state;
    expect_stop(allocate_zero_with_raise, "KMODE_EXCEPTION_NOT_HANDLED");
}

static void free_twice(void)
{
    void *a = ExAllocatePool2(POOL_FLAG_PAGED, 24, 'lbuD');
    ExFreePoolWithTag(a, 'lbuD');
    ExFreePoolWithTag(a, 'lbuD');
}

static void double_free_is_bad_pool_caller(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    skip(); /* AddressSanitizer stops it first: blocks go back to the host at once */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    skip();
#endif
#endif
    expect_stop(free_twice, "bug check 0x000000C2 BAD_POOL_CALLER (0x7");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(pool2_zeroes_even_a_recycled_block, harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(uninitialized_new_block_holds_the_fill_byte, harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(uninitialized_recycled_block_keeps_its_old_contents, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(invalid_flags_tag_or_size_return_null, harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(optional_flags_do_not_fail_an_allocation, harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(cache_aligned_blocks_start_on_a_cache_line, harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(any_priority_is_accepted_and_the_block_is_zeroed, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(extended_parameters_not_honoured_fail_unless_optional, harness_setup,
                                        harness_teardown),
        cmocka_unit_test(raise_on_failure_is_an_exception_nothing_handles),
        cmocka_unit_test(raise_in_a_system_thread_is_its_own_bug_check),
        cmocka_unit_test(pool_type_raise_flag_raises_too),
        cmocka_unit_test(double_free_is_bad_pool_caller),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
