/*
 * test_win32_sysinfo.c - kernel32's system information (src/win32/sysinfo.c)
 * as a program's thread calls it: GetSystemInfo / GetNativeSystemInfo for a
 * native and a WOW64 process, IsWow64Process(2), and the DOS device map
 * through QueryDosDeviceW and GetLogicalDrives with Windows' results for a
 * name, all names, an unknown name and a buffer too small.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ke/context.h"
#include "ntsim/ntsim.h"
#include "ntsim/wdk.h"
#include "win32/kernel32.h"

#define ERROR_FILE_NOT_FOUND 2
#define ERROR_ACCESS_DENIED 5
#define ERROR_INVALID_HANDLE 6
#define ERROR_INSUFFICIENT_BUFFER 122

typedef struct fixture {
    ntsim_system *sys;
    ULONG native_tid, wow64_tid, wow64_pid;
    ke_context saved;
} fixture;

static int setup(void **state)
{
    static fixture f;
    ntsim_config c;
    ntsim_config_default(&c);
    c.cpus = 4;
    assert_int_equal(ntsim_system_create(&c, &f.sys), STATUS_SUCCESS);
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID cid;
    ntsim_process_params_default(&p, "C:\\app.exe");
    assert_int_equal(ntsim_create_process(f.sys, &p, &cid), STATUS_SUCCESS);
    f.native_tid = cid.UniqueThread;
    ntsim_process_params_default(&p, "C:\\old32.exe");
    p.arch = NTSIM_ARCH_X86;
    assert_int_equal(ntsim_create_process(f.sys, &p, &cid), STATUS_SUCCESS);
    f.wow64_tid = cid.UniqueThread;
    f.wow64_pid = cid.UniqueProcess;
    assert_int_equal(ntsim_set_current_thread(f.sys, f.native_tid), STATUS_SUCCESS);
    f.saved = ke_enter(f.sys, NULL, NULL);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ke_leave(f->saved);
    ntsim_system_destroy(f->sys);
    return 0;
}

static ULONG_PTR at(const void *p)
{
    return (ULONG_PTR)(uintptr_t)p;
}

static void system_info_of_a_native_process_is_amd64(void **state)
{
    (void)state;
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    assert_int_equal(si.wProcessorArchitecture, 9); /* PROCESSOR_ARCHITECTURE_AMD64 */
    assert_int_equal(si.dwProcessorType, 8664);
    assert_int_equal(si.dwPageSize, 4096);
    assert_int_equal(si.dwAllocationGranularity, 0x10000);
    assert_int_equal(at(si.lpMinimumApplicationAddress), 0x10000);
    assert_int_equal(at(si.lpMaximumApplicationAddress), 0x7FFFFFFEFFFFull);
    assert_int_equal(si.dwNumberOfProcessors, 4);
    assert_int_equal(si.dwActiveProcessorMask, 0xF);
}

static void system_info_of_a_wow64_process_is_x86_and_native_is_amd64(void **state)
{
    fixture *f = *state;
    ntsim_set_current_thread(f->sys, f->wow64_tid);
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    assert_int_equal(si.wProcessorArchitecture, 0); /* PROCESSOR_ARCHITECTURE_INTEL */
    assert_int_equal(si.dwProcessorType, 586);
    assert_int_equal(at(si.lpMaximumApplicationAddress), 0x7FFEFFFF);
    GetNativeSystemInfo(&si);
    assert_int_equal(si.wProcessorArchitecture, 9);
    assert_int_equal(si.dwProcessorType, 8664);
    ntsim_set_current_thread(f->sys, f->native_tid);
}

static void is_wow64_process_tells_the_two_apart(void **state)
{
    fixture *f = *state;
    BOOL wow64 = 7;
    assert_true(IsWow64Process(GetCurrentProcess(), &wow64));
    assert_int_equal(wow64, 0);
    CLIENT_ID cid = { f->wow64_pid, 0 };
    HANDLE h;
    assert_int_equal(NtOpenProcess(f->sys, &h, PROCESS_QUERY_LIMITED_INFORMATION, &cid), STATUS_SUCCESS);
    assert_true(IsWow64Process(h, &wow64));
    assert_int_equal(wow64, 1);
    USHORT process_machine = 1, native_machine = 1;
    assert_true(IsWow64Process2(h, &process_machine, &native_machine));
    assert_int_equal(process_machine, 0x014C);
    assert_int_equal(native_machine, 0x8664);
    assert_true(IsWow64Process2(GetCurrentProcess(), &process_machine, NULL));
    assert_int_equal(process_machine, 0); /* IMAGE_FILE_MACHINE_UNKNOWN: not WOW64 */
    CloseHandle(h);
}

static void is_wow64_process_needs_a_query_right(void **state)
{
    fixture *f = *state;
    CLIENT_ID cid = { f->wow64_pid, 0 };
    HANDLE h;
    assert_int_equal(NtOpenProcess(f->sys, &h, SYNCHRONIZE, &cid), STATUS_SUCCESS);
    BOOL wow64;
    assert_false(IsWow64Process(h, &wow64));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    CloseHandle(h);
    assert_false(IsWow64Process((HANDLE)(uintptr_t)0x1234, &wow64));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
}

static void query_dos_device_names_the_system_volume(void **state)
{
    (void)state;
    WCHAR target[64];
    DWORD n = QueryDosDeviceW(u"C:", target, 64);
    assert_int_equal(n, 23 + 2); /* the target, its terminator, the list's */
    assert_memory_equal(target, u"\\Device\\HarddiskVolume3\0", 25 * sizeof(WCHAR));
    assert_int_equal(QueryDosDeviceW(u"c:", target, 64), 25); /* names are case-insensitive */
}

static void query_dos_device_of_an_unknown_name_is_file_not_found(void **state)
{
    (void)state;
    WCHAR target[64];
    SetLastError(0);
    assert_int_equal(QueryDosDeviceW(u"Q:", target, 64), 0);
    assert_int_equal(GetLastError(), ERROR_FILE_NOT_FOUND);
}

static void query_dos_device_into_too_small_a_buffer_is_insufficient(void **state)
{
    (void)state;
    WCHAR target[64];
    assert_int_equal(QueryDosDeviceW(u"C:", target, 24), 0); /* one short of both terminators */
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(QueryDosDeviceW(NULL, target, 3), 0);
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
}

static void query_dos_device_of_null_lists_every_name(void **state)
{
    (void)state;
    UNICODE_STRING link, device;
    RtlInitUnicodeString(&link, u"\\??\\KMelody");
    RtlInitUnicodeString(&device, u"\\Device\\KMelody");
    assert_int_equal(IoCreateSymbolicLink(&link, &device), STATUS_SUCCESS);
    RtlInitUnicodeString(&link, u"\\DosDevices\\Z:");
    RtlInitUnicodeString(&device, u"\\Device\\Zip");
    assert_int_equal(IoCreateSymbolicLink(&link, &device), STATUS_SUCCESS);
    WCHAR names[64];
    DWORD n = QueryDosDeviceW(NULL, names, 64);
    assert_int_equal(n, 3 + 8 + 3 + 1);
    assert_memory_equal(names, u"C:\0KMelody\0Z:\0", n * sizeof(WCHAR));
    WCHAR target[64];
    assert_int_equal(QueryDosDeviceW(u"kmelody", target, 64), 15 + 2);
    assert_memory_equal(target, u"\\Device\\KMelody\0", 17 * sizeof(WCHAR));
    assert_int_equal(GetLogicalDrives(), (1u << 2) | (1u << 25)); /* C: and Z: */
}

static void logical_drives_is_the_system_volume_alone(void **state)
{
    (void)state;
    assert_int_equal(GetLogicalDrives(), 1u << 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(system_info_of_a_native_process_is_amd64),
        T(system_info_of_a_wow64_process_is_x86_and_native_is_amd64),
        T(is_wow64_process_tells_the_two_apart),
        T(is_wow64_process_needs_a_query_right),
        T(query_dos_device_names_the_system_volume),
        T(query_dos_device_of_an_unknown_name_is_file_not_found),
        T(query_dos_device_into_too_small_a_buffer_is_insufficient),
        T(query_dos_device_of_null_lists_every_name),
        T(logical_drives_is_the_system_volume_alone),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
