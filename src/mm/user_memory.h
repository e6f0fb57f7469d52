/*
 * user_memory.h - the contents of user memory, and the kernel's access to
 * it on behalf of a user-mode caller: probing a buffer (ProbeForRead /
 * ProbeForWrite) and copying it in or out page by page, each page accessed
 * as the memory manager allows (a fault becomes STATUS_ACCESS_VIOLATION, as
 * the service's exception handler turns it into).
 *
 * Contents are kept only for pages something wrote (a sparse page store):
 * any other committed page reads as zeros, as fresh demand-zero pages do.
 */
#ifndef NTSIM_MM_USER_MEMORY_H
#define NTSIM_MM_USER_MEMORY_H

#include "mm/mm.h"

typedef struct mm_page_store mm_page_store;

mm_page_store *mm_page_store_create(void);
void mm_page_store_destroy(mm_page_store *store);
/* The kernel's own write into a page it keeps (KUSER_SHARED_DATA), whatever
   the page's protection: n bytes at address, inside one page. STATUS_NO_MEMORY
   when the host has none for a page written for the first time. */
NTSTATUS mm_page_store_fill(mm_page_store *store, ULONG_PTR address, const void *data, SIZE_T n);
/* Forgets the contents of [base, base+size): decommit and release zero them. */
void mm_page_store_discard(mm_page_store *store, ULONG_PTR base, SIZE_T size);

/*
 * ProbeForRead/ProbeForWrite: the range lies in user space (below
 * MmUserProbeAddress, no wrap) and is aligned. STATUS_ACCESS_VIOLATION or
 * STATUS_DATATYPE_MISALIGNMENT otherwise. A zero length always passes.
 */
NTSTATUS mm_probe(const mm_space *s, ULONG_PTR address, SIZE_T length, ULONG alignment);

/*
 * Copies between user memory and the kernel's buffer, as the user would
 * access it, page by page. A fault part way leaves the pages before it
 * copied, as on Windows. STATUS_NO_MEMORY when the host has no memory for a
 * page written for the first time (or for the change a touch makes).
 */
NTSTATUS mm_copy_from_user(mm_space *s, mm_page_store *store, ULONG_PTR address, void *buffer, SIZE_T length);
NTSTATUS mm_copy_to_user(mm_space *s, mm_page_store *store, ULONG_PTR address, const void *buffer, SIZE_T length);
/* The process's own loads and stores: as the copies, but a fault keeps the
   status the access raised in its code (STATUS_GUARD_PAGE_VIOLATION for a
   guard page, STATUS_STACK_OVERFLOW), not an access violation for all. */
NTSTATUS mm_user_load(mm_space *s, mm_page_store *store, ULONG_PTR address, void *buffer, SIZE_T length);
NTSTATUS mm_user_store(mm_space *s, mm_page_store *store, ULONG_PTR address, const void *buffer, SIZE_T length);

/*
 * Takes now the host memory a later mm_copy_to_user of the range needs for
 * its committed pages (their contents stay as they are), so that a service
 * can write its results once its work is done without failing for want of
 * memory. STATUS_NO_MEMORY when the host has none; nothing visible changes
 * either way. Pages that are not committed take nothing: writing them faults.
 */
NTSTATUS mm_prepare_user_write(mm_space *s, mm_page_store *store, ULONG_PTR address, SIZE_T length);

#endif
