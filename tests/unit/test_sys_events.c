/*
 * test_sys_events.c - the event services (NtCreateEvent, NtSetEvent,
 * NtResetEvent, NtClearEvent), NtWaitForMultipleObjects and
 * NtQueryInformationThread, called through the ntdll stubs from a user
 * thread, as Windows 10 1607 numbers and checks them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ntsim/ntsim.h"

typedef struct fixture {
    ntsim_system *sys;
    ULONG pid, tid, second_tid;
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
    assert_int_equal(ntsim_create_thread(f.sys, f.pid, 0, false, &cid), STATUS_SUCCESS);
    f.second_tid = cid.UniqueThread;
    assert_int_equal(ntsim_set_current_thread(f.sys, f.tid), STATUS_SUCCESS);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ntsim_system_destroy(f->sys);
    return 0;
}

static HANDLE event(fixture *f, EVENT_TYPE type, bool signaled)
{
    HANDLE h = NULL;
    assert_int_equal(NtCreateEvent(f->sys, &h, EVENT_ALL_ACCESS, NULL, type, signaled), STATUS_SUCCESS);
    assert_non_null(h);
    return h;
}

static KTHREAD_STATE state_of(fixture *f, ULONG tid)
{
    NTSIM_THREAD_INFO ti;
    assert_int_equal(ntsim_query_thread(f->sys, tid, &ti), STATUS_SUCCESS);
    return ti.state;
}

static const LONG64 poll = 0;

static void event_services_have_their_build_14393_numbers(void **state)
{
    (void)state;
    static const struct { const char *name; ULONG number; } expected[] = {
        { "NtSetEvent", 0x0E }, { "NtQueryInformationThread", 0x25 }, { "NtClearEvent", 0x3E },
        { "NtCreateEvent", 0x48 }, { "NtWaitForMultipleObjects", 0x5B }, { "NtResetEvent", 0x165 },
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        ULONG n;
        assert_int_equal(ntsim_service_number(expected[i].name, &n), STATUS_SUCCESS);
        assert_int_equal(n, expected[i].number);
    }
}

static void manual_reset_event_stays_signaled_until_reset(void **state)
{
    fixture *f = *state;
    HANDLE e = event(f, NotificationEvent, false);
    assert_int_equal(NtWaitForSingleObject(f->sys, e, false, &poll), STATUS_TIMEOUT);
    assert_int_equal(NtSetEvent(f->sys, e, NULL), STATUS_SUCCESS);
    assert_int_equal(NtWaitForSingleObject(f->sys, e, false, &poll), STATUS_WAIT_0);
    assert_int_equal(NtWaitForSingleObject(f->sys, e, false, &poll), STATUS_WAIT_0);
    assert_int_equal(NtClearEvent(f->sys, e), STATUS_SUCCESS);
    assert_int_equal(NtWaitForSingleObject(f->sys, e, false, &poll), STATUS_TIMEOUT);
}

static void auto_reset_event_satisfies_one_wait_then_resets(void **state)
{
    fixture *f = *state;
    HANDLE e = event(f, SynchronizationEvent, true);
    assert_int_equal(NtWaitForSingleObject(f->sys, e, false, &poll), STATUS_WAIT_0);
    assert_int_equal(NtWaitForSingleObject(f->sys, e, false, &poll), STATUS_TIMEOUT);
}

static void set_and_reset_report_the_previous_state(void **state)
{
    fixture *f = *state;
    HANDLE e = event(f, NotificationEvent, false);
    LONG previous = -1;
    assert_int_equal(NtSetEvent(f->sys, e, &previous), STATUS_SUCCESS);
    assert_int_equal(previous, 0);
    assert_int_equal(NtSetEvent(f->sys, e, &previous), STATUS_SUCCESS);
    assert_int_equal(previous, 1);
    assert_int_equal(NtResetEvent(f->sys, e, &previous), STATUS_SUCCESS);
    assert_int_equal(previous, 1);
    assert_int_equal(NtResetEvent(f->sys, e, &previous), STATUS_SUCCESS);
    assert_int_equal(previous, 0);
}

static void setting_an_event_releases_the_thread_waiting_on_it(void **state)
{
    fixture *f = *state;
    HANDLE e = event(f, SynchronizationEvent, false);
    assert_int_equal(NtWaitForSingleObject(f->sys, e, false, NULL), STATUS_PENDING);
    assert_int_equal(state_of(f, f->tid), Waiting);
    /* The second thread of the process sets it through the same handle. */
    assert_int_equal(ntsim_set_current_thread(f->sys, f->second_tid), STATUS_SUCCESS);
    assert_int_equal(NtSetEvent(f->sys, e, NULL), STATUS_SUCCESS);
    assert_int_not_equal(state_of(f, f->tid), Waiting);
    /* The wait it satisfied reset it. */
    assert_int_equal(NtWaitForSingleObject(f->sys, e, false, &poll), STATUS_TIMEOUT);
}

static void setting_needs_modify_state(void **state)
{
    fixture *f = *state;
    HANDLE e = NULL;
    assert_int_equal(NtCreateEvent(f->sys, &e, SYNCHRONIZE, NULL, NotificationEvent, false), STATUS_SUCCESS);
    assert_int_equal(NtSetEvent(f->sys, e, NULL), STATUS_ACCESS_DENIED);
    assert_int_equal(NtClearEvent(f->sys, e), STATUS_ACCESS_DENIED);
    assert_int_equal(NtWaitForSingleObject(f->sys, e, false, &poll), STATUS_TIMEOUT);
}

static void event_calls_on_a_thread_handle_are_a_type_mismatch(void **state)
{
    fixture *f = *state;
    assert_int_equal(NtSetEvent(f->sys, NtCurrentThread(), NULL), STATUS_OBJECT_TYPE_MISMATCH);
    assert_int_equal(NtResetEvent(f->sys, (HANDLE)(uintptr_t)0x444, NULL), STATUS_INVALID_HANDLE);
}

static void unknown_event_type_is_an_invalid_parameter(void **state)
{
    fixture *f = *state;
    HANDLE e = (HANDLE)1;
    assert_int_equal(NtCreateEvent(f->sys, &e, EVENT_ALL_ACCESS, NULL, (EVENT_TYPE)2, false), STATUS_INVALID_PARAMETER);
    assert_null(e);
}

static void named_event_is_not_supported(void **state)
{
    fixture *f = *state;
    static const WCHAR text[] = u"Ready";
    UNICODE_STRING name = { sizeof text - sizeof(WCHAR), sizeof text, (WCHAR *)text };
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, 0, NULL, NULL);
    HANDLE e;
    assert_int_equal(NtCreateEvent(f->sys, &e, EVENT_ALL_ACCESS, &oa, NotificationEvent, false), STATUS_NOT_SUPPORTED);
}

static bool find_event(void *context, const NTSIM_HANDLE_INFO *info)
{
    NTSIM_HANDLE_INFO *out = context;
    if (info->type == NTSIM_OBJECT_EVENT)
        *out = *info;
    return true;
}

static void an_event_handle_is_listed_as_an_event(void **state)
{
    fixture *f = *state;
    HANDLE e = event(f, NotificationEvent, false);
    NTSIM_HANDLE_INFO info = { 0 };
    assert_int_equal(ntsim_walk_handles(f->sys, f->pid, find_event, &info), STATUS_SUCCESS);
    assert_int_equal(info.handle, (ULONG)(uintptr_t)e);
    assert_int_equal(info.type_index, 16);
    assert_string_equal(info.type_name, "Event");
    assert_int_equal(info.access, EVENT_ALL_ACCESS);
    /* Its last handle closed, the event goes. */
    assert_int_equal(NtClose(f->sys, e), STATUS_SUCCESS);
    info.type = NTSIM_OBJECT_PROCESS;
    ntsim_walk_handles(f->sys, f->pid, find_event, &info);
    assert_int_equal(info.type, NTSIM_OBJECT_PROCESS);
}

static void wait_any_returns_the_lowest_signaled_index(void **state)
{
    fixture *f = *state;
    HANDLE h[3] = { event(f, NotificationEvent, false), event(f, NotificationEvent, true),
                    event(f, NotificationEvent, true) };
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 3, h, WaitAny, false, &poll), STATUS_WAIT_0 + 1);
    NtClearEvent(f->sys, h[1]);
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 3, h, WaitAny, false, &poll), STATUS_WAIT_0 + 2);
    NtClearEvent(f->sys, h[2]);
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 3, h, WaitAny, false, &poll), STATUS_TIMEOUT);
}

static void wait_all_needs_every_object_and_acquires_them_together(void **state)
{
    fixture *f = *state;
    HANDLE h[2] = { event(f, SynchronizationEvent, true), event(f, SynchronizationEvent, false) };
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 2, h, WaitAll, false, &poll), STATUS_TIMEOUT);
    /* The failed poll acquired nothing: the first is still signaled. */
    assert_int_equal(NtWaitForSingleObject(f->sys, h[0], false, &poll), STATUS_WAIT_0);
    NtSetEvent(f->sys, h[0], NULL);
    NtSetEvent(f->sys, h[1], NULL);
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 2, h, WaitAll, false, &poll), STATUS_WAIT_0);
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 2, h, WaitAny, false, &poll), STATUS_TIMEOUT);
}

static void a_blocked_wait_all_ends_when_the_last_object_is_signaled(void **state)
{
    fixture *f = *state;
    HANDLE h[5];
    for (int i = 0; i < 5; i++)
        h[i] = event(f, NotificationEvent, i != 3);
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 5, h, WaitAll, false, NULL), STATUS_PENDING);
    assert_int_equal(state_of(f, f->tid), Waiting);
    ntsim_set_current_thread(f->sys, f->second_tid);
    /* The waiter holds its objects: closing the handles does not free them under it. */
    for (int i = 0; i < 5; i++)
        if (i != 3)
            assert_int_equal(NtClose(f->sys, h[i]), STATUS_SUCCESS);
    assert_int_equal(state_of(f, f->tid), Waiting);
    assert_int_equal(NtSetEvent(f->sys, h[3], NULL), STATUS_SUCCESS);
    assert_int_not_equal(state_of(f, f->tid), Waiting);
    assert_int_equal(NtClose(f->sys, h[3]), STATUS_SUCCESS);
}

static void a_timed_out_wait_any_ends_with_a_timeout(void **state)
{
    fixture *f = *state;
    HANDLE h[2] = { event(f, NotificationEvent, false), event(f, SynchronizationEvent, false) };
    LONG64 ms100 = -1000000;
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 2, h, WaitAny, false, &ms100), STATUS_PENDING);
    ntsim_advance(f->sys, 2000000);
    assert_int_not_equal(state_of(f, f->tid), Waiting);
    assert_int_equal(NtSetEvent(f->sys, h[1], NULL), STATUS_SUCCESS); /* nobody waits any more: it stays set */
    assert_int_equal(NtWaitForSingleObject(f->sys, h[1], false, &poll), STATUS_WAIT_0);
}

static void wait_all_on_one_object_twice_is_a_parameter_mix(void **state)
{
    fixture *f = *state;
    HANDLE e = event(f, NotificationEvent, true);
    HANDLE h[2] = { e, e };
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 2, h, WaitAll, false, &poll), STATUS_INVALID_PARAMETER_MIX);
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 2, h, WaitAny, false, &poll), STATUS_WAIT_0);
}

static void bad_counts_wait_types_and_handles_are_refused(void **state)
{
    fixture *f = *state;
    HANDLE h[65];
    for (int i = 0; i < 65; i++)
        h[i] = NtCurrentProcess();
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 0, h, WaitAny, false, &poll), STATUS_INVALID_PARAMETER_1);
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 65, h, WaitAny, false, &poll), STATUS_INVALID_PARAMETER_1);
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 64, h, WaitAny, false, &poll), STATUS_TIMEOUT);
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 1, h, (WAIT_TYPE)2, false, &poll), STATUS_INVALID_PARAMETER_3);
    h[1] = (HANDLE)(uintptr_t)0x888;
    assert_int_equal(NtWaitForMultipleObjects(f->sys, 2, h, WaitAny, false, &poll), STATUS_INVALID_HANDLE);
}

static void thread_information_says_still_active_then_the_exit_code(void **state)
{
    fixture *f = *state;
    HANDLE t;
    CLIENT_ID cid = { 0, f->second_tid };
    assert_int_equal(NtOpenThread(f->sys, &t, THREAD_QUERY_LIMITED_INFORMATION, &cid), STATUS_SUCCESS);
    THREAD_BASIC_INFORMATION tbi;
    ULONG len = 0;
    assert_int_equal(NtQueryInformationThread(f->sys, t, ThreadBasicInformation, &tbi, sizeof tbi, &len),
                     STATUS_SUCCESS);
    assert_int_equal(len, 48);
    assert_int_equal(tbi.ExitStatus, STATUS_PENDING); /* STILL_ACTIVE */
    assert_int_equal(tbi.UniqueProcess, f->pid);
    assert_int_equal(tbi.UniqueThread, f->second_tid);
    assert_int_equal(ntsim_exit_thread(f->sys, f->second_tid, 42), STATUS_SUCCESS);
    assert_int_equal(NtQueryInformationThread(f->sys, t, ThreadBasicInformation, &tbi, sizeof tbi, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(tbi.ExitStatus, 42);
}

static void thread_information_needs_a_query_right_and_its_length(void **state)
{
    fixture *f = *state;
    HANDLE t;
    CLIENT_ID cid = { 0, f->second_tid };
    assert_int_equal(NtOpenThread(f->sys, &t, SYNCHRONIZE, &cid), STATUS_SUCCESS);
    THREAD_BASIC_INFORMATION tbi;
    assert_int_equal(NtQueryInformationThread(f->sys, t, ThreadBasicInformation, &tbi, sizeof tbi, NULL),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(NtQueryInformationThread(f->sys, NtCurrentThread(), ThreadBasicInformation, &tbi, 40, NULL),
                     STATUS_INFO_LENGTH_MISMATCH);
    assert_int_equal(NtQueryInformationThread(f->sys, NtCurrentThread(), ThreadPriority, &tbi, sizeof tbi, NULL),
                     STATUS_INVALID_INFO_CLASS);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(event_services_have_their_build_14393_numbers),
        T(manual_reset_event_stays_signaled_until_reset),
        T(auto_reset_event_satisfies_one_wait_then_resets),
        T(set_and_reset_report_the_previous_state),
        T(setting_an_event_releases_the_thread_waiting_on_it),
        T(setting_needs_modify_state),
        T(event_calls_on_a_thread_handle_are_a_type_mismatch),
        T(unknown_event_type_is_an_invalid_parameter),
        T(named_event_is_not_supported),
        T(an_event_handle_is_listed_as_an_event),
        T(wait_any_returns_the_lowest_signaled_index),
        T(wait_all_needs_every_object_and_acquires_them_together),
        T(a_blocked_wait_all_ends_when_the_last_object_is_signaled),
        T(a_timed_out_wait_any_ends_with_a_timeout),
        T(wait_all_on_one_object_twice_is_a_parameter_mix),
        T(bad_counts_wait_types_and_handles_are_refused),
        T(thread_information_says_still_active_then_the_exit_code),
        T(thread_information_needs_a_query_right_and_its_length),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
