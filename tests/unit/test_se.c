/*
 * test_se.c - tokens, privileges, integrity levels and the access checks
 * of opens and duplicates, through the public API (the native calls run
 * through the stubs in the caller's user mode). Each expectation is a rule
 * Windows documents or the sources docs/security.md names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ntsim/ntsim.h"

static ntsim_system *boot(void)
{
    ntsim_config c;
    ntsim_system *sys;
    ntsim_config_default(&c);
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_SUCCESS);
    return sys;
}

typedef struct spawn_options {
    const char *user;
    const char *integrity;
    bool elevated;
    uint64_t privileges;
    bool lock_memory;
    ULONG parent;
} spawn_options;

static CLIENT_ID spawn_with(ntsim_system *sys, const char *image, spawn_options o)
{
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID cid;
    if (!o.parent) /* created by System, as the scenario's processes are */
        assert_int_equal(ntsim_set_current_thread(sys, 8), STATUS_SUCCESS);
    ntsim_process_params_default(&p, image);
    p.user = o.user;
    p.integrity = o.integrity;
    p.elevated = o.elevated;
    p.privileges = o.privileges;
    p.lock_memory_privilege = o.lock_memory;
    p.parent_pid = o.parent;
    assert_int_equal(ntsim_create_process(sys, &p, &cid), STATUS_SUCCESS);
    return cid;
}

#define SPAWN(sys, image, ...) spawn_with((sys), (image), (spawn_options){ __VA_ARGS__ })

/* The current thread's process. */
static ULONG pid_of(ntsim_system *sys)
{
    NTSIM_THREAD_INFO ti;
    assert_int_equal(ntsim_query_thread(sys, ntsim_current_thread_id(sys), &ti), STATUS_SUCCESS);
    return ti.pid;
}

static NTSTATUS open_process(ntsim_system *sys, ULONG as_tid, ULONG pid, ACCESS_MASK access, ACCESS_MASK *granted)
{
    assert_int_equal(ntsim_set_current_thread(sys, as_tid), STATUS_SUCCESS);
    HANDLE h = NULL;
    NTSTATUS s = NtOpenProcess(sys, &h, access, &(CLIENT_ID){ pid, 0 });
    *granted = 0;
    if (NT_SUCCESS(s)) {
        NTSIM_HANDLE_INFO info;
        assert_int_equal(ntsim_query_handle(sys, pid_of(sys), (ULONG)(uintptr_t)h, &info, NULL, 0),
                         STATUS_SUCCESS);
        *granted = info.access;
        assert_int_equal(NtClose(sys, h), STATUS_SUCCESS);
    } else {
        assert_null(h);
    }
    return s;
}

static NTSIM_TOKEN_INFO token_of(ntsim_system *sys, ULONG pid)
{
    NTSIM_TOKEN_INFO ti;
    assert_int_equal(ntsim_query_token(sys, pid, &ti), STATUS_SUCCESS);
    return ti;
}

/* The process's own token, adjusted from inside it (AdjustTokenPrivileges). */
static NTSTATUS set_privilege(ntsim_system *sys, ULONG tid, ULONG luid, bool enable)
{
    assert_int_equal(ntsim_set_current_thread(sys, tid), STATUS_SUCCESS);
    HANDLE token;
    assert_int_equal(NtOpenProcessToken(sys, NtCurrentProcess(), TOKEN_ADJUST_PRIVILEGES, &token), STATUS_SUCCESS);
    TOKEN_PRIVILEGES tp = { 1, { { { luid, 0 }, enable ? SE_PRIVILEGE_ENABLED : 0 } } };
    NTSTATUS s = NtAdjustPrivilegesToken(sys, token, false, &tp, 0, NULL, NULL);
    assert_int_equal(NtClose(sys, token), STATUS_SUCCESS);
    return s;
}

#define PROCESS_MIC_UP 0x00101001u /* what the label leaves a lower caller of a process */

/* ---- tokens a process starts with ------------------------------------------ */

static void scenario_processes_run_as_the_interactive_user_at_medium(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = SPAWN(sys, "C:\\a.exe");
    NTSIM_TOKEN_INFO t = token_of(sys, a.UniqueProcess);
    assert_string_equal(t.user, "NTSIM\\user");
    assert_int_equal(t.integrity, SECURITY_MANDATORY_MEDIUM_RID);
    assert_false(t.elevated);
    assert_int_equal(t.elevation_type, TokenElevationTypeLimited);
    /* A standard user's privileges: only SeChangeNotifyPrivilege enabled. */
    assert_int_equal(t.enabled, 1ull << SE_CHANGE_NOTIFY_PRIVILEGE);
    assert_true(t.present >> SE_SHUTDOWN_PRIVILEGE & 1);
    assert_false(t.present >> SE_DEBUG_PRIVILEGE & 1);
    NTSIM_TOKEN_INFO sys_token = token_of(sys, 4);
    assert_string_equal(sys_token.user, "NT AUTHORITY\\SYSTEM");
    assert_string_equal(sys_token.sid, "S-1-5-18");
    assert_int_equal(sys_token.integrity, SECURITY_MANDATORY_SYSTEM_RID);
    assert_true(sys_token.enabled >> SE_TCB_PRIVILEGE & 1);
    ntsim_system_destroy(sys);
}

static void a_child_inherits_a_copy_of_its_creators_token(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID parent = SPAWN(sys, "C:\\p.exe", .user = "alice", .integrity = "low");
    assert_int_equal(ntsim_set_current_thread(sys, parent.UniqueThread), STATUS_SUCCESS);
    CLIENT_ID child = SPAWN(sys, "C:\\c.exe", .parent = parent.UniqueProcess);
    NTSIM_TOKEN_INFO pt = token_of(sys, parent.UniqueProcess), ct = token_of(sys, child.UniqueProcess);
    assert_string_equal(ct.user, "NTSIM\\alice");
    assert_string_equal(ct.sid, pt.sid);
    assert_int_equal(ct.integrity, SECURITY_MANDATORY_LOW_RID);
    /* A copy: the child's adjustment leaves the parent's token alone. */
    assert_int_equal(set_privilege(sys, child.UniqueThread, SE_SHUTDOWN_PRIVILEGE, true), STATUS_SUCCESS);
    assert_true(token_of(sys, child.UniqueProcess).enabled >> SE_SHUTDOWN_PRIVILEGE & 1);
    assert_false(token_of(sys, parent.UniqueProcess).enabled >> SE_SHUTDOWN_PRIVILEGE & 1);
    /* A child may be created lower, never higher without SeTcbPrivilege. */
    assert_int_equal(ntsim_set_current_thread(sys, parent.UniqueThread), STATUS_SUCCESS);
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID cid;
    ntsim_process_params_default(&p, "C:\\up.exe");
    p.parent_pid = parent.UniqueProcess;
    p.integrity = "medium";
    assert_int_equal(ntsim_create_process(sys, &p, &cid), STATUS_PRIVILEGE_NOT_HELD);
    p.integrity = "untrusted";
    assert_int_equal(ntsim_create_process(sys, &p, &cid), STATUS_SUCCESS);
    assert_int_equal(token_of(sys, cid.UniqueProcess).integrity, SECURITY_MANDATORY_UNTRUSTED_RID);
    ntsim_system_destroy(sys);
}

static void each_user_has_its_own_sid_under_the_machine(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = SPAWN(sys, "C:\\a.exe", .user = "alice"), b = SPAWN(sys, "C:\\b.exe", .user = "bob");
    CLIENT_ID a2 = SPAWN(sys, "C:\\a2.exe", .user = "Alice");
    NTSIM_TOKEN_INFO ta = token_of(sys, a.UniqueProcess), tb = token_of(sys, b.UniqueProcess);
    assert_string_not_equal(ta.sid, tb.sid);
    assert_string_equal(token_of(sys, a2.UniqueProcess).sid, ta.sid); /* names are case-insensitive */
    assert_memory_equal(ta.sid, "S-1-5-21-", 9);
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID cid;
    ntsim_process_params_default(&p, "C:\\x.exe");
    p.user = "bad\\name";
    assert_int_equal(ntsim_create_process(sys, &p, &cid), STATUS_INVALID_PARAMETER);
    p.user = NULL;
    p.integrity = "medium-ish";
    assert_int_equal(ntsim_create_process(sys, &p, &cid), STATUS_INVALID_PARAMETER);
    ntsim_system_destroy(sys);
}

/* ---- opening processes ----------------------------------------------------- */

static void medium_opens_medium_of_the_same_user_fully(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = SPAWN(sys, "C:\\a.exe"), b = SPAWN(sys, "C:\\b.exe");
    ACCESS_MASK g;
    assert_int_equal(open_process(sys, a.UniqueThread, b.UniqueProcess, PROCESS_ALL_ACCESS, &g), STATUS_SUCCESS);
    assert_int_equal(g, PROCESS_ALL_ACCESS);
    ntsim_system_destroy(sys);
}

static void another_users_process_is_closed_to_a_standard_token(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = SPAWN(sys, "C:\\a.exe", .user = "alice"), b = SPAWN(sys, "C:\\b.exe", .user = "bob");
    ACCESS_MASK g;
    /* bob's DACL: bob and SYSTEM everything, bob's logon session read and execute. */
    assert_int_equal(open_process(sys, a.UniqueThread, b.UniqueProcess, PROCESS_QUERY_LIMITED_INFORMATION, &g),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(open_process(sys, a.UniqueThread, b.UniqueProcess, MAXIMUM_ALLOWED, &g), STATUS_ACCESS_DENIED);
    ntsim_system_destroy(sys);
}

static void medium_gets_only_the_label_rights_of_an_elevated_process(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID m = SPAWN(sys, "C:\\m.exe"), h = SPAWN(sys, "C:\\h.exe", .elevated = true);
    assert_int_equal(token_of(sys, h.UniqueProcess).integrity, SECURITY_MANDATORY_HIGH_RID);
    ACCESS_MASK g;
    assert_int_equal(open_process(sys, m.UniqueThread, h.UniqueProcess, PROCESS_ALL_ACCESS, &g), STATUS_ACCESS_DENIED);
    assert_int_equal(open_process(sys, m.UniqueThread, h.UniqueProcess, PROCESS_VM_READ, &g), STATUS_ACCESS_DENIED);
    assert_int_equal(open_process(sys, m.UniqueThread, h.UniqueProcess, PROCESS_QUERY_INFORMATION, &g),
                     STATUS_ACCESS_DENIED);
    /* The logon session's read and execute (0x121411) as the label leaves them. */
    assert_int_equal(open_process(sys, m.UniqueThread, h.UniqueProcess, MAXIMUM_ALLOWED, &g), STATUS_SUCCESS);
    assert_int_equal(g, PROCESS_MIC_UP);
    assert_int_equal(open_process(sys, m.UniqueThread, h.UniqueProcess, PROCESS_QUERY_LIMITED_INFORMATION, &g),
                     STATUS_SUCCESS);
    assert_int_equal(g, PROCESS_QUERY_LIMITED_INFORMATION);
    /* The other way round: the elevated admin opens the medium process fully. */
    assert_int_equal(open_process(sys, h.UniqueThread, m.UniqueProcess, PROCESS_ALL_ACCESS, &g), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void low_cannot_write_or_read_a_medium_process(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID m = SPAWN(sys, "C:\\m.exe"), l = SPAWN(sys, "C:\\l.exe", .integrity = "low");
    ACCESS_MASK g;
    assert_int_equal(open_process(sys, l.UniqueThread, m.UniqueProcess, PROCESS_VM_WRITE | PROCESS_VM_OPERATION, &g),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(open_process(sys, l.UniqueThread, m.UniqueProcess, PROCESS_CREATE_THREAD, &g), STATUS_ACCESS_DENIED);
    assert_int_equal(open_process(sys, l.UniqueThread, m.UniqueProcess, PROCESS_VM_READ, &g), STATUS_ACCESS_DENIED);
    assert_int_equal(open_process(sys, l.UniqueThread, m.UniqueProcess, READ_CONTROL, &g), STATUS_ACCESS_DENIED);
    /* Same user, so the DACL grants everything: the label leaves 0x101001 of it. */
    assert_int_equal(open_process(sys, l.UniqueThread, m.UniqueProcess, MAXIMUM_ALLOWED, &g), STATUS_SUCCESS);
    assert_int_equal(g, PROCESS_MIC_UP);
    assert_int_equal(open_process(sys, l.UniqueThread, m.UniqueProcess, SYNCHRONIZE | PROCESS_TERMINATE, &g),
                     STATUS_SUCCESS);
    /* Medium opens low fully: nothing is up. */
    assert_int_equal(open_process(sys, m.UniqueThread, l.UniqueProcess, PROCESS_ALL_ACCESS, &g), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void low_gets_the_thread_label_rights_of_a_medium_thread(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID m = SPAWN(sys, "C:\\m.exe"), l = SPAWN(sys, "C:\\l.exe", .integrity = "low");
    assert_int_equal(ntsim_set_current_thread(sys, l.UniqueThread), STATUS_SUCCESS);
    HANDLE h;
    assert_int_equal(NtOpenThread(sys, &h, THREAD_SET_CONTEXT, &(CLIENT_ID){ 0, m.UniqueThread }), STATUS_ACCESS_DENIED);
    assert_int_equal(NtOpenThread(sys, &h, MAXIMUM_ALLOWED, &(CLIENT_ID){ 0, m.UniqueThread }), STATUS_SUCCESS);
    NTSIM_HANDLE_INFO info;
    assert_int_equal(ntsim_query_handle(sys, l.UniqueProcess, (ULONG)(uintptr_t)h, &info, NULL, 0), STATUS_SUCCESS);
    /* The thread's execute rights (0x121800) less READ_CONTROL. */
    assert_int_equal(info.access, SYNCHRONIZE | THREAD_QUERY_LIMITED_INFORMATION | THREAD_RESUME);
    ntsim_system_destroy(sys);
}

static void se_debug_privilege_counts_only_when_enabled(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID dbg = SPAWN(sys, "C:\\windbg.exe", .elevated = true);
    CLIENT_ID svc = SPAWN(sys, "C:\\svc.exe", .user = "SYSTEM");
    ACCESS_MASK g;
    /* Present but disabled: SYSTEM's DACL gives Administrators read and execute, the label less. */
    assert_true(token_of(sys, dbg.UniqueProcess).present >> SE_DEBUG_PRIVILEGE & 1);
    assert_int_equal(open_process(sys, dbg.UniqueThread, svc.UniqueProcess, PROCESS_ALL_ACCESS, &g), STATUS_ACCESS_DENIED);
    assert_int_equal(open_process(sys, dbg.UniqueThread, svc.UniqueProcess, MAXIMUM_ALLOWED, &g), STATUS_SUCCESS);
    assert_int_equal(g, PROCESS_MIC_UP);
    assert_int_equal(set_privilege(sys, dbg.UniqueThread, SE_DEBUG_PRIVILEGE, true), STATUS_SUCCESS);
    assert_int_equal(open_process(sys, dbg.UniqueThread, svc.UniqueProcess, PROCESS_ALL_ACCESS, &g), STATUS_SUCCESS);
    assert_int_equal(g, PROCESS_ALL_ACCESS);
    assert_int_equal(open_process(sys, dbg.UniqueThread, svc.UniqueProcess, MAXIMUM_ALLOWED, &g), STATUS_SUCCESS);
    assert_int_equal(g, PROCESS_ALL_ACCESS);
    /* Disabled again, the DACL decides again. */
    assert_int_equal(set_privilege(sys, dbg.UniqueThread, SE_DEBUG_PRIVILEGE, false), STATUS_SUCCESS);
    assert_int_equal(open_process(sys, dbg.UniqueThread, svc.UniqueProcess, PROCESS_VM_READ, &g), STATUS_ACCESS_DENIED);
    /* A standard token does not hold it: enabling is not all assigned, and changes nothing. */
    CLIENT_ID m = SPAWN(sys, "C:\\m.exe");
    assert_int_equal(set_privilege(sys, m.UniqueThread, SE_DEBUG_PRIVILEGE, true), STATUS_NOT_ALL_ASSIGNED);
    assert_false(token_of(sys, m.UniqueProcess).enabled >> SE_DEBUG_PRIVILEGE & 1);
    ntsim_system_destroy(sys);
}

static void generic_rights_map_through_the_process_type(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = SPAWN(sys, "C:\\a.exe"), b = SPAWN(sys, "C:\\b.exe");
    ACCESS_MASK g;
    assert_int_equal(open_process(sys, a.UniqueThread, b.UniqueProcess, GENERIC_WRITE, &g), STATUS_SUCCESS);
    /* 0x20BEA (PROCESS_TERMINATE is not a write right) and the limited set right SET_INFORMATION brings. */
    assert_int_equal(g, 0x00020BEAu | PROCESS_SET_LIMITED_INFORMATION);
    assert_int_equal(open_process(sys, a.UniqueThread, b.UniqueProcess, GENERIC_EXECUTE, &g), STATUS_SUCCESS);
    assert_int_equal(g, 0x00121001u);
    assert_int_equal(open_process(sys, a.UniqueThread, b.UniqueProcess, GENERIC_ALL, &g), STATUS_SUCCESS);
    assert_int_equal(g, PROCESS_ALL_ACCESS);
    ntsim_system_destroy(sys);
}

static void undefined_bits_are_refused_not_trimmed(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = SPAWN(sys, "C:\\a.exe"), b = SPAWN(sys, "C:\\b.exe");
    ACCESS_MASK g;
    assert_int_equal(open_process(sys, a.UniqueThread, b.UniqueProcess, SYNCHRONIZE | 0x0CE0C000u, &g),
                     STATUS_ACCESS_DENIED);
    /* 0xFFFFFFFF holds ACCESS_SYSTEM_SECURITY: the privilege is asked for first. */
    assert_int_equal(open_process(sys, a.UniqueThread, b.UniqueProcess, 0xFFFFFFFFu, &g), STATUS_PRIVILEGE_NOT_HELD);
    /* With SeDebugPrivilege the request is granted and cut to the type's rights. */
    CLIENT_ID d = SPAWN(sys, "C:\\d.exe", .elevated = true);
    assert_int_equal(set_privilege(sys, d.UniqueThread, SE_DEBUG_PRIVILEGE, true), STATUS_SUCCESS);
    assert_int_equal(open_process(sys, d.UniqueThread, b.UniqueProcess, SYNCHRONIZE | 0x0CE0C000u, &g), STATUS_SUCCESS);
    assert_int_equal(g, SYNCHRONIZE | 0xC000u); /* 0xC000 lies inside the valid 0x1FFFFF */
    /* MAXIMUM_ALLOWED among the bits: all the type's rights, granted before the SACL's privilege is asked for. */
    assert_int_equal(open_process(sys, d.UniqueThread, b.UniqueProcess, 0xFFFFFFFFu, &g), STATUS_SUCCESS);
    assert_int_equal(g, PROCESS_ALL_ACCESS);
    ntsim_system_destroy(sys);
}

static void access_system_security_needs_se_security_privilege(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = SPAWN(sys, "C:\\a.exe", .elevated = true), b = SPAWN(sys, "C:\\b.exe");
    ACCESS_MASK g;
    assert_int_equal(open_process(sys, a.UniqueThread, b.UniqueProcess, ACCESS_SYSTEM_SECURITY, &g),
                     STATUS_PRIVILEGE_NOT_HELD);
    assert_int_equal(set_privilege(sys, a.UniqueThread, SE_SECURITY_PRIVILEGE, true), STATUS_SUCCESS);
    assert_int_equal(open_process(sys, a.UniqueThread, b.UniqueProcess, ACCESS_SYSTEM_SECURITY | SYNCHRONIZE, &g),
                     STATUS_SUCCESS);
    assert_int_equal(g, ACCESS_SYSTEM_SECURITY | SYNCHRONIZE);
    ntsim_system_destroy(sys);
}

static void query_information_brings_its_limited_right(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = SPAWN(sys, "C:\\a.exe"), b = SPAWN(sys, "C:\\b.exe");
    ACCESS_MASK g;
    assert_int_equal(open_process(sys, a.UniqueThread, b.UniqueProcess, PROCESS_QUERY_INFORMATION, &g), STATUS_SUCCESS);
    assert_int_equal(g, PROCESS_QUERY_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION);
    assert_int_equal(open_process(sys, a.UniqueThread, b.UniqueProcess, PROCESS_SET_INFORMATION, &g), STATUS_SUCCESS);
    assert_int_equal(g, PROCESS_SET_INFORMATION | PROCESS_SET_LIMITED_INFORMATION);
    ntsim_system_destroy(sys);
}

/* ---- duplication ------------------------------------------------------------ */

static void a_duplicate_asking_for_more_is_checked_again(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID m = SPAWN(sys, "C:\\m.exe"), h = SPAWN(sys, "C:\\h.exe", .elevated = true);
    assert_int_equal(ntsim_set_current_thread(sys, m.UniqueThread), STATUS_SUCCESS);
    HANDLE limited, dup;
    assert_int_equal(NtOpenProcess(sys, &limited, PROCESS_QUERY_LIMITED_INFORMATION, &(CLIENT_ID){ h.UniqueProcess, 0 }),
                     STATUS_SUCCESS);
    /* The same rights or fewer: no check. */
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), limited, NtCurrentProcess(), &dup, 0, 0,
                                       DUPLICATE_SAME_ACCESS),
                     STATUS_SUCCESS);
    /* More: checked as an open would be, and refused. */
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), limited, NtCurrentProcess(), &dup, PROCESS_ALL_ACCESS,
                                       0, 0),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), limited, NtCurrentProcess(), &dup, PROCESS_TERMINATE,
                                       0, 0),
                     STATUS_SUCCESS); /* the label leaves PROCESS_TERMINATE */
    /* Bits no handle may hold are refused before anything. */
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), limited, NtCurrentProcess(), &dup, 0x04000000u, 0, 0),
                     STATUS_ACCESS_DENIED);
    ntsim_system_destroy(sys);
}

/* ---- the token services ----------------------------------------------------- */

static void token_information_comes_in_windows_layouts(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = SPAWN(sys, "C:\\a.exe", .user = "carol", .integrity = "low");
    assert_int_equal(ntsim_set_current_thread(sys, a.UniqueThread), STATUS_SUCCESS);
    HANDLE token;
    assert_int_equal(NtOpenProcessTokenEx(sys, NtCurrentProcess(), TOKEN_QUERY, 0, &token), STATUS_SUCCESS);
    ULONG needed = 0;
    unsigned char buf[512];
    /* Too small: the size needed, nothing else. */
    assert_int_equal(NtQueryInformationToken(sys, token, TokenUser, buf, 8, &needed), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(needed, 16 + 28); /* TOKEN_USER, then S-1-5-21-a-b-c-rid */
    assert_int_equal(NtQueryInformationToken(sys, token, TokenUser, buf, sizeof buf, &needed), STATUS_SUCCESS);
    TOKEN_USER *tu = (TOKEN_USER *)buf;
    const SID *sid = tu->User.Sid;
    assert_ptr_equal(sid, buf + 16); /* the SID follows, in the caller's buffer */
    assert_int_equal(sid->Revision, 1);
    assert_int_equal(sid->SubAuthorityCount, 5);
    assert_int_equal(sid->IdentifierAuthority.Value[5], 5);
    assert_int_equal(sid->SubAuthority[0], 21);
    assert_int_equal(sid->SubAuthority[4], 1001);
    assert_int_equal(NtQueryInformationToken(sys, token, TokenIntegrityLevel, buf, sizeof buf, &needed), STATUS_SUCCESS);
    assert_int_equal(needed, 28);
    TOKEN_MANDATORY_LABEL *label = (TOKEN_MANDATORY_LABEL *)buf;
    assert_int_equal(((const SID *)label->Label.Sid)->SubAuthority[0], SECURITY_MANDATORY_LOW_RID);
    assert_int_equal(label->Label.Attributes, SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED);
    assert_int_equal(NtQueryInformationToken(sys, token, TokenPrivileges, buf, sizeof buf, &needed), STATUS_SUCCESS);
    TOKEN_PRIVILEGES *tp = (TOKEN_PRIVILEGES *)buf;
    assert_int_equal(tp->PrivilegeCount, 5);
    assert_int_equal(needed, 4 + 12 * 5);
    ULONG e = 0;
    assert_int_equal(NtQueryInformationToken(sys, token, TokenElevation, &e, sizeof e, &needed), STATUS_SUCCESS);
    assert_int_equal(e, 0);
    assert_int_equal(NtQueryInformationToken(sys, token, TokenGroups, buf, sizeof buf, &needed), STATUS_SUCCESS);
    TOKEN_GROUPS *tg = (TOKEN_GROUPS *)buf;
    bool deny_only_admins = false;
    for (ULONG i = 0; i < tg->GroupCount; i++) {
        const SID *g = tg->Groups[i].Sid;
        assert_true((const unsigned char *)g >= buf + 8 + 16 * tg->GroupCount && (const unsigned char *)g < buf + needed);
        if (g->SubAuthorityCount == 2 && g->SubAuthority[1] == 544)
            deny_only_admins = tg->Groups[i].Attributes == SE_GROUP_USE_FOR_DENY_ONLY;
    }
    assert_true(deny_only_admins);
    assert_int_equal(NtQueryInformationToken(sys, token, (TOKEN_INFORMATION_CLASS)99, buf, sizeof buf, &needed),
                     STATUS_INVALID_INFO_CLASS);
    /* A query-only handle cannot adjust. */
    TOKEN_PRIVILEGES set = { 1, { { { SE_SHUTDOWN_PRIVILEGE, 0 }, SE_PRIVILEGE_ENABLED } } };
    assert_int_equal(NtAdjustPrivilegesToken(sys, token, false, &set, 0, NULL, NULL), STATUS_ACCESS_DENIED);
    assert_int_equal(NtClose(sys, token), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void adjusting_reports_what_changed(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = SPAWN(sys, "C:\\a.exe", .elevated = true);
    assert_int_equal(ntsim_set_current_thread(sys, a.UniqueThread), STATUS_SUCCESS);
    HANDLE token;
    assert_int_equal(NtOpenProcessToken(sys, NtCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &token),
                     STATUS_SUCCESS);
    struct {
        TOKEN_PRIVILEGES p;
        LUID_AND_ATTRIBUTES more[2];
    } set = { { 3, { { { SE_DEBUG_PRIVILEGE, 0 }, SE_PRIVILEGE_ENABLED } } },
              { { { SE_TCB_PRIVILEGE, 0 }, SE_PRIVILEGE_ENABLED }, { { SE_CHANGE_NOTIFY_PRIVILEGE, 0 }, SE_PRIVILEGE_ENABLED } } },
      previous;
    ULONG length = 0;
    /* PreviousState too small: nothing changes, the size is told. */
    assert_int_equal(NtAdjustPrivilegesToken(sys, token, false, &set.p, 4, &previous.p, &length),
                     STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(length, 4 + 12);
    assert_false(token_of(sys, a.UniqueProcess).enabled >> SE_DEBUG_PRIVILEGE & 1);
    /* Tcb is not held (not all assigned); Debug changes; ChangeNotify was enabled already. */
    assert_int_equal(NtAdjustPrivilegesToken(sys, token, false, &set.p, sizeof previous, &previous.p, &length),
                     STATUS_NOT_ALL_ASSIGNED);
    assert_int_equal(previous.p.PrivilegeCount, 1);
    assert_int_equal(previous.p.Privileges[0].Luid.LowPart, SE_DEBUG_PRIVILEGE);
    assert_int_equal(previous.p.Privileges[0].Attributes, 0);
    assert_true(token_of(sys, a.UniqueProcess).enabled >> SE_DEBUG_PRIVILEGE & 1);
    /* Disable all: every enabled one goes off, the previous state lists them. */
    assert_int_equal(NtAdjustPrivilegesToken(sys, token, true, NULL, sizeof previous, &previous.p, &length),
                     STATUS_BUFFER_TOO_SMALL); /* four were enabled: 52 bytes do not fit in 40 */
    assert_int_equal(length, 4 + 12 * 4);
    assert_int_equal(NtAdjustPrivilegesToken(sys, token, true, NULL, 0, NULL, NULL), STATUS_SUCCESS);
    assert_int_equal(token_of(sys, a.UniqueProcess).enabled, 0);
    assert_int_equal(NtClose(sys, token), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void opening_a_token_checks_the_process_then_the_token(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID m = SPAWN(sys, "C:\\m.exe"), h = SPAWN(sys, "C:\\h.exe", .elevated = true);
    assert_int_equal(ntsim_set_current_thread(sys, m.UniqueThread), STATUS_SUCCESS);
    HANDLE ph, token;
    assert_int_equal(NtOpenProcess(sys, &ph, SYNCHRONIZE, &(CLIENT_ID){ h.UniqueProcess, 0 }), STATUS_SUCCESS);
    assert_int_equal(NtOpenProcessToken(sys, ph, TOKEN_QUERY, &token), STATUS_ACCESS_DENIED); /* no query right */
    assert_int_equal(NtClose(sys, ph), STATUS_SUCCESS);
    assert_int_equal(NtOpenProcess(sys, &ph, PROCESS_QUERY_LIMITED_INFORMATION, &(CLIENT_ID){ h.UniqueProcess, 0 }),
                     STATUS_SUCCESS);
    /* The elevated token's DACL gives the logon session read and execute; its label forbids writing up. */
    assert_int_equal(NtOpenProcessToken(sys, ph, TOKEN_ADJUST_PRIVILEGES, &token), STATUS_ACCESS_DENIED);
    assert_int_equal(NtOpenProcessToken(sys, ph, TOKEN_QUERY, &token), STATUS_SUCCESS);
    ULONG elevated = 0, needed;
    assert_int_equal(NtQueryInformationToken(sys, token, TokenElevation, &elevated, 4, &needed), STATUS_SUCCESS);
    assert_int_equal(elevated, 1);
    assert_int_equal(NtClose(sys, token), STATUS_SUCCESS);
    assert_int_equal(NtClose(sys, ph), STATUS_SUCCESS);
    /* Another user's token: nothing. */
    CLIENT_ID other = SPAWN(sys, "C:\\o.exe", .user = "mallory");
    assert_int_equal(ntsim_set_current_thread(sys, m.UniqueThread), STATUS_SUCCESS);
    assert_int_equal(NtOpenProcess(sys, &ph, PROCESS_QUERY_LIMITED_INFORMATION, &(CLIENT_ID){ other.UniqueProcess, 0 }),
                     STATUS_ACCESS_DENIED);
    /* Its own token, fully. */
    assert_int_equal(NtOpenProcessToken(sys, NtCurrentProcess(), TOKEN_ALL_ACCESS, &token), STATUS_SUCCESS);
    assert_int_equal(NtClose(sys, token), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

/* ---- privileges used where Windows uses them ---------------------------------- */

static void large_pages_need_se_lock_memory_privilege_enabled(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID plain = SPAWN(sys, "C:\\p.exe"), granted = SPAWN(sys, "C:\\g.exe", .privileges = 1ull << SE_LOCK_MEMORY_PRIVILEGE);
    CLIENT_ID shorthand = SPAWN(sys, "C:\\s.exe", .lock_memory = true);
    ULONG_PTR base;
    SIZE_T size;
#define LARGE(tid, expect)                                                                                           \
    do {                                                                                                             \
        assert_int_equal(ntsim_set_current_thread(sys, (tid)), STATUS_SUCCESS);                                      \
        base = 0, size = 0x200000;                                                                                   \
        assert_int_equal(NtAllocateVirtualMemory(sys, NtCurrentProcess(), &base, 0, &size,                           \
                                                 MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE),        \
                         (expect));                                                                                  \
    } while (0)
    LARGE(plain.UniqueThread, STATUS_PRIVILEGE_NOT_HELD);
    LARGE(granted.UniqueThread, STATUS_PRIVILEGE_NOT_HELD); /* present, not enabled */
    assert_int_equal(set_privilege(sys, granted.UniqueThread, SE_LOCK_MEMORY_PRIVILEGE, true), STATUS_SUCCESS);
    LARGE(granted.UniqueThread, STATUS_SUCCESS);
    LARGE(shorthand.UniqueThread, STATUS_SUCCESS);
#undef LARGE
    ntsim_system_destroy(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scenario_processes_run_as_the_interactive_user_at_medium),
        cmocka_unit_test(a_child_inherits_a_copy_of_its_creators_token),
        cmocka_unit_test(each_user_has_its_own_sid_under_the_machine),
        cmocka_unit_test(medium_opens_medium_of_the_same_user_fully),
        cmocka_unit_test(another_users_process_is_closed_to_a_standard_token),
        cmocka_unit_test(medium_gets_only_the_label_rights_of_an_elevated_process),
        cmocka_unit_test(low_cannot_write_or_read_a_medium_process),
        cmocka_unit_test(low_gets_the_thread_label_rights_of_a_medium_thread),
        cmocka_unit_test(se_debug_privilege_counts_only_when_enabled),
        cmocka_unit_test(generic_rights_map_through_the_process_type),
        cmocka_unit_test(undefined_bits_are_refused_not_trimmed),
        cmocka_unit_test(access_system_security_needs_se_security_privilege),
        cmocka_unit_test(query_information_brings_its_limited_right),
        cmocka_unit_test(a_duplicate_asking_for_more_is_checked_again),
        cmocka_unit_test(token_information_comes_in_windows_layouts),
        cmocka_unit_test(adjusting_reports_what_changed),
        cmocka_unit_test(opening_a_token_checks_the_process_then_the_token),
        cmocka_unit_test(large_pages_need_se_lock_memory_privilege_enabled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
