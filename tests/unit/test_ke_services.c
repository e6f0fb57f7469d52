/*
 * test_sys_services.c - the system service path: number layout and dispatch,
 * invalid numbers, previous mode, probing of user pointers, handle type and
 * access checks, the service argument rules, the table hook and observer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ntsim/ntsim.h"

#define WINDOW 0x200000000ull

typedef struct fixture {
    ntsim_system *sys;
    ULONG pid, tid, other_pid;
} fixture;

static int setup(void **state)
{
    static fixture f;
    ntsim_config c;
    ntsim_config_default(&c);
    assert_int_equal(ntsim_system_create(&c, &f.sys), STATUS_SUCCESS);
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID cid;
    ntsim_process_params_default(&p, "C:\\app.exe");
    assert_int_equal(ntsim_create_process(f.sys, &p, &cid), STATUS_SUCCESS);
    f.pid = cid.UniqueProcess;
    f.tid = cid.UniqueThread;
    ntsim_process_params_default(&p, "C:\\other.exe");
    assert_int_equal(ntsim_create_process(f.sys, &p, &cid), STATUS_SUCCESS);
    f.other_pid = cid.UniqueProcess;
    assert_int_equal(ntsim_set_current_thread(f.sys, f.tid), STATUS_SUCCESS);
    ULONG_PTR base = WINDOW;
    SIZE_T size = 0x10000;
    assert_int_equal(NtAllocateVirtualMemory(f.sys, NtCurrentProcess(), &base, 0, &size, MEM_RESERVE | MEM_COMMIT,
                                             PAGE_READWRITE),
                     STATUS_SUCCESS);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ntsim_system_destroy(f->sys);
    return 0;
}

static NTSTATUS raw(fixture *f, const char *name, ULONG64 a0, ULONG64 a1, ULONG64 a2, ULONG64 a3)
{
    ULONG n;
    assert_int_equal(ntsim_service_number(name, &n), STATUS_SUCCESS);
    ULONG64 args[4] = { a0, a1, a2, a3 };
    return ntsim_system_call(f->sys, n, args, 4);
}

static void numbers_are_windows_10_1607(void **state)
{
    (void)state;
    ULONG n;
    assert_int_equal(ntsim_service_number("NtClose", &n), STATUS_SUCCESS);
    assert_int_equal(n, 0x0F);
    assert_int_equal(ntsim_service_number("NtAllocateVirtualMemory", &n), STATUS_SUCCESS);
    assert_int_equal(n, 0x18);
    assert_int_equal(ntsim_service_number("NtQuerySystemInformation", &n), STATUS_SUCCESS);
    assert_int_equal(n, 0x36);
    assert_int_equal(ntsim_service_number("NtBogus", &n), STATUS_NOT_FOUND);
    assert_int_equal(ntsim_service_limit(), 453); /* 1607's 450, and 1803's NtUnmapViewOfSectionEx at 0x1C4 */
}

static void index_past_the_table_is_an_invalid_service(void **state)
{
    fixture *f = *state;
    ULONG64 args[1] = { 0 };
    assert_int_equal(ntsim_system_call(f->sys, 453, args, 1), STATUS_INVALID_SYSTEM_SERVICE);
    assert_int_equal(ntsim_system_call(f->sys, 0xFFF, args, 1), STATUS_INVALID_SYSTEM_SERVICE);
    /* Table 1 (the GUI services) is empty; tables 2 and 3 do not exist. */
    assert_int_equal(ntsim_system_call(f->sys, 0x1000, args, 1), STATUS_INVALID_SYSTEM_SERVICE);
    assert_int_equal(ntsim_system_call(f->sys, 0x2000 | 0x0F, args, 1), STATUS_INVALID_SYSTEM_SERVICE);
}

static void low_bits_pick_the_entry_in_table_zero(void **state)
{
    fixture *f = *state;
    ULONG64 args[1] = { 0x1234 };
    assert_int_equal(ntsim_system_call(f->sys, 0x0F, args, 1), STATUS_INVALID_HANDLE); /* NtClose */
}

static void unmodelled_slot_is_not_implemented(void **state)
{
    fixture *f = *state;
    ULONG64 args[1] = { 0 };
    assert_int_equal(ntsim_system_call(f->sys, 1, args, 1), STATUS_NOT_IMPLEMENTED);
}

static KPROCESSOR_MODE seen_mode;
static NTSIM_SERVICE_ROUTINE original_close;

static NTSTATUS spy_close(ntsim_system *sys, const ULONG64 *args)
{
    seen_mode = ntsim_previous_mode(sys);
    return original_close(sys, args);
}

static void user_thread_calls_arrive_in_user_mode_and_system_thread_in_kernel_mode(void **state)
{
    fixture *f = *state;
    assert_int_equal(ntsim_replace_service(f->sys, 0x0F, spy_close, &original_close), STATUS_SUCCESS);
    seen_mode = KernelMode;
    assert_int_equal(NtClose(f->sys, (HANDLE)(uintptr_t)0x44), STATUS_INVALID_HANDLE);
    assert_int_equal(seen_mode, UserMode);
    ntsim_set_current_thread(f->sys, 8); /* System's thread: a kernel thread */
    assert_int_equal(NtClose(f->sys, (HANDLE)(uintptr_t)0x44), STATUS_INVALID_HANDLE);
    assert_int_equal(seen_mode, KernelMode);
    assert_int_equal(ntsim_replace_service(f->sys, 0x0F, original_close, NULL), STATUS_SUCCESS);
    ntsim_set_current_thread(f->sys, f->tid);
}

static void output_pointer_into_system_space_is_an_access_violation(void **state)
{
    fixture *f = *state;
    ULONG64 cid[2] = { f->other_pid, 0 };
    assert_int_equal(ntsim_write_memory(f->sys, WINDOW + 0x200, cid, sizeof cid), STATUS_SUCCESS);
    assert_int_equal(raw(f, "NtOpenProcess", 0xFFFF800000000000ull, PROCESS_ALL_ACCESS, WINDOW + 0x100, WINDOW + 0x200),
                     STATUS_ACCESS_VIOLATION);
}

static void input_pointer_to_unmapped_memory_is_an_access_violation(void **state)
{
    fixture *f = *state;
    assert_int_equal(raw(f, "NtOpenProcess", WINDOW, PROCESS_ALL_ACCESS, WINDOW + 0x100, 0x300000000ull),
                     STATUS_ACCESS_VIOLATION);
}

static void misaligned_handle_pointer_is_a_datatype_misalignment(void **state)
{
    fixture *f = *state;
    assert_int_equal(raw(f, "NtOpenProcess", WINDOW + 3, PROCESS_ALL_ACCESS, WINDOW + 0x100, WINDOW + 0x200),
                     STATUS_DATATYPE_MISALIGNMENT);
}

static void read_only_output_faults_when_written(void **state)
{
    fixture *f = *state;
    ULONG64 cid[2] = { f->other_pid, 0 };
    ntsim_write_memory(f->sys, WINDOW + 0x2200, cid, sizeof cid);
    ULONG_PTR base = WINDOW + 0x1000;
    SIZE_T size = 0x1000;
    ULONG old;
    assert_int_equal(NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, PAGE_READONLY, &old),
                     STATUS_SUCCESS);
    assert_int_equal(raw(f, "NtOpenProcess", WINDOW + 0x1000, PROCESS_ALL_ACCESS, WINDOW + 0x2100, WINDOW + 0x2200),
                     STATUS_ACCESS_VIOLATION);
    base = WINDOW + 0x1000;
    size = 0x1000;
    NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, PAGE_READWRITE, &old);
}

static void open_by_user_pointers_writes_the_handle(void **state)
{
    fixture *f = *state;
    ULONG64 cid[2] = { f->other_pid, 0 }, handle = 0;
    ntsim_write_memory(f->sys, WINDOW + 0x3200, cid, sizeof cid);
    assert_int_equal(raw(f, "NtOpenProcess", WINDOW + 0x3000, SYNCHRONIZE, WINDOW + 0x3100, WINDOW + 0x3200),
                     STATUS_SUCCESS);
    assert_int_equal(ntsim_read_memory(f->sys, WINDOW + 0x3000, &handle, 8), STATUS_SUCCESS);
    assert_true(handle != 0 && handle % 4 == 0);
    assert_int_equal(NtClose(f->sys, (HANDLE)(uintptr_t)handle), STATUS_SUCCESS);
}

static void thread_handle_where_a_process_is_needed_is_a_type_mismatch(void **state)
{
    fixture *f = *state;
    HANDLE th;
    CLIENT_ID cid = { 0, f->tid };
    assert_int_equal(NtOpenThread(f->sys, &th, THREAD_ALL_ACCESS, &cid), STATUS_SUCCESS);
    assert_int_equal(NtTerminateProcess(f->sys, th, 0), STATUS_OBJECT_TYPE_MISMATCH);
    PROCESS_BASIC_INFORMATION pbi;
    assert_int_equal(NtQueryInformationProcess(f->sys, th, ProcessBasicInformation, &pbi, sizeof pbi, NULL),
                     STATUS_OBJECT_TYPE_MISMATCH);
    NtClose(f->sys, th);
}

static void missing_access_is_denied(void **state)
{
    fixture *f = *state;
    HANDLE ph;
    CLIENT_ID cid = { f->other_pid, 0 };
    assert_int_equal(NtOpenProcess(f->sys, &ph, SYNCHRONIZE, &cid), STATUS_SUCCESS);
    assert_int_equal(NtTerminateProcess(f->sys, ph, 0), STATUS_ACCESS_DENIED);
    ULONG_PTR base = 0;
    SIZE_T size = 0x1000;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, ph, &base, 0, &size, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE),
                     STATUS_ACCESS_DENIED);
    NtClose(f->sys, ph);
}

static void basic_information_reports_the_process(void **state)
{
    fixture *f = *state;
    HANDLE ph;
    CLIENT_ID cid = { f->other_pid, 0 };
    assert_int_equal(NtOpenProcess(f->sys, &ph, PROCESS_QUERY_LIMITED_INFORMATION, &cid), STATUS_SUCCESS);
    PROCESS_BASIC_INFORMATION pbi;
    ULONG len = 0;
    assert_int_equal(NtQueryInformationProcess(f->sys, ph, ProcessBasicInformation, &pbi, sizeof pbi, &len),
                     STATUS_SUCCESS);
    assert_int_equal(len, 48);
    assert_int_equal(pbi.UniqueProcessId, f->other_pid);
    assert_int_equal(pbi.InheritedFromUniqueProcessId, 4);
    assert_int_equal(pbi.ExitStatus, STATUS_PENDING);
    assert_int_equal(NtQueryInformationProcess(f->sys, ph, ProcessBasicInformation, &pbi, 40, &len),
                     STATUS_INFO_LENGTH_MISMATCH);
    NtClose(f->sys, ph);
}

static void process_list_needs_a_size_query_then_fills(void **state)
{
    fixture *f = *state;
    ULONG need = 0;
    unsigned char small[16];
    assert_int_equal(NtQuerySystemInformation(f->sys, SystemProcessInformation, small, sizeof small, &need),
                     STATUS_INFO_LENGTH_MISMATCH);
    assert_true(need > 3 * sizeof(SYSTEM_PROCESS_INFORMATION));
    unsigned char buf[8192];
    assert_true(need <= sizeof buf);
    ULONG got = 0;
    assert_int_equal(NtQuerySystemInformation(f->sys, SystemProcessInformation, buf, need, &got), STATUS_SUCCESS);
    assert_int_equal(got, need);
    /* Idle, System, app, other: chained by NextEntryOffset. */
    ULONG pids[8], count = 0, off = 0;
    for (;;) {
        SYSTEM_PROCESS_INFORMATION spi;
        memcpy(&spi, buf + off, sizeof spi);
        pids[count++] = (ULONG)spi.UniqueProcessId;
        if (!spi.NextEntryOffset || count == 8)
            break;
        off += spi.NextEntryOffset;
    }
    assert_int_equal(count, 4);
    assert_int_equal(pids[0], 0);
    assert_int_equal(pids[1], 4);
    assert_int_equal(pids[2], f->pid);
    assert_int_equal(pids[3], f->other_pid);
}

static int observed;

static void observe(void *context, const NTSIM_SYSCALL *call)
{
    (void)context;
    if (call->name && strcmp(call->name, "NtClose") == 0 && call->status == STATUS_INVALID_HANDLE)
        observed++;
}

static void observer_sees_each_call_with_its_status(void **state)
{
    fixture *f = *state;
    observed = 0;
    ntsim_set_syscall_observer(f->sys, observe, NULL);
    NtClose(f->sys, (HANDLE)(uintptr_t)0x88);
    NtClose(f->sys, (HANDLE)(uintptr_t)0x8C);
    ntsim_set_syscall_observer(f->sys, NULL, NULL);
    NtClose(f->sys, (HANDLE)(uintptr_t)0x90);
    assert_int_equal(observed, 2);
}

static void delay_execution_puts_the_caller_to_sleep(void **state)
{
    fixture *f = *state;
    LONG64 interval = -100000; /* 10 ms, relative */
    assert_int_equal(NtDelayExecution(f->sys, false, &interval), STATUS_SUCCESS);
    NTSIM_THREAD_INFO ti;
    ntsim_query_thread(f->sys, f->tid, &ti);
    assert_int_equal(ti.state, Waiting);
    ntsim_advance(f->sys, 156250);
    ntsim_query_thread(f->sys, f->tid, &ti);
    assert_int_equal(ti.state, Ready); /* the other process's thread holds the processor */
    assert_int_equal(ti.priority, 8);  /* a timeout gives no boost */
}

/* One timeout convention: an absolute time already past is a zero timeout, for delays and waits alike. */
static void a_time_already_past_neither_delays_nor_waits(void **state)
{
    fixture *f = *state;
    LONG64 past = (LONG64)ntsim_time(f->sys) - 1;
    assert_int_equal(NtDelayExecution(f->sys, false, &past), STATUS_SUCCESS);
    NTSIM_THREAD_INFO ti;
    ntsim_query_thread(f->sys, f->tid, &ti);
    assert_int_equal(ti.state, Running);
    HANDLE ph;
    CLIENT_ID cid = { f->other_pid, 0 };
    assert_int_equal(NtOpenProcess(f->sys, &ph, SYNCHRONIZE, &cid), STATUS_SUCCESS);
    assert_int_equal(NtWaitForSingleObject(f->sys, ph, false, &past), STATUS_TIMEOUT);
    ntsim_query_thread(f->sys, f->tid, &ti);
    assert_int_equal(ti.state, Running);
    assert_int_equal(NtClose(f->sys, ph), STATUS_SUCCESS);
}

/* D4: a relative timeout of INT64_MIN has no positive negation: it is the
 * longest wait there is, not a signed overflow (UBSan checks it). */
static void relative_timeout_of_int64_min_is_the_longest_wait(void **state)
{
    fixture *f = *state;
    LONG64 longest = INT64_MIN;
    assert_int_equal(NtDelayExecution(f->sys, false, &longest), STATUS_SUCCESS);
    ntsim_advance(f->sys, 10 * 10000000ull);
    NTSIM_THREAD_INFO ti;
    ntsim_query_thread(f->sys, f->tid, &ti);
    assert_int_equal(ti.state, Waiting);
    assert_int_equal(ntsim_wake_thread(f->sys, f->tid), STATUS_SUCCESS);
    ntsim_advance(f->sys, 156250);
    HANDLE ph;
    CLIENT_ID cid = { f->other_pid, 0 };
    assert_int_equal(NtOpenProcess(f->sys, &ph, SYNCHRONIZE, &cid), STATUS_SUCCESS);
    assert_int_equal(NtWaitForSingleObject(f->sys, ph, false, &longest), STATUS_PENDING);
    ntsim_advance(f->sys, 10 * 10000000ull);
    ntsim_query_thread(f->sys, f->tid, &ti);
    assert_int_equal(ti.state, Waiting);
}

static void wait_for_a_process_ends_when_it_exits(void **state)
{
    fixture *f = *state;
    HANDLE ph;
    CLIENT_ID cid = { f->other_pid, 0 };
    assert_int_equal(NtOpenProcess(f->sys, &ph, SYNCHRONIZE | PROCESS_TERMINATE, &cid), STATUS_SUCCESS);
    LONG64 zero = 0;
    assert_int_equal(NtWaitForSingleObject(f->sys, ph, false, &zero), STATUS_TIMEOUT);
    assert_int_equal(NtWaitForSingleObject(f->sys, ph, false, NULL), STATUS_PENDING);
    NTSIM_THREAD_INFO ti;
    ntsim_query_thread(f->sys, f->tid, &ti);
    assert_int_equal(ti.state, Waiting);
    assert_int_equal(ntsim_exit_process(f->sys, f->other_pid, 7), STATUS_SUCCESS);
    ntsim_query_thread(f->sys, f->tid, &ti);
    assert_int_equal(ti.state, Running);
    assert_int_equal(NtWaitForSingleObject(f->sys, ph, false, NULL), STATUS_WAIT_0);
    NtClose(f->sys, ph);
}

static ULONG spy_calls;
static ULONG64 spy_last_argument;

static NTSTATUS spy_sixteen(ntsim_system *sys, const ULONG64 *args)
{
    (void)sys;
    spy_calls++;
    spy_last_argument = args[15];
    return STATUS_SUCCESS;
}

static void more_arguments_than_a_replaced_slot_allows_are_refused_not_copied(void **state)
{
    fixture *f = *state;
    ULONG64 args[64];
    for (ULONG i = 0; i < 64; i++)
        args[i] = 0x1000 + i;
    spy_calls = 0;
    assert_int_equal(ntsim_replace_service(f->sys, 0x100, spy_sixteen, NULL), STATUS_SUCCESS);
    assert_int_equal(ntsim_system_call(f->sys, 0x100, args, 64), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntsim_system_call(f->sys, 0x100, args, NTSIM_MAX_SERVICE_ARGUMENTS + 1),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(spy_calls, 0);
    assert_int_equal(ntsim_system_call(f->sys, 0x100, args, NTSIM_MAX_SERVICE_ARGUMENTS), STATUS_SUCCESS);
    assert_int_equal(spy_calls, 1);
    assert_int_equal(spy_last_argument, 0x100F);
}

static void more_arguments_than_a_service_takes_are_refused(void **state)
{
    fixture *f = *state;
    ULONG64 args[2] = { 0x44, 0 };
    assert_int_equal(ntsim_system_call(f->sys, 0x0F, args, 2), STATUS_INVALID_PARAMETER); /* NtClose takes 1 */
    assert_int_equal(ntsim_system_call(f->sys, 0x0F, args, 1), STATUS_INVALID_HANDLE);
}

static void no_argument_array_reads_as_zeros_or_is_refused(void **state)
{
    fixture *f = *state;
    /* NtClose(0): no arguments given, the missing one reads as 0. */
    assert_int_equal(ntsim_system_call(f->sys, 0x0F, NULL, 0), STATUS_INVALID_HANDLE);
    assert_int_equal(ntsim_system_call(f->sys, 0x18, NULL, 3), STATUS_INVALID_PARAMETER);
}

static void one_handle_is_found_by_its_value(void **state)
{
    fixture *f = *state;
    HANDLE ph;
    CLIENT_ID cid = { f->other_pid, 0 };
    assert_int_equal(NtOpenProcess(f->sys, &ph, PROCESS_QUERY_INFORMATION | SYNCHRONIZE, &cid), STATUS_SUCCESS);
    ULONG value = (ULONG)(uintptr_t)ph;
    NTSIM_HANDLE_INFO info;
    char name[16];
    assert_int_equal(ntsim_query_handle(f->sys, f->pid, value, &info, name, sizeof name), STATUS_SUCCESS);
    assert_int_equal(info.handle, value);
    assert_int_equal(info.type, NTSIM_OBJECT_PROCESS);
    assert_int_equal(info.object_id, f->other_pid);
    /* PROCESS_QUERY_INFORMATION brings PROCESS_QUERY_LIMITED_INFORMATION with it. */
    assert_int_equal(info.access, PROCESS_QUERY_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE);
    /* The low two bits are tag bits, ignored as Windows ignores them. */
    assert_int_equal(ntsim_query_handle(f->sys, f->pid, value | 3, &info, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(info.handle, value);
    assert_int_equal(ntsim_query_handle(f->sys, f->pid, value + 4, &info, NULL, 0), STATUS_INVALID_HANDLE);
    assert_int_equal(ntsim_query_handle(f->sys, f->other_pid, value, &info, NULL, 0), STATUS_INVALID_HANDLE);
    assert_int_equal(ntsim_query_handle(f->sys, 0xFFF0, value, &info, NULL, 0), STATUS_INVALID_CID);
    assert_int_equal(NtClose(f->sys, ph), STATUS_SUCCESS);
    assert_int_equal(ntsim_query_handle(f->sys, f->pid, value, &info, NULL, 0), STATUS_INVALID_HANDLE);
}

/* A handle value is 32 bits: one with higher bits set names nothing, for every service alike. */
static void handle_values_beyond_32_bits_are_invalid(void **state)
{
    fixture *f = *state;
    HANDLE ph;
    CLIENT_ID cid = { f->other_pid, 0 };
    assert_int_equal(NtOpenProcess(f->sys, &ph, PROCESS_QUERY_INFORMATION, &cid), STATUS_SUCCESS);
    HANDLE wide = (HANDLE)(uintptr_t)(0xABCD00000000ull | (uintptr_t)ph);
    HANDLE copy = NULL;
    assert_int_equal(NtDuplicateObject(f->sys, NtCurrentProcess(), wide, NtCurrentProcess(), &copy, 0, 0,
                                       DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE),
                     STATUS_INVALID_HANDLE);
    assert_null(copy);
    assert_int_equal(NtClose(f->sys, wide), STATUS_INVALID_HANDLE);
    /* The real handle is still open: neither call touched it. */
    NTSIM_HANDLE_INFO info;
    assert_int_equal(ntsim_query_handle(f->sys, f->pid, (ULONG)(uintptr_t)ph, &info, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(NtClose(f->sys, ph), STATUS_SUCCESS);
}

/* KUSER_SHARED_DATA: read-only to user mode and secured (its VAD's NoChange bit), as the WRK and ReactOS show it. */
static void the_shared_user_data_page_cannot_be_changed_from_user_mode(void **state)
{
    fixture *f = *state;
    const ULONG_PTR page = 0x7FFE0000;
    MEMORY_BASIC_INFORMATION mbi;
    assert_int_equal(NtQueryVirtualMemory(f->sys, NtCurrentProcess(), page, MemoryBasicInformation, &mbi, sizeof mbi,
                                          NULL),
                     STATUS_SUCCESS);
    assert_int_equal(mbi.Protect, PAGE_READONLY);
    assert_int_equal(mbi.Type, MEM_PRIVATE);
    ULONG_PTR base = page;
    SIZE_T size = 0x1000;
    ULONG old = 0;
    assert_int_equal(NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, PAGE_READWRITE, &old),
                     STATUS_INVALID_PAGE_PROTECTION);
    assert_int_equal(ntsim_touch_memory(f->sys, page, NTSIM_WRITE), STATUS_ACCESS_VIOLATION);
    assert_int_equal(ntsim_write_memory(f->sys, page, "x", 1), STATUS_ACCESS_VIOLATION);
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, MEM_DECOMMIT),
                     STATUS_INVALID_PAGE_PROTECTION);
    assert_int_equal(NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, MEM_RELEASE),
                     STATUS_INVALID_PAGE_PROTECTION);
    assert_int_equal(NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &base, 0, &size, MEM_COMMIT, PAGE_READWRITE),
                     STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &base, 0, &size, MEM_RESERVE, PAGE_READWRITE),
                     STATUS_CONFLICTING_ADDRESSES);
    /* Still there, still read-only, still readable. */
    assert_int_equal(ntsim_touch_memory(f->sys, page, NTSIM_READ), STATUS_SUCCESS);
    assert_int_equal(NtQueryVirtualMemory(f->sys, NtCurrentProcess(), page, MemoryBasicInformation, &mbi, sizeof mbi,
                                          NULL),
                     STATUS_SUCCESS);
    assert_int_equal(mbi.State, MEM_COMMIT);
    assert_int_equal(mbi.Protect, PAGE_READONLY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_are_windows_10_1607),
        cmocka_unit_test_setup_teardown(index_past_the_table_is_an_invalid_service, setup, teardown),
        cmocka_unit_test_setup_teardown(low_bits_pick_the_entry_in_table_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(unmodelled_slot_is_not_implemented, setup, teardown),
        cmocka_unit_test_setup_teardown(user_thread_calls_arrive_in_user_mode_and_system_thread_in_kernel_mode, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(output_pointer_into_system_space_is_an_access_violation, setup, teardown),
        cmocka_unit_test_setup_teardown(input_pointer_to_unmapped_memory_is_an_access_violation, setup, teardown),
        cmocka_unit_test_setup_teardown(misaligned_handle_pointer_is_a_datatype_misalignment, setup, teardown),
        cmocka_unit_test_setup_teardown(read_only_output_faults_when_written, setup, teardown),
        cmocka_unit_test_setup_teardown(open_by_user_pointers_writes_the_handle, setup, teardown),
        cmocka_unit_test_setup_teardown(thread_handle_where_a_process_is_needed_is_a_type_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_access_is_denied, setup, teardown),
        cmocka_unit_test_setup_teardown(basic_information_reports_the_process, setup, teardown),
        cmocka_unit_test_setup_teardown(process_list_needs_a_size_query_then_fills, setup, teardown),
        cmocka_unit_test_setup_teardown(observer_sees_each_call_with_its_status, setup, teardown),
        cmocka_unit_test_setup_teardown(delay_execution_puts_the_caller_to_sleep, setup, teardown),
        cmocka_unit_test_setup_teardown(wait_for_a_process_ends_when_it_exits, setup, teardown),
        cmocka_unit_test_setup_teardown(a_time_already_past_neither_delays_nor_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(relative_timeout_of_int64_min_is_the_longest_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(one_handle_is_found_by_its_value, setup, teardown),
        cmocka_unit_test_setup_teardown(handle_values_beyond_32_bits_are_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(the_shared_user_data_page_cannot_be_changed_from_user_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(more_arguments_than_a_replaced_slot_allows_are_refused_not_copied, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(more_arguments_than_a_service_takes_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(no_argument_array_reads_as_zeros_or_is_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
