/*
 * test_win32.c - the Win32 calls of src/win32 as a program makes them: each
 * test runs a function as a simulated process's main thread (its Win32
 * calls are system calls in user mode, its Sleep a wait on the virtual
 * clock), keeps what the calls returned, and checks it once the process
 * has ended: return values, last-error values, the clock.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ntsim/ntsim.h"
#include "ntsim/wdk.h"
#include "win32/kernel32.h"
#include "win32/program.h"

static ntsim_system *sys;

/* What the program saw, for the checks after it. */
static struct {
    HANDLE handle[8];
    DWORD error[8];
    BOOL ok[8];
    DWORD bytes[8];
    uint64_t ticks[4];
    int64_t counter[3];
    SYSTEMTIME st[3];
    FILETIME ft[3];
    unsigned char data[16];
} seen;
static int writes;
static unsigned char written[16];

/* \Device\Sink (\??\Sink): a write keeps its bytes, a read returns 1, 2, 3. */
static NTSTATUS sink_dispatch(PDEVICE_OBJECT device, PIRP irp)
{
    (void)device;
    PIO_STACK_LOCATION st = IoGetCurrentIrpStackLocation(irp);
    ULONG_PTR info = 0;
    NTSTATUS s = STATUS_SUCCESS;
    if (st->MajorFunction == IRP_MJ_WRITE) {
        ULONG n = st->Parameters.Write.Length < sizeof written ? st->Parameters.Write.Length : sizeof written;
        memcpy(written, irp->AssociatedIrp.SystemBuffer, n);
        writes++;
        info = n;
    } else if (st->MajorFunction == IRP_MJ_READ) {
        static const unsigned char pattern[] = { 1, 2, 3 };
        ULONG n = st->Parameters.Read.Length < 3 ? st->Parameters.Read.Length : 3;
        memcpy(irp->AssociatedIrp.SystemBuffer, pattern, n);
        info = n;
    } else if (st->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        s = STATUS_INVALID_DEVICE_REQUEST;
    }
    irp->IoStatus.Status = s;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return s;
}

static NTSTATUS sink_entry(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)reg;
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\Device\\Sink"), link = RTL_CONSTANT_STRING(u"\\??\\Sink");
    PDEVICE_OBJECT device;
    NTSTATUS s = IoCreateDevice(d, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(s))
        return s;
    device->Flags |= DO_BUFFERED_IO;
    for (int m = 0; m <= IRP_MJ_MAXIMUM_FUNCTION; m++)
        d->MajorFunction[m] = sink_dispatch;
    return IoCreateSymbolicLink(&link, &name);
}

static int setup(void **state)
{
    (void)state;
    ntsim_config c;
    ntsim_config_default(&c);
    memset(&seen, 0, sizeof seen);
    memset(written, 0, sizeof written);
    writes = 0;
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_SUCCESS);
    assert_int_equal(ntsim_load_driver(sys, "sink", sink_entry, NULL, 0), STATUS_SUCCESS);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ntsim_system_destroy(sys);
    return 0;
}

/* Runs main as a program's process until it ends; its exit code. */
static ULONG run_program(int (*main_function)(int, char **))
{
    NTSIM_PROCESS_PARAMS pp;
    ntsim_process_params_default(&pp, "C:\\Tools\\Test.exe");
    CLIENT_ID cid;
    assert_int_equal(w32_create_function_process(sys, &pp, main_function, &cid), STATUS_SUCCESS);
    ntsim_advance(sys, 60ull * 10000000u); /* a minute: every test program ends well before */
    NTSIM_PROCESS_INFO pi;
    assert_int_equal(ntsim_query_process(sys, cid.UniqueProcess, &pi), STATUS_SUCCESS);
    assert_true(pi.exited);
    return pi.exit_code;
}

static const WCHAR *w(const char16_t *s)
{
    return (const WCHAR *)s;
}

/* ---- files and devices ------------------------------------------------------- */

static int open_names(int argc, char **argv)
{
    (void)argc, (void)argv;
    seen.handle[0] = CreateFileW(w(u"\\\\.\\NoSuchDevice"), 0x80000000u, 0, NULL, 3, 0, NULL);
    seen.error[0] = GetLastError();
    seen.handle[1] = CreateFileW(w(u"\\\\.\\Sink"), 0x40000000u, 0, NULL, 0 /* no disposition */, 0, NULL);
    seen.error[1] = GetLastError();
    seen.handle[2] = CreateFileW(NULL, 0x40000000u, 0, NULL, 3, 0, NULL);
    seen.error[2] = GetLastError();
    seen.handle[3] = CreateFileW(w(u"\\\\.\\Sink"), 0xC0000000u, 0, NULL, 3, 0, NULL);
    seen.error[3] = GetLastError();
    seen.handle[4] = CreateFileW(w(u"\\??\\Sink"), 0xC0000000u, 0, NULL, 3, 0, NULL);
    seen.handle[5] = CreateFileA("\\\\.\\sink", 0xC0000000u, 0, NULL, 3, 0, NULL); /* names ignore case */
    for (int i = 3; i <= 5; i++)
        if (seen.handle[i] != INVALID_HANDLE_VALUE)
            seen.ok[i] = CloseHandle(seen.handle[i]);
    seen.ok[0] = CloseHandle(seen.handle[3]); /* closed already */
    seen.error[4] = GetLastError();
    return 0;
}

static void create_file_opens_devices_and_says_why_not(void **state)
{
    (void)state;
    assert_int_equal(run_program(open_names), 0);
    assert_ptr_equal(seen.handle[0], INVALID_HANDLE_VALUE);
    assert_int_equal(seen.error[0], 2);  /* ERROR_FILE_NOT_FOUND */
    assert_ptr_equal(seen.handle[1], INVALID_HANDLE_VALUE);
    assert_int_equal(seen.error[1], 87); /* ERROR_INVALID_PARAMETER */
    assert_ptr_equal(seen.handle[2], INVALID_HANDLE_VALUE);
    assert_int_equal(seen.error[2], 3);  /* ERROR_PATH_NOT_FOUND */
    for (int i = 3; i <= 5; i++) {
        assert_ptr_not_equal(seen.handle[i], INVALID_HANDLE_VALUE);
        assert_true(seen.ok[i]);
    }
    assert_int_equal(seen.error[3], 0); /* a success clears it */
    assert_false(seen.ok[0]);
    assert_int_equal(seen.error[4], 6); /* ERROR_INVALID_HANDLE */
}

static int read_write_control(int argc, char **argv)
{
    (void)argc, (void)argv;
    HANDLE h = CreateFileW(w(u"\\\\.\\Sink"), 0xC0000000u, 0, NULL, 3, 0, NULL);
    const unsigned char out[4] = { 9, 8, 7, 6 };
    seen.ok[0] = WriteFile(h, out, sizeof out, &seen.bytes[0], NULL);
    seen.ok[1] = ReadFile(h, seen.data, sizeof seen.data, &seen.bytes[1], NULL);
    seen.bytes[2] = 77;
    seen.ok[2] = DeviceIoControl(h, 0x222000, NULL, 0, NULL, 0, &seen.bytes[2], NULL);
    seen.error[2] = GetLastError();
    CloseHandle(h);
    seen.bytes[3] = 77;
    seen.ok[3] = ReadFile(h, seen.data + 8, 4, &seen.bytes[3], NULL); /* closed */
    seen.error[3] = GetLastError();
    seen.ok[4] = WriteFile(h, out, sizeof out, NULL, (void *)&seen); /* OVERLAPPED: not modelled */
    seen.error[4] = GetLastError();
    return 0;
}

static void read_write_and_control_reach_the_driver(void **state)
{
    (void)state;
    assert_int_equal(run_program(read_write_control), 0);
    assert_true(seen.ok[0]);
    assert_int_equal(seen.bytes[0], 4);
    assert_int_equal(writes, 1);
    assert_memory_equal(written, ((unsigned char[]){ 9, 8, 7, 6 }), 4);
    assert_true(seen.ok[1]);
    assert_int_equal(seen.bytes[1], 3);
    assert_memory_equal(seen.data, ((unsigned char[]){ 1, 2, 3 }), 3);
    assert_false(seen.ok[2]);
    assert_int_equal(seen.bytes[2], 0);  /* zeroed before the call, as kernel32 does */
    assert_int_equal(seen.error[2], 1);  /* ERROR_INVALID_FUNCTION */
    assert_false(seen.ok[3]);
    assert_int_equal(seen.bytes[3], 0);
    assert_int_equal(seen.error[3], 6);  /* ERROR_INVALID_HANDLE */
    assert_false(seen.ok[4]);
    assert_int_equal(seen.error[4], 50); /* ERROR_NOT_SUPPORTED */
}

/* ---- errors ----------------------------------------------------------------- */

static int last_error_roundtrip(int argc, char **argv)
{
    (void)argc, (void)argv;
    SetLastError(1234);
    seen.error[0] = GetLastError();
    SetLastError(0);
    seen.error[1] = GetLastError();
    return 0;
}

static void last_error_is_kept_in_the_teb(void **state)
{
    (void)state;
    assert_int_equal(run_program(last_error_roundtrip), 0);
    assert_int_equal(seen.error[0], 1234);
    assert_int_equal(seen.error[1], 0);
}

/* ---- time ---------------------------------------------------------------------- */

static int sleeping(int argc, char **argv)
{
    (void)argc, (void)argv;
    seen.ticks[0] = GetTickCount64();
    QueryPerformanceCounter(&seen.counter[0]);
    Sleep(1500);
    seen.ticks[1] = GetTickCount64();
    QueryPerformanceCounter(&seen.counter[1]);
    QueryPerformanceFrequency(&seen.counter[2]);
    seen.ticks[2] = GetTickCount();
    seen.error[0] = SleepEx(0, 0);
    seen.ticks[3] = GetTickCount64();
    return 7;
}

static void sleep_moves_the_virtual_clock(void **state)
{
    (void)state;
    uint64_t start = ntsim_time(sys);
    assert_int_equal(run_program(sleeping), 7);
    assert_int_equal(seen.ticks[0], (start - NTSIM_BOOT_TIME) / 10000);
    /* The wait ends at the clock tick after 1.5 s (15.625 ms each). */
    uint64_t slept = seen.ticks[1] - seen.ticks[0];
    assert_true(slept >= 1500 && slept < 1500 + 16);
    assert_int_equal(seen.counter[2], 10000000);
    /* The performance counter runs at 10 MHz on the same clock. */
    assert_int_equal((seen.counter[1] - seen.counter[0]) / 10000, (int64_t)slept);
    assert_int_equal(seen.ticks[2], (DWORD)seen.ticks[1]);
    assert_int_equal(seen.error[0], 0);
    assert_int_equal(seen.ticks[3], seen.ticks[1]); /* Sleep(0) only yields */
}

static int converting(int argc, char **argv)
{
    (void)argc, (void)argv;
    FILETIME boot = { (DWORD)NTSIM_BOOT_TIME, (DWORD)(NTSIM_BOOT_TIME >> 32) };
    seen.ok[0] = FileTimeToSystemTime(&boot, &seen.st[0]);
    seen.ok[1] = SystemTimeToFileTime(&seen.st[0], &seen.ft[0]);
    SYSTEMTIME leap = { 2024, 2, 0, 29, 23, 59, 59, 999 };
    seen.ok[2] = SystemTimeToFileTime(&leap, &seen.ft[1]);
    seen.ok[3] = FileTimeToSystemTime(&seen.ft[1], &seen.st[1]);
    SYSTEMTIME not_leap = { 1900, 2, 0, 29, 0, 0, 0, 0 };
    seen.ok[4] = SystemTimeToFileTime(&not_leap, &seen.ft[2]);
    seen.error[4] = GetLastError();
    /* x64 lets a FILETIME lie at any offset (in a driver's packed item): read where it lies. */
    static unsigned char packed[3 + sizeof(FILETIME) + sizeof(SYSTEMTIME) + 1];
    memcpy(packed + 3, &boot, sizeof boot);
    seen.ok[7] = FileTimeToLocalFileTime((const FILETIME *)(packed + 3), (FILETIME *)(packed + 3));
    seen.ok[7] &= FileTimeToSystemTime((const FILETIME *)(packed + 3),
                                       (SYSTEMTIME *)(packed + 3 + sizeof(FILETIME)));
    memcpy(&seen.st[2], packed + 3 + sizeof(FILETIME), sizeof(SYSTEMTIME));
    SYSTEMTIME century = { 2000, 2, 0, 29, 12, 0, 0, 0 };
    seen.ok[5] = SystemTimeToFileTime(&century, &seen.ft[2]);
    seen.ok[6] = FileTimeToLocalFileTime(&boot, &seen.ft[2]);
    return 0;
}

static void file_times_convert_as_windows_does(void **state)
{
    (void)state;
    assert_int_equal(run_program(converting), 0);
    assert_true(seen.ok[0]);
    /* 2026-01-01 00:00:00.000, a Thursday. */
    SYSTEMTIME want = { 2026, 1, 4, 1, 0, 0, 0, 0 };
    assert_memory_equal(&seen.st[0], &want, sizeof want);
    assert_true(seen.ok[1]);
    assert_int_equal((uint64_t)seen.ft[0].dwHighDateTime << 32 | seen.ft[0].dwLowDateTime, NTSIM_BOOT_TIME);
    assert_true(seen.ok[2] && seen.ok[3]);
    SYSTEMTIME leap = { 2024, 2, 4, 29, 23, 59, 59, 999 }; /* a Thursday too */
    assert_memory_equal(&seen.st[1], &leap, sizeof leap);
    assert_false(seen.ok[4]);
    assert_int_equal(seen.error[4], 87);
    assert_true(seen.ok[5]);
    assert_true(seen.ok[6]); /* UTC: the same time */
    assert_true(seen.ok[7]);
    assert_memory_equal(&seen.st[2], &want, sizeof want); /* from misaligned structures, the same answer */
    assert_int_equal(seen.ft[2].dwLowDateTime, (DWORD)NTSIM_BOOT_TIME);
}

/* ---- processes ------------------------------------------------------------------ */

static int exits_early(int argc, char **argv)
{
    (void)argc, (void)argv;
    seen.bytes[0] = GetCurrentProcessId();
    seen.bytes[1] = GetCurrentThreadId();
    ExitProcess(42);
    seen.bytes[2] = 1; /* not reached */
    return 0;
}

static void exit_process_ends_the_program_with_its_code(void **state)
{
    (void)state;
    assert_int_equal(run_program(exits_early), 42);
    assert_int_not_equal(seen.bytes[0], 0);
    assert_int_not_equal(seen.bytes[1], 0);
    assert_int_equal(seen.bytes[0] % 4, 0);
    assert_int_equal(seen.bytes[2], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(create_file_opens_devices_and_says_why_not, setup, teardown),
        cmocka_unit_test_setup_teardown(read_write_and_control_reach_the_driver, setup, teardown),
        cmocka_unit_test_setup_teardown(last_error_is_kept_in_the_teb, setup, teardown),
        cmocka_unit_test_setup_teardown(sleep_moves_the_virtual_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(file_times_convert_as_windows_does, setup, teardown),
        cmocka_unit_test_setup_teardown(exit_process_ends_the_program_with_its_code, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
