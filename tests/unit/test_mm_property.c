/*
 * test_mm_property.c - 100,000 random operations over several address spaces
 * (x64, x86, WOW64, /3GB), each compared with a deliberately naive reference
 * model written here: a few bytes of state per page of a small window, every
 * rule applied page by page. Every result and every query must agree; in
 * debug builds mm_check() also runs after each operation inside mm.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mm/mm.h"

#define PG 0x1000ull
#define GR 0x10000ull
#define WINDOW_PAGES 512 /* 32 granules, so operations collide often */

typedef struct page {
    uint16_t id;        /* allocation number, 0 = free */
    uint8_t committed;
    uint16_t prot;      /* visible when committed, hidden when reserved */
} page;

typedef struct model {
    mm_space *s;
    uint64_t window;
    page pages[WINDOW_PAGES];
    uint16_t alloc_protect[4096];
    uint16_t next_id;
} model;

/* How often each kind of success happened: the run must exercise them all. */
static long ok_alloc, ok_free, ok_protect, ok_guard, split_tail;

static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint64_t below(uint64_t n) { return rnd() % n; }

/* The valid protections, listed rather than computed. */
static const uint32_t valid_prots[] = {
    0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80,
    0x102, 0x104, 0x108, 0x110, 0x120, 0x140, 0x180,
    0x202, 0x204, 0x208, 0x210, 0x220, 0x240, 0x280,
    0x402, 0x404, 0x408, 0x410, 0x420, 0x440, 0x480,
};
static bool model_valid(uint32_t p)
{
    for (size_t i = 0; i < sizeof valid_prots / sizeof valid_prots[0]; i++)
        if (valid_prots[i] == p)
            return true;
    return false;
}
static bool model_cow(uint32_t p) { return (p & 0xFF) == 0x08 || (p & 0xFF) == 0x80; }

static const uint32_t gen_prots[] = {0x01, 0x02, 0x04, 0x10, 0x20, 0x40, 0x104, 0x102,
                                     0x08, 0x03, 0x00, 0x101, 0x204, 0x304, 0x80};

static uint32_t gen_prot(void)
{
    return below(10) < 8 ? gen_prots[below(8)] : gen_prots[below(sizeof gen_prots / sizeof gen_prots[0])];
}

static uint64_t gen_addr(model *m)
{
    uint64_t r = below(10);
    if (r < 5)
        return m->window + below(WINDOW_PAGES / 16) * GR;
    if (r < 9)
        return m->window + below(WINDOW_PAGES) * PG;
    return m->window + below(WINDOW_PAGES * PG);
}

static uint64_t gen_size(model *m, uint64_t addr, bool zero_ok)
{
    uint64_t r = below(100), sz;
    if (r < 5 && zero_ok)
        return 0;
    if (r < 60)
        sz = (1 + below(8)) * PG;
    else if (r < 90)
        sz = (1 + below(3)) * GR;
    else
        sz = 1 + below(3 * GR);
    uint64_t room = m->window + WINDOW_PAGES * PG - addr;
    return sz > room ? room : sz; /* stay inside the window */
}

static size_t pidx(model *m, uint64_t a) { return (size_t)((a - m->window) / PG); }

static size_t alloc_first(model *m, size_t i)
{
    while (i > 0 && m->pages[i - 1].id == m->pages[i].id)
        i--;
    return i;
}
static size_t end_of(model *m, size_t i)
{
    uint16_t id = m->pages[i].id;
    while (i < WINDOW_PAGES && m->pages[i].id == id)
        i++;
    return i;
}

static NTSTATUS model_alloc(model *m, uint64_t *base, uint64_t *size, uint32_t type, uint32_t prot)
{
    if (!model_valid(prot))
        return STATUS_INVALID_PAGE_PROTECTION;
    if (*size == 0)
        return STATUS_INVALID_PARAMETER_4;
    if (type & MEM_RESERVE) {
        if (model_cow(prot)) /* private memory: checked on the reserve path */
            return STATUS_INVALID_PAGE_PROTECTION;
        uint64_t start = *base & ~(GR - 1), end = (*base + *size + PG - 1) & ~(PG - 1);
        for (uint64_t a = start; a < end; a += PG)
            if (m->pages[pidx(m, a)].id)
                return STATUS_CONFLICTING_ADDRESSES;
        uint16_t id = ++m->next_id;
        m->alloc_protect[id] = (uint16_t)prot;
        for (uint64_t a = start; a < end; a += PG)
            m->pages[pidx(m, a)] = (page){id, (type & MEM_COMMIT) ? 1 : 0, (uint16_t)prot};
        *base = start;
        *size = end - start;
        return STATUS_SUCCESS;
    }
    uint64_t start = *base & ~(PG - 1), end = (*base + *size + PG - 1) & ~(PG - 1);
    uint16_t id = m->pages[pidx(m, start)].id;
    if (!id)
        return STATUS_CONFLICTING_ADDRESSES;
    for (uint64_t a = start; a < end; a += PG)
        if (m->pages[pidx(m, a)].id != id)
            return STATUS_CONFLICTING_ADDRESSES;
    if (model_cow(prot)) /* a commit checks it once the allocation is found */
        return STATUS_INVALID_PAGE_PROTECTION;
    for (uint64_t a = start; a < end; a += PG)
        m->pages[pidx(m, a)] = (page){id, 1, (uint16_t)prot};
    *base = start;
    *size = end - start;
    return STATUS_SUCCESS;
}

static NTSTATUS model_free(model *m, uint64_t *base, uint64_t *size, uint32_t type)
{
    uint64_t start = *base & ~(PG - 1), end;
    size_t i = pidx(m, start);
    uint16_t id = m->pages[i].id;
    if (!id)
        return STATUS_MEMORY_NOT_ALLOCATED;
    size_t first = alloc_first(m, i), last = end_of(m, first);
    if (*size == 0) {
        if (i != first)
            return STATUS_FREE_VM_NOT_AT_BASE;
        end = m->window + last * PG;
    } else {
        end = (*base + *size + PG - 1) & ~(PG - 1);
        if (pidx(m, end) > last)
            return STATUS_UNABLE_TO_FREE_VM;
    }
    size_t a = pidx(m, start), b = pidx(m, end);
    if (type == MEM_RELEASE) {
        for (size_t k = a; k < b; k++)
            m->pages[k] = (page){0, 0, 0};
        if (b < last) { /* the tail is an allocation of its own now */
            uint16_t nid = ++m->next_id;
            m->alloc_protect[nid] = m->alloc_protect[id];
            for (size_t k = b; k < last; k++)
                m->pages[k].id = nid;
            if (a > first)
                split_tail++;
        }
    } else {
        for (size_t k = a; k < b; k++)
            m->pages[k].committed = 0;
    }
    *base = start;
    *size = (*size == 0 && type == MEM_DECOMMIT) ? 0 : end - start;
    return STATUS_SUCCESS;
}

static NTSTATUS model_protect(model *m, uint64_t *base, uint64_t *size, uint32_t prot, uint32_t *old)
{
    if (!model_valid(prot))
        return STATUS_INVALID_PAGE_PROTECTION;
    if (*size == 0)
        return STATUS_INVALID_PARAMETER_3;
    uint64_t start = *base & ~(PG - 1), end = (*base + *size + PG - 1) & ~(PG - 1);
    uint16_t id = m->pages[pidx(m, start)].id;
    if (!id)
        return STATUS_CONFLICTING_ADDRESSES;
    for (uint64_t a = start; a < end; a += PG)
        if (m->pages[pidx(m, a)].id != id)
            return STATUS_CONFLICTING_ADDRESSES;
    if (model_cow(prot))
        return STATUS_INVALID_PAGE_PROTECTION;
    for (uint64_t a = start; a < end; a += PG)
        if (!m->pages[pidx(m, a)].committed)
            return STATUS_NOT_COMMITTED;
    *old = m->pages[pidx(m, start)].prot;
    uint32_t eff = (prot & ~0x600u) | (m->alloc_protect[id] & 0x600u);
    for (uint64_t a = start; a < end; a += PG)
        m->pages[pidx(m, a)].prot = (uint16_t)eff;
    *base = start;
    *size = end - start;
    return STATUS_SUCCESS;
}

static NTSTATUS model_touch(model *m, uint64_t addr, mm_access acc)
{
    page *p = &m->pages[pidx(m, addr)];
    if (!p->id || !p->committed)
        return STATUS_ACCESS_VIOLATION;
    if (p->prot & PAGE_GUARD) {
        p->prot &= (uint16_t)~PAGE_GUARD;
        return STATUS_GUARD_PAGE_VIOLATION;
    }
    uint32_t b = p->prot & 0xFF;
    bool ok = acc == MM_READ ? b != PAGE_NOACCESS
            : acc == MM_WRITE ? (b == PAGE_READWRITE || b == PAGE_EXECUTE_READWRITE)
                              : (b == PAGE_EXECUTE || b == PAGE_EXECUTE_READ || b == PAGE_EXECUTE_READWRITE);
    return ok ? STATUS_SUCCESS : STATUS_ACCESS_VIOLATION;
}

/* Expected query, sizes clipped at the window's end. */
static void model_query(model *m, uint64_t addr, MEMORY_BASIC_INFORMATION *q)
{
    size_t i = pidx(m, addr & ~(PG - 1)), j = i;
    page p = m->pages[i];
    memset(q, 0, sizeof *q);
    q->BaseAddress = m->window + i * PG;
    if (!p.id) {
        while (j < WINDOW_PAGES && !m->pages[j].id)
            j++;
        q->RegionSize = (j - i) * PG;
        q->State = MEM_FREE;
        q->Protect = PAGE_NOACCESS;
        return;
    }
    while (j < WINDOW_PAGES && m->pages[j].id == p.id && m->pages[j].committed == p.committed &&
           m->pages[j].prot == p.prot)
        j++;
    q->RegionSize = (j - i) * PG;
    q->AllocationBase = m->window + alloc_first(m, i) * PG;
    q->AllocationProtect = m->alloc_protect[p.id];
    q->State = p.committed ? MEM_COMMIT : MEM_RESERVE;
    q->Protect = p.committed ? p.prot : 0;
    q->Type = MEM_PRIVATE;
}

static void compare_query(model *m, uint64_t addr, long op)
{
    MEMORY_BASIC_INFORMATION want, got;
    model_query(m, addr, &want);
    assert_int_equal(mm_query(m->s, addr, &got), STATUS_SUCCESS);
    uint64_t wend = m->window + WINDOW_PAGES * PG;
    if (got.State == MEM_FREE && got.BaseAddress + got.RegionSize > wend)
        got.RegionSize = wend - got.BaseAddress;
    bool same = want.BaseAddress == got.BaseAddress && want.RegionSize == got.RegionSize &&
                want.AllocationBase == got.AllocationBase && want.AllocationProtect == got.AllocationProtect &&
                want.State == got.State && want.Protect == got.Protect && want.Type == got.Type;
    if (!same) {
        fprintf(stderr, "op %ld query %#llx: want base %#llx size %#llx ab %#llx ap %#x st %#x p %#x; got base %#llx size %#llx ab %#llx ap %#x st %#x p %#x\n",
                op, (unsigned long long)addr, (unsigned long long)want.BaseAddress, (unsigned long long)want.RegionSize,
                (unsigned long long)want.AllocationBase, (unsigned)want.AllocationProtect, (unsigned)want.State,
                (unsigned)want.Protect, (unsigned long long)got.BaseAddress, (unsigned long long)got.RegionSize,
                (unsigned long long)got.AllocationBase, (unsigned)got.AllocationProtect, (unsigned)got.State,
                (unsigned)got.Protect);
        fail();
    }
}

static void one_op(model *m, long op)
{
    uint64_t r = below(100), addr = gen_addr(m);
    if (r < 30) {
        static const uint32_t types[] = {MEM_RESERVE, MEM_COMMIT, MEM_RESERVE | MEM_COMMIT};
        uint32_t type = types[below(3)], prot = gen_prot();
        uint64_t size = gen_size(m, addr, true);
        if (type & MEM_RESERVE) { /* keep the rounded reservation inside the window */
            uint64_t start = addr & ~(GR - 1), room = m->window + WINDOW_PAGES * PG - start;
            if (size > room)
                size = room;
        }
        uint64_t wb = addr, ws = size;
        ULONG_PTR gb = addr;
        SIZE_T gs = size;
        NTSTATUS want = model_alloc(m, &wb, &ws, type, prot);
        NTSTATUS got = mm_allocate(m->s, &gb, 0, &gs, type, prot);
        if (want != got)
            fprintf(stderr, "op %ld alloc %#llx %#llx %#x %#x: want %#x got %#x\n", op, (unsigned long long)addr,
                    (unsigned long long)size, type, prot, (unsigned)want, (unsigned)got);
        assert_int_equal(want, got);
        if (want == STATUS_SUCCESS) {
            ok_alloc++;
            assert_int_equal(wb, gb);
            assert_int_equal(ws, gs);
        }
    } else if (r < 45) {
        uint32_t type = below(2) ? MEM_RELEASE : MEM_DECOMMIT;
        uint64_t size = below(3) ? 0 : gen_size(m, addr, true);
        uint64_t wb = addr, ws = size;
        ULONG_PTR gb = addr;
        SIZE_T gs = size;
        NTSTATUS want = model_free(m, &wb, &ws, type);
        NTSTATUS got = mm_free(m->s, &gb, &gs, type);
        if (want != got)
            fprintf(stderr, "op %ld free %#llx %#llx %#x: want %#x got %#x\n", op, (unsigned long long)addr,
                    (unsigned long long)size, type, (unsigned)want, (unsigned)got);
        assert_int_equal(want, got);
        if (want == STATUS_SUCCESS) {
            ok_free++;
            assert_int_equal(wb, gb);
            assert_int_equal(ws, gs);
        }
    } else if (r < 60) {
        uint32_t prot = gen_prot(), wold = 0;
        ULONG gold = 0;
        uint64_t size = gen_size(m, addr, false);
        uint64_t wb = addr, ws = size;
        ULONG_PTR gb = addr;
        SIZE_T gs = size;
        NTSTATUS want = model_protect(m, &wb, &ws, prot, &wold);
        NTSTATUS got = mm_protect(m->s, &gb, &gs, prot, &gold);
        if (want != got)
            fprintf(stderr, "op %ld protect %#llx %#llx %#x: want %#x got %#x\n", op, (unsigned long long)addr,
                    (unsigned long long)size, prot, (unsigned)want, (unsigned)got);
        assert_int_equal(want, got);
        if (want == STATUS_SUCCESS) {
            assert_int_equal(wb, gb);
            assert_int_equal(ws, gs);
            assert_int_equal(wold, gold);
            ok_protect++;
        }
    } else if (r < 70) {
        mm_access acc = (mm_access)below(3);
        NTSTATUS want = model_touch(m, addr, acc);
        assert_int_equal(want, mm_touch(m->s, addr, acc));
        ok_guard += want == STATUS_GUARD_PAGE_VIOLATION;
    }
    compare_query(m, addr, op);
}

static void random_operations_match_a_naive_model(void **state)
{
    (void)state;
    static model models[4];
    static const mm_space_params params[4] = {
        {.arch = MM_ARCH_X64, .system_is_x64 = true},
        {.arch = MM_ARCH_X86},
        {.arch = MM_ARCH_X86, .system_is_x64 = true, .large_address_aware = true},
        {.arch = MM_ARCH_X86, .large_address_aware = true, .increase_uva = 0xC0000000ull},
    };
    static const uint64_t windows[4] = {0x200000000ull, 0x10000000ull, 0x90000000ull, 0xA0000000ull};
    rng_state = 42;
    for (int i = 0; i < 4; i++) {
        memset(&models[i], 0, sizeof models[i]);
        assert_int_equal(mm_space_create(&params[i], &models[i].s), STATUS_SUCCESS);
        models[i].window = windows[i];
    }
    for (long op = 0; op < 100000; op++) {
        model *m = &models[below(4)];
        one_op(m, op);
        if (op % 5000 == 0) {
            for (size_t k = 0; k < WINDOW_PAGES; k++)
                compare_query(m, m->window + k * PG, op);
            assert_true(mm_check(m->s));
        }
        if (m->next_id > 4000) { /* start the model afresh before its table fills */
            mm_space_params p = {.arch = MM_ARCH_X64, .system_is_x64 = true};
            mm_space_destroy(m->s);
            uint64_t w = m->window;
            memset(m, 0, sizeof *m);
            m->window = w;
            assert_int_equal(mm_space_create(&p, &m->s), STATUS_SUCCESS);
        }
    }
    fprintf(stderr, "successes: alloc %ld free %ld protect %ld guard %ld middle-release %ld\n", ok_alloc, ok_free,
            ok_protect, ok_guard, split_tail);
    assert_true(ok_alloc > 2000 && ok_free > 2000 && ok_protect > 500 && ok_guard > 100 && split_tail > 10);
    for (int i = 0; i < 4; i++) {
        assert_true(mm_check(models[i].s));
        mm_space_destroy(models[i].s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_operations_match_a_naive_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
