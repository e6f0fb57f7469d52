/* test_rtl_format.c - DbgPrint's formatter: the C conversions byte for byte
   as the C library writes them, and the kernel's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ntsim/nt.h"
#include "rtl/format.h"

/* Formats the same arguments with rtl_format and snprintf and compares. */
#define SAME(...)                                                                   \
    do {                                                                            \
        char want_[256], got_[256];                                                 \
        int w_ = snprintf(want_, sizeof want_, __VA_ARGS__);                        \
        size_t g_ = rtl_format(got_, sizeof got_, __VA_ARGS__);                     \
        assert_string_equal(got_, want_);                                           \
        assert_int_equal(g_, (size_t)w_);                                           \
    } while (0)

static void c_conversions_match_the_c_library(void **state)
{
    (void)state;
    SAME("plain text");
    SAME("%u %d %i", 4000000000u, -17, 0);
    SAME("%5u|%-5u|%05u|%.3u|%5.3u", 42u, 42u, 42u, 42u, 42u);
    SAME("%+d % d %+d % d", 5, 5, -5, -5);
    SAME("%x %X %#x %#X %08X %#010x", 0xbeefu, 0xbeefu, 0xbeefu, 0xbeefu, 0xbeefu, 0xbeefu);
    SAME("%#x %#o %o %.0d|%.0x|", 0u, 8u, 8u, 0, 0u);
    SAME("%lld %llu %llx %#llx %016llx", -9000000000LL, 18446744073709551615ULL,
         0xfffff80140000000ULL, 0x7ff7a4b90000ULL, 0x1234ULL);
    SAME("%zu %hu %hhu %hd %hhd", (size_t)12345, 70000u, 300u, 40000, 200);
    SAME("[%s] [%10s] [%-10s] [%.3s] [%*s] [%-*s] [%.*s]", "abc", "abc", "abc", "abcdef", 6, "ab", 6, "ab", 2,
         "abcdef");
    SAME("%c%c%3c|%-3c|", 'o', 'k', 'x', 'y');
    SAME("%.2f %.0f %e %g %5.1f", 3.14159, 2.5, 12345.678, 0.0001, -2.25);
    SAME("100%% sure %s", "yes");
    SAME("%02u:%02u:%02u.%03u: ", 1u, 2u, 3u, 45u);
    SAME("[%*.*f] [%-*.2e] [%.*g]", 9, 3, 3.14159, 12, 1234.5, 4, 0.000123456);
}

/* Windows is LLP64: a long is 32 bits, so %ld / %lu / %lx take a LONG, ULONG
   or DWORD (a host long is 64 bits: read as one, the argument's upper half
   would be whatever the register held). */
static void l_is_32_bits_as_on_windows(void **state)
{
    (void)state;
    char out[64];
    rtl_format(out, sizeof out, "%ld %lu %lx %lX|%s", (LONG)-5, (ULONG)4000000000u, (ULONG)0xdeadbeefu,
               (ULONG)0x1234u, "next");
    assert_string_equal(out, "-5 4000000000 deadbeef 1234|next");
    rtl_format(out, sizeof out, "%I64d %lld %zu", (LONG64)-5000000000LL, (LONG64)-1, (size_t)1 << 40);
    assert_string_equal(out, "-5000000000 -1 1099511627776");
}

static void precision_bounds_what_is_read(void **state)
{
    (void)state;
    char out[64];
    const char four[4] = { 'a', 'b', 'c', 'd' }; /* no NUL: the precision says where to stop */
    rtl_format(out, sizeof out, "[%.4s]", four);
    assert_string_equal(out, "[abcd]");
    const WCHAR wide4[2] = { u'x', u'y' };
    rtl_format(out, sizeof out, "[%.2ws]", wide4);
    assert_string_equal(out, "[xy]");
    /* A huge width is capped, and every one of its digits is consumed: the
       arguments after it stay in step. */
    size_t n = rtl_format(out, sizeof out, "%123456789d|%s", 5, "tail");
    assert_int_equal(n, 100000 + 5);
    char *big = malloc(n + 1);
    assert_non_null(big);
    rtl_format(big, n + 1, "%123456789d|%s", 5, "tail");
    assert_string_equal(big + n - 6, "5|tail");
    free(big);
}

static void kernel_conversions(void **state)
{
    (void)state;
    char out[128];
    WCHAR path[] = u"\\Device\\HarddiskVolume3\\caf\u00e9.exe";
    UNICODE_STRING u = { .Length = (USHORT)(sizeof path - sizeof(WCHAR)), .MaximumLength = sizeof path,
                         .Buffer = path };
    rtl_format(out, sizeof out, "image %wZ!", &u);
    assert_string_equal(out, "image \\Device\\HarddiskVolume3\\caf\xc3\xa9.exe!");
    /* A counted string need not end in NUL: Length decides. */
    u.Length = 7 * sizeof(WCHAR);
    rtl_format(out, sizeof out, "[%wZ]", &u);
    assert_string_equal(out, "[\\Device]");
    rtl_format(out, sizeof out, "[%ws|%ls|%S|%wc%C]", u"ab", u"cd", u"ef", (int)u'g', (int)u'h');
    assert_string_equal(out, "[ab|cd|ef|gh]");
    /* A surrogate pair is one code point; a lone surrogate is U+FFFD. */
    WCHAR odd[] = { 0xD83D, 0xDE00, 0xD800, u'x', 0 };
    rtl_format(out, sizeof out, "%ws", odd);
    assert_string_equal(out, "\xf0\x9f\x98\x80\xef\xbf\xbdx");
    rtl_format(out, sizeof out, "%s %ws %wZ", (char *)NULL, (WCHAR *)NULL, (UNICODE_STRING *)NULL);
    assert_string_equal(out, "(null) (null) (null)");
    /* %p as Windows prints it: the pointer's digits, zero-padded, upper case. */
    rtl_format(out, sizeof out, "%p", (void *)(uintptr_t)0xabc);
    assert_string_equal(out, sizeof(void *) == 8 ? "0000000000000ABC" : "00000ABC");
    /* MSVC's I64 length. */
    rtl_format(out, sizeof out, "%I64u %I64X", 18446744073709551615ULL, 0xfffff80140000000ULL);
    assert_string_equal(out, "18446744073709551615 FFFFF80140000000");
}

static void truncates_and_reports_the_whole_length(void **state)
{
    (void)state;
    char out[8];
    memset(out, 'z', sizeof out);
    size_t n = rtl_format(out, sizeof out, "%s-%u", "abcdef", 12345u);
    assert_int_equal(n, 12);
    assert_string_equal(out, "abcdef-");
    assert_int_equal(rtl_format(NULL, 0, "%d", 123), 3);
    /* An unknown conversion and a trailing '%' are kept as written. */
    char big[32];
    rtl_format(big, sizeof big, "a %q b %", 1);
    assert_string_equal(big, "a %q b %");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(c_conversions_match_the_c_library),
        cmocka_unit_test(l_is_32_bits_as_on_windows),
        cmocka_unit_test(precision_bounds_what_is_read),
        cmocka_unit_test(kernel_conversions),
        cmocka_unit_test(truncates_and_reports_the_whole_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
