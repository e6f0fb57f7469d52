/*
 * notify.h - the notify routine registry (PspCreateProcessNotifyRoutine and
 * friends) and the calls that deliver notifications.
 */
#ifndef NTSIM_PS_NOTIFY_H
#define NTSIM_PS_NOTIFY_H

#include "ntsim/nt.h"

#include "ntsim/limits.h"

#define PS_MAX_NOTIFY NTSIM_MAX_NOTIFY_ROUTINES

typedef struct io_driver io_driver;
typedef struct ps_process ps_process;
typedef struct ps_thread ps_thread;
typedef struct ntsim_system ntsim_system;

typedef struct ps_notify_slot {
    void *routine;      /* NULL: free */
    io_driver *driver;  /* who registered it (pool charges, context); opaque here */
    const char *image;  /* its name, while it is loaded */
    bool ex;            /* the Ex form of a thread routine */
} ps_notify_slot;

typedef struct ps_notify {
    ps_notify_slot process[PS_MAX_NOTIFY];
    ps_notify_slot thread[PS_MAX_NOTIFY];
    ps_notify_slot image[PS_MAX_NOTIFY];
    /* One past each array's last used slot: delivery stops there, not at 64. */
    ULONG process_end, thread_end, image_end;
} ps_notify;

/*
 * A name as notify routines receive it: UTF-16, in `space` when it fits,
 * else on the heap. Made before anything happens that the routines would
 * hear of, since making it may fail (STATUS_INSUFFICIENT_RESOURCES).
 */
typedef struct ps_unicode {
    UNICODE_STRING string;
    WCHAR space[260];
} ps_unicode;
NTSTATUS ps_unicode_init(ps_unicode *u, const char *utf8);
void ps_unicode_free(ps_unicode *u);

/* Returns the CreationStatus the routines left (a failure refuses the creation). */
NTSTATUS ps_notify_process_create(ntsim_system *sys, ps_process *p, ps_thread *creator, UNICODE_STRING *image,
                                  UNICODE_STRING *cmdline);
void ps_notify_process_exit(ntsim_system *sys, ps_process *p, ps_thread *last);
void ps_notify_thread_create(ntsim_system *sys, ps_thread *t, ps_thread *creator);
void ps_notify_thread_exit(ntsim_system *sys, ps_thread *t);
/* context: the thread whose process loads the image (System's for drivers);
   nt_path for the event, name (the same path) for the routines; partial: a
   view of part of the image (IMAGE_INFO.ImagePartialMap, Windows 10). */
void ps_notify_image_load(ntsim_system *sys, ULONG pid, const char *nt_path, UNICODE_STRING *name, ULONG_PTR base,
                          SIZE_T size, bool partial, ps_thread *context);
void ps_notify_unregister_driver(ntsim_system *sys, io_driver *driver);

#endif
