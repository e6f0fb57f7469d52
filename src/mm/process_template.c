/*
 * process_template.c - a new process's standard VADs (KUSER_SHARED_DATA,
 * the image, ntdll, the PEB) placed in one step. A fast path, in a file of
 * its own because a replay creates a process every few lines: placing them
 * one by one costs four overlap checks, four tree inserts with their
 * rotations and gap updates, and a run layout per image found again through
 * the tree. Here the space is known to be empty, so the four are linked in
 * address order at once and nothing needs checking; the answers to every
 * query are those of the one-by-one path (layout.c), which any space that
 * already holds a VAD still takes.
 */
#include "mm/mm_internal.h"

enum { STANDARD_VADS = 4 };

static void sort_by_start(mm_vad_proto *p, const char **names, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && p[j].start < p[j - 1].start; j--) {
            mm_vad_proto t = p[j];
            p[j] = p[j - 1];
            p[j - 1] = t;
            const char *tn = names[j];
            names[j] = names[j - 1];
            names[j - 1] = tn;
        }
}

NTSTATUS mm_standard_layout_place(mm_space *s, const mm_standard_layout *l)
{
    mm_vad_proto p[STANDARD_VADS] = {
        { l->shared, l->shared + PAGE, VAD_PRIVATE, PAGE_READONLY, attr_committed(PAGE_READONLY), true },
        { l->image, l->image + l->image_size, VAD_IMAGE, PAGE_EXECUTE_WRITECOPY, attr_committed(PAGE_READONLY),
          l->image_name != NULL },
        { l->ntdll, l->ntdll + l->ntdll_size, VAD_IMAGE, PAGE_EXECUTE_WRITECOPY, attr_committed(PAGE_READONLY), true },
        { l->peb, l->peb + PAGE, VAD_PRIVATE, PAGE_READWRITE, attr_committed(PAGE_READWRITE), true },
    };
    const char *names[STANDARD_VADS] = { "KUSER_SHARED_DATA", l->image_name, "ntdll.dll", "PEB" };
    sort_by_start(p, names, STANDARD_VADS);
    for (size_t i = 0; i < STANDARD_VADS; i++) {
        if (p[i].start < s->lowest || p[i].end - 1 > s->highest || p[i].end <= p[i].start)
            return STATUS_INVALID_PARAMETER;
        if (i && p[i].start < p[i - 1].end)
            return STATUS_CONFLICTING_ADDRESSES; /* the windows layout.c draws in are disjoint: not reached */
    }
    /* Everything that can fail, first: room for the VADs, their runs (four
       per image), and the commit of the two private pages. */
    if (!mm_vad_reserve_many(s, p, STANDARD_VADS) || !mm_pool_reserve(&s->run_pool, 8))
        return STATUS_NO_MEMORY;
    if (!mm_charge(s, 2 * PAGE))
        return STATUS_COMMITMENT_LIMIT;
    mm_vad *v[STANDARD_VADS];
    mm_vad_create_sorted(s, p, STANDARD_VADS, v);
    for (size_t i = 0; i < STANDARD_VADS; i++) {
        if (v[i]->type == VAD_IMAGE) {
            mm_piece sections[4];
            mm_image_pieces(v[i]->start, v[i]->end - v[i]->start, sections);
            mm_runs_layout(s, v[i], sections, 4); /* runs reserved above: cannot fail */
        } else if (v[i]->start == l->shared) {
            v[i]->flags |= VAD_NO_CHANGE;
        }
        if (names[i])
            mm_vad_name(s, v[i], names[i], false, 0);
    }
    return STATUS_SUCCESS;
}
