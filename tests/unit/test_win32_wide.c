/*
 * test_win32_wide.c - the Microsoft C runtime's wide-string functions on
 * 16-bit wchar_t (src/win32/wide.c), called as a program's renamed calls
 * reach them: _wcsicmp's "C"-locale folding, the _s copies' truncation,
 * swprintf's standard form and _snwprintf's legacy one, wcstoul/wcstol on
 * a 32-bit long, _wtoi. (The refusals that end the process are run by
 * tests/drivers/user-memory.scn.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "ntsim/nt.h"

size_t ntsim_wcslen(const WCHAR *s);
int ntsim__wcsicmp(const WCHAR *a, const WCHAR *b);
int ntsim__wcsnicmp(const WCHAR *a, const WCHAR *b, size_t n);
int ntsim_wcscpy_s(WCHAR *d, size_t size, const WCHAR *s);
int ntsim_wcsncpy_s(WCHAR *d, size_t size, const WCHAR *s, size_t count);
int ntsim_wcscat_s(WCHAR *d, size_t size, const WCHAR *s);
int ntsim_swprintf(WCHAR *buffer, size_t count, const WCHAR *format, ...);
int ntsim__snwprintf(WCHAR *buffer, size_t count, const WCHAR *format, ...);
unsigned long ntsim_wcstoul(const WCHAR *s, WCHAR **end, int base);
long ntsim_wcstol(const WCHAR *s, WCHAR **end, int base);
int ntsim__wtoi(const WCHAR *s);

#define assert_wide_equal(a, b) assert_memory_equal((a), (b), (ntsim_wcslen(b) + 1) * sizeof(WCHAR))

static void wcsicmp_folds_ascii_letters_only(void **state)
{
    (void)state;
    assert_int_equal(ntsim__wcsicmp(u"\\Device\\KMelody", u"\\DEVICE\\kmelody"), 0);
    assert_true(ntsim__wcsicmp(u"abc", u"ABD") < 0);
    /* Folding is to lower case: '_' (0x5F) sorts before 'a' though after 'A'. */
    assert_true(ntsim__wcsicmp(u"_", u"A") < 0);
    assert_true(ntsim__wcsicmp(u"\u00C9", u"\u00E9") != 0); /* É and é: not ASCII, not folded */
    assert_true(ntsim__wcsicmp(u"ab", u"a") > 0);
}

static void wcsnicmp_stops_after_n_characters(void **state)
{
    (void)state;
    assert_int_equal(ntsim__wcsnicmp(u"KMelodyX", u"kmelodyY", 7), 0);
    assert_true(ntsim__wcsnicmp(u"KMelodyX", u"kmelodyY", 8) < 0);
    assert_int_equal(ntsim__wcsnicmp(u"a", u"b", 0), 0);
}

static void wcscpy_s_copies_what_fits(void **state)
{
    (void)state;
    WCHAR d[8];
    assert_int_equal(ntsim_wcscpy_s(d, 8, u"1234567"), 0);
    assert_wide_equal(d, u"1234567");
}

static void wcsncpy_s_copies_count_characters_and_terminates(void **state)
{
    (void)state;
    WCHAR d[8];
    assert_int_equal(ntsim_wcsncpy_s(d, 8, u"abcdefgh", 3), 0);
    assert_wide_equal(d, u"abc");
}

static void wcsncpy_s_truncate_keeps_what_fits(void **state)
{
    (void)state;
    WCHAR d[4];
    assert_int_equal(ntsim_wcsncpy_s(d, 4, u"abcdef", (size_t)-1), 80); /* STRUNCATE */
    assert_wide_equal(d, u"abc");
    assert_int_equal(ntsim_wcsncpy_s(d, 4, u"ab", (size_t)-1), 0);
    assert_wide_equal(d, u"ab");
}

static void wcscat_s_appends(void **state)
{
    (void)state;
    WCHAR d[16] = u"\\\\.\\";
    assert_int_equal(ntsim_wcscat_s(d, 16, u"KMelody"), 0);
    assert_wide_equal(d, u"\\\\.\\KMelody");
}

static void swprintf_reads_s_as_a_wide_string(void **state)
{
    (void)state;
    WCHAR d[64];
    assert_int_equal(ntsim_swprintf(d, 64, u"%s:%d:%S:%c", u"wide", -5, "narrow", u'!'), 16);
    assert_wide_equal(d, u"wide:-5:narrow:!");
}

static void swprintf_that_does_not_fit_is_cut_terminated_and_negative(void **state)
{
    (void)state;
    WCHAR d[8];
    assert_int_equal(ntsim_swprintf(d, 5, u"%d", 123456), -1);
    assert_wide_equal(d, u"1234");
    assert_int_equal(ntsim_swprintf(d, 7, u"%d", 123456), 6);
}

static void swprintf_writes_characters_beyond_ascii(void **state)
{
    (void)state;
    WCHAR d[16];
    assert_int_equal(ntsim_swprintf(d, 16, u"%s\u00e9", u"caf"), 4);
    assert_wide_equal(d, u"caf\u00e9");
}

static void snwprintf_of_exactly_count_characters_is_not_terminated(void **state)
{
    (void)state;
    WCHAR d[8];
    for (int i = 0; i < 8; i++)
        d[i] = u'#';
    assert_int_equal(ntsim__snwprintf(d, 4, u"%d", 1234), 4);
    assert_int_equal(d[4], u'#');
    assert_memory_equal(d, u"1234", 4 * sizeof(WCHAR));
    assert_true(ntsim__snwprintf(d, 4, u"%d", 12345) < 0);
    assert_int_equal(d[4], u'#');
    assert_int_equal(ntsim__snwprintf(d, 4, u"%d", 12), 2);
    assert_wide_equal(d, u"12");
}

static void wcstoul_reads_bases_and_prefixes(void **state)
{
    (void)state;
    WCHAR *end;
    assert_int_equal(ntsim_wcstoul(u"  440:200", &end, 10), 440);
    assert_int_equal(*end, u':');
    assert_int_equal(ntsim_wcstoul(u"0x1F", NULL, 0), 0x1F);
    assert_int_equal(ntsim_wcstoul(u"0x1F", NULL, 16), 0x1F);
    assert_int_equal(ntsim_wcstoul(u"017", NULL, 0), 15);
    assert_int_equal(ntsim_wcstoul(u"zz", NULL, 36), 36 * 35 + 35);
    const WCHAR *none = u"  x";
    assert_int_equal(ntsim_wcstoul(none, &end, 10), 0);
    assert_ptr_equal(end, none);
}

static void wcstoul_is_32_bits_as_windows_long(void **state)
{
    (void)state;
    errno = 0;
    assert_int_equal(ntsim_wcstoul(u"4294967295", NULL, 10), 0xFFFFFFFFul);
    assert_int_equal(errno, 0);
    assert_int_equal(ntsim_wcstoul(u"4294967296", NULL, 10), 0xFFFFFFFFul);
    assert_int_equal(errno, ERANGE);
    assert_int_equal(ntsim_wcstoul(u"-1", NULL, 10), 0xFFFFFFFFul); /* negated in 32 bits */
}

static void wcstol_clamps_to_32_bit_limits(void **state)
{
    (void)state;
    assert_int_equal(ntsim_wcstol(u"-2147483648", NULL, 10), -2147483647L - 1);
    errno = 0;
    assert_int_equal(ntsim_wcstol(u"2147483648", NULL, 10), 2147483647L);
    assert_int_equal(errno, ERANGE);
    assert_int_equal(ntsim_wcstol(u"-99999999999", NULL, 10), -2147483647L - 1);
}

static void wtoi_reads_a_signed_decimal(void **state)
{
    (void)state;
    assert_int_equal(ntsim__wtoi(u" -42abc"), -42);
    assert_int_equal(ntsim__wtoi(u"+7"), 7);
    assert_int_equal(ntsim__wtoi(u"abc"), 0);
    assert_int_equal(ntsim__wtoi(u"99999999999"), 2147483647);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wcsicmp_folds_ascii_letters_only),
        cmocka_unit_test(wcsnicmp_stops_after_n_characters),
        cmocka_unit_test(wcscpy_s_copies_what_fits),
        cmocka_unit_test(wcsncpy_s_copies_count_characters_and_terminates),
        cmocka_unit_test(wcsncpy_s_truncate_keeps_what_fits),
        cmocka_unit_test(wcscat_s_appends),
        cmocka_unit_test(swprintf_reads_s_as_a_wide_string),
        cmocka_unit_test(swprintf_that_does_not_fit_is_cut_terminated_and_negative),
        cmocka_unit_test(swprintf_writes_characters_beyond_ascii),
        cmocka_unit_test(snwprintf_of_exactly_count_characters_is_not_terminated),
        cmocka_unit_test(wcstoul_reads_bases_and_prefixes),
        cmocka_unit_test(wcstoul_is_32_bits_as_windows_long),
        cmocka_unit_test(wcstol_clamps_to_32_bit_limits),
        cmocka_unit_test(wtoi_reads_a_signed_decimal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
