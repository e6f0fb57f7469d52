/* device.c - device objects and the symbolic links user mode opens them by. */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "ke/context.h"
#include "rtl/alloc.h"
#include "rtl/utf8.h"

/* dst: a terminated copy of src (NULL: empty); false when the host is out. */
static bool copy_string(UNICODE_STRING *dst, PCUNICODE_STRING src)
{
    dst->Length = src ? src->Length : 0;
    dst->MaximumLength = dst->Length;
    dst->Buffer = rtl_calloc(1, dst->Length + sizeof(WCHAR));
    if (!dst->Buffer)
        return false;
    if (src && src->Length)
        memcpy(dst->Buffer, src->Buffer, src->Length);
    return true;
}

/* A device by its name (\Device\X), in every loaded driver. */
static PDEVICE_OBJECT find_device(ntsim_system *sys, PCUNICODE_STRING name)
{
    for (io_driver *d = io_state(sys)->drivers; d; d = d->next)
        for (PDEVICE_OBJECT dev = d->object.DeviceObject; dev; dev = dev->NextDevice)
            if (RtlEqualUnicodeString(&dev->Name, name, TRUE))
                return dev;
    return NULL;
}

NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize, PUNICODE_STRING DeviceName,
                        ULONG DeviceType, ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                        PDEVICE_OBJECT *DeviceObject)
{
    ntsim_system *sys = ke_current_system("IoCreateDevice");
    (void)DeviceCharacteristics;
    (void)Exclusive;
    *DeviceObject = NULL;
    if (DeviceName && find_device(sys, DeviceName))
        return STATUS_OBJECT_NAME_COLLISION;
    /* The driver being loaded is not yet in the list: look at its own devices too. */
    for (PDEVICE_OBJECT dev = DriverObject->DeviceObject; DeviceName && dev; dev = dev->NextDevice)
        if (RtlEqualUnicodeString(&dev->Name, DeviceName, TRUE))
            return STATUS_OBJECT_NAME_COLLISION;
    PDEVICE_OBJECT dev = rtl_calloc(1, sizeof *dev);
    if (!dev)
        return STATUS_INSUFFICIENT_RESOURCES;
    if ((DeviceExtensionSize && !(dev->DeviceExtension = rtl_calloc(1, DeviceExtensionSize))) ||
        !copy_string(&dev->Name, DeviceName)) {
        rtl_free(dev->DeviceExtension);
        rtl_free(dev);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    dev->DriverObject = DriverObject;
    dev->DeviceType = DeviceType;
    /* New devices go to the head of the driver's list, as on Windows. */
    dev->NextDevice = DriverObject->DeviceObject;
    DriverObject->DeviceObject = dev;
    *DeviceObject = dev;
    return STATUS_SUCCESS;
}

void IoDeleteDevice(PDEVICE_OBJECT DeviceObject)
{
    PDRIVER_OBJECT drv = DeviceObject->DriverObject;
    for (PDEVICE_OBJECT *p = &drv->DeviceObject; *p; p = &(*p)->NextDevice) {
        if (*p == DeviceObject) {
            *p = DeviceObject->NextDevice;
            break;
        }
    }
    io_driver *d = drv->Internal;
    if (d && d->unloading) {
        DeviceObject->NextDevice = d->deleted;
        d->deleted = DeviceObject;
        return;
    }
    io_free_device(DeviceObject);
}

void io_free_device(PDEVICE_OBJECT DeviceObject)
{
    rtl_free(DeviceObject->Name.Buffer);
    rtl_free(DeviceObject->DeviceExtension);
    rtl_free(DeviceObject);
}

NTSTATUS IoCreateSymbolicLink(PUNICODE_STRING SymbolicLinkName, PUNICODE_STRING DeviceName)
{
    ntsim_system *sys = ke_current_system("IoCreateSymbolicLink");
    for (io_symlink *l = io_state(sys)->links; l; l = l->next)
        if (RtlEqualUnicodeString(&l->link, SymbolicLinkName, TRUE))
            return STATUS_OBJECT_NAME_COLLISION;
    io_symlink *l = rtl_calloc(1, sizeof *l);
    if (!l)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (!copy_string(&l->link, SymbolicLinkName) || !copy_string(&l->target, DeviceName)) {
        rtl_free(l->link.Buffer);
        rtl_free(l);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    l->next = io_state(sys)->links;
    io_state(sys)->links = l;
    return STATUS_SUCCESS;
}

NTSTATUS IoDeleteSymbolicLink(PUNICODE_STRING SymbolicLinkName)
{
    ntsim_system *sys = ke_current_system("IoDeleteSymbolicLink");
    for (io_symlink **p = &io_state(sys)->links; *p; p = &(*p)->next) {
        if (RtlEqualUnicodeString(&(*p)->link, SymbolicLinkName, TRUE)) {
            io_symlink *l = *p;
            *p = l->next;
            rtl_free(l->link.Buffer);
            rtl_free(l->target.Buffer);
            rtl_free(l);
            return STATUS_SUCCESS;
        }
    }
    return STATUS_OBJECT_NAME_NOT_FOUND;
}

PDEVICE_OBJECT io_open_device_w(ntsim_system *sys, PCUNICODE_STRING name)
{
    for (io_symlink *l = io_state(sys)->links; l; l = l->next)
        if (RtlEqualUnicodeString(&l->link, name, TRUE))
            return find_device(sys, &l->target);
    return find_device(sys, name); /* a device may be opened by its own name too */
}

PDEVICE_OBJECT io_open_device(ntsim_system *sys, const char *link)
{
    WCHAR w[256];
    size_t n = strlen(link);
    if (n >= 256)
        return NULL;
    n = rtl_utf8_to_utf16(link, n, w);
    UNICODE_STRING name = { (USHORT)(n * sizeof(WCHAR)), (USHORT)(n * sizeof(WCHAR)), w };
    return io_open_device_w(sys, &name);
}
