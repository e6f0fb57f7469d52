/*
 * test_mm.c - the memory manager's rules one by one: layouts per arch,
 * system-chosen addresses, release and split, commit accounting, large
 * pages, touch and guard pages, process layout, TEBs and stacks. The oracle
 * cases are in test_mm_oracle.c, the random model in test_mm_property.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mm/mm.h"

#define MB 0x100000ull

static mm_space *space(mm_arch arch, bool sys64, bool laa, uint64_t uva, mm_commit *commit, bool lock)
{
    mm_space_params p = {.arch = arch, .system_is_x64 = sys64, .large_address_aware = laa,
                         .increase_uva = uva, .commit = commit, .lock_memory_privilege = lock};
    mm_space *s;
    assert_int_equal(mm_space_create(&p, &s), STATUS_SUCCESS);
    return s;
}

static mm_space *x64(void)
{
    return space(MM_ARCH_X64, true, false, 0, NULL, false);
}

static NTSTATUS alloc(mm_space *s, ULONG_PTR *b, SIZE_T sz, ULONG type, ULONG prot)
{
    SIZE_T size = sz;
    return mm_allocate(s, b, 0, &size, type, prot);
}

static MEMORY_BASIC_INFORMATION query(mm_space *s, ULONG_PTR a)
{
    MEMORY_BASIC_INFORMATION m;
    assert_int_equal(mm_query(s, a, &m), STATUS_SUCCESS);
    return m;
}

static void x64_user_space_is_128_tb(void **st)
{
    (void)st;
    mm_space *s = x64();
    assert_int_equal(mm_lowest_user_address(s), 0x10000);
    assert_int_equal(mm_highest_user_address(s), 0x7FFFFFFEFFFFull);
    mm_space_destroy(s);
}

static void x86_layouts_follow_laa_wow64_and_increase_uva(void **st)
{
    (void)st;
    struct { bool sys64, laa; uint64_t uva; ULONG_PTR highest; } c[] = {
        {false, false, 0, 0x7FFEFFFF},           {false, true, 0, 0x7FFEFFFF},
        {false, false, 0xC0000000, 0x7FFEFFFF},  {false, true, 0xC0000000, 0xBFFEFFFF},
        {false, true, 0xA0000000, 0x9FFEFFFF},   {true, false, 0, 0x7FFEFFFF},
        {true, true, 0, 0xFFFEFFFF},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        mm_space *s = space(MM_ARCH_X86, c[i].sys64, c[i].laa, c[i].uva, NULL, false);
        assert_int_equal(mm_highest_user_address(s), c[i].highest);
        mm_space_destroy(s);
    }
}

static void query_of_system_space_fails(void **st)
{
    (void)st;
    mm_space *s = space(MM_ARCH_X86, false, false, 0, NULL, false);
    MEMORY_BASIC_INFORMATION m;
    assert_int_equal(mm_query(s, 0x80000000ull, &m), STATUS_INVALID_PARAMETER);
    assert_int_equal(mm_query(s, 0x7FFF0000ull, &m), STATUS_INVALID_PARAMETER);
    assert_int_equal(mm_query(s, 0x7FFEF000ull, &m), STATUS_SUCCESS);
    assert_int_equal(m.RegionSize, 0x1000);
    mm_space_destroy(s);
}

static void first_and_last_64k_are_never_allocatable(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR b = 0x7FFFFFFF0000ull;
    assert_int_equal(alloc(s, &b, 0x1000, MEM_RESERVE, PAGE_READWRITE), STATUS_INVALID_PARAMETER_2);
    b = 0x7FFFFFFE0000ull;
    assert_int_equal(alloc(s, &b, 0x10000, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    b = 0xF000;
    assert_int_equal(alloc(s, &b, 0x1000, MEM_RESERVE, PAGE_READWRITE), STATUS_INVALID_PARAMETER_2);
    mm_space_destroy(s);
}

static void system_chosen_address_is_lowest_free_granule(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR b = 0;
    assert_int_equal(alloc(s, &b, 0x3000, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(b, 0x10000);
    ULONG_PTR c = 0;
    assert_int_equal(alloc(s, &c, 0x1000, MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS); /* ADDR 0 commit reserves too */
    assert_int_equal(c, 0x20000);
    assert_int_equal(query(s, c).State, MEM_COMMIT);
    SIZE_T z = 0;
    assert_int_equal(mm_free(s, &b, &z, MEM_RELEASE), STATUS_SUCCESS);
    ULONG_PTR d = 0;
    assert_int_equal(alloc(s, &d, 0x10000, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(d, 0x10000); /* the hole is reused */
    mm_space_destroy(s);
}

static void top_down_takes_the_highest_free_granule(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR b = 0;
    assert_int_equal(alloc(s, &b, 0x1000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(b, 0x7FFFFFFE0000ull);
    ULONG_PTR c = 0;
    assert_int_equal(alloc(s, &c, 0x20000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(c, 0x7FFFFFFC0000ull);
    mm_space_destroy(s);
}

static void zero_bits_keep_the_address_low(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR b = 0;
    SIZE_T sz = 0x1000;
    assert_int_equal(mm_allocate(s, &b, 1, &sz, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(b, 0x7FFF0000ull);
    sz = 0x1000;
    b = 0;
    assert_int_equal(mm_allocate(s, &b, 22, &sz, MEM_RESERVE, PAGE_READWRITE), STATUS_INVALID_PARAMETER_3);
    mm_space_destroy(s);
}

static void release_not_at_base_fails(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR b = 0x300000000ull;
    assert_int_equal(alloc(s, &b, 0x20000, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    ULONG_PTR f = b + 0x1000;
    SIZE_T z = 0;
    assert_int_equal(mm_free(s, &f, &z, MEM_RELEASE), STATUS_FREE_VM_NOT_AT_BASE);
    mm_space_destroy(s);
}

static void release_in_the_middle_splits_the_allocation(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR b = 0x300000000ull;
    assert_int_equal(alloc(s, &b, 0x30000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(mm_commit_charge(s), 0x30000);
    ULONG_PTR m = b + 0x10000;
    SIZE_T sz = 0x10000;
    assert_int_equal(mm_free(s, &m, &sz, MEM_RELEASE), STATUS_SUCCESS);
    assert_int_equal(mm_commit_charge(s), 0x20000);
    assert_int_equal(query(s, b).RegionSize, 0x10000);
    assert_int_equal(query(s, b + 0x10000).State, MEM_FREE);
    MEMORY_BASIC_INFORMATION t = query(s, b + 0x20000);
    assert_int_equal(t.AllocationBase, b + 0x20000); /* the tail is an allocation of its own */
    ULONG_PTR tb = b + 0x20000;
    SIZE_T z = 0;
    assert_int_equal(mm_free(s, &tb, &z, MEM_RELEASE), STATUS_SUCCESS);
    assert_int_equal(z, 0x10000);
    assert_true(mm_check(s));
    mm_space_destroy(s);
}

static void commit_beyond_the_limit_fails_and_changes_nothing(void **st)
{
    (void)st;
    mm_commit c = {.limit = 0x10000};
    mm_space *s = space(MM_ARCH_X64, true, false, 0, &c, false);
    ULONG_PTR b = 0x300000000ull;
    assert_int_equal(alloc(s, &b, 0x20000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), STATUS_COMMITMENT_LIMIT);
    assert_int_equal(query(s, b).State, MEM_FREE);
    assert_int_equal(alloc(s, &b, 0x20000, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    ULONG_PTR p = b;
    assert_int_equal(alloc(s, &p, 0x10000, MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(c.charged, 0x10000);
    p = b + 0x10000;
    assert_int_equal(alloc(s, &p, 0x1000, MEM_COMMIT, PAGE_READWRITE), STATUS_COMMITMENT_LIMIT);
    p = b; /* re-committing committed pages charges nothing */
    assert_int_equal(alloc(s, &p, 0x10000, MEM_COMMIT, PAGE_READONLY), STATUS_SUCCESS);
    SIZE_T sz = 0x4000;
    assert_int_equal(mm_free(s, &p, &sz, MEM_DECOMMIT), STATUS_SUCCESS);
    assert_int_equal(c.charged, 0xC000);
    mm_space_destroy(s);
    assert_int_equal(c.charged, 0); /* destroy returns the charge */
}

static void large_pages_need_the_privilege(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR b = 0;
    assert_int_equal(alloc(s, &b, 2 * MB, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE),
                     STATUS_PRIVILEGE_NOT_HELD);
    mm_space_destroy(s);
}

static void large_pages_are_2mb_read_write_reserve_and_commit(void **st)
{
    (void)st;
    mm_space *s = space(MM_ARCH_X64, true, false, 0, NULL, true);
    ULONG_PTR b = 0;
    const ULONG lp = MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES;
    assert_int_equal(alloc(s, &b, 2 * MB, MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE), STATUS_INVALID_PARAMETER_5);
    assert_int_equal(alloc(s, &b, MB, lp, PAGE_READWRITE), STATUS_INVALID_PARAMETER);
    assert_int_equal(alloc(s, &b, 2 * MB, lp, PAGE_READONLY), STATUS_INVALID_PAGE_PROTECTION);
    b = 0x300010000ull;
    assert_int_equal(alloc(s, &b, 2 * MB, lp, PAGE_READWRITE), STATUS_INVALID_PARAMETER);
    b = 0x10000; /* take the first granule so the next fit must skip to 2 MB */
    assert_int_equal(alloc(s, &b, 0x1000, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    b = 0;
    assert_int_equal(alloc(s, &b, 4 * MB, lp, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(b, 2 * MB);
    MEMORY_BASIC_INFORMATION m = query(s, b);
    assert_int_equal(m.State, MEM_COMMIT);
    assert_int_equal(m.RegionSize, 4 * MB);
    assert_int_equal(mm_commit_charge(s), 4 * MB);
    mm_space_destroy(s);
}

static void touch_follows_the_protection(void **st)
{
    (void)st;
    static const struct { ULONG prot; NTSTATUS r, w, x; } t[] = {
        {PAGE_NOACCESS, STATUS_ACCESS_VIOLATION, STATUS_ACCESS_VIOLATION, STATUS_ACCESS_VIOLATION},
        {PAGE_READONLY, STATUS_SUCCESS, STATUS_ACCESS_VIOLATION, STATUS_ACCESS_VIOLATION},
        {PAGE_READWRITE, STATUS_SUCCESS, STATUS_SUCCESS, STATUS_ACCESS_VIOLATION},
        {PAGE_EXECUTE, STATUS_SUCCESS, STATUS_ACCESS_VIOLATION, STATUS_SUCCESS},
        {PAGE_EXECUTE_READ, STATUS_SUCCESS, STATUS_ACCESS_VIOLATION, STATUS_SUCCESS},
        {PAGE_EXECUTE_READWRITE, STATUS_SUCCESS, STATUS_SUCCESS, STATUS_SUCCESS},
    };
    mm_space *s = x64();
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        ULONG_PTR b = 0;
        assert_int_equal(alloc(s, &b, 0x1000, MEM_RESERVE | MEM_COMMIT, t[i].prot), STATUS_SUCCESS);
        assert_int_equal(mm_touch(s, b + 8, MM_READ), t[i].r);
        assert_int_equal(mm_touch(s, b + 8, MM_WRITE), t[i].w);
        assert_int_equal(mm_touch(s, b + 8, MM_EXECUTE), t[i].x);
    }
    mm_space_destroy(s);
}

static void touch_of_reserved_or_free_memory_is_an_access_violation(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR b = 0x300000000ull;
    assert_int_equal(alloc(s, &b, 0x10000, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    assert_int_equal(mm_touch(s, b, MM_READ), STATUS_ACCESS_VIOLATION);
    assert_int_equal(mm_touch(s, b + 0x10000, MM_READ), STATUS_ACCESS_VIOLATION);
    assert_int_equal(mm_touch(s, 0xFFFF800000000000ull, MM_READ), STATUS_ACCESS_VIOLATION);
    mm_space_destroy(s);
}

static void guard_page_fires_once_and_is_removed(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR b = 0x300000000ull;
    assert_int_equal(alloc(s, &b, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD), STATUS_SUCCESS);
    assert_int_equal(mm_touch(s, b + 0x1000, MM_WRITE), STATUS_GUARD_PAGE_VIOLATION);
    assert_int_equal(mm_touch(s, b + 0x1000, MM_WRITE), STATUS_SUCCESS);
    assert_int_equal(query(s, b).Protect, PAGE_READWRITE | PAGE_GUARD);
    assert_int_equal(query(s, b + 0x1000).Protect, PAGE_READWRITE);
    assert_int_equal(query(s, b + 0x1000).AllocationProtect, PAGE_READWRITE | PAGE_GUARD);
    mm_space_destroy(s);
}

static NTSTATUS overflow_hook(void *ctx, mm_space *s, ULONG_PTR page)
{
    (void)s;
    *(ULONG_PTR *)ctx = page;
    return STATUS_STACK_OVERFLOW;
}

static void guard_hook_sees_the_page_and_decides_the_status(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR seen = 0, b = 0x300000000ull;
    mm_set_guard_hook(s, overflow_hook, &seen);
    assert_int_equal(alloc(s, &b, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READONLY | PAGE_GUARD), STATUS_SUCCESS);
    assert_int_equal(mm_touch(s, b + 0x10, MM_READ), STATUS_STACK_OVERFLOW);
    assert_int_equal(seen, b);
    mm_space_destroy(s);
}

static bool nothing_in_window(void *ctx, const MEMORY_BASIC_INFORMATION *m, const char *detail)
{
    (void)detail;
    if (m->State != MEM_FREE && m->BaseAddress < 0x400000000ull && m->BaseAddress + m->RegionSize > 0x100000000ull)
        *(int *)ctx = 1;
    return true;
}

static mm_space *process(mm_arch arch, bool aslr, uint64_t seed, mm_process_layout *l)
{
    mm_space *s = space(arch, true, false, 0, NULL, false);
    rtl_random rng;
    rtl_random_seed(&rng, seed);
    assert_int_equal(mm_initialize_process(s, "notepad.exe", 0x38000, aslr, &rng, l), STATUS_SUCCESS);
    return s;
}

static void x64_aslr_process_leaves_the_scenario_window_free(void **st)
{
    (void)st;
    for (uint64_t seed = 0; seed < 50; seed++) {
        mm_process_layout l;
        mm_space *s = process(MM_ARCH_X64, true, seed, &l);
        ULONG_PTR teb;
        assert_int_equal(mm_create_teb(s, 8, &teb), STATUS_SUCCESS);
        mm_stack stk;
        assert_int_equal(mm_create_stack(s, 8, 0, 0, &stk), STATUS_SUCCESS);
        int hit = 0;
        mm_walk(s, nothing_in_window, &hit);
        assert_int_equal(hit, 0);
        mm_space_destroy(s);
    }
}

static void image_base_depends_on_the_seed_only(void **st)
{
    (void)st;
    mm_process_layout a, b, c;
    mm_space *sa = process(MM_ARCH_X64, true, 1, &a), *sb = process(MM_ARCH_X64, true, 1, &b),
             *sc = process(MM_ARCH_X64, true, 2, &c);
    assert_int_equal(a.image_base, b.image_base);
    assert_int_equal(a.peb, b.peb);
    assert_int_not_equal(a.image_base, c.image_base);
    mm_space_destroy(sa);
    mm_space_destroy(sb);
    mm_space_destroy(sc);
}

static void without_aslr_images_sit_at_their_preferred_base(void **st)
{
    (void)st;
    mm_process_layout l;
    mm_space *s = process(MM_ARCH_X64, false, 7, &l);
    assert_int_equal(l.image_base, 0x140000000ull);
    mm_space_destroy(s);
    s = process(MM_ARCH_X86, false, 7, &l);
    assert_int_equal(l.image_base, 0x400000ull);
    mm_space_destroy(s);
}

static void image_view_looks_like_a_real_one(void **st)
{
    (void)st;
    mm_process_layout l;
    mm_space *s = process(MM_ARCH_X64, true, 3, &l);
    MEMORY_BASIC_INFORMATION h = query(s, l.image_base);
    assert_int_equal(h.Type, MEM_IMAGE);
    assert_int_equal(h.State, MEM_COMMIT);
    assert_int_equal(h.Protect, PAGE_READONLY);
    assert_int_equal(h.RegionSize, 0x1000);
    assert_int_equal(h.AllocationProtect, PAGE_EXECUTE_WRITECOPY);
    assert_int_equal(query(s, l.image_base + 0x1000).Protect, PAGE_EXECUTE_READ);
    MEMORY_BASIC_INFORMATION d = query(s, l.image_base + l.image_size - 0x1000);
    assert_int_equal(d.Protect, PAGE_WRITECOPY);
    assert_int_equal(mm_touch(s, d.BaseAddress, MM_WRITE), STATUS_SUCCESS);
    assert_int_equal(query(s, d.BaseAddress).Protect, PAGE_READWRITE); /* copied on write */
    ULONG_PTR b = l.image_base;
    SIZE_T z = 0;
    assert_int_equal(mm_free(s, &b, &z, MEM_RELEASE), STATUS_UNABLE_TO_DELETE_SECTION);
    assert_int_equal(mm_unmap_view(s, l.ntdll_base), STATUS_SUCCESS);
    assert_int_equal(query(s, l.ntdll_base).State, MEM_FREE);
    assert_int_equal(mm_unmap_view(s, l.ntdll_base), STATUS_NOT_MAPPED_VIEW);
    MEMORY_BASIC_INFORMATION k = query(s, 0x7FFE0000ull);
    assert_int_equal(k.Protect, PAGE_READONLY);
    mm_space_destroy(s);
}

typedef struct map_check { ULONG_PTR next; int bad; int teb, stack, peb; } map_check;

static bool contiguous(void *ctx, const MEMORY_BASIC_INFORMATION *m, const char *detail)
{
    map_check *c = ctx;
    if (m->BaseAddress != c->next || m->RegionSize == 0)
        c->bad = 1;
    c->next = m->BaseAddress + m->RegionSize;
    if (detail && !strcmp(detail, "TEB of thread 12"))
        c->teb++;
    if (detail && !strcmp(detail, "stack of thread 12"))
        c->stack++;
    if (detail && !strcmp(detail, "PEB"))
        c->peb++;
    return true;
}

static void map_covers_all_of_user_space_in_order(void **st)
{
    (void)st;
    mm_process_layout l;
    mm_space *s = process(MM_ARCH_X64, true, 5, &l);
    ULONG_PTR teb;
    mm_stack stk;
    assert_int_equal(mm_create_teb(s, 12, &teb), STATUS_SUCCESS);
    assert_int_equal(mm_create_stack(s, 12, 0, 0, &stk), STATUS_SUCCESS);
    map_check c = {0};
    mm_walk(s, contiguous, &c);
    assert_int_equal(c.bad, 0);
    assert_int_equal(c.next, mm_highest_user_address(s) + 1);
    assert_int_equal(c.teb, 1);
    assert_int_equal(c.stack, 3); /* reserved, guard, committed */
    assert_int_equal(c.peb, 1);
    assert_true(teb < l.peb && teb + 0x2000 <= l.peb);
    mm_space_destroy(s);
}

static void stack_is_reserve_guard_commit_from_the_top(void **st)
{
    (void)st;
    mm_space *s = x64();
    mm_stack k;
    assert_int_equal(mm_create_stack(s, 4, 0x100000, 0x3000, &k), STATUS_SUCCESS);
    assert_int_equal(k.stack_base - k.deallocation_stack, 0x100000);
    assert_int_equal(k.stack_base - k.stack_limit, 0x3000);
    MEMORY_BASIC_INFORMATION top = query(s, k.stack_limit);
    assert_int_equal(top.State, MEM_COMMIT);
    assert_int_equal(top.Protect, PAGE_READWRITE);
    assert_int_equal(top.RegionSize, 0x3000);
    MEMORY_BASIC_INFORMATION guard = query(s, k.stack_limit - 0x3000);
    assert_int_equal(guard.Protect, PAGE_READWRITE | PAGE_GUARD);
    assert_int_equal(guard.RegionSize, 0x3000); /* x64: three guard pages */
    MEMORY_BASIC_INFORMATION low = query(s, k.deallocation_stack);
    assert_int_equal(low.State, MEM_RESERVE);
    assert_int_equal(low.RegionSize, 0x100000 - 0x6000);
    assert_int_equal(mm_commit_charge(s), 0x6000);
    assert_int_equal(mm_touch(s, k.stack_limit - 8, MM_WRITE), STATUS_SUCCESS); /* the stack grew */
    assert_int_equal(mm_delete_stack(s, &k), STATUS_SUCCESS);
    assert_int_equal(query(s, k.deallocation_stack).State, MEM_FREE);
    assert_int_equal(mm_commit_charge(s), 0);
    mm_space_destroy(s);
}

static void huge_reservation_costs_no_page_table(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR b = 0x10000000000ull;
    assert_int_equal(alloc(s, &b, 0x10000000000ull, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS); /* 1 TB */
    mm_stats a;
    mm_get_stats(s, &a);
    assert_int_equal(a.runs, 0);
    ULONG_PTR p = b + 0x8000000000ull;
    assert_int_equal(alloc(s, &p, 0x1000, MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    mm_get_stats(s, &a);
    assert_int_equal(a.runs, 3);
    assert_true(a.host_bytes < 4096);
    SIZE_T sz = 0x1000;
    assert_int_equal(mm_free(s, &p, &sz, MEM_DECOMMIT), STATUS_SUCCESS);
    mm_get_stats(s, &a);
    assert_int_equal(a.runs, 0); /* back to one inline run */
    mm_space_destroy(s);
}

static void protect_keeps_the_allocations_caching(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR b = 0x300000000ull;
    assert_int_equal(alloc(s, &b, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_NOCACHE), STATUS_SUCCESS);
    SIZE_T sz = 0x1000;
    ULONG old;
    assert_int_equal(mm_protect(s, &b, &sz, PAGE_READONLY, &old), STATUS_SUCCESS);
    assert_int_equal(old, PAGE_READWRITE | PAGE_NOCACHE);
    assert_int_equal(query(s, b).Protect, PAGE_READONLY | PAGE_NOCACHE);
    mm_space_destroy(s);
}

/* NT checks copy-on-write for private memory on the reserve path after the
 * size checks, and for a commit at a base only once the VAD is found
 * (allocvm.c), so the range's own errors come first. Found by vmdiff. */
static void commit_of_writecopy_on_free_memory_is_a_conflict(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR b = 0x200000000ull;
    assert_int_equal(alloc(s, &b, 0x3000, MEM_COMMIT, PAGE_WRITECOPY), STATUS_CONFLICTING_ADDRESSES);
    b = 0x200000000ull;
    assert_int_equal(alloc(s, &b, 0x10000, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    b = 0x200001000ull;
    assert_int_equal(alloc(s, &b, 0x1000, MEM_COMMIT, PAGE_WRITECOPY), STATUS_INVALID_PAGE_PROTECTION);
    b = 0x200001000ull;
    assert_int_equal(alloc(s, &b, 0x10000, MEM_COMMIT, PAGE_EXECUTE_WRITECOPY), STATUS_CONFLICTING_ADDRESSES);
    mm_space_destroy(s);
}

static void writecopy_with_size_zero_fails_on_the_size(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR b = 0x200240000ull;
    assert_int_equal(alloc(s, &b, 0, MEM_COMMIT, PAGE_WRITECOPY), STATUS_INVALID_PARAMETER_4);
    b = 0x200240000ull;
    assert_int_equal(alloc(s, &b, 0, MEM_RESERVE, PAGE_WRITECOPY), STATUS_INVALID_PARAMETER_4);
    b = 0x200240000ull;
    assert_int_equal(alloc(s, &b, 0x1000, MEM_RESERVE, PAGE_WRITECOPY), STATUS_INVALID_PAGE_PROTECTION);
    mm_space_destroy(s);
}

/* The protection mask is the first check of both calls (MiMakeProtectionMask
 * before anything else); Wine checks it later. */
static void invalid_protection_is_checked_before_the_range(void **st)
{
    (void)st;
    mm_space *s = x64();
    ULONG_PTR b = 0x2001b0000ull;
    assert_int_equal(alloc(s, &b, 0x4000, MEM_COMMIT, 0x3), STATUS_INVALID_PAGE_PROTECTION);
    b = 0x200220000ull;
    assert_int_equal(alloc(s, &b, 0, MEM_RESERVE | MEM_COMMIT, 0), STATUS_INVALID_PAGE_PROTECTION);
    b = 0x200000000ull;
    SIZE_T sz = 0x10000;
    ULONG old;
    assert_int_equal(mm_protect(s, &b, &sz, 0, &old), STATUS_INVALID_PAGE_PROTECTION);
    assert_int_equal(alloc(s, &b, 0x10000, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    sz = 0x2000;
    assert_int_equal(mm_protect(s, &b, &sz, 0x3, &old), STATUS_INVALID_PAGE_PROTECTION);
    assert_int_equal(mm_protect(s, &b, &sz, PAGE_WRITECOPY, &old), STATUS_INVALID_PAGE_PROTECTION);
    mm_space_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(x64_user_space_is_128_tb),
        cmocka_unit_test(x86_layouts_follow_laa_wow64_and_increase_uva),
        cmocka_unit_test(query_of_system_space_fails),
        cmocka_unit_test(first_and_last_64k_are_never_allocatable),
        cmocka_unit_test(system_chosen_address_is_lowest_free_granule),
        cmocka_unit_test(top_down_takes_the_highest_free_granule),
        cmocka_unit_test(zero_bits_keep_the_address_low),
        cmocka_unit_test(release_not_at_base_fails),
        cmocka_unit_test(release_in_the_middle_splits_the_allocation),
        cmocka_unit_test(commit_beyond_the_limit_fails_and_changes_nothing),
        cmocka_unit_test(large_pages_need_the_privilege),
        cmocka_unit_test(large_pages_are_2mb_read_write_reserve_and_commit),
        cmocka_unit_test(touch_follows_the_protection),
        cmocka_unit_test(touch_of_reserved_or_free_memory_is_an_access_violation),
        cmocka_unit_test(guard_page_fires_once_and_is_removed),
        cmocka_unit_test(guard_hook_sees_the_page_and_decides_the_status),
        cmocka_unit_test(x64_aslr_process_leaves_the_scenario_window_free),
        cmocka_unit_test(image_base_depends_on_the_seed_only),
        cmocka_unit_test(without_aslr_images_sit_at_their_preferred_base),
        cmocka_unit_test(image_view_looks_like_a_real_one),
        cmocka_unit_test(map_covers_all_of_user_space_in_order),
        cmocka_unit_test(stack_is_reserve_guard_commit_from_the_top),
        cmocka_unit_test(huge_reservation_costs_no_page_table),
        cmocka_unit_test(protect_keeps_the_allocations_caching),
        cmocka_unit_test(commit_of_writecopy_on_free_memory_is_a_conflict),
        cmocka_unit_test(writecopy_with_size_zero_fails_on_the_size),
        cmocka_unit_test(invalid_protection_is_checked_before_the_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
