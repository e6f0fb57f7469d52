/*
 * image_bases.c - the boot-wide image-base registry. With ASLR Windows picks
 * an image's randomized base once per boot: the base belongs to the image's
 * section (its control area), which every process mapping the same file
 * shares, so ntdll.dll sits at one address in every process and two
 * processes of one exe load it at the same base (Windows Internals 7th ed.,
 * ch. 5 "Address space layout randomization": "the load address is chosen
 * once per boot"). The kernel keeps different images apart with its image
 * bitmap; here the ranges already handed out are kept in address order, so a
 * new draw can avoid them.
 *
 * Names are file names compared without case (the file system's rule); an
 * x86 and an x64 image of one name are different files (System32 and
 * SysWOW64). Lookups are hashed, O(1) expected; ranges are an AVL tree,
 * O(log n). Entries live until the registry is destroyed (the image stays
 * cached for the whole boot).
 */
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"
#include "rtl/alloc.h"
#include "rtl/ascii.h"

typedef struct image_entry {
    avl_node node;     /* in by_base, keyed by base */
    ULONG_PTR base;
    SIZE_T size;
    uint64_t hash;
    bool is64;
    char name[];       /* lower-case file name */
} image_entry;

struct mm_image_bases {
    rtl_random *rng;   /* the system's generator; NULL when ASLR is off */
    avl_tree by_base;
    image_entry **slots; /* open addressing, linear probing */
    size_t capacity, count;
    uint64_t bytes;
};

static image_entry *entry_of(const avl_node *n)
{
    return n ? avl_entry(n, image_entry, node) : NULL;
}

const char *mm_file_part(const char *name)
{
    const char *f = name;
    for (const char *c = name; *c; c++)
        if (*c == '\\' || *c == '/')
            f = c + 1;
    return f;
}

/* FNV-1a of the folded name and the arch: the same on every host. */
static uint64_t name_hash(const char *f, bool is64)
{
    uint64_t h = 0xCBF29CE484222325ull;
    for (; *f; f++)
        h = (h ^ (unsigned char)rtl_ascii_fold(*f)) * 0x100000001B3ull;
    return (h ^ (is64 ? 0x64u : 0x86u)) * 0x100000001B3ull;
}

static bool same_name(const image_entry *e, const char *f, bool is64)
{
    if (e->is64 != is64)
        return false;
    const char *a = e->name;
    for (; *a && *f; a++, f++)
        if (*a != rtl_ascii_fold(*f))
            return false;
    return *a == *f;
}

NTSTATUS mm_image_bases_create(rtl_random *rng, mm_image_bases **out)
{
    mm_image_bases *b = rtl_calloc(1, sizeof *b);
    if (!b)
        return STATUS_NO_MEMORY;
    b->rng = rng;
    b->bytes = sizeof *b;
    *out = b;
    return STATUS_SUCCESS;
}

void mm_image_bases_destroy(mm_image_bases *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->capacity; i++)
        rtl_free(b->slots[i]);
    rtl_free(b->slots);
    rtl_free(b);
}

rtl_random *mm_image_bases_rng(const mm_image_bases *b)
{
    return b->rng;
}

/* The slot holding the name, or the empty slot where it would go. */
static size_t find_slot(const mm_image_bases *b, const char *f, bool is64, uint64_t h)
{
    size_t i = (size_t)h & (b->capacity - 1);
    while (b->slots[i] && !(b->slots[i]->hash == h && same_name(b->slots[i], f, is64)))
        i = (i + 1) & (b->capacity - 1);
    return i;
}

bool mm_image_bases_lookup(const mm_image_bases *b, const char *name, bool is64, SIZE_T size,
                           ULONG_PTR *base)
{
    if (!b->count)
        return false;
    const char *f = mm_file_part(name);
    const image_entry *e = b->slots[find_slot(b, f, is64, name_hash(f, is64))];
    if (!e || e->size != size)
        return false; /* another size is another file: it gets its own section */
    *base = e->base;
    return true;
}

bool mm_image_bases_taken(const mm_image_bases *b, ULONG_PTR start, ULONG_PTR end)
{
    const avl_node *n = b->by_base.root, *best = NULL;
    while (n) { /* the last range starting below end */
        if (entry_of(n)->base < end) {
            best = n;
            n = n->right;
        } else {
            n = n->left;
        }
    }
    const image_entry *e = entry_of(best);
    return e && e->base + e->size > start;
}

static bool grow(mm_image_bases *b)
{
    size_t cap = b->capacity ? b->capacity * 2 : 16;
    image_entry **slots = rtl_calloc(cap, sizeof *slots);
    if (!slots)
        return false;
    image_entry **old = b->slots;
    size_t old_cap = b->capacity;
    b->slots = slots;
    b->capacity = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            slots[find_slot(b, old[i]->name, old[i]->is64, old[i]->hash)] = old[i];
    rtl_free(old);
    b->bytes += (cap - old_cap) * sizeof *slots;
    return true;
}

static void link_by_base(mm_image_bases *b, image_entry *e)
{
    avl_node *parent = NULL, **link = &b->by_base.root;
    int is_left = 0;
    while (*link) {
        parent = *link;
        is_left = e->base < entry_of(parent)->base;
        link = is_left ? &parent->left : &parent->right;
    }
    avl_link(&b->by_base, &e->node, parent, is_left);
}

NTSTATUS mm_image_bases_record(mm_image_bases *b, const char *name, bool is64, ULONG_PTR base, SIZE_T size)
{
    if ((b->count + 1) * 4 > b->capacity * 3 && !grow(b))
        return STATUS_NO_MEMORY;
    const char *f = mm_file_part(name);
    uint64_t h = name_hash(f, is64);
    size_t i = find_slot(b, f, is64, h);
    size_t len = strlen(f);
    image_entry *e = rtl_malloc(sizeof *e + len + 1);
    if (!e)
        return STATUS_NO_MEMORY;
    for (size_t k = 0; k < len; k++)
        e->name[k] = rtl_ascii_fold(f[k]);
    e->name[len] = '\0';
    e->base = base;
    e->size = size;
    e->hash = h;
    e->is64 = is64;
    image_entry *old = b->slots[i];
    if (old) { /* the file changed size: a new section replaces the old one */
        avl_erase(&b->by_base, &old->node);
        b->bytes -= sizeof *old + strlen(old->name) + 1;
        rtl_free(old);
        b->count--;
    }
    b->slots[i] = e;
    link_by_base(b, e);
    b->count++;
    b->bytes += sizeof *e + len + 1;
    return STATUS_SUCCESS;
}

uint64_t mm_image_bases_count(const mm_image_bases *b)
{
    return b->count;
}
