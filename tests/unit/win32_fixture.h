/*
 * win32_fixture.h - for the Win32 unit tests: a system with two processes,
 * the first's main thread current and entered as a program's code is, so
 * the Win32 calls find their system and make their system calls as it.
 */
#ifndef NTSIM_TESTS_WIN32_FIXTURE_H
#define NTSIM_TESTS_WIN32_FIXTURE_H

#include "ke/context.h"
#include "ntsim/ntsim.h"

typedef struct fixture {
    ntsim_system *sys;
    ULONG pid, tid, other_pid, other_tid;
    ke_context saved;
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
    f.other_tid = cid.UniqueThread;
    assert_int_equal(ntsim_set_current_thread(f.sys, f.tid), STATUS_SUCCESS);
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

#endif
