/*
 * test_mm_stack.c - user stacks and kernel stacks (docs/stacks.md): the
 * layout for each combination of PE defaults and CreateThread's parameter,
 * growth page by page through the guard region (3 pages on x64, 1 on x86),
 * the overflow and the last page that is never usable, guard pages that are
 * no stack's, and kernel stacks per arch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mm/mm.h"

#define K 0x400ull
#define P 0x1000ull
#define MB 0x100000ull

static mm_space *space_of(mm_arch arch, bool sys64, mm_commit *commit)
{
    mm_space_params p = {.arch = arch, .system_is_x64 = sys64, .commit = commit};
    mm_space *s;
    assert_int_equal(mm_space_create(&p, &s), STATUS_SUCCESS);
    return s;
}

static MEMORY_BASIC_INFORMATION query(mm_space *s, ULONG_PTR a)
{
    MEMORY_BASIC_INFORMATION m;
    assert_int_equal(mm_query(s, a, &m), STATUS_SUCCESS);
    return m;
}

static mm_stack stack_of(mm_space *s, ULONG_PTR dealloc)
{
    mm_stack k;
    assert_int_equal(mm_query_stack(s, dealloc, &k), STATUS_SUCCESS);
    return k;
}

/*
 * CreateThread's size is a commit (or, with STACK_SIZE_PARAM_IS_A_RESERVATION,
 * a reserve); the other value comes from the PE header. These are the values
 * RtlCreateUserStack then receives (ps/thread.c passes them).
 */
typedef struct layout_case {
    const char *what;
    SIZE_T reserve, commit;                     /* as passed */
    SIZE_T want_reserve, want_commit, want_guard_x64, want_guard_x86;
} layout_case;

static const layout_case layouts[] = {
    {"PE defaults 1M/4K", MB, 4 * K, MB, 4 * K, 3 * P, P},
    {"zeros mean 1M/1 page", 0, 0, MB, 4 * K, 3 * P, P},
    {"PE 1M/64K", MB, 64 * K, MB, 64 * K, 3 * P, P},
    {"commit 64K (CreateThread), PE reserve", MB, 64 * K, MB, 64 * K, 3 * P, P},
    {"commit rounds to pages", MB, 5000, MB, 8 * K, 3 * P, P},
    {"commit 2M >= reserve: reserve 2M, no guard", MB, 2 * MB, 2 * MB, 2 * MB, 0, 0},
    {"commit 1M == reserve: reserve stays 1M, all committed", MB, MB, MB, MB, 0, 0},
    {"commit 1M+1: reserve 2M", MB, MB + 1, 2 * MB, MB + 4 * K, 3 * P, P},
    {"reserve 256K (reservation), PE commit", 256 * K, 4 * K, 256 * K, 4 * K, 3 * P, P},
    {"reserve 100K rounds to 128K", 100 * K, 4 * K, 128 * K, 4 * K, 3 * P, P},
    {"reserve 4K <= commit 4K: reserve 1M", 4 * K, 4 * K, MB, 4 * K, 3 * P, P},
    {"PE 192K/192K: reserve 1M", 192 * K, 192 * K, MB, 192 * K, 3 * P, P},
    {"one page of room: one guard page", 64 * K, 60 * K, 64 * K, 60 * K, P, P},
    {"two pages of room: x64 guard of two", 64 * K, 56 * K, 64 * K, 56 * K, 2 * P, P},
};

static void check_layout(mm_arch arch, bool sys64, const layout_case *c)
{
    mm_space *s = space_of(arch, sys64, NULL);
    mm_stack k;
    assert_int_equal(mm_create_stack(s, 8, c->reserve, c->commit, &k), STATUS_SUCCESS);
    SIZE_T guard = arch == MM_ARCH_X64 ? c->want_guard_x64 : c->want_guard_x86;
    print_message("%s: %s\n", arch == MM_ARCH_X64 ? "x64" : sys64 ? "wow64" : "x86", c->what);
    assert_int_equal(k.reserve, c->want_reserve);
    assert_int_equal(k.stack_base - k.deallocation_stack, c->want_reserve);
    assert_int_equal(k.commit, c->want_commit);
    assert_int_equal(k.stack_limit, k.stack_base - c->want_commit);
    assert_int_equal(k.guard_end - k.guard_start, guard);
    assert_int_equal(k.guard_end, k.stack_limit);
    assert_int_equal(k.committed, c->want_commit + guard);
    assert_int_equal(mm_commit_charge(s), c->want_commit + guard);
    assert_int_equal(k.deallocation_stack % 0x10000, 0);
    MEMORY_BASIC_INFORMATION top = query(s, k.stack_limit);
    assert_int_equal(top.State, MEM_COMMIT);
    assert_int_equal(top.Protect, PAGE_READWRITE);
    assert_int_equal(top.RegionSize, c->want_commit);
    assert_int_equal(top.AllocationBase, k.deallocation_stack);
    if (guard) {
        MEMORY_BASIC_INFORMATION g = query(s, k.stack_limit - guard);
        assert_int_equal(g.Protect, PAGE_READWRITE | PAGE_GUARD);
        assert_int_equal(g.RegionSize, guard);
    }
    SIZE_T reserved = c->want_reserve - c->want_commit - guard;
    if (reserved) {
        MEMORY_BASIC_INFORMATION low = query(s, k.deallocation_stack);
        assert_int_equal(low.State, MEM_RESERVE);
        assert_int_equal(low.RegionSize, reserved);
    }
    mm_space_destroy(s);
}

static void x64_layouts_for_every_combination(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof layouts / sizeof *layouts; i++)
        check_layout(MM_ARCH_X64, true, &layouts[i]);
}

static void x86_layouts_for_every_combination(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof layouts / sizeof *layouts; i++)
        check_layout(MM_ARCH_X86, false, &layouts[i]);
}

static void wow64_stacks_have_the_x86_guard(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof layouts / sizeof *layouts; i++)
        check_layout(MM_ARCH_X86, true, &layouts[i]);
}

static void x64_stack_grows_one_page_per_guard_touch(void **st)
{
    (void)st;
    mm_space *s = space_of(MM_ARCH_X64, true, NULL);
    mm_stack k;
    assert_int_equal(mm_create_stack(s, 8, MB, 4 * K, &k), STATUS_SUCCESS);
    for (int i = 1; i <= 20; i++) {
        ULONG_PTR page = k.stack_limit - P;
        assert_int_equal(mm_touch(s, page + 0x10, MM_WRITE), STATUS_SUCCESS);
        k = stack_of(s, k.deallocation_stack);
        assert_int_equal(k.stack_limit, page);                  /* StackLimit follows */
        assert_int_equal(k.commit, (SIZE_T)(i + 1) * P);
        assert_int_equal(k.guard_end - k.guard_start, 3 * P);   /* the region moved down whole */
        assert_int_equal(query(s, page).Protect, PAGE_READWRITE);
        assert_int_equal(query(s, k.stack_limit - 3 * P).Protect, PAGE_READWRITE | PAGE_GUARD);
        assert_int_equal(mm_commit_charge(s), (uint64_t)(i + 1 + 3) * P);
    }
    mm_space_destroy(s);
}

static void x86_stack_grows_one_page_per_guard_touch(void **st)
{
    (void)st;
    mm_space *s = space_of(MM_ARCH_X86, false, NULL);
    mm_stack k;
    assert_int_equal(mm_create_stack(s, 8, MB, 4 * K, &k), STATUS_SUCCESS);
    for (int i = 1; i <= 20; i++) {
        ULONG_PTR page = k.stack_limit - P;
        assert_int_equal(mm_touch(s, page, MM_READ), STATUS_SUCCESS);
        k = stack_of(s, k.deallocation_stack);
        assert_int_equal(k.stack_limit, page);
        assert_int_equal(k.guard_start, page - P);
        assert_int_equal(k.guard_end, page);
    }
    mm_space_destroy(s);
}

static void stack_touch_holds_the_bytes(void **st)
{
    (void)st;
    mm_space *s = space_of(MM_ARCH_X64, true, NULL);
    mm_stack k, after;
    assert_int_equal(mm_create_stack(s, 8, MB, 4 * K, &k), STATUS_SUCCESS);
    assert_int_equal(mm_touch_stack(s, k.deallocation_stack, 100 * K, &after), STATUS_SUCCESS);
    assert_int_equal(after.stack_limit, k.stack_base - 100 * K);
    assert_int_equal(after.commit, 100 * K);
    assert_int_equal(after.guard_end - after.guard_start, 3 * P);
    assert_int_equal(after.committed, 100 * K + 3 * P);
    /* Less than the stack holds already changes nothing. */
    assert_int_equal(mm_touch_stack(s, k.deallocation_stack, 10 * K, &after), STATUS_SUCCESS);
    assert_int_equal(after.stack_limit, k.stack_base - 100 * K);
    /* A part of a page counts as the page. */
    assert_int_equal(mm_touch_stack(s, k.deallocation_stack, 100 * K + 1, &after), STATUS_SUCCESS);
    assert_int_equal(after.stack_limit, k.stack_base - 104 * K);
    mm_space_destroy(s);
}

/* 64 KiB stack, x64: pages D .. D+15P. The guard region can move down while
 * the faulting page is at least D+5P (room for 3 guard pages above the last
 * page); the touch of D+4P overflows: D+P .. D+3P are committed without guard,
 * StackLimit = D+P, and D stays reserved for good. */
static void x64_overflow_leaves_the_last_page_unusable(void **st)
{
    (void)st;
    mm_space *s = space_of(MM_ARCH_X64, true, NULL);
    mm_stack k, a;
    assert_int_equal(mm_create_stack(s, 8, 64 * K, 4 * K, &k), STATUS_SUCCESS);
    ULONG_PTR d = k.deallocation_stack;
    assert_int_equal(mm_touch_stack(s, d, 44 * K, &a), STATUS_SUCCESS);
    assert_int_equal(a.stack_limit, d + 5 * P);
    assert_int_equal(a.guard_start, d + 2 * P);
    assert_int_equal(mm_touch_stack(s, d, 48 * K, &a), STATUS_STACK_OVERFLOW);
    assert_int_equal(a.stack_limit, d + P);
    assert_int_equal(a.guard_start, a.guard_end); /* no guard left */
    assert_int_equal(a.committed, 64 * K - P);
    MEMORY_BASIC_INFORMATION m = query(s, d + P);
    assert_int_equal(m.State, MEM_COMMIT);
    assert_int_equal(m.Protect, PAGE_READWRITE);
    assert_int_equal(m.RegionSize, 15 * P);
    assert_int_equal(query(s, d).State, MEM_RESERVE);
    /* What is committed is usable; the last page never is. */
    assert_int_equal(mm_touch_stack(s, d, 60 * K, NULL), STATUS_SUCCESS);
    assert_int_equal(mm_touch_stack(s, d, 64 * K, NULL), STATUS_ACCESS_VIOLATION);
    assert_int_equal(mm_touch(s, d, MM_WRITE), STATUS_ACCESS_VIOLATION);
    mm_space_destroy(s);
}

static void x86_overflow_leaves_the_last_page_unusable(void **st)
{
    (void)st;
    mm_space *s = space_of(MM_ARCH_X86, false, NULL);
    mm_stack k, a;
    assert_int_equal(mm_create_stack(s, 8, 64 * K, 4 * K, &k), STATUS_SUCCESS);
    ULONG_PTR d = k.deallocation_stack;
    assert_int_equal(mm_touch_stack(s, d, 52 * K, &a), STATUS_SUCCESS);
    assert_int_equal(a.stack_limit, d + 3 * P);
    assert_int_equal(a.guard_start, d + 2 * P);
    assert_int_equal(mm_touch_stack(s, d, 56 * K, &a), STATUS_STACK_OVERFLOW);
    assert_int_equal(a.stack_limit, d + P);
    assert_int_equal(a.committed, 64 * K - P);
    assert_int_equal(query(s, d).State, MEM_RESERVE);
    assert_int_equal(mm_touch_stack(s, d, 1 * MB, NULL), STATUS_ACCESS_VIOLATION);
    mm_space_destroy(s);
}

static void a_default_stack_overflows_just_short_of_its_reserve(void **st)
{
    (void)st;
    mm_space *s = space_of(MM_ARCH_X64, true, NULL);
    mm_stack k, a;
    assert_int_equal(mm_create_stack(s, 8, 0, 0, &k), STATUS_SUCCESS);
    /* 1 MiB minus the last page and the 3-page guard region, minus one more
     * page: the guard region must fit above the last page to move again. */
    assert_int_equal(mm_touch_stack(s, k.deallocation_stack, MB - 5 * P, &a), STATUS_SUCCESS);
    assert_int_equal(a.stack_limit, k.deallocation_stack + 5 * P);
    assert_int_equal(mm_touch_stack(s, k.deallocation_stack, MB - 4 * P, &a), STATUS_STACK_OVERFLOW);
    assert_int_equal(a.stack_limit, k.deallocation_stack + P);
    mm_space_destroy(s);
}

static void vm_touch_of_a_stack_guard_page_grows_the_stack(void **st)
{
    (void)st;
    mm_space *s = space_of(MM_ARCH_X64, true, NULL);
    mm_stack k;
    assert_int_equal(mm_create_stack(s, 8, MB, 4 * K, &k), STATUS_SUCCESS);
    /* Any access to a stack's guard page grows it, even a deep one. */
    ULONG_PTR low = k.guard_start;
    assert_int_equal(mm_touch(s, low, MM_READ), STATUS_SUCCESS);
    mm_stack a = stack_of(s, k.deallocation_stack);
    assert_int_equal(a.stack_limit, low);
    assert_int_equal(a.guard_start, low - 3 * P);
    /* The guard pages it skipped keep their guard (MiCheckForUserStackOverflow commits below the fault only). */
    assert_int_equal(query(s, low + P).Protect, PAGE_READWRITE | PAGE_GUARD);
    assert_int_equal(query(s, low + P).RegionSize, 2 * P);
    /* An execute of a stack page grows it but fails: stacks are not executable. */
    assert_int_equal(mm_touch(s, a.stack_limit - P, MM_EXECUTE), STATUS_ACCESS_VIOLATION);
    assert_int_equal(stack_of(s, k.deallocation_stack).stack_limit, a.stack_limit - P);
    mm_space_destroy(s);
}

static int hook_calls;
static NTSTATUS counting_hook(void *ctx, mm_space *s, ULONG_PTR page)
{
    (void)ctx, (void)s, (void)page;
    hook_calls++;
    return STATUS_GUARD_PAGE_VIOLATION;
}

static void a_guard_page_outside_any_stack_is_one_shot(void **st)
{
    (void)st;
    mm_space *s = space_of(MM_ARCH_X64, true, NULL);
    mm_stack k;
    assert_int_equal(mm_create_stack(s, 8, MB, 4 * K, &k), STATUS_SUCCESS);
    mm_set_guard_hook(s, counting_hook, NULL);
    hook_calls = 0;
    ULONG_PTR b = 0x200000000ull;
    SIZE_T sz = 0x3000;
    assert_int_equal(mm_allocate(s, &b, 0, &sz, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD),
                     STATUS_SUCCESS);
    assert_int_equal(mm_touch(s, b + 0x1000, MM_WRITE), STATUS_GUARD_PAGE_VIOLATION);
    assert_int_equal(mm_touch(s, b + 0x1000, MM_WRITE), STATUS_SUCCESS);
    assert_int_equal(query(s, b).Protect, PAGE_READWRITE | PAGE_GUARD); /* nothing grew */
    assert_int_equal(query(s, b + 0x2000).Protect, PAGE_READWRITE | PAGE_GUARD);
    assert_int_equal(hook_calls, 1);
    /* A stack's guard page is the stack's business, not the hook's. */
    assert_int_equal(mm_touch(s, k.stack_limit - P, MM_WRITE), STATUS_SUCCESS);
    assert_int_equal(hook_calls, 1);
    mm_space_destroy(s);
}

static void growth_without_commit_ends_in_overflow(void **st)
{
    (void)st;
    mm_commit c = {.limit = 0x8000};
    mm_space *s = space_of(MM_ARCH_X64, true, &c);
    mm_stack k, a;
    assert_int_equal(mm_create_stack(s, 8, MB, 4 * K, &k), STATUS_SUCCESS); /* 4 pages charged */
    assert_int_equal(mm_touch_stack(s, k.deallocation_stack, 5 * P, &a), STATUS_SUCCESS);
    assert_int_equal(c.charged, 8 * P);
    assert_int_equal(mm_touch_stack(s, k.deallocation_stack, 6 * P, &a), STATUS_STACK_OVERFLOW);
    assert_int_equal(c.charged, 8 * P);
    mm_space_destroy(s);
    assert_int_equal(c.charged, 0);
}

static void stack_creation_is_charged_or_fails_whole(void **st)
{
    (void)st;
    mm_commit c = {.limit = 0x3000};
    mm_space *s = space_of(MM_ARCH_X64, true, &c);
    mm_stack k;
    assert_int_equal(mm_create_stack(s, 8, MB, 4 * K, &k), STATUS_COMMITMENT_LIMIT);
    assert_int_equal(c.charged, 0);
    assert_int_equal(query(s, 0x10000).State, MEM_FREE);
    mm_space_destroy(s);
}

static void a_deleted_stack_is_forgotten(void **st)
{
    (void)st;
    mm_space *s = space_of(MM_ARCH_X64, true, NULL);
    mm_stack k, q;
    assert_int_equal(mm_create_stack(s, 8, MB, 4 * K, &k), STATUS_SUCCESS);
    assert_int_equal(mm_query_stack(s, k.deallocation_stack + P, &q), STATUS_INVALID_PARAMETER);
    assert_int_equal(mm_delete_stack(s, &k), STATUS_SUCCESS);
    assert_int_equal(mm_query_stack(s, k.deallocation_stack, &q), STATUS_INVALID_PARAMETER);
    assert_int_equal(mm_touch_stack(s, k.deallocation_stack, P, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(mm_commit_charge(s), 0);
    mm_space_destroy(s);
}

static void stacks_of_several_threads_grow_independently(void **st)
{
    (void)st;
    mm_space *s = space_of(MM_ARCH_X64, true, NULL);
    mm_stack a, b;
    assert_int_equal(mm_create_stack(s, 8, 64 * K, 4 * K, &a), STATUS_SUCCESS);
    assert_int_equal(mm_create_stack(s, 12, 64 * K, 4 * K, &b), STATUS_SUCCESS);
    assert_int_equal(b.deallocation_stack, a.stack_base); /* bottom-up, next granule */
    assert_int_equal(mm_touch_stack(s, b.deallocation_stack, 32 * K, &b), STATUS_SUCCESS);
    assert_int_equal(stack_of(s, a.deallocation_stack).stack_limit, a.stack_limit);
    assert_int_equal(b.commit, 32 * K);
    mm_space_destroy(s);
}

static void kernel_stacks_are_24k_on_x64_and_12k_on_x86(void **st)
{
    (void)st;
    struct { mm_arch arch; SIZE_T size; ULONG_PTR lo; } c[] = {
        {MM_ARCH_X64, 0x6000, 0xFFFFF88000000000ull},
        {MM_ARCH_X86, 0x3000, 0xE0000000ull},
    };
    for (size_t i = 0; i < 2; i++) {
        mm_system_space *ss;
        assert_int_equal(mm_system_space_create(c[i].arch, NULL, &ss), STATUS_SUCCESS);
        mm_kernel_stack k1, k2;
        assert_int_equal(mm_create_kernel_stack(ss, &k1), STATUS_SUCCESS);
        assert_int_equal(mm_create_kernel_stack(ss, &k2), STATUS_SUCCESS);
        assert_int_equal(k1.size, c[i].size);
        assert_int_equal(k1.base - k1.limit, c[i].size);
        assert_int_equal(k1.limit - k1.guard, P); /* a guard page below */
        assert_int_equal(k1.guard, c[i].lo);
        assert_int_equal(k2.guard, k1.base);      /* the next one above it, its own guard between */
        mm_system_info info;
        mm_system_query(ss, &info);
        assert_int_equal(info.kernel_stack_size, c[i].size);
        assert_int_equal(info.kernel_stacks, 2);
        assert_int_equal(info.bytes_in_use, 2 * c[i].size);
        assert_true(info.kernel_stack_lo <= k1.guard && k2.base <= info.kernel_stack_hi);
        assert_true(k1.guard > 0x80000000ull); /* system space on both */
        mm_delete_kernel_stack(ss, &k1);
        mm_system_query(ss, &info);
        assert_int_equal(info.bytes_in_use, c[i].size);
        mm_kernel_stack k3;
        assert_int_equal(mm_create_kernel_stack(ss, &k3), STATUS_SUCCESS);
        assert_int_equal(k3.base, k1.base); /* the dead stack is reused first */
        mm_system_space_destroy(ss);
    }
}

static void kernel_stacks_are_charged_to_commit(void **st)
{
    (void)st;
    mm_commit c = {.limit = 0xC000};
    mm_system_space *ss;
    assert_int_equal(mm_system_space_create(MM_ARCH_X64, &c, &ss), STATUS_SUCCESS);
    mm_kernel_stack a, b, x;
    assert_int_equal(mm_create_kernel_stack(ss, &a), STATUS_SUCCESS);
    assert_int_equal(mm_create_kernel_stack(ss, &b), STATUS_SUCCESS);
    assert_int_equal(c.charged, 0xC000);
    assert_int_equal(mm_create_kernel_stack(ss, &x), STATUS_INSUFFICIENT_RESOURCES);
    mm_delete_kernel_stack(ss, &a);
    assert_int_equal(c.charged, 0x6000);
    mm_system_space_destroy(ss); /* b is still live: its charge goes back */
    assert_int_equal(c.charged, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(x64_layouts_for_every_combination),
        cmocka_unit_test(x86_layouts_for_every_combination),
        cmocka_unit_test(wow64_stacks_have_the_x86_guard),
        cmocka_unit_test(x64_stack_grows_one_page_per_guard_touch),
        cmocka_unit_test(x86_stack_grows_one_page_per_guard_touch),
        cmocka_unit_test(stack_touch_holds_the_bytes),
        cmocka_unit_test(x64_overflow_leaves_the_last_page_unusable),
        cmocka_unit_test(x86_overflow_leaves_the_last_page_unusable),
        cmocka_unit_test(a_default_stack_overflows_just_short_of_its_reserve),
        cmocka_unit_test(vm_touch_of_a_stack_guard_page_grows_the_stack),
        cmocka_unit_test(a_guard_page_outside_any_stack_is_one_shot),
        cmocka_unit_test(growth_without_commit_ends_in_overflow),
        cmocka_unit_test(stack_creation_is_charged_or_fails_whole),
        cmocka_unit_test(a_deleted_stack_is_forgotten),
        cmocka_unit_test(stacks_of_several_threads_grow_independently),
        cmocka_unit_test(kernel_stacks_are_24k_on_x64_and_12k_on_x86),
        cmocka_unit_test(kernel_stacks_are_charged_to_commit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
