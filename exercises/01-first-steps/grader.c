/*
 * grader.c - exercise 01's checks. They build their own situations (not the
 * ones README.md shows) and compare what the functions did with what the
 * kernel reports.
 */
#include "../grader.h"
#include "exercise.h"

typedef struct creation {
    ULONG pid, ppid, creating_pid, creating_tid;
    int count;
} creation;

static void on_event(void *context, const ntsim_event *e)
{
    creation *c = context;
    if (e->kind != NTSIM_EVENT_PROCESS_CREATE)
        return;
    c->pid = e->pid;
    c->ppid = e->ppid;
    c->creating_pid = e->creating_pid;
    c->creating_tid = e->creating_tid;
    c->count++;
}

static ntsim_system *boot(creation *c)
{
    ntsim_system *sys = grader_boot(11, NULL);
    memset(c, 0, sizeof *c);
    ntsim_set_event_sink(sys, on_event, c);
    return sys;
}

static void start_child_is_created_by_the_parent(void **state)
{
    creation c;
    ntsim_system *sys = boot(&c);
    CLIENT_ID shell, child;
    assert_status(grader_spawn(sys, "C:\\Windows\\System32\\cmd.exe", 0, 0, &shell), STATUS_SUCCESS);
    assert_status(ex01_start_child(sys, shell.UniqueProcess, "C:\\Tools\\make.exe", &child), STATUS_SUCCESS);
    assert_int_equal(c.count, 2);
    assert_int_equal(c.pid, child.UniqueProcess);
    assert_int_equal(c.ppid, shell.UniqueProcess);
    assert_int_equal(c.creating_pid, shell.UniqueProcess);
    assert_int_equal(c.creating_tid, shell.UniqueThread);
    NTSIM_PROCESS_INFO pi;
    assert_status(ntsim_query_process(sys, child.UniqueProcess, &pi), STATUS_SUCCESS);
    assert_string_equal(pi.image_name, "make.exe");
    ntsim_system_destroy(sys);
}

static void start_child_uses_a_live_thread(void **state)
{
    creation c;
    ntsim_system *sys = boot(&c);
    CLIENT_ID shell, worker, child;
    assert_status(grader_spawn(sys, "C:\\Windows\\System32\\cmd.exe", 0, 0, &shell), STATUS_SUCCESS);
    assert_status(grader_thread(sys, shell.UniqueProcess, shell.UniqueThread, &worker), STATUS_SUCCESS);
    assert_status(ntsim_exit_thread(sys, shell.UniqueThread, 0), STATUS_SUCCESS);
    /* The first thread is gone: the worker makes the call. */
    assert_status(ex01_start_child(sys, shell.UniqueProcess, "C:\\a.exe", &child), STATUS_SUCCESS);
    assert_int_equal(c.creating_tid, worker.UniqueThread);
    ntsim_system_destroy(sys);
}

static void start_child_of_nobody_fails(void **state)
{
    creation c;
    ntsim_system *sys = boot(&c);
    CLIENT_ID child;
    assert_status(ex01_start_child(sys, 4000, "C:\\a.exe", &child), STATUS_INVALID_CID);
    assert_int_equal(c.count, 0);
    ntsim_system_destroy(sys);
}

static void count_children_counts_live_children_only(void **state)
{
    creation c;
    ntsim_system *sys = boot(&c);
    CLIENT_ID shell, a, b, d, grandchild;
    assert_status(grader_spawn(sys, "C:\\Windows\\System32\\cmd.exe", 0, 0, &shell), STATUS_SUCCESS);
    ULONG p = shell.UniqueProcess;
    assert_int_equal(ex01_count_children(sys, p), 0);
    assert_status(ex01_start_child(sys, p, "C:\\a.exe", &a), STATUS_SUCCESS);
    assert_status(ex01_start_child(sys, p, "C:\\b.exe", &b), STATUS_SUCCESS);
    assert_status(ex01_start_child(sys, p, "C:\\d.exe", &d), STATUS_SUCCESS);
    assert_status(ex01_start_child(sys, a.UniqueProcess, "C:\\g.exe", &grandchild), STATUS_SUCCESS);
    assert_int_equal(ex01_count_children(sys, p), 3);
    assert_int_equal(ex01_count_children(sys, a.UniqueProcess), 1);
    assert_status(ntsim_exit_process(sys, b.UniqueProcess, 0), STATUS_SUCCESS);
    assert_int_equal(ex01_count_children(sys, p), 2);
    ntsim_system_destroy(sys);
}

static void count_children_of_system(void **state)
{
    creation c;
    ntsim_system *sys = boot(&c);
    for (int i = 0; i < 5; i++)
        assert_status(grader_spawn(sys, "C:\\Windows\\System32\\svchost.exe", 0, 0, NULL), STATUS_SUCCESS);
    assert_int_equal(ex01_count_children(sys, 4), 5);
    assert_int_equal(ex01_count_children(sys, 77), 0);
    ntsim_system_destroy(sys);
}

/* Queries `base` in process `pid`'s space as that process. */
static MEMORY_BASIC_INFORMATION query_as(ntsim_system *sys, ULONG tid, ULONG_PTR base)
{
    MEMORY_BASIC_INFORMATION m;
    assert_status(ntsim_set_current_thread(sys, tid), STATUS_SUCCESS);
    assert_int_equal(NtQueryVirtualMemory(sys, NtCurrentProcess(), base, MemoryBasicInformation, &m, sizeof m, NULL),
                     STATUS_SUCCESS);
    return m;
}

static void allocate_buffer_commits_read_write(void **state)
{
    creation c;
    ntsim_system *sys = boot(&c);
    CLIENT_ID app;
    ULONG_PTR base = 0;
    assert_status(grader_spawn(sys, "C:\\app.exe", 0, 0, &app), STATUS_SUCCESS);
    assert_status(ex01_allocate_buffer(sys, app.UniqueProcess, 0x10000, &base), STATUS_SUCCESS);
    expect_that(base != 0 && base % 0x10000 == 0,
                "the buffer's base is 0x%llx, expected a nonzero multiple of 64K (0x10000)", (unsigned long long)base);
    MEMORY_BASIC_INFORMATION m = query_as(sys, app.UniqueThread, base);
    assert_int_equal(m.State, MEM_COMMIT);
    assert_int_equal(m.Protect, PAGE_READWRITE);
    assert_int_equal(m.Type, MEM_PRIVATE);
    assert_int_equal(m.RegionSize, 0x10000);
    assert_int_equal(m.AllocationBase, base);
    ntsim_system_destroy(sys);
}

static void allocate_buffer_in_the_right_process(void **state)
{
    creation c;
    ntsim_system *sys = boot(&c);
    CLIENT_ID a, b;
    ULONG_PTR base = 0;
    assert_status(grader_spawn(sys, "C:\\a.exe", 0, 0, &a), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\b.exe", 0, 0, &b), STATUS_SUCCESS);
    assert_status(ex01_allocate_buffer(sys, b.UniqueProcess, 5000, &base), STATUS_SUCCESS);
    /* 5000 bytes: two pages committed, in b and not in a. */
    MEMORY_BASIC_INFORMATION m = query_as(sys, b.UniqueThread, base);
    assert_int_equal(m.State, MEM_COMMIT);
    assert_int_equal(m.RegionSize, 0x2000);
    m = query_as(sys, a.UniqueThread, base);
    assert_int_not_equal(m.State, MEM_COMMIT);
    ntsim_system_destroy(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(start_child_is_created_by_the_parent),
        cmocka_unit_test(start_child_uses_a_live_thread),
        cmocka_unit_test(start_child_of_nobody_fails),
        cmocka_unit_test(count_children_counts_live_children_only),
        cmocka_unit_test(count_children_of_system),
        cmocka_unit_test(allocate_buffer_commits_read_write),
        cmocka_unit_test(allocate_buffer_in_the_right_process),
    };
    return GRADE("exercise 01: first steps", tests);
}
