/*
 * test_win32_token.c - advapi32's token calls as a program makes them:
 * OpenProcessToken, GetTokenInformation's sizes and errors,
 * AdjustTokenPrivileges' success with ERROR_NOT_ALL_ASSIGNED, and
 * LookupPrivilegeValue (ANSI and wide).
 */
#define _POSIX_C_SOURCE 200809L /* sigjmp_buf in program.h */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "win32/kernel32.h"
#include "win32_fixture.h"

static void a_program_reads_its_own_token(void **state)
{
    (void)state;
    HANDLE token;
    assert_true(OpenProcessToken(NtCurrentProcess(), TOKEN_QUERY, &token));
    DWORD needed = 0;
    unsigned char buf[256];
    /* Too small: fails, tells the size. */
    assert_false(GetTokenInformation(token, TokenIntegrityLevel, buf, 4, &needed));
    assert_int_equal(GetLastError(), 122); /* ERROR_INSUFFICIENT_BUFFER */
    assert_int_equal(needed, 28);
    assert_true(GetTokenInformation(token, TokenIntegrityLevel, buf, sizeof buf, &needed));
    const SID *label = ((TOKEN_MANDATORY_LABEL *)buf)->Label.Sid;
    assert_int_equal(label->SubAuthority[0], SECURITY_MANDATORY_MEDIUM_RID);
    DWORD type = 0;
    assert_true(GetTokenInformation(token, TokenElevationType, &type, sizeof type, &needed));
    assert_int_equal(type, TokenElevationTypeLimited);
    assert_false(GetTokenInformation(token, (TOKEN_INFORMATION_CLASS)77, buf, sizeof buf, &needed));
    assert_int_equal(GetLastError(), 87); /* ERROR_INVALID_PARAMETER */
    assert_true(CloseHandle(token));
}

static void adjusting_a_privilege_not_held_succeeds_with_an_error(void **state)
{
    (void)state;
    HANDLE token;
    LUID debug, shutdown;
    assert_true(LookupPrivilegeValueA(NULL, "SeDebugPrivilege", &debug));
    assert_int_equal(debug.LowPart, SE_DEBUG_PRIVILEGE);
    const WCHAR wide[] = { 'S', 'e', 'S', 'h', 'u', 't', 'd', 'o', 'w', 'n', 'P', 'r', 'i', 'v', 'i', 'l', 'e', 'g', 'e', 0 };
    assert_true(LookupPrivilegeValueW(NULL, wide, &shutdown));
    assert_int_equal(shutdown.LowPart, SE_SHUTDOWN_PRIVILEGE);
    assert_false(LookupPrivilegeValueA(NULL, "SeNoSuchPrivilege", &debug));
    assert_int_equal(GetLastError(), 1313); /* ERROR_NO_SUCH_PRIVILEGE */
    assert_true(OpenProcessToken(NtCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &token));
    TOKEN_PRIVILEGES tp = { 1, { { { SE_DEBUG_PRIVILEGE, 0 }, SE_PRIVILEGE_ENABLED } } };
    /* A filtered token has no SeDebugPrivilege: TRUE, and the error says so. */
    assert_true(AdjustTokenPrivileges(token, 0, &tp, 0, NULL, NULL));
    assert_int_equal(GetLastError(), 1300); /* ERROR_NOT_ALL_ASSIGNED */
    tp.Privileges[0].Luid = shutdown;
    assert_true(AdjustTokenPrivileges(token, 0, &tp, 0, NULL, NULL));
    assert_int_equal(GetLastError(), 0);
    assert_true(CloseHandle(token));
}

static void opening_a_process_token_needs_the_limited_query_right(void **state)
{
    fixture *f = *state;
    HANDLE other = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, f->other_pid);
    assert_non_null(other);
    HANDLE token;
    /* The same user: its token opens for query. */
    assert_true(OpenProcessToken(other, TOKEN_QUERY, &token));
    assert_true(CloseHandle(token));
    assert_true(CloseHandle(other));
    /* No PROCESS_QUERY_LIMITED_INFORMATION on the handle: refused. */
    other = OpenProcess(SYNCHRONIZE, 0, f->other_pid);
    assert_non_null(other);
    assert_false(OpenProcessToken(other, TOKEN_QUERY, &token));
    assert_int_equal(GetLastError(), 5); /* ERROR_ACCESS_DENIED */
    assert_true(CloseHandle(other));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_program_reads_its_own_token, setup, teardown),
        cmocka_unit_test_setup_teardown(adjusting_a_privilege_not_held_succeeds_with_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(opening_a_process_token_needs_the_limited_query_right, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
