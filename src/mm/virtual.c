/*
 * virtual.c - NtAllocateVirtualMemory, NtFreeVirtualMemory,
 * NtProtectVirtualMemory and user-mode accesses, with Windows' rounding and
 * NTSTATUS in every case. The order of the checks is the kernel's (the
 * arguments first, arguments.c, then the VAD lookup, then the pages), because
 * the first failing check decides which status a caller sees. Sources for
 * each rule are in docs/memory-manager.md, with the recorded Windows answers
 * it names.
 */
#include "mm/mm_internal.h"

/* Highest address (exclusive) a system-chosen allocation may end at, for
 * ZeroBits that passed mm_zero_bits_valid. */
static ULONG_PTR zero_bits_limit(const mm_space *s, ULONG_PTR zero_bits)
{
    ULONG_PTR top = s->highest + 1, lim;
    if (zero_bits == 0)
        return top;
    if (zero_bits < 32) {
        lim = 1ull << (32 - zero_bits); /* counted from bit 31: 1 = below 2 GB */
    } else {
        int bits = 64 - __builtin_clzll(zero_bits); /* a mask of the bits the address may use */
        lim = bits >= 64 ? ~0ull : (1ull << bits);
    }
    return lim < top ? lim : top;
}

/* A new reservation (optionally committed), at base or where the system finds room. */
static NTSTATUS reserve(mm_space *s, ULONG_PTR *base, ULONG_PTR hi, SIZE_T *size, ULONG type,
                        ULONG protect)
{
    return mm_reserve_in(s, base, s->lowest, hi, (type & MEM_LARGE_PAGES) ? MM_LARGE_PAGE_SIZE : GRAN, size, type,
                         protect);
}

NTSTATUS mm_reserve_in(mm_space *s, ULONG_PTR *base, ULONG_PTR lo, ULONG_PTR hi, uint64_t align, SIZE_T *size,
                       ULONG type, ULONG protect)
{
    bool large = (type & MEM_LARGE_PAGES) != 0;
    ULONG_PTR start, end;
    if (*base) {
        start = align_down(*base, large ? MM_LARGE_PAGE_SIZE : GRAN);
        end = large ? start + *size : page_up(*base + *size);
        if (end - 1 > s->highest)
            return STATUS_INVALID_PARAMETER_4; /* a large-page range rounded past the top */
        if (mm_vad_overlaps(s, start, end))
            return STATUS_CONFLICTING_ADDRESSES;
    } else {
        uint64_t len = page_up(*size);
        if (!mm_find_free(s, len, align, lo, hi, (type & MEM_TOP_DOWN) != 0, &start))
            return STATUS_NO_MEMORY;
        end = start + len;
    }
    bool commit = (type & MEM_COMMIT) != 0;
    if (!mm_vad_reserve(s))
        return STATUS_NO_MEMORY;
    if (commit && !mm_charge(s, end - start))
        return STATUS_COMMITMENT_LIMIT;
    mm_vad *v = mm_vad_create(s, start, end, VAD_PRIVATE, protect,
                              commit ? attr_committed(protect) : attr_reserved(protect));
    if (large)
        v->flags |= VAD_LARGE_PAGES;
    *base = start;
    *size = end - start;
    return STATUS_SUCCESS;
}

/* MEM_COMMIT inside an existing reservation. */
static NTSTATUS commit(mm_space *s, ULONG_PTR *base, SIZE_T *size, ULONG protect)
{
    ULONG_PTR start = page_down(*base), end = page_up(*base + *size);
    NTSTATUS st = mm_commit_pages(s, start, end, protect);
    if (NT_SUCCESS(st)) {
        *base = start;
        *size = end - start;
    }
    return st;
}

NTSTATUS mm_commit_pages(mm_space *s, ULONG_PTR start, ULONG_PTR end, ULONG protect)
{
    mm_vad *v = mm_vad_find(s, start);
    if (!v || end > v->end || (v->flags & (VAD_NO_CHANGE | VAD_PLACEHOLDER)))
        return STATUS_CONFLICTING_ADDRESSES; /* a secured VAD takes no commit (MM_MAX_COMMIT), nor a placeholder */
    if (v->type == VAD_MAPPED && mm_view_at(s, start))
        return mm_view_commit(s, mm_view_at(s, start), start, end, protect); /* the section's pages */
    if (v->type != VAD_PRIVATE)
        return STATUS_ALREADY_COMMITTED; /* image views come committed */
    /* Private pages have no copy-on-write; NT checks it only once the VAD
     * is found, so a commit on free memory is a conflict first. */
    if (mm_protect_is_copy_on_write(protect))
        return STATUS_INVALID_PAGE_PROTECTION;
    if ((v->flags & VAD_LARGE_PAGES) && (protect & 0xFFu) != PAGE_READWRITE)
        return STATUS_INVALID_PAGE_PROTECTION;
    uint64_t newly = (end - start) / PAGE - mm_runs_count_committed(v, start, end);
    if (!mm_charge(s, newly * PAGE))
        return STATUS_COMMITMENT_LIMIT;
    if (!mm_runs_set(s, v, start, end, attr_committed(protect))) {
        mm_uncharge(s, newly * PAGE);
        return STATUS_NO_MEMORY;
    }
    return STATUS_SUCCESS;
}

/* MEM_RESET / MEM_RESET_UNDO: the range must lie in one allocation; nothing visible changes. */
static NTSTATUS reset(mm_space *s, ULONG_PTR *base, SIZE_T *size)
{
    ULONG_PTR start = page_down(*base), end = page_up(*base + *size);
    mm_vad *v = mm_vad_find(s, start);
    if (!v || end > v->end)
        return STATUS_CONFLICTING_ADDRESSES;
    *base = start;
    *size = end - start;
    return STATUS_SUCCESS;
}

static NTSTATUS allocate(mm_space *s, ULONG_PTR *base, ULONG_PTR zero_bits, SIZE_T *size, ULONG type,
                         ULONG protect)
{
    mm_limits lim = mm_space_limits(s);
    ULONG_PTR b = *base;
    SIZE_T sz = *size;
    NTSTATUS st = mm_check_allocate_flags(&lim, zero_bits, type, protect);
    if (NT_SUCCESS(st))
        st = mm_check_allocate_range(&lim, b, sz);
    if (!NT_SUCCESS(st))
        return st;
    ULONG_PTR hi = zero_bits_limit(s, zero_bits);
    if (type & MEM_PHYSICAL)
        return STATUS_NOT_SUPPORTED; /* AWE is not modelled */
    if ((type & MEM_LARGE_PAGES) && !(s->lock_memory_held ? s->lock_memory_held(s->privilege_ctx) : s->large_pages_ok))
        return STATUS_PRIVILEGE_NOT_HELD;
    /* A new reservation is private memory, which has no copy-on-write. NT
     * checks this on its reserve path only, after the size and address
     * checks; a commit at a base checks it once the VAD is found. */
    if ((!b || (type & MEM_RESERVE)) && mm_protect_is_copy_on_write(protect))
        return STATUS_INVALID_PAGE_PROTECTION;
    if (type & MEM_LARGE_PAGES) {
        if ((sz | b) & (MM_LARGE_PAGE_SIZE - 1))
            return STATUS_INVALID_PARAMETER; /* unnumbered: no recorded answer says which */
        if (protect != PAGE_READWRITE)
            return STATUS_INVALID_PAGE_PROTECTION;
    }
    if (type & (MEM_RESET | MEM_RESET_UNDO))
        return reset(s, base, size);
    if (!b || (type & MEM_RESERVE))
        return reserve(s, base, hi, size, type, protect);
    return commit(s, base, size, protect);
}

NTSTATUS mm_allocate(mm_space *s, ULONG_PTR *base, ULONG_PTR zero_bits, SIZE_T *size, ULONG type,
                     ULONG protect)
{
    ULONG_PTR b = *base;
    SIZE_T sz = *size;
    NTSTATUS st = allocate(s, &b, zero_bits, &sz, type, protect);
    if (NT_SUCCESS(st)) {
        *base = b;
        *size = sz;
    }
    MM_DEBUG_CHECK(s);
    return st;
}

static NTSTATUS release(mm_space *s, mm_vad *v, ULONG_PTR start, ULONG_PTR end)
{
    uint64_t pages = v->type == VAD_PRIVATE ? mm_runs_count_committed(v, start, end) : 0;
    if (start == v->start && end == v->end) {
        mm_vad_delete(s, v);
    } else if (!mm_runs_cut(s, v, start, end)) {
        return STATUS_NO_MEMORY;
    }
    mm_uncharge(s, pages * PAGE);
    return STATUS_SUCCESS;
}

static NTSTATUS free_vm(mm_space *s, ULONG_PTR *base, SIZE_T *size, ULONG free_type)
{
    mm_limits lim = mm_space_limits(s);
    ULONG_PTR b = *base;
    SIZE_T sz = *size;
    NTSTATUS st = mm_check_free_type(free_type);
    if (NT_SUCCESS(st))
        st = mm_check_free_range(&lim, b, sz, free_type);
    if (!NT_SUCCESS(st))
        return st;
    ULONG_PTR start = page_down(b);
    mm_vad *v = mm_vad_find(s, start);
    if (!v)
        return STATUS_MEMORY_NOT_ALLOCATED;
    if (mm_free_type_is_placeholder(free_type))
        return mm_placeholder_free(s, v, start, page_up(b + sz), free_type, base, size);
    ULONG_PTR end = sz ? page_up(b + sz) : v->end;
    if (end > v->end)
        return STATUS_UNABLE_TO_FREE_VM;
    /* NT's order: the range, then the VAD's kind, then size 0 away from the base. */
    if (v->type != VAD_PRIVATE)
        return STATUS_UNABLE_TO_DELETE_SECTION; /* views go with NtUnmapViewOfSection */
    if (v->flags & VAD_NO_CHANGE)
        return STATUS_INVALID_PAGE_PROTECTION; /* a secured VAD fails MiCheckSecuredVad's delete check */
    if (sz == 0 && start != v->start)
        return STATUS_FREE_VM_NOT_AT_BASE;
    if (free_type == MEM_RELEASE) {
        st = release(s, v, start, end);
        if (!NT_SUCCESS(st))
            return st;
    } else {
        uint64_t pages = mm_runs_count_committed(v, start, end);
        if (!mm_runs_decommit(s, v, start, end))
            return STATUS_NO_MEMORY;
        mm_uncharge(s, pages * PAGE);
    }
    *base = start;
    /* Decommitting a whole allocation by size 0 reports size 0 (Windows 10 1709+). */
    *size = (sz == 0 && free_type == MEM_DECOMMIT) ? 0 : end - start;
    return STATUS_SUCCESS;
}

NTSTATUS mm_free(mm_space *s, ULONG_PTR *base, SIZE_T *size, ULONG free_type)
{
    NTSTATUS st = free_vm(s, base, size, free_type);
    MM_DEBUG_CHECK(s);
    return st;
}

/* MiProtectVirtualMemory: the range's VAD and pages, once the arguments passed. */
static NTSTATUS protect_range(mm_space *s, ULONG_PTR *base, SIZE_T *size, ULONG new_protect,
                              ULONG *old_protect)
{
    ULONG_PTR b = *base;
    SIZE_T sz = *size;
    ULONG_PTR start = page_down(b), end = page_up(b + sz);
    mm_vad *v = mm_vad_find(s, start);
    if (!v || end > v->end)
        return STATUS_CONFLICTING_ADDRESSES;
    if (v->flags & VAD_NO_CHANGE)
        return STATUS_INVALID_PAGE_PROTECTION;
    if (v->type == VAD_PRIVATE && mm_protect_is_copy_on_write(new_protect))
        return STATUS_INVALID_PAGE_PROTECTION;
    /* A view may take only what its mapped protection allows, checked before its pages' state. */
    mm_view *w = v->type == VAD_MAPPED ? mm_view_at(s, start) : NULL;
    if (w && !mm_protect_compatible(w->protect, new_protect))
        return STATUS_SECTION_PROTECTION;
    if (!mm_runs_all_committed(v, start, end))
        return STATUS_NOT_COMMITTED;
    if ((v->flags & VAD_LARGE_PAGES) && (new_protect & 0xFFu) != PAGE_READWRITE)
        return STATUS_INVALID_PAGE_PROTECTION;
    ULONG old = mm_runs_attr_at(v, start, NULL) & 0xFFFFu;
    /* Caching is a property of the allocation on current Windows: NOCACHE and
     * WRITECOMBINE follow the allocation's protection, not this call's. */
    const ULONG cache = PAGE_NOCACHE | PAGE_WRITECOMBINE;
    ULONG eff = (new_protect & ~cache) | (v->alloc_protect & cache);
    /* An image's pages are shared copy-on-write: a writable protection is
     * their copy-on-write form, and a write then gives the page its copy
     * (MiSetProtectionOnSection). ntsim does not tell the pages already
     * copied, which Windows gives the plain form: docs/memory-manager.md. */
    if (v->type == VAD_IMAGE)
        eff = mm_protect_copy_on_write_form(eff);
    if (!mm_runs_set(s, v, start, end, attr_committed(eff)))
        return STATUS_NO_MEMORY;
    *base = start;
    *size = end - start;
    if (old_protect)
        *old_protect = old;
    return STATUS_SUCCESS;
}

static NTSTATUS protect_vm(mm_space *s, ULONG_PTR *base, SIZE_T *size, ULONG new_protect,
                          ULONG *old_protect)
{
    mm_limits lim = mm_space_limits(s);
    NTSTATUS st = mm_check_protection(new_protect);
    if (NT_SUCCESS(st))
        st = mm_check_protect_range(&lim, *base, *size);
    if (!NT_SUCCESS(st))
        return st;
    st = protect_range(s, base, size, new_protect, old_protect);
    /* NtProtectVirtualMemory writes the old protection back whatever the
     * range's answer; a failed one is PAGE_NOACCESS (docs/memory-manager.md). */
    if (!NT_SUCCESS(st) && old_protect) /* x64 answers 0 for a view's refused protection (ReactOS apitest) */
        *old_protect = st == STATUS_SECTION_PROTECTION ? 0 : PAGE_NOACCESS;
    return st;
}

NTSTATUS mm_protect(mm_space *s, ULONG_PTR *base, SIZE_T *size, ULONG new_protect, ULONG *old_protect)
{
    NTSTATUS st = protect_vm(s, base, size, new_protect, old_protect);
    MM_DEBUG_CHECK(s);
    return st;
}

uint32_t mm_attr_at(mm_space *s, ULONG_PTR addr)
{
    mm_vad *v = addr <= s->highest ? mm_vad_find(s, page_down(addr)) : NULL;
    return v ? mm_runs_attr_at(v, addr, NULL) : 0;
}

bool mm_touch_changes(uint32_t attr, mm_access access)
{
    ULONG prot = attr & 0xFFFFu;
    if (!(attr & ATTR_COMMITTED))
        return false;
    return (prot & PAGE_GUARD) ||
           (access == MM_WRITE && mm_protect_is_copy_on_write(prot) && mm_protect_allows(prot, access));
}

static NTSTATUS touch(mm_space *s, ULONG_PTR address, mm_access access)
{
    if (address > s->highest)
        return STATUS_ACCESS_VIOLATION;
    ULONG_PTR page = page_down(address);
    mm_vad *v = mm_vad_find(s, page);
    if (!v)
        return STATUS_ACCESS_VIOLATION;
    uint32_t attr = mm_runs_attr_at(v, page, NULL);
    if (!(attr & ATTR_COMMITTED))
        return STATUS_ACCESS_VIOLATION;
    ULONG prot = attr & 0xFFFFu;
    if (mm_touch_changes(attr, access) && !mm_pool_reserve(&s->run_pool, MM_TOUCH_RUNS))
        return STATUS_NO_MEMORY;
    if (prot & PAGE_GUARD) {
        /* The guard fires once, whatever the access, and is gone. */
        if (!mm_runs_set(s, v, page, page + PAGE, attr_committed(prot & ~PAGE_GUARD)))
            return STATUS_NO_MEMORY;
        bool is_stack;
        NTSTATUS st = mm_stack_guard_fault(s, page, &is_stack);
        if (!is_stack)
            return s->guard_hook ? s->guard_hook(s->guard_ctx, s, page) : STATUS_GUARD_PAGE_VIOLATION;
        if (!NT_SUCCESS(st))
            return st;
        /* The stack grew: the faulting access is retried on the page, now without its guard. */
        v = mm_vad_find(s, page);
        prot = mm_runs_attr_at(v, page, NULL) & 0xFFFFu;
    }
    if (!mm_protect_allows(prot, access))
        return STATUS_ACCESS_VIOLATION;
    if (access == MM_WRITE && mm_protect_is_copy_on_write(prot)) {
        /* The write made a private copy: the page now reads as (EXECUTE_)READWRITE. */
        ULONG rw = (prot & PAGE_EXECUTE_WRITECOPY) ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
        if (!mm_runs_set(s, v, page, page + PAGE, attr_committed((prot & ~0xFFu) | rw)))
            return STATUS_NO_MEMORY;
    }
    return STATUS_SUCCESS;
}

NTSTATUS mm_touch(mm_space *s, ULONG_PTR address, mm_access access)
{
    NTSTATUS st = touch(s, address, access);
    if (st == STATUS_SUCCESS && access == MM_WRITE)
        mm_watch_mark(s, address);
    MM_DEBUG_CHECK(s);
    return st;
}
