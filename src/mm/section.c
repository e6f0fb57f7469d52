/*
 * section.c - page-file-backed sections: the Section object (what
 * NtCreateSection returns a handle to) and the segment behind it, which
 * holds the pages' contents and commit and is shared by reference by the
 * object and every view (Windows' control area and segment). Closing the
 * last handle leaves the segment to its views, as on Windows.
 *
 * Windows' rules, as NtCreateSection / MmCreateSection check them (the
 * Windows Research Kernel's order; the statuses recorded on Windows by
 * ReactOS's NtMapViewOfSection apitest): docs/memory-manager.md ("Sections
 * and views").
 */
#include <string.h>

#include "mm/mm_internal.h"
#include "mm/user_memory.h"
#include "ntsim/wdk.h" /* LIST_ENTRY and its inline list calls */
#include "ob/object.h"
#include "rtl/alloc.h"

/* x64: a page-file-backed section of 128 TB is too big (recorded on Windows). */
#define SECTION_TOO_BIG_AT (1ull << 47)
#define PROTO_PTE_BYTES 8 /* one prototype PTE per page, from paged pool */

typedef struct mm_section {
    ob_header header;
    LIST_ENTRY links; /* the system's live sections (Flink NULL: none) */
    mm_segment *seg;
    uint64_t size;    /* SizeOfSection: the segment's size, whole pages (an image's: as asked) */
    ULONG attributes; /* SEC_COMMIT or SEC_RESERVE, and the modifiers kept; SEC_IMAGE | SEC_FILE */
    mm_image_section *image; /* an image section's file and based address; NULL for page-file-backed */
} mm_section;

void mm_segment_release(mm_segment *g)
{
    if (!g || --g->refs)
        return;
    if (g->commit)
        g->commit->charged -= g->charged, g->commit->sections -= g->charged;
    mm_page_store_destroy(g->store);
    rtl_free(g->ranges);
    rtl_free(g);
}

bool mm_segment_committed(const mm_segment *g, uint64_t page)
{
    if (g->attributes & SEC_COMMIT)
        return true;
    for (size_t i = 0; i < g->nranges; i++)
        if (page >= g->ranges[2 * i] && page < g->ranges[2 * i + 1])
            return true;
    return false;
}

uint64_t mm_segment_uncommitted(const mm_segment *g, uint64_t first, uint64_t end)
{
    if (g->attributes & SEC_COMMIT)
        return 0;
    uint64_t n = end - first;
    for (size_t i = 0; i < g->nranges; i++) {
        uint64_t a = g->ranges[2 * i] > first ? g->ranges[2 * i] : first;
        uint64_t b = g->ranges[2 * i + 1] < end ? g->ranges[2 * i + 1] : end;
        if (a < b)
            n -= b - a;
    }
    return n;
}

/* Adds [first, end) to the committed ranges, merged with those it touches. O(ranges). */
bool mm_segment_commit(mm_segment *g, uint64_t first, uint64_t end)
{
    if (g->attributes & SEC_COMMIT)
        return true;
    size_t n = g->nranges, out = 0, i = 0;
    const uint64_t *r = g->ranges;
    uint64_t *to = rtl_malloc((n + 1) * 2 * sizeof *to);
    if (!to)
        return false;
    for (; i < n && r[2 * i + 1] < first; i++, out++)
        to[2 * out] = r[2 * i], to[2 * out + 1] = r[2 * i + 1];
    for (; i < n && r[2 * i] <= end; i++) {
        first = r[2 * i] < first ? r[2 * i] : first;
        end = r[2 * i + 1] > end ? r[2 * i + 1] : end;
    }
    to[2 * out] = first, to[2 * out + 1] = end, out++;
    for (; i < n; i++, out++)
        to[2 * out] = r[2 * i], to[2 * out + 1] = r[2 * i + 1];
    rtl_free(g->ranges);
    g->ranges = to;
    g->nranges = out;
    return true;
}

static void section_delete(ntsim_system *sys, ob_header *h)
{
    (void)sys;
    mm_section *sec = (mm_section *)h;
    if (sec->links.Flink)
        RemoveEntryList(&sec->links);
    mm_segment_release(sec->seg);
    rtl_free(sec->image);
    rtl_free(sec);
}

void mm_sections_free(LIST_ENTRY *live)
{
    while (live->Flink && !IsListEmpty(live))
        section_delete(NULL, &CONTAINING_RECORD(live->Flink, mm_section, links)->header);
}

uint64_t mm_sections_handle_counts(const LIST_ENTRY *live)
{
    uint64_t n = 0;
    for (const LIST_ENTRY *e = live->Flink; e && e != live; e = e->Flink)
        n += (uint64_t)CONTAINING_RECORD(e, mm_section, links)->header.handle_count;
    return n;
}

static void section_describe(const ob_header *h, NTSIM_HANDLE_INFO *info, char *name, size_t size)
{
    (void)h;
    info->type = NTSIM_OBJECT_SECTION;
    if (size)
        name[0] = '\0'; /* unnamed: ntsim has no object namespace */
    info->object_name = name;
}

/* Index 42 in the Windows 10 type table ntsim follows (Process 7, Thread 8, Event 16, File 37). */
const ob_type mm_section_type = {
    .name = "Section",
    .index = 42,
    .mapping = {
        .read = READ_CONTROL | SECTION_QUERY | SECTION_MAP_READ,
        .write = READ_CONTROL | SECTION_MAP_WRITE,
        .execute = READ_CONTROL | SECTION_MAP_EXECUTE,
        .all = SECTION_ALL_ACCESS,
    },
    .delete_procedure = section_delete,
    .describe = section_describe,
};

/* The attributes NtCreateSection knows. */
#define SECTION_ATTRIBUTES (SEC_COMMIT | SEC_RESERVE | SEC_BASED | SEC_LARGE_PAGES | SEC_IMAGE | SEC_NOCACHE | \
                            SEC_NO_CHANGE | SEC_WRITECOMBINE | SEC_FILE | SEC_PROTECTED_IMAGE)

NTSTATUS mm_check_section_attributes(ULONG attributes, ULONG protect)
{
    if (attributes & ~SECTION_ATTRIBUTES)
        return STATUS_INVALID_PARAMETER_6;
    if (!(attributes & (SEC_COMMIT | SEC_RESERVE | SEC_IMAGE)))
        return STATUS_INVALID_PARAMETER_6;
    /* SEC_IMAGE alone, or as SEC_IMAGE_NO_EXECUTE (with SEC_NOCACHE's bit, Windows 8 and later). */
    if ((attributes & SEC_IMAGE) && (attributes & (SEC_COMMIT | SEC_RESERVE | SEC_NO_CHANGE | SEC_LARGE_PAGES)))
        return STATUS_INVALID_PARAMETER_6;
    if ((attributes & SEC_COMMIT) && (attributes & SEC_RESERVE))
        return STATUS_INVALID_PARAMETER_6;
    if ((attributes & SEC_IMAGE_NO_EXECUTE) == SEC_IMAGE_NO_EXECUTE && (protect & 0xFFu) != PAGE_READONLY)
        return STATUS_INVALID_PAGE_PROTECTION; /* "must be used with PAGE_READONLY" (CreateFileMapping) */
    /* Caching comes only from SEC_NOCACHE; a section must be accessible. */
    if (protect & (PAGE_NOCACHE | PAGE_GUARD | PAGE_WRITECOMBINE | PAGE_NOACCESS))
        return STATUS_INVALID_PAGE_PROTECTION;
    return mm_protect_is_valid(protect) ? STATUS_SUCCESS : STATUS_INVALID_PAGE_PROTECTION;
}

NTSTATUS mm_section_create(mm_commit *commit, LIST_ENTRY *live, uint64_t size, ULONG protect, ULONG attributes,
                           ob_header **out)
{
    if (size >= SECTION_TOO_BIG_AT)
        return STATUS_SECTION_TOO_BIG;
    uint64_t pages = (size + PAGE - 1) / PAGE;
    /* Its prototype PTEs come from paged pool, which the commit left bounds. */
    if (commit && pages * PROTO_PTE_BYTES > commit->limit - commit->charged)
        return STATUS_INSUFFICIENT_RESOURCES;
    uint64_t charge = (attributes & SEC_COMMIT) ? pages * PAGE : 0;
    if (commit && (charge > commit->limit || commit->charged > commit->limit - charge))
        return STATUS_COMMITMENT_LIMIT;
    mm_section *sec = rtl_zalloc(sizeof *sec);
    mm_segment *g = rtl_zalloc(sizeof *g);
    mm_page_store *store = mm_page_store_create();
    if (!sec || !g || !store) {
        rtl_free(sec);
        rtl_free(g);
        mm_page_store_destroy(store);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    *g = (mm_segment){ .refs = 1, .pages = pages, .protect = protect,
                       .attributes = attributes & (SEC_COMMIT | SEC_RESERVE), .commit = commit, .charged = charge,
                       .store = store };
    if (commit)
        commit->charged += charge, commit->sections += charge;
    ob_initialize_header(&sec->header, &mm_section_type, NonWaitableObject);
    sec->seg = g;
    if (live)
        InsertTailList(live, &sec->links);
    sec->size = pages * PAGE; /* NT sets SizeOfSection from the segment, whole prototype PTEs */
    sec->attributes = attributes & (SEC_COMMIT | SEC_RESERVE | SEC_BASED | SEC_NOCACHE | SEC_LARGE_PAGES);
    *out = &sec->header;
    return STATUS_SUCCESS;
}

/* SEC_IMAGE: no segment of its own (each view's pages are its process's,
   copy-on-write from the file, which ntsim's images do not carry). */
NTSTATUS mm_section_create_image(LIST_ENTRY *live, mm_image_bases *bases, const char *nt_path,
                                 const mm_image_info *info, uint64_t maximum, ULONG protect, bool no_execute,
                                 ob_header **out)
{
    if (maximum > info->size)
        return STATUS_SECTION_TOO_BIG;
    size_t len = strlen(nt_path);
    mm_section *sec = rtl_zalloc(sizeof *sec);
    mm_image_section *img = rtl_malloc(sizeof *img + len + 1);
    if (!sec || !img) {
        rtl_free(sec);
        rtl_free(img);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    img->info = *info;
    img->no_execute = no_execute;
    img->protect = protect;
    memcpy(img->path, nt_path, len + 1);
    NTSTATUS s = mm_image_based_address(bases, img);
    if (!NT_SUCCESS(s)) {
        rtl_free(sec);
        rtl_free(img);
        return s;
    }
    ob_initialize_header(&sec->header, &mm_section_type, NonWaitableObject);
    sec->image = img;
    if (live)
        InsertTailList(live, &sec->links);
    sec->size = maximum ? maximum : info->size; /* as asked, not rounded (recorded on Windows) */
    sec->attributes = SEC_IMAGE | SEC_FILE | (no_execute ? SEC_NOCACHE : 0);
    *out = &sec->header;
    return STATUS_SUCCESS;
}

const mm_image_section *mm_section_image(ob_header *section)
{
    return ((mm_section *)section)->image;
}

mm_segment *mm_section_segment(ob_header *section)
{
    return ((mm_section *)section)->seg;
}

uint64_t mm_section_size(ob_header *section)
{
    return ((mm_section *)section)->size;
}

void mm_section_basic(ob_header *section, ULONG *attributes, uint64_t *size)
{
    mm_section *sec = (mm_section *)section;
    *attributes = sec->attributes;
    *size = sec->size;
}
