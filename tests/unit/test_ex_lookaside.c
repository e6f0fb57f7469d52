/*
 * test_ex_lookaside.c - lookaside lists as the WDK documents them: a freed
 * entry comes back on the next allocation, the list caches at most Depth
 * entries (4 to start with), the rest go back to the pool, deleting a list
 * frees what it caches, what a list never deleted caches is in the driver's
 * leak report under the list's tag, a driver's Allocate and Free routines
 * are used instead of the pool's, and the depth follows demand on the
 * balance set manager's schedule.
 */
#define _POSIX_C_SOURCE 200809L /* fork, pipe: the bug check */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ntsim/ntsim.h"
#include "ntsim/wdk.h"

#include "driver_harness.h"

#define SECOND (1000 * MS)
#define ENTRY 40
#define TAG 'tsLL' /* prints "LLst" */

static NPAGED_LOOKASIDE_LIST npaged;
static PAGED_LOOKASIDE_LIST paged;
static LOOKASIDE_LIST_EX ex_list;
static PVOID entries[128];
static int hits;
static USHORT depths[8];
static NTSTATUS statuses[8];

/* ---- reuse -------------------------------------------------------------------- */

static void free_then_allocate(void)
{
    ExInitializeNPagedLookasideList(&npaged, NULL, NULL, 0, ENTRY, TAG, 0);
    unsigned char *a = ExAllocateFromNPagedLookasideList(&npaged);
    memset(a, 0x5A, ENTRY);
    ExFreeToNPagedLookasideList(&npaged, a);
    entries[0] = a;
    entries[1] = ExAllocateFromNPagedLookasideList(&npaged);
    hits = memcmp((unsigned char *)entries[1] + sizeof(SLIST_ENTRY), a + sizeof(SLIST_ENTRY),
                  ENTRY - sizeof(SLIST_ENTRY)) == 0 && a[sizeof(SLIST_ENTRY)] == 0x5A;
    ExFreeToNPagedLookasideList(&npaged, entries[1]);
    ExDeleteNPagedLookasideList(&npaged);
}

static void freed_entry_comes_back_on_the_next_allocation(void **state)
{
    (void)state;
    run_as_driver("reuse", free_then_allocate);
    assert_ptr_equal(entries[1], entries[0]);
    assert_true(hits); /* as it was left, but for the link in its first bytes */
    assert_int_equal(npaged.L.TotalAllocates, 2);
    assert_int_equal(npaged.L.AllocateMisses, 1);
    assert_int_equal(npaged.L.TotalFrees, 2);
    assert_int_equal(npaged.L.FreeMisses, 0);
}

/* ---- depth ---------------------------------------------------------------------- */

static void allocate_six_free_six(void)
{
    ExInitializeNPagedLookasideList(&npaged, NULL, NULL, 0, ENTRY, TAG, 100 /* reserved: ignored */);
    for (int i = 0; i < 6; i++)
        entries[i] = ExAllocateFromNPagedLookasideList(&npaged);
    for (int i = 0; i < 6; i++)
        ExFreeToNPagedLookasideList(&npaged, entries[i]);
}

static void list_caches_no_more_than_its_depth(void **state)
{
    (void)state;
    run_as_driver("depth", allocate_six_free_six);
    assert_int_equal(npaged.L.Depth, NTSIM_LOOKASIDE_MINIMUM_DEPTH);
    assert_int_equal(npaged.L.MaximumDepth, NTSIM_LOOKASIDE_MAXIMUM_DEPTH);
    assert_int_equal(ExQueryDepthSList(&npaged.L.ListHead), 4);
    assert_int_equal(npaged.L.FreeMisses, 2);
    /* The last four freed are cached, the one freed last on top. */
    assert_ptr_equal(npaged.L.ListHead.Next.Next, entries[3]);
}

/* A list never deleted: what it caches is the driver's, under the list's tag. */
static void cached_entries_of_a_list_never_deleted_are_reported_at_unload(void **state)
{
    (void)state;
    run_as_driver("forgetful", allocate_six_free_six);
    assert_int_equal(seen.leaks, 0);
    unload("forgetful");
    assert_int_equal(seen.leaks, 1);
    assert_string_equal(seen.leak_image[0], "forgetful");
    assert_string_equal(seen.leak_tag[0], "LLst");
    assert_int_equal(seen.leak_blocks[0], 4);
    assert_int_equal(seen.leak_bytes[0], 4 * ENTRY);
}

static void fill_then_delete(void)
{
    ExInitializePagedLookasideList(&paged, NULL, NULL, 0, ENTRY, TAG, 0);
    for (int i = 0; i < 3; i++)
        entries[i] = ExAllocateFromPagedLookasideList(&paged);
    for (int i = 0; i < 3; i++)
        ExFreeToPagedLookasideList(&paged, entries[i]);
    depths[0] = ExQueryDepthSList(&paged.L.ListHead);
    ExDeletePagedLookasideList(&paged);
    depths[1] = ExQueryDepthSList(&paged.L.ListHead);
}

static void deleting_a_list_frees_what_it_caches(void **state)
{
    (void)state;
    run_as_driver("tidy", fill_then_delete);
    assert_int_equal(depths[0], 3);
    assert_int_equal(depths[1], 0);
    unload("tidy");
    assert_int_equal(seen.leaks, 0);
}

/* ---- a driver's own routines -------------------------------------------------------- */

static struct {
    int allocs, frees;
    POOL_TYPE type;
    SIZE_T size;
    ULONG tag;
    PLOOKASIDE_LIST_EX list;
} custom;

static PVOID my_allocate(POOL_TYPE type, SIZE_T size, ULONG tag)
{
    custom.allocs++;
    custom.type = type;
    custom.size = size;
    custom.tag = tag;
    return ExAllocatePoolWithTag(type, size, tag);
}

static void my_free(PVOID entry)
{
    custom.frees++;
    ExFreePool(entry);
}

static void use_custom_routines(void)
{
    ExInitializeNPagedLookasideList(&npaged, my_allocate, my_free, POOL_NX_ALLOCATION, ENTRY, TAG, 0);
    for (int i = 0; i < 5; i++)
        entries[i] = ExAllocateFromNPagedLookasideList(&npaged);
    for (int i = 0; i < 5; i++)
        ExFreeToNPagedLookasideList(&npaged, entries[i]);
    depths[0] = (USHORT)custom.frees; /* the one the full list could not take */
    entries[0] = ExAllocateFromNPagedLookasideList(&npaged); /* a hit: no call */
    depths[1] = (USHORT)custom.allocs;
    ExFreeToNPagedLookasideList(&npaged, entries[0]);
    ExDeleteNPagedLookasideList(&npaged);
}

static void allocate_and_free_routines_given_at_init_are_used(void **state)
{
    (void)state;
    memset(&custom, 0, sizeof custom);
    run_as_driver("custom", use_custom_routines);
    assert_int_equal(depths[0], 1);
    assert_int_equal(depths[1], 5);
    assert_int_equal(custom.allocs, 5);
    assert_int_equal(custom.frees, 5); /* one when full, four when deleted */
    assert_int_equal(custom.type, NonPagedPool | POOL_NX_ALLOCATION);
    assert_int_equal(custom.size, ENTRY);
    assert_int_equal(custom.tag, TAG);
    unload("custom");
    assert_int_equal(seen.leaks, 0);
}

/* ---- LOOKASIDE_LIST_EX ---------------------------------------------------------------- */

static PVOID my_allocate_ex(POOL_TYPE type, SIZE_T size, ULONG tag, PLOOKASIDE_LIST_EX list)
{
    custom.list = list;
    return my_allocate(type, size, tag);
}

static void my_free_ex(PVOID entry, PLOOKASIDE_LIST_EX list)
{
    custom.list = list;
    my_free(entry);
}

static void use_an_ex_list(void)
{
    statuses[0] = ExInitializeLookasideListEx(&ex_list, my_allocate_ex, my_free_ex, PagedPool,
                                              EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL, ENTRY, TAG, 0);
    for (int i = 0; i < 6; i++)
        entries[i] = ExAllocateFromLookasideListEx(&ex_list);
    for (int i = 0; i < 6; i++)
        ExFreeToLookasideListEx(&ex_list, entries[i]);
    depths[0] = ExQueryDepthSList(&ex_list.L.ListHead);
    entries[6] = ExAllocateFromLookasideListEx(&ex_list);
    ExFreeToLookasideListEx(&ex_list, entries[6]);
    ExFlushLookasideListEx(&ex_list);
    depths[1] = ExQueryDepthSList(&ex_list.L.ListHead);
    depths[2] = (USHORT)custom.frees;
    ExDeleteLookasideListEx(&ex_list);
}

static void ex_list_passes_itself_and_its_flags_to_the_routines(void **state)
{
    (void)state;
    memset(&custom, 0, sizeof custom);
    run_as_driver("ex", use_an_ex_list);
    assert_int_equal(statuses[0], STATUS_SUCCESS);
    assert_ptr_equal(custom.list, &ex_list);
    assert_int_equal(custom.type, PagedPool | POOL_RAISE_IF_ALLOCATION_FAILURE);
    assert_int_equal(depths[0], 4);
    assert_ptr_equal(entries[6], entries[3]); /* the last one cached comes back first */
    assert_int_equal(depths[1], 0);           /* flushed */
    assert_int_equal(depths[2], 6);           /* two when full, four flushed */
    assert_int_equal(custom.allocs, 6);
    unload("ex");
    assert_int_equal(seen.leaks, 0);
}

static void initialize_with_bad_arguments(void)
{
    statuses[0] = ExInitializeLookasideListEx(&ex_list, NULL, NULL, NonPagedPool,
                                              EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL |
                                                  EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE,
                                              ENTRY, TAG, 0);
    statuses[1] = ExInitializeLookasideListEx(&ex_list, NULL, NULL, NonPagedPool, 4, ENTRY, TAG, 0);
    statuses[2] = ExInitializeLookasideListEx(&ex_list, NULL, NULL, NonPagedPoolMustSucceed, 0, ENTRY, TAG, 0);
    statuses[3] = ExInitializeLookasideListEx(&ex_list, NULL, NULL, (POOL_TYPE)32 /* session */, 0, ENTRY, TAG, 0);
    statuses[4] = ExInitializeLookasideListEx(&ex_list, NULL, NULL, NonPagedPoolNx, 0, ENTRY, TAG, 0);
    entries[0] = ExAllocateFromLookasideListEx(&ex_list);
    ExFreeToLookasideListEx(&ex_list, entries[0]);
    ExDeleteLookasideListEx(&ex_list);
}

static void ex_list_refuses_a_bad_pool_type_or_flags(void **state)
{
    (void)state;
    run_as_driver("bad", initialize_with_bad_arguments);
    assert_int_equal(statuses[0], STATUS_INVALID_PARAMETER_5); /* the two flags exclude each other */
    assert_int_equal(statuses[1], STATUS_INVALID_PARAMETER_5);
    assert_int_equal(statuses[2], STATUS_INVALID_PARAMETER_4);
    assert_int_equal(statuses[3], STATUS_INVALID_PARAMETER_4);
    assert_int_equal(statuses[4], STATUS_SUCCESS);
    assert_non_null(entries[0]);
}

/* ---- the depth follows demand ---------------------------------------------------------- */

/* Sleeps until just past the next scan of the nonpaged lists: 1 s after
   boot, then every 3 s. */
static void sleep_past_next_nonpaged_scan(void)
{
    LONG64 first = (LONG64)NTSIM_BOOT_TIME + SECOND, t = now();
    LONG64 next = t < first ? first : first + ((t - first) / (3 * SECOND) + 1) * 3 * SECOND;
    LARGE_INTEGER until = { .QuadPart = next + 1 }; /* positive: an absolute time */
    KeDelayExecutionThread(KernelMode, FALSE, &until);
}

static void demand_then_quiet(void)
{
    ExInitializeNPagedLookasideList(&npaged, NULL, NULL, 0, ENTRY, TAG, 0);
    for (int i = 0; i < 100; i++)
        entries[i] = ExAllocateFromNPagedLookasideList(&npaged); /* 100 misses */
    for (int i = 0; i < 100; i++)
        ExFreeToNPagedLookasideList(&npaged, entries[i]);
    depths[0] = npaged.L.Depth;
    sleep_past_next_nonpaged_scan();
    /* The scan saw 100 allocations, all misses: + min(30, 5 + 1 x (256 - 4) / 2). */
    entries[0] = ExAllocateFromNPagedLookasideList(&npaged);
    depths[1] = npaged.L.Depth;
    ExFreeToNPagedLookasideList(&npaged, entries[0]);
    for (int i = 0; i < 40; i++)
        entries[i] = ExAllocateFromNPagedLookasideList(&npaged);
    for (int i = 0; i < 40; i++)
        ExFreeToNPagedLookasideList(&npaged, entries[i]);
    depths[2] = ExQueryDepthSList(&npaged.L.ListHead); /* now it keeps 34 */
    sleep_past_next_nonpaged_scan();
    /* 41 allocations in 3 s: under 25 a second, - 10. */
    entries[0] = ExAllocateFromNPagedLookasideList(&npaged);
    depths[3] = npaged.L.Depth;
    ExFreeToNPagedLookasideList(&npaged, entries[0]);
    LARGE_INTEGER minute = { .QuadPart = -60 * SECOND };
    KeDelayExecutionThread(KernelMode, FALSE, &minute);
    entries[0] = ExAllocateFromNPagedLookasideList(&npaged);
    depths[4] = npaged.L.Depth; /* idle: down to the minimum */
    ExFreeToNPagedLookasideList(&npaged, entries[0]);
    ExDeleteNPagedLookasideList(&npaged);
}

static void depth_grows_with_misses_and_shrinks_when_idle(void **state)
{
    (void)state;
    run_as_driver("demand", demand_then_quiet);
    assert_int_equal(depths[0], 4);
    assert_int_equal(depths[1], 34);
    assert_int_equal(depths[2], 34);
    assert_int_equal(depths[3], 24);
    assert_int_equal(depths[4], 4);
}

static void allocate_with_hits_only(void)
{
    ExInitializeNPagedLookasideList(&npaged, NULL, NULL, 0, ENTRY, TAG, 0);
    entries[0] = ExAllocateFromNPagedLookasideList(&npaged);
    ExFreeToNPagedLookasideList(&npaged, entries[0]);
    sleep_past_next_nonpaged_scan(); /* the first scan: a quiet list, stays at 4 */
    for (int i = 0; i < 1000; i++) {
        entries[0] = ExAllocateFromNPagedLookasideList(&npaged);
        ExFreeToNPagedLookasideList(&npaged, entries[0]);
    }
    LARGE_INTEGER scan = { .QuadPart = -3 * SECOND };
    KeDelayExecutionThread(KernelMode, FALSE, &scan);
    entries[0] = ExAllocateFromNPagedLookasideList(&npaged);
    depths[0] = npaged.L.Depth;
    ExFreeToNPagedLookasideList(&npaged, entries[0]);
    ExDeleteNPagedLookasideList(&npaged);
}

/* Busy but never missing: no reason to grow (it is at the minimum already). */
static void depth_stays_when_every_allocation_hits(void **state)
{
    (void)state;
    run_as_driver("hits", allocate_with_hits_only);
    assert_int_equal(depths[0], 4);
    assert_int_equal(npaged.L.AllocateMisses, 1);
}

/* ---- misuse ---------------------------------------------------------------------------- */

static void too_small_entries(void)
{
    ExInitializePagedLookasideList(&paged, NULL, NULL, 0, 4, TAG, 0);
}

static void entries_smaller_than_their_link_stop_the_system(void **state)
{
    (void)state;
    expect_stop(too_small_entries, "bug check 0x000000C4 DRIVER_VERIFIER_DETECTED_VIOLATION (0xcd");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(freed_entry_comes_back_on_the_next_allocation, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(list_caches_no_more_than_its_depth, harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(cached_entries_of_a_list_never_deleted_are_reported_at_unload,
                                        harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(deleting_a_list_frees_what_it_caches, harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(allocate_and_free_routines_given_at_init_are_used, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(ex_list_passes_itself_and_its_flags_to_the_routines, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(ex_list_refuses_a_bad_pool_type_or_flags, harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(depth_grows_with_misses_and_shrinks_when_idle, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(depth_stays_when_every_allocation_hits, harness_setup, harness_teardown),
        cmocka_unit_test(entries_smaller_than_their_link_stop_the_system),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
