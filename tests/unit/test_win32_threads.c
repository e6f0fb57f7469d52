/*
 * test_win32_threads.c - kernel32's process, thread, event and wait calls
 * (src/win32/process.c, thread.c, sync.c) called as a user thread of a
 * plain process calls them: the result, and the last error Windows sets
 * on each failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ke/context.h"
#include "ntsim/ntsim.h"
#include "win32/kernel32.h"
#include "win32_fixture.h"


/* ---- events and waits ------------------------------------------------------ */

static void manual_reset_event_stays_set_auto_reset_event_resets(void **state)
{
    (void)state;
    HANDLE manual = CreateEventW(NULL, 1, 1, NULL), automatic = CreateEventW(NULL, 0, 1, NULL);
    assert_non_null(manual);
    assert_non_null(automatic);
    assert_int_equal(WaitForSingleObject(manual, 0), WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObject(manual, 0), WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObject(automatic, 0), WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObjectEx(automatic, 0, 1), WAIT_TIMEOUT);
}

static void initial_state_clear_then_set_then_reset(void **state)
{
    (void)state;
    HANDLE e = CreateEventA(NULL, 1, 0, NULL);
    assert_int_equal(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
    assert_true(SetEvent(e));
    assert_int_equal(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    assert_true(ResetEvent(e));
    assert_int_equal(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
    assert_true(CloseHandle(e));
}

static void create_event_clears_the_last_error(void **state)
{
    (void)state;
    SetLastError(1234);
    assert_non_null(CreateEventW(NULL, 0, 0, NULL));
    assert_int_equal(GetLastError(), 0);
}

static void named_event_is_not_supported(void **state)
{
    (void)state;
    assert_null(CreateEventW(NULL, 1, 0, u"Ready"));
    assert_int_equal(GetLastError(), 50); /* ERROR_NOT_SUPPORTED */
    assert_null(CreateEventA(NULL, 1, 0, "Ready"));
    assert_int_equal(GetLastError(), 50);
}

static void set_and_reset_on_bad_handles_fail_with_invalid_handle(void **state)
{
    (void)state;
    assert_false(SetEvent((HANDLE)(uintptr_t)0x1234));
    assert_int_equal(GetLastError(), 6); /* ERROR_INVALID_HANDLE */
    SetLastError(0);
    assert_false(ResetEvent(GetCurrentThread())); /* a thread is no event */
    assert_int_equal(GetLastError(), 6);
}

static void wait_any_and_wait_all(void **state)
{
    (void)state;
    HANDLE h[3] = { CreateEventW(NULL, 1, 0, NULL), CreateEventW(NULL, 1, 1, NULL), CreateEventW(NULL, 0, 1, NULL) };
    assert_int_equal(WaitForMultipleObjects(3, h, 0, 0), WAIT_OBJECT_0 + 1);
    assert_int_equal(WaitForMultipleObjects(3, h, 1, 0), WAIT_TIMEOUT);
    SetEvent(h[0]);
    assert_int_equal(WaitForMultipleObjectsEx(3, h, 1, 0, 0), WAIT_OBJECT_0);
    /* The wait-all acquired the auto-reset one. */
    assert_int_equal(WaitForSingleObject(h[2], 0), WAIT_TIMEOUT);
}

static void wait_counts_out_of_range_fail_with_invalid_parameter(void **state)
{
    (void)state;
    HANDLE h[65];
    for (int i = 0; i < 65; i++)
        h[i] = GetCurrentProcess();
    assert_int_equal(WaitForMultipleObjects(0, h, 0, 0), WAIT_FAILED);
    assert_int_equal(GetLastError(), 87);
    SetLastError(0);
    assert_int_equal(WaitForMultipleObjects(65, h, 0, 0), WAIT_FAILED);
    assert_int_equal(GetLastError(), 87);
    assert_int_equal(WaitForMultipleObjects(64, h, 0, 0), WAIT_TIMEOUT);
}

static void wait_on_a_bad_handle_fails_with_invalid_handle(void **state)
{
    (void)state;
    HANDLE h[2] = { GetCurrentProcess(), (HANDLE)(uintptr_t)0x888 };
    assert_int_equal(WaitForMultipleObjects(2, h, 0, 0), WAIT_FAILED);
    assert_int_equal(GetLastError(), 6);
    SetLastError(0);
    assert_int_equal(WaitForSingleObjectEx(h[1], 0, 0), WAIT_FAILED);
    assert_int_equal(GetLastError(), 6);
}

/* ---- processes --------------------------------------------------------------- */

static void open_process_by_id(void **state)
{
    fixture *f = *state;
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, f->other_pid);
    assert_non_null(h);
    DWORD code = 0;
    assert_true(GetExitCodeProcess(h, &code));
    assert_int_equal(code, STILL_ACTIVE);
}

static void open_process_failures(void **state)
{
    (void)state;
    assert_null(OpenProcess(PROCESS_ALL_ACCESS, 0, 9999));
    assert_int_equal(GetLastError(), 87);
    SetLastError(0);
    assert_null(OpenProcess(PROCESS_ALL_ACCESS, 0, 0)); /* the Idle process */
    assert_int_equal(GetLastError(), 87);
    SetLastError(0);
    assert_null(OpenProcess(PROCESS_ALL_ACCESS, 0, 4)); /* System: protected */
    assert_int_equal(GetLastError(), 5);
}

static void terminate_process_then_read_its_exit_code(void **state)
{
    fixture *f = *state;
    HANDLE h = OpenProcess(PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, 0, f->other_pid);
    assert_true(TerminateProcess(h, 99));
    assert_int_equal(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    DWORD code = 0;
    assert_true(GetExitCodeProcess(h, &code));
    assert_int_equal(code, 99);
    /* An ended process cannot be ended again. */
    assert_false(TerminateProcess(h, 1));
    assert_int_equal(GetLastError(), 5);
}

static void terminate_process_failures(void **state)
{
    fixture *f = *state;
    assert_false(TerminateProcess(NULL, 1));
    assert_int_equal(GetLastError(), 6);
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, f->other_pid);
    SetLastError(0);
    assert_false(TerminateProcess(h, 1));
    assert_int_equal(GetLastError(), 5);
    DWORD code = 0;
    SetLastError(0);
    HANDLE sync_only = OpenProcess(SYNCHRONIZE, 0, f->other_pid);
    assert_false(GetExitCodeProcess(sync_only, &code));
    assert_int_equal(GetLastError(), 5);
}

/* ---- threads ------------------------------------------------------------------ */

static void open_thread_and_read_its_exit_code(void **state)
{
    fixture *f = *state;
    HANDLE h = OpenThread(THREAD_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, 0, f->other_tid);
    assert_non_null(h);
    DWORD code = 0;
    assert_true(GetExitCodeThread(h, &code));
    assert_int_equal(code, STILL_ACTIVE);
    assert_int_equal(ntsim_exit_thread(f->sys, f->other_tid, 5), STATUS_SUCCESS);
    assert_true(GetExitCodeThread(h, &code));
    assert_int_equal(code, 5);
    assert_null(OpenThread(THREAD_ALL_ACCESS, 0, 9999));
    assert_int_equal(GetLastError(), 87);
}

static void exit_code_of_an_event_is_an_invalid_handle(void **state)
{
    (void)state;
    DWORD code;
    assert_false(GetExitCodeThread(CreateEventW(NULL, 0, 0, NULL), &code));
    assert_int_equal(GetLastError(), 6);
}

static KTHREAD_STATE state_of(fixture *f, ULONG tid, ULONG *suspend_count)
{
    NTSIM_THREAD_INFO ti;
    assert_int_equal(ntsim_query_thread(f->sys, tid, &ti), STATUS_SUCCESS);
    if (suspend_count)
        *suspend_count = ti.suspend_count;
    return ti.state;
}

#define NO_CODE ((DWORD(*)(void *))(uintptr_t)0x10000000) /* a simulated address, no program's function */

static void remote_thread_at_no_code_ends_at_once_with_zero(void **state)
{
    fixture *f = *state;
    HANDLE process = OpenProcess(PROCESS_CREATE_THREAD, 0, f->other_pid);
    DWORD tid = 0;
    HANDLE t = CreateRemoteThread(process, NULL, 0, NO_CODE, NULL, 0, &tid);
    assert_non_null(t);
    assert_int_not_equal(tid, 0);
    ntsim_advance(f->sys, 10000000); /* a second: it gets a processor */
    assert_int_equal(state_of(f, tid, NULL), Terminated);
    DWORD code = 1;
    assert_true(GetExitCodeThread(t, &code));
    assert_int_equal(code, 0);
    /* The process's own thread goes on. */
    assert_int_not_equal(state_of(f, f->other_tid, NULL), Terminated);
}

static void suspended_remote_thread_waits_for_resume(void **state)
{
    fixture *f = *state;
    HANDLE process = OpenProcess(PROCESS_CREATE_THREAD, 0, f->other_pid);
    DWORD tid = 0;
    HANDLE t = CreateRemoteThreadEx(process, NULL, 0, NO_CODE, NULL, CREATE_SUSPENDED, NULL, &tid);
    ntsim_advance(f->sys, 10000000);
    ULONG count;
    assert_int_not_equal(state_of(f, tid, &count), Terminated);
    assert_int_equal(count, 1);
    assert_int_equal(ResumeThread(t), 1);
    ntsim_advance(f->sys, 10000000);
    assert_int_equal(state_of(f, tid, NULL), Terminated);
}

static void remote_thread_needs_create_thread_access(void **state)
{
    fixture *f = *state;
    HANDLE process = OpenProcess(SYNCHRONIZE, 0, f->other_pid);
    assert_null(CreateRemoteThread(process, NULL, 0, NO_CODE, NULL, 0, NULL));
    assert_int_equal(GetLastError(), 5);
    SetLastError(0);
    assert_null(CreateRemoteThread((HANDLE)(uintptr_t)0x888, NULL, 0, NO_CODE, NULL, 0, NULL));
    assert_int_equal(GetLastError(), 6);
}

static DWORD host_routine(void *parameter)
{
    (void)parameter;
    return 0;
}

static void host_code_outside_a_program_has_no_simulated_address(void **state)
{
    (void)state;
    assert_null(CreateThread(NULL, 0, host_routine, NULL, 0, NULL));
    assert_int_equal(GetLastError(), 87);
}

static void suspend_and_resume_count(void **state)
{
    fixture *f = *state;
    HANDLE t = OpenThread(THREAD_SUSPEND_RESUME, 0, f->other_tid);
    assert_int_equal(SuspendThread(t), 0);
    assert_int_equal(SuspendThread(t), 1);
    assert_int_equal(ResumeThread(t), 2);
    assert_int_equal(ResumeThread((HANDLE)(uintptr_t)0x888), (DWORD)-1);
    assert_int_equal(GetLastError(), 6);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(manual_reset_event_stays_set_auto_reset_event_resets),
        T(initial_state_clear_then_set_then_reset),
        T(create_event_clears_the_last_error),
        T(named_event_is_not_supported),
        T(set_and_reset_on_bad_handles_fail_with_invalid_handle),
        T(wait_any_and_wait_all),
        T(wait_counts_out_of_range_fail_with_invalid_parameter),
        T(wait_on_a_bad_handle_fails_with_invalid_handle),
        T(open_process_by_id),
        T(open_process_failures),
        T(terminate_process_then_read_its_exit_code),
        T(terminate_process_failures),
        T(open_thread_and_read_its_exit_code),
        T(exit_code_of_an_event_is_an_invalid_handle),
        T(remote_thread_at_no_code_ends_at_once_with_zero),
        T(suspended_remote_thread_waits_for_resume),
        T(remote_thread_needs_create_thread_access),
        T(host_code_outside_a_program_has_no_simulated_address),
        T(suspend_and_resume_count),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
