/*
 * test_io_notify.c - drivers and notifications through the C API: loading
 * and unloading, registration limits and errors, call order, the context
 * each routine runs in, refusing a creation, pool tracking, devices and
 * requests.
 */
#define _POSIX_C_SOURCE 200809L /* fork, for the double free's bug check */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ntsim/ntsim.h"
#include "ntsim/wdk.h"

/* What the test drivers saw; one test at a time, so plain statics will do. */
static struct {
    char log[64][64];
    int count;
    NTSTATUS refuse;
    int events;
} seen;

static void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (seen.count < 64)
        vsnprintf(seen.log[seen.count++], sizeof seen.log[0], fmt, ap);
    va_end(ap);
}

static void on_process_a(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    (void)Process;
    if (CreateInfo) {
        note("A create %u by %u/%u cur %u/%u", HandleToULong(ProcessId), HandleToULong(CreateInfo->CreatingThreadId.UniqueProcess),
             HandleToULong(CreateInfo->CreatingThreadId.UniqueThread), HandleToULong(PsGetCurrentProcessId()),
             HandleToULong(PsGetCurrentThreadId()));
        if (seen.refuse)
            CreateInfo->CreationStatus = seen.refuse;
    } else {
        note("A exit %u cur %u", HandleToULong(ProcessId), HandleToULong(PsGetCurrentThreadId()));
    }
}

static void on_process_b(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    (void)Process;
    note("B %s %u", CreateInfo ? "create" : "exit", HandleToULong(ProcessId));
}

static void on_thread(HANDLE ProcessId, HANDLE ThreadId, BOOLEAN Create)
{
    note("T %s %u/%u cur %u/%u", Create ? "create" : "exit", HandleToULong(ProcessId), HandleToULong(ThreadId),
         HandleToULong(PsGetCurrentProcessId()), HandleToULong(PsGetCurrentThreadId()));
}

static void on_thread_ex(HANDLE ProcessId, HANDLE ThreadId, BOOLEAN Create)
{
    note("X %s %u/%u cur %u", Create ? "create" : "exit", HandleToULong(ProcessId), HandleToULong(ThreadId),
         HandleToULong(PsGetCurrentThreadId()));
}

static void on_image(PUNICODE_STRING FullImageName, HANDLE ProcessId, PIMAGE_INFO ImageInfo)
{
    char name[64] = { 0 };
    for (int i = 0; i < FullImageName->Length / 2 && i < 63; i++)
        name[i] = (char)FullImageName->Buffer[i];
    const char *file = strrchr(name, '\\');
    note("I %u %s cur %u sys %u mode %u", HandleToULong(ProcessId), file ? file + 1 : name,
         HandleToULong(PsGetCurrentProcessId()), (unsigned)ImageInfo->SystemModeImage,
         (unsigned)ImageInfo->ImageAddressingMode);
}

static void unload_all(PDRIVER_OBJECT d)
{
    (void)d;
    PsSetCreateProcessNotifyRoutineEx(on_process_a, TRUE);
    PsSetCreateProcessNotifyRoutineEx(on_process_b, TRUE);
    PsRemoveCreateThreadNotifyRoutine(on_thread);
    PsRemoveCreateThreadNotifyRoutine(on_thread_ex);
    PsRemoveLoadImageNotifyRoutine(on_image);
}

static NTSTATUS entry_all(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)reg;
    d->DriverUnload = unload_all;
    NTSTATUS s = PsSetCreateProcessNotifyRoutineEx(on_process_a, FALSE);
    if (NT_SUCCESS(s))
        s = PsSetCreateProcessNotifyRoutineEx(on_process_b, FALSE);
    if (NT_SUCCESS(s))
        s = PsSetCreateThreadNotifyRoutine(on_thread);
    if (NT_SUCCESS(s))
        s = PsSetCreateThreadNotifyRoutineEx(PsCreateThreadNotifyNonSystem, (PVOID)on_thread_ex);
    if (NT_SUCCESS(s))
        s = PsSetLoadImageNotifyRoutine(on_image);
    return s;
}

static void count_events(void *ctx, const ntsim_event *e)
{
    (void)ctx;
    (void)e;
    seen.events++;
}

static ntsim_system *boot(ntsim_arch arch)
{
    ntsim_config c;
    ntsim_system *sys;
    ntsim_config_default(&c);
    c.arch = arch;
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_SUCCESS);
    memset(&seen, 0, sizeof seen);
    ntsim_set_event_sink(sys, count_events, NULL);
    return sys;
}

static CLIENT_ID launch(ntsim_system *sys, const char *image)
{
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID cid = { 0, 0 };
    ntsim_process_params_default(&p, image);
    p.arch = NTSIM_ARCH_X86;
    ntsim_set_current_thread(sys, 8);
    NTSIM_PROCESS_INFO info;
    ntsim_query_process(sys, 4, &info);
    ntsim_config c;
    (void)c;
    NTSTATUS s = ntsim_create_process(sys, &p, &cid);
    if (s == STATUS_INVALID_IMAGE_FORMAT) {
        p.arch = NTSIM_ARCH_X64;
        s = ntsim_create_process(sys, &p, &cid);
    }
    (void)s;
    return cid;
}

static void routines_run_in_registration_order_and_the_documented_context(void **state)
{
    (void)state;
    ntsim_system *sys = boot(NTSIM_ARCH_X64);
    assert_int_equal(ntsim_load_driver(sys, "all", entry_all, NULL, 0), STATUS_SUCCESS);
    seen.count = 0;
    CLIENT_ID c = launch(sys, "C:\\x.exe");
    /* Process (A then B) in the creator's context (System's thread 8); the
       plain thread routine in the creator's context, the Ex one on the new
       thread; images in the new process. */
    char want[6][64];
    snprintf(want[0], 64, "A create %u by 4/8 cur 4/8", c.UniqueProcess);
    snprintf(want[1], 64, "B create %u", c.UniqueProcess);
    snprintf(want[2], 64, "T create %u/%u cur 4/8", c.UniqueProcess, c.UniqueThread);
    snprintf(want[3], 64, "X create %u/%u cur %u", c.UniqueProcess, c.UniqueThread, c.UniqueThread);
    snprintf(want[4], 64, "I %u x.exe cur %u sys 0 mode 3", c.UniqueProcess, c.UniqueProcess);
    snprintf(want[5], 64, "I %u ntdll.dll cur %u sys 0 mode 3", c.UniqueProcess, c.UniqueProcess);
    assert_int_equal(seen.count, 6);
    for (int i = 0; i < 6; i++)
        assert_string_equal(seen.log[i], want[i]);
    /* Exit: the thread routines on the exiting thread, then the process routines. */
    seen.count = 0;
    assert_int_equal(ntsim_exit_process(sys, c.UniqueProcess, 0), STATUS_SUCCESS);
    snprintf(want[0], 64, "T exit %u/%u cur %u/%u", c.UniqueProcess, c.UniqueThread, c.UniqueProcess,
             c.UniqueThread);
    snprintf(want[1], 64, "X exit %u/%u cur %u", c.UniqueProcess, c.UniqueThread, c.UniqueThread);
    snprintf(want[2], 64, "A exit %u cur %u", c.UniqueProcess, c.UniqueThread);
    snprintf(want[3], 64, "B exit %u", c.UniqueProcess);
    assert_int_equal(seen.count, 4);
    for (int i = 0; i < 4; i++)
        assert_string_equal(seen.log[i], want[i]);
    assert_int_equal(ntsim_unload_driver(sys, "all"), STATUS_SUCCESS);
    seen.count = 0;
    launch(sys, "C:\\y.exe");
    assert_int_equal(seen.count, 0); /* unregistered at unload */
    ntsim_system_destroy(sys);
}

static void remote_thread_plain_routine_sees_the_creator(void **state)
{
    (void)state;
    ntsim_system *sys = boot(NTSIM_ARCH_X64);
    assert_int_equal(ntsim_load_driver(sys, "all", entry_all, NULL, 0), STATUS_SUCCESS);
    CLIENT_ID a = launch(sys, "C:\\a.exe"), b = launch(sys, "C:\\b.exe");
    seen.count = 0;
    ntsim_set_current_thread(sys, a.UniqueThread);
    CLIENT_ID t;
    assert_int_equal(ntsim_create_thread(sys, b.UniqueProcess, 0, false, &t), STATUS_SUCCESS);
    char want[64];
    snprintf(want, 64, "T create %u/%u cur %u/%u", b.UniqueProcess, t.UniqueThread, a.UniqueProcess, a.UniqueThread);
    assert_string_equal(seen.log[0], want);
    ntsim_system_destroy(sys);
}

static void refused_creation_returns_the_status_and_nothing_follows(void **state)
{
    (void)state;
    ntsim_system *sys = boot(NTSIM_ARCH_X64);
    assert_int_equal(ntsim_load_driver(sys, "all", entry_all, NULL, 0), STATUS_SUCCESS);
    seen.refuse = STATUS_ACCESS_DENIED;
    seen.count = 0;
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID cid;
    ntsim_process_params_default(&p, "C:\\evil.exe");
    ntsim_set_current_thread(sys, 8);
    assert_int_equal(ntsim_create_process(sys, &p, &cid), STATUS_ACCESS_DENIED);
    assert_int_equal(seen.count, 1); /* A refused; B, threads and images never hear of it */
    assert_int_equal(cid.UniqueProcess, 0);
    NTSIM_PROCESS_INFO info;
    assert_int_equal(ntsim_query_process(sys, 12, &info), STATUS_INVALID_CID);
    seen.refuse = 0;
    ntsim_system_destroy(sys);
}

static int filler_count;
static void filler0(HANDLE p, HANDLE t, BOOLEAN c) { (void)p; (void)t; (void)c; filler_count++; }

static NTSTATUS entry_fill_threads(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)d;
    (void)reg;
    /* The same routine may be registered again for thread notifications. */
    ULONG n = 0;
    while (NT_SUCCESS(PsSetCreateThreadNotifyRoutine(filler0)))
        n++;
    DbgPrint("registered %u", n);
    NTSTATUS s = PsSetCreateThreadNotifyRoutine(filler0);
    return s == STATUS_INSUFFICIENT_RESOURCES ? STATUS_UNSUCCESSFUL : STATUS_SUCCESS;
}

static const char *last_dbgprint;
static char dbg_text[128];

static void catch_dbgprint(void *ctx, const ntsim_event *e)
{
    (void)ctx;
    if (e->kind == NTSIM_EVENT_DBGPRINT) {
        snprintf(dbg_text, sizeof dbg_text, "%s", e->text);
        last_dbgprint = dbg_text;
    }
}

static void thread_routines_are_limited_to_64_on_x64_and_8_on_x86(void **state)
{
    (void)state;
    for (int arch = 0; arch < 2; arch++) {
        ntsim_system *sys = boot(arch == 0 ? NTSIM_ARCH_X64 : NTSIM_ARCH_X86);
        ntsim_set_event_sink(sys, catch_dbgprint, NULL);
        assert_int_equal(ntsim_load_driver(sys, "fill", entry_fill_threads, NULL, 0), STATUS_UNSUCCESSFUL);
        assert_string_equal(last_dbgprint, arch == 0 ? "registered 64" : "registered 8");
        ntsim_system_destroy(sys);
    }
}

static NTSTATUS entry_errors(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)d;
    (void)reg;
    assert_int_equal(PsRemoveCreateThreadNotifyRoutine(on_thread), STATUS_PROCEDURE_NOT_FOUND);
    assert_int_equal(PsRemoveLoadImageNotifyRoutine(on_image), STATUS_PROCEDURE_NOT_FOUND);
    assert_int_equal(PsSetCreateProcessNotifyRoutineEx(on_process_a, TRUE), STATUS_PROCEDURE_NOT_FOUND);
    assert_int_equal(PsSetCreateProcessNotifyRoutineEx(on_process_a, FALSE), STATUS_SUCCESS);
    assert_int_equal(PsSetCreateProcessNotifyRoutineEx(on_process_a, FALSE), STATUS_INVALID_PARAMETER);
    assert_int_equal(PsSetCreateProcessNotifyRoutineEx(on_process_a, TRUE), STATUS_SUCCESS);
    return STATUS_UNSUCCESSFUL;
}

static void registration_errors_are_windows_statuses(void **state)
{
    (void)state;
    ntsim_system *sys = boot(NTSIM_ARCH_X64);
    assert_int_equal(ntsim_load_driver(sys, "errors", entry_errors, NULL, 0), STATUS_UNSUCCESSFUL);
    ntsim_system_destroy(sys);
}

static struct {
    char tag[8];
    ULONG blocks;
    SIZE_T bytes;
    int leaks;
} leak;

static void catch_leak(void *ctx, const ntsim_event *e)
{
    (void)ctx;
    if (e->kind == NTSIM_EVENT_POOL_LEAK) {
        snprintf(leak.tag, sizeof leak.tag, "%s", e->text);
        leak.blocks = e->count;
        leak.bytes = e->size;
        leak.leaks++;
    }
}

static void leaky_unload(PDRIVER_OBJECT d)
{
    (void)d;
}

static NTSTATUS entry_leaky(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)reg;
    d->DriverUnload = leaky_unload;
    unsigned char *a = ExAllocatePoolWithTag(PagedPool, 100, 'kaeL');
    unsigned char *b = ExAllocatePool2(POOL_FLAG_PAGED, 28, 'kaeL');
    unsigned char *c = ExAllocatePool2(POOL_FLAG_PAGED, 8, 'eerF');
    if (!a || !b || !c || a[99] != 0 || b[0] != 0)
        return STATUS_UNSUCCESSFUL; /* blocks come zeroed */
    ExFreePoolWithTag(c, 'eerF');
    return STATUS_SUCCESS;
}

static void pool_left_at_unload_is_reported_by_tag(void **state)
{
    (void)state;
    ntsim_system *sys = boot(NTSIM_ARCH_X64);
    memset(&leak, 0, sizeof leak);
    ntsim_set_event_sink(sys, catch_leak, NULL);
    assert_int_equal(ntsim_load_driver(sys, "leaky", entry_leaky, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(leak.leaks, 0);
    assert_int_equal(ntsim_unload_driver(sys, "leaky"), STATUS_SUCCESS);
    assert_int_equal(leak.leaks, 1);
    assert_string_equal(leak.tag, "Leak");
    assert_int_equal(leak.blocks, 2);
    assert_int_equal(leak.bytes, 128);
    assert_int_equal(ntsim_unload_driver(sys, "leaky"), STATUS_OBJECT_NAME_NOT_FOUND);
    ntsim_system_destroy(sys);
}

static void quiet_unload(PDRIVER_OBJECT d)
{
    (void)d;
}

/* A freed block may come back from a lookaside list: still zeroed. */
static NTSTATUS entry_recycler(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)reg;
    d->DriverUnload = quiet_unload;
    for (int round = 0; round < 3; round++) {
        unsigned char *a = ExAllocatePoolWithTag(PagedPool, 40, 'cyeR');
        if (!a)
            return STATUS_NO_MEMORY;
        for (int i = 0; i < 40; i++)
            if (a[i] != 0)
                return STATUS_UNSUCCESSFUL;
        memset(a, 0xAB, 40);
        ExFreePoolWithTag(a, 'cyeR');
    }
    return STATUS_SUCCESS;
}

static void recycled_pool_comes_back_zeroed(void **state)
{
    (void)state;
    ntsim_system *sys = boot(NTSIM_ARCH_X64);
    memset(&leak, 0, sizeof leak);
    ntsim_set_event_sink(sys, catch_leak, NULL);
    assert_int_equal(ntsim_load_driver(sys, "recycler", entry_recycler, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(ntsim_unload_driver(sys, "recycler"), STATUS_SUCCESS);
    assert_int_equal(leak.leaks, 0);
    ntsim_system_destroy(sys);
}

static NTSTATUS entry_double_free(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)d;
    (void)reg;
    void *a = ExAllocatePoolWithTag(PagedPool, 24, 'lbuD');
    ExFreePoolWithTag(a, 'lbuD');
    ExFreePoolWithTag(a, 'lbuD'); /* the driver's bug */
    return STATUS_SUCCESS;
}

static void double_free_stops_the_system(void **state)
{
    (void)state;
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        freopen("/dev/null", "w", stderr);
        ntsim_system *sys = boot(NTSIM_ARCH_X64);
        ntsim_load_driver(sys, "doublefree", entry_double_free, NULL, 0);
        _exit(0); /* not reached: the second free stops it (a bug check, or AddressSanitizer) */
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0));
}

/* A device that echoes what was written, through buffered I/O. */
static unsigned char stored[16];
static ULONG stored_len;

static NTSTATUS echo_complete(PIRP irp, NTSTATUS s, ULONG_PTR info)
{
    irp->IoStatus.Status = s;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return s;
}

static NTSTATUS (*echo_cleanup_hook)(PDEVICE_OBJECT, PIRP);

static NTSTATUS echo_create(PDEVICE_OBJECT dev, PIRP irp)
{
    if (echo_cleanup_hook && IoGetCurrentIrpStackLocation(irp)->MajorFunction != IRP_MJ_CREATE)
        return echo_cleanup_hook(dev, irp);
    return echo_complete(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS echo_write(PDEVICE_OBJECT dev, PIRP irp)
{
    (void)dev;
    ULONG len = IoGetCurrentIrpStackLocation(irp)->Parameters.Write.Length;
    if (len > sizeof stored)
        return echo_complete(irp, STATUS_BUFFER_TOO_SMALL, 0);
    memcpy(stored, irp->AssociatedIrp.SystemBuffer, len);
    stored_len = len;
    return echo_complete(irp, STATUS_SUCCESS, len);
}

static NTSTATUS echo_read(PDEVICE_OBJECT dev, PIRP irp)
{
    (void)dev;
    ULONG len = IoGetCurrentIrpStackLocation(irp)->Parameters.Read.Length;
    ULONG n = len < stored_len ? len : stored_len;
    memcpy(irp->AssociatedIrp.SystemBuffer, stored, n);
    return echo_complete(irp, STATUS_SUCCESS, n);
}

static void echo_unload(PDRIVER_OBJECT d)
{
    UNICODE_STRING link = RTL_CONSTANT_STRING(u"\\??\\Echo");
    IoDeleteSymbolicLink(&link);
    IoDeleteDevice(d->DeviceObject);
}

static NTSTATUS echo_entry(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)reg;
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\Device\\Echo"), link = RTL_CONSTANT_STRING(u"\\??\\Echo");
    PDEVICE_OBJECT dev;
    NTSTATUS s = IoCreateDevice(d, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev);
    if (!NT_SUCCESS(s))
        return s;
    dev->Flags |= DO_BUFFERED_IO;
    s = IoCreateSymbolicLink(&link, &name);
    if (!NT_SUCCESS(s)) {
        IoDeleteDevice(dev);
        return s;
    }
    d->DriverUnload = echo_unload;
    d->MajorFunction[IRP_MJ_CREATE] = d->MajorFunction[IRP_MJ_CLOSE] = d->MajorFunction[IRP_MJ_CLEANUP] = echo_create;
    d->MajorFunction[IRP_MJ_READ] = echo_read;
    d->MajorFunction[IRP_MJ_WRITE] = echo_write;
    return STATUS_SUCCESS;
}

static void client_reads_what_it_wrote_through_the_device(void **state)
{
    (void)state;
    ntsim_system *sys = boot(NTSIM_ARCH_X64);
    assert_int_equal(ntsim_load_driver(sys, "echo", echo_entry, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(ntsim_load_driver(sys, "echo", echo_entry, NULL, 0), STATUS_IMAGE_ALREADY_LOADED);
    ULONG bytes;
    assert_int_equal(ntsim_device_write(sys, "\\??\\Echo", "hello", 5, &bytes), STATUS_SUCCESS);
    assert_int_equal(bytes, 5);
    char buf[8] = { 0 };
    assert_int_equal(ntsim_device_read(sys, "\\??\\echo", buf, 3, &bytes), STATUS_SUCCESS);
    assert_int_equal(bytes, 3);
    assert_memory_equal(buf, "hel", 3);
    char big[32] = { 0 };
    assert_int_equal(ntsim_device_write(sys, "\\??\\Echo", big, sizeof big, &bytes), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(bytes, 0);
    assert_int_equal(ntsim_unload_driver(sys, "echo"), STATUS_SUCCESS);
    assert_int_equal(ntsim_device_read(sys, "\\??\\Echo", buf, 3, &bytes), STATUS_OBJECT_NAME_NOT_FOUND);
    ntsim_system_destroy(sys);
}

static NTSTATUS entry_options(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)reg;
    const char *v;
    if (!NT_SUCCESS(IoQueryDriverOption(d, "limit", &v)) || strcmp(v, "5") != 0)
        return STATUS_UNSUCCESSFUL;
    if (IoQueryDriverOption(d, "nothing", &v) != STATUS_OBJECT_NAME_NOT_FOUND)
        return STATUS_UNSUCCESSFUL;
    if (ExGetPreviousMode() != KernelMode || HandleToULong(PsGetCurrentProcessId()) != 4)
        return STATUS_UNSUCCESSFUL; /* DriverEntry runs in the System process */
    return STATUS_SUCCESS;
}

static void driver_entry_runs_in_system_with_its_options(void **state)
{
    (void)state;
    ntsim_system *sys = boot(NTSIM_ARCH_X64);
    const char *opts[] = { "limit=5" };
    assert_int_equal(ntsim_load_driver(sys, "opts", entry_options, opts, 1), STATUS_SUCCESS);
    /* No DriverUnload: it cannot be unloaded. */
    assert_int_equal(ntsim_unload_driver(sys, "opts"), STATUS_INVALID_DEVICE_REQUEST);
    ntsim_system_destroy(sys);
}

static NTSTATUS entry_enum(PDRIVER_OBJECT d, PUNICODE_STRING reg)
{
    (void)d;
    (void)reg;
    ULONG need = 0;
    if (ZwQuerySystemInformation(SystemProcessInformation, NULL, 0, &need) != STATUS_INFO_LENGTH_MISMATCH)
        return STATUS_UNSUCCESSFUL;
    unsigned char *buf = ExAllocatePool2(POOL_FLAG_PAGED, need + 4096, 'mune');
    NTSTATUS s = ZwQuerySystemInformation(SystemProcessInformation, buf, need + 4096, NULL);
    if (NT_SUCCESS(s)) {
        SYSTEM_PROCESS_INFORMATION *spi = (SYSTEM_PROCESS_INFORMATION *)buf;
        spi = (SYSTEM_PROCESS_INFORMATION *)(buf + spi->NextEntryOffset); /* System */
        const WCHAR *name = (const WCHAR *)(uintptr_t)spi->ImageName.Buffer; /* kernel mode: our own buffer */
        DbgPrint("%u %c%c", (unsigned)spi->UniqueProcessId, (char)name[0], (char)name[1]);
    }
    ExFreePool(buf);
    return STATUS_UNSUCCESSFUL;
}

static void zw_call_from_a_driver_uses_kernel_pointers(void **state)
{
    (void)state;
    ntsim_system *sys = boot(NTSIM_ARCH_X64);
    ntsim_set_event_sink(sys, catch_dbgprint, NULL);
    last_dbgprint = NULL;
    assert_int_equal(ntsim_load_driver(sys, "enum", entry_enum, NULL, 0), STATUS_UNSUCCESSFUL);
    assert_non_null(last_dbgprint);
    assert_string_equal(last_dbgprint, "4 Sy");
    ntsim_system_destroy(sys);
}

static int cleanups, closes;

static NTSTATUS echo_cleanup(PDEVICE_OBJECT dev, PIRP irp)
{
    (void)dev;
    if (IoGetCurrentIrpStackLocation(irp)->MajorFunction == IRP_MJ_CLEANUP)
        cleanups++;
    else
        closes++;
    return echo_complete(irp, STATUS_SUCCESS, 0);
}

static void user_process_reads_and_writes_a_device_through_handles(void **state)
{
    (void)state;
    ntsim_system *sys = boot(NTSIM_ARCH_X64);
    assert_int_equal(ntsim_load_driver(sys, "echo", echo_entry, NULL, 0), STATUS_SUCCESS);
    CLIENT_ID app = launch(sys, "C:\\client.exe");
    ntsim_set_current_thread(sys, app.UniqueThread);
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\??\\Echo");
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, 0, NULL, NULL);
    IO_STATUS_BLOCK iosb = { 0 };
    HANDLE h;
    assert_int_equal(NtCreateFile(sys, &h, GENERIC_READ | GENERIC_WRITE, &oa, &iosb, NULL, 0, 0, 1, 0, NULL, 0),
                     STATUS_SUCCESS);
    assert_int_equal(iosb.Status, STATUS_SUCCESS);
    assert_int_equal(NtWriteFile(sys, h, NULL, NULL, NULL, &iosb, "abcdef", 6, NULL, NULL), STATUS_SUCCESS);
    assert_int_equal(iosb.Information, 6);
    char buf[8] = { 0 };
    assert_int_equal(NtReadFile(sys, h, NULL, NULL, NULL, &iosb, buf, 4, NULL, NULL), STATUS_SUCCESS);
    assert_int_equal(iosb.Information, 4);
    assert_memory_equal(buf, "abcd", 4);
    /* A process handle is no file; a file handle without read access cannot read. */
    HANDLE self;
    CLIENT_ID me = { app.UniqueProcess, 0 };
    NtOpenProcess(sys, &self, PROCESS_ALL_ACCESS, &me);
    assert_int_equal(NtReadFile(sys, self, NULL, NULL, NULL, &iosb, buf, 4, NULL, NULL), STATUS_OBJECT_TYPE_MISMATCH);
    HANDLE wo;
    assert_int_equal(NtCreateFile(sys, &wo, FILE_WRITE_DATA, &oa, &iosb, NULL, 0, 0, 1, 0, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(NtReadFile(sys, wo, NULL, NULL, NULL, &iosb, buf, 4, NULL, NULL), STATUS_ACCESS_DENIED);
    UNICODE_STRING none = RTL_CONSTANT_STRING(u"\\??\\Nothing");
    oa.ObjectName = &none;
    HANDLE bad;
    assert_int_equal(NtCreateFile(sys, &bad, GENERIC_READ, &oa, &iosb, NULL, 0, 0, 1, 0, NULL, 0),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    ntsim_system_destroy(sys);
}

static void closing_the_last_handle_sends_cleanup_then_close(void **state)
{
    (void)state;
    ntsim_system *sys = boot(NTSIM_ARCH_X64);
    assert_int_equal(ntsim_load_driver(sys, "echo", echo_entry, NULL, 0), STATUS_SUCCESS);
    CLIENT_ID app = launch(sys, "C:\\client.exe");
    ntsim_set_current_thread(sys, app.UniqueThread);
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\Device\\Echo");
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, 0, NULL, NULL);
    IO_STATUS_BLOCK iosb;
    HANDLE h, h2;
    cleanups = closes = 0;
    assert_int_equal(NtCreateFile(sys, &h, GENERIC_READ, &oa, &iosb, NULL, 0, 0, 1, 0, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), h, NtCurrentProcess(), &h2, 0, 0,
                                       DUPLICATE_SAME_ACCESS),
                     STATUS_SUCCESS);
    echo_cleanup_hook = echo_cleanup;
    assert_int_equal(NtClose(sys, h), STATUS_SUCCESS);
    assert_int_equal(cleanups + closes, 0); /* another handle remains */
    assert_int_equal(NtClose(sys, h2), STATUS_SUCCESS);
    assert_int_equal(cleanups, 1);
    assert_int_equal(closes, 1);
    echo_cleanup_hook = NULL;
    ntsim_system_destroy(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(routines_run_in_registration_order_and_the_documented_context),
        cmocka_unit_test(remote_thread_plain_routine_sees_the_creator),
        cmocka_unit_test(refused_creation_returns_the_status_and_nothing_follows),
        cmocka_unit_test(thread_routines_are_limited_to_64_on_x64_and_8_on_x86),
        cmocka_unit_test(registration_errors_are_windows_statuses),
        cmocka_unit_test(pool_left_at_unload_is_reported_by_tag),
        cmocka_unit_test(recycled_pool_comes_back_zeroed),
        cmocka_unit_test(double_free_stops_the_system),
        cmocka_unit_test(client_reads_what_it_wrote_through_the_device),
        cmocka_unit_test(driver_entry_runs_in_system_with_its_options),
        cmocka_unit_test(zw_call_from_a_driver_uses_kernel_pointers),
        cmocka_unit_test(user_process_reads_and_writes_a_device_through_handles),
        cmocka_unit_test(closing_the_last_handle_sends_cleanup_then_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
