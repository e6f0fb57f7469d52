/*
 * test_ps.c - the process manager: boot-time processes, client IDs (one
 * pool, multiples of 4, kept while the object lives, reused FIFO), process
 * and thread creation with their notifications, the exit cascade, queries
 * and walks, the statuses of the error cases, and thread stack sizing.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ntsim/ntsim.h"

#define KB 0x400ull
#define MB 0x100000ull

/* ---- helpers -------------------------------------------------------------- */

static ntsim_system *boot_with(ntsim_arch arch, uint32_t cpus)
{
    ntsim_config c;
    ntsim_system *sys;
    ntsim_config_default(&c);
    c.arch = arch;
    c.cpus = cpus;
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_SUCCESS);
    return sys;
}

static ntsim_system *boot(void)
{
    return boot_with(NTSIM_ARCH_X64, 1);
}

static CLIENT_ID spawn(ntsim_system *sys, const char *image)
{
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID cid;
    ntsim_process_params_default(&p, image);
    assert_int_equal(ntsim_create_process(sys, &p, &cid), STATUS_SUCCESS);
    return cid;
}

static CLIENT_ID spawn_elevated(ntsim_system *sys, const char *image)
{
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID cid;
    ntsim_process_params_default(&p, image);
    p.elevated = true;
    assert_int_equal(ntsim_create_process(sys, &p, &cid), STATUS_SUCCESS);
    return cid;
}

static CLIENT_ID spawn_thread(ntsim_system *sys, ULONG pid)
{
    CLIENT_ID cid;
    assert_int_equal(ntsim_create_thread(sys, pid, 0, false, &cid), STATUS_SUCCESS);
    return cid;
}

static NTSIM_PROCESS_INFO process_info(ntsim_system *sys, ULONG pid)
{
    NTSIM_PROCESS_INFO pi;
    assert_int_equal(ntsim_query_process(sys, pid, &pi), STATUS_SUCCESS);
    return pi;
}

static NTSIM_THREAD_INFO thread_info(ntsim_system *sys, ULONG tid)
{
    NTSIM_THREAD_INFO ti;
    assert_int_equal(ntsim_query_thread(sys, tid, &ti), STATUS_SUCCESS);
    return ti;
}

static HANDLE open_process(ntsim_system *sys, ULONG pid, ACCESS_MASK access)
{
    HANDLE h;
    CLIENT_ID cid = { pid, 0 };
    assert_int_equal(NtOpenProcess(sys, &h, access, &cid), STATUS_SUCCESS);
    return h;
}

/* Events as the sink saw them, strings copied. */
typedef struct recorded_event {
    ntsim_event e;
    char image[256];
    char cmdline[256];
} recorded_event;

typedef struct recorder {
    recorded_event items[64];
    size_t count;
} recorder;

static void record_event(void *context, const ntsim_event *e)
{
    recorder *r = context;
    if (e->kind == NTSIM_EVENT_THREAD_STATE || r->count == sizeof r->items / sizeof r->items[0])
        return;
    recorded_event *x = &r->items[r->count++];
    x->e = *e;
    snprintf(x->image, sizeof x->image, "%s", e->image ? e->image : "");
    snprintf(x->cmdline, sizeof x->cmdline, "%s", e->cmdline ? e->cmdline : "");
    x->e.image = x->image;
    x->e.cmdline = x->cmdline;
}

static void listen(ntsim_system *sys, recorder *r)
{
    memset(r, 0, sizeof *r);
    ntsim_set_event_sink(sys, record_event, r);
}

/* Collected by the walks. */
typedef struct id_list {
    ULONG ids[300];
    ULONG parents[300];
    size_t count;
    size_t stop_after;
} id_list;

static bool collect_process(void *context, const NTSIM_PROCESS_INFO *pi)
{
    id_list *l = context;
    l->parents[l->count] = pi->ppid;
    l->ids[l->count++] = pi->pid;
    return l->stop_after == 0 || l->count < l->stop_after;
}

static bool collect_thread(void *context, const NTSIM_THREAD_INFO *ti)
{
    id_list *l = context;
    l->parents[l->count] = ti->pid;
    l->ids[l->count++] = ti->tid;
    return l->stop_after == 0 || l->count < l->stop_after;
}

/* ---- boot ------------------------------------------------------------------ */

static void boot_has_idle_as_pid_0_and_system_as_pid_4(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    NTSIM_PROCESS_INFO idle = process_info(sys, 0);
    NTSIM_PROCESS_INFO system = process_info(sys, 4);
    assert_int_equal(idle.pid, 0);
    assert_false(idle.exited);
    assert_int_equal(system.pid, 4);
    assert_int_equal(system.ppid, 0);
    assert_string_equal(system.image_name, "System");
    assert_int_equal(system.thread_count, 1);
    ntsim_system_destroy(sys);
}

static void system_first_thread_is_tid_8_and_the_current_thread(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_current_thread_id(sys), 8);
    NTSIM_THREAD_INFO ti = thread_info(sys, 8);
    assert_int_equal(ti.pid, 4);
    ntsim_system_destroy(sys);
}

static void idle_has_one_thread_per_processor(void **state)
{
    (void)state;
    ntsim_system *sys = boot_with(NTSIM_ARCH_X64, 3);
    assert_int_equal(process_info(sys, 0).thread_count, 3);
    id_list l = { 0 };
    assert_int_equal(ntsim_walk_threads(sys, 0, collect_thread, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 3);
    for (size_t i = 0; i < l.count; i++)
        assert_int_equal(l.ids[i], 0);
    /* Idle threads share TID 0 and take nothing from the pool: System is still 4/8. */
    assert_int_equal(ntsim_current_thread_id(sys), 8);
    ntsim_system_destroy(sys);
}

static void clock_starts_at_2026_and_moves_only_when_advanced(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_time(sys), NTSIM_BOOT_TIME);
    spawn(sys, "C:\\a.exe");
    assert_int_equal(ntsim_time(sys), NTSIM_BOOT_TIME);
    ntsim_advance(sys, 100000);
    assert_int_equal(ntsim_time(sys), NTSIM_BOOT_TIME + 100000);
    ntsim_system_destroy(sys);
}

static void bad_configurations_are_refused(void **state)
{
    (void)state;
    ntsim_config c;
    ntsim_system *sys = (ntsim_system *)&c;
    ntsim_config_default(&c);
    c.cpus = 0;
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_INVALID_PARAMETER);
    assert_null(sys);
    c.cpus = 65;
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_INVALID_PARAMETER);
    ntsim_config_default(&c);
    c.increase_uva = 3ull << 30; /* an x86 boot option */
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_INVALID_PARAMETER);
    c.arch = NTSIM_ARCH_X86;
    c.increase_uva = 1ull << 30;
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_INVALID_PARAMETER);
    c.increase_uva = 3ull << 30;
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void two_systems_live_side_by_side(void **state)
{
    (void)state;
    ntsim_system *a = boot(), *b = boot();
    CLIENT_ID x = spawn(a, "C:\\x.exe");
    CLIENT_ID y = spawn(b, "C:\\y.exe");
    assert_int_equal(x.UniqueProcess, y.UniqueProcess);
    assert_string_equal(process_info(a, x.UniqueProcess).image_name, "x.exe");
    assert_string_equal(process_info(b, y.UniqueProcess).image_name, "y.exe");
    ntsim_system_destroy(a);
    ntsim_system_destroy(b);
}

/* ---- client IDs ---------------------------------------------------------- */

static void pids_and_tids_come_from_one_pool_in_steps_of_4(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    assert_int_equal(a.UniqueProcess, 12);
    assert_int_equal(a.UniqueThread, 16);
    assert_int_equal(spawn_thread(sys, a.UniqueProcess).UniqueThread, 20);
    CLIENT_ID b = spawn(sys, "C:\\b.exe");
    assert_int_equal(b.UniqueProcess, 24);
    assert_int_equal(b.UniqueThread, 28);
    ntsim_system_destroy(sys);
}

static void exited_process_keeps_its_pid_while_a_handle_holds_it(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    open_process(sys, a.UniqueProcess, SYNCHRONIZE); /* System's handle */
    assert_int_equal(ntsim_exit_process(sys, a.UniqueProcess, 0), STATUS_SUCCESS);
    NTSIM_PROCESS_INFO pi = process_info(sys, a.UniqueProcess);
    assert_true(pi.exited);
    assert_string_equal(pi.image_name, "a.exe");
    CLIENT_ID b = spawn(sys, "C:\\b.exe");
    assert_int_not_equal(b.UniqueProcess, a.UniqueProcess);
    assert_int_not_equal(b.UniqueThread, a.UniqueProcess);
    ntsim_system_destroy(sys);
}

static void pid_is_gone_once_the_process_object_is_deleted(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    assert_int_equal(ntsim_exit_process(sys, a.UniqueProcess, 0), STATUS_SUCCESS);
    NTSIM_PROCESS_INFO pi;
    NTSIM_THREAD_INFO ti;
    assert_int_equal(ntsim_query_process(sys, a.UniqueProcess, &pi), STATUS_INVALID_CID);
    assert_int_equal(ntsim_query_thread(sys, a.UniqueThread, &ti), STATUS_INVALID_CID);
    ntsim_system_destroy(sys);
}

static void sequence_queries_tell_a_reused_id_apart(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    uint64_t ps = 0, ts = 0;
    NTSIM_THREAD_INFO ti;
    assert_int_equal(ntsim_process_sequence(sys, a.UniqueProcess, &ps), STATUS_SUCCESS);
    assert_int_equal(ntsim_thread_sequence(sys, a.UniqueThread, &ts), STATUS_SUCCESS);
    assert_int_equal(ps, process_info(sys, a.UniqueProcess).sequence);
    assert_int_equal(ntsim_query_thread(sys, a.UniqueThread, &ti), STATUS_SUCCESS);
    assert_int_equal(ts, ti.sequence);
    assert_int_not_equal(ps, ts);
    /* Gone with the object; an ID of a process is no thread's. */
    assert_int_equal(ntsim_thread_sequence(sys, a.UniqueProcess, &ts), STATUS_INVALID_CID);
    assert_int_equal(ntsim_exit_process(sys, a.UniqueProcess, 0), STATUS_SUCCESS);
    assert_int_equal(ntsim_process_sequence(sys, a.UniqueProcess, &ps), STATUS_INVALID_CID);
    assert_int_equal(ntsim_thread_sequence(sys, a.UniqueThread, &ts), STATUS_INVALID_CID);
    ntsim_system_destroy(sys);
}

static void freed_ids_come_back_fifo_and_only_after_the_fresh_ones(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe"); /* 12, 16 */
    assert_int_equal(ntsim_exit_process(sys, a.UniqueProcess, 0), STATUS_SUCCESS);
    /* The thread object went first (TID 16), then the process (PID 12).
       Threads of System are cheap: no address space, no stack. */
    ULONG tid = 0;
    for (ULONG want = 20; want <= 1020; want += 4) {
        tid = spawn_thread(sys, 4).UniqueThread;
        assert_int_equal(tid, want);
    }
    assert_int_equal(spawn_thread(sys, 4).UniqueThread, 16);
    assert_int_equal(spawn_thread(sys, 4).UniqueThread, 12);
    assert_int_equal(spawn_thread(sys, 4).UniqueThread, 1024);
    ntsim_system_destroy(sys);
}

static void an_id_held_by_a_handle_is_not_reused_when_the_pool_wraps(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe"); /* 12, 16 */
    open_process(sys, a.UniqueProcess, SYNCHRONIZE);
    ntsim_exit_process(sys, a.UniqueProcess, 0); /* 16 freed; 12 held */
    for (ULONG want = 20; want <= 1020; want += 4)
        spawn_thread(sys, 4);
    assert_int_equal(spawn_thread(sys, 4).UniqueThread, 16);
    assert_int_equal(spawn_thread(sys, 4).UniqueThread, 1024);
    ntsim_system_destroy(sys);
}

/* ---- creation and its notifications -------------------------------------- */

static void create_delivers_process_then_thread_then_image_and_ntdll(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    recorder r;
    listen(sys, &r);
    CLIENT_ID a = spawn(sys, "C:\\Windows\\System32\\notepad.exe");
    assert_int_equal(r.count, 4);
    const ntsim_event *pc = &r.items[0].e, *tc = &r.items[1].e, *il = &r.items[2].e, *nl = &r.items[3].e;
    assert_int_equal(pc->kind, NTSIM_EVENT_PROCESS_CREATE);
    assert_int_equal(pc->pid, a.UniqueProcess);
    assert_int_equal(pc->ppid, 4);
    assert_int_equal(pc->creating_pid, 4);
    assert_int_equal(pc->creating_tid, 8);
    assert_string_equal(pc->image, "C:\\Windows\\System32\\notepad.exe");
    assert_int_equal(tc->kind, NTSIM_EVENT_THREAD_CREATE);
    assert_int_equal(tc->pid, a.UniqueProcess);
    assert_int_equal(tc->tid, a.UniqueThread);
    assert_int_equal(tc->creating_pid, 4);
    assert_int_equal(tc->creating_tid, 8);
    assert_int_equal(il->kind, NTSIM_EVENT_IMAGE_LOAD);
    assert_int_equal(il->pid, a.UniqueProcess);
    assert_string_equal(il->image, "\\Device\\HarddiskVolume3\\Windows\\System32\\notepad.exe");
    assert_int_equal(il->base, process_info(sys, a.UniqueProcess).image_base);
    assert_true(il->size > 0);
    assert_int_equal(nl->kind, NTSIM_EVENT_IMAGE_LOAD);
    assert_int_equal(nl->pid, a.UniqueProcess);
    assert_string_equal(nl->image, "\\Device\\HarddiskVolume3\\Windows\\System32\\ntdll.dll");
    assert_true(nl->base != 0 && nl->base % 0x10000 == 0);
    ntsim_system_destroy(sys);
}

static void events_are_stamped_with_the_clock(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    recorder r;
    listen(sys, &r);
    ntsim_advance(sys, 12345);
    spawn(sys, "C:\\a.exe");
    assert_int_equal(r.items[0].e.time, NTSIM_BOOT_TIME + 12345);
    ntsim_system_destroy(sys);
}

static void command_line_defaults_to_the_image_path(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    recorder r;
    listen(sys, &r);
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    assert_string_equal(r.items[0].e.cmdline, "C:\\a.exe");
    assert_string_equal(process_info(sys, a.UniqueProcess).command_line, "C:\\a.exe");
    ntsim_system_destroy(sys);
}

static void given_command_line_is_kept(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    recorder r;
    listen(sys, &r);
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID a;
    ntsim_process_params_default(&p, "C:\\Windows\\notepad.exe");
    p.command_line = "notepad.exe C:\\a b.txt";
    assert_int_equal(ntsim_create_process(sys, &p, &a), STATUS_SUCCESS);
    assert_string_equal(r.items[0].e.cmdline, "notepad.exe C:\\a b.txt");
    assert_string_equal(process_info(sys, a.UniqueProcess).command_line, "notepad.exe C:\\a b.txt");
    ntsim_system_destroy(sys);
}

static void create_from_a_user_thread_names_it_as_the_creator(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID shell = spawn(sys, "C:\\explorer.exe");
    assert_int_equal(ntsim_set_current_thread(sys, shell.UniqueThread), STATUS_SUCCESS);
    recorder r;
    listen(sys, &r);
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID a;
    ntsim_process_params_default(&p, "C:\\a.exe");
    p.parent_pid = shell.UniqueProcess;
    assert_int_equal(ntsim_create_process(sys, &p, &a), STATUS_SUCCESS);
    assert_int_equal(r.items[0].e.ppid, shell.UniqueProcess);
    assert_int_equal(r.items[0].e.creating_pid, shell.UniqueProcess);
    assert_int_equal(r.items[0].e.creating_tid, shell.UniqueThread);
    assert_int_equal(r.items[1].e.creating_pid, shell.UniqueProcess);
    assert_int_equal(r.items[1].e.creating_tid, shell.UniqueThread);
    assert_int_equal(process_info(sys, a.UniqueProcess).ppid, shell.UniqueProcess);
    ntsim_system_destroy(sys);
}

static void parent_and_creator_may_differ(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID shell = spawn(sys, "C:\\explorer.exe");
    recorder r;
    listen(sys, &r);
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID a;
    ntsim_process_params_default(&p, "C:\\a.exe");
    p.parent_pid = shell.UniqueProcess; /* PROC_THREAD_ATTRIBUTE_PARENT_PROCESS from System's thread */
    assert_int_equal(ntsim_create_process(sys, &p, &a), STATUS_SUCCESS);
    assert_int_equal(r.items[0].e.ppid, shell.UniqueProcess);
    assert_int_equal(r.items[0].e.creating_pid, 4);
    assert_int_equal(r.items[0].e.creating_tid, 8);
    ntsim_system_destroy(sys);
}

static void local_thread_names_its_own_process_as_the_creator(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    ntsim_set_current_thread(sys, a.UniqueThread);
    recorder r;
    listen(sys, &r);
    CLIENT_ID t = spawn_thread(sys, a.UniqueProcess);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.items[0].e.kind, NTSIM_EVENT_THREAD_CREATE);
    assert_int_equal(r.items[0].e.pid, a.UniqueProcess);
    assert_int_equal(r.items[0].e.tid, t.UniqueThread);
    assert_int_equal(r.items[0].e.creating_pid, a.UniqueProcess);
    assert_int_equal(r.items[0].e.creating_tid, a.UniqueThread);
    ntsim_system_destroy(sys);
}

static void remote_thread_names_the_other_process_as_the_creator(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID injector = spawn(sys, "C:\\injector.exe");
    CLIENT_ID victim = spawn(sys, "C:\\victim.exe");
    ntsim_set_current_thread(sys, injector.UniqueThread);
    recorder r;
    listen(sys, &r);
    CLIENT_ID t = spawn_thread(sys, victim.UniqueProcess);
    assert_int_equal(t.UniqueProcess, victim.UniqueProcess);
    assert_int_equal(r.items[0].e.pid, victim.UniqueProcess);
    assert_int_equal(r.items[0].e.creating_pid, injector.UniqueProcess);
    assert_int_equal(r.items[0].e.creating_tid, injector.UniqueThread);
    ntsim_system_destroy(sys);
}

static void x86_image_on_x64_system_runs_under_wow64(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID a;
    ntsim_process_params_default(&p, "C:\\old.exe");
    p.arch = NTSIM_ARCH_X86;
    assert_int_equal(ntsim_create_process(sys, &p, &a), STATUS_SUCCESS);
    NTSIM_PROCESS_INFO pi = process_info(sys, a.UniqueProcess);
    assert_int_equal(pi.arch, NTSIM_ARCH_X86);
    assert_true(pi.wow64);
    assert_true(pi.image_base < 0x80000000ull);
    ntsim_system_destroy(sys);
}

static void x86_image_on_x86_system_is_native(void **state)
{
    (void)state;
    ntsim_system *sys = boot_with(NTSIM_ARCH_X86, 1);
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID a;
    ntsim_process_params_default(&p, "C:\\old.exe");
    p.arch = NTSIM_ARCH_X86;
    assert_int_equal(ntsim_create_process(sys, &p, &a), STATUS_SUCCESS);
    assert_false(process_info(sys, a.UniqueProcess).wow64);
    ntsim_system_destroy(sys);
}

static void x64_image_on_x86_system_is_invalid_image_format(void **state)
{
    (void)state;
    ntsim_system *sys = boot_with(NTSIM_ARCH_X86, 1);
    recorder r;
    listen(sys, &r);
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID a;
    ntsim_process_params_default(&p, "C:\\new.exe");
    p.arch = NTSIM_ARCH_X64;
    assert_int_equal(ntsim_create_process(sys, &p, &a), STATUS_INVALID_IMAGE_FORMAT);
    assert_int_equal(r.count, 0);
    /* Nothing was taken from the pool. */
    p.arch = NTSIM_ARCH_X86;
    assert_int_equal(ntsim_create_process(sys, &p, &a), STATUS_SUCCESS);
    assert_int_equal(a.UniqueProcess, 12);
    ntsim_system_destroy(sys);
}

static void create_with_an_unknown_parent_is_invalid_cid(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID a;
    ntsim_process_params_default(&p, "C:\\a.exe");
    p.parent_pid = 400;
    assert_int_equal(ntsim_create_process(sys, &p, &a), STATUS_INVALID_CID);
    p.parent_pid = 8; /* a TID */
    assert_int_equal(ntsim_create_process(sys, &p, &a), STATUS_INVALID_CID);
    ntsim_system_destroy(sys);
}

static void create_with_an_exited_parent_is_process_is_terminating(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID parent = spawn(sys, "C:\\parent.exe");
    open_process(sys, parent.UniqueProcess, SYNCHRONIZE);
    ntsim_exit_process(sys, parent.UniqueProcess, 0);
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID a;
    ntsim_process_params_default(&p, "C:\\a.exe");
    p.parent_pid = parent.UniqueProcess;
    assert_int_equal(ntsim_create_process(sys, &p, &a), STATUS_PROCESS_IS_TERMINATING);
    ntsim_system_destroy(sys);
}

static void create_thread_in_a_process_that_cannot_have_one_fails(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    open_process(sys, a.UniqueProcess, SYNCHRONIZE);
    ntsim_exit_process(sys, a.UniqueProcess, 0);
    CLIENT_ID t;
    assert_int_equal(ntsim_create_thread(sys, a.UniqueProcess, 0, false, &t), STATUS_PROCESS_IS_TERMINATING);
    assert_int_equal(ntsim_create_thread(sys, 400, 0, false, &t), STATUS_INVALID_CID);
    assert_int_equal(ntsim_create_thread(sys, 0, 0, false, &t), STATUS_INVALID_CID);
    ntsim_system_destroy(sys);
}

/* ---- exit ------------------------------------------------------------------ */

static void process_exit_ends_its_threads_in_order_then_the_process(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    CLIENT_ID t2 = spawn_thread(sys, a.UniqueProcess);
    CLIENT_ID t3 = spawn_thread(sys, a.UniqueProcess);
    recorder r;
    listen(sys, &r);
    assert_int_equal(ntsim_exit_process(sys, a.UniqueProcess, 7), STATUS_SUCCESS);
    assert_int_equal(r.count, 4);
    ULONG tids[] = { a.UniqueThread, t2.UniqueThread, t3.UniqueThread };
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(r.items[i].e.kind, NTSIM_EVENT_THREAD_EXIT);
        assert_int_equal(r.items[i].e.pid, a.UniqueProcess);
        assert_int_equal(r.items[i].e.tid, tids[i]);
        assert_int_equal(r.items[i].e.exit_code, 7);
    }
    assert_int_equal(r.items[3].e.kind, NTSIM_EVENT_PROCESS_EXIT);
    assert_int_equal(r.items[3].e.pid, a.UniqueProcess);
    assert_int_equal(r.items[3].e.exit_code, 7);
    ntsim_system_destroy(sys);
}

static void exited_process_reports_its_code_and_no_threads(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    spawn_thread(sys, a.UniqueProcess);
    assert_int_equal(process_info(sys, a.UniqueProcess).exit_code, (ULONG)STATUS_PENDING);
    open_process(sys, a.UniqueProcess, SYNCHRONIZE);
    ntsim_advance(sys, 500);
    ntsim_exit_process(sys, a.UniqueProcess, 3);
    NTSIM_PROCESS_INFO pi = process_info(sys, a.UniqueProcess);
    assert_true(pi.exited);
    assert_int_equal(pi.exit_code, 3);
    assert_int_equal(pi.thread_count, 0);
    assert_int_equal(pi.exit_time, NTSIM_BOOT_TIME + 500);
    ntsim_system_destroy(sys);
}

static void process_exit_closes_its_handles(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID holder = spawn_elevated(sys, "C:\\holder.exe");
    CLIENT_ID held = spawn(sys, "C:\\held.exe");
    ntsim_set_current_thread(sys, holder.UniqueThread);
    open_process(sys, held.UniqueProcess, SYNCHRONIZE);
    open_process(sys, 4, SYNCHRONIZE);
    ntsim_set_current_thread(sys, 8);
    ntsim_exit_process(sys, held.UniqueProcess, 0); /* kept alive by holder's handle */
    assert_int_equal(process_info(sys, held.UniqueProcess).object_handle_count, 1);
    open_process(sys, holder.UniqueProcess, SYNCHRONIZE); /* so holder can be queried after exit */
    assert_int_equal(ntsim_exit_process(sys, holder.UniqueProcess, 0), STATUS_SUCCESS);
    assert_int_equal(process_info(sys, holder.UniqueProcess).handle_count, 0);
    assert_int_equal(process_info(sys, 4).object_handle_count, 0);
    NTSIM_PROCESS_INFO pi;
    assert_int_equal(ntsim_query_process(sys, held.UniqueProcess, &pi), STATUS_INVALID_CID);
    ntsim_system_destroy(sys);
}

static void handle_cycle_between_two_processes_dies_with_them(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    CLIENT_ID b = spawn(sys, "C:\\b.exe");
    ntsim_set_current_thread(sys, a.UniqueThread);
    open_process(sys, b.UniqueProcess, SYNCHRONIZE);
    ntsim_set_current_thread(sys, b.UniqueThread);
    open_process(sys, a.UniqueProcess, SYNCHRONIZE);
    ntsim_exit_process(sys, a.UniqueProcess, 0);
    ntsim_exit_process(sys, b.UniqueProcess, 0);
    NTSIM_PROCESS_INFO pi;
    assert_int_equal(ntsim_query_process(sys, a.UniqueProcess, &pi), STATUS_INVALID_CID);
    assert_int_equal(ntsim_query_process(sys, b.UniqueProcess, &pi), STATUS_INVALID_CID);
    ntsim_system_destroy(sys);
}

static void last_thread_exiting_ends_the_process_with_its_code(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    CLIENT_ID t2 = spawn_thread(sys, a.UniqueProcess);
    open_process(sys, a.UniqueProcess, SYNCHRONIZE);
    recorder r;
    listen(sys, &r);
    assert_int_equal(ntsim_exit_thread(sys, a.UniqueThread, 1), STATUS_SUCCESS);
    assert_int_equal(r.count, 1);
    assert_int_equal(ntsim_exit_thread(sys, t2.UniqueThread, 9), STATUS_SUCCESS);
    assert_int_equal(r.count, 3);
    assert_int_equal(r.items[1].e.kind, NTSIM_EVENT_THREAD_EXIT);
    assert_int_equal(r.items[1].e.tid, t2.UniqueThread);
    assert_int_equal(r.items[2].e.kind, NTSIM_EVENT_PROCESS_EXIT);
    assert_int_equal(r.items[2].e.exit_code, 9);
    assert_int_equal(process_info(sys, a.UniqueProcess).exit_code, 9);
    ntsim_system_destroy(sys);
}

static void exiting_one_of_two_threads_keeps_the_process_running(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    spawn_thread(sys, a.UniqueProcess);
    assert_int_equal(ntsim_exit_thread(sys, a.UniqueThread, 0), STATUS_SUCCESS);
    NTSIM_PROCESS_INFO pi = process_info(sys, a.UniqueProcess);
    assert_false(pi.exited);
    assert_int_equal(pi.thread_count, 1);
    ntsim_system_destroy(sys);
}

static void exited_thread_held_by_a_handle_is_terminated_with_its_code(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    CLIENT_ID t = spawn_thread(sys, a.UniqueProcess);
    HANDLE h;
    assert_int_equal(NtOpenThread(sys, &h, SYNCHRONIZE, &(CLIENT_ID){ 0, t.UniqueThread }), STATUS_SUCCESS);
    ntsim_exit_thread(sys, t.UniqueThread, 0x55);
    NTSIM_THREAD_INFO ti = thread_info(sys, t.UniqueThread);
    assert_int_equal(ti.state, Terminated);
    assert_int_equal(ti.exit_code, 0x55);
    assert_int_equal(ti.pid, a.UniqueProcess);
    ntsim_system_destroy(sys);
}

static void exiting_the_current_threads_process_makes_system_current(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    ntsim_set_current_thread(sys, a.UniqueThread);
    assert_int_equal(ntsim_exit_process(sys, a.UniqueProcess, 0), STATUS_SUCCESS);
    assert_int_equal(ntsim_current_thread_id(sys), 8);
    ntsim_system_destroy(sys);
}

/* A regression test (a bug found in review). A thread that ends its own process through
 * NtTerminateProcess(NtCurrentProcess()) is freed inside the service, and
 * the dispatcher (sys_system_service) then writes the saved previous mode
 * into the freed thread: a heap use-after-free that AddressSanitizer reports
 * (a plain build passes by luck). Same for NtTerminateThread(NtCurrentThread()). */
static void terminating_the_calling_process_through_its_pseudo_handle_is_memory_safe(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    ntsim_set_current_thread(sys, a.UniqueThread);
    assert_int_equal(NtTerminateProcess(sys, NtCurrentProcess(), 0), STATUS_SUCCESS);
    assert_int_equal(ntsim_current_thread_id(sys), 8);
    CLIENT_ID b = spawn(sys, "C:\\b.exe");
    CLIENT_ID t = spawn_thread(sys, b.UniqueProcess);
    ntsim_set_current_thread(sys, t.UniqueThread);
    assert_int_equal(NtTerminateThread(sys, NtCurrentThread(), 0), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void exiting_idle_or_system_is_access_denied(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_exit_process(sys, 0, 0), STATUS_ACCESS_DENIED);
    assert_int_equal(ntsim_exit_process(sys, 4, 0), STATUS_ACCESS_DENIED);
    assert_int_equal(ntsim_exit_thread(sys, 8, 0), STATUS_ACCESS_DENIED);
    assert_false(process_info(sys, 4).exited);
    ntsim_system_destroy(sys);
}

static void terminating_system_through_a_handle_is_access_denied(void **state)
{
    (void)state;
    ntsim_system *sys = boot(); /* System's own thread: it may open itself fully */
    HANDLE h = open_process(sys, 4, PROCESS_TERMINATE);
    assert_int_equal(NtTerminateProcess(sys, h, 0), STATUS_ACCESS_DENIED);
    assert_int_equal(NtTerminateProcess(sys, NtCurrentProcess(), 0), STATUS_ACCESS_DENIED);
    assert_int_equal(NtTerminateThread(sys, NtCurrentThread(), 0), STATUS_ACCESS_DENIED);
    assert_false(process_info(sys, 4).exited);
    ntsim_system_destroy(sys);
}

static void exiting_twice_is_terminating(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    CLIENT_ID t = spawn_thread(sys, a.UniqueProcess);
    HANDLE h;
    NtOpenThread(sys, &h, SYNCHRONIZE, &(CLIENT_ID){ 0, t.UniqueThread });
    open_process(sys, a.UniqueProcess, SYNCHRONIZE);
    assert_int_equal(ntsim_exit_thread(sys, t.UniqueThread, 0), STATUS_SUCCESS);
    assert_int_equal(ntsim_exit_thread(sys, t.UniqueThread, 0), STATUS_THREAD_IS_TERMINATING);
    assert_int_equal(ntsim_exit_process(sys, a.UniqueProcess, 0), STATUS_SUCCESS);
    assert_int_equal(ntsim_exit_process(sys, a.UniqueProcess, 0), STATUS_PROCESS_IS_TERMINATING);
    ntsim_system_destroy(sys);
}

static void exiting_unknown_ids_is_invalid_cid(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    assert_int_equal(ntsim_exit_process(sys, 400, 0), STATUS_INVALID_CID);
    assert_int_equal(ntsim_exit_thread(sys, 400, 0), STATUS_INVALID_CID);
    assert_int_equal(ntsim_exit_process(sys, 8, 0), STATUS_INVALID_CID); /* a TID */
    assert_int_equal(ntsim_exit_thread(sys, 4, 0), STATUS_INVALID_CID);  /* a PID */
    ntsim_system_destroy(sys);
}

static void current_thread_must_be_a_live_thread(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    CLIENT_ID t = spawn_thread(sys, a.UniqueProcess);
    HANDLE h;
    NtOpenThread(sys, &h, SYNCHRONIZE, &(CLIENT_ID){ 0, t.UniqueThread });
    ntsim_exit_thread(sys, t.UniqueThread, 0);
    assert_int_equal(ntsim_set_current_thread(sys, t.UniqueThread), STATUS_INVALID_CID);
    assert_int_equal(ntsim_set_current_thread(sys, 400), STATUS_INVALID_CID);
    assert_int_equal(ntsim_set_current_thread(sys, a.UniqueProcess), STATUS_INVALID_CID);
    assert_int_equal(ntsim_current_thread_id(sys), 8);
    ntsim_system_destroy(sys);
}

/* ---- opening the System process ------------------------------------------- */

static void user_process_opens_system_only_with_limited_rights(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn_elevated(sys, "C:\\a.exe");
    CLIENT_ID m = spawn(sys, "C:\\m.exe");
    ntsim_set_current_thread(sys, a.UniqueThread);
    HANDLE h;
    CLIENT_ID system = { 4, 0 };
    assert_int_equal(NtOpenProcess(sys, &h, PROCESS_ALL_ACCESS, &system), STATUS_ACCESS_DENIED);
    assert_int_equal(NtOpenProcess(sys, &h, PROCESS_TERMINATE, &system), STATUS_ACCESS_DENIED);
    assert_int_equal(NtOpenProcess(sys, &h, PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, &system),
                     STATUS_SUCCESS);
    assert_int_equal(process_info(sys, a.UniqueProcess).handle_count, 1);
    /* Even SeDebugPrivilege enabled leaves a protected process's limit in place. */
    NTSIM_TOKEN_INFO ti;
    assert_int_equal(ntsim_query_token(sys, a.UniqueProcess, &ti), STATUS_SUCCESS);
    assert_true(ti.present >> SE_DEBUG_PRIVILEGE & 1);
    /* A filtered (medium) token has Administrators for deny only: System's DACL gives it nothing. */
    ntsim_set_current_thread(sys, m.UniqueThread);
    assert_int_equal(NtOpenProcess(sys, &h, PROCESS_QUERY_LIMITED_INFORMATION, &system), STATUS_ACCESS_DENIED);
    assert_int_equal(process_info(sys, m.UniqueProcess).handle_count, 0);
    ntsim_system_destroy(sys);
}

typedef struct access_probe {
    ULONG handle;
    ACCESS_MASK access;
} access_probe;

static bool find_access(void *context, const NTSIM_HANDLE_INFO *info)
{
    access_probe *p = context;
    if (info->handle != p->handle)
        return true;
    p->access = info->access;
    return false;
}

static ACCESS_MASK granted(ntsim_system *sys, ULONG pid, HANDLE h)
{
    access_probe p = { (ULONG)(uintptr_t)h, 0xFFFFFFFFu };
    ntsim_walk_handles(sys, pid, find_access, &p);
    return p.access;
}

static void maximum_allowed_on_system_grants_the_limited_rights(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn_elevated(sys, "C:\\a.exe");
    ntsim_set_current_thread(sys, a.UniqueThread);
    HANDLE hp, ht;
    /* Administrators' read and execute rights (0x121411) as the label leaves them to a high caller of a
       system-integrity object (0x101001), cut to the protected limit (0x103800). */
    assert_int_equal(NtOpenProcess(sys, &hp, MAXIMUM_ALLOWED, &(CLIENT_ID){ 4, 0 }), STATUS_SUCCESS);
    assert_int_equal(granted(sys, a.UniqueProcess, hp), PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE);
    assert_int_equal(NtOpenThread(sys, &ht, MAXIMUM_ALLOWED, &(CLIENT_ID){ 0, 8 }), STATUS_SUCCESS);
    assert_int_equal(granted(sys, a.UniqueProcess, ht), THREAD_QUERY_LIMITED_INFORMATION | SYNCHRONIZE);
    assert_int_equal(NtOpenThread(sys, &ht, THREAD_TERMINATE, &(CLIENT_ID){ 0, 8 }), STATUS_ACCESS_DENIED);
    ntsim_system_destroy(sys);
}

static void maximum_allowed_on_a_user_process_grants_all_access(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    CLIENT_ID b = spawn(sys, "C:\\b.exe");
    ntsim_set_current_thread(sys, a.UniqueThread);
    HANDLE h = open_process(sys, b.UniqueProcess, MAXIMUM_ALLOWED);
    assert_int_equal(granted(sys, a.UniqueProcess, h), PROCESS_ALL_ACCESS);
    ntsim_system_destroy(sys);
}

/* ---- queries and walks ------------------------------------------------------- */

static void query_reports_a_running_process(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    ntsim_advance(sys, 77);
    CLIENT_ID a = spawn(sys, "C:\\Windows\\System32\\calc.exe");
    spawn_thread(sys, a.UniqueProcess);
    NTSIM_PROCESS_INFO pi = process_info(sys, a.UniqueProcess);
    assert_int_equal(pi.pid, a.UniqueProcess);
    assert_int_equal(pi.ppid, 4);
    assert_string_equal(pi.image_name, "calc.exe");
    assert_string_equal(pi.image_path, "C:\\Windows\\System32\\calc.exe");
    assert_int_equal(pi.arch, NTSIM_ARCH_X64);
    assert_false(pi.wow64);
    assert_false(pi.exited);
    assert_int_equal(pi.exit_code, (ULONG)STATUS_PENDING);
    assert_int_equal(pi.thread_count, 2);
    assert_int_equal(pi.handle_count, 0);
    assert_int_equal(pi.create_time, NTSIM_BOOT_TIME + 77);
    assert_true(pi.peb != 0);
    assert_true(pi.image_base != 0);
    ntsim_system_destroy(sys);
}

static void sequence_numbers_are_unique_even_when_ids_repeat(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    CLIENT_ID b = spawn(sys, "C:\\b.exe");
    uint64_t sa = process_info(sys, a.UniqueProcess).sequence;
    uint64_t sb = process_info(sys, b.UniqueProcess).sequence;
    uint64_t st = thread_info(sys, b.UniqueThread).sequence;
    assert_true(sa < sb);
    assert_int_not_equal(sb, st);
    ntsim_system_destroy(sys);
}

static void query_reports_a_thread(void **state)
{
    (void)state;
    ntsim_system *sys = boot_with(NTSIM_ARCH_X64, 2);
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    NTSIM_THREAD_INFO ti = thread_info(sys, a.UniqueThread);
    assert_int_equal(ti.tid, a.UniqueThread);
    assert_int_equal(ti.pid, a.UniqueProcess);
    assert_int_equal(ti.base_priority, 8);
    assert_int_equal(ti.affinity, 0x3);
    assert_int_equal(ti.exit_code, (ULONG)STATUS_PENDING);
    assert_int_not_equal(ti.state, Terminated);
    assert_true(ti.teb != 0);
    ntsim_system_destroy(sys);
}

static void walk_processes_goes_in_creation_order_idle_first(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID b;
    ntsim_process_params_default(&p, "C:\\b.exe");
    p.parent_pid = a.UniqueProcess;
    ntsim_create_process(sys, &p, &b);
    id_list l = { 0 };
    ntsim_walk_processes(sys, collect_process, &l);
    assert_int_equal(l.count, 4);
    ULONG want[] = { 0, 4, a.UniqueProcess, b.UniqueProcess };
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(l.ids[i], want[i]);
    assert_int_equal(l.parents[3], a.UniqueProcess);
    ntsim_system_destroy(sys);
}

static void walk_processes_skips_deleted_processes(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    CLIENT_ID b = spawn(sys, "C:\\b.exe");
    ntsim_exit_process(sys, a.UniqueProcess, 0);
    id_list l = { 0 };
    ntsim_walk_processes(sys, collect_process, &l);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.ids[2], b.UniqueProcess);
    ntsim_system_destroy(sys);
}

static void walk_processes_stops_when_the_callback_says_so(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    spawn(sys, "C:\\a.exe");
    id_list l = { .stop_after = 2 };
    ntsim_walk_processes(sys, collect_process, &l);
    assert_int_equal(l.count, 2);
    ntsim_system_destroy(sys);
}

static void walk_threads_goes_in_creation_order(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    spawn(sys, "C:\\b.exe");
    CLIENT_ID t2 = spawn_thread(sys, a.UniqueProcess);
    id_list l = { 0 };
    assert_int_equal(ntsim_walk_threads(sys, a.UniqueProcess, collect_thread, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 2);
    assert_int_equal(l.ids[0], a.UniqueThread);
    assert_int_equal(l.ids[1], t2.UniqueThread);
    assert_int_equal(l.parents[1], a.UniqueProcess);
    ntsim_system_destroy(sys);
}

static void walk_threads_of_an_unknown_process_is_invalid_cid(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    id_list l = { 0 };
    assert_int_equal(ntsim_walk_threads(sys, 400, collect_thread, &l), STATUS_INVALID_CID);
    assert_int_equal(l.count, 0);
    ntsim_system_destroy(sys);
}

static void thread_state_names_follow_kthread_state(void **state)
{
    (void)state;
    const char *want[] = { "Initialized", "Ready", "Running", "Standby", "Terminated", "Waiting", "Transition",
                           "DeferredReady" };
    for (int i = 0; i < 8; i++)
        assert_string_equal(ntsim_thread_state_name((KTHREAD_STATE)i), want[i]);
    assert_null(ntsim_thread_state_name((KTHREAD_STATE)8));
}

/* A regression test (a bug found in review). ntsim_advance saturates the clock at UINT64_MAX, and
 * ke_advance's next_tick then wraps past 2^64 and stays <= now: the call
 * never returns. (The alarm turns the hang into a failure.) */
static void advancing_the_clock_to_its_end_returns(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    alarm(5);
    ntsim_advance(sys, UINT64_MAX);
    alarm(0);
    assert_true(ntsim_time(sys) > NTSIM_BOOT_TIME);
    ntsim_system_destroy(sys);
}

/* A regression test (a bug found in review). The deadline of a wait is time + timeout without a
 * check for overflow: the largest timeout wraps into the past and the wait
 * is satisfied at the next clock tick instead of (practically) never. */
static void wait_with_the_largest_timeout_does_not_expire_at_once(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    CLIENT_ID t = spawn_thread(sys, a.UniqueProcess);
    assert_int_equal(ntsim_wait_thread(sys, t.UniqueThread, UINT64_MAX), STATUS_SUCCESS);
    ntsim_advance(sys, 10000000); /* 1 s */
    assert_int_equal(thread_info(sys, t.UniqueThread).state, Waiting);
    ntsim_system_destroy(sys);
}

static void wait_with_a_timeout_ends_when_the_clock_passes_it(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    CLIENT_ID t = spawn_thread(sys, a.UniqueProcess);
    assert_int_equal(ntsim_wait_thread(sys, t.UniqueThread, 10000000), STATUS_SUCCESS);
    ntsim_advance(sys, 5000000);
    assert_int_equal(thread_info(sys, t.UniqueThread).state, Waiting);
    ntsim_advance(sys, 6000000);
    assert_int_not_equal(thread_info(sys, t.UniqueThread).state, Waiting);
    ntsim_system_destroy(sys);
}

/* ---- thread stacks ------------------------------------------------------------ */

typedef struct stack_case {
    SIZE_T image_reserve, image_commit; /* PE header values (0 = absent) */
    SIZE_T size;                        /* CreateThread's parameter */
    bool reserve;                       /* STACK_SIZE_PARAM_IS_A_RESERVATION */
    SIZE_T want_reserve, want_commit;
} stack_case;

static NTSIM_THREAD_INFO stack_of(const stack_case *c)
{
    ntsim_system *sys = boot();
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID a, t;
    ntsim_process_params_default(&p, "C:\\a.exe");
    p.stack_reserve = c->image_reserve;
    p.stack_commit = c->image_commit;
    assert_int_equal(ntsim_create_process(sys, &p, &a), STATUS_SUCCESS);
    assert_int_equal(ntsim_create_thread(sys, a.UniqueProcess, c->size, c->reserve, &t), STATUS_SUCCESS);
    NTSIM_THREAD_INFO ti = thread_info(sys, t.UniqueThread);
    ntsim_system_destroy(sys);
    return ti;
}

static void check_stack(const stack_case *c)
{
    NTSIM_THREAD_INFO ti = stack_of(c);
    assert_int_equal(ti.stack_reserve, c->want_reserve);
    assert_int_equal(ti.stack_commit, c->want_commit);
    /* The TEB's view agrees: a reservation of that size, committed from the top. */
    assert_int_equal(ti.stack_base - ti.deallocation_stack, c->want_reserve);
    assert_int_equal(ti.stack_base - ti.stack_limit, c->want_commit);
}

static void first_thread_stack_defaults_to_1mb_reserve_and_one_page(void **state)
{
    (void)state;
    ntsim_system *sys = boot();
    CLIENT_ID a = spawn(sys, "C:\\a.exe");
    NTSIM_THREAD_INFO ti = thread_info(sys, a.UniqueThread);
    assert_int_equal(ti.stack_reserve, MB);
    assert_int_equal(ti.stack_commit, 4 * KB);
    assert_int_equal(ti.stack_base - ti.deallocation_stack, MB);
    ntsim_system_destroy(sys);
}

static void thread_stack_takes_the_image_header_values(void **state)
{
    (void)state;
    check_stack(&(stack_case){ 256 * KB, 8 * KB, 0, false, 256 * KB, 8 * KB });
}

static void stack_parameter_is_a_commit_size_by_default(void **state)
{
    (void)state;
    check_stack(&(stack_case){ 0, 0, 64 * KB, false, MB, 64 * KB });
}

static void stack_parameter_with_reservation_flag_is_a_reserve_size(void **state)
{
    (void)state;
    check_stack(&(stack_case){ 0, 8 * KB, 512 * KB, true, 512 * KB, 8 * KB });
}

static void reserve_is_rounded_up_to_64k_and_commit_to_a_page(void **state)
{
    (void)state;
    check_stack(&(stack_case){ 0, 0, 100000, true, 0x20000, 4 * KB });
    check_stack(&(stack_case){ 0, 0, 5000, false, MB, 8 * KB });
}

static void commit_above_reserve_makes_reserve_the_commit_rounded_to_1mb(void **state)
{
    (void)state;
    check_stack(&(stack_case){ 0, 0, 0x180000, false, 2 * MB, 0x180000 });
    check_stack(&(stack_case){ 256 * KB, 0, 300 * KB, false, MB, 300 * KB });
}

/* RtlCreateUserStack: a commit equal to the reserve it rounds to leaves no
 * room for a guard page, and none is placed: the reserve stays. */
static void commit_equal_to_the_rounded_reserve_keeps_that_reserve(void **state)
{
    (void)state;
    check_stack(&(stack_case){ 0, 0, 2 * MB, false, 2 * MB, 2 * MB });
    check_stack(&(stack_case){ 0, 0, MB, false, MB, MB });
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(boot_has_idle_as_pid_0_and_system_as_pid_4),
        cmocka_unit_test(system_first_thread_is_tid_8_and_the_current_thread),
        cmocka_unit_test(idle_has_one_thread_per_processor),
        cmocka_unit_test(clock_starts_at_2026_and_moves_only_when_advanced),
        cmocka_unit_test(bad_configurations_are_refused),
        cmocka_unit_test(two_systems_live_side_by_side),
        cmocka_unit_test(pids_and_tids_come_from_one_pool_in_steps_of_4),
        cmocka_unit_test(exited_process_keeps_its_pid_while_a_handle_holds_it),
        cmocka_unit_test(pid_is_gone_once_the_process_object_is_deleted),
        cmocka_unit_test(sequence_queries_tell_a_reused_id_apart),
        cmocka_unit_test(freed_ids_come_back_fifo_and_only_after_the_fresh_ones),
        cmocka_unit_test(an_id_held_by_a_handle_is_not_reused_when_the_pool_wraps),
        cmocka_unit_test(create_delivers_process_then_thread_then_image_and_ntdll),
        cmocka_unit_test(events_are_stamped_with_the_clock),
        cmocka_unit_test(command_line_defaults_to_the_image_path),
        cmocka_unit_test(given_command_line_is_kept),
        cmocka_unit_test(create_from_a_user_thread_names_it_as_the_creator),
        cmocka_unit_test(parent_and_creator_may_differ),
        cmocka_unit_test(local_thread_names_its_own_process_as_the_creator),
        cmocka_unit_test(remote_thread_names_the_other_process_as_the_creator),
        cmocka_unit_test(x86_image_on_x64_system_runs_under_wow64),
        cmocka_unit_test(x86_image_on_x86_system_is_native),
        cmocka_unit_test(x64_image_on_x86_system_is_invalid_image_format),
        cmocka_unit_test(create_with_an_unknown_parent_is_invalid_cid),
        cmocka_unit_test(create_with_an_exited_parent_is_process_is_terminating),
        cmocka_unit_test(create_thread_in_a_process_that_cannot_have_one_fails),
        cmocka_unit_test(process_exit_ends_its_threads_in_order_then_the_process),
        cmocka_unit_test(exited_process_reports_its_code_and_no_threads),
        cmocka_unit_test(process_exit_closes_its_handles),
        cmocka_unit_test(handle_cycle_between_two_processes_dies_with_them),
        cmocka_unit_test(last_thread_exiting_ends_the_process_with_its_code),
        cmocka_unit_test(exiting_one_of_two_threads_keeps_the_process_running),
        cmocka_unit_test(exited_thread_held_by_a_handle_is_terminated_with_its_code),
        cmocka_unit_test(exiting_the_current_threads_process_makes_system_current),
        cmocka_unit_test(terminating_the_calling_process_through_its_pseudo_handle_is_memory_safe),
        cmocka_unit_test(exiting_idle_or_system_is_access_denied),
        cmocka_unit_test(terminating_system_through_a_handle_is_access_denied),
        cmocka_unit_test(exiting_twice_is_terminating),
        cmocka_unit_test(exiting_unknown_ids_is_invalid_cid),
        cmocka_unit_test(current_thread_must_be_a_live_thread),
        cmocka_unit_test(user_process_opens_system_only_with_limited_rights),
        cmocka_unit_test(maximum_allowed_on_system_grants_the_limited_rights),
        cmocka_unit_test(maximum_allowed_on_a_user_process_grants_all_access),
        cmocka_unit_test(query_reports_a_running_process),
        cmocka_unit_test(sequence_numbers_are_unique_even_when_ids_repeat),
        cmocka_unit_test(query_reports_a_thread),
        cmocka_unit_test(walk_processes_goes_in_creation_order_idle_first),
        cmocka_unit_test(walk_processes_skips_deleted_processes),
        cmocka_unit_test(walk_processes_stops_when_the_callback_says_so),
        cmocka_unit_test(walk_threads_goes_in_creation_order),
        cmocka_unit_test(walk_threads_of_an_unknown_process_is_invalid_cid),
        cmocka_unit_test(thread_state_names_follow_kthread_state),
        cmocka_unit_test(wait_with_a_timeout_ends_when_the_clock_passes_it),
        cmocka_unit_test(wait_with_the_largest_timeout_does_not_expire_at_once),
        cmocka_unit_test(first_thread_stack_defaults_to_1mb_reserve_and_one_page),
        cmocka_unit_test(thread_stack_takes_the_image_header_values),
        cmocka_unit_test(stack_parameter_is_a_commit_size_by_default),
        cmocka_unit_test(stack_parameter_with_reservation_flag_is_a_reserve_size),
        cmocka_unit_test(reserve_is_rounded_up_to_64k_and_commit_to_a_page),
        cmocka_unit_test(commit_above_reserve_makes_reserve_the_commit_rounded_to_1mb),
        cmocka_unit_test(commit_equal_to_the_rounded_reserve_keeps_that_reserve),
        /* Last: when shown (NTSIM_SHOW_BUGS), its alarm ends the whole run. */
        cmocka_unit_test(advancing_the_clock_to_its_end_returns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
