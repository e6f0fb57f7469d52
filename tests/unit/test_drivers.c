/*
 * test_drivers.c - the built-in drivers against the facts of
 * ../shared/BOOK-SAMPLES.md, end to end: scenarios run inline (jsonl into
 * memory), and the C API where a scenario cannot reach (full routine
 * tables, short writes).
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/driver.h"
#include "ntsim/ntsim.h"
#include "ntsim/wdk.h"
#include "scenario.h"

/* ---- running scenarios ----------------------------------------------------------- */

/* Runs a scenario (jsonl), asserting its exit status; the caller frees the output. */
static char *run_expecting(const char *scn, int want_rc, bool trace_syscalls)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    sim_run_options o = { .format = SIM_FORMAT_JSONL, .trace_syscalls = trace_syscalls };
    int rc = sim_run_buffer("test", scn, strlen(scn), &o, f, stderr);
    fclose(f);
    if (rc != want_rc)
        fprintf(stderr, "%s", out);
    assert_int_equal(rc, want_rc);
    return out;
}

static char *run(const char *scn)
{
    return run_expecting(scn, 0, false);
}

/* The output line of the result of scenario line n, copied (static storage). */
static const char *result(const char *out, int n)
{
    static char *copy;
    char prefix[64];
    snprintf(prefix, sizeof prefix, "{\"kind\":\"result\",\"line\":%d,", n);
    const char *p = strstr(out, prefix);
    assert_non_null(p);
    const char *end = strchr(p, '\n');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    free(copy);
    copy = malloc(len + 1);
    memcpy(copy, p, len);
    copy[len] = '\0';
    return copy;
}

static int count(const char *haystack, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void assert_has(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fprintf(stderr, "missing %s in\n%s\n", needle, haystack);
    assert_non_null(strstr(haystack, needle));
}

#define SYSTEM "system arch=x64 cpus=1 seed=1\n"

/* ---- sysmon: sizes and what it records ------------------------------------------------ */

static void sysmon_items_have_the_x64_wire_sizes(void **state)
{
    (void)state;
    char *out = run(SYSTEM
                    "driver load sysmon\n"                                    /* 2 */
                    "process create a image=C:\\a.exe cmdline=\"\"\n"         /* 3 */
                    "client read sysmon\n"                                    /* 4 */
                    "process create b image=C:\\b.exe cmdline=abc\n"          /* 5 */
                    "thread create b w\n"                                     /* 6 */
                    "thread exit w code=5\n"                                  /* 7 */
                    "process exit b code=6\n"                                 /* 8 */
                    "client read sysmon\n");                                  /* 9 */
    /* No command line: 40; thread create 24; two image loads 640 each. */
    assert_has(result(out, 4), "\"bytes\":1344,");
    assert_has(result(out, 4), "{\"item\":\"process_create\",\"bytes\":40,");
    assert_has(result(out, 4), "{\"item\":\"thread_create\",\"bytes\":24,");
    assert_has(result(out, 4), "{\"item\":\"image_load\",\"bytes\":640,");
    /* 40 + 2*3; 24; 640; 640; 24; thread exit 32 (twice); process exit 24. */
    const char *r = result(out, 9);
    assert_has(r, "\"bytes\":1462,");
    assert_has(r, "{\"item\":\"process_create\",\"bytes\":46,");
    assert_int_equal(count(r, "{\"item\":\"thread_exit\",\"bytes\":32,"), 2);
    assert_has(r, "{\"item\":\"process_exit\",\"bytes\":24,");
    free(out);
}

static void sysmon_records_parent_and_creator_separately(void **state)
{
    (void)state;
    char *out = run(SYSTEM
                    "process create explorer image=C:\\explorer.exe\n"              /* 2: 12 */
                    "process create broker image=C:\\broker.exe\n"                  /* 3: 20 */
                    "driver load sysmon\n"                                          /* 4 */
                    "process create app image=C:\\app.exe parent=explorer by=broker.main cmdline=app\n" /* 5 */
                    "client read sysmon\n");                                        /* 6 */
    assert_has(result(out, 6), "\"pid\":28,\"ppid\":12,\"creating_pid\":20,\"creating_tid\":24,\"cmdline\":\"app\"");
    assert_has(result(out, 6), "Process 28 Created. Command line: app");
    free(out);
}

static void sysmon_ignores_image_loads_with_pid_0(void **state)
{
    (void)state;
    char *out = run(SYSTEM
                    "driver load sysmon\n"  /* 2 */
                    "driver load booster\n" /* 3: booster.sys maps with PID 0 */
                    "client read sysmon\n"); /* 4 */
    assert_has(out, "\"event\":\"image_load\",\"time\":134116992000000000,\"t\":0,\"pid\":0,\"image\":\"\\\\SystemRoot");
    assert_has(result(out, 4), "\"bytes\":0,");
    free(out);
}

static void sysmon_keeps_the_first_300_characters_of_a_long_image_name(void **state)
{
    (void)state;
    /* C:\ + 400 characters: the NT path is \Device\HarddiskVolume3\ + 400. */
    char name[401];
    memset(name, 'd', 400);
    name[400] = '\0';
    char scn[1024];
    snprintf(scn, sizeof scn,
             SYSTEM "process create p image=C:\\p.exe\n" /* 2 */
                    "driver load sysmon\n"               /* 3 */
                    "image load p C:\\%s\n"              /* 4 */
                    "client read sysmon\n",              /* 5 */
             name);
    char *out = run(scn);
    const char *r = result(out, 5);
    char want[512];
    /* 23 characters of device, a backslash, then 276 of the name: 300. */
    snprintf(want, sizeof want, "\"image\":\"\\\\Device\\\\HarddiskVolume3\\\\%.*s\"", 276, name);
    assert_has(r, want);
    snprintf(want, sizeof want, "(C:\\\\%.*s)\"", 276, name); /* the printed line, converted */
    assert_has(r, want);
    assert_has(r, "\"bytes\":640,");
    free(out);
}

/* ---- sysmon: the queue ------------------------------------------------------------------ */

static void sysmon_drops_the_oldest_item_when_full_silently(void **state)
{
    (void)state;
    char *out = run(SYSTEM
                    "process create p image=C:\\p.exe\n" /* 2 */
                    "driver load sysmon limit=3\n"       /* 3 */
                    "thread create p t1\n"               /* 4 */
                    "thread create p t2\n"               /* 5 */
                    "thread create p t3\n"               /* 6 */
                    "thread create p t4\n"               /* 7 */
                    "thread create p t5\n"               /* 8 */
                    "client read sysmon\n");             /* 9 */
    const char *r = result(out, 9);
    assert_has(r, "\"bytes\":72,");
    assert_has(r, "\"lines\":[\"00:00:00.000: Thread 28 Created in process 12\","
                  "\"00:00:00.000: Thread 32 Created in process 12\","
                  "\"00:00:00.000: Thread 36 Created in process 12\"]");
    assert_int_equal(count(out, "\"dbgprint\""), 0);
    free(out);
}

static void sysmon_default_limit_is_10000_items(void **state)
{
    (void)state;
    /* 5001 threads created and exited: 10002 items, so the first two go. */
    size_t cap = 64 * 5001 + 256, n = 0;
    char *scn = malloc(cap);
    n += (size_t)snprintf(scn + n, cap - n, SYSTEM "process create p image=C:\\p.exe\ndriver load sysmon\n");
    for (int i = 0; i < 5001; i++)
        n += (size_t)snprintf(scn + n, cap - n, "thread create p t%d\nthread exit t%d\n", i, i);
    n += (size_t)snprintf(scn + n, cap - n, "client read sysmon buffer=1M\nclient read sysmon\n");
    char *out = run(scn);
    const char *r = result(out, 3 + 2 * 5001 + 1);
    /* 5000 creates (24) + 5000 exits (32), from the second thread on. */
    assert_has(r, "\"bytes\":280000,");
    assert_int_equal(count(r, "\"item\":"), 10000);
    assert_has(r, "\"items\":[{\"item\":\"thread_create\",\"bytes\":24,\"time\":134116992000000000,\"t\":0,\"pid\":12,\"tid\":24}");
    assert_has(result(out, 3 + 2 * 5001 + 2), "\"bytes\":0,");
    free(out);
    free(scn);
}

static void sysmon_bad_limit_fails_the_load(void **state)
{
    (void)state;
    char *out = run(SYSTEM
                    "driver load sysmon limit=0\n"   /* 2 */
                    "driver load sysmon limit=ten\n" /* 3 */
                    "driver load sysmon limit=0x10\n" /* 4 */
                    "driver unload sysmon\n");       /* 5 */
    assert_has(result(out, 2), "\"status\":\"STATUS_INVALID_PARAMETER\"");
    assert_has(result(out, 3), "\"status\":\"STATUS_INVALID_PARAMETER\"");
    assert_has(result(out, 4), "\"status\":\"STATUS_SUCCESS\"");
    assert_has(out, "\"text\":\"SysMon: bad limit '0'\"");
    assert_has(result(out, 5), "\"status\":\"STATUS_SUCCESS\"");
    free(out);
}

static void sysmon_read_takes_whole_items_and_stops_at_the_first_that_does_not_fit(void **state)
{
    (void)state;
    char *out = run(SYSTEM
                    "process create p image=C:\\p.exe\n" /* 2 */
                    "driver load sysmon\n"               /* 3 */
                    "image load p C:\\x.dll\n"           /* 4: 640 */
                    "thread create p t1\n"               /* 5: 24 */
                    "thread create p t2\n"               /* 6: 24 */
                    "thread create p t3\n"               /* 7: 24 */
                    "client read sysmon buffer=639\n"    /* 8 */
                    "client read sysmon buffer=680\n"    /* 9 */
                    "client read sysmon buffer=23\n"     /* 10 */
                    "client read sysmon buffer=24\n"     /* 11 */
                    "client read sysmon buffer=100\n");  /* 12 */
    /* The image at the head does not fit: nothing, though a thread item would. */
    assert_has(result(out, 8), "\"bytes\":0,");
    /* 640 + 24 fit in 680; the next 24 would make 688. */
    assert_has(result(out, 9), "\"bytes\":664,");
    assert_has(result(out, 10), "\"bytes\":0,");
    assert_has(result(out, 11), "\"bytes\":24,");
    assert_has(result(out, 12), "\"bytes\":24,");
    free(out);
}

static void sysmon_leaves_a_too_big_head_item_for_the_next_read(void **state)
{
    (void)state;
    char *out = run(SYSTEM
                    "process create p image=C:\\p.exe\n" /* 2 */
                    "driver load sysmon\n"               /* 3 */
                    "thread create p t1\n"               /* 4: 24 */
                    "image load p C:\\x.dll\n"           /* 5: 640 */
                    "thread create p t2\n"               /* 6: 24 */
                    "client read sysmon buffer=100\n"    /* 7: 24 only */
                    "client read sysmon buffer=100\n"    /* 8: nothing */
                    "client read sysmon\n");             /* 9: the image, then t2 */
    assert_has(result(out, 7), "\"bytes\":24,");
    assert_has(result(out, 8), "\"bytes\":0,");
    const char *r = result(out, 9);
    assert_has(r, "\"bytes\":664,");
    assert_has(r, "\"lines\":[\"00:00:00.000: Image loaded into process 12 at address 0x");
    assert_has(r, "(C:\\\\x.dll)\",\"00:00:00.000: Thread 24 Created in process 12\"]");
    free(out);
}

static void sysmon_read_of_an_empty_queue_returns_0_bytes_at_once(void **state)
{
    (void)state;
    char *out = run(SYSTEM "driver load sysmon\nclient read sysmon\n");
    assert_has(result(out, 3), "\"status\":\"STATUS_SUCCESS\",\"bytes\":0,\"items\":[],\"lines\":[]");
    free(out);
}

static void sysmon_unload_frees_queued_items(void **state)
{
    (void)state;
    char *out = run(SYSTEM
                    "driver load sysmon\n"
                    "process create p image=C:\\p.exe\n"
                    "driver unload sysmon\n"
                    "client read sysmon\n"); /* 5: the device is gone */
    assert_int_equal(count(out, "pool_leak"), 0);
    assert_has(result(out, 5), "\"status\":\"STATUS_OBJECT_NAME_NOT_FOUND\"");
    free(out);
}

static void sysmon_state_does_not_outlive_its_system(void **state)
{
    (void)state;
    /* A system torn down with sysmon loaded and items queued: reported, freed. */
    char *out = run(SYSTEM "driver load sysmon\nprocess create p image=C:\\p.exe\n");
    assert_has(out, "\"event\":\"pool_leak\"");
    free(out);
    /* The next system's sysmon starts from an empty queue. */
    out = run(SYSTEM "driver load sysmon\nclient read sysmon\n");
    assert_has(result(out, 3), "\"bytes\":0,");
    free(out);
}

static void sysmon_prints_exit_codes_unsigned(void **state)
{
    (void)state;
    char *out = run(SYSTEM
                    "process create p image=C:\\p.exe\n"
                    "driver load sysmon\n"
                    "process exit p code=0xC0000005\n"
                    "client read sysmon\n"); /* 5 */
    assert_has(result(out, 5), "\"lines\":[\"00:00:00.000: Thread 16 Exited from process 12 (Code: 3221225477)\","
                               "\"00:00:00.000: Process 12 Exited (Code: 3221225477)\"]");
    assert_has(result(out, 5), "\"exit_code\":3221225477}");
    free(out);
}

/* A driver whose routines fill every slot of one kind (the same routine may repeat). */
static void fill_thread(HANDLE p, HANDLE t, BOOLEAN c) { (void)p; (void)t; (void)c; }
static void fill_image(PUNICODE_STRING n, HANDLE p, PIMAGE_INFO i) { (void)n; (void)p; (void)i; }
static int filled;

static NTSTATUS entry_fill_thread(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)d;
    (void)reg;
    for (filled = 0; NT_SUCCESS(PsSetCreateThreadNotifyRoutine(fill_thread)); filled++)
        ;
    return STATUS_SUCCESS;
}

static NTSTATUS entry_fill_image(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)d;
    (void)reg;
    for (filled = 0; NT_SUCCESS(PsSetLoadImageNotifyRoutine(fill_image)); filled++)
        ;
    return STATUS_SUCCESS;
}

static char last_print[256];
static int prints;

static void catch_prints(void *ctx, const ntsim_event *e)
{
    (void)ctx;
    if (e->kind == NTSIM_EVENT_DBGPRINT) {
        snprintf(last_print, sizeof last_print, "%s", e->text);
        prints++;
    }
}

static ntsim_system *boot(void)
{
    ntsim_config c;
    ntsim_system *sys;
    ntsim_config_default(&c);
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_SUCCESS);
    ntsim_set_event_sink(sys, catch_prints, NULL);
    last_print[0] = '\0';
    prints = 0;
    return sys;
}

static void sysmon_registers_process_then_thread_then_image(void **state)
{
    (void)state;
    const sim_driver *sysmon = sim_find_driver("sysmon");
    /* Thread routines full: the process routine went in, the thread one fails. */
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver(sys, "fill", entry_fill_thread, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(filled, 64);
    assert_int_equal(ntsim_load_driver(sys, "sysmon", sysmon->entry, NULL, 0), STATUS_INSUFFICIENT_RESOURCES);
    assert_string_equal(last_print, "SysMon: failed to register thread callback (0xC000009A)");
    ntsim_system_destroy(sys);
    /* Image routines full: process and thread went in, the image one fails. */
    sys = boot();
    assert_int_equal(ntsim_load_driver(sys, "fill", entry_fill_image, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(ntsim_load_driver(sys, "sysmon", sysmon->entry, NULL, 0), STATUS_INSUFFICIENT_RESOURCES);
    assert_string_equal(last_print, "SysMon: failed to register image callback (0xC000009A)");
    ntsim_system_destroy(sys);
}

/* ---- detector ------------------------------------------------------------------------------ */

#define EXPLORER "process create explorer image=C:\\Windows\\explorer.exe\n" /* pid 12, tid 16 */

static void detector_ignores_local_threads(void **state)
{
    (void)state;
    char *out = run(SYSTEM EXPLORER
                    "driver load detector\n"
                    "thread create explorer w\n"
                    "client read detector\n"); /* 5 */
    assert_has(result(out, 5), "\"bytes\":0,");
    free(out);
}

static void detector_passes_a_new_process_first_thread_and_reports_its_second(void **state)
{
    (void)state;
    char *out = run(SYSTEM EXPLORER
                    "driver load detector\n"                              /* 3 */
                    "process create calc image=C:\\calc.exe parent=explorer\n" /* 4: 20/24 */
                    "client read detector\n"                              /* 5 */
                    "sleep 1s\n"                                          /* 6 */
                    "thread create calc t by=explorer.main\n"             /* 7: 28 */
                    "client read detector\n");                            /* 8 */
    assert_has(result(out, 5), "\"bytes\":0,");
    assert_has(result(out, 8), "\"bytes\":24,\"items\":[{\"item\":\"remote_thread\",\"time\":134116992010000000,\"t\":1,\"creator_pid\":12,"
                               "\"creator_tid\":16,\"pid\":20,\"tid\":28}],\"lines\":[\"00:00:01.000: Remote Thread "
                               "from PID: 12 TID: 16 -> PID: 20 TID: 28\"]");
    free(out);
}

/* O1: the same driver code loaded under a second name is refused before its
 * DriverEntry runs: run, its failure would free the globals the first
 * instance still uses. */
static void driver_entry_loaded_under_another_name_is_refused(void **state)
{
    (void)state;
    const sim_driver *detector = sim_find_driver("detector");
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver(sys, "detector", detector->entry, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(ntsim_load_driver(sys, "detector2", detector->entry, NULL, 0), STATUS_IMAGE_ALREADY_LOADED);
    assert_int_equal(prints, 0); /* its DriverEntry did not run */
    assert_int_equal(ntsim_unload_driver(sys, "detector2"), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(ntsim_unload_driver(sys, "detector"), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void detector_excludes_the_system_process_on_either_side(void **state)
{
    (void)state;
    char *out = run(SYSTEM EXPLORER
                    "driver load detector\n"
                    "process create calc image=C:\\calc.exe parent=explorer\n"
                    "thread create calc k by=System.main\n"   /* creator System */
                    "thread create System s by=calc.main\n"   /* target System */
                    "client read detector\n");                /* 7 */
    assert_has(result(out, 7), "\"bytes\":0,");
    free(out);
}

static void detector_keeps_the_pid_of_a_process_created_by_system(void **state)
{
    (void)state;
    /* svc's first thread comes from System: unchecked, so svc stays "new"
       and the first real remote thread into it is taken for its first. */
    char *out = run(SYSTEM
                    "driver load detector\n"                               /* 2 */
                    "process create svc image=C:\\svc.exe\n"               /* 3 */
                    EXPLORER                                                /* 4 */
                    "thread create svc a by=explorer.main\n"               /* 5 */
                    "thread create svc b by=explorer.main\n"               /* 6 */
                    "client read detector\n");                             /* 7 */
    assert_has(result(out, 7), "\"bytes\":24,");
    assert_int_equal(count(result(out, 7), "Remote Thread"), 1);
    free(out);
}

static char *overflow_scenario(const char *option, int system_processes)
{
    size_t cap = 8192, n = 0;
    char *scn = malloc(cap);
    n += (size_t)snprintf(scn + n, cap - n, SYSTEM "driver load detector%s\n" EXPLORER, option);
    for (int i = 0; i < system_processes; i++)
        n += (size_t)snprintf(scn + n, cap - n, "process create s%d image=C:\\s.exe\n", i);
    snprintf(scn + n, cap - n, "process create app image=C:\\app.exe parent=explorer\nclient read detector\n");
    return scn;
}

static void detector_table_of_32_overflows_into_a_false_positive(void **state)
{
    (void)state;
    /* explorer + 31 processes from System fill the 32 slots. */
    char *scn = overflow_scenario("", 31);
    char *out = run(scn);
    const char *r = result(out, 3 + 31 + 2);
    assert_has(r, "\"bytes\":24,");
    assert_has(out, "\"text\":\"Detector: New process created, no room to store (PID ");
    assert_int_equal(count(out, "no room"), 1);
    free(out);
    free(scn);
    /* One process fewer: there is room, no report. */
    scn = overflow_scenario("", 30);
    out = run(scn);
    assert_has(result(out, 3 + 30 + 2), "\"bytes\":0,");
    assert_int_equal(count(out, "no room"), 0);
    free(out);
    free(scn);
}

static void detector_max_new_sets_the_table_size(void **state)
{
    (void)state;
    char *scn = overflow_scenario(" max_new=2", 1);
    char *out = run(scn);
    assert_has(result(out, 3 + 1 + 2), "\"bytes\":24,");
    free(out);
    free(scn);
    scn = overflow_scenario(" max_new=0", 0);
    out = run(scn);
    assert_has(result(out, 3 + 0 + 2), "\"bytes\":24,"); /* no table at all: every first thread */
    free(out);
    free(scn);
    out = run(SYSTEM "driver load detector max_new=-1\n");
    assert_has(result(out, 2), "\"status\":\"STATUS_INVALID_PARAMETER\"");
    free(out);
}

static void detector_stale_pid_hides_a_remote_thread_into_a_reused_pid(void **state)
{
    (void)state;
    /* ghost is refused after the detector stored its pid (28): it never gets
       a thread, so 28 stays. 124 short-lived processes later, 28 is reused. */
    size_t cap = 16384, n = 0;
    char *scn = malloc(cap);
    n += (size_t)snprintf(scn + n, cap - n,
                          SYSTEM EXPLORER "process create injector image=C:\\injector.exe parent=explorer\n"
                                          "driver load detector\n"
                                          "driver load blocker images=ghost.exe\n"
                                          "process create ghost image=C:\\ghost.exe parent=explorer\n");
    for (int i = 0; i < 124; i++)
        n += (size_t)snprintf(scn + n, cap - n, "process create p%d image=C:\\p.exe parent=explorer\nprocess exit p%d\n",
                              i, i);
    snprintf(scn + n, cap - n,
             "process create victim image=C:\\victim.exe parent=explorer\n" /* L */
             "expect pid=28\n"                                             /* L+1 */
             "thread create victim inj by=injector.main\n"                 /* L+2: hidden */
             "client read detector\n"                                      /* L+3 */
             "thread create victim inj2 by=injector.main\n"                /* L+4 */
             "client read detector\n");                                    /* L+5 */
    char *out = run(scn);
    int l = 7 + 2 * 124;
    assert_has(result(out, 6), "\"status\":\"STATUS_ACCESS_DENIED\"");
    assert_has(result(out, l + 3), "\"bytes\":0,");
    assert_has(result(out, l + 5), "\"bytes\":24,");
    free(out);
    free(scn);
}

static void detector_client_reads_20_records_at_a_time(void **state)
{
    (void)state;
    size_t cap = 8192, n = 0;
    char *scn = malloc(cap);
    n += (size_t)snprintf(scn + n, cap - n, SYSTEM EXPLORER
                          "process create calc image=C:\\calc.exe parent=explorer\ndriver load detector\n");
    for (int i = 0; i < 25; i++)
        n += (size_t)snprintf(scn + n, cap - n, "thread create calc t%d by=explorer.main\n", i);
    snprintf(scn + n, cap - n,
             "client read detector\n"           /* 30 */
             "client read detector buffer=23\n" /* 31 */
             "client read detector buffer=50\n" /* 32 */
             "client read detector\n"           /* 33 */
             "client read detector\n");         /* 34 */
    char *out = run(scn);
    assert_has(result(out, 30), "\"bytes\":480,");
    assert_int_equal(count(result(out, 30), "Remote Thread from"), 20);
    assert_has(result(out, 31), "\"bytes\":0,");
    assert_has(result(out, 32), "\"bytes\":48,");
    assert_has(result(out, 33), "\"bytes\":72,");
    assert_has(result(out, 34), "\"bytes\":0,");
    free(out);
    free(scn);
}

static void detector_unload_frees_its_table_and_reports(void **state)
{
    (void)state;
    char *out = run(SYSTEM EXPLORER
                    "process create calc image=C:\\calc.exe parent=explorer\n"
                    "driver load detector\n"
                    "thread create calc t by=explorer.main\n"
                    "driver unload detector\n");
    assert_int_equal(count(out, "pool_leak"), 0);
    free(out);
}

/* ---- enumproc -------------------------------------------------------------------------------- */

static void enumproc_prints_every_process_then_the_total_and_fails(void **state)
{
    (void)state;
    char *out = run_expecting(SYSTEM EXPLORER
                              "process create calc image=C:\\calc.exe parent=explorer\n"
                              "thread create calc w\n"
                              "driver load enumproc\n"    /* 5 */
                              "driver unload enumproc\n", /* 6 */
                              0, true);
    assert_has(out, "\"driver\":\"enumproc\",\"text\":\"PID: 0 Session: 0 Handles: 0 Threads: 1 Image: (null)\"}");
    assert_has(out, "\"text\":\"PID: 4 Session: 0 Handles: 0 Threads: 1 Image: System\"}");
    assert_has(out, "\"text\":\"PID: 12 Session: 1 Handles: 0 Threads: 1 Image: explorer.exe\"}");
    assert_has(out, "\"text\":\"PID: 20 Session: 1 Handles: 0 Threads: 2 Image: calc.exe\"}");
    assert_has(out, "\"text\":\"Total Processes: 4\"}");
    assert_has(result(out, 5), "\"status\":\"STATUS_UNSUCCESSFUL\"");
    assert_has(result(out, 6), "\"status\":\"STATUS_OBJECT_NAME_NOT_FOUND\"");
    /* Twice: for the size, then with room; its buffer freed before it returns. */
    assert_int_equal(count(out, "\"name\":\"NtQuerySystemInformation\""), 2);
    assert_has(out, "\"status\":\"STATUS_INFO_LENGTH_MISMATCH\"");
    assert_int_equal(count(out, "pool_leak"), 0);
    free(out);
}

/* ---- booster ---------------------------------------------------------------------------------- */

static void booster_sets_a_valid_priority_and_rejects_the_rest(void **state)
{
    (void)state;
    char *out = run_expecting(SYSTEM
                              "driver load booster\n"                              /* 2 */
                              "process create p image=C:\\p.exe\n"                 /* 3 */
                              "thread create p w\n"                                /* 4 */
                              "client write booster thread=w priority=31\n"       /* 5 */
                              "thread query w\n"                                   /* 6 */
                              "client write booster thread=w priority=1\n"        /* 7 */
                              "client write booster thread=w priority=0\n"        /* 8 */
                              "client write booster thread=w priority=32\n"       /* 9 */
                              "thread exit w\n"                                    /* 10 */
                              "client write booster thread=w priority=8\n",       /* 11 */
                              0, false);
    assert_has(result(out, 5), "\"status\":\"STATUS_SUCCESS\",\"bytes\":8,\"lines\":[\"Priority change succeeded!\"]");
    assert_has(result(out, 6), "\"base_priority\":31,");
    assert_has(result(out, 7), "\"lines\":[\"Priority change succeeded!\"]");
    assert_has(result(out, 8), "\"status\":\"STATUS_INVALID_PARAMETER\",\"bytes\":0,"
                               "\"lines\":[\"Priority change failed! (error=87)\"]");
    assert_has(result(out, 9), "\"status\":\"STATUS_INVALID_PARAMETER\"");
    assert_has(result(out, 11), "\"status\":\"STATUS_INVALID_CID\",\"bytes\":0,"
                                "\"lines\":[\"Priority change failed! (error=87)\"]");
    assert_has(out, "\"text\":\"Booster: Priority change for thread 20 from 8 to 31 succeeded!\"");
    free(out);
}

static void booster_rejects_a_short_write(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_load_driver(sys, "booster", sim_find_driver("booster")->entry, NULL, 0), STATUS_SUCCESS);
    uint32_t tid = 8;
    ULONG bytes = 99;
    assert_int_equal(ntsim_device_write(sys, "\\??\\Booster", &tid, sizeof tid, &bytes), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(bytes, 0);
    assert_int_equal(ntsim_unload_driver(sys, "booster"), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

/* ---- blocker ------------------------------------------------------------------------------------ */

static void blocker_refuses_matching_file_names_without_case(void **state)
{
    (void)state;
    char *out = run(SYSTEM EXPLORER
                    "driver load blocker images=\"Calc.exe, notepad.exe\"\n"               /* 3 */
                    "process create a image=C:\\Windows\\System32\\CALC.EXE parent=explorer\n" /* 4 */
                    "process create b image=C:\\notepad.exe parent=explorer\n"              /* 5 */
                    "process create c image=C:\\calc.exe.d\\run.exe parent=explorer\n"      /* 6 */
                    "process create d image=C:\\tools\\mycalc.exe parent=explorer\n"        /* 7 */
                    "driver unload blocker\n"                                                /* 8 */
                    "process create e image=C:\\calc.exe parent=explorer\n");              /* 9 */
    assert_has(result(out, 3), "\"status\":\"STATUS_SUCCESS\"");
    assert_has(result(out, 4), "\"status\":\"STATUS_ACCESS_DENIED\"}");
    assert_has(result(out, 5), "\"status\":\"STATUS_ACCESS_DENIED\"}");
    assert_has(result(out, 6), "\"status\":\"STATUS_SUCCESS\"");
    assert_has(result(out, 7), "\"status\":\"STATUS_SUCCESS\"");
    assert_has(result(out, 9), "\"status\":\"STATUS_SUCCESS\"");
    assert_has(out, "\"text\":\"Blocker: process 20 refused (image name matches Calc.exe)\"");
    /* A refused process gets no thread, image load or exit. */
    assert_int_equal(count(out, "\"line\":4,\"event\":"), 2); /* process_create and the dbgprint */
    assert_int_equal(count(out, "\"event\":\"process_exit\""), 0);
    free(out);
}

static void blocker_needs_a_list_of_images(void **state)
{
    (void)state;
    char *out = run(SYSTEM
                    "driver load blocker\n"           /* 2 */
                    "driver load blocker images=,\n"  /* 3 */
                    "driver unload blocker\n");      /* 4 */
    assert_has(result(out, 2), "\"status\":\"STATUS_INVALID_PARAMETER\"");
    assert_has(result(out, 3), "\"status\":\"STATUS_INVALID_PARAMETER\"");
    assert_has(result(out, 4), "\"status\":\"STATUS_OBJECT_NAME_NOT_FOUND\"");
    assert_int_equal(count(out, "pool_leak"), 0);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sysmon_items_have_the_x64_wire_sizes),
        cmocka_unit_test(sysmon_records_parent_and_creator_separately),
        cmocka_unit_test(sysmon_ignores_image_loads_with_pid_0),
        cmocka_unit_test(sysmon_keeps_the_first_300_characters_of_a_long_image_name),
        cmocka_unit_test(sysmon_drops_the_oldest_item_when_full_silently),
        cmocka_unit_test(sysmon_default_limit_is_10000_items),
        cmocka_unit_test(sysmon_bad_limit_fails_the_load),
        cmocka_unit_test(sysmon_read_takes_whole_items_and_stops_at_the_first_that_does_not_fit),
        cmocka_unit_test(sysmon_leaves_a_too_big_head_item_for_the_next_read),
        cmocka_unit_test(sysmon_read_of_an_empty_queue_returns_0_bytes_at_once),
        cmocka_unit_test(sysmon_unload_frees_queued_items),
        cmocka_unit_test(sysmon_state_does_not_outlive_its_system),
        cmocka_unit_test(sysmon_prints_exit_codes_unsigned),
        cmocka_unit_test(sysmon_registers_process_then_thread_then_image),
        cmocka_unit_test(detector_ignores_local_threads),
        cmocka_unit_test(detector_passes_a_new_process_first_thread_and_reports_its_second),
        cmocka_unit_test(driver_entry_loaded_under_another_name_is_refused),
        cmocka_unit_test(detector_excludes_the_system_process_on_either_side),
        cmocka_unit_test(detector_keeps_the_pid_of_a_process_created_by_system),
        cmocka_unit_test(detector_table_of_32_overflows_into_a_false_positive),
        cmocka_unit_test(detector_max_new_sets_the_table_size),
        cmocka_unit_test(detector_stale_pid_hides_a_remote_thread_into_a_reused_pid),
        cmocka_unit_test(detector_client_reads_20_records_at_a_time),
        cmocka_unit_test(detector_unload_frees_its_table_and_reports),
        cmocka_unit_test(enumproc_prints_every_process_then_the_total_and_fails),
        cmocka_unit_test(booster_sets_a_valid_priority_and_rejects_the_rest),
        cmocka_unit_test(booster_rejects_a_short_write),
        cmocka_unit_test(blocker_refuses_matching_file_names_without_case),
        cmocka_unit_test(blocker_needs_a_list_of_images),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
