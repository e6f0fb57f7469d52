/*
 * io.h - the I/O manager's private view: loaded drivers, their devices and
 * symbolic links, the pool they hold, and requests (IRPs) sent to them.
 */
#ifndef NTSIM_IO_IO_H
#define NTSIM_IO_IO_H

#include "ntsim/io.h"
#include "ntsim/wdk.h"

typedef struct io_driver io_driver;

typedef struct ex_pool_block ex_pool_block;

struct io_driver {
    DRIVER_OBJECT object;
    char *name;
    char **options;           /* name=value pairs from `driver load` */
    ULONG option_count;
    ULONG_PTR image_base;
    SIZE_T image_size;
    ex_pool_block *pool_first, *pool_last; /* its allocations, oldest first */
    ULONG pool_blocks;
    bool client_open;         /* its device has been opened by the client */
    struct io_driver *next;
};

typedef struct io_symlink {
    UNICODE_STRING link;
    UNICODE_STRING target;
    struct io_symlink *next;
} io_symlink;

typedef struct io_manager {
    io_driver *drivers;       /* loaded, in load order */
    io_symlink *links;
    ex_pool_block *kernel_first, *kernel_last; /* pool of no driver */
    ULONG_PTR next_image_base; /* where the next driver image maps */
} io_manager;

void io_initialize(ntsim_system *sys);
/* Unloads nothing: reports and frees what every driver still holds. */
void io_shutdown(ntsim_system *sys);

/* Pool bookkeeping (src/ex/pool.c). */
void ex_pool_report_and_free(ntsim_system *sys, io_driver *driver);

/* Calls a driver routine with the driver's context made current. */
#define IO_CALL(sys, drv, expr)                         \
    do {                                                \
        ke_context saved_ = ke_enter((sys), (drv));     \
        expr;                                           \
        ke_leave(saved_);                               \
    } while (0)

#endif
