/*
 * vad_walk.h - the VAD tree as a kernel debugger's !vad shows it: each
 * allocation (VAD) in address order with its depth in the tree, its type,
 * protection and committed pages. Read only.
 */
#ifndef NTSIM_MM_VAD_WALK_H
#define NTSIM_MM_VAD_WALK_H

#include "mm/mm.h"

typedef struct mm_vad_info {
    ULONG_PTR start, end;    /* [start, end), page aligned */
    ULONG level;             /* depth in the VAD tree, 0 at the root */
    ULONG type;              /* MEM_PRIVATE, MEM_MAPPED or MEM_IMAGE */
    ULONG alloc_protect;     /* the protection it was reserved with */
    uint64_t committed;      /* committed pages */
    bool large_pages;
    bool no_change;          /* secured (KUSER_SHARED_DATA) */
    const char *detail;      /* an image's name, "PEB", "stack of thread 24"...; NULL when none */
} mm_vad_info;

/* Every VAD of s in address order; cb returns false to stop. O(VADs x log runs). */
void mm_walk_vads(const mm_space *s, bool (*cb)(void *context, const mm_vad_info *info), void *context);
/* How many VADs s holds, and the tree's height. O(VADs). */
void mm_vad_tree_shape(const mm_space *s, uint64_t *count, ULONG *height);

#endif
