/*
 * image_files.c - the image files of the system volume: ntsim has no disk,
 * so the volume holds the images the system has met (each process's image,
 * each DLL loaded, ntdll.dll at boot), with the facts their PE headers
 * would give. This is what Windows' memory manager keeps per file as its
 * image control area, cached for the boot once an image was mapped; here it
 * also stands for the file itself, which NtOpenFile finds by NT path.
 *
 * Paths compare without case (the file system's rule). The tree is keyed
 * by a hash of the folded path, then the path: every process creation
 * records its image, and paths share long prefixes, which a plain
 * comparison would walk at every level. O(log n); entries live until the
 * system goes.
 */
#include <string.h>

#include "mm/mm_internal.h"
#include "rtl/alloc.h"
#include "rtl/ascii.h"

typedef struct image_file {
    avl_node node;
    uint64_t hash;
    mm_image_info info;
    char path[];
} image_file;

struct mm_image_files {
    avl_tree by_path;
};

static int compare(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 0; /* the usual case, and the fastest test */
    for (; *a && rtl_ascii_fold(*a) == rtl_ascii_fold(*b); a++, b++)
        ;
    return (unsigned char)rtl_ascii_fold(*a) - (unsigned char)rtl_ascii_fold(*b);
}

/* FNV-1a of the folded path: the same on every host. */
static uint64_t path_hash(const char *p)
{
    uint64_t h = 0xCBF29CE484222325ull;
    for (; *p; p++)
        h = (h ^ (unsigned char)rtl_ascii_fold(*p)) * 0x100000001B3ull;
    return h;
}

static image_file *file_of(const avl_node *n)
{
    return avl_entry(n, image_file, node);
}

NTSTATUS mm_image_files_create(mm_image_files **out)
{
    *out = rtl_calloc(1, sizeof **out);
    return *out ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

static void free_files(avl_node *n)
{
    if (!n)
        return;
    free_files(n->left);
    free_files(n->right);
    rtl_free(file_of(n));
}

void mm_image_files_destroy(mm_image_files *f)
{
    if (!f)
        return;
    free_files(f->by_path.root);
    rtl_free(f);
}

/* The node holding path, or NULL with *parent and *is_left where it would go. */
static avl_node *find(const mm_image_files *f, const char *path, uint64_t hash, avl_node **parent, int *is_left)
{
    avl_node *n = f->by_path.root;
    *parent = NULL;
    *is_left = 0;
    while (n) {
        uint64_t h = file_of(n)->hash;
        int c = hash != h ? (hash < h ? -1 : 1) : compare(path, file_of(n)->path);
        if (c == 0)
            return n;
        *parent = n;
        *is_left = c < 0;
        n = c < 0 ? n->left : n->right;
    }
    return NULL;
}

NTSTATUS mm_image_file_record(mm_image_files *f, const char *nt_path, const mm_image_info *info)
{
    avl_node *parent;
    int is_left;
    uint64_t hash = path_hash(nt_path);
    avl_node *n = find(f, nt_path, hash, &parent, &is_left);
    if (n) { /* the file as the latest image of that path describes it */
        file_of(n)->info = *info;
        return STATUS_SUCCESS;
    }
    size_t len = strlen(nt_path);
    image_file *e = rtl_malloc(sizeof *e + len + 1);
    if (!e)
        return STATUS_NO_MEMORY;
    e->hash = hash;
    e->info = *info;
    memcpy(e->path, nt_path, len + 1);
    avl_link(&f->by_path, &e->node, parent, is_left);
    return STATUS_SUCCESS;
}

const mm_image_info *mm_image_file_find(const mm_image_files *f, const char *nt_path, const char **stored)
{
    avl_node *parent;
    int is_left;
    avl_node *n = f ? find(f, nt_path, path_hash(nt_path), &parent, &is_left) : NULL;
    if (!n)
        return NULL;
    if (stored)
        *stored = file_of(n)->path;
    return &file_of(n)->info;
}
