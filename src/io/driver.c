/*
 * driver.c - loading and unloading drivers (IopLoadDriver in miniature):
 * the image is mapped in system space and announced, DriverEntry runs in the
 * System process's context; a driver whose DriverEntry fails is not kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "ke/context.h"
#include "ps/notify.h"
#include "ps/ps.h"
#include "rtl/alloc.h"
#include "rtl/utf8.h"

#define DRIVER_IMAGE_SIZE 0x8000
#define SYSTEM_IMAGE_BASE 0xFFFFF80140000000ull /* where ntsim maps driver images (x64) */
#define SYSTEM_IMAGE_BASE_X86 0x82400000ull

/* The pool of the driver whose code runs (ex charges allocations to it). */
static ex_pool_owner *current_pool_owner(void)
{
    io_driver *d = ke_current_driver();
    return d ? &d->pool : NULL;
}

void io_initialize(ntsim_system *sys)
{
    ex_state(sys)->current_pool_owner = current_pool_owner;
    InitializeListHead(&io_state(sys)->files);
    io_state(sys)->next_image_base =
        ke_state(sys)->config.arch == NTSIM_ARCH_X64 ? SYSTEM_IMAGE_BASE : SYSTEM_IMAGE_BASE_X86;
}

static void free_driver(io_driver *d)
{
    void *module = d->module;
    for (ULONG i = 0; i < d->option_count; i++)
        rtl_free(d->options[i]);
    rtl_free(d->options);
    rtl_free(d->object.DriverName.Buffer);
    rtl_free(d->name);
    rtl_free(d);
    io_close_module(module); /* last: nothing of the driver's code runs any more */
}

/* Devices and links a driver left behind when it went away. */
static void delete_leftovers(ntsim_system *sys, io_driver *d)
{
    while (d->object.DeviceObject)
        IO_CALL(sys, d, IoDeleteDevice(d->object.DeviceObject));
}

/* At shutdown a driver's routines (notify routines, system threads) may
   still be referenced by the layers below: its module closes last. Its
   place in io->modules was made when it was loaded (reserve_module_room). */
static void keep_module(ntsim_system *sys, io_driver *d)
{
    io_system *io = io_state(sys);
    if (!d->module)
        return;
    io->modules[io->module_count++] = d->module;
    d->module = NULL;
}

/* Room in io->modules for every driver file loaded and one more, made
   before the load so that shutdown never needs memory to keep a module;
   false when the host is out of memory. */
static bool reserve_module_room(ntsim_system *sys)
{
    io_system *io = io_state(sys);
    size_t need = io->module_count + 1;
    for (io_driver *d = io->drivers; d; d = d->next)
        need += d->module != NULL;
    if (need <= io->module_cap)
        return true;
    size_t cap = io->module_cap ? io->module_cap * 2 : 4;
    while (cap < need)
        cap *= 2;
    void **grown = rtl_realloc(io->modules, cap * sizeof *grown);
    if (!grown)
        return false;
    io->modules = grown;
    io->module_cap = cap;
    return true;
}

void io_close_modules(ntsim_system *sys)
{
    io_system *io = io_state(sys);
    for (size_t i = 0; i < io->module_count; i++)
        io_close_module(io->modules[i]);
    rtl_free(io->modules);
    io->modules = NULL;
    io->module_count = io->module_cap = 0;
}

void io_shutdown(ntsim_system *sys)
{
    /* The outside clients' files close first, while every driver still
       stands: a close routine may call another driver (and wait for it). */
    for (io_driver *d = io_state(sys)->drivers; d; d = d->next) {
        io_file *client = d->client;
        d->client = NULL;
        if (client)
            ob_dereference(sys, &client->header);
    }
    io_driver *d = io_state(sys)->drivers;
    while (d) {
        io_driver *next = d->next;
        io_orphan_files(sys, d);
        ex_pool_report_and_free(sys, &d->pool);
        delete_leftovers(sys, d);
        keep_module(sys, d);
        free_driver(d);
        d = next;
    }
    io_state(sys)->drivers = NULL;
    while (io_state(sys)->links) {
        io_symlink *l = io_state(sys)->links;
        io_state(sys)->links = l->next;
        rtl_free(l->link.Buffer);
        rtl_free(l->target.Buffer);
        rtl_free(l);
    }
}

/*
 * A system thread still in the driver's code when it goes (its unload gave up
 * waiting for it, say, at the nested-wait horizon) would run that code, and
 * use the driver's state, after they are freed: Windows stops with a bug
 * check (DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS) when it does.
 * ntsim ends each such thread first, and says so.
 */
static void end_driver_threads(ntsim_system *sys, io_driver *d)
{
    ps_thread *t;
    while ((t = ps_driver_thread(sys, d)) != NULL) {
        KE_CALL_AS(sys, NULL, NULL,
                   DbgPrint("ntsim: %s unloaded while its thread %lu still ran: the thread is ended", d->name,
                            (unsigned long)t->tid));
        ps_abandon_thread_code(sys, t, STATUS_UNSUCCESSFUL);
    }
}

/* A driver going away: its notify routines, threads, devices and links, and pool (reported) go with it. */
static void forget_driver(ntsim_system *sys, io_driver *d)
{
    ps_notify_unregister_driver(sys, d);
    end_driver_threads(sys, d);
    d->unloading = false;
    while (d->deleted) { /* no thread waits in them any more */
        PDEVICE_OBJECT dev = d->deleted;
        d->deleted = dev->NextDevice;
        io_free_device(dev);
    }
    delete_leftovers(sys, d);
    ex_pool_report_and_free(sys, &d->pool);
    free_driver(d);
}

static io_driver *find_driver(ntsim_system *sys, const char *name, io_driver ***link)
{
    io_driver **p = &io_state(sys)->drivers;
    for (; *p; p = &(*p)->next) {
        if (strcmp((*p)->name, name) == 0) {
            if (link)
                *link = p;
            return *p;
        }
    }
    if (link)
        *link = p;
    return NULL;
}

/* A counted UTF-16 copy of s, or NULL when out of memory. */
static PWSTR widen(const char *s, USHORT *bytes)
{
    size_t n = strlen(s);
    PWSTR w = rtl_calloc(n + 1, sizeof *w);
    if (w)
        *bytes = (USHORT)(rtl_utf8_to_utf16(s, n, w) * sizeof *w);
    return w;
}

static char *copy_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = rtl_malloc(n);
    return c ? memcpy(c, s, n) : NULL;
}

/* The driver's own copies of its name and options; false when out of memory. */
static bool copy_identity(io_driver *d, const char *name, const char *const *options, ULONG option_count)
{
    d->object.Internal = d;
    d->name = copy_text(name);
    d->options = rtl_calloc(option_count ? option_count : 1, sizeof *d->options);
    if (!d->name || !d->options)
        return false;
    ex_pool_owner_init(&d->pool, d->name);
    for (; d->option_count < option_count; d->option_count++)
        if (!(d->options[d->option_count] = copy_text(options[d->option_count])))
            return false;
    char path[256];
    snprintf(path, sizeof path, "\\Driver\\%s", name);
    d->object.DriverName.Buffer = widen(path, &d->object.DriverName.Length);
    d->object.DriverName.MaximumLength = d->object.DriverName.Length;
    return d->object.DriverName.Buffer != NULL;
}

bool io_driver_loaded(ntsim_system *sys, const char *name)
{
    return find_driver(sys, name, NULL) != NULL;
}

NTSTATUS ntsim_load_driver(ntsim_system *sys, const char *name, ntsim_driver_entry entry, const char *const *options,
                           ULONG option_count)
{
    return io_load_driver(sys, name, entry, options, option_count, NULL, NULL);
}

bool io_driver_file_loaded(ntsim_system *sys, const uint64_t file_id[2])
{
    for (io_driver *d = io_state(sys)->drivers; d; d = d->next)
        if (d->module && d->file_id[0] == file_id[0] && d->file_id[1] == file_id[1])
            return true;
    return false;
}

/* Its globals are one copy: a second DriverEntry under another name would
   take them over (and its failure free them) under the first. */
static bool entry_loaded(ntsim_system *sys, ntsim_driver_entry entry)
{
    for (io_driver *d = io_state(sys)->drivers; d; d = d->next)
        if (d->entry == entry)
            return true;
    return false;
}

NTSTATUS io_load_driver(ntsim_system *sys, const char *name, ntsim_driver_entry entry, const char *const *options,
                        ULONG option_count, void *module, const uint64_t file_id[2])
{
    io_driver **tail;
    if (!name || !entry)
        return STATUS_INVALID_PARAMETER;
    if (find_driver(sys, name, &tail) || entry_loaded(sys, entry))
        return STATUS_IMAGE_ALREADY_LOADED;
    if (module && !reserve_module_room(sys))
        return STATUS_INSUFFICIENT_RESOURCES;
    io_driver *d = rtl_calloc(1, sizeof *d);
    if (!d)
        return STATUS_INSUFFICIENT_RESOURCES;
    d->sequence = ++io_state(sys)->object_sequence;
    UNICODE_STRING registry = { 0 };
    char key[256];
    snprintf(key, sizeof key, "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\%s", name);
    if (!copy_identity(d, name, options, option_count) || !(registry.Buffer = widen(key, &registry.Length))) {
        free_driver(d);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    registry.MaximumLength = registry.Length;
    char path[256];
    snprintf(path, sizeof path, "\\SystemRoot\\System32\\drivers\\%s.sys", name);
    ps_unicode unicode;
    NTSTATUS s = ps_unicode_init(&unicode, path);
    if (!NT_SUCCESS(s)) {
        rtl_free(registry.Buffer);
        free_driver(d); /* before the module is the driver's: the caller's still */
        return s;
    }
    d->module = module;
    d->entry = entry;
    if (file_id)
        memcpy(d->file_id, file_id, sizeof d->file_id);

    /* The image goes into system space: announced with PID 0. */
    d->image_base = io_state(sys)->next_image_base;
    d->image_size = DRIVER_IMAGE_SIZE;
    io_state(sys)->next_image_base += 0x10000;
    ps_thread *system_thread = ps_system_thread(sys);
    ps_notify_image_load(sys, 0, path, &unicode.string, d->image_base, d->image_size, false, system_thread);
    ps_unicode_free(&unicode);

    /* DriverEntry runs on a System thread. */
    ke_thread *saved = ke_switch_thread(sys, ke_state(sys)->system_thread);
    IO_CALL_ROUTINE(sys, d, "DriverEntry", s = entry(&d->object, &registry));
    ke_switch_back(sys, saved);
    rtl_free(registry.Buffer);
    if (!NT_SUCCESS(s)) {
        /* Not kept: what it registered or allocated is its own bug, reported and undone. */
        io_orphan_files(sys, d);
        d->module = NULL; /* the caller's again */
        forget_driver(sys, d);
        return s;
    }
    *tail = d;
    return s;
}

NTSTATUS ntsim_unload_driver(ntsim_system *sys, const char *name)
{
    io_driver **link;
    io_driver *d = find_driver(sys, name, &link);
    if (!d)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (!d->object.DriverUnload)
        return STATUS_INVALID_DEVICE_REQUEST; /* a driver without Unload cannot be stopped */
    /* The outside client closes its handle first; files still open elsewhere lose their device. */
    if (d->client) {
        /* Held: the close may end the current thread (Melody's Stop), as in ntsim_device_close. */
        ke_thread *held = ke_switch_thread(sys, ke_state(sys)->current_thread);
        ob_dereference(sys, &d->client->header);
        d->client = NULL;
        ke_switch_back(sys, held);
    }
    io_orphan_files(sys, d);
    /* Held: the unload may end the thread that was current (a driver's own system thread). */
    ke_thread *saved = ke_switch_thread(sys, ke_state(sys)->system_thread);
    d->unloading = true;
    IO_CALL_ROUTINE(sys, d, "DriverUnload", d->object.DriverUnload(&d->object));
    ke_switch_back(sys, saved);
    *link = d->next;
    forget_driver(sys, d);
    return STATUS_SUCCESS;
}

NTSTATUS IoQueryDriverOption(PDRIVER_OBJECT DriverObject, const char *Name, const char **Value)
{
    io_driver *d = DriverObject->Internal;
    size_t n = strlen(Name);
    for (ULONG i = 0; i < d->option_count; i++) {
        if (strncmp(d->options[i], Name, n) == 0 && d->options[i][n] == '=') {
            *Value = d->options[i] + n + 1;
            return STATUS_SUCCESS;
        }
    }
    *Value = NULL;
    return STATUS_OBJECT_NAME_NOT_FOUND;
}
