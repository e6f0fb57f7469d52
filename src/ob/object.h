/*
 * object.h - the object manager's object header and types.
 *
 * Every kernel object body starts with an ob_header. As in Windows, each
 * handle also holds a pointer reference, so pointer_count >= handle_count and
 * the object is deleted (its type's delete procedure runs) when the pointer
 * count reaches zero, i.e. when both counts are zero.
 */
#ifndef NTSIM_OB_OBJECT_H
#define NTSIM_OB_OBJECT_H

#include "ntsim/nt.h"

typedef struct ntsim_system ntsim_system;
typedef struct ob_header ob_header;

typedef struct ob_generic_mapping {
    ACCESS_MASK read, write, execute, all;
} ob_generic_mapping;

typedef struct ob_type {
    const char *name; /* "Process", "Thread" */
    UCHAR index;      /* ObjectTypeIndex as SystemHandleInformation reports it (Windows 10) */
    ob_generic_mapping mapping;
    /* Called once both counts are zero; frees the body. */
    void (*delete_procedure)(ntsim_system *sys, ob_header *object);
    /* Called when a handle to the object is closed (may be NULL). */
    void (*close_procedure)(ntsim_system *sys, ob_header *object, uint32_t handle_count_left);
} ob_type;

struct ob_header {
    DISPATCHER_HEADER dispatch; /* first, as every kernel object's: waits see it */
    const ob_type *type;
    int64_t pointer_count;
    int64_t handle_count;
};

void ob_initialize_header(ob_header *h, const ob_type *type, UCHAR dispatcher_type);

/* ObReferenceObject / ObDereferenceObject. Dereferencing to zero deletes. */
void ob_reference(ob_header *h);
void ob_dereference(ntsim_system *sys, ob_header *h);

/* Maps GENERIC_* bits through the type's mapping and MAXIMUM_ALLOWED to all. */
ACCESS_MASK ob_map_access(const ob_type *type, ACCESS_MASK desired);

#endif
