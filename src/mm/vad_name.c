/*
 * vad_name.c - what a VAD is for (an image's path, "Stack of thread 12",
 * "TEB of thread 12"): the Details column of VMMap. Most names are static
 * text, some carry a thread ID shown after them; a name that must outlive
 * its caller is copied and counted in the space's host bytes. A name lives
 * after its VAD (mm_vad_named), so only named VADs pay for it.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"
#include "rtl/alloc.h"

void mm_vad_drop_detail(mm_space *s, mm_vad *v)
{
    if (!(v->flags & VAD_NAMED))
        return;
    mm_vad_named *n = vad_named(v);
    if (v->flags & VAD_DETAIL_OWNED) {
        s->detail_bytes -= strlen(n->detail) + 1;
        rtl_free((char *)n->detail);
    }
    n->detail = NULL;
    n->id = 0;
    v->flags &= (uint8_t)~(VAD_DETAIL_OWNED | VAD_DETAIL_ID);
}

void mm_vad_name(mm_space *s, mm_vad *v, const char *text, bool with_id, uint32_t id)
{
    if (!(v->flags & VAD_NAMED))
        return; /* no room: a caller's bug, shown as a missing name rather than a write past the VAD */
    mm_vad_drop_detail(s, v);
    vad_named(v)->detail = text;
    if (with_id) {
        v->flags |= VAD_DETAIL_ID;
        vad_named(v)->id = id;
    }
}

const char *mm_vad_detail(const mm_vad *v, char buf[48])
{
    if (!(v->flags & VAD_DETAIL_ID))
        return mm_vad_raw_detail(v);
    /* "TEB of thread 12" */
    const mm_vad_named *named = (const mm_vad_named *)v;
    size_t n = strlen(named->detail);
    uint32_t id = named->id;
    char digits[10];
    int k = 0;
    if (n > 36)
        n = 36;
    memcpy(buf, named->detail, n);
    do {
        digits[k++] = (char)('0' + id % 10);
        id /= 10;
    } while (id);
    while (k)
        buf[n++] = digits[--k];
    buf[n] = '\0';
    return buf;
}

char *mm_vad_name_dup(const char *detail)
{
    size_t n = strlen(detail) + 1;
    char *copy = rtl_malloc(n);
    return copy ? memcpy(copy, detail, n) : NULL;
}

void mm_vad_name_adopt(mm_space *s, mm_vad *v, char *copy)
{
    if (!(v->flags & VAD_NAMED)) { /* no room (see mm_vad_name) */
        rtl_free(copy);
        return;
    }
    mm_vad_drop_detail(s, v);
    if (copy) {
        vad_named(v)->detail = copy;
        v->flags |= VAD_DETAIL_OWNED;
        s->detail_bytes += strlen(copy) + 1;
    }
}

NTSTATUS mm_vad_name_copy(mm_space *s, mm_vad *v, const char *detail)
{
    char *copy = NULL;
    if (detail && !(copy = mm_vad_name_dup(detail)))
        return STATUS_NO_MEMORY;
    mm_vad_name_adopt(s, v, copy);
    return STATUS_SUCCESS;
}

void mm_vad_copy_detail(mm_space *s, mm_vad *nv, const mm_vad *v, char *copy)
{
    if (!(v->flags & VAD_NAMED) || !(nv->flags & VAD_NAMED)) {
        rtl_free(copy); /* nothing to copy, or no room (see mm_vad_name) */
        return;
    }
    nv->flags &= (uint8_t)~(VAD_DETAIL_OWNED | VAD_DETAIL_ID);
    vad_named(nv)->detail = NULL;
    if (v->flags & VAD_DETAIL_OWNED)
        mm_vad_name_adopt(s, nv, copy);
    else
        mm_vad_name(s, nv, mm_vad_raw_detail(v), (v->flags & VAD_DETAIL_ID) != 0, ((const mm_vad_named *)v)->id);
}
