/*
 * test_io_objects.c - file objects as drivers hold them: a PFILE_OBJECT is
 * the body, its header before it, so ObReferenceObject and
 * ObDereferenceObject count its references and the last one closes it
 * (IRP_MJ_CLOSE reaches the device's driver).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ntsim/ntsim.h"
#include "ntsim/wdk.h"

static ntsim_system *sys;
static int creates, closes;

static NTSTATUS counting_dispatch(PDEVICE_OBJECT device, PIRP irp)
{
    (void)device;
    UCHAR major = IoGetCurrentIrpStackLocation(irp)->MajorFunction;
    creates += major == IRP_MJ_CREATE;
    closes += major == IRP_MJ_CLOSE;
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS counter_entry(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)reg;
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\Device\\Counter");
    PDEVICE_OBJECT device;
    NTSTATUS s = IoCreateDevice(d, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    d->MajorFunction[IRP_MJ_CREATE] = counting_dispatch;
    d->MajorFunction[IRP_MJ_CLOSE] = counting_dispatch;
    return s;
}

static struct {
    CSHORT type;
    bool device_matches;
    int closes_after_first_dereference, closes_after_last;
    NTSTATUS image_file; /* IoGetDeviceObjectPointer on a file of the volume */
} seen;

static NTSTATUS user_entry(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)d, (void)reg;
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\Device\\Counter");
    PFILE_OBJECT file;
    PDEVICE_OBJECT device;
    NTSTATUS s = IoGetDeviceObjectPointer(&name, FILE_READ_DATA, &file, &device);
    if (!NT_SUCCESS(s))
        return s;
    seen.type = file->Type;
    seen.device_matches = file->DeviceObject == device;
    UNICODE_STRING image = RTL_CONSTANT_STRING(u"\\SystemRoot\\System32\\ntdll.dll");
    PFILE_OBJECT image_object = NULL;
    PDEVICE_OBJECT volume = NULL;
    seen.image_file = IoGetDeviceObjectPointer(&image, FILE_READ_DATA, &image_object, &volume);
    ObReferenceObject(file);
    ObDereferenceObject(file);
    seen.closes_after_first_dereference = closes;
    ObDereferenceObject(file);
    seen.closes_after_last = closes;
    return STATUS_SUCCESS;
}

static int setup(void **state)
{
    (void)state;
    ntsim_config c;
    ntsim_config_default(&c);
    creates = closes = 0;
    memset(&seen, 0, sizeof seen);
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_SUCCESS);
    assert_int_equal(ntsim_load_driver(sys, "counter", counter_entry, NULL, 0), STATUS_SUCCESS);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ntsim_system_destroy(sys);
    return 0;
}

static void the_last_dereference_of_a_file_object_closes_it(void **state)
{
    (void)state;
    assert_int_equal(ntsim_load_driver(sys, "user", user_entry, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(seen.type, IO_TYPE_FILE);
    assert_true(seen.device_matches);
    assert_int_equal(seen.image_file, STATUS_NOT_SUPPORTED); /* no file system device behind the volume's files */
    assert_int_equal(creates, 1);
    assert_int_equal(seen.closes_after_first_dereference, 0); /* the extra reference went, the file stays */
    assert_int_equal(seen.closes_after_last, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_last_dereference_of_a_file_object_closes_it, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
