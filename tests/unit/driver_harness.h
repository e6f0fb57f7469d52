/*
 * driver_harness.h - running test code as a driver's, for the tests of the
 * executive's driver API (test_ex_*.c). Kernel calls need driver code: a
 * step runs as the DriverEntry of a small driver loaded for it, which stays
 * loaded so that the system threads it starts run its code; a step that
 * must stop the system runs in a child process, whose stderr is kept.
 * Include it once, after cmocka.h and ntsim/wdk.h.
 */
#ifndef NTSIM_TESTS_DRIVER_HARNESS_H
#define NTSIM_TESTS_DRIVER_HARNESS_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MS 10000LL     /* 100 ns units in a millisecond */
#define TICK 156250ull /* the clock interrupt: 15.625 ms */

static ntsim_system *sys;

/* What the kernel reported: pool leaks, and a log the test code writes. */
static struct {
    int leaks;
    char leak_tag[8][8];
    char leak_image[8][32];
    ULONG leak_blocks[8];
    SIZE_T leak_bytes[8];
    char log[32][64];
    int logged;
} seen;

static inline void harness_sink(void *context, const ntsim_event *e)
{
    (void)context;
    if (e->kind == NTSIM_EVENT_POOL_LEAK && seen.leaks < 8) {
        snprintf(seen.leak_tag[seen.leaks], sizeof seen.leak_tag[0], "%s", e->text);
        snprintf(seen.leak_image[seen.leaks], sizeof seen.leak_image[0], "%s", e->image);
        seen.leak_blocks[seen.leaks] = e->count;
        seen.leak_bytes[seen.leaks++] = e->size;
    }
}

/* Appends a line to the log (what threads did, in the order they did it). */
static inline void note(const char *format, ...) __attribute__((format(printf, 1, 2)));
static inline void note(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    if (seen.logged < 32)
        vsnprintf(seen.log[seen.logged++], sizeof seen.log[0], format, ap);
    va_end(ap);
}

static inline void boot(void)
{
    ntsim_config c;
    ntsim_config_default(&c);
    memset(&seen, 0, sizeof seen);
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_SUCCESS);
    ntsim_set_event_sink(sys, harness_sink, NULL);
}

static inline int harness_setup(void **state)
{
    (void)state;
    boot();
    return 0;
}

static inline int harness_teardown(void **state)
{
    (void)state;
    ntsim_system_destroy(sys);
    sys = NULL;
    return 0;
}

static void (*harness_step)(void);

static inline void harness_unload(PDRIVER_OBJECT d)
{
    (void)d;
}

static inline NTSTATUS harness_entry(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)reg;
    d->DriverUnload = harness_unload;
    harness_step();
    return STATUS_SUCCESS;
}

/* An image loads once, under one name: each driver loaded at once needs an
   entry of its own, so the harness has a few alike. */
static inline NTSTATUS harness_entry0(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return harness_entry(d, reg); }
static inline NTSTATUS harness_entry1(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return harness_entry(d, reg); }
static inline NTSTATUS harness_entry2(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return harness_entry(d, reg); }
static inline NTSTATUS harness_entry3(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return harness_entry(d, reg); }
static inline NTSTATUS harness_entry4(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return harness_entry(d, reg); }
static inline NTSTATUS harness_entry5(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return harness_entry(d, reg); }
static inline NTSTATUS harness_entry6(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return harness_entry(d, reg); }
static inline NTSTATUS harness_entry7(PDRIVER_OBJECT d, PUNICODE_STRING reg) { return harness_entry(d, reg); }

/* Loads a driver `name` whose DriverEntry is one of entries[count] not loaded yet. */
static inline NTSTATUS load_with_a_free_entry(const char *name, const ntsim_driver_entry *entries, int count)
{
    NTSTATUS s = STATUS_IMAGE_ALREADY_LOADED;
    for (int i = 0; i < count && s == STATUS_IMAGE_ALREADY_LOADED; i++)
        s = ntsim_load_driver(sys, name, entries[i], NULL, 0);
    return s;
}

/* Runs fn as the DriverEntry of a new driver called `name` (kept loaded),
   then lets the system threads that can run do so. */
static inline void run_as_driver(const char *name, void (*fn)(void))
{
    static const ntsim_driver_entry entries[] = { harness_entry0, harness_entry1, harness_entry2, harness_entry3,
                                                  harness_entry4, harness_entry5, harness_entry6, harness_entry7 };
    harness_step = fn;
    assert_int_equal(load_with_a_free_entry(name, entries, 8), STATUS_SUCCESS);
    ntsim_run_threads(sys);
}

static inline void unload(const char *name)
{
    assert_int_equal(ntsim_unload_driver(sys, name), STATUS_SUCCESS);
}

/* Runs fn in the kernel (as the System process's thread), then the threads it made runnable. */
static inline void in_kernel(void (*fn)(void *), void *context)
{
    ntsim_call_in_kernel(sys, fn, context);
    ntsim_run_threads(sys);
}

static inline void start_system_thread(PKSTART_ROUTINE routine, PVOID context)
{
    HANDLE h;
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_int_equal(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, &oa, NULL, NULL, routine, context), STATUS_SUCCESS);
    ZwClose(h);
}

static inline LONG64 now(void)
{
    LARGE_INTEGER t;
    KeQuerySystemTime(&t);
    return t.QuadPart;
}

static inline bool logged(int i, const char *line)
{
    return i < seen.logged && strcmp(seen.log[i], line) == 0;
}

/* Runs fn as a driver's DriverEntry in a child process, which must stop
   (abort): returns what it wrote on stderr, which holds `expected`. */
static inline void expect_stop(void (*fn)(void), const char *expected)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(fds[0]);
        dup2(fds[1], 2);
        boot();
        run_as_driver("doomed", fn);
        _exit(0); /* not reached when fn stops the system */
    }
    close(fds[1]);
    char out[4096];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof out - 1 && (r = read(fds[0], out + n, sizeof out - 1 - n)) > 0)
        n += (size_t)r;
    out[n] = '\0';
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    if (!WIFSIGNALED(status) || !strstr(out, expected))
        fprintf(stderr, "expected a stop with \"%s\"; status %#x, stderr:\n%s\n", expected, status, out);
    assert_true(WIFSIGNALED(status));
    assert_non_null(strstr(out, expected));
}

#endif
