/* grader.c - exercise 02's checks: situations README.md does not show. */
#include "../grader.h"
#include "exercise.h"

static ntsim_system *load(grader_events *ev)
{
    ntsim_system *sys = grader_boot(22, ev);
    assert_status(ntsim_load_driver(sys, "childcounter", ChildCounterDriverEntry, NULL, 0), STATUS_SUCCESS);
    return sys;
}

static void unload_and_destroy(ntsim_system *sys)
{
    assert_status(ntsim_unload_driver(sys, "childcounter"), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void counts_children_of_system(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    for (int i = 0; i < 3; i++)
        assert_status(grader_spawn(sys, "C:\\Windows\\System32\\svchost.exe", 0, 0, NULL), STATUS_SUCCESS);
    assert_int_equal(ChildCounterCreated(4), 3);
    assert_int_equal(ChildCounterLive(4), 3);
    assert_int_equal(ChildCounterCreated(12), 0);
    unload_and_destroy(sys);
}

static void counts_each_parent_apart(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    CLIENT_ID explorer, cmd, tool;
    assert_status(grader_spawn(sys, "C:\\Windows\\explorer.exe", 0, 0, &explorer), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\Windows\\System32\\cmd.exe", explorer.UniqueProcess, explorer.UniqueThread, &cmd),
                  STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\Windows\\notepad.exe", explorer.UniqueProcess, explorer.UniqueThread, NULL),
                  STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\Tools\\make.exe", cmd.UniqueProcess, cmd.UniqueThread, &tool), STATUS_SUCCESS);
    assert_int_equal(ChildCounterCreated(explorer.UniqueProcess), 2);
    assert_int_equal(ChildCounterCreated(cmd.UniqueProcess), 1);
    assert_int_equal(ChildCounterCreated(tool.UniqueProcess), 0);
    assert_int_equal(ChildCounterCreated(4), 1);
    unload_and_destroy(sys);
}

static void the_parent_is_not_the_creator(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    CLIENT_ID explorer, broker;
    assert_status(grader_spawn(sys, "C:\\Windows\\explorer.exe", 0, 0, &explorer), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\Windows\\broker.exe", 0, 0, &broker), STATUS_SUCCESS);
    /* The broker creates a process on explorer's behalf: explorer is the parent. */
    assert_status(grader_spawn(sys, "C:\\app.exe", explorer.UniqueProcess, broker.UniqueThread, NULL), STATUS_SUCCESS);
    assert_int_equal(ChildCounterCreated(explorer.UniqueProcess), 1);
    assert_int_equal(ChildCounterCreated(broker.UniqueProcess), 0);
    unload_and_destroy(sys);
}

static void only_what_happens_after_the_load(void **state)
{
    grader_events ev;
    ntsim_system *sys = grader_boot(22, &ev);
    CLIENT_ID explorer, early;
    assert_status(grader_spawn(sys, "C:\\Windows\\explorer.exe", 0, 0, &explorer), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\early.exe", explorer.UniqueProcess, explorer.UniqueThread, &early), STATUS_SUCCESS);
    assert_status(ntsim_load_driver(sys, "childcounter", ChildCounterDriverEntry, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(ChildCounterCreated(explorer.UniqueProcess), 0);
    /* An exit of a process the driver never saw created changes nothing. */
    assert_status(ntsim_exit_process(sys, early.UniqueProcess, 0), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\late.exe", explorer.UniqueProcess, explorer.UniqueThread, NULL), STATUS_SUCCESS);
    assert_int_equal(ChildCounterCreated(explorer.UniqueProcess), 1);
    assert_int_equal(ChildCounterLive(explorer.UniqueProcess), 1);
    unload_and_destroy(sys);
}

static void exits_lower_the_live_count(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    CLIENT_ID explorer, a, b;
    assert_status(grader_spawn(sys, "C:\\Windows\\explorer.exe", 0, 0, &explorer), STATUS_SUCCESS);
    ULONG p = explorer.UniqueProcess, t = explorer.UniqueThread;
    assert_status(grader_spawn(sys, "C:\\a.exe", p, t, &a), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\b.exe", p, t, &b), STATUS_SUCCESS);
    assert_status(ntsim_exit_process(sys, a.UniqueProcess, 1), STATUS_SUCCESS);
    assert_int_equal(ChildCounterCreated(p), 2);
    assert_int_equal(ChildCounterLive(p), 1);
    /* The parent exiting does not change its children's counts. */
    assert_status(ntsim_exit_process(sys, p, 0), STATUS_SUCCESS);
    assert_int_equal(ChildCounterLive(p), 1);
    assert_status(ntsim_exit_process(sys, b.UniqueProcess, 0), STATUS_SUCCESS);
    assert_int_equal(ChildCounterLive(p), 0);
    assert_int_equal(ChildCounterCreated(p), 2);
    unload_and_destroy(sys);
}

static void no_fixed_limit(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    CLIENT_ID explorer, c;
    assert_status(grader_spawn(sys, "C:\\Windows\\explorer.exe", 0, 0, &explorer), STATUS_SUCCESS);
    /* 600 children, every other one exits at once; PIDs get reused on the way. */
    for (int i = 0; i < 600; i++) {
        assert_status(grader_spawn(sys, "C:\\job.exe", explorer.UniqueProcess, explorer.UniqueThread, &c), STATUS_SUCCESS);
        if (i % 2)
            assert_status(ntsim_exit_process(sys, c.UniqueProcess, 0), STATUS_SUCCESS);
    }
    assert_int_equal(ChildCounterCreated(explorer.UniqueProcess), 600);
    assert_int_equal(ChildCounterLive(explorer.UniqueProcess), 300);
    unload_and_destroy(sys);
}

static void unload_frees_everything(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    CLIENT_ID explorer;
    assert_status(grader_spawn(sys, "C:\\Windows\\explorer.exe", 0, 0, &explorer), STATUS_SUCCESS);
    for (int i = 0; i < 5; i++)
        assert_status(grader_spawn(sys, "C:\\job.exe", explorer.UniqueProcess, explorer.UniqueThread, NULL), STATUS_SUCCESS);
    assert_int_equal(ChildCounterLive(explorer.UniqueProcess), 5);
    assert_status(ntsim_unload_driver(sys, "childcounter"), STATUS_SUCCESS);
    assert_int_equal(ev.pool_leaks, 0);
    ntsim_system_destroy(sys);
}

static void unload_removes_the_routine(void **state)
{
    grader_events ev;
    ntsim_system *sys = load(&ev);
    assert_status(grader_spawn(sys, "C:\\a.exe", 0, 0, NULL), STATUS_SUCCESS);
    assert_status(ntsim_unload_driver(sys, "childcounter"), STATUS_SUCCESS);
    /* Loading again registers again (it would fail if the routine were still
     * registered) and starts from zero. */
    assert_status(ntsim_load_driver(sys, "childcounter", ChildCounterDriverEntry, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(ChildCounterCreated(4), 0);
    assert_status(grader_spawn(sys, "C:\\b.exe", 0, 0, NULL), STATUS_SUCCESS);
    assert_int_equal(ChildCounterCreated(4), 1);
    unload_and_destroy(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_children_of_system),
        cmocka_unit_test(counts_each_parent_apart),
        cmocka_unit_test(the_parent_is_not_the_creator),
        cmocka_unit_test(only_what_happens_after_the_load),
        cmocka_unit_test(exits_lower_the_live_count),
        cmocka_unit_test(no_fixed_limit),
        cmocka_unit_test(unload_frees_everything),
        cmocka_unit_test(unload_removes_the_routine),
    };
    return GRADE("exercise 02: children per parent", tests);
}
