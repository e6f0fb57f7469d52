/*
 * test_ob.c - the object manager: handle tables (values, LIFO and FIFO
 * reuse, tag bits, growth), reference counts and object deletion, NtClose,
 * NtDuplicateObject, access and type checks when a handle is used, and the
 * walk of a process's handle table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ntsim/ntsim.h"
#include "ob/handle_table.h"

/* ---- helpers -------------------------------------------------------------- */

static ntsim_system *boot(void)
{
    ntsim_config c;
    ntsim_system *sys;
    ntsim_config_default(&c);
    assert_int_equal(ntsim_system_create(&c, &sys), STATUS_SUCCESS);
    return sys;
}

static CLIENT_ID spawn(ntsim_system *sys, const char *image)
{
    NTSIM_PROCESS_PARAMS p;
    CLIENT_ID cid;
    ntsim_process_params_default(&p, image);
    assert_int_equal(ntsim_create_process(sys, &p, &cid), STATUS_SUCCESS);
    return cid;
}

/* Boots, creates a process and makes its first thread the caller: an
   elevated administrator's, which System's DACL lets open it for SYNCHRONIZE. */
static ntsim_system *boot_as(CLIENT_ID *self)
{
    ntsim_system *sys = boot();
    NTSIM_PROCESS_PARAMS p;
    ntsim_process_params_default(&p, "C:\\Windows\\explorer.exe");
    p.elevated = true;
    assert_int_equal(ntsim_create_process(sys, &p, self), STATUS_SUCCESS);
    assert_int_equal(ntsim_set_current_thread(sys, self->UniqueThread), STATUS_SUCCESS);
    return sys;
}

static ULONG hv(HANDLE h)
{
    return (ULONG)(uintptr_t)h;
}

static HANDLE vh(ULONG v)
{
    return (HANDLE)(uintptr_t)v;
}

static HANDLE open_process(ntsim_system *sys, ULONG pid, ACCESS_MASK access)
{
    HANDLE h;
    CLIENT_ID cid = { pid, 0 };
    assert_int_equal(NtOpenProcess(sys, &h, access, &cid), STATUS_SUCCESS);
    return h;
}

static HANDLE open_thread(ntsim_system *sys, ULONG tid, ACCESS_MASK access)
{
    HANDLE h;
    CLIENT_ID cid = { 0, tid };
    assert_int_equal(NtOpenThread(sys, &h, access, &cid), STATUS_SUCCESS);
    return h;
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

/* The handles of a process, collected by ntsim_walk_handles. */
typedef struct handle_list {
    NTSIM_HANDLE_INFO items[512];
    size_t count;
    size_t stop_after; /* 0 = never stop */
} handle_list;

static bool collect_handle(void *context, const NTSIM_HANDLE_INFO *info)
{
    handle_list *l = context;
    if (l->count < sizeof l->items / sizeof l->items[0])
        l->items[l->count] = *info;
    l->count++;
    return l->stop_after == 0 || l->count < l->stop_after;
}

static void list_handles(ntsim_system *sys, ULONG pid, handle_list *l)
{
    memset(l, 0, sizeof *l);
    assert_int_equal(ntsim_walk_handles(sys, pid, collect_handle, l), STATUS_SUCCESS);
}

/* The access a handle of pid's table holds (fails the test if it is not there). */
static ACCESS_MASK access_of(ntsim_system *sys, ULONG pid, HANDLE h)
{
    static handle_list l;
    list_handles(sys, pid, &l);
    for (size_t i = 0; i < l.count; i++)
        if (l.items[i].handle == hv(h))
            return l.items[i].access;
    fail_msg("handle %u not in process %u", hv(h), pid);
    return 0;
}

static bool has_handle(ntsim_system *sys, ULONG pid, HANDLE h)
{
    static handle_list l;
    list_handles(sys, pid, &l);
    for (size_t i = 0; i < l.count; i++)
        if (l.items[i].handle == hv(h))
            return true;
    return false;
}

static int dummy_objects[1024];

/* ---- the handle table itself ---------------------------------------------- */

static void table_values_are_multiples_of_four_from_four(void **state)
{
    (void)state;
    ob_handle_table t;
    ob_handle_table_init(&t, false);
    for (uint32_t i = 0; i < 5; i++)
        assert_int_equal(ob_handle_create(&t, &dummy_objects[i], 0), 4 * (i + 1));
    assert_int_equal(t.count, 5);
    ob_handle_table_free(&t);
}

static void process_table_reuses_last_closed_value_first(void **state)
{
    (void)state;
    ob_handle_table t;
    ob_handle_table_init(&t, false);
    for (uint32_t i = 0; i < 4; i++)
        ob_handle_create(&t, &dummy_objects[i], 0);
    ob_handle_destroy(&t, 4);
    ob_handle_destroy(&t, 12);
    assert_int_equal(ob_handle_create(&t, &dummy_objects[10], 0), 12);
    assert_int_equal(ob_handle_create(&t, &dummy_objects[11], 0), 4);
    assert_int_equal(ob_handle_create(&t, &dummy_objects[12], 0), 20);
    ob_handle_table_free(&t);
}

static void cid_table_hands_out_freed_values_fifo_after_fresh_ones(void **state)
{
    (void)state;
    ob_handle_table t;
    ob_handle_table_init(&t, true);
    /* The first page holds values 4..1020 (index 0 is never used). */
    for (uint32_t i = 1; i <= 255; i++)
        assert_int_equal(ob_handle_create(&t, &dummy_objects[i], 0), 4 * i);
    ob_handle_destroy(&t, 8);
    ob_handle_destroy(&t, 400);
    ob_handle_destroy(&t, 4);
    assert_int_equal(ob_handle_create(&t, &dummy_objects[0], 0), 8);
    assert_int_equal(ob_handle_create(&t, &dummy_objects[0], 0), 400);
    assert_int_equal(ob_handle_create(&t, &dummy_objects[0], 0), 4);
    assert_int_equal(ob_handle_create(&t, &dummy_objects[0], 0), 1024);
    ob_handle_table_free(&t);
}

static void cid_table_does_not_reuse_a_freed_value_while_fresh_ones_remain(void **state)
{
    (void)state;
    ob_handle_table t;
    ob_handle_table_init(&t, true);
    ob_handle_create(&t, &dummy_objects[0], 0);
    ob_handle_create(&t, &dummy_objects[1], 0);
    ob_handle_destroy(&t, 4);
    assert_int_equal(ob_handle_create(&t, &dummy_objects[2], 0), 12);
    ob_handle_table_free(&t);
}

static void lookup_ignores_the_low_two_tag_bits(void **state)
{
    (void)state;
    ob_handle_table t;
    ob_handle_table_init(&t, false);
    ob_handle_create(&t, &dummy_objects[0], 0);
    ob_handle_create(&t, &dummy_objects[1], 0x40);
    for (uint32_t tag = 0; tag < 4; tag++) {
        ob_handle_entry *e = ob_handle_lookup(&t, 8 | tag);
        assert_non_null(e);
        assert_ptr_equal(e->object, &dummy_objects[1]);
        assert_int_equal(e->access, 0x40);
    }
    ob_handle_table_free(&t);
}

static void lookup_of_zero_unused_or_freed_value_finds_nothing(void **state)
{
    (void)state;
    ob_handle_table t;
    ob_handle_table_init(&t, false);
    assert_null(ob_handle_lookup(&t, 4)); /* empty table */
    ob_handle_create(&t, &dummy_objects[0], 0);
    ob_handle_create(&t, &dummy_objects[1], 0);
    assert_null(ob_handle_lookup(&t, 0));
    assert_null(ob_handle_lookup(&t, 3));
    assert_null(ob_handle_lookup(&t, 12));
    assert_null(ob_handle_lookup(&t, 0xFFFFFFFCu));
    ob_handle_destroy(&t, 4);
    assert_null(ob_handle_lookup(&t, 4));
    assert_non_null(ob_handle_lookup(&t, 8));
    ob_handle_table_free(&t);
}

static void table_grows_past_256_entries(void **state)
{
    (void)state;
    ob_handle_table t;
    ob_handle_table_init(&t, false);
    for (uint32_t i = 1; i <= 600; i++)
        assert_int_equal(ob_handle_create(&t, &dummy_objects[i], i), 4 * i);
    assert_int_equal(t.count, 600);
    for (uint32_t i = 1; i <= 600; i++) {
        ob_handle_entry *e = ob_handle_lookup(&t, 4 * i);
        assert_non_null(e);
        assert_ptr_equal(e->object, &dummy_objects[i]);
        assert_int_equal(e->access, i);
    }
    ob_handle_table_free(&t);
}

static void next_visits_values_in_use_in_ascending_order(void **state)
{
    (void)state;
    ob_handle_table t;
    ob_handle_table_init(&t, false);
    for (uint32_t i = 0; i < 6; i++)
        ob_handle_create(&t, &dummy_objects[i], 0);
    ob_handle_destroy(&t, 8);
    ob_handle_destroy(&t, 20);
    uint32_t want[] = { 4, 12, 16, 24 };
    uint32_t v = 0;
    for (size_t i = 0; i < 4; i++) {
        v = ob_handle_next(&t, v);
        assert_int_equal(v, want[i]);
    }
    assert_int_equal(ob_handle_next(&t, v), 0);
    ob_handle_table_free(&t);
}

/* ---- handle values through the native calls -------------------------------- */

static void first_handles_of_a_process_are_4_and_8(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    assert_int_equal(hv(open_process(sys, 4, SYNCHRONIZE)), 4);
    assert_int_equal(hv(open_thread(sys, self.UniqueThread, SYNCHRONIZE)), 8);
    ntsim_system_destroy(sys);
}

static void closed_handle_value_is_reused(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    open_process(sys, 4, SYNCHRONIZE);
    HANDLE h8 = open_process(sys, 4, SYNCHRONIZE);
    open_process(sys, 4, SYNCHRONIZE);
    assert_int_equal(NtClose(sys, h8), STATUS_SUCCESS);
    assert_int_equal(hv(open_process(sys, self.UniqueProcess, PROCESS_TERMINATE)), 8);
    ntsim_system_destroy(sys);
}

static void each_process_has_its_own_handle_values(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    open_process(sys, 4, SYNCHRONIZE);
    open_process(sys, 4, SYNCHRONIZE);
    assert_int_equal(ntsim_set_current_thread(sys, other.UniqueThread), STATUS_SUCCESS);
    assert_int_equal(hv(open_process(sys, 4, SYNCHRONIZE)), 4);
    ntsim_system_destroy(sys);
}

static void tagged_handle_value_names_the_same_handle(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID victim = spawn(sys, "C:\\victim.exe");
    HANDLE h = open_process(sys, victim.UniqueProcess, PROCESS_TERMINATE);
    assert_int_equal(NtTerminateProcess(sys, vh(hv(h) | 3), 5), STATUS_SUCCESS);
    assert_true(process_info(sys, victim.UniqueProcess).exited);
    assert_int_equal(NtClose(sys, vh(hv(h) | 1)), STATUS_SUCCESS);
    assert_false(has_handle(sys, self.UniqueProcess, h));
    ntsim_system_destroy(sys);
}

static void process_handle_table_grows_past_256_handles(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    for (ULONG i = 1; i <= 300; i++)
        assert_int_equal(hv(open_process(sys, self.UniqueProcess, SYNCHRONIZE)), 4 * i);
    handle_list *l = test_malloc(sizeof *l);
    list_handles(sys, self.UniqueProcess, l);
    assert_int_equal(l->count, 300);
    assert_int_equal(l->items[299].handle, 1200);
    assert_int_equal(process_info(sys, self.UniqueProcess).handle_count, 300);
    /* Every handle resolves: closing them all succeeds. */
    for (ULONG i = 1; i <= 300; i++)
        assert_int_equal(NtClose(sys, vh(4 * i)), STATUS_SUCCESS);
    assert_int_equal(process_info(sys, self.UniqueProcess).handle_count, 0);
    test_free(l);
    ntsim_system_destroy(sys);
}

/* ---- reference counts and deletion ------------------------------------------ */

static void opening_a_handle_adds_a_pointer_and_a_handle_reference(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    NTSIM_PROCESS_INFO before = process_info(sys, other.UniqueProcess);
    open_process(sys, other.UniqueProcess, SYNCHRONIZE);
    NTSIM_PROCESS_INFO after = process_info(sys, other.UniqueProcess);
    assert_int_equal(after.pointer_count, before.pointer_count + 1);
    assert_int_equal(after.object_handle_count, before.object_handle_count + 1);
    ntsim_system_destroy(sys);
}

static void pointer_count_is_never_below_handle_count(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE hs[3];
    for (int i = 0; i < 3; i++)
        hs[i] = open_process(sys, other.UniqueProcess, SYNCHRONIZE);
    NTSIM_PROCESS_INFO pi = process_info(sys, other.UniqueProcess);
    assert_int_equal(pi.object_handle_count, 3);
    assert_true(pi.pointer_count >= pi.object_handle_count);
    /* Once it has exited only the handles keep it: the counts meet. */
    assert_int_equal(ntsim_exit_process(sys, other.UniqueProcess, 0), STATUS_SUCCESS);
    pi = process_info(sys, other.UniqueProcess);
    assert_int_equal(pi.object_handle_count, 3);
    assert_int_equal(pi.pointer_count, 3);
    NtClose(sys, hs[0]);
    pi = process_info(sys, other.UniqueProcess);
    assert_int_equal(pi.object_handle_count, 2);
    assert_int_equal(pi.pointer_count, 2);
    ntsim_system_destroy(sys);
}

static void exited_process_is_deleted_when_its_last_handle_closes(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE a = open_process(sys, other.UniqueProcess, SYNCHRONIZE);
    HANDLE b = open_process(sys, other.UniqueProcess, SYNCHRONIZE);
    ntsim_exit_process(sys, other.UniqueProcess, 0);
    NTSIM_PROCESS_INFO pi;
    NtClose(sys, a);
    assert_int_equal(ntsim_query_process(sys, other.UniqueProcess, &pi), STATUS_SUCCESS);
    NtClose(sys, b);
    assert_int_equal(ntsim_query_process(sys, other.UniqueProcess, &pi), STATUS_INVALID_CID);
    ntsim_system_destroy(sys);
}

static void running_process_survives_the_close_of_its_last_handle(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    NtClose(sys, open_process(sys, other.UniqueProcess, SYNCHRONIZE));
    NTSIM_PROCESS_INFO pi = process_info(sys, other.UniqueProcess);
    assert_false(pi.exited);
    assert_int_equal(pi.object_handle_count, 0);
    assert_true(pi.pointer_count >= 1);
    ntsim_system_destroy(sys);
}

static void exited_thread_is_deleted_when_its_last_handle_closes(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID t;
    assert_int_equal(ntsim_create_thread(sys, self.UniqueProcess, 0, false, &t), STATUS_SUCCESS);
    HANDLE h = open_thread(sys, t.UniqueThread, SYNCHRONIZE);
    assert_int_equal(ntsim_exit_thread(sys, t.UniqueThread, 3), STATUS_SUCCESS);
    NTSIM_THREAD_INFO ti = thread_info(sys, t.UniqueThread);
    assert_int_equal(ti.state, Terminated);
    assert_int_equal(ti.pointer_count, 1);
    assert_int_equal(ti.object_handle_count, 1);
    NtClose(sys, h);
    assert_int_equal(ntsim_query_thread(sys, t.UniqueThread, &ti), STATUS_INVALID_CID);
    ntsim_system_destroy(sys);
}

/* ---- NtClose ------------------------------------------------------------------ */

static void closing_a_value_that_names_nothing_is_invalid_handle(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    open_process(sys, 4, SYNCHRONIZE);
    assert_int_equal(NtClose(sys, vh(100)), STATUS_INVALID_HANDLE);
    assert_int_equal(NtClose(sys, vh(0)), STATUS_INVALID_HANDLE);
    assert_int_equal(NtClose(sys, vh(8)), STATUS_INVALID_HANDLE);
    assert_int_equal(process_info(sys, self.UniqueProcess).handle_count, 1);
    ntsim_system_destroy(sys);
}

static void closing_a_handle_twice_fails_the_second_time(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    HANDLE h = open_process(sys, 4, SYNCHRONIZE);
    assert_int_equal(NtClose(sys, h), STATUS_SUCCESS);
    assert_int_equal(NtClose(sys, h), STATUS_INVALID_HANDLE);
    ntsim_system_destroy(sys);
}

static void closing_pseudo_handles_succeeds_and_changes_nothing(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    open_process(sys, 4, SYNCHRONIZE);
    NTSIM_PROCESS_INFO before = process_info(sys, self.UniqueProcess);
    assert_int_equal(NtClose(sys, NtCurrentProcess()), STATUS_SUCCESS);
    assert_int_equal(NtClose(sys, NtCurrentThread()), STATUS_SUCCESS);
    NTSIM_PROCESS_INFO after = process_info(sys, self.UniqueProcess);
    assert_int_equal(after.handle_count, before.handle_count);
    assert_int_equal(after.pointer_count, before.pointer_count);
    assert_false(after.exited);
    ntsim_system_destroy(sys);
}

static void a_handle_of_another_process_cannot_be_closed(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE h = open_process(sys, 4, SYNCHRONIZE);
    assert_int_equal(ntsim_set_current_thread(sys, other.UniqueThread), STATUS_SUCCESS);
    assert_int_equal(NtClose(sys, h), STATUS_INVALID_HANDLE);
    assert_true(has_handle(sys, self.UniqueProcess, h));
    ntsim_system_destroy(sys);
}

/* ---- NtDuplicateObject -------------------------------------------------------- */

static void duplicate_same_access_copies_the_granted_access(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE src = open_process(sys, other.UniqueProcess, PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), src, NtCurrentProcess(), &out, 0, 0,
                                       DUPLICATE_SAME_ACCESS), STATUS_SUCCESS);
    assert_int_equal(hv(out), 8);
    assert_int_equal(access_of(sys, self.UniqueProcess, out), PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE);
    assert_int_equal(process_info(sys, other.UniqueProcess).object_handle_count, 2);
    ntsim_system_destroy(sys);
}

static void duplicate_with_desired_access_grants_that_access(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE src = open_process(sys, other.UniqueProcess, PROCESS_ALL_ACCESS);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), src, NtCurrentProcess(), &out, SYNCHRONIZE, 0, 0),
                     STATUS_SUCCESS);
    assert_int_equal(access_of(sys, self.UniqueProcess, out), SYNCHRONIZE);
    assert_int_equal(NtTerminateProcess(sys, out, 1), STATUS_ACCESS_DENIED);
    ntsim_system_destroy(sys);
}

static void duplicate_maps_generic_access_through_the_type(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE src = open_thread(sys, other.UniqueThread, THREAD_ALL_ACCESS);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), src, NtCurrentProcess(), &out, GENERIC_READ, 0, 0),
                     STATUS_SUCCESS);
    assert_int_equal(access_of(sys, self.UniqueProcess, out), READ_CONTROL | THREAD_GET_CONTEXT | THREAD_QUERY_INFORMATION);
    ntsim_system_destroy(sys);
}

static void duplicate_close_source_closes_the_source_handle(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE src = open_process(sys, other.UniqueProcess, SYNCHRONIZE);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), src, NtCurrentProcess(), &out, 0, 0,
                                       DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE), STATUS_SUCCESS);
    assert_int_not_equal(hv(out), hv(src));
    assert_false(has_handle(sys, self.UniqueProcess, src));
    assert_true(has_handle(sys, self.UniqueProcess, out));
    assert_int_equal(process_info(sys, other.UniqueProcess).object_handle_count, 1);
    ntsim_system_destroy(sys);
}

static void duplicate_into_another_process_uses_its_table(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    open_process(sys, 4, SYNCHRONIZE);
    HANDLE src = open_thread(sys, self.UniqueThread, THREAD_QUERY_LIMITED_INFORMATION);
    HANDLE target = open_process(sys, other.UniqueProcess, PROCESS_DUP_HANDLE);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), src, target, &out, 0, 0, DUPLICATE_SAME_ACCESS),
                     STATUS_SUCCESS);
    assert_int_equal(hv(out), 4);
    handle_list l;
    list_handles(sys, other.UniqueProcess, &l);
    assert_int_equal(l.count, 1);
    assert_int_equal(l.items[0].type, NTSIM_OBJECT_THREAD);
    assert_int_equal(l.items[0].object_id, self.UniqueThread);
    assert_int_equal(l.items[0].access, THREAD_QUERY_LIMITED_INFORMATION);
    ntsim_system_destroy(sys);
}

static void duplicate_needs_dup_handle_on_the_source_process(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE weak = open_process(sys, other.UniqueProcess, PROCESS_ALL_ACCESS & ~PROCESS_DUP_HANDLE);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, weak, vh(4), NtCurrentProcess(), &out, 0, 0, DUPLICATE_SAME_ACCESS),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(process_info(sys, self.UniqueProcess).handle_count, 1);
    ntsim_system_destroy(sys);
}

static void duplicate_needs_dup_handle_on_the_target_process(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE src = open_process(sys, 4, SYNCHRONIZE);
    HANDLE weak = open_process(sys, other.UniqueProcess, PROCESS_ALL_ACCESS & ~PROCESS_DUP_HANDLE);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), src, weak, &out, 0, 0, DUPLICATE_SAME_ACCESS),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(process_info(sys, other.UniqueProcess).handle_count, 0);
    ntsim_system_destroy(sys);
}

static void duplicate_from_another_process_reads_its_table(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    /* other's handle 4 names the System process; ours would name nothing. */
    assert_int_equal(ntsim_set_current_thread(sys, other.UniqueThread), STATUS_SUCCESS);
    open_process(sys, 4, SYNCHRONIZE);
    assert_int_equal(ntsim_set_current_thread(sys, self.UniqueThread), STATUS_SUCCESS);
    HANDLE src_process = open_process(sys, other.UniqueProcess, PROCESS_DUP_HANDLE);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, src_process, vh(4), NtCurrentProcess(), &out, 0, 0,
                                       DUPLICATE_SAME_ACCESS), STATUS_SUCCESS);
    handle_list l;
    list_handles(sys, self.UniqueProcess, &l);
    assert_int_equal(l.count, 2);
    assert_int_equal(l.items[1].handle, hv(out));
    assert_int_equal(l.items[1].object_id, 4);
    assert_int_equal(l.items[1].access, SYNCHRONIZE);
    ntsim_system_destroy(sys);
}

static void duplicate_of_a_value_that_names_nothing_is_invalid_handle(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), vh(40), NtCurrentProcess(), &out, 0, 0,
                                       DUPLICATE_SAME_ACCESS), STATUS_INVALID_HANDLE);
    assert_int_equal(process_info(sys, self.UniqueProcess).handle_count, 0);
    ntsim_system_destroy(sys);
}

static void duplicate_rejects_unknown_options(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    HANDLE src = open_process(sys, 4, SYNCHRONIZE);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), src, NtCurrentProcess(), &out, 0, 0, 0x10),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(process_info(sys, self.UniqueProcess).handle_count, 1);
    ntsim_system_destroy(sys);
}

static void duplicate_into_an_exited_process_fails(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE src = open_process(sys, 4, SYNCHRONIZE);
    HANDLE target = open_process(sys, other.UniqueProcess, PROCESS_DUP_HANDLE);
    ntsim_exit_process(sys, other.UniqueProcess, 0);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), src, target, &out, 0, 0, DUPLICATE_SAME_ACCESS),
                     STATUS_PROCESS_IS_TERMINATING);
    assert_int_equal(process_info(sys, other.UniqueProcess).handle_count, 0);
    ntsim_system_destroy(sys);
}

static void duplicate_of_the_current_process_pseudo_handle_names_the_caller(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), NtCurrentProcess(), NtCurrentProcess(), &out, 0, 0,
                                       DUPLICATE_SAME_ACCESS), STATUS_SUCCESS);
    handle_list l;
    list_handles(sys, self.UniqueProcess, &l);
    assert_int_equal(l.count, 1);
    assert_int_equal(l.items[0].object_id, self.UniqueProcess);
    assert_int_equal(l.items[0].access, PROCESS_ALL_ACCESS);
    ntsim_system_destroy(sys);
}

/* A regression test (a bug found in review). DuplicateHandle's documentation: DUPLICATE_CLOSE_SOURCE
 * closes the source handle "regardless of any error status returned". */
static void duplicate_close_source_closes_even_when_the_target_is_denied(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE src = open_process(sys, 4, SYNCHRONIZE);
    HANDLE weak = open_process(sys, other.UniqueProcess, SYNCHRONIZE);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), src, weak, &out, 0, 0,
                                       DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE), STATUS_ACCESS_DENIED);
    assert_false(has_handle(sys, self.UniqueProcess, src));
    ntsim_system_destroy(sys);
}

/* A regression test (a bug found in review). NtCurrentProcess() as the source handle means the
 * source process (ObpReferenceProcessObjectByHandle resolves it against the
 * source process), so this duplicates a handle to `other`, not to the caller. */
static void duplicate_of_pseudo_handle_from_another_process_names_that_process(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE src_process = open_process(sys, other.UniqueProcess, PROCESS_DUP_HANDLE);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, src_process, NtCurrentProcess(), NtCurrentProcess(), &out, 0, 0,
                                       DUPLICATE_SAME_ACCESS), STATUS_SUCCESS);
    handle_list l;
    list_handles(sys, self.UniqueProcess, &l);
    assert_int_equal(l.count, 2);
    assert_int_equal(l.items[1].object_id, other.UniqueProcess);
    ntsim_system_destroy(sys);
}

/* A regression test (a bug found in review). The System process grants outsiders only
 * PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE at open; duplicating such
 * a handle must not widen it (Windows runs the open checks on duplication). */
static void duplicate_cannot_widen_access_to_the_system_process(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    HANDLE src = open_process(sys, 4, PROCESS_QUERY_LIMITED_INFORMATION);
    HANDLE out;
    assert_int_equal(NtDuplicateObject(sys, NtCurrentProcess(), src, NtCurrentProcess(), &out, PROCESS_ALL_ACCESS, 0, 0),
                     STATUS_ACCESS_DENIED);
    assert_int_equal(process_info(sys, self.UniqueProcess).handle_count, 1);
    ntsim_system_destroy(sys);
}

/* ---- access and type checks at use ------------------------------------------- */

static void terminate_without_process_terminate_is_access_denied(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE h = open_process(sys, other.UniqueProcess, PROCESS_ALL_ACCESS & ~PROCESS_TERMINATE);
    assert_int_equal(NtTerminateProcess(sys, h, 1), STATUS_ACCESS_DENIED);
    assert_false(process_info(sys, other.UniqueProcess).exited);
    ntsim_system_destroy(sys);
}

static void terminate_with_process_terminate_ends_the_process_with_the_status(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE h = open_process(sys, other.UniqueProcess, PROCESS_TERMINATE);
    assert_int_equal(NtTerminateProcess(sys, h, 0x2A), STATUS_SUCCESS);
    NTSIM_PROCESS_INFO pi = process_info(sys, other.UniqueProcess);
    assert_true(pi.exited);
    assert_int_equal(pi.exit_code, 0x2A);
    assert_int_equal(NtTerminateProcess(sys, h, 1), STATUS_PROCESS_IS_TERMINATING);
    ntsim_system_destroy(sys);
}

static void generic_read_does_not_grant_terminate(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE h = open_process(sys, other.UniqueProcess, GENERIC_READ);
    /* 0x20410 mapped, and the limited query right PROCESS_QUERY_INFORMATION brings. */
    assert_int_equal(access_of(sys, self.UniqueProcess, h),
                     READ_CONTROL | PROCESS_VM_READ | PROCESS_QUERY_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION);
    assert_int_equal(NtTerminateProcess(sys, h, 1), STATUS_ACCESS_DENIED);
    ntsim_system_destroy(sys);
}

static void generic_execute_grants_terminate(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE h = open_process(sys, other.UniqueProcess, GENERIC_EXECUTE);
    assert_int_equal(NtTerminateProcess(sys, h, 1), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void thread_handle_where_a_process_handle_is_needed_is_type_mismatch(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE h = open_thread(sys, other.UniqueThread, THREAD_ALL_ACCESS);
    assert_int_equal(NtTerminateProcess(sys, h, 1), STATUS_OBJECT_TYPE_MISMATCH);
    assert_false(process_info(sys, other.UniqueProcess).exited);
    ntsim_system_destroy(sys);
}

static void process_handle_where_a_thread_handle_is_needed_is_type_mismatch(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE h = open_process(sys, other.UniqueProcess, PROCESS_ALL_ACCESS);
    assert_int_equal(NtTerminateThread(sys, h, 1), STATUS_OBJECT_TYPE_MISMATCH);
    ntsim_system_destroy(sys);
}

static void type_is_checked_before_access(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE h = open_thread(sys, other.UniqueThread, SYNCHRONIZE);
    assert_int_equal(NtTerminateProcess(sys, h, 1), STATUS_OBJECT_TYPE_MISMATCH);
    ntsim_system_destroy(sys);
}

static void terminate_thread_without_thread_terminate_is_access_denied(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE h = open_thread(sys, other.UniqueThread, THREAD_ALL_ACCESS & ~THREAD_TERMINATE);
    assert_int_equal(NtTerminateThread(sys, h, 1), STATUS_ACCESS_DENIED);
    assert_int_not_equal(thread_info(sys, other.UniqueThread).state, Terminated);
    ntsim_system_destroy(sys);
}

static void using_a_closed_handle_is_invalid_handle(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE h = open_process(sys, other.UniqueProcess, PROCESS_TERMINATE);
    NtClose(sys, h);
    assert_int_equal(NtTerminateProcess(sys, h, 1), STATUS_INVALID_HANDLE);
    ntsim_system_destroy(sys);
}

static void open_unknown_process_or_thread_is_invalid_cid(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    HANDLE h;
    assert_int_equal(NtOpenProcess(sys, &h, SYNCHRONIZE, &(CLIENT_ID){ 400, 0 }), STATUS_INVALID_CID);
    assert_int_equal(NtOpenProcess(sys, &h, SYNCHRONIZE, &(CLIENT_ID){ 0, 0 }), STATUS_INVALID_CID);
    /* A TID is not a PID, even though they share one table. */
    assert_int_equal(NtOpenProcess(sys, &h, SYNCHRONIZE, &(CLIENT_ID){ self.UniqueThread, 0 }), STATUS_INVALID_CID);
    assert_int_equal(NtOpenThread(sys, &h, SYNCHRONIZE, &(CLIENT_ID){ 0, self.UniqueProcess }), STATUS_INVALID_CID);
    /* A thread of another process than the one named. */
    assert_int_equal(NtOpenThread(sys, &h, SYNCHRONIZE, &(CLIENT_ID){ 4, self.UniqueThread }), STATUS_INVALID_CID);
    assert_int_equal(process_info(sys, self.UniqueProcess).handle_count, 0);
    ntsim_system_destroy(sys);
}

/* ---- ntsim_walk_handles --------------------------------------------------------- */

static void walk_handles_reports_each_handle_by_ascending_value(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    open_process(sys, other.UniqueProcess, PROCESS_TERMINATE);                 /* 4 */
    HANDLE h8 = open_thread(sys, other.UniqueThread, THREAD_QUERY_INFORMATION); /* 8 */
    open_process(sys, 4, SYNCHRONIZE);                                         /* 12 */
    NtClose(sys, h8);
    open_thread(sys, self.UniqueThread, SYNCHRONIZE); /* 8 again */
    handle_list l;
    list_handles(sys, self.UniqueProcess, &l);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.items[0].handle, 4);
    assert_int_equal(l.items[0].type, NTSIM_OBJECT_PROCESS);
    assert_int_equal(l.items[0].type_index, 7);
    assert_string_equal(l.items[0].type_name, "Process");
    assert_int_equal(l.items[0].object_id, other.UniqueProcess);
    assert_int_equal(l.items[0].access, PROCESS_TERMINATE);
    assert_int_equal(l.items[1].handle, 8);
    assert_int_equal(l.items[1].type, NTSIM_OBJECT_THREAD);
    assert_int_equal(l.items[1].type_index, 8);
    assert_string_equal(l.items[1].type_name, "Thread");
    assert_int_equal(l.items[1].object_id, self.UniqueThread);
    assert_int_equal(l.items[2].handle, 12);
    assert_int_equal(l.items[2].object_id, 4);
    ntsim_system_destroy(sys);
}

static void walk_handles_object_sequence_matches_the_object(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    open_process(sys, other.UniqueProcess, SYNCHRONIZE);
    open_thread(sys, other.UniqueThread, SYNCHRONIZE);
    handle_list l;
    list_handles(sys, self.UniqueProcess, &l);
    assert_int_equal(l.items[0].object_sequence, process_info(sys, other.UniqueProcess).sequence);
    assert_int_equal(l.items[1].object_sequence, thread_info(sys, other.UniqueThread).sequence);
    ntsim_system_destroy(sys);
}

static void walk_handles_stops_when_the_callback_says_so(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    for (int i = 0; i < 5; i++)
        open_process(sys, 4, SYNCHRONIZE);
    handle_list l = { .stop_after = 2 };
    assert_int_equal(ntsim_walk_handles(sys, self.UniqueProcess, collect_handle, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 2);
    ntsim_system_destroy(sys);
}

static void walk_handles_of_an_unknown_process_is_invalid_cid(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    handle_list l = { 0 };
    assert_int_equal(ntsim_walk_handles(sys, 404, collect_handle, &l), STATUS_INVALID_CID);
    assert_int_equal(l.count, 0);
    ntsim_system_destroy(sys);
}

static void walk_handles_of_an_exited_process_is_empty(void **state)
{
    (void)state;
    CLIENT_ID self;
    ntsim_system *sys = boot_as(&self);
    CLIENT_ID other = spawn(sys, "C:\\calc.exe");
    HANDLE keep = open_process(sys, other.UniqueProcess, SYNCHRONIZE);
    assert_int_equal(ntsim_set_current_thread(sys, other.UniqueThread), STATUS_SUCCESS);
    open_process(sys, 4, SYNCHRONIZE);
    open_process(sys, self.UniqueProcess, SYNCHRONIZE);
    assert_int_equal(ntsim_exit_process(sys, other.UniqueProcess, 0), STATUS_SUCCESS);
    handle_list l;
    list_handles(sys, other.UniqueProcess, &l);
    assert_int_equal(l.count, 0);
    /* Its handle to us was closed with it. */
    assert_int_equal(process_info(sys, self.UniqueProcess).object_handle_count, 0);
    (void)keep;
    ntsim_system_destroy(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_values_are_multiples_of_four_from_four),
        cmocka_unit_test(process_table_reuses_last_closed_value_first),
        cmocka_unit_test(cid_table_hands_out_freed_values_fifo_after_fresh_ones),
        cmocka_unit_test(cid_table_does_not_reuse_a_freed_value_while_fresh_ones_remain),
        cmocka_unit_test(lookup_ignores_the_low_two_tag_bits),
        cmocka_unit_test(lookup_of_zero_unused_or_freed_value_finds_nothing),
        cmocka_unit_test(table_grows_past_256_entries),
        cmocka_unit_test(next_visits_values_in_use_in_ascending_order),
        cmocka_unit_test(first_handles_of_a_process_are_4_and_8),
        cmocka_unit_test(closed_handle_value_is_reused),
        cmocka_unit_test(each_process_has_its_own_handle_values),
        cmocka_unit_test(tagged_handle_value_names_the_same_handle),
        cmocka_unit_test(process_handle_table_grows_past_256_handles),
        cmocka_unit_test(opening_a_handle_adds_a_pointer_and_a_handle_reference),
        cmocka_unit_test(pointer_count_is_never_below_handle_count),
        cmocka_unit_test(exited_process_is_deleted_when_its_last_handle_closes),
        cmocka_unit_test(running_process_survives_the_close_of_its_last_handle),
        cmocka_unit_test(exited_thread_is_deleted_when_its_last_handle_closes),
        cmocka_unit_test(closing_a_value_that_names_nothing_is_invalid_handle),
        cmocka_unit_test(closing_a_handle_twice_fails_the_second_time),
        cmocka_unit_test(closing_pseudo_handles_succeeds_and_changes_nothing),
        cmocka_unit_test(a_handle_of_another_process_cannot_be_closed),
        cmocka_unit_test(duplicate_same_access_copies_the_granted_access),
        cmocka_unit_test(duplicate_with_desired_access_grants_that_access),
        cmocka_unit_test(duplicate_maps_generic_access_through_the_type),
        cmocka_unit_test(duplicate_close_source_closes_the_source_handle),
        cmocka_unit_test(duplicate_into_another_process_uses_its_table),
        cmocka_unit_test(duplicate_needs_dup_handle_on_the_source_process),
        cmocka_unit_test(duplicate_needs_dup_handle_on_the_target_process),
        cmocka_unit_test(duplicate_from_another_process_reads_its_table),
        cmocka_unit_test(duplicate_of_a_value_that_names_nothing_is_invalid_handle),
        cmocka_unit_test(duplicate_rejects_unknown_options),
        cmocka_unit_test(duplicate_into_an_exited_process_fails),
        cmocka_unit_test(duplicate_of_the_current_process_pseudo_handle_names_the_caller),
        cmocka_unit_test(duplicate_close_source_closes_even_when_the_target_is_denied),
        cmocka_unit_test(duplicate_of_pseudo_handle_from_another_process_names_that_process),
        cmocka_unit_test(duplicate_cannot_widen_access_to_the_system_process),
        cmocka_unit_test(terminate_without_process_terminate_is_access_denied),
        cmocka_unit_test(terminate_with_process_terminate_ends_the_process_with_the_status),
        cmocka_unit_test(generic_read_does_not_grant_terminate),
        cmocka_unit_test(generic_execute_grants_terminate),
        cmocka_unit_test(thread_handle_where_a_process_handle_is_needed_is_type_mismatch),
        cmocka_unit_test(process_handle_where_a_thread_handle_is_needed_is_type_mismatch),
        cmocka_unit_test(type_is_checked_before_access),
        cmocka_unit_test(terminate_thread_without_thread_terminate_is_access_denied),
        cmocka_unit_test(using_a_closed_handle_is_invalid_handle),
        cmocka_unit_test(open_unknown_process_or_thread_is_invalid_cid),
        cmocka_unit_test(walk_handles_reports_each_handle_by_ascending_value),
        cmocka_unit_test(walk_handles_object_sequence_matches_the_object),
        cmocka_unit_test(walk_handles_stops_when_the_callback_says_so),
        cmocka_unit_test(walk_handles_of_an_unknown_process_is_invalid_cid),
        cmocka_unit_test(walk_handles_of_an_exited_process_is_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
