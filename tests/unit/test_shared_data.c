/*
 * test_shared_data.c - KUSER_SHARED_DATA at 0x7FFE0000 follows the virtual
 * clock: InterruptTime (0x08), SystemTime (0x14), TickCountQuad (0x320),
 * the version (0x26C, 0x270) and NumberOfPhysicalPages (0x2E8), read as a
 * program reads them (its own memory, or another process's through
 * NtReadVirtualMemory). docs/memory-manager.md ("KUSER_SHARED_DATA").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ke/context.h"
#include "ntsim/ntsim.h"
#include "win32_fixture.h"

#define SHARED 0x7FFE0000ull
#define TICK 156250ull /* 15.625 ms in 100 ns units */

static uint32_t read32(fixture *f, ULONG_PTR at)
{
    uint32_t v;
    assert_int_equal(ntsim_read_memory(f->sys, at, &v, 4), STATUS_SUCCESS);
    return v;
}

static uint64_t read64(fixture *f, ULONG_PTR at)
{
    uint64_t v;
    assert_int_equal(ntsim_read_memory(f->sys, at, &v, 8), STATUS_SUCCESS);
    return v;
}

/* A KSYSTEM_TIME: both high parts agree. */
static uint64_t system_time(fixture *f, ULONG_PTR at)
{
    uint32_t t[3];
    assert_int_equal(ntsim_read_memory(f->sys, at, t, sizeof t), STATUS_SUCCESS);
    assert_int_equal(t[1], t[2]);
    return (uint64_t)t[1] << 32 | t[0];
}

static void the_clock_fields_follow_the_virtual_clock(void **state)
{
    fixture *f = *state;
    uint64_t boot_interrupt = system_time(f, SHARED + 0x08);
    assert_int_equal(system_time(f, SHARED + 0x14), ntsim_time(f->sys));
    assert_int_equal(boot_interrupt, ntsim_time(f->sys) - NTSIM_BOOT_TIME);
    ntsim_advance(f->sys, 10 * 10000000ull + 12345); /* 10 s and a bit */
    uint64_t now = ntsim_time(f->sys);
    assert_int_equal(system_time(f, SHARED + 0x14), now);
    assert_int_equal(system_time(f, SHARED + 0x08), now - NTSIM_BOOT_TIME);
    assert_int_equal(read64(f, SHARED + 0x320), (now - NTSIM_BOOT_TIME) / TICK);
    assert_int_equal(read32(f, SHARED + 0x000), (uint32_t)((now - NTSIM_BOOT_TIME) / TICK));
    /* GetTickCount's formula: TickCountQuad * TickCountMultiplier >> 24, in ms. */
    uint64_t ms = read64(f, SHARED + 0x320) * read32(f, SHARED + 0x004) >> 24;
    assert_true(ms <= (now - NTSIM_BOOT_TIME) / 10000 && ms + 16 > (now - NTSIM_BOOT_TIME) / 10000);
}

static void the_version_and_memory_are_windows_10s(void **state)
{
    fixture *f = *state;
    assert_int_equal(read32(f, SHARED + 0x26C), 10);
    assert_int_equal(read32(f, SHARED + 0x270), 0);
    ntsim_config c;
    ntsim_config_default(&c);
    assert_int_equal(read32(f, SHARED + 0x2E8), c.memory / 4096);
    uint16_t machine;
    assert_int_equal(ntsim_read_memory(f->sys, SHARED + 0x2C, &machine, 2), STATUS_SUCCESS);
    assert_int_equal(machine, 0x8664);
}

static void another_process_reads_the_same_clock(void **state)
{
    fixture *f = *state;
    HANDLE h = NULL;
    CLIENT_ID cid = { f->other_pid, 0 };
    assert_int_equal(NtOpenProcess(f->sys, &h, PROCESS_VM_READ, &cid), STATUS_SUCCESS);
    ntsim_advance(f->sys, 3 * TICK);
    uint64_t q = 0;
    SIZE_T done = 0;
    assert_int_equal(NtReadVirtualMemory(f->sys, h, SHARED + 0x320, &q, 8, &done), STATUS_SUCCESS);
    assert_int_equal(q, (ntsim_time(f->sys) - NTSIM_BOOT_TIME) / TICK);
    NtClose(f->sys, h);
}

static void the_page_stays_read_only(void **state)
{
    fixture *f = *state;
    uint32_t v = 7;
    assert_int_equal(ntsim_write_memory(f->sys, SHARED + 0x26C, &v, 4), STATUS_ACCESS_VIOLATION);
    assert_int_equal(read32(f, SHARED + 0x26C), 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_clock_fields_follow_the_virtual_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(the_version_and_memory_are_windows_10s, setup, teardown),
        cmocka_unit_test_setup_teardown(another_process_reads_the_same_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(the_page_stays_read_only, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
