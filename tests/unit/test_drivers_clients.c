/*
 * test_drivers_clients.c - the built-in drivers' user-mode clients on
 * hand-built buffers: the wire layout as BOOK-SAMPLES.md gives it (offsets
 * written out here, independently of the drivers' structs), the decoded
 * items, and the lines the book's clients print, byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "drivers/client.h"
#include "drivers/driver.h"

/* 2026-01-01 00:00:00 UTC, the virtual clock's start, in 100 ns units since 1601. */
#define T0 INT64_C(134116992000000000)
#define MS INT64_C(10000)

/* ---- building items by hand ------------------------------------------------------ */

typedef struct wire {
    unsigned char b[4096];
    ULONG n;
} wire;

static void put16(wire *w, ULONG at, uint16_t v) { memcpy(w->b + at, &v, 2); }
static void put32(wire *w, ULONG at, uint32_t v) { memcpy(w->b + at, &v, 4); }
static void put64(wire *w, ULONG at, uint64_t v) { memcpy(w->b + at, &v, 8); }

/* A header (type 16-bit, size 16-bit, time 64-bit at 8); returns the item's offset. */
static ULONG header(wire *w, uint16_t type, uint16_t size, int64_t time)
{
    ULONG at = w->n;
    memset(w->b + at, 0, size);
    put16(w, at, type);
    put16(w, at + 2, size);
    put64(w, at + 8, (uint64_t)time);
    w->n += size;
    return at;
}

static void process_create(wire *w, int64_t time, ULONG pid, ULONG ppid, ULONG cpid, ULONG ctid, const char *cmd)
{
    size_t chars = strlen(cmd);
    ULONG at = header(w, 1, (uint16_t)(40 + 2 * chars), time);
    put32(w, at + 16, pid);
    put32(w, at + 20, ppid);
    put32(w, at + 24, cpid);
    put32(w, at + 28, ctid);
    put16(w, at + 32, (uint16_t)chars);
    for (size_t i = 0; i < chars; i++)
        put16(w, at + 34 + 2 * (ULONG)i, (unsigned char)cmd[i]);
}

static void process_exit(wire *w, int64_t time, ULONG pid, ULONG code)
{
    ULONG at = header(w, 2, 24, time);
    put32(w, at + 16, pid);
    put32(w, at + 20, code);
}

static void thread_create(wire *w, int64_t time, ULONG tid, ULONG pid)
{
    ULONG at = header(w, 3, 24, time);
    put32(w, at + 16, tid);
    put32(w, at + 20, pid);
}

static void thread_exit(wire *w, int64_t time, ULONG tid, ULONG pid, ULONG code)
{
    ULONG at = header(w, 4, 32, time);
    put32(w, at + 16, tid);
    put32(w, at + 20, pid);
    put32(w, at + 24, code);
}

static void image_load(wire *w, int64_t time, ULONG pid, ULONG size, uint64_t base, const char *name)
{
    ULONG at = header(w, 5, 640, time);
    put32(w, at + 16, pid);
    put32(w, at + 20, size);
    put64(w, at + 24, base);
    for (size_t i = 0; name[i] && i < 300; i++)
        put16(w, at + 32 + 2 * (ULONG)i, (unsigned char)name[i]);
}

/* ---- reading records back ------------------------------------------------------------- */

static const sim_driver *driver(const char *name)
{
    const sim_driver *d = sim_find_driver(name);
    assert_non_null(d);
    return d;
}

static sim_record read_with(const char *name, const wire *w)
{
    sim_record r = { 0 };
    driver(name)->client_read(w->b, w->n, &r);
    return r;
}

static uint32_t line_count(const sim_record *r)
{
    const sim_field *f = sim_record_get(r, "lines");
    assert_non_null(f);
    return f->count;
}

static const char *line(const sim_record *r, uint32_t i)
{
    const sim_field *f = sim_record_get(r, "lines");
    assert_non_null(f);
    assert_true(i < f->count);
    return sim_field_line(r, f, i);
}

static const sim_record *item(const sim_record *r, uint32_t i)
{
    const sim_field *f = sim_record_get(r, "items");
    assert_non_null(f);
    assert_true(i < f->count);
    return sim_field_item(r, f, i);
}

static uint32_t item_count(const sim_record *r)
{
    const sim_field *f = sim_record_get(r, "items");
    assert_non_null(f);
    return f->count;
}

static void assert_field(const sim_record *r, const char *key, const char *want)
{
    const sim_field *f = sim_record_get(r, key);
    assert_non_null(f);
    char buf[1024];
    sim_format_value(f, buf, sizeof buf);
    assert_string_equal(buf, want);
}

/* ---- the table and the time prefix ----------------------------------------------------- */

static void the_five_drivers_are_found_by_name(void **state)
{
    (void)state;
    const char *names[] = { "sysmon", "detector", "enumproc", "booster", "blocker" };
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(driver(names[i])->name, names[i]);
    assert_null(sim_find_driver("SysMon"));
    assert_null(sim_find_driver("nosuch"));
}

static void time_prefix_is_utc_time_of_day_to_the_millisecond(void **state)
{
    (void)state;
    char buf[32];
    sim_client_time(T0, buf, sizeof buf);
    assert_string_equal(buf, "00:00:00.000: ");
    /* 13:02:03.4569999: milliseconds truncate, as SYSTEMTIME's do. */
    sim_client_time(T0 + ((13 * 3600 + 2 * 60 + 3) * 1000 + 456) * MS + 9999, buf, sizeof buf);
    assert_string_equal(buf, "13:02:03.456: ");
    sim_client_time(T0 + INT64_C(86400) * 1000 * MS + 7 * MS, buf, sizeof buf); /* the next day */
    assert_string_equal(buf, "00:00:00.007: ");
}

static void default_buffers_are_64k_and_20_records(void **state)
{
    (void)state;
    assert_int_equal(driver("sysmon")->default_read, 65536);
    assert_int_equal(driver("detector")->default_read, 20 * 24);
}

/* ---- the system monitor's client ------------------------------------------------------- */

static void sysmon_prints_each_item_type_as_the_book(void **state)
{
    (void)state;
    wire w = { .n = 0 };
    process_create(&w, T0, 12, 4, 4, 8, "notepad.exe C:\\a.txt");
    thread_create(&w, T0 + 1 * MS, 16, 12);
    image_load(&w, T0 + 2 * MS, 12, 0x30000, 0x7ff7a4b90000, "\\Device\\HarddiskVolume3\\Windows\\System32\\notepad.exe");
    thread_exit(&w, T0 + 3 * MS, 16, 12, 0);
    process_exit(&w, T0 + 1234 * MS, 12, 0);
    sim_record r = read_with("sysmon", &w);
    assert_int_equal(line_count(&r), 5);
    assert_string_equal(line(&r, 0), "00:00:00.000: Process 12 Created. Command line: notepad.exe C:\\a.txt");
    assert_string_equal(line(&r, 1), "00:00:00.001: Thread 16 Created in process 12");
    assert_string_equal(line(&r, 2),
                        "00:00:00.002: Image loaded into process 12 at address 0x7FF7A4B90000 "
                        "(C:\\Windows\\System32\\notepad.exe)");
    assert_string_equal(line(&r, 3), "00:00:00.003: Thread 16 Exited from process 12 (Code: 0)");
    assert_string_equal(line(&r, 4), "00:00:01.234: Process 12 Exited (Code: 0)");
    sim_record_free(&r);
}

static void sysmon_items_decode_every_field(void **state)
{
    (void)state;
    wire w = { .n = 0 };
    process_create(&w, T0, 12, 4, 20, 24, "a b");
    image_load(&w, T0, 12, 0x1f5000, 0x7ffdfcbb0000, "\\Device\\HarddiskVolume3\\ntdll.dll");
    thread_exit(&w, T0, 16, 12, 0xC0000005);
    sim_record r = read_with("sysmon", &w);
    assert_int_equal(item_count(&r), 3);
    const sim_record *e = item(&r, 0);
    assert_field(e, "item", "process_create");
    assert_field(e, "bytes", "46");
    assert_field(e, "time", "134116992000000000");
    assert_field(e, "pid", "12");
    assert_field(e, "ppid", "4");
    assert_field(e, "creating_pid", "20");
    assert_field(e, "creating_tid", "24");
    assert_field(e, "cmdline", "a b");
    e = item(&r, 1);
    assert_field(e, "item", "image_load");
    assert_field(e, "bytes", "640");
    assert_field(e, "base", "0x7ffdfcbb0000");
    assert_field(e, "image_size", "0x1f5000");
    assert_field(e, "image", "\\Device\\HarddiskVolume3\\ntdll.dll"); /* the NT path, as the item holds it */
    e = item(&r, 2);
    assert_field(e, "item", "thread_exit");
    assert_field(e, "exit_code", "3221225477");
    sim_record_free(&r);
}

static void sysmon_exit_codes_print_unsigned(void **state)
{
    (void)state;
    wire w = { .n = 0 };
    process_exit(&w, T0, 12, 0xC0000005);
    thread_exit(&w, T0, 16, 12, 0xFFFFFFFF);
    sim_record r = read_with("sysmon", &w);
    assert_string_equal(line(&r, 0), "00:00:00.000: Process 12 Exited (Code: 3221225477)");
    assert_string_equal(line(&r, 1), "00:00:00.000: Thread 16 Exited from process 12 (Code: 4294967295)");
    sim_record_free(&r);
}

static void sysmon_process_without_command_line_is_40_bytes_and_prints_empty(void **state)
{
    (void)state;
    wire w = { .n = 0 };
    process_create(&w, T0, 12, 4, 4, 8, "");
    assert_int_equal(w.n, 40);
    sim_record r = read_with("sysmon", &w);
    assert_string_equal(line(&r, 0), "00:00:00.000: Process 12 Created. Command line: ");
    assert_field(item(&r, 0), "cmdline", "");
    sim_record_free(&r);
}

static const char *dos_line(const char *nt_name)
{
    static char out[1024];
    wire w = { .n = 0 };
    image_load(&w, T0, 8, 0x1000, 0x10000, nt_name);
    sim_record r = read_with("sysmon", &w);
    snprintf(out, sizeof out, "%s", line(&r, 0) + strlen("00:00:00.000: Image loaded into process 8 at address 0x10000 "));
    sim_record_free(&r);
    return out;
}

static void sysmon_converts_the_volume_prefix_to_its_drive(void **state)
{
    (void)state;
    assert_string_equal(dos_line("\\Device\\HarddiskVolume3\\Windows\\x.dll"), "(C:\\Windows\\x.dll)");
    assert_string_equal(dos_line("\\DEVICE\\harddiskvolume3\\x.dll"), "(C:\\x.dll)"); /* without case */
    assert_string_equal(dos_line("\\Device\\HarddiskVolume3"), "(C:)");
}

static void sysmon_prints_other_names_unchanged_and_empty_as_parentheses(void **state)
{
    (void)state;
    /* A longer volume number is another volume, not a prefix match. */
    assert_string_equal(dos_line("\\Device\\HarddiskVolume31\\x.dll"), "(\\Device\\HarddiskVolume31\\x.dll)");
    assert_string_equal(dos_line("\\??\\D:\\tools\\x.dll"), "(\\??\\D:\\tools\\x.dll)");
    assert_string_equal(dos_line("\\SystemRoot\\System32\\ntdll.dll"), "(\\SystemRoot\\System32\\ntdll.dll)");
    assert_string_equal(dos_line("x.dll"), "(x.dll)");
    assert_string_equal(dos_line(""), "()");
}

static void sysmon_skips_unknown_types_by_their_size(void **state)
{
    (void)state;
    wire w = { .n = 0 };
    thread_create(&w, T0, 16, 12);
    ULONG at = header(&w, 77, 48, T0); /* a type this client does not know, 48 bytes */
    put32(&w, at + 16, 0xdeadbeef);
    process_exit(&w, T0, 12, 1);
    sim_record r = read_with("sysmon", &w);
    assert_int_equal(line_count(&r), 2);
    assert_string_equal(line(&r, 0), "00:00:00.000: Thread 16 Created in process 12");
    assert_string_equal(line(&r, 1), "00:00:00.000: Process 12 Exited (Code: 1)");
    assert_int_equal(item_count(&r), 3);
    assert_field(item(&r, 1), "item", "unknown");
    assert_field(item(&r, 1), "item_type", "77");
    assert_field(item(&r, 1), "bytes", "48");
    sim_record_free(&r);
}

static void sysmon_decodes_items_at_odd_offsets(void **state)
{
    (void)state;
    /* 40 + 2*3 = 46 bytes: the next item starts 2-aligned only. */
    wire w = { .n = 0 };
    process_create(&w, T0, 12, 4, 4, 8, "abc");
    thread_exit(&w, T0 + 5 * MS, 16, 12, 7);
    image_load(&w, T0, 12, 0x2000, 0x7ff000000000, "\\Device\\HarddiskVolume3\\y.dll");
    sim_record r = read_with("sysmon", &w);
    assert_int_equal(line_count(&r), 3);
    assert_string_equal(line(&r, 1), "00:00:00.005: Thread 16 Exited from process 12 (Code: 7)");
    assert_string_equal(line(&r, 2), "00:00:00.000: Image loaded into process 12 at address 0x7FF000000000 (C:\\y.dll)");
    sim_record_free(&r);
}

static void sysmon_stops_at_an_impossible_size(void **state)
{
    (void)state;
    wire w = { .n = 0 };
    thread_create(&w, T0, 16, 12);
    header(&w, 3, 24, T0);
    put16(&w, 24 + 2, 0); /* size 0: the book's loop would spin; the client stops */
    thread_create(&w, T0, 20, 12);
    sim_record r = read_with("sysmon", &w);
    assert_int_equal(line_count(&r), 1);
    sim_record_free(&r);

    /* A header claiming more than was read ends the walk too. */
    wire v = { .n = 0 };
    thread_create(&v, T0, 16, 12);
    process_exit(&v, T0, 12, 0);
    v.n -= 4;
    r = read_with("sysmon", &v);
    assert_int_equal(line_count(&r), 1);
    sim_record_free(&r);
}

static void sysmon_reads_nothing_from_zero_bytes(void **state)
{
    (void)state;
    wire w = { .n = 0 };
    sim_record r = read_with("sysmon", &w);
    assert_int_equal(item_count(&r), 0);
    assert_int_equal(line_count(&r), 0);
    sim_record_free(&r);
}

static void sysmon_prints_non_ascii_as_utf8(void **state)
{
    (void)state;
    wire w = { .n = 0 };
    ULONG at = header(&w, 1, 40 + 2 * 3, T0);
    put32(&w, at + 16, 12);
    put16(&w, at + 32, 3);
    put16(&w, at + 34, 0x00E9);     /* é */
    put16(&w, at + 36, 0xD83D);     /* U+1F600, a surrogate pair */
    put16(&w, at + 38, 0xDE00);
    sim_record r = read_with("sysmon", &w);
    assert_string_equal(line(&r, 0), "00:00:00.000: Process 12 Created. Command line: \xC3\xA9\xF0\x9F\x98\x80");
    sim_record_free(&r);
}

static void sysmon_prints_a_long_command_line_whole(void **state)
{
    (void)state;
    static char cmd[1500];
    memset(cmd, 'x', sizeof cmd - 1);
    wire w = { .n = 0 };
    process_create(&w, T0, 12, 4, 4, 8, cmd);
    assert_int_equal(w.n, 40 + 2 * 1499);
    sim_record r = read_with("sysmon", &w);
    const char *l = line(&r, 0);
    assert_int_equal(strlen(l), strlen("00:00:00.000: Process 12 Created. Command line: ") + 1499);
    sim_record_free(&r);
}

/* ---- the detector's client -------------------------------------------------------------- */

static void remote_thread(wire *w, int64_t time, ULONG cpid, ULONG ctid, ULONG pid, ULONG tid)
{
    ULONG at = w->n;
    put64(w, at, (uint64_t)time);
    put32(w, at + 8, cpid);
    put32(w, at + 12, ctid);
    put32(w, at + 16, pid);
    put32(w, at + 20, tid);
    w->n += 24;
}

static void detector_prints_each_24_byte_record(void **state)
{
    (void)state;
    wire w = { .n = 0 };
    remote_thread(&w, T0 + 2500 * MS, 40, 44, 12, 48);
    remote_thread(&w, T0, 40, 44, 28, 52);
    w.n += 10; /* a partial record is not one */
    sim_record r = read_with("detector", &w);
    assert_int_equal(item_count(&r), 2);
    assert_int_equal(line_count(&r), 2);
    assert_string_equal(line(&r, 0), "00:00:02.500: Remote Thread from PID: 40 TID: 44 -> PID: 12 TID: 48");
    assert_string_equal(line(&r, 1), "00:00:00.000: Remote Thread from PID: 40 TID: 44 -> PID: 28 TID: 52");
    const sim_record *e = item(&r, 0);
    assert_field(e, "time", "134116992025000000");
    assert_field(e, "creator_pid", "40");
    assert_field(e, "creator_tid", "44");
    assert_field(e, "pid", "12");
    assert_field(e, "tid", "48");
    sim_record_free(&r);
}

/* ---- the booster's client ---------------------------------------------------------------- */

static void booster_writes_thread_id_then_priority(void **state)
{
    (void)state;
    const sim_driver *d = driver("booster");
    assert_non_null(d->write_fields);
    assert_string_equal(d->write_fields[0].name, "thread");
    assert_int_equal(d->write_fields[0].kind, FIELD_THREAD);
    assert_string_equal(d->write_fields[1].name, "priority");
    assert_null(d->write_fields[2].name);
    sim_write_values v = { .present = { true, true }, .number = { 36, 25 } };
    unsigned char buf[64];
    assert_int_equal(d->client_write(&v, buf, sizeof buf), 8);
    uint32_t tid, prio;
    memcpy(&tid, buf, 4);
    memcpy(&prio, buf + 4, 4);
    assert_int_equal(tid, 36);
    assert_int_equal(prio, 25);
}

static const char *booster_verdict(NTSTATUS status, ULONG bytes)
{
    static char out[128];
    sim_record r = { 0 };
    driver("booster")->client_write_result(status, bytes, &r);
    assert_int_equal(line_count(&r), 1);
    snprintf(out, sizeof out, "%s", line(&r, 0));
    sim_record_free(&r);
    return out;
}

static void booster_prints_success_or_the_win32_error(void **state)
{
    (void)state;
    assert_string_equal(booster_verdict(STATUS_SUCCESS, 8), "Priority change succeeded!");
    assert_string_equal(booster_verdict(STATUS_INVALID_PARAMETER, 0), "Priority change failed! (error=87)");
    assert_string_equal(booster_verdict(STATUS_INVALID_CID, 0), "Priority change failed! (error=87)");
    assert_string_equal(booster_verdict(STATUS_BUFFER_TOO_SMALL, 0), "Priority change failed! (error=122)");
}

/* ---- the shared helpers --------------------------------------------------------------------- */

static void dos_name_keeps_a_short_buffer_terminated(void **state)
{
    (void)state;
    char out[6];
    sim_client_dos_name("\\Device\\HarddiskVolume3\\Windows", out, sizeof out);
    assert_string_equal(out, "C:\\Wi");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_five_drivers_are_found_by_name),
        cmocka_unit_test(time_prefix_is_utc_time_of_day_to_the_millisecond),
        cmocka_unit_test(default_buffers_are_64k_and_20_records),
        cmocka_unit_test(sysmon_prints_each_item_type_as_the_book),
        cmocka_unit_test(sysmon_items_decode_every_field),
        cmocka_unit_test(sysmon_exit_codes_print_unsigned),
        cmocka_unit_test(sysmon_process_without_command_line_is_40_bytes_and_prints_empty),
        cmocka_unit_test(sysmon_converts_the_volume_prefix_to_its_drive),
        cmocka_unit_test(sysmon_prints_other_names_unchanged_and_empty_as_parentheses),
        cmocka_unit_test(sysmon_skips_unknown_types_by_their_size),
        cmocka_unit_test(sysmon_decodes_items_at_odd_offsets),
        cmocka_unit_test(sysmon_stops_at_an_impossible_size),
        cmocka_unit_test(sysmon_reads_nothing_from_zero_bytes),
        cmocka_unit_test(sysmon_prints_non_ascii_as_utf8),
        cmocka_unit_test(sysmon_prints_a_long_command_line_whole),
        cmocka_unit_test(detector_prints_each_24_byte_record),
        cmocka_unit_test(booster_writes_thread_id_then_priority),
        cmocka_unit_test(booster_prints_success_or_the_win32_error),
        cmocka_unit_test(dos_name_keeps_a_short_buffer_terminated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
