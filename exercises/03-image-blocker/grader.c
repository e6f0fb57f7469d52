/* grader.c - exercise 03's checks: images and lists README.md does not show. */
#include "../grader.h"
#include "exercise.h"

static ntsim_system *load(grader_events *ev, const char *option)
{
    ntsim_system *sys = grader_boot(33, ev);
    const char *options[] = { option };
    assert_status(ntsim_load_driver(sys, "blocker2", BlockerDriverEntry, options, 1), STATUS_SUCCESS);
    return sys;
}

static void unload_and_destroy(ntsim_system *sys)
{
    assert_status(ntsim_unload_driver(sys, "blocker2"), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void refuses_a_listed_image(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev, "images=regedit.exe");
    CLIENT_ID cid;
    int threads = ev.thread_creates;
    assert_status(grader_spawn(sys, "C:\\Windows\\regedit.exe", 0, 0, &cid), STATUS_ACCESS_DENIED);
    /* Refused: no first thread was ever created. */
    assert_int_equal(ev.thread_creates, threads);
    unload_and_destroy(sys);
}

static void ignores_case(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev, "images=Regedit.EXE");
    assert_status(grader_spawn(sys, "C:\\WINDOWS\\REGEDIT.exe", 0, 0, NULL), STATUS_ACCESS_DENIED);
    assert_status(grader_spawn(sys, "C:\\Windows\\regedit.exe", 0, 0, NULL), STATUS_ACCESS_DENIED);
    unload_and_destroy(sys);
}

static void other_images_run(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev, "images=regedit.exe");
    assert_status(grader_spawn(sys, "C:\\Windows\\notepad.exe", 0, 0, NULL), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\Windows\\regedit.exe", 0, 0, NULL), STATUS_ACCESS_DENIED);
    assert_status(grader_spawn(sys, "C:\\Windows\\explorer.exe", 0, 0, NULL), STATUS_SUCCESS);
    unload_and_destroy(sys);
}

static void only_the_whole_file_name_counts(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev, "images=regedit.exe");
    assert_status(grader_spawn(sys, "C:\\Tools\\myregedit.exe", 0, 0, NULL), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\Tools\\regedit.exe.old", 0, 0, NULL), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\regedit.exe\\run.exe", 0, 0, NULL), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\Tools\\regedit.ex", 0, 0, NULL), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\Tools\\regedit.exe", 0, 0, NULL), STATUS_ACCESS_DENIED);
    unload_and_destroy(sys);
}

static void several_names_with_spaces(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev, "images= a.exe ,b.exe,, c.exe ");
    assert_status(grader_spawn(sys, "C:\\x\\a.exe", 0, 0, NULL), STATUS_ACCESS_DENIED);
    assert_status(grader_spawn(sys, "C:\\x\\b.exe", 0, 0, NULL), STATUS_ACCESS_DENIED);
    assert_status(grader_spawn(sys, "C:\\x\\c.exe", 0, 0, NULL), STATUS_ACCESS_DENIED);
    assert_status(grader_spawn(sys, "C:\\x\\d.exe", 0, 0, NULL), STATUS_SUCCESS);
    unload_and_destroy(sys);
}

static void the_creator_sees_the_refusal(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev, "images=cmd.exe");
    CLIENT_ID explorer;
    assert_status(grader_spawn(sys, "C:\\Windows\\explorer.exe", 0, 0, &explorer), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\Windows\\System32\\cmd.exe", explorer.UniqueProcess, explorer.UniqueThread, NULL),
                  STATUS_ACCESS_DENIED);
    NTSIM_PROCESS_INFO pi;
    assert_status(ntsim_query_process(sys, explorer.UniqueProcess, &pi), STATUS_SUCCESS);
    expect_that(!pi.exited, "explorer.exe exited (code %u), expected it still running: a refused child ends no parent",
                (unsigned)pi.exit_code);
    unload_and_destroy(sys);
}

static void a_load_without_names_fails(void **state)
{
    grader_events ev;
    ntsim_system *sys = grader_boot(33, &ev);
    assert_status(ntsim_load_driver(sys, "blocker2", BlockerDriverEntry, NULL, 0), STATUS_INVALID_PARAMETER);
    const char *empty[] = { "images= , ," };
    assert_status(ntsim_load_driver(sys, "blocker2", BlockerDriverEntry, empty, 1), STATUS_INVALID_PARAMETER);
    /* A failed load leaves nothing registered: processes start. */
    assert_status(grader_spawn(sys, "C:\\a.exe", 0, 0, NULL), STATUS_SUCCESS);
    assert_int_equal(ev.pool_leaks, 0);
    ntsim_system_destroy(sys);
}

static void unload_lets_processes_run_again(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev, "images=regedit.exe");
    assert_status(grader_spawn(sys, "C:\\Windows\\regedit.exe", 0, 0, NULL), STATUS_ACCESS_DENIED);
    assert_status(ntsim_unload_driver(sys, "blocker2"), STATUS_SUCCESS);
    assert_int_equal(ev.pool_leaks, 0);
    assert_status(grader_spawn(sys, "C:\\Windows\\regedit.exe", 0, 0, NULL), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refuses_a_listed_image),
        cmocka_unit_test(ignores_case),
        cmocka_unit_test(other_images_run),
        cmocka_unit_test(only_the_whole_file_name_counts),
        cmocka_unit_test(several_names_with_spaces),
        cmocka_unit_test(the_creator_sees_the_refusal),
        cmocka_unit_test(a_load_without_names_fails),
        cmocka_unit_test(unload_lets_processes_run_again),
    };
    return GRADE("exercise 03: image blocker", tests);
}
