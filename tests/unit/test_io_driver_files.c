/*
 * test_io_driver_files.c - ntsim_load_driver_file: drivers from module files
 * (tests/drivers/), loaded side by side, and every bad input with its own
 * status and nothing loaded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ntsim/ntsim.h"

#define DRIVER(file) NTSIM_TEST_DRIVER_DIR file

static ntsim_system *boot(void)
{
    ntsim_config c;
    ntsim_config_default(&c);
    ntsim_system *sys;
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_SUCCESS);
    return sys;
}

static void loads_and_unloads(void **state)
{
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("first.so"), NULL, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(ntsim_unload_driver(sys, "first"), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void two_modules_with_one_entry_name_load_side_by_side(void **state)
{
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("first.so"), NULL, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("second.so"), NULL, NULL, 0), STATUS_SUCCESS);
    ntsim_system_destroy(sys); /* loaded drivers, their modules closed last */
}

static void one_file_loads_once(void **state)
{
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("second.so"), NULL, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("second.so"), "again", NULL, 0), STATUS_IMAGE_ALREADY_LOADED);
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("../drivers/second.so"), "again", NULL, 0),
                     STATUS_IMAGE_ALREADY_LOADED);
    assert_int_equal(ntsim_unload_driver(sys, "again"), STATUS_OBJECT_NAME_NOT_FOUND);
    ntsim_system_destroy(sys);
}

/* plain.so is first.c built without the tree's flags (no sanitizers in the
   ASan build): it loads into any ntsim; another file, so first.so's device
   name is taken while first is loaded (its DriverEntry's status is the load's). */
static void plain_module_loads(void **state)
{
    ntsim_system *sys = boot();
    const char *options[] = { "greeting=plain" };
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("plain.so"), NULL, options, 1), STATUS_SUCCESS);
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("first.so"), NULL, NULL, 0), STATUS_OBJECT_NAME_COLLISION);
    assert_int_equal(ntsim_unload_driver(sys, "plain"), STATUS_SUCCESS);
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("first.so"), NULL, NULL, 0), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void one_name_loads_once(void **state)
{
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("first.so"), "x", NULL, 0), STATUS_SUCCESS);
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("second.so"), "x", NULL, 0), STATUS_IMAGE_ALREADY_LOADED);
    ntsim_system_destroy(sys);
}

static void missing_file_is_name_not_found(void **state)
{
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("missing.so"), NULL, NULL, 0), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(ntsim_load_driver_file(sys, "missing.so", NULL, NULL, 0), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(ntsim_unload_driver(sys, "missing"), STATUS_OBJECT_NAME_NOT_FOUND);
    ntsim_system_destroy(sys);
}

static void missing_folder_is_path_not_found(void **state)
{
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("nowhere/first.so"), NULL, NULL, 0),
                     STATUS_OBJECT_PATH_NOT_FOUND);
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("first.so/x.so"), NULL, NULL, 0),
                     STATUS_OBJECT_PATH_NOT_FOUND);
    ntsim_system_destroy(sys);
}

static void not_a_module_is_invalid_image_format(void **state)
{
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("not-a-module.so"), NULL, NULL, 0),
                     STATUS_INVALID_IMAGE_FORMAT);
    assert_int_equal(ntsim_load_driver_file(sys, NTSIM_TEST_DRIVER_DIR, "folder", NULL, 0),
                     STATUS_INVALID_IMAGE_FORMAT);
    assert_int_equal(ntsim_unload_driver(sys, "not-a-module"), STATUS_OBJECT_NAME_NOT_FOUND);
    ntsim_system_destroy(sys);
}

static void module_without_entry_is_procedure_not_found(void **state)
{
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("no_entry.so"), NULL, NULL, 0), STATUS_PROCEDURE_NOT_FOUND);
    assert_int_equal(ntsim_unload_driver(sys, "no_entry"), STATUS_OBJECT_NAME_NOT_FOUND);
    ntsim_system_destroy(sys);
}

static void failing_entry_status_is_the_loads(void **state)
{
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("fails.so"), NULL, NULL, 0), STATUS_DEVICE_DOES_NOT_EXIST);
    assert_int_equal(ntsim_unload_driver(sys, "fails"), STATUS_OBJECT_NAME_NOT_FOUND);
    /* not kept: the name is free again */
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("first.so"), "fails", NULL, 0), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void bad_arguments_are_invalid_parameter(void **state)
{
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver_file(sys, NULL, NULL, NULL, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntsim_load_driver_file(sys, "", NULL, NULL, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("first.so"), "", NULL, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntsim_load_driver_file(sys, DRIVER("first.so"), NULL, NULL, 1), STATUS_INVALID_PARAMETER);
    ntsim_system_destroy(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_and_unloads),
        cmocka_unit_test(two_modules_with_one_entry_name_load_side_by_side),
        cmocka_unit_test(plain_module_loads),
        cmocka_unit_test(one_name_loads_once),
        cmocka_unit_test(one_file_loads_once),
        cmocka_unit_test(missing_file_is_name_not_found),
        cmocka_unit_test(missing_folder_is_path_not_found),
        cmocka_unit_test(not_a_module_is_invalid_image_format),
        cmocka_unit_test(module_without_entry_is_procedure_not_found),
        cmocka_unit_test(failing_entry_status_is_the_loads),
        cmocka_unit_test(bad_arguments_are_invalid_parameter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
