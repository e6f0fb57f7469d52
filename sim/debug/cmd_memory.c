/*
 * cmd_memory.c - a process's address space as WinDbg shows it: !vad (the
 * VAD tree: level, start and end page numbers, committed pages, type,
 * protection, image) and !address (the regions, or the one holding an
 * address). Both look at the implicit process (.process), else the
 * current one.
 */
#include <inttypes.h>
#include <string.h>

#include "session.h"

uint64_t dbg_vad_address(const sim_debugger *d, const ps_process *p, ULONG_PTR start)
{
    /* A VAD keeps its node while it lives: its address follows its process and its start page. */
    uint64_t h = (p->sequence * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)(start >> 12) * 0xc2b2ae3d27d4eb4full);
    h ^= h >> 29;
    return dbg_address(d, K_VAD, h & 0x3ffffffull);
}

struct root_find {
    ULONG_PTR start;
    bool found;
};

static bool find_root(void *context, const mm_vad_info *v)
{
    struct root_find *r = context;
    if (v->level == 0) {
        r->start = v->start;
        r->found = true;
        return false;
    }
    return true;
}

uint64_t dbg_vad_root(const sim_debugger *d, const ps_process *p)
{
    struct root_find r = { 0 };
    if (p->vm)
        mm_walk_vads(p->vm, find_root, &r);
    return r.found ? dbg_vad_address(d, p, r.start) : 0;
}

struct vad_walk {
    sim_debugger *d;
    const ps_process *p;
    uint64_t count, levels, commit;
    ULONG deepest;
};

static bool one_vad(void *context, const mm_vad_info *v)
{
    struct vad_walk *w = context;
    char prot[64];
    dbg_printf(w->d, "%016" PRIx64 " %2u %12" PRIx64 " %12" PRIx64 " %12" PRIu64 " %-7s %-4s %-18s %s\n",
               dbg_vad_address(w->d, w->p, v->start), v->level, (uint64_t)v->start >> 12,
               (uint64_t)(v->end - 1) >> 12, v->committed, v->type == MEM_PRIVATE ? "Private" : "Mapped",
               v->type == MEM_IMAGE ? "Exe" : v->large_pages ? "Lrg" : "", dbg_protect_name(v->alloc_protect, prot),
               v->detail ? v->detail : "");
    w->count++;
    w->levels += v->level;
    if (v->level > w->deepest)
        w->deepest = v->level;
    if (v->type == MEM_PRIVATE)
        w->commit += v->committed;
    return true;
}

void dbg_cmd_vad(sim_debugger *d, int argc, char **argv)
{
    if (dbg_no_system(d))
        return;
    ps_process *p = dbg_current_process(d);
    if (argc >= 2) {
        uint64_t v;
        p = NULL;
        /* A VAD root (or any VAD) of a process, as !process shows its VadRoot. */
        if (dbg_number(argv[1], &v)) {
            for (ps_process *x = ps_first_process(d->sys); x && !p; x = ps_next_process(d->sys, x))
                if (x->vm && dbg_vad_root(d, x) == v)
                    p = x;
        }
        if (!p) {
            dbg_printf(d, "Unable to get VAD at %s: not a VAD tree's root (!process shows a process's VadRoot)\n",
                       argv[1]);
            return;
        }
    }
    if (!p->vm) {
        dbg_printf(d, "The process has no address space (%s)\n", p->exited ? "it exited" : "a system process");
        return;
    }
    dbg_printf(d, "VAD              Level        Start          End       Commit\n");
    struct vad_walk w = { d, p, 0, 0, 0, 0 };
    mm_walk_vads(p->vm, one_vad, &w);
    dbg_printf(d, "\nTotal VADs: %" PRIu64 ", average level: %" PRIu64 ", maximum depth: %u\n", w.count,
               w.count ? (w.levels + w.count / 2) / w.count : 0, w.deepest);
    dbg_printf(d, "Total private commit: 0x%" PRIx64 " pages (%" PRIu64 " KB)\n", w.commit, w.commit * 4);
}

/* !address's Usage column, from the detail ntsim keeps of each allocation. */
static const char *usage(const MEMORY_BASIC_INFORMATION *m, const char *detail)
{
    if (m->State == MEM_FREE)
        return "Free";
    if (m->Type == MEM_IMAGE)
        return "Image";
    if (detail && strncmp(detail, "stack", 5) == 0)
        return "Stack";
    if (detail && strncmp(detail, "TEB", 3) == 0)
        return "TEB";
    if (detail && strcmp(detail, "PEB") == 0)
        return "PEB";
    return m->Type == MEM_MAPPED ? "MappedFile" : "<unknown>";
}

static const char *state_name(ULONG s)
{
    return s == MEM_COMMIT ? "MEM_COMMIT" : s == MEM_RESERVE ? "MEM_RESERVE" : "MEM_FREE";
}

static const char *type_name(ULONG t)
{
    return t == MEM_IMAGE ? "MEM_IMAGE" : t == MEM_MAPPED ? "MEM_MAPPED" : t == MEM_PRIVATE ? "MEM_PRIVATE" : "";
}

static const char *page_name(ULONG protect, char buf[80])
{
    char p[64];
    dbg_protect_name(protect, p);
    if (!protect)
        return "";
    snprintf(buf, 80, "PAGE_%s", p);
    char *g = strstr(buf, "|GUARD");
    if (g)
        memcpy(g, " | PAGE_GUARD", sizeof " | PAGE_GUARD");
    return buf;
}

#define USAGES 8
struct address_walk {
    sim_debugger *d;
    uint64_t at;
    bool one, found;
    const char *names[USAGES];
    uint64_t count[USAGES], bytes[USAGES];
};

static void tally(struct address_walk *w, const char *name, uint64_t size)
{
    int i = 0;
    while (i < USAGES && w->names[i] && strcmp(w->names[i], name) != 0)
        i++;
    if (i == USAGES)
        return;
    w->names[i] = name;
    w->count[i]++;
    w->bytes[i] += size;
}

static void split64(uint64_t v, char buf[24])
{
    snprintf(buf, 24, "%x`%08x", (unsigned)(v >> 32), (unsigned)(v & 0xffffffffu));
}

static bool one_region(void *context, const MEMORY_BASIC_INFORMATION *m, const char *detail)
{
    struct address_walk *w = context;
    sim_debugger *d = w->d;
    uint64_t base = m->BaseAddress, end = m->BaseAddress + m->RegionSize;
    const char *u = usage(m, detail);
    char b1[24], b2[24], b3[24], p[80];
    if (w->one) {
        if (w->at < base || w->at >= end)
            return true;
        w->found = true;
        dbg_printf(d, "Usage:                  %s\n", u);
        dbg_printf(d, "Base Address:           %s\n", dbg_p(base, b1));
        dbg_printf(d, "End Address:            %s\n", dbg_p(end, b1));
        dbg_printf(d, "Region Size:            %s (%8.3f kB)\n", dbg_p(m->RegionSize, b1), (double)m->RegionSize / 1024);
        dbg_printf(d, "State:                  %08x          %s\n", (unsigned)m->State, state_name(m->State));
        if (m->State != MEM_FREE) {
            dbg_printf(d, "Protect:                %08x          %s\n", (unsigned)m->Protect, page_name(m->Protect, p));
            dbg_printf(d, "Type:                   %08x          %s\n", (unsigned)m->Type, type_name(m->Type));
            dbg_printf(d, "Allocation Base:        %s\n", dbg_p(m->AllocationBase, b1));
            dbg_printf(d, "Allocation Protect:     %08x          %s\n", (unsigned)m->AllocationProtect,
                       page_name(m->AllocationProtect, p));
        }
        if (detail && m->Type == MEM_IMAGE)
            dbg_printf(d, "Image Path:             %s\n", detail);
        else if (detail)
            dbg_printf(d, "More info:              %s\n", detail);
        return false;
    }
    split64(base, b1);
    split64(end, b2);
    split64(m->RegionSize, b3);
    dbg_printf(d, "+ %17s %17s %17s %11s %-11s %-26s %-10s %s\n", b1, b2, b3, type_name(m->Type), state_name(m->State),
               m->State == MEM_FREE ? "PAGE_NOACCESS" : page_name(m->Protect, p), u,
               detail && m->State != MEM_FREE ? detail : "");
    tally(w, u, m->RegionSize);
    return true;
}

void dbg_cmd_address(sim_debugger *d, int argc, char **argv)
{
    if (dbg_no_system(d))
        return;
    ps_process *p = dbg_current_process(d);
    struct address_walk w = { .d = d };
    if (argc >= 2 && !dbg_number(argv[1], &w.at)) {
        dbg_printf(d, "Couldn't resolve error at '%s'\n", argv[1]);
        return;
    }
    w.one = argc >= 2;
    if (!p->vm) {
        dbg_printf(d, "The process %x has no user address space\n", p->pid);
        return;
    }
    if (!w.one)
        dbg_printf(d, "        BaseAddress      EndAddress+1        RegionSize     Type       State                 "
                      "Protect             Usage\n"
                      "-------------------------------------------------------------------------------------------"
                      "-----------------------------\n");
    ntsim_walk_memory(d->sys, p->pid, one_region, &w);
    if (w.one) {
        if (!w.found)
            dbg_printf(d, "Address %s is not in the process's user address space\n", argv[1]);
        return;
    }
    uint64_t busy = 0, total = 0;
    for (int i = 0; i < USAGES && w.names[i]; i++) {
        total += w.bytes[i];
        if (strcmp(w.names[i], "Free") != 0)
            busy += w.bytes[i];
    }
    dbg_printf(d, "\n--- Usage Summary ---------------- RgnCount ----------- Total Size -------- %%ofBusy %%ofTotal\n");
    for (int i = 0; i < USAGES && w.names[i]; i++) {
        char b[24];
        bool free_ = strcmp(w.names[i], "Free") == 0;
        char busy_share[16] = "";
        if (!free_ && busy)
            snprintf(busy_share, sizeof busy_share, "%.2f%%", 100.0 * (double)w.bytes[i] / (double)busy);
        split64(w.bytes[i], b);
        dbg_printf(d, "%-32s %8" PRIu64 " %20s %8s %7.2f%%\n", w.names[i], w.count[i], b, busy_share,
                   total ? 100.0 * (double)w.bytes[i] / (double)total : 0.0);
    }
}
