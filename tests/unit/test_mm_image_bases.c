/*
 * test_mm_image_bases.c - image bases are drawn once per boot and shared:
 * ntdll.dll at one address in every process, one exe at one base in all its
 * processes, a DLL at one base wherever it is loaded, names compared without
 * case, another place only where the shared range is taken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mm/mm.h"

typedef struct boot {
    rtl_random rng;
    mm_image_bases *bases;
} boot;

static void boot_up(boot *b, uint64_t seed, bool aslr)
{
    rtl_random_seed(&b->rng, seed);
    assert_int_equal(mm_image_bases_create(aslr ? &b->rng : NULL, &b->bases), STATUS_SUCCESS);
}

static mm_space *space_in(boot *b, mm_arch arch)
{
    mm_space_params p = {.arch = arch, .system_is_x64 = true, .image_bases = b->bases};
    mm_space *s;
    assert_int_equal(mm_space_create(&p, &s), STATUS_SUCCESS);
    return s;
}

static mm_space *process_in(boot *b, mm_arch arch, const char *image, mm_process_layout *l)
{
    mm_space *s = space_in(b, arch);
    assert_int_equal(mm_initialize_process(s, image, 0x38000, true, &b->rng, l), STATUS_SUCCESS);
    return s;
}

static void ntdll_has_one_base_in_every_process(void **st)
{
    (void)st;
    boot b;
    boot_up(&b, 11, true);
    mm_process_layout l1, l2, l3;
    mm_space *s1 = process_in(&b, MM_ARCH_X64, "notepad.exe", &l1);
    mm_space *s2 = process_in(&b, MM_ARCH_X64, "calc.exe", &l2);
    mm_space *s3 = process_in(&b, MM_ARCH_X64, "cmd.exe", &l3);
    assert_int_equal(l1.ntdll_base, l2.ntdll_base);
    assert_int_equal(l1.ntdll_base, l3.ntdll_base);
    assert_int_not_equal(l1.image_base, l2.image_base); /* different images keep apart */
    assert_int_equal(mm_image_bases_count(b.bases), 4);
    mm_space_destroy(s1);
    mm_space_destroy(s2);
    mm_space_destroy(s3);
    mm_image_bases_destroy(b.bases);
}

static void two_processes_of_one_exe_share_its_base(void **st)
{
    (void)st;
    boot b;
    boot_up(&b, 3, true);
    mm_process_layout l1, l2;
    mm_space *s1 = process_in(&b, MM_ARCH_X64, "C:\\Windows\\notepad.exe", &l1);
    mm_space *s2 = process_in(&b, MM_ARCH_X64, "NOTEPAD.EXE", &l2); /* the file system ignores case */
    assert_int_equal(l1.image_base, l2.image_base);
    assert_int_not_equal(l1.peb, l2.peb); /* the PEB is per process */
    mm_space_destroy(s1);
    mm_space_destroy(s2);
    mm_image_bases_destroy(b.bases);
}

static void the_base_depends_on_the_boot_seed(void **st)
{
    (void)st;
    boot a, b, c;
    boot_up(&a, 5, true);
    boot_up(&b, 5, true);
    boot_up(&c, 6, true);
    mm_process_layout la, lb, lc;
    mm_space *sa = process_in(&a, MM_ARCH_X64, "app.exe", &la);
    mm_space *sb = process_in(&b, MM_ARCH_X64, "app.exe", &lb);
    mm_space *sc = process_in(&c, MM_ARCH_X64, "app.exe", &lc);
    assert_int_equal(la.ntdll_base, lb.ntdll_base);
    assert_int_equal(la.image_base, lb.image_base);
    assert_int_not_equal(la.ntdll_base, lc.ntdll_base);
    mm_space_destroy(sa);
    mm_space_destroy(sb);
    mm_space_destroy(sc);
    mm_image_bases_destroy(a.bases);
    mm_image_bases_destroy(b.bases);
    mm_image_bases_destroy(c.bases);
}

static void x86_and_x64_images_of_one_name_are_different_files(void **st)
{
    (void)st;
    boot b;
    boot_up(&b, 9, true);
    mm_process_layout l64, l86;
    mm_space *s64 = process_in(&b, MM_ARCH_X64, "tool.exe", &l64);
    mm_space *s86 = process_in(&b, MM_ARCH_X86, "tool.exe", &l86);
    assert_true(l86.ntdll_base < 0x80000000ull);
    assert_true(l86.image_base < 0x80000000ull);
    assert_true(l64.ntdll_base > 0x7FF000000000ull);
    assert_int_equal(mm_image_bases_count(b.bases), 4);
    mm_space_destroy(s64);
    mm_space_destroy(s86);
    mm_image_bases_destroy(b.bases);
}

static void a_dll_loads_at_one_base_in_every_process(void **st)
{
    (void)st;
    boot b;
    boot_up(&b, 21, true);
    mm_process_layout l1, l2;
    mm_space *s1 = process_in(&b, MM_ARCH_X64, "a.exe", &l1);
    mm_space *s2 = process_in(&b, MM_ARCH_X64, "b.exe", &l2);
    ULONG_PTR d1 = 0, d2 = 0;
    assert_int_equal(mm_map_image(s1, &d1, 0x20000, "Kernel32.dll"), STATUS_SUCCESS);
    assert_int_equal(mm_map_image(s2, &d2, 0x20000, "KERNEL32.DLL"), STATUS_SUCCESS);
    assert_int_equal(d1, d2);
    assert_true(d1 >= 0x7FF800000000ull && d1 < 0x7FFF00000000ull);
    MEMORY_BASIC_INFORMATION m;
    assert_int_equal(mm_query(s2, d2, &m), STATUS_SUCCESS);
    assert_int_equal(m.Type, MEM_IMAGE);
    /* Another DLL never gets a range the first one has this boot. */
    ULONG_PTR e = 0;
    assert_int_equal(mm_map_image(s2, &e, 0x20000, "user32.dll"), STATUS_SUCCESS);
    assert_true(e + 0x20000 <= d1 || e >= d1 + 0x20000);
    mm_space_destroy(s1);
    mm_space_destroy(s2);
    mm_image_bases_destroy(b.bases);
}

static void a_taken_range_relocates_the_image_in_that_process_only(void **st)
{
    (void)st;
    boot b;
    boot_up(&b, 4, true);
    mm_process_layout l1;
    mm_space *s1 = process_in(&b, MM_ARCH_X64, "a.exe", &l1);
    ULONG_PTR d1 = 0;
    assert_int_equal(mm_map_image(s1, &d1, 0x10000, "x.dll"), STATUS_SUCCESS);
    /* A second process has private memory where x.dll would go. */
    mm_space *s2 = space_in(&b, MM_ARCH_X64);
    ULONG_PTR blocker = d1;
    SIZE_T sz = 0x10000;
    assert_int_equal(mm_allocate(s2, &blocker, 0, &sz, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    ULONG_PTR d2 = 0;
    assert_int_equal(mm_map_image(s2, &d2, 0x10000, "x.dll"), STATUS_SUCCESS);
    assert_int_not_equal(d2, d1);
    /* The boot-wide base is unchanged: a third process gets it again. */
    mm_space *s3 = space_in(&b, MM_ARCH_X64);
    ULONG_PTR d3 = 0;
    assert_int_equal(mm_map_image(s3, &d3, 0x10000, "x.dll"), STATUS_SUCCESS);
    assert_int_equal(d3, d1);
    mm_space_destroy(s1);
    mm_space_destroy(s2);
    mm_space_destroy(s3);
    mm_image_bases_destroy(b.bases);
}

static void shared_bases_keep_the_scenario_window_free(void **st)
{
    (void)st;
    boot b;
    boot_up(&b, 0, true);
    char name[32];
    for (int i = 0; i < 40; i++) {
        mm_process_layout l;
        snprintf(name, sizeof name, "p%d.exe", i % 7);
        mm_space *s = process_in(&b, MM_ARCH_X64, name, &l);
        for (int k = 0; k < 5; k++) {
            ULONG_PTR d = 0;
            snprintf(name, sizeof name, "lib%d.dll", (i + k) % 11);
            assert_int_equal(mm_map_image(s, &d, 0x30000, name), STATUS_SUCCESS);
            assert_false(d < 0x400000000ull && d + 0x30000 > 0x100000000ull);
        }
        assert_false(l.image_base < 0x400000000ull && l.image_base + 0x38000 > 0x100000000ull);
        mm_space_destroy(s);
    }
    mm_image_bases_destroy(b.bases);
}

static void without_aslr_a_dll_keeps_its_first_place(void **st)
{
    (void)st;
    boot b;
    boot_up(&b, 0, false);
    mm_space *s1 = space_in(&b, MM_ARCH_X64), *s2 = space_in(&b, MM_ARCH_X64);
    ULONG_PTR pad = 0;
    SIZE_T sz = 0x10000;
    /* s1 differs from s2 at the top: without the registry the DLL would move. */
    assert_int_equal(mm_allocate(s1, &pad, 0, &sz, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE), STATUS_SUCCESS);
    ULONG_PTR d1 = 0, d2 = 0;
    assert_int_equal(mm_map_image(s1, &d1, 0x10000, "y.dll"), STATUS_SUCCESS);
    assert_int_equal(mm_map_image(s2, &d2, 0x10000, "y.dll"), STATUS_SUCCESS);
    assert_int_equal(d1, d2);
    mm_space_destroy(s1);
    mm_space_destroy(s2);
    mm_image_bases_destroy(b.bases);
}

static void a_space_without_a_registry_draws_per_process(void **st)
{
    (void)st;
    mm_space_params p = {.arch = MM_ARCH_X64, .system_is_x64 = true};
    mm_space *s1, *s2;
    assert_int_equal(mm_space_create(&p, &s1), STATUS_SUCCESS);
    assert_int_equal(mm_space_create(&p, &s2), STATUS_SUCCESS);
    rtl_random rng;
    rtl_random_seed(&rng, 1);
    mm_process_layout l1, l2;
    assert_int_equal(mm_initialize_process(s1, "a.exe", 0x38000, true, &rng, &l1), STATUS_SUCCESS);
    assert_int_equal(mm_initialize_process(s2, "a.exe", 0x38000, true, &rng, &l2), STATUS_SUCCESS);
    assert_int_not_equal(l1.ntdll_base, l2.ntdll_base);
    mm_space_destroy(s1);
    mm_space_destroy(s2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ntdll_has_one_base_in_every_process),
        cmocka_unit_test(two_processes_of_one_exe_share_its_base),
        cmocka_unit_test(the_base_depends_on_the_boot_seed),
        cmocka_unit_test(x86_and_x64_images_of_one_name_are_different_files),
        cmocka_unit_test(a_dll_loads_at_one_base_in_every_process),
        cmocka_unit_test(a_taken_range_relocates_the_image_in_that_process_only),
        cmocka_unit_test(shared_bases_keep_the_scenario_window_free),
        cmocka_unit_test(without_aslr_a_dll_keeps_its_first_place),
        cmocka_unit_test(a_space_without_a_registry_draws_per_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
