/*
 * file.c - file objects: what CreateFile on a device gives, and the I/O a
 * handle to one carries (IopCreateFile, NtReadFile, NtWriteFile,
 * NtDeviceIoControlFile, and the cleanup and close requests when the last
 * handle and the last reference go).
 */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "ke/context.h"
#include "ob/handles.h"
#include "ps/ps.h"
#include "ke/ke.h"
#include "rtl/alloc.h"
#include "rtl/utf8.h"

PDEVICE_OBJECT io_open_device(ntsim_system *sys, const char *link);
PDEVICE_OBJECT io_open_device_w(ntsim_system *sys, PCUNICODE_STRING name);

static void file_close(ntsim_system *sys, ob_header *h, uint32_t handles_left);
static void file_delete(ntsim_system *sys, ob_header *h);

/* A file is named by its device, as handle tools show it. */
static void file_describe(const ob_header *h, NTSIM_HANDLE_INFO *info, char *name, size_t size)
{
    const io_file *f = (const io_file *)h;
    info->type = NTSIM_OBJECT_FILE;
    if (f->image_path && size) {
        strncpy(name, f->image_path, size - 1);
        name[size - 1] = '\0';
    } else if (f->object.DeviceObject) {
        const UNICODE_STRING *n = &f->object.DeviceObject->Name;
        rtl_utf16_to_utf8(n->Buffer, n->Length / sizeof(WCHAR), name, size);
    }
    info->object_name = name;
}

const ob_type io_file_type = {
    .name = "File",
    .index = 37,
    .mapping = { .read = FILE_GENERIC_READ, .write = FILE_GENERIC_WRITE,
                 .execute = READ_CONTROL | SYNCHRONIZE | FILE_EXECUTE | FILE_READ_ATTRIBUTES, .all = FILE_ALL_ACCESS },
    .delete_procedure = file_delete,
    .close_procedure = file_close,
    .describe = file_describe,
    .body_offset = sizeof(ob_header),
};
_Static_assert(offsetof(io_file, object) == sizeof(ob_header), "a FILE_OBJECT follows its header");

static POBJECT_TYPE file_type = &io_file_type;
POBJECT_TYPE *IoFileObjectType = &file_type;

/* The device a file was opened on, if its driver is still loaded. */
static PDEVICE_OBJECT device_of(io_file *f)
{
    return f->driver ? f->object.DeviceObject : NULL;
}

static void file_close(ntsim_system *sys, ob_header *h, uint32_t handles_left)
{
    io_file *f = (io_file *)h;
    ULONG_PTR info;
    if (handles_left == 0 && device_of(f))
        io_send(sys, device_of(f), &f->object, IRP_MJ_CLEANUP, 0, NULL, 0, NULL, 0, &info);
}

static void file_delete(ntsim_system *sys, ob_header *h)
{
    io_file *f = (io_file *)h;
    ULONG_PTR info;
    if (device_of(f))
        io_send(sys, device_of(f), &f->object, IRP_MJ_CLOSE, 0, NULL, 0, NULL, 0, &info);
    RemoveEntryList(&f->links);
    rtl_free(f->image_path);
    rtl_free(f);
}

void io_orphan_files(ntsim_system *sys, io_driver *d)
{
    /* The driver goes away: its open files stay, pointing at nothing. */
    LIST_ENTRY *files = &io_state(sys)->files;
    for (LIST_ENTRY *e = files->Flink; e != files; e = e->Flink) {
        io_file *f = CONTAINING_RECORD(e, io_file, links);
        if (f->driver == d) {
            f->driver = NULL;
            f->object.DeviceObject = NULL;
        }
    }
}

void io_free_files(ntsim_system *sys)
{
    LIST_ENTRY *files = &io_state(sys)->files;
    while (!IsListEmpty(files)) {
        io_file *f = CONTAINING_RECORD(RemoveHeadList(files), io_file, links);
        rtl_free(f->image_path);
        rtl_free(f);
    }
}

NTSTATUS io_create_file(ntsim_system *sys, PCUNICODE_STRING name, ACCESS_MASK access, io_file **out)
{
    *out = NULL;
    PDEVICE_OBJECT dev = io_open_device_w(sys, name);
    if (!dev)
        return io_open_image_file(sys, name, access, out);
    io_file *f = rtl_calloc(1, sizeof *f);
    if (!f)
        return STATUS_INSUFFICIENT_RESOURCES;
    ob_initialize_header(&f->header, &io_file_type, NonWaitableObject);
    f->object.Type = IO_TYPE_FILE;
    f->object.Size = sizeof f->object;
    f->object.DeviceObject = dev;
    f->driver = dev->DriverObject->Internal;
    f->access = access;
    f->sequence = ++io_state(sys)->object_sequence;
    InsertHeadList(&io_state(sys)->files, &f->links);
    ULONG_PTR info;
    NTSTATUS s = io_send(sys, dev, &f->object, IRP_MJ_CREATE, 0, NULL, 0, NULL, 0, &info);
    if (!NT_SUCCESS(s)) {
        f->object.DeviceObject = NULL; /* refused: no close request follows */
        ob_dereference(sys, &f->header);
        return s;
    }
    *out = f;
    return STATUS_SUCCESS;
}

NTSTATUS io_file_request(ntsim_system *sys, HANDLE handle, UCHAR major, ULONG code, const void *in, ULONG in_len,
                         void *out, ULONG out_len, ULONG_PTR *information)
{
    ob_header *o;
    ACCESS_MASK need = 0;
    *information = 0;
    if (major == IRP_MJ_READ)
        need = FILE_READ_DATA;
    else if (major == IRP_MJ_WRITE)
        need = FILE_WRITE_DATA;
    else if (major == IRP_MJ_DEVICE_CONTROL)
        need = (code >> 14 & FILE_READ_ACCESS ? FILE_READ_DATA : 0) | (code >> 14 & FILE_WRITE_ACCESS ? FILE_WRITE_DATA : 0);
    NTSTATUS s = ob_reference_by_handle(sys, handle, need, &io_file_type, &o, NULL);
    if (!NT_SUCCESS(s))
        return s;
    io_file *f = (io_file *)o;
    PDEVICE_OBJECT dev = device_of(f);
    if (f->image_path) /* a file of the volume: its contents are not modelled */
        s = STATUS_NOT_SUPPORTED;
    else
        s = dev ? io_send(sys, dev, &f->object, major, code, in, in_len, out, out_len, information)
                : STATUS_INVALID_DEVICE_STATE;
    ob_dereference(sys, o);
    return s;
}

/* ---- the outside client: the driver's user-mode program, not simulated --- */

static NTSTATUS outside_file(ntsim_system *sys, const char *link, io_file **out)
{
    PDEVICE_OBJECT dev = io_open_device(sys, link);
    if (!dev)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    io_driver *d = dev->DriverObject->Internal;
    if (!d->client) {
        /* io_open_device found it, so the name is under 256 bytes: as many UTF-16 units at most. */
        WCHAR w[256];
        size_t n = rtl_utf8_to_utf16(link, strlen(link), w);
        UNICODE_STRING name = { (USHORT)(n * 2), (USHORT)(n * 2), w };
        NTSTATUS s = io_create_file(sys, &name, FILE_GENERIC_READ | FILE_GENERIC_WRITE, &d->client);
        if (!NT_SUCCESS(s))
            return s;
    }
    *out = d->client;
    return STATUS_SUCCESS;
}

NTSTATUS ntsim_device_open(ntsim_system *sys, const char *link)
{
    io_file *f;
    return outside_file(sys, link, &f);
}

NTSTATUS ntsim_device_read(ntsim_system *sys, const char *link, void *buffer, ULONG length, ULONG *bytes)
{
    io_file *f;
    ULONG_PTR info = 0;
    NTSTATUS s = outside_file(sys, link, &f);
    if (NT_SUCCESS(s))
        s = io_send(sys, f->object.DeviceObject, &f->object, IRP_MJ_READ, 0, NULL, 0, buffer, length, &info);
    *bytes = (ULONG)info;
    return s;
}

NTSTATUS ntsim_device_control(ntsim_system *sys, const char *link, ULONG code, const void *in, ULONG in_length,
                              void *out, ULONG out_length, ULONG *bytes)
{
    io_file *f;
    ULONG_PTR info = 0;
    NTSTATUS s = outside_file(sys, link, &f);
    if (NT_SUCCESS(s))
        s = io_send(sys, f->object.DeviceObject, &f->object, IRP_MJ_DEVICE_CONTROL, code, in, in_length, out,
                    out_length, &info);
    *bytes = (ULONG)info;
    ke_run_fibers(sys);
    return s;
}

NTSTATUS ntsim_device_close(ntsim_system *sys, const char *link)
{
    PDEVICE_OBJECT dev = io_open_device(sys, link);
    if (!dev)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    io_driver *d = dev->DriverObject->Internal;
    if (!d->client)
        return STATUS_INVALID_HANDLE;
    io_file *f = d->client;
    d->client = NULL;
    /* Held: the close may end the thread that is current (Melody's Stop ends
       its playback thread); it then falls back to the System thread, as an
       unload's does. */
    ke_thread *saved = ke_switch_thread(sys, ke_state(sys)->current_thread);
    /* Its one handle goes (cleanup), then its last reference (close). */
    ULONG_PTR info;
    io_send(sys, dev, &f->object, IRP_MJ_CLEANUP, 0, NULL, 0, NULL, 0, &info);
    ob_dereference(sys, &f->header);
    ke_run_fibers(sys);
    ke_switch_back(sys, saved);
    return STATUS_SUCCESS;
}

void ntsim_run_threads(ntsim_system *sys)
{
    ke_run_fibers(sys);
}

NTSTATUS ntsim_device_write(ntsim_system *sys, const char *link, const void *buffer, ULONG length, ULONG *bytes)
{
    io_file *f;
    ULONG_PTR info = 0;
    NTSTATUS s = outside_file(sys, link, &f);
    if (NT_SUCCESS(s))
        s = io_send(sys, f->object.DeviceObject, &f->object, IRP_MJ_WRITE, 0, buffer, length, NULL, 0, &info);
    *bytes = (ULONG)info;
    return s;
}
