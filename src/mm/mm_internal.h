/*
 * mm_internal.h - what the memory manager's files share: the space, its VADs
 * (virtual address descriptors) and the page runs inside them.
 *
 * A VAD is one allocation: a reservation, an image view or a data view. The
 * pages inside it are described by runs: maximal ranges with one state and
 * protection. A VAD whose pages all look alike (the usual case) keeps that
 * one description inline and needs no run nodes at all; otherwise its runs
 * live in a small AVL tree of their own, so commit/protect/query stay
 * O(log runs) however fragmented the allocation gets.
 */
#ifndef NTSIM_MM_INTERNAL_H
#define NTSIM_MM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/avl.h"
#include "mm/mm.h"

#define PAGE MM_PAGE_SIZE
#define GRAN MM_ALLOC_GRANULARITY

/* A page's attributes in one word: committed bit and protection. A reserved
 * page keeps a hidden protection (the reservation's, or the one it had when
 * decommitted): query shows 0, but pages with different hidden protections
 * are different regions, as Windows' recorded answers show. */
#define ATTR_COMMITTED 0x10000u
static inline uint32_t attr_committed(ULONG protect)
{
    return ATTR_COMMITTED | (protect & 0xFFFFu);
}
static inline uint32_t attr_reserved(ULONG protect)
{
    return protect & 0xFFFFu;
}

/* A fixed-size object pool: VADs and runs come from it, so an allocation
 * costs sizeof(mm_vad) bytes and neighbours stay close in memory. */
typedef struct mm_pool {
    size_t object_size;
    void *free_list;
    void *chunks;        /* singly linked through each chunk's first word */
    size_t live, capacity;
    uint64_t bytes;      /* obtained from the host */
    mm_chunk_cache *cache; /* NULL: chunks go back to the host heap */
} mm_pool;
void mm_pool_init(mm_pool *p, size_t object_size, mm_chunk_cache *cache);
void mm_pool_destroy(mm_pool *p);
bool mm_pool_reserve(mm_pool *p, size_t n); /* make n objects available */
void *mm_pool_get(mm_pool *p);              /* NULL only if the host is out */
void mm_pool_put(mm_pool *p, void *obj);

/* vad_index.c: a B+-tree from VAD start to VAD, the cache-friendly search
 * path of the VAD tree. */
typedef struct idx_node idx_node;
typedef struct mm_index {
    idx_node *root;
    uint32_t height;        /* levels; 0 when empty */
    uint64_t count;         /* keys */
    mm_pool nodes;          /* nodes side by side, cache-line aligned */
} mm_index;
struct mm_vad;
/* What one index lookup found: the last VAD starting <= addr, its start, its
 * summary (below), and the next VAD's start when it is in the same leaf. */
typedef struct mm_index_hit {
    struct mm_vad *vad;
    ULONG_PTR start;
    uint64_t summary;
    ULONG_PTR next_start;   /* 0: not known from the leaf */
    struct mm_vad *next;
    uint64_t next_summary;
    ULONG_PTR prev_end;     /* end of the VAD before, 0 when not known from the leaf */
} mm_index_hit;
void mm_index_init(mm_index *ix, mm_chunk_cache *cache);
void mm_index_destroy(mm_index *ix);
bool mm_index_reserve(mm_index *ix); /* before an insert; false: host out of memory */
/* Insert and erase keep the free-gap aggregates exact but for one case:
 * they return true when the VAD after the one inserted (or erased), if
 * any, is the first of another leaf, whose gap0 the caller then sets with
 * mm_index_refresh. gap: the free bytes before v (from the end of the VAD
 * before it, or from 0). */
bool mm_index_insert(mm_index *ix, ULONG_PTR key, struct mm_vad *v, uint64_t gap);
bool mm_index_erase(mm_index *ix, ULONG_PTR key);
struct mm_vad *mm_index_floor(const mm_index *ix, ULONG_PTR addr); /* last VAD starting <= addr */
/* The same, and where the free range before it begins (*lo; its start when
   the leaf cannot tell). */
struct mm_vad *mm_index_floor_lo(const mm_index *ix, ULONG_PTR addr, ULONG_PTR *lo);
/* The same as a hit read from the leaf alone; false when the leaf cannot
 * tell (empty index, or addr before the leaf's first key). */
bool mm_index_lookup(const mm_index *ix, ULONG_PTR addr, mm_index_hit *hit);
void mm_index_update(mm_index *ix, const struct mm_vad *v); /* after v's summary changed, not its bounds */
/* After v's bounds or the gap before it changed: its summary and gap, then
 * the aggregates above. Returns whether v is its leaf's last entry (the
 * VAD after it then starts another leaf: refresh it too). O(log n). */
bool mm_index_refresh(mm_index *ix, const struct mm_vad *v, uint64_t gap);
/* The lowest (top_down: highest) [a, a + size) inside [lo, hi), a multiple
 * of align, in the gap before some VAD; top_down sees only the gaps before
 * VADs starting below hi. O(log n) but for the gaps too small for align. */
bool mm_index_find_gap(const mm_index *ix, uint64_t size, uint64_t align, ULONG_PTR lo, ULONG_PTR hi,
                       bool top_down, ULONG_PTR *out);
/* vad.c: whether [gs, ge) holds size bytes at a multiple of align inside [lo, hi): the lowest, the highest. */
bool mm_fit_low(ULONG_PTR gs, ULONG_PTR ge, uint64_t size, uint64_t align, ULONG_PTR lo, ULONG_PTR hi,
                ULONG_PTR *out);
bool mm_fit_high(ULONG_PTR gs, ULONG_PTR ge, uint64_t size, uint64_t align, ULONG_PTR lo, ULONG_PTR hi,
                 ULONG_PTR *out);
bool mm_index_check(const mm_index *ix, uint64_t vads);

typedef enum mm_vad_type { VAD_PRIVATE, VAD_IMAGE, VAD_MAPPED } mm_vad_type;
#define VAD_LARGE_PAGES 0x1u
#define VAD_DETAIL_OWNED 0x2u /* detail is a heap copy */
#define VAD_DETAIL_ID 0x4u    /* detail is a prefix; id the number that ends it */
/* Secured against change from user mode (the VAD's NoChange bit): the
   KUSER_SHARED_DATA page. Its protection cannot change, it cannot be freed
   or decommitted, nothing more is committed in it. */
#define VAD_NO_CHANGE 0x8u
/* A placeholder (NtAllocateVirtualMemoryEx MEM_RESERVE_PLACEHOLDER): reserved
   PAGE_NOACCESS, split and joined by NtFreeVirtualMemory, replaced whole. */
#define VAD_PLACEHOLDER 0x10u
/* An allocation that replaced a placeholder: MEM_PRESERVE_PLACEHOLDER makes it one again. */
#define VAD_FROM_PLACEHOLDER 0x20u
/* Reserved with MEM_WRITE_WATCH: the space's watch list has its written pages. */
#define VAD_WRITE_WATCH 0x40u
/* An mm_vad_named: the VAD has room for a name (from the space's named_pool). */
#define VAD_NAMED 0x80u

typedef struct mm_run {
    avl_node node;   /* node.spare holds the run's attribute */
    ULONG_PTR start; /* the run ends where the next begins, or at the VAD's end */
} mm_run;

typedef struct mm_vad {
    avl_node node;          /* keyed by start */
    ULONG_PTR start, end;   /* [start, end), page aligned */
    avl_node *runs;         /* NULL: every page has attr */
    uint32_t attr;          /* the pages' attribute when runs is NULL */
    uint16_t alloc_protect;
    uint8_t type;           /* mm_vad_type */
    uint8_t flags;          /* VAD_LARGE_PAGES, VAD_DETAIL_*, VAD_NO_CHANGE, VAD_NAMED, ... */
} mm_vad;
/* One cache line: a VAD read is one miss, and an allocation costs 64 bytes of pool (issue 21). */
_Static_assert(sizeof(mm_vad) == 64, "a plain VAD is one cache line");

/* A VAD with a name (VAD_NAMED): the VAD, then what names it. Only the few
 * VADs the system names (images, views, stacks, TEBs, the PEB) pay for it;
 * they come from the space's named_pool. */
typedef struct mm_vad_named {
    mm_vad vad;
    const char *detail;     /* "PEB", an image name, ...; static unless VAD_DETAIL_OWNED */
    uint32_t id;            /* the number that ends detail (VAD_DETAIL_ID) */
} mm_vad_named;
static inline mm_vad_named *vad_named(mm_vad *v) { return (mm_vad_named *)v; }
/* v's detail as kept (a prefix when VAD_DETAIL_ID), or NULL. */
static inline const char *mm_vad_raw_detail(const mm_vad *v)
{
    return v->flags & VAD_NAMED ? ((const mm_vad_named *)v)->detail : NULL;
}

/* A VAD's query answer in one word, kept beside its key in the index leaf,
 * so a query of a uniform allocation reads the leaf and never the VAD (at
 * 10^6 allocations each is a cache and TLB miss). Bit 0: valid (the VAD is
 * uniform and everything fits); 1-2 type; 3-13 alloc_protect; 14 committed;
 * 15-25 protect; 26-61 size in pages (36 bits: 256 TB). */
#define SUM_VALID 1ull
static inline uint64_t vad_summary(const mm_vad *v)
{
    uint64_t pages = (v->end - v->start) / PAGE;
    uint32_t prot = v->attr & 0xFFFFu;
    if (v->runs || pages >> 36 || prot > 0x7FF || v->alloc_protect > 0x7FF)
        return 0;
    return SUM_VALID | (uint64_t)v->type << 1 | (uint64_t)v->alloc_protect << 3 |
           (uint64_t)((v->attr & ATTR_COMMITTED) != 0) << 14 | (uint64_t)prot << 15 | pages << 26;
}
static inline ULONG_PTR sum_end(ULONG_PTR start, uint64_t sum) { return start + (sum >> 26) * PAGE; }
static inline uint32_t sum_type(uint64_t sum) { return (sum >> 1) & 3; }
static inline uint32_t sum_alloc_protect(uint64_t sum) { return (sum >> 3) & 0x7FF; }
static inline bool sum_committed(uint64_t sum) { return (sum >> 14) & 1; }
static inline uint32_t sum_protect(uint64_t sum) { return (sum >> 15) & 0x7FF; }

/* A VAD found lately and a copy of its bounds, so a look-up can test it
 * without touching the VAD (at 10^6 allocations that is a cache miss):
 * [lo, start) is free (lo may be start: unknown). */
typedef struct mm_hint {
    struct mm_vad *vad;     /* NULL: none */
    ULONG_PTR lo, start, end;
} mm_hint;

struct mm_space {
    avl_tree vads;
    mm_index index;         /* the same VADs by start, in a B+-tree: lookups */
    /* The last two VADs found, most recent first: walks and repeated queries
     * hit the first; a system call's copies to its caller's stack hit one of
     * the two between the random queries it answers (vad.c). */
    mm_hint hint, hint2;
    mm_arch arch;
    bool wow64;
    bool large_pages_ok;
    bool (*lock_memory_held)(void *ctx);
    void *privilege_ctx;
    ULONG_PTR lowest, highest; /* inclusive user range */
    mm_commit *commit;
    uint64_t charge;        /* bytes */
    mm_pool vad_pool, run_pool;
    mm_pool named_pool;     /* mm_vad_named: the VADs with a name */
    uint64_t detail_bytes;
    mm_guard_hook guard_hook;
    void *guard_ctx;
    ULONG_PTR peb;          /* TEBs are placed below it */
    mm_image_bases *image_bases; /* the system's; may be NULL */
    avl_tree stacks;        /* mm_stack_rec by deallocation stack: which guard pages grow a stack */
    avl_tree views;         /* mm_view by start: the section views mapped here */
    struct mm_image_path *image_paths; /* NT paths of images mapped with one */
    struct mm_watch *watches; /* MEM_WRITE_WATCH reservations' written pages */
};

/*
 * section.c: the segment behind a section (Windows' control area and
 * segment): its pages' contents and commit, shared by reference by the
 * Section objects and every view of it, in any process. A view keeps it
 * alive after the last handle closes, as on Windows.
 */
struct mm_page_store;
typedef struct mm_view mm_view;
typedef struct mm_segment {
    uint64_t refs;               /* the section object and each view */
    uint64_t pages;              /* the section's size in pages */
    ULONG protect;               /* the section's page protection */
    ULONG attributes;            /* SEC_COMMIT or SEC_RESERVE */
    mm_commit *commit;           /* charged: every page for SEC_COMMIT, pages as committed for SEC_RESERVE */
    uint64_t charged;            /* bytes */
    struct mm_page_store *store; /* contents, keyed by page number in the section */
    uint64_t *ranges;            /* SEC_RESERVE: committed pages, sorted disjoint [first, end) pairs */
    size_t nranges, cap;
    mm_view *views;              /* every view of it, in every space */
} mm_segment;
void mm_segment_release(mm_segment *g);
bool mm_segment_committed(const mm_segment *g, uint64_t page);
/* Pages of [first, end) not committed yet (SEC_RESERVE), then their commit. */
uint64_t mm_segment_uncommitted(const mm_segment *g, uint64_t first, uint64_t end);
bool mm_segment_commit(mm_segment *g, uint64_t first, uint64_t end); /* false: host out of memory */
mm_segment *mm_section_segment(struct ob_header *section);
uint64_t mm_section_size(struct ob_header *section);

/* view.c: one view of a segment in one space (its VAD is VAD_MAPPED). */
struct mm_view {
    avl_node node;          /* in the space's views, keyed by start */
    ULONG_PTR start, end;
    uint64_t first;         /* the section page at start */
    ULONG protect;          /* as mapped: what protections the view may take later */
    ULONG inherit;          /* ViewShare or ViewUnmap */
    mm_segment *seg;
    mm_space *space;
    mm_view *next, *prev;   /* in seg->views */
};
mm_view *mm_view_at(const mm_space *s, ULONG_PTR addr); /* O(log views) */
void mm_views_free_all(mm_space *s);
/* MEM_COMMIT of [start, end) inside view w, with NtAllocateVirtualMemory's statuses. */
NTSTATUS mm_view_commit(mm_space *s, mm_view *w, ULONG_PTR start, ULONG_PTR end, ULONG protect);
/* Whether a view mapped with `mapped` may be given `wanted` (MmCompatibleProtectionMask). */
bool mm_protect_compatible(ULONG mapped, ULONG wanted);

/* vad.c: the VAD tree. */
void mm_vad_tree_init(avl_tree *t);
void mm_vad_bounds_changed(mm_space *s, mm_vad *v); /* after a trim */
mm_vad *mm_vad_find(mm_space *s, ULONG_PTR addr);             /* containing addr, or NULL */
void mm_hint_set(mm_space *s, mm_vad *v);                     /* v first; NULL forgets both */
void mm_hint_push(mm_space *s, mm_hint h);
void mm_vad_summary_changed(mm_space *s, mm_vad *v);          /* runs, attr or end changed */
mm_vad *mm_vad_floor(const mm_space *s, ULONG_PTR addr);      /* last VAD starting <= addr */
mm_vad *mm_vad_floor_hinted(mm_space *s, ULONG_PTR addr);     /* the same, trying the hint first */
bool mm_vad_overlaps(const mm_space *s, ULONG_PTR start, ULONG_PTR end);
bool mm_vad_reserve(mm_space *s);                             /* room for one more VAD */
bool mm_vad_reserve_named(mm_space *s);                       /* room for one more named VAD */
void mm_vad_set_start(mm_space *s, mm_vad *v, ULONG_PTR start); /* a head trim */
mm_vad *mm_vad_create(mm_space *s, ULONG_PTR start, ULONG_PTR end, mm_vad_type type,
                      ULONG alloc_protect, uint32_t attr);
/* The same with room for a name (still none): mm_vad_reserve_named first. */
mm_vad *mm_vad_create_named(mm_space *s, ULONG_PTR start, ULONG_PTR end, mm_vad_type type,
                            ULONG alloc_protect, uint32_t attr);
void mm_vad_delete(mm_space *s, mm_vad *v);
/* Several new VADs at once, into an empty space (process_template.c). */
#define MM_MAX_SORTED_VADS 8
typedef struct mm_vad_proto {
    ULONG_PTR start, end;
    mm_vad_type type;
    ULONG alloc_protect;
    uint32_t attr;
    bool named;             /* with room for a name */
} mm_vad_proto;
bool mm_vad_reserve_many(mm_space *s, const mm_vad_proto *p, size_t n); /* room for mm_vad_create_sorted's VADs */
/* Links n (<= MM_MAX_SORTED_VADS) VADs, sorted by start and disjoint, into a
 * space with none yet: the AVL tree built balanced in one pass, no rotation,
 * the index filled by appends. Room reserved first: cannot fail. */
void mm_vad_create_sorted(mm_space *s, const mm_vad_proto *p, size_t n, mm_vad **out);
/* Finds [a, a+size) free inside [lo, hi), a multiple of align; lowest or highest. */
bool mm_find_free(const mm_space *s, uint64_t size, uint64_t align, ULONG_PTR lo, ULONG_PTR hi,
                  bool top_down, ULONG_PTR *out);
bool mm_vad_tree_check(const mm_space *s);

/* runs.c: the pages inside one VAD. */
uint32_t mm_runs_attr_at(const mm_vad *v, ULONG_PTR addr, ULONG_PTR *run_end);
uint32_t mm_runs_run_at(const mm_vad *v, ULONG_PTR addr, ULONG_PTR *run_start, ULONG_PTR *run_end);
uint64_t mm_runs_count_committed(const mm_vad *v, ULONG_PTR a, ULONG_PTR b); /* pages */
bool mm_runs_all_committed(const mm_vad *v, ULONG_PTR a, ULONG_PTR b);
/* Gives [a, b) one attribute. false only if the host is out of memory (nothing changed). */
bool mm_runs_set(mm_space *s, mm_vad *v, ULONG_PTR a, ULONG_PTR b, uint32_t attr);
/* Decommits [a, b): each page keeps its protection, hidden. */
bool mm_runs_decommit(mm_space *s, mm_vad *v, ULONG_PTR a, ULONG_PTR b);
/* Removes [a, b) from the VAD (release of part of it), splitting it in two
 * when the hole is in the middle. false only if the host is out of memory. */
bool mm_runs_cut(mm_space *s, mm_vad *v, ULONG_PTR a, ULONG_PTR b);
/* Lays out a new, uniform VAD's pages in one pass (at most 8 pieces): piece i is [start[i],
 * start[i + 1]) (the last ends at the VAD's end), start[0] the VAD's start,
 * starts ascending; empty pieces are skipped and equal neighbours merge.
 * What an image map or a new stack does, without a split per piece.
 * false only if the host is out of memory (nothing changed). */
typedef struct mm_piece {
    ULONG_PTR start;
    uint32_t attr;
} mm_piece;
bool mm_runs_layout(mm_space *s, mm_vad *v, const mm_piece *pieces, size_t n);
/* view.c: the end (exclusive) a system-chosen view may reach under ZeroBits (valid). */
ULONG_PTR mm_zero_bits_end(ULONG_PTR highest, ULONG_PTR zero_bits);
/* view.c: where a view goes: the caller's base (64 KiB aligned
   STATUS_MAPPED_ALIGNMENT, in user space _3, free STATUS_CONFLICTING_ADDRESSES)
   or the lowest (top_down: highest) free place under the ZeroBits limit. */
NTSTATUS mm_view_place(mm_space *s, ULONG_PTR *base, SIZE_T len, ULONG_PTR zero_bits, bool top_down);
/* view.c: a view's size, to the section's end when *view_size is 0; STATUS_INVALID_VIEW_SIZE past it. */
NTSTATUS mm_view_length(uint64_t section_size, uint64_t offset, SIZE_T *view_size);
/* layout.c: an image section's based address (img->based, img->relocated),
   the image's boot-wide one, drawn and recorded in bases when it has none. */
NTSTATUS mm_image_based_address(mm_image_bases *bases, mm_image_section *img);
/* image_section.c: a view of an image section (MiMapViewOfImageSection);
   section_size: the section's SizeOfSection (MaximumSize as given, else SizeOfImage). */
NTSTATUS mm_map_image_view(mm_space *s, const mm_image_section *img, uint64_t section_size, ULONG_PTR *base,
                           ULONG_PTR zero_bits, SIZE_T commit_size, uint64_t *offset, SIZE_T *view_size, ULONG type,
                           ULONG protect);
/* layout.c: an image view's pieces (headers, .text, .rdata, .data). */
void mm_image_pieces(ULONG_PTR base, SIZE_T len, mm_piece out[4]);
/* A new process's standard VADs: where each goes (layout.c chooses). */
typedef struct mm_standard_layout {
    ULONG_PTR shared;             /* KUSER_SHARED_DATA */
    ULONG_PTR image;
    SIZE_T image_size;            /* page multiple */
    const char *image_name;       /* outlives the space */
    ULONG_PTR ntdll;
    SIZE_T ntdll_size;
    ULONG_PTR peb;
} mm_standard_layout;
/* process_template.c: the layout placed in one step into an empty space. */
NTSTATUS mm_standard_layout_place(mm_space *s, const mm_standard_layout *l);
void mm_runs_free_all(mm_space *s, mm_vad *v);
bool mm_runs_check(const mm_vad *v);

/* virtual.c: the attribute of the page at addr (0 when no allocation holds it). */
uint32_t mm_attr_at(mm_space *s, ULONG_PTR addr);
/* Run nodes a touch of a page may need: a guard page's removal and the new
   guard region below it (3 each), or a copy-on-write page's split (3). A
   touch takes them before anything changes, so it happens whole or not at
   all; mm_touch_changes tells whether a touch changes the page at all. */
#define MM_TOUCH_RUNS 6
bool mm_touch_changes(uint32_t attr, mm_access access);

/* virtual.c: MEM_COMMIT of [start, end) (page aligned) inside one private VAD,
 * with NtAllocateVirtualMemory's statuses; the stack-growth path uses it. */
NTSTATUS mm_commit_pages(mm_space *s, ULONG_PTR start, ULONG_PTR end, ULONG protect);

/* virtual.c: a new reservation (committed with MEM_COMMIT) at *base, or
 * where the system finds room in [lo, hi) at a multiple of align. */
NTSTATUS mm_reserve_in(mm_space *s, ULONG_PTR *base, ULONG_PTR lo, ULONG_PTR hi, uint64_t align, SIZE_T *size,
                       ULONG type, ULONG protect);
/* placeholder.c: NtFreeVirtualMemory with MEM_PRESERVE_PLACEHOLDER or
 * MEM_COALESCE_PLACEHOLDERS of [start, end) starting in v. */
NTSTATUS mm_placeholder_free(mm_space *s, mm_vad *v, ULONG_PTR start, ULONG_PTR end, ULONG free_type,
                             ULONG_PTR *base, SIZE_T *size);

/* write_watch.c: a write access to addr (a page of a watched reservation or not). */
typedef struct mm_watch mm_watch;
void mm_watch_mark(mm_space *s, ULONG_PTR addr);
void mm_watches_free(mm_space *s);
uint64_t mm_watch_bytes(const mm_space *s); /* the bitmaps' charge */

/* image_path.c */
void mm_image_path_drop(mm_space *s, ULONG_PTR start);
void mm_image_paths_free(mm_space *s);

/* layout.c: a VAD exactly at [start, end), charged when committed; named: with room for a name. */
NTSTATUS mm_place(mm_space *s, ULONG_PTR start, ULONG_PTR end, mm_vad_type type, ULONG alloc_protect,
                  uint32_t attr, bool named, mm_vad **out);

/* stack.c: a touch found PAGE_GUARD on page (already removed). Grows the
 * stack the page belongs to, as MiCheckForUserStackOverflow: *is_stack false
 * when it is no stack's; else STATUS_SUCCESS (grown: the access goes on) or
 * STATUS_STACK_OVERFLOW. */
NTSTATUS mm_stack_guard_fault(mm_space *s, ULONG_PTR page, bool *is_stack);
void mm_stacks_free_all(mm_space *s);

/* protect.c: protection codes. */
bool mm_protect_is_valid(ULONG protect);           /* MiMakeProtectionMask's rules */
bool mm_protect_is_copy_on_write(ULONG protect);
/* READWRITE -> WRITECOPY, EXECUTE_READWRITE -> EXECUTE_WRITECOPY; others as they are. */
ULONG mm_protect_copy_on_write_form(ULONG protect);
bool mm_protect_allows(ULONG protect, mm_access access);

/* image_bases.c: a path's file name (after its last \\ or /), as images are keyed and named. */
const char *mm_file_part(const char *path);
/* image_bases.c: the boot-wide registry behind mm_image_bases. */
bool mm_image_bases_lookup(const mm_image_bases *b, const char *name, bool is64, SIZE_T size,
                           ULONG_PTR *base);
bool mm_image_bases_taken(const mm_image_bases *b, ULONG_PTR start, ULONG_PTR end); /* another image's */
NTSTATUS mm_image_bases_record(mm_image_bases *b, const char *name, bool is64, ULONG_PTR base, SIZE_T size);
rtl_random *mm_image_bases_rng(const mm_image_bases *b);

/* commit.c */
bool mm_charge(mm_space *s, uint64_t bytes);   /* false: STATUS_COMMITMENT_LIMIT */
void mm_uncharge(mm_space *s, uint64_t bytes);

static inline ULONG_PTR page_down(ULONG_PTR x) { return x & ~(PAGE - 1); }
static inline ULONG_PTR page_up(ULONG_PTR x) { return (x + PAGE - 1) & ~(PAGE - 1); }
static inline ULONG_PTR align_down(ULONG_PTR x, uint64_t a) { return x & ~(a - 1); }
static inline ULONG_PTR align_up(ULONG_PTR x, uint64_t a) { return (x + a - 1) & ~(a - 1); }

#ifdef NTSIM_DEBUG_CHECKS
#include <assert.h>
#define MM_DEBUG_CHECK(s) assert(mm_check(s))
#else
#define MM_DEBUG_CHECK(s) ((void)0)
#endif

/* vad_name.c: the names of VADs made with room for one (VAD_NAMED). */
/* Names v with a static string (not copied), followed by id when with_id:
   what the memory manager itself places, on every process's and thread's
   creation path, costs no allocation. */
void mm_vad_name(mm_space *s, mm_vad *v, const char *text, bool with_id, uint32_t id);
/* Names v with a copy of detail (NULL: no name); STATUS_NO_MEMORY, v unchanged, when the host is out. */
NTSTATUS mm_vad_name_copy(mm_space *s, mm_vad *v, const char *detail);
/* The two halves of a copy, for callers that must take the memory before any
   change: a heap copy of detail (NULL when the host is out), then v named
   with it (v owns it from then on; NULL: no name). */
char *mm_vad_name_dup(const char *detail);
void mm_vad_name_adopt(mm_space *s, mm_vad *v, char *copy);
/* v's detail as text (formatted into buf when it carries a number), or NULL. */
const char *mm_vad_detail(const mm_vad *v, char buf[48]);
/* nv (split off v) takes v's detail; copy: a mm_vad_name_dup of it when v
   owns its detail (taken by the caller beforehand), else NULL. */
void mm_vad_copy_detail(mm_space *s, mm_vad *nv, const mm_vad *v, char *copy);
/* Drops v's detail (freeing an owned copy); nothing for a VAD without room for one. */
void mm_vad_drop_detail(mm_space *s, mm_vad *v);

#endif
