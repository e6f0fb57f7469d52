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
typedef struct io_file io_file;

struct io_driver {
    DRIVER_OBJECT object;
    char *name;
    char **options;           /* name=value pairs from `driver load` */
    ULONG option_count;
    ULONG_PTR image_base;
    SIZE_T image_size;
    ex_pool_block *pool_first, *pool_last; /* its allocations, oldest first */
    ULONG pool_blocks;
    io_file *client;          /* the outside client's open file (ntsim_device_read/write) */
    struct io_driver *next;
};

#include "ob/object.h"

/* A file object: an open device. */
struct io_file {
    ob_header header;
    FILE_OBJECT object;
    io_driver *driver;        /* NULL once the driver unloaded */
    ACCESS_MASK access;
    io_file *prev, *next;     /* every file object of the system */
};

extern const ob_type io_file_type;

/* One request to a device (src/io/request.c). */
NTSTATUS io_send(ntsim_system *sys, PDEVICE_OBJECT dev, PFILE_OBJECT file, UCHAR major, ULONG code, const void *in,
                 ULONG in_len, void *out, ULONG out_len, ULONG_PTR *information);
/* Opens a device by name (\Device\X or a symbolic link); IRP_MJ_CREATE runs. Referenced. */
NTSTATUS io_create_file(ntsim_system *sys, PCUNICODE_STRING name, ACCESS_MASK access, io_file **out);
/* A request through a handle of the current process, with its access checked. */
NTSTATUS io_file_request(ntsim_system *sys, HANDLE handle, UCHAR major, ULONG code, const void *in, ULONG in_len,
                         void *out, ULONG out_len, ULONG_PTR *information);
/* The driver is going: its files lose their device. */
void io_orphan_files(ntsim_system *sys, io_driver *d);
/* Teardown: every file object freed whatever its counts. */
void io_free_files(ntsim_system *sys);

typedef struct io_symlink {
    UNICODE_STRING link;
    UNICODE_STRING target;
    struct io_symlink *next;
} io_symlink;

typedef struct io_manager {
    io_driver *drivers;       /* loaded, in load order */
    io_symlink *links;
    ex_pool_block *kernel_first, *kernel_last; /* pool of no driver */
    ex_pool_block *lookaside[32];  /* freed small blocks by 16-byte size class (src/ex/pool.c) */
    uint16_t lookaside_depth[32];
    ULONG_PTR next_image_base; /* where the next driver image maps */
    io_file *files;            /* every file object */
} io_manager;

void io_initialize(ntsim_system *sys);
/* Unloads nothing: reports and frees what every driver still holds. */
void io_shutdown(ntsim_system *sys);

/* Pool bookkeeping (src/ex/pool.c). */
void ex_pool_report_and_free(ntsim_system *sys, io_driver *driver);
/* Teardown: returns the lookaside lists' blocks to the host. */
void ex_pool_free_lookaside(ntsim_system *sys);

/* Calls a driver routine with the driver's context made current. */
#define IO_CALL(sys, drv, expr)                         \
    do {                                                \
        ke_context saved_ = ke_enter((sys), (drv));     \
        expr;                                           \
        ke_leave(saved_);                               \
    } while (0)

#endif
