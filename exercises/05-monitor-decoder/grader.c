/*
 * grader.c - exercise 05's checks. The reference is ntsim's own SysMon
 * client (sim/drivers/sysmon.c): for each buffer, read from the driver or
 * built byte by byte, ex05_decode must print exactly its lines.
 */
#include <stdlib.h>

#include "../grader.h"
#include "drivers/driver.h"
#include "exercise.h"

#define MAX_LINES 64
static char got[MAX_LINES][EX05_LINE_MAX];

/* Compares ex05_decode with the client on one buffer. */
static void compare(const unsigned char *buf, size_t bytes)
{
    const sim_driver *sysmon = sim_find_driver("sysmon");
    sim_record r = { 0 };
    sysmon->client_read(buf, (ULONG)bytes, &r);
    const sim_field *want = sim_record_get(&r, "lines");
    size_t n = ex05_decode(buf, bytes, got, MAX_LINES);
    int ok = want && n == want->count;
    if (!ok)
        print_error("%zu line(s) decoded, the client prints %u\n", n, want ? want->count : 0);
    for (uint32_t i = 0; ok && i < want->count; i++) {
        const char *line = sim_field_line(&r, want, i);
        if (strcmp(line, got[i]) != 0) {
            print_error("line %u:\n  yours:  %s\n  client: %s\n", i + 1, got[i], line);
            ok = 0;
        }
    }
    sim_record_free(&r);
    if (!ok)
        fail();
}

static ntsim_system *boot_with_sysmon(void)
{
    ntsim_system *sys = grader_boot(55, NULL);
    assert_status(ntsim_load_driver(sys, "sysmon", sim_find_driver("sysmon")->entry, NULL, 0), STATUS_SUCCESS);
    return sys;
}

/* One ReadFile of `size` bytes, compared. */
static void read_and_compare(ntsim_system *sys, ULONG size)
{
    unsigned char *buf = calloc(1, size);
    ULONG bytes = 0;
    expect_that(buf != NULL, "the grader could not get a %u-byte read buffer from the host", (unsigned)size);
    assert_status(ntsim_device_read(sys, "\\??\\SysMon", buf, size, &bytes), STATUS_SUCCESS);
    compare(buf, bytes);
    free(buf);
}

static void finish(ntsim_system *sys)
{
    assert_status(ntsim_unload_driver(sys, "sysmon"), STATUS_SUCCESS);
    ntsim_system_destroy(sys);
}

static void a_process_starts(void **state)
{
    ntsim_system *sys = boot_with_sysmon();
    CLIENT_ID explorer;
    ntsim_advance(sys, 123456789);
    assert_status(grader_spawn(sys, "C:\\Windows\\explorer.exe", 0, 0, &explorer), STATUS_SUCCESS);
    ntsim_advance(sys, 5000000);
    assert_status(grader_spawn(sys, "C:\\Program Files\\Editor\\editor.exe", explorer.UniqueProcess,
                               explorer.UniqueThread, NULL), STATUS_SUCCESS);
    read_and_compare(sys, 65536);
    finish(sys);
}

static void exit_codes_are_unsigned(void **state)
{
    ntsim_system *sys = boot_with_sysmon();
    CLIENT_ID a, b, w;
    assert_status(grader_spawn(sys, "C:\\a.exe", 0, 0, &a), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\b.exe", 0, 0, &b), STATUS_SUCCESS);
    assert_status(grader_thread(sys, a.UniqueProcess, a.UniqueThread, &w), STATUS_SUCCESS);
    ntsim_advance(sys, 36000000000ull); /* an hour */
    assert_status(ntsim_exit_thread(sys, w.UniqueThread, 0xC0000409), STATUS_SUCCESS);
    assert_status(ntsim_exit_process(sys, a.UniqueProcess, 0xC0000005), STATUS_SUCCESS);
    assert_status(ntsim_exit_process(sys, b.UniqueProcess, 0xFFFFFFFF), STATUS_SUCCESS);
    read_and_compare(sys, 65536);
    finish(sys);
}

static void a_remote_thread_loads_a_dll(void **state)
{
    ntsim_system *sys = boot_with_sysmon();
    CLIENT_ID victim, injector, t;
    ULONG_PTR base;
    assert_status(grader_spawn(sys, "C:\\Windows\\System32\\notepad.exe", 0, 0, &victim), STATUS_SUCCESS);
    assert_status(grader_spawn(sys, "C:\\Users\\Public\\inj.exe", 0, 0, &injector), STATUS_SUCCESS);
    assert_status(grader_thread(sys, victim.UniqueProcess, injector.UniqueThread, &t), STATUS_SUCCESS);
    assert_status(ntsim_set_current_thread(sys, t.UniqueThread), STATUS_SUCCESS);
    assert_status(ntsim_load_image(sys, "C:\\Users\\Public\\evil.dll", 0x24000, &base), STATUS_SUCCESS);
    assert_status(ntsim_exit_thread(sys, t.UniqueThread, 0), STATUS_SUCCESS);
    read_and_compare(sys, 65536);
    finish(sys);
}

static void a_long_command_line(void **state)
{
    ntsim_system *sys = boot_with_sysmon();
    char cmdline[1400];
    NTSIM_PROCESS_PARAMS pp;
    CLIENT_ID cid;
    strcpy(cmdline, "tool.exe");
    for (int i = 0; strlen(cmdline) < 1200; i++)
        snprintf(cmdline + strlen(cmdline), sizeof cmdline - strlen(cmdline), " --option%d=value%d", i, i * i);
    ntsim_process_params_default(&pp, "C:\\tool.exe");
    pp.command_line = cmdline;
    assert_status(ntsim_create_process(sys, &pp, &cid), STATUS_SUCCESS);
    read_and_compare(sys, 65536);
    finish(sys);
}

static void small_reads(void **state)
{
    ntsim_system *sys = boot_with_sysmon();
    for (int i = 0; i < 3; i++)
        assert_status(grader_spawn(sys, "C:\\x.exe", 0, 0, NULL), STATUS_SUCCESS);
    read_and_compare(sys, 700);
    read_and_compare(sys, 100);
    read_and_compare(sys, 1300);
    read_and_compare(sys, 65536);
    finish(sys);
}

/* ---- buffers built by hand -------------------------------------------------- */

static size_t put_header(unsigned char *p, unsigned type, unsigned size, uint64_t time)
{
    memset(p, 0, size);
    p[0] = (unsigned char)type;
    p[1] = (unsigned char)(type >> 8);
    p[2] = (unsigned char)size;
    p[3] = (unsigned char)(size >> 8);
    for (int i = 0; i < 8; i++)
        p[8 + i] = (unsigned char)(time >> (8 * i));
    return size;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static size_t image_item(unsigned char *p, uint32_t pid, uint64_t base, const char *name)
{
    size_t n = put_header(p, 5, 640, NTSIM_BOOT_TIME + 12345678);
    put32(p + 16, pid);
    put32(p + 20, 0x10000);
    put32(p + 24, (uint32_t)base);
    put32(p + 28, (uint32_t)(base >> 32));
    for (size_t i = 0; name[i] && i < 300; i++)
        p[32 + 2 * i] = (unsigned char)name[i];
    return n;
}

static void image_names(void **state)
{
    static unsigned char buf[640 * 6];
    size_t n = 0;
    n += image_item(buf + n, 100, 0x7ff612340000ull, "\\Device\\HarddiskVolume3\\Windows\\a.dll");
    n += image_item(buf + n, 100, 0x10000, "\\device\\harddiskvolume3\\b.dll");
    n += image_item(buf + n, 100, 0x20000, "\\Device\\HarddiskVolume31\\c.dll");
    n += image_item(buf + n, 100, 0x30000, "\\SystemRoot\\System32\\d.dll");
    n += image_item(buf + n, 100, 0x40000, "");
    n += image_item(buf + n, 100, 0x50000, "\\Device\\HarddiskVolume3");
    compare(buf, n);
}

static void unknown_items_are_skipped(void **state)
{
    unsigned char buf[256];
    size_t n = 0;
    n += put_header(buf + n, 3, 24, NTSIM_BOOT_TIME);
    put32(buf + 16, 40);
    put32(buf + 20, 36);
    n += put_header(buf + n, 9, 40, NTSIM_BOOT_TIME); /* a type the client does not know */
    n += put_header(buf + n, 2, 20, NTSIM_BOOT_TIME); /* a process exit too short for its fields */
    n += put_header(buf + n, 2, 24, NTSIM_BOOT_TIME + 10000);
    put32(buf + n - 8, 36);
    put32(buf + n - 4, 7);
    compare(buf, n);
}

static void impossible_sizes_end_the_walk(void **state)
{
    unsigned char buf[256];
    size_t n = 0;
    n += put_header(buf + n, 2, 24, NTSIM_BOOT_TIME);
    size_t zero = n;
    n += put_header(buf + n, 2, 24, NTSIM_BOOT_TIME);
    buf[zero + 2] = 0; /* size 0: the book's loop would never end */
    compare(buf, n);
    /* An item that runs past the end of what was read. */
    n = put_header(buf, 3, 24, NTSIM_BOOT_TIME);
    n += put_header(buf + n, 4, 32, NTSIM_BOOT_TIME);
    compare(buf, n - 8);
    /* Less than a header left, and nothing at all. */
    compare(buf, 10);
    compare(buf, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_process_starts),
        cmocka_unit_test(exit_codes_are_unsigned),
        cmocka_unit_test(a_remote_thread_loads_a_dll),
        cmocka_unit_test(a_long_command_line),
        cmocka_unit_test(small_reads),
        cmocka_unit_test(image_names),
        cmocka_unit_test(unknown_items_are_skipped),
        cmocka_unit_test(impossible_sizes_end_the_walk),
    };
    return GRADE("exercise 05: monitor decoder", tests);
}
