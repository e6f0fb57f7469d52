/*
 * test_wdk_driver.c - drivers written as the WDK writes them (a C++ one and
 * a C one, built against ntsim's WDK-named headers with a 16-bit wchar_t)
 * run in a simulated system: L"" names, %wZ given by value and by pointer,
 * new/delete on the pool, an executive resource, a lookaside list and the
 * filter manager's names all behave, and nothing leaks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ntsim/ntsim.h"
#include "ntsim/wdk.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);    /* book_style_driver.cpp */
NTSTATUS BookStyleCEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath); /* book_style_driver.c */

static char lines[32][256];
static int line_count, leaks;

static void sink(void *context, const ntsim_event *e)
{
    (void)context;
    if (e->kind == NTSIM_EVENT_DBGPRINT && line_count < 32)
        snprintf(lines[line_count++], sizeof lines[0], "%s: %s", e->image, e->text);
    if (e->kind == NTSIM_EVENT_POOL_LEAK)
        leaks++;
}

static bool printed(const char *text)
{
    for (int i = 0; i < line_count; i++)
        if (strcmp(lines[i], text) == 0)
            return true;
    for (int i = 0; i < line_count; i++)
        print_message("  printed: %s\n", lines[i]);
    return false;
}

static ntsim_system *boot(void)
{
    ntsim_config c;
    ntsim_config_default(&c);
    ntsim_system *sys;
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_SUCCESS);
    ntsim_set_event_sink(sys, sink, NULL);
    line_count = leaks = 0;
    return sys;
}

static void a_cxx_driver_runs_as_written_for_windows(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver(sys, "bookstyle", DriverEntry, NULL, 0), STATUS_SUCCESS);
    assert_true(printed("bookstyle: loading from \\Registry\\Machine\\System\\CurrentControlSet\\Services\\bookstyle"));
    assert_true(printed("bookstyle: wide has 4 characters, max(2,3)=3"));
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID cid;
    ntsim_process_params_default(&p, "C:\\Tools\\app.exe");
    assert_int_equal(ntsim_create_process(sys, &p, &cid), STATUS_SUCCESS);
    char expect[256];
    snprintf(expect, sizeof expect, "bookstyle: process %u by 4 (0 images so far) cmdline C:\\Tools\\app.exe",
             cid.UniqueProcess);
    assert_true(printed(expect));
    /* The image's normalized name through IMAGE_INFO_EX's file object, printed by value. */
    snprintf(expect, sizeof expect, "bookstyle: image \\Device\\HarddiskVolume3\\Tools\\app.exe final=app.exe pid=%u",
             cid.UniqueProcess);
    assert_true(printed(expect));
    snprintf(expect, sizeof expect,
             "bookstyle: image \\Device\\HarddiskVolume3\\Windows\\System32\\ntdll.dll final=ntdll.dll pid=%u",
             cid.UniqueProcess);
    assert_true(printed(expect));
    assert_int_equal(ntsim_unload_driver(sys, "bookstyle"), STATUS_SUCCESS);
    assert_true(printed("bookstyle: unloaded after 1 process creates"));
    assert_int_equal(leaks, 0); /* delete, the lookaside list and the file names all gave their pool back */
    ntsim_system_destroy(sys);
}

static void a_c_driver_runs_as_written_for_windows(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver(sys, "cdrv", BookStyleCEntry, NULL, 0), STATUS_SUCCESS);
    assert_true(printed("cdrv: C driver at \\Registry\\Machine\\System\\CurrentControlSet\\Services\\cdrv; "
                        "the beep device is \\Device\\Beep"));
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID cid;
    ntsim_process_params_default(&p, "C:\\app.exe");
    assert_int_equal(ntsim_create_process(sys, &p, &cid), STATUS_SUCCESS);
    char expect[128];
    snprintf(expect, sizeof expect, "cdrv: thread %u in %u", cid.UniqueThread, cid.UniqueProcess);
    assert_true(printed(expect));
    assert_int_equal(ntsim_unload_driver(sys, "cdrv"), STATUS_SUCCESS);
    assert_true(printed("cdrv: C driver saw 1 threads"));
    ntsim_system_destroy(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_cxx_driver_runs_as_written_for_windows),
        cmocka_unit_test(a_c_driver_runs_as_written_for_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
