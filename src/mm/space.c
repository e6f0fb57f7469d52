/*
 * space.c - a process's user address space: its limits (which depend on the
 * arch, WOW64, LARGEADDRESSAWARE and the /3GB boot option, Windows Internals
 * 7th ed., ch. 5 "Virtual address space layouts"), its lifetime, details and
 * invariant checks.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"
#include "rtl/alloc.h"

#define X86_2GB_HIGHEST   0x7FFEFFFFull
#define WOW64_LAA_HIGHEST 0xFFFEFFFFull
#define X64_HIGHEST       0x7FFFFFFEFFFFull
#define LOWEST_USER       0x10000ull

/* The last 64 KiB below the user/system boundary are never allocatable. */
static ULONG_PTR highest_for(const mm_space_params *p)
{
    if (p->arch == MM_ARCH_X64)
        return X64_HIGHEST;
    if (p->system_is_x64)
        return p->large_address_aware ? WOW64_LAA_HIGHEST : X86_2GB_HIGHEST;
    if (!p->large_address_aware || !p->increase_uva)
        return X86_2GB_HIGHEST;
    uint64_t uva = p->increase_uva;
    if (uva < 0x80000000ull)
        uva = 0x80000000ull;
    if (uva > 0xC0000000ull)
        uva = 0xC0000000ull;
    return align_down(uva, GRAN) - GRAN - 1;
}

mm_limits mm_space_limits(const mm_space *s)
{
    return (mm_limits){ .lowest = s->lowest, .highest = s->highest,
                        .wide_zero_bits = s->arch == MM_ARCH_X64 || s->wow64 };
}

mm_limits mm_system_limits(bool system_is_x64, uint64_t increase_uva)
{
    /* The widest space the system gives: a large-address-aware process's. */
    mm_space_params p = { .arch = system_is_x64 ? MM_ARCH_X64 : MM_ARCH_X86, .system_is_x64 = system_is_x64,
                          .large_address_aware = true, .increase_uva = increase_uva };
    return (mm_limits){ .lowest = LOWEST_USER, .highest = highest_for(&p), .wide_zero_bits = system_is_x64 };
}

NTSTATUS mm_space_create(const mm_space_params *p, mm_space **out)
{
    if (!p || !out)
        return STATUS_INVALID_PARAMETER;
    mm_space *s = rtl_zalloc(sizeof *s);
    if (!s)
        return STATUS_NO_MEMORY;
    mm_vad_tree_init(&s->vads);
    mm_index_init(&s->index, p->chunks);
    s->arch = p->arch;
    s->wow64 = p->arch == MM_ARCH_X86 && p->system_is_x64;
    s->large_pages_ok = p->lock_memory_privilege;
    s->lock_memory_held = p->lock_memory_held;
    s->privilege_ctx = p->privilege_ctx;
    s->lowest = LOWEST_USER;
    s->highest = highest_for(p);
    s->commit = p->commit;
    s->image_bases = p->image_bases;
    mm_pool_init(&s->vad_pool, sizeof(mm_vad), p->chunks);
    mm_pool_init(&s->run_pool, sizeof(mm_run), p->chunks);
    mm_pool_init(&s->named_pool, sizeof(mm_vad_named), p->chunks);
    *out = s;
    return STATUS_SUCCESS;
}

static void delete_all(mm_space *s, avl_node *n)
{
    if (!n)
        return;
    delete_all(s, n->left);
    delete_all(s, n->right);
    mm_vad *v = avl_entry(n, mm_vad, node);
    mm_runs_free_all(s, v);
    if (v->flags & VAD_DETAIL_OWNED)
        rtl_free((char *)mm_vad_raw_detail(v));
}

void mm_space_destroy(mm_space *s)
{
    if (!s)
        return;
    mm_uncharge(s, s->charge);
    mm_views_free_all(s);
    mm_image_paths_free(s);
    mm_watches_free(s);
    delete_all(s, s->vads.root);
    mm_stacks_free_all(s);
    mm_index_destroy(&s->index);
    mm_pool_destroy(&s->vad_pool);
    mm_pool_destroy(&s->run_pool);
    mm_pool_destroy(&s->named_pool);
    rtl_free(s);
}

ULONG_PTR mm_lowest_user_address(const mm_space *s)
{
    return s->lowest;
}

ULONG_PTR mm_highest_user_address(const mm_space *s)
{
    return s->highest;
}

void mm_set_guard_hook(mm_space *s, mm_guard_hook hook, void *ctx)
{
    s->guard_hook = hook;
    s->guard_ctx = ctx;
}

void mm_get_stats(const mm_space *s, mm_stats *out)
{
    out->allocations = s->vad_pool.live + s->named_pool.live;
    out->runs = s->run_pool.live;
    out->host_bytes = sizeof *s + s->vad_pool.bytes + s->named_pool.bytes + s->run_pool.bytes + s->detail_bytes +
                      s->index.nodes.bytes;
}

bool mm_check(const mm_space *s)
{
    if (!mm_vad_tree_check(s))
        return false;
    uint64_t pages = 0, count = 0;
    for (const avl_node *n = avl_first(&s->vads); n; n = avl_next(n)) {
        const mm_vad *v = avl_entry(n, mm_vad, node);
        if (v->type == VAD_PRIVATE)
            pages += mm_runs_count_committed(v, v->start, v->end);
        count++;
    }
    if (count != s->vad_pool.live + s->named_pool.live)
        return false;
    for (const mm_hint *h = &s->hint; h <= &s->hint2; h++) {
        if (!h->vad)
            continue;
        const avl_node *prev = avl_prev(&h->vad->node);
        ULONG_PTR free_from = prev ? avl_entry(prev, mm_vad, node)->end : 0;
        if (h->vad->start >= h->vad->end || h->start != h->vad->start || h->end != h->vad->end ||
            h->lo > h->start || h->lo < free_from)
            return false;
    }
    if (s->hint2.vad && s->hint2.vad == s->hint.vad)
        return false;
    return pages * PAGE + mm_watch_bytes(s) == s->charge;
}
