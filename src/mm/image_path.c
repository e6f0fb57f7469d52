/*
 * image_path.c - the NT path of each image a space maps (what
 * MemoryMappedFilenameInformation answers), beside the VAD's short name,
 * and which of them are the loader's modules (what LoadLibrary finds
 * before it maps anything): a short list per space, as a process maps few
 * images.
 */
#include <string.h>

#include "mm/mm_internal.h"
#include "rtl/alloc.h"
#include "rtl/ascii.h"

struct mm_image_path {
    mm_image_path *next;
    ULONG_PTR start;
    bool module;
    char path[];
};

mm_image_path *mm_image_path_new(const char *path)
{
    size_t n = strlen(path) + 1;
    mm_image_path *p = rtl_malloc(sizeof *p + n);
    if (p)
        memcpy(p->path, path, n);
    return p;
}

void mm_image_path_adopt(mm_space *s, ULONG_PTR start, mm_image_path *p, bool module)
{
    p->start = start;
    p->module = module;
    p->next = s->image_paths;
    s->image_paths = p;
}

const char *mm_image_path_of(const mm_space *s, ULONG_PTR start)
{
    for (const mm_image_path *p = s->image_paths; p; p = p->next)
        if (p->start == start)
            return p->path;
    return NULL;
}

bool mm_image_module_find(const mm_space *s, const char *path, ULONG_PTR *base)
{
    for (const mm_image_path *p = s->image_paths; p; p = p->next) {
        if (p->module && rtl_ascii_equal_nocase(p->path, path)) {
            *base = p->start;
            return true;
        }
    }
    return false;
}

void mm_image_path_drop(mm_space *s, ULONG_PTR start)
{
    for (mm_image_path **at = &s->image_paths; *at; at = &(*at)->next) {
        if ((*at)->start == start) {
            mm_image_path *p = *at;
            *at = p->next;
            rtl_free(p);
            return;
        }
    }
}

void mm_image_paths_free(mm_space *s)
{
    while (s->image_paths)
        mm_image_path_drop(s, s->image_paths->start);
}
