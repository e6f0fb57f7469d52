/*
 * io.h - the I/O manager's private view: loaded drivers, their devices and
 * symbolic links, the pool they hold, and requests (IRPs) sent to them.
 */
#ifndef NTSIM_IO_IO_H
#define NTSIM_IO_IO_H

#include "ntsim/io.h"
#include "ntsim/wdk.h"
#include "ke/context.h"
#include "ps/ps.h"

typedef struct io_driver io_driver;
typedef struct io_file io_file;

struct io_driver {
    DRIVER_OBJECT object;
    char *name;
    char **options;           /* name=value pairs from `driver load` */
    ULONG option_count;
    ULONG_PTR image_base;
    SIZE_T image_size;
    ex_pool_owner pool;       /* its allocations, reported if it unloads holding them */
    io_file *client;          /* the outside client's open file (ntsim_device_read/write) */
    void *module;             /* a driver from a file: its dlopen handle, closed after it is gone */
    uint64_t file_id[2];      /* ... and its file (device, inode): one image loads once */
    ntsim_driver_entry entry; /* its code: one image loads once, under one name */
    uint64_t sequence;        /* creation order among the I/O manager's objects (io_system.object_sequence) */
    /* While its unload runs, the devices it deletes wait here, freed once its
       last threads are ended: a thread still waiting may wait on an object in
       a device extension (Windows keeps a deleted device while referenced). */
    bool unloading;
    PDEVICE_OBJECT deleted;
    struct io_driver *next;
};

#include "ob/object.h"

/* A file object: an open device. */
struct io_file {
    ob_header header;
    FILE_OBJECT object;
    io_driver *driver;        /* NULL once the driver unloaded */
    ACCESS_MASK access;
    LIST_ENTRY links;         /* every file object of the system */
    uint64_t sequence;        /* creation order (io_system.object_sequence) */
    char *image_path;         /* a file of the system volume: its NT path (heap); NULL for a device's */
    mm_image_info image;      /* ... and the image it holds */
};

/* Opens the image file a name gives on the system volume (image_file.c):
 * \??\C:\..., \DosDevices\C:\..., \GLOBAL??\C:\..., \SystemRoot\... or
 * \Device\HarddiskVolume3\...; STATUS_OBJECT_NAME_NOT_FOUND when the volume has no
 * such image, STATUS_ACCESS_DENIED for a write (the volume is read-only). */
NTSTATUS io_open_image_file(ntsim_system *sys, PCUNICODE_STRING name, ACCESS_MASK access, io_file **out);

extern const ob_type io_file_type;

/* A deleted device's memory, its extension's with it (device.c). */
void io_free_device(PDEVICE_OBJECT DeviceObject);

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

/* Loads a driver whose code is entry; module (a dlopen handle or NULL) goes
   with the driver when it is kept and is left to the caller when it is not. */
NTSTATUS io_load_driver(ntsim_system *sys, const char *name, ntsim_driver_entry entry, const char *const *options,
                        ULONG option_count, void *module, const uint64_t file_id[2]);
/* Whether a driver of that name is loaded. */
bool io_driver_loaded(ntsim_system *sys, const char *name);
/* Whether a driver from the file with this (device, inode) is loaded. */
bool io_driver_file_loaded(ntsim_system *sys, const uint64_t file_id[2]);
/* Closes the modules io_shutdown kept: the system's very last step. */
void io_close_modules(ntsim_system *sys);
/* Closes a driver file's module (src/io/driver_module.c): after its code can no longer run. */
void io_close_module(void *module);

#define IO_TRACKED_IRPS 64

typedef struct io_symlink {
    UNICODE_STRING link;
    UNICODE_STRING target;
    struct io_symlink *next;
} io_symlink;

/* The I/O manager's part of the system (nested as ob_system explains). */
typedef struct io_system {
    ps_system ps;              /* first: the layer below */
    io_driver *drivers;        /* loaded, in load order */
    io_symlink *links;
    ULONG_PTR next_image_base; /* where the next driver image maps */
    LIST_ENTRY files;          /* every file object */
    void **modules;            /* driver files' modules left at shutdown, closed last */
    size_t module_count, module_cap; /* module_cap: room reserved at each load (driver.c) */
    ULONG64 irp_sequence;      /* the last request's number, for traces of its dispatch and completion */
    uint64_t object_sequence;  /* drivers and file objects created so far */
    /* Requests in flight: being dispatched, or built and not yet finished
       (a debugger's !irpfind). Beyond IO_TRACKED_IRPS they go untracked. */
    PIRP tracked_irps[IO_TRACKED_IRPS];
    ULONG tracked_irp_tids[IO_TRACKED_IRPS]; /* the thread that sent each (current when it was tracked) */
    ULONG tracked_irp_count;
} io_system;

static inline io_system *io_state(ntsim_system *sys)
{
    return (io_system *)(void *)sys;
}

void io_initialize(ntsim_system *sys);
/* The requests in flight, oldest first: up to cap into out; returns how many there are. */
ULONG io_active_irps(ntsim_system *sys, PIRP *out, ULONG *tids, ULONG cap);
/* Unloads nothing: reports and frees what every driver still holds. */
void io_shutdown(ntsim_system *sys);


/* Calls a driver routine with the driver's context made current. */
#define IO_CALL(sys, drv, expr) KE_CALL_AS((sys), (drv), (drv) ? (drv)->name : NULL, expr)
/* IO_CALL of one of the driver's routines, traced under its name (NTSIM_TRACE_CALLS). */
#define IO_CALL_ROUTINE(sys, drv, routine, expr) \
    KE_CALL_ROUTINE((sys), (drv), (drv) ? (drv)->name : NULL, (routine), expr)

#endif
