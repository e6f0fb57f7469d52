/*
 * grader.c - exercise 04's checks: for each way of creating a thread, the
 * simulator itself finds the depth (a fresh thread touches deeper and deeper
 * until it fails) and compares it with the function's answer.
 */
#include "../grader.h"
#include "exercise.h"

/* What the simulator says: the deepest successful touch, at most the reserve. */
static SIZE_T measured_depth(const ex04_stack_params *p)
{
    ntsim_system *sys = grader_boot(44, NULL);
    NTSIM_PROCESS_PARAMS pp;
    CLIENT_ID app, thread;
    NTSIM_THREAD_INFO ti;
    ntsim_process_params_default(&pp, p->arch == NTSIM_ARCH_X86 ? "C:\\app32.exe" : "C:\\app.exe");
    pp.arch = p->arch;
    pp.stack_reserve = p->pe_reserve;
    pp.stack_commit = p->pe_commit;
    assert_status(ntsim_create_process(sys, &pp, &app), STATUS_SUCCESS);
    assert_status(ntsim_set_current_thread(sys, app.UniqueThread), STATUS_SUCCESS);
    assert_status(ntsim_create_thread(sys, app.UniqueProcess, p->stack_size, p->is_reservation, &thread), STATUS_SUCCESS);
    assert_status(ntsim_query_thread(sys, thread.UniqueThread, &ti), STATUS_SUCCESS);
    SIZE_T depth = 0;
    for (SIZE_T n = 0x1000; n <= ti.stack_reserve; n += 0x1000) {
        if (!NT_SUCCESS(ntsim_touch_stack(sys, thread.UniqueThread, n)))
            break;
        depth = n;
    }
    ntsim_system_destroy(sys);
    return depth;
}

static void check(const ex04_stack_params *p)
{
    SIZE_T want = measured_depth(p), got = ex04_max_stack_depth(p);
    if (got != want) {
        print_error("arch=%s pe_reserve=0x%llx pe_commit=0x%llx stack_size=0x%llx%s: answered 0x%llx, the thread "
                    "reaches 0x%llx\n", p->arch == NTSIM_ARCH_X86 ? "x86" : "x64",
                    (unsigned long long)p->pe_reserve, (unsigned long long)p->pe_commit,
                    (unsigned long long)p->stack_size, p->is_reservation ? " (reservation)" : "",
                    (unsigned long long)got, (unsigned long long)want);
        fail();
    }
}

#define CASE(name, ...)                                  \
    static void name(void **state)                       \
    {                                                    \
        const ex04_stack_params p = { __VA_ARGS__ };     \
        check(&p);                                       \
    }

CASE(x64_defaults, NTSIM_ARCH_X64, 0, 0, 0, false)
CASE(wow64_defaults, NTSIM_ARCH_X86, 0, 0, 0, false)
CASE(x64_reserve_256k, NTSIM_ARCH_X64, 0, 0, 256 * 1024, true)
CASE(x64_reserve_rounds_to_64k, NTSIM_ARCH_X64, 0, 0, 100 * 1024, true)
CASE(x64_commit_equals_reserve, NTSIM_ARCH_X64, 0, 0, 1024 * 1024, false)
CASE(x64_commit_past_reserve, NTSIM_ARCH_X64, 0, 0, 1024 * 1024 + 1, false)
CASE(x64_header_64k_60k, NTSIM_ARCH_X64, 64 * 1024, 60 * 1024, 0, false)
CASE(wow64_header_64k_56k, NTSIM_ARCH_X86, 64 * 1024, 56 * 1024, 0, false)
CASE(x64_header_commit_equals_reserve, NTSIM_ARCH_X64, 192 * 1024, 192 * 1024, 0, false)
CASE(x64_tiny_reservation, NTSIM_ARCH_X64, 0, 0, 4096, true)
CASE(wow64_commit_rounds_to_pages, NTSIM_ARCH_X86, 0, 0, 5000, false)
CASE(x64_big_commit_in_small_reserve, NTSIM_ARCH_X64, 192 * 1024, 0, 100 * 1024, false)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(x64_defaults),
        cmocka_unit_test(wow64_defaults),
        cmocka_unit_test(x64_reserve_256k),
        cmocka_unit_test(x64_reserve_rounds_to_64k),
        cmocka_unit_test(x64_commit_equals_reserve),
        cmocka_unit_test(x64_commit_past_reserve),
        cmocka_unit_test(x64_header_64k_60k),
        cmocka_unit_test(wow64_header_64k_56k),
        cmocka_unit_test(x64_header_commit_equals_reserve),
        cmocka_unit_test(x64_tiny_reservation),
        cmocka_unit_test(wow64_commit_rounds_to_pages),
        cmocka_unit_test(x64_big_commit_in_small_reserve),
    };
    return GRADE("exercise 04: stack depth", tests);
}
