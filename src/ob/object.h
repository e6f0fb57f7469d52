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
#include "ntsim/ob.h"
#include "ob/handle_table.h"

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
    /* Fills what a handle listing shows of the object (its kind, ID or name); name has size bytes. */
    void (*describe)(const ob_header *object, NTSIM_HANDLE_INFO *info, char *name, size_t size);
    /* Where the body drivers see begins: 0 when it begins with the header (processes, threads),
       sizeof(ob_header) when the header precedes it (an I/O object, whose body begins with its
       CSHORT type: a FILE_OBJECT). */
    size_t body_offset;
    /* The most a handle to the object may grant anyone but the object itself (NULL: every right). */
    ACCESS_MASK (*access_limit)(const ob_header *object);
} ob_type;

struct ob_header {
    DISPATCHER_HEADER dispatch; /* first, as every kernel object's: waits see it */
    const ob_type *type;
    int64_t pointer_count;
    int64_t handle_count;
};

/*
 * What ob asks of the layers above about the caller. ob knows a process only
 * as its handle table; ps registers these at boot.
 */
typedef struct ob_caller_ops {
    ob_handle_table *(*table)(ntsim_system *sys);  /* the current process's handle table */
    ob_header *(*process)(ntsim_system *sys);      /* what NtCurrentProcess() names */
    ob_header *(*thread)(ntsim_system *sys);       /* what NtCurrentThread() names, or NULL */
    bool (*kernel_mode)(ntsim_system *sys);        /* the caller's previous mode is KernelMode */
} ob_caller_ops;

/*
 * The object manager's part of the system. The system's state is one block
 * whose parts nest by layer, each the first member of the next one up (as
 * KTHREAD begins ETHREAD): ob_system begins ke_system, which begins
 * ex_system, and so on to ntsim_system (docs/architecture.md). A component
 * reaches its own part, and those below, through xx_state(sys), and never
 * sees the layers above.
 */
typedef struct ob_system {
    const ob_caller_ops *caller;
    ob_handle_table *kernel_table; /* System's: OBJ_KERNEL_HANDLE values */
} ob_system;

static inline ob_system *ob_state(ntsim_system *sys)
{
    return (ob_system *)(void *)sys;
}

void ob_initialize_header(ob_header *h, const ob_type *type, UCHAR dispatcher_type);

/* The body drivers hold (PEPROCESS, PETHREAD, PFILE_OBJECT) of an object, and back. */
void *ob_body(ob_header *h);
ob_header *ob_header_of(void *body);

/* ObReferenceObject / ObDereferenceObject. Dereferencing to zero deletes. */
void ob_reference(ob_header *h);
void ob_dereference(ntsim_system *sys, ob_header *h);

/* Maps GENERIC_* bits through the type's mapping and MAXIMUM_ALLOWED to all. */
ACCESS_MASK ob_map_access(const ob_type *type, ACCESS_MASK desired);

#endif
