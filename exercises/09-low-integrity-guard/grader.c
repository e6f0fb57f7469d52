/* grader.c - exercise 09's checks: tokens, folders and paths README.md does not show. */
#include "../grader.h"
#include "exercise.h"

#define FOLDER "\\Device\\HarddiskVolume3\\Users\\Public\\Downloads"

static ntsim_system *load(grader_events *ev, const char *option)
{
    ntsim_system *sys = grader_boot(9, ev);
    const char *options[] = { option };
    assert_status(ntsim_load_driver(sys, "guard", GuardDriverEntry, options, 1), STATUS_SUCCESS);
    return sys;
}

static void unload_and_destroy(ntsim_system *sys, grader_events *ev)
{
    assert_status(ntsim_unload_driver(sys, "guard"), STATUS_SUCCESS);
    if (ev->pool_leaks)
        fail_msg("the driver left %d pool block(s) allocated at unload (SeQueryInformationToken's answers are "
                 "yours to free)", ev->pool_leaks);
    ntsim_system_destroy(sys);
}

/* CreateProcess by System at an integrity level ("low", "medium", ...): the status. */
static NTSTATUS start(ntsim_system *sys, const char *image, const char *integrity)
{
    NTSIM_PROCESS_PARAMS pp;
    CLIENT_ID cid;
    assert_status(ntsim_set_current_thread(sys, GRADER_SYSTEM_TID), STATUS_SUCCESS);
    ntsim_process_params_default(&pp, image);
    pp.integrity = integrity;
    return ntsim_create_process(sys, &pp, &cid);
}

static void refuses_low_from_the_folder(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev, "folder=" FOLDER);
    int threads = ev.thread_creates;
    assert_status(start(sys, "C:\\Users\\Public\\Downloads\\setup.exe", "low"), STATUS_ACCESS_DENIED);
    assert_int_equal(ev.thread_creates, threads); /* refused: no first thread */
    assert_status(start(sys, "C:\\Users\\Public\\Downloads\\setup.exe", "untrusted"), STATUS_ACCESS_DENIED);
    unload_and_destroy(sys, &ev);
}

static void medium_and_above_run(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev, "folder=" FOLDER);
    assert_status(start(sys, "C:\\Users\\Public\\Downloads\\setup.exe", "medium"), STATUS_SUCCESS);
    assert_status(start(sys, "C:\\Users\\Public\\Downloads\\setup.exe", "high"), STATUS_SUCCESS);
    assert_status(start(sys, "C:\\Users\\Public\\Downloads\\setup.exe", NULL), STATUS_SUCCESS);
    unload_and_destroy(sys, &ev);
}

static void low_elsewhere_runs(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev, "folder=" FOLDER);
    assert_status(start(sys, "C:\\Program Files\\Browser\\browser.exe", "low"), STATUS_SUCCESS);
    assert_status(start(sys, "C:\\Users\\Public\\setup.exe", "low"), STATUS_SUCCESS);
    unload_and_destroy(sys, &ev);
}

static void only_the_folder_and_below_count(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev, "folder=" FOLDER);
    /* A sibling whose name begins like the folder's is not in it. */
    assert_status(start(sys, "C:\\Users\\Public\\DownloadsOld\\a.exe", "low"), STATUS_SUCCESS);
    assert_status(start(sys, "C:\\Users\\Public\\Downloads.exe", "low"), STATUS_SUCCESS);
    /* Below it, at any depth, is. */
    assert_status(start(sys, "C:\\Users\\Public\\Downloads\\x\\y\\a.exe", "low"), STATUS_ACCESS_DENIED);
    unload_and_destroy(sys, &ev);
}

static void case_does_not_matter(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev, "folder=\\device\\harddiskvolume3\\USERS\\public\\downloads\\");
    assert_status(start(sys, "C:\\Users\\Public\\DOWNLOADS\\Setup.EXE", "low"), STATUS_ACCESS_DENIED);
    unload_and_destroy(sys, &ev);
}

static void a_low_creator_passes_its_level_on(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev, "folder=" FOLDER);
    CLIENT_ID browser;
    NTSIM_PROCESS_PARAMS pp;
    ntsim_set_current_thread(sys, GRADER_SYSTEM_TID);
    ntsim_process_params_default(&pp, "C:\\Program Files\\Browser\\browser.exe");
    pp.integrity = "low";
    assert_status(ntsim_create_process(sys, &pp, &browser), STATUS_SUCCESS);
    /* The browser starts a download: the child inherits a copy of its low token. */
    assert_status(grader_spawn(sys, "C:\\Users\\Public\\Downloads\\game.exe", browser.UniqueProcess,
                               browser.UniqueThread, NULL),
                  STATUS_ACCESS_DENIED);
    NTSIM_PROCESS_INFO pi;
    assert_status(ntsim_query_process(sys, browser.UniqueProcess, &pi), STATUS_SUCCESS);
    if (pi.exited)
        fail_msg("the browser (the creator) should still run after its child was refused");
    unload_and_destroy(sys, &ev);
}

static void a_load_without_a_folder_fails(void **state)
{
    grader_events ev;
    ntsim_system *sys = grader_boot(9, &ev);
    assert_status(ntsim_load_driver(sys, "guard", GuardDriverEntry, NULL, 0), STATUS_INVALID_PARAMETER);
    const char *empty[] = { "folder=" };
    assert_status(ntsim_load_driver(sys, "guard", GuardDriverEntry, empty, 1), STATUS_INVALID_PARAMETER);
    assert_status(start(sys, "C:\\Users\\Public\\Downloads\\setup.exe", "low"), STATUS_SUCCESS);
    if (ev.pool_leaks)
        fail_msg("a failed load left %d pool block(s) allocated", ev.pool_leaks);
    ntsim_system_destroy(sys);
}

static void unload_lets_them_run_again(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev, "folder=" FOLDER);
    assert_status(start(sys, "C:\\Users\\Public\\Downloads\\setup.exe", "low"), STATUS_ACCESS_DENIED);
    assert_status(ntsim_unload_driver(sys, "guard"), STATUS_SUCCESS);
    if (ev.pool_leaks)
        fail_msg("the driver left %d pool block(s) allocated at unload", ev.pool_leaks);
    assert_status(start(sys, "C:\\Users\\Public\\Downloads\\setup.exe", "low"), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refuses_low_from_the_folder),
        cmocka_unit_test(medium_and_above_run),
        cmocka_unit_test(low_elsewhere_runs),
        cmocka_unit_test(only_the_folder_and_below_count),
        cmocka_unit_test(case_does_not_matter),
        cmocka_unit_test(a_low_creator_passes_its_level_on),
        cmocka_unit_test(a_load_without_a_folder_fails),
        cmocka_unit_test(unload_lets_them_run_again),
    };
    return GRADE("exercise 09: low-integrity guard", tests);
}
