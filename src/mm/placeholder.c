/*
 * placeholder.c - placeholders (Windows 10 1803 and later): a reservation
 * made with NtAllocateVirtualMemoryEx(MEM_RESERVE | MEM_RESERVE_PLACEHOLDER)
 * holds address space for views and allocations to replace. NtFreeVirtualMemory
 * with MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER splits one (or turns a
 * replacement back into one), with MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS
 * joins adjacent ones; NtAllocateVirtualMemoryEx(MEM_REPLACE_PLACEHOLDER)
 * replaces one whole. Address requirements bound where the system places
 * an allocation. The statuses are those Wine's ntdll tests record on
 * Windows (docs/memory-manager.md, "Placeholders").
 */
#include "mm/mm_internal.h"

NTSTATUS mm_check_allocate_ex_flags(ULONG type, ULONG protect)
{
    if (type & MEM_RESERVE_PLACEHOLDER) {
        if ((type & ~MEM_TOP_DOWN) != (MEM_RESERVE | MEM_RESERVE_PLACEHOLDER) || protect != PAGE_NOACCESS)
            return STATUS_INVALID_PARAMETER; /* a placeholder is nothing but reserved, inaccessible space */
        return STATUS_SUCCESS;
    }
    ULONG rest = type & ~MEM_REPLACE_PLACEHOLDER;
    if ((type & MEM_REPLACE_PLACEHOLDER) && !(type & MEM_RESERVE))
        return STATUS_INVALID_PARAMETER; /* a replacement is a new reservation */
    mm_limits any = { .lowest = 0, .highest = ~0ull, .wide_zero_bits = true };
    NTSTATUS s = mm_check_allocate_flags(&any, 0, rest, protect);
    /* The Ex call names no parameter for its flags (Wine's tests, on Windows). */
    return s == STATUS_INVALID_PAGE_PROTECTION || NT_SUCCESS(s) ? s : STATUS_INVALID_PARAMETER;
}

NTSTATUS mm_check_requirements(const mm_limits *l, const mm_address_requirements *r, ULONG_PTR base, ULONG type)
{
    if (!r)
        return STATUS_SUCCESS;
    if (base || !(type & MEM_RESERVE))
        return STATUS_INVALID_PARAMETER; /* requirements are for the system's own choice */
    if (r->highest && ((r->highest + 1) % PAGE || r->highest > l->highest))
        return STATUS_INVALID_PARAMETER; /* the last byte of a page, inside user space */
    if (r->lowest % GRAN || (r->highest && r->lowest > r->highest))
        return STATUS_INVALID_PARAMETER;
    if (r->alignment && (r->alignment < GRAN || (r->alignment & (r->alignment - 1))))
        return STATUS_INVALID_PARAMETER; /* a power of two, at least the granularity */
    return STATUS_SUCCESS;
}

/* MEM_REPLACE_PLACEHOLDER: [start, end) must be exactly one placeholder. */
static NTSTATUS replace(mm_space *s, ULONG_PTR *base, SIZE_T *size, ULONG type, ULONG protect)
{
    ULONG_PTR start = page_down(*base), end = page_up(*base + *size);
    mm_vad *v = mm_vad_find(s, start);
    if (!v || !(v->flags & VAD_PLACEHOLDER) || v->start != start || v->end != end)
        return STATUS_CONFLICTING_ADDRESSES;
    if (mm_protect_is_copy_on_write(protect))
        return STATUS_INVALID_PAGE_PROTECTION; /* private memory has no copy-on-write */
    bool commit = (type & MEM_COMMIT) != 0;
    if (commit && !mm_charge(s, end - start))
        return STATUS_COMMITMENT_LIMIT;
    v->flags = (uint8_t)((v->flags & ~VAD_PLACEHOLDER) | VAD_FROM_PLACEHOLDER);
    v->alloc_protect = (uint16_t)protect;
    v->attr = commit ? attr_committed(protect) : attr_reserved(protect);
    mm_vad_summary_changed(s, v);
    *base = start;
    *size = end - start;
    return STATUS_SUCCESS;
}

static NTSTATUS allocate_ex(mm_space *s, ULONG_PTR *base, SIZE_T *size, ULONG type, ULONG protect,
                            const mm_address_requirements *req)
{
    mm_limits lim = mm_space_limits(s);
    NTSTATUS st = mm_check_allocate_ex_flags(type, protect);
    if (NT_SUCCESS(st))
        st = mm_check_allocate_range(&lim, *base, *size);
    if (NT_SUCCESS(st))
        st = mm_check_requirements(&lim, req, *base, type);
    if (!NT_SUCCESS(st))
        return st;
    if (type & MEM_REPLACE_PLACEHOLDER)
        return replace(s, base, size, type & ~MEM_REPLACE_PLACEHOLDER, protect);
    if (!req && !(type & MEM_RESERVE_PLACEHOLDER))
        return mm_allocate(s, base, 0, size, type, protect);
    ULONG_PTR lo = req && req->lowest > s->lowest ? req->lowest : s->lowest;
    ULONG_PTR hi = req && req->highest ? req->highest + 1 : s->highest + 1;
    uint64_t align = req && req->alignment ? req->alignment : GRAN;
    ULONG_PTR b = *base;
    SIZE_T sz = *size;
    ULONG plain = type & ~MEM_RESERVE_PLACEHOLDER;
    st = mm_reserve_in(s, &b, lo, hi, align, &sz, plain, protect);
    if (!NT_SUCCESS(st))
        return st;
    if (type & MEM_RESERVE_PLACEHOLDER)
        mm_vad_find(s, b)->flags |= VAD_PLACEHOLDER;
    *base = b;
    *size = sz;
    return STATUS_SUCCESS;
}

NTSTATUS mm_allocate_ex(mm_space *s, ULONG_PTR *base, SIZE_T *size, ULONG type, ULONG protect,
                        const mm_address_requirements *req)
{
    ULONG_PTR b = *base;
    SIZE_T sz = *size;
    NTSTATUS st = allocate_ex(s, &b, &sz, type, protect, req);
    if (NT_SUCCESS(st)) {
        *base = b;
        *size = sz;
    }
    MM_DEBUG_CHECK(s);
    return st;
}

/* A new placeholder VAD [a, b); room for it was reserved. */
static void add_placeholder(mm_space *s, ULONG_PTR a, ULONG_PTR b)
{
    mm_vad *v = mm_vad_create(s, a, b, VAD_PRIVATE, PAGE_NOACCESS, attr_reserved(PAGE_NOACCESS));
    v->flags |= VAD_PLACEHOLDER;
}

/* MEM_PRESERVE_PLACEHOLDER on a placeholder: [start, end) becomes one of its own. */
static NTSTATUS split(mm_space *s, mm_vad *v, ULONG_PTR start, ULONG_PTR end)
{
    if (start == v->start && end == v->end)
        return STATUS_CONFLICTING_ADDRESSES; /* nothing to split off */
    ULONG_PTR old_end = v->end;
    bool head = start > v->start, tail = end < old_end;
    /* Room for the new pieces first: the split happens whole or not at all. */
    if (!mm_pool_reserve(&s->vad_pool, 2) || !mm_index_reserve(&s->index))
        return STATUS_NO_MEMORY;
    mm_hint_set(s, NULL);
    v->end = head ? start : end;
    mm_vad_bounds_changed(s, v);
    if (head)
        add_placeholder(s, start, end);
    if (head && tail && !mm_index_reserve(&s->index)) {
        mm_vad_delete(s, mm_vad_find(s, start)); /* undo: v whole again */
        v->end = old_end;
        mm_vad_bounds_changed(s, v);
        return STATUS_NO_MEMORY;
    }
    if (tail)
        add_placeholder(s, end, old_end);
    return STATUS_SUCCESS;
}

/* MEM_PRESERVE_PLACEHOLDER on a replacement, whole: a placeholder again, its pages released. */
static NTSTATUS restore(mm_space *s, mm_vad *v)
{
    mm_uncharge(s, mm_runs_count_committed(v, v->start, v->end) * PAGE);
    mm_runs_free_all(s, v);
    v->flags = (uint8_t)((v->flags & ~VAD_FROM_PLACEHOLDER) | VAD_PLACEHOLDER);
    v->alloc_protect = PAGE_NOACCESS;
    v->attr = attr_reserved(PAGE_NOACCESS);
    mm_vad_summary_changed(s, v);
    return STATUS_SUCCESS;
}

/* MEM_COALESCE_PLACEHOLDERS: [start, end) exactly two or more adjacent placeholders. */
static NTSTATUS coalesce(mm_space *s, mm_vad *v, ULONG_PTR start, ULONG_PTR end)
{
    if (!(v->flags & VAD_PLACEHOLDER) || v->start != start || v->end >= end)
        return STATUS_CONFLICTING_ADDRESSES;
    for (mm_vad *n = v; n->end < end;) {
        mm_vad *next = avl_next(&n->node) ? avl_entry(avl_next(&n->node), mm_vad, node) : NULL;
        if (!next || next->start != n->end || !(next->flags & VAD_PLACEHOLDER) || next->end > end)
            return STATUS_CONFLICTING_ADDRESSES;
        n = next;
    }
    mm_hint_set(s, NULL);
    while (v->end < end) {
        mm_vad *next = avl_entry(avl_next(&v->node), mm_vad, node);
        ULONG_PTR e = next->end;
        mm_vad_delete(s, next);
        v->end = e;
        mm_vad_bounds_changed(s, v);
    }
    return STATUS_SUCCESS;
}

NTSTATUS mm_placeholder_free(mm_space *s, mm_vad *v, ULONG_PTR start, ULONG_PTR end, ULONG free_type,
                             ULONG_PTR *base, SIZE_T *size)
{
    NTSTATUS st;
    if (free_type & MEM_COALESCE_PLACEHOLDERS) {
        st = coalesce(s, v, start, end);
    } else if (end > v->end) {
        st = STATUS_CONFLICTING_ADDRESSES;
    } else if (v->flags & VAD_PLACEHOLDER) {
        st = split(s, v, start, end);
    } else if ((v->flags & VAD_FROM_PLACEHOLDER) && v->type == VAD_PRIVATE && start == v->start && end == v->end) {
        /* (a view in a placeholder's place goes back with NtUnmapViewOfSectionEx, not here) */
        st = restore(s, v);
    } else {
        st = STATUS_CONFLICTING_ADDRESSES; /* not a placeholder, nor one replaced */
    }
    if (NT_SUCCESS(st)) {
        *base = start;
        *size = end - start;
    }
    return st;
}
