/* object.c - reference counting of object headers (ObReference/ObDereference). */
#include <assert.h>
#include <string.h>

#include "ntsim/wdk.h"
#include "ob/object.h"

void ob_initialize_header(ob_header *h, const ob_type *type, UCHAR dispatcher_type)
{
    h->dispatch = (DISPATCHER_HEADER){ .Type = dispatcher_type };
    h->type = type;
    h->pointer_count = 1; /* the creator's reference */
    h->handle_count = 0;
}

void *ob_body(ob_header *h)
{
    return (char *)h + h->type->body_offset;
}

/*
 * As on Windows, where OBJECT_HEADER precedes every body: an I/O object's
 * body begins with its CSHORT type (IO_TYPE_FILE) and follows its header;
 * any other body begins with its header, whose first byte is a dispatcher
 * type, never an I/O type (semaphores, type 5, are not objects of ob's).
 */
ob_header *ob_header_of(void *body)
{
    CSHORT type;
    memcpy(&type, body, sizeof type);
    return type == IO_TYPE_FILE ? (ob_header *)((char *)body - sizeof(ob_header)) : body;
}

void ob_reference(ob_header *h)
{
    assert(h->pointer_count > 0); /* a reference is taken only through one already held */
    h->pointer_count++;
}

void ob_dereference(ntsim_system *sys, ob_header *h)
{
    assert(h->pointer_count > 0);
    assert(h->handle_count >= 0 && h->handle_count < h->pointer_count); /* each handle holds a reference */
    if (--h->pointer_count == 0) {
        assert(h->handle_count == 0);
        h->type->delete_procedure(sys, h);
    }
}

ACCESS_MASK ob_map_access(const ob_type *type, ACCESS_MASK desired)
{
    ACCESS_MASK a = desired & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED);
    if (desired & GENERIC_READ)
        a |= type->mapping.read;
    if (desired & GENERIC_WRITE)
        a |= type->mapping.write;
    if (desired & GENERIC_EXECUTE)
        a |= type->mapping.execute;
    if (desired & (GENERIC_ALL | MAXIMUM_ALLOWED))
        a |= type->mapping.all;
    return a;
}
