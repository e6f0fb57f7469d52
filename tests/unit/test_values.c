/*
 * test_values.c - the scenario language's values: numbers with binary
 * suffixes, durations, switches and names (sim/values.c); flag words and
 * status names both ways (src/rtl/); and the contract's value formats as a
 * record prints them (sim/record.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ntsim/names.h"
#include "record.h"
#include "values.h"

/* ---- helpers -------------------------------------------------------------- */

static bool number(const char *s, uint64_t *v)
{
    return sim_parse_number(s, strlen(s), v);
}

static uint64_t number_ok(const char *s)
{
    uint64_t v = 0xDEAD;
    if (!number(s, &v))
        fail_msg("'%s' did not parse as a number", s);
    return v;
}

static bool duration(const char *s, uint64_t *v)
{
    return sim_parse_duration(s, strlen(s), v);
}

static uint64_t duration_ok(const char *s)
{
    uint64_t v = 0xDEAD;
    if (!duration(s, &v))
        fail_msg("'%s' did not parse as a duration", s);
    return v;
}

static const char *format(ntsim_flag_kind kind, uint32_t value)
{
    static char buf[512];
    size_t n = ntsim_flags_format(kind, value, buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    return buf;
}

static uint32_t parse_ok(ntsim_flag_kind kind, const char *s)
{
    uint32_t v = 0xDEAD;
    size_t bad = 999;
    if (!ntsim_flags_parse(kind, s, strlen(s), &v, &bad))
        fail_msg("'%s' did not parse as flags (bad at %zu)", s, bad);
    return v;
}

/* The offset of the part that failed, or fails the test if s parses. */
static size_t parse_bad(ntsim_flag_kind kind, const char *s)
{
    uint32_t v;
    size_t bad = 999;
    if (ntsim_flags_parse(kind, s, strlen(s), &v, &bad))
        fail_msg("'%s' parsed as flags", s);
    return bad;
}

static const char *format_field(const sim_field *f)
{
    static char buf[256];
    sim_format_value(f, buf, sizeof buf);
    return buf;
}

/* ---- numbers ---------------------------------------------------------------- */

static void decimal_and_hex_numbers_parse(void **state)
{
    (void)state;
    assert_int_equal(number_ok("0"), 0);
    assert_int_equal(number_ok("42"), 42);
    assert_int_equal(number_ok("0x10"), 16);
    assert_int_equal(number_ok("0X1f"), 31);
    assert_int_equal(number_ok("0xABCdef"), 0xABCDEF);
    assert_int_equal(number_ok("007"), 7);
}

static void binary_suffixes_multiply_by_powers_of_1024(void **state)
{
    (void)state;
    assert_int_equal(number_ok("64K"), 0x10000);
    assert_int_equal(number_ok("1M"), 0x100000);
    assert_int_equal(number_ok("2G"), 0x80000000ull);
    assert_int_equal(number_ok("1T"), 0x10000000000ull);
    assert_int_equal(number_ok("0x10K"), 0x4000);
    assert_int_equal(number_ok("0K"), 0);
}

static void lowercase_suffixes_are_the_uppercase_ones(void **state)
{
    (void)state;
    const char *upper[] = { "64K", "1M", "2G", "1T", "0x10K", "0K", "16777215T" };
    const char *lower[] = { "64k", "1m", "2g", "1t", "0x10k", "0k", "16777215t" };
    for (size_t i = 0; i < sizeof upper / sizeof upper[0]; i++)
        assert_true(number_ok(lower[i]) == number_ok(upper[i]));
    uint64_t v;
    assert_false(number("16777216t", &v)); /* 2^64, as 16777216T */
}

static void durations_keep_uppercase_suffixes_only(void **state)
{
    (void)state;
    uint64_t v;
    assert_int_equal(duration_ok("64K"), 65536);
    assert_false(duration("64k", &v));
    assert_false(duration("10m", &v)); /* not ten minutes, nor 10 Mi ticks */
    assert_false(duration("1g", &v));
}

static void largest_numbers_parse_and_one_more_overflows(void **state)
{
    (void)state;
    uint64_t v;
    assert_true(number_ok("18446744073709551615") == UINT64_MAX);
    assert_true(number_ok("0xffffffffffffffff") == UINT64_MAX);
    assert_false(number("18446744073709551616", &v));
    assert_false(number("0x10000000000000000", &v));
    assert_true(number_ok("16777215T") == 16777215ull << 40);
    assert_false(number("16777216T", &v)); /* 2^64 */
    assert_false(number("17179869184G", &v));
}

static void malformed_numbers_are_refused(void **state)
{
    (void)state;
    const char *bad[] = { "", "K", "0x", "0xK", "12x", "-1", "+1", "1kb", "1KB", "1 ", " 1", "0xg", "1.5", "1e3",
                          "0b101" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t v;
        if (number(bad[i], &v))
            fail_msg("'%s' parsed as %llu", bad[i], (unsigned long long)v);
    }
}

static void number_stops_at_the_given_length(void **state)
{
    (void)state;
    uint64_t v;
    assert_true(sim_parse_number("64Kjunk", 3, &v));
    assert_int_equal(v, 0x10000);
}

/* ---- durations, switches, names ------------------------------------------------ */

static void durations_convert_to_100ns_ticks(void **state)
{
    (void)state;
    assert_int_equal(duration_ok("10ms"), 100000);
    assert_int_equal(duration_ok("2s"), 20000000);
    assert_int_equal(duration_ok("100us"), 1000);
    assert_int_equal(duration_ok("1us"), 10);
    assert_int_equal(duration_ok("0s"), 0);
}

static void plain_duration_is_a_number_of_ticks(void **state)
{
    (void)state;
    assert_int_equal(duration_ok("5"), 5);
    assert_int_equal(duration_ok("0x10"), 16);
    assert_int_equal(duration_ok("64K"), 65536);
}

static void malformed_durations_are_refused(void **state)
{
    (void)state;
    const char *bad[] = { "", "s", "ms", "us", "1.5s", "10 ms", "10m", "10h", "-1s", "0x10ms", "ten", "1S" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t v;
        if (duration(bad[i], &v))
            fail_msg("'%s' parsed as %llu ticks", bad[i], (unsigned long long)v);
    }
}

static void duration_overflow_is_refused(void **state)
{
    (void)state;
    uint64_t v;
    /* UINT64_MAX ticks is 1844674407370.955 s. */
    assert_int_equal(duration_ok("1844674407370s"), 18446744073700000000ull);
    assert_false(duration("1844674407371s", &v));
    assert_false(duration("18446744073709552ms", &v));
}

static void switches_are_on_or_off(void **state)
{
    (void)state;
    bool b = false;
    assert_true(sim_parse_switch("on", 2, &b));
    assert_true(b);
    assert_true(sim_parse_switch("off", 3, &b));
    assert_false(b);
    assert_false(sim_parse_switch("yes", 3, &b));
    assert_false(sim_parse_switch("ON", 2, &b));
    assert_false(sim_parse_switch("1", 1, &b));
    assert_false(sim_parse_switch("", 0, &b));
}

static void names_follow_the_identifier_rule(void **state)
{
    (void)state;
    const char *good[] = { "p", "_x", "calc", "p.main", "a-b_c.d9", "System" };
    const char *bad[] = { "", "9p", ".p", "-p", "a b", "a=b", "p#", "é" };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(sim_valid_name(good[i], strlen(good[i])));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (sim_valid_name(bad[i], strlen(bad[i])))
            fail_msg("'%s' taken as a name", bad[i]);
}

/* ---- flags: printing -------------------------------------------------------------- */

static void flags_print_set_bits_in_ascending_order(void **state)
{
    (void)state;
    assert_string_equal(format(NTSIM_FLAGS_MEM, MEM_RESERVE | MEM_COMMIT), "MEM_COMMIT|MEM_RESERVE");
    assert_string_equal(format(NTSIM_FLAGS_PAGE, PAGE_GUARD | PAGE_READWRITE), "PAGE_READWRITE|PAGE_GUARD");
    assert_string_equal(format(NTSIM_FLAGS_MEM, MEM_PRIVATE), "MEM_PRIVATE");
    assert_string_equal(format(NTSIM_FLAGS_PROCESS_ACCESS, SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION),
                        "PROCESS_QUERY_LIMITED_INFORMATION|SYNCHRONIZE");
    assert_string_equal(format(NTSIM_FLAGS_THREAD_ACCESS, THREAD_TERMINATE | READ_CONTROL),
                        "THREAD_TERMINATE|READ_CONTROL");
}

static void zero_prints_as_0(void **state)
{
    (void)state;
    assert_string_equal(format(NTSIM_FLAGS_MEM, 0), "0");
    assert_string_equal(format(NTSIM_FLAGS_PAGE, 0), "0");
    assert_string_equal(format(NTSIM_FLAGS_PROCESS_ACCESS, 0), "0");
}

static void unnamed_bits_follow_as_one_hex_number(void **state)
{
    (void)state;
    assert_string_equal(format(NTSIM_FLAGS_PAGE, PAGE_READWRITE | 0x800), "PAGE_READWRITE|0x800");
    assert_string_equal(format(NTSIM_FLAGS_PAGE, PAGE_READWRITE | 0x1800), "PAGE_READWRITE|0x1800");
    assert_string_equal(format(NTSIM_FLAGS_PAGE, 0x80000000u | PAGE_NOACCESS), "PAGE_NOACCESS|0x80000000");
    assert_string_equal(format(NTSIM_FLAGS_PAGE, 0x800), "0x800");
    assert_string_equal(format(NTSIM_FLAGS_MEM, 0x4), "0x4");
}

static void names_of_another_kind_print_as_unnamed_bits(void **state)
{
    (void)state;
    /* 0x1000 is MEM_COMMIT, but no PAGE_ name. */
    assert_string_equal(format(NTSIM_FLAGS_PAGE, 0x1000 | PAGE_READONLY), "PAGE_READONLY|0x1000");
    /* 0x2000 is PROCESS_SET_LIMITED_INFORMATION, no THREAD_ name. */
    assert_string_equal(format(NTSIM_FLAGS_THREAD_ACCESS, 0x2000), "0x2000");
    assert_string_equal(format(NTSIM_FLAGS_PROCESS_ACCESS, THREAD_RESUME), "PROCESS_QUERY_LIMITED_INFORMATION");
}

static void all_access_prints_as_one_name(void **state)
{
    (void)state;
    assert_string_equal(format(NTSIM_FLAGS_PROCESS_ACCESS, PROCESS_ALL_ACCESS), "PROCESS_ALL_ACCESS");
    assert_string_equal(format(NTSIM_FLAGS_THREAD_ACCESS, THREAD_ALL_ACCESS), "THREAD_ALL_ACCESS");
    /* Anything less is spelled out bit by bit. */
    const char *less = format(NTSIM_FLAGS_PROCESS_ACCESS, PROCESS_ALL_ACCESS & ~PROCESS_TERMINATE);
    assert_null(strstr(less, "ALL_ACCESS"));
    assert_non_null(strstr(less, "PROCESS_CREATE_THREAD|"));
    assert_non_null(strstr(less, "|SYNCHRONIZE"));
    assert_null(strstr(less, "PROCESS_TERMINATE"));
}

static void shared_bit_prints_its_first_name(void **state)
{
    (void)state;
    /* MEM_IMAGE and MEM_RESET_UNDO are one bit. */
    assert_string_equal(format(NTSIM_FLAGS_MEM, MEM_IMAGE), "MEM_IMAGE");
}

static void format_reports_the_length_it_needs_and_truncates(void **state)
{
    (void)state;
    char small[8];
    size_t n = ntsim_flags_format(NTSIM_FLAGS_MEM, MEM_COMMIT | MEM_RESERVE, small, sizeof small);
    assert_int_equal(n, strlen("MEM_COMMIT|MEM_RESERVE"));
    assert_string_equal(small, "MEM_COM");
    assert_int_equal(ntsim_flags_format(NTSIM_FLAGS_MEM, MEM_COMMIT, NULL, 0), strlen("MEM_COMMIT"));
}

/* names.h promises 512 bytes always suffice for ntsim_flags_format: the
 * longest word, every bit spelled out as process access, takes 449. */
static void any_flag_word_fits_the_512_bytes_names_h_promises(void **state)
{
    (void)state;
    char buf[512];
    assert_true(ntsim_flags_format(NTSIM_FLAGS_PROCESS_ACCESS, PROCESS_ALL_ACCESS & ~PROCESS_TERMINATE, buf,
                                   sizeof buf) < sizeof buf);
    assert_true(ntsim_flags_format(NTSIM_FLAGS_PROCESS_ACCESS, 0xFFFFFFFFu, buf, sizeof buf) < sizeof buf);
}

/* ---- flags: parsing ---------------------------------------------------------------- */

static void flag_names_parse_in_any_order(void **state)
{
    (void)state;
    assert_int_equal(parse_ok(NTSIM_FLAGS_MEM, "MEM_RESERVE|MEM_COMMIT"), MEM_RESERVE | MEM_COMMIT);
    assert_int_equal(parse_ok(NTSIM_FLAGS_MEM, "MEM_COMMIT|MEM_RESERVE"), MEM_RESERVE | MEM_COMMIT);
    assert_int_equal(parse_ok(NTSIM_FLAGS_PAGE, "PAGE_READWRITE|PAGE_GUARD"), 0x104);
    assert_int_equal(parse_ok(NTSIM_FLAGS_MEM, "MEM_RESET_UNDO"), MEM_IMAGE);
}

static void numbers_mix_with_flag_names(void **state)
{
    (void)state;
    assert_int_equal(parse_ok(NTSIM_FLAGS_PAGE, "4"), PAGE_READWRITE);
    assert_int_equal(parse_ok(NTSIM_FLAGS_MEM, "0x1000|MEM_RESERVE"), 0x3000);
    assert_int_equal(parse_ok(NTSIM_FLAGS_PAGE, "0"), 0);
    assert_int_equal(parse_ok(NTSIM_FLAGS_PAGE, "0xffffffff"), 0xFFFFFFFFu);
}

static void printed_flags_parse_back_to_the_same_value(void **state)
{
    (void)state;
    struct { ntsim_flag_kind kind; uint32_t value; } c[] = {
        { NTSIM_FLAGS_MEM, MEM_COMMIT | MEM_RESERVE | MEM_TOP_DOWN },
        { NTSIM_FLAGS_PAGE, PAGE_EXECUTE_READ | PAGE_GUARD | 0x800 },
        { NTSIM_FLAGS_PROCESS_ACCESS, PROCESS_ALL_ACCESS },
        { NTSIM_FLAGS_PROCESS_ACCESS, PROCESS_VM_READ | PROCESS_QUERY_INFORMATION | READ_CONTROL },
        { NTSIM_FLAGS_THREAD_ACCESS, THREAD_ALL_ACCESS },
        { NTSIM_FLAGS_THREAD_ACCESS, SYNCHRONIZE | 0x4000 },
        { NTSIM_FLAGS_MEM, 0 },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        const char *text = format(c[i].kind, c[i].value);
        assert_int_equal(parse_ok(c[i].kind, text), c[i].value);
    }
}

static void access_kind_parses_any_access_right_and_composites(void **state)
{
    (void)state;
    assert_int_equal(parse_ok(NTSIM_FLAGS_ACCESS, "PROCESS_TERMINATE|THREAD_SUSPEND_RESUME"), 0x3);
    assert_int_equal(parse_ok(NTSIM_FLAGS_ACCESS, "GENERIC_READ|SYNCHRONIZE"), GENERIC_READ | SYNCHRONIZE);
    assert_int_equal(parse_ok(NTSIM_FLAGS_ACCESS, "PROCESS_ALL_ACCESS"), PROCESS_ALL_ACCESS);
    assert_int_equal(parse_ok(NTSIM_FLAGS_ACCESS, "MAXIMUM_ALLOWED"), MAXIMUM_ALLOWED);
    assert_int_equal(parse_ok(NTSIM_FLAGS_PROCESS_ACCESS, "PROCESS_ALL_ACCESS"), PROCESS_ALL_ACCESS);
}

static void unknown_flag_name_reports_the_offset_of_its_part(void **state)
{
    (void)state;
    assert_int_equal(parse_bad(NTSIM_FLAGS_MEM, "BOGUS"), 0);
    assert_int_equal(parse_bad(NTSIM_FLAGS_MEM, "MEM_COMMIT|BOGUS"), 11);
    assert_int_equal(parse_bad(NTSIM_FLAGS_PAGE, "PAGE_READONLY|PAGE_GUARD|PAGE_BOGUS"), 25);
    assert_int_equal(parse_bad(NTSIM_FLAGS_MEM, "mem_commit"), 0); /* names are case-sensitive */
}

static void a_name_of_another_kind_is_unknown(void **state)
{
    (void)state;
    assert_int_equal(parse_bad(NTSIM_FLAGS_MEM, "PAGE_READWRITE"), 0);
    assert_int_equal(parse_bad(NTSIM_FLAGS_PAGE, "PAGE_READWRITE|MEM_COMMIT"), 15);
    assert_int_equal(parse_bad(NTSIM_FLAGS_PROCESS_ACCESS, "THREAD_ALL_ACCESS"), 0);
    assert_int_equal(parse_bad(NTSIM_FLAGS_ACCESS, "MEM_COMMIT"), 0);
}

static void empty_parts_and_bad_numbers_are_refused(void **state)
{
    (void)state;
    assert_int_equal(parse_bad(NTSIM_FLAGS_MEM, ""), 0);
    assert_int_equal(parse_bad(NTSIM_FLAGS_MEM, "|MEM_COMMIT"), 0);
    assert_int_equal(parse_bad(NTSIM_FLAGS_MEM, "MEM_COMMIT|"), 11);
    assert_int_equal(parse_bad(NTSIM_FLAGS_MEM, "MEM_COMMIT||MEM_RESERVE"), 11);
    assert_int_equal(parse_bad(NTSIM_FLAGS_PAGE, "0x100000000"), 0); /* wider than a flag word */
    assert_int_equal(parse_bad(NTSIM_FLAGS_PAGE, "PAGE_READONLY|0x"), 14);
}

/* ---- status names -------------------------------------------------------------------- */

static void status_names_round_trip(void **state)
{
    (void)state;
    NTSTATUS c[] = { STATUS_SUCCESS, STATUS_PENDING, STATUS_GUARD_PAGE_VIOLATION, STATUS_ACCESS_VIOLATION,
                     STATUS_INVALID_HANDLE, STATUS_INVALID_CID, STATUS_CONFLICTING_ADDRESSES,
                     STATUS_ACCESS_DENIED, STATUS_OBJECT_TYPE_MISMATCH, STATUS_INVALID_IMAGE_FORMAT,
                     STATUS_PROCESS_IS_TERMINATING, STATUS_THREAD_IS_TERMINATING, STATUS_STACK_OVERFLOW,
                     STATUS_ALREADY_REGISTERED };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        const char *name = ntsim_status_name(c[i]);
        NTSTATUS back;
        assert_non_null(name);
        assert_true(ntsim_status_from_name(name, strlen(name), &back));
        assert_int_equal(back, c[i]);
    }
}

static void status_names_are_the_sdk_names(void **state)
{
    (void)state;
    NTSTATUS s;
    assert_string_equal(ntsim_status_name(0), "STATUS_SUCCESS");
    assert_string_equal(ntsim_status_name((NTSTATUS)0xC0000022), "STATUS_ACCESS_DENIED");
    assert_string_equal(ntsim_status_name((NTSTATUS)0xC0000018), "STATUS_CONFLICTING_ADDRESSES");
    assert_true(ntsim_status_from_name("STATUS_INVALID_HANDLE", 21, &s));
    assert_int_equal((uint32_t)s, 0xC0000008u);
}

static void alias_parses_but_prints_the_first_name(void **state)
{
    (void)state;
    NTSTATUS s = -1;
    assert_true(ntsim_status_from_name("STATUS_WAIT_0", 13, &s));
    assert_int_equal(s, 0);
    assert_string_equal(ntsim_status_name(s), "STATUS_SUCCESS");
}

static void unknown_status_has_no_name(void **state)
{
    (void)state;
    NTSTATUS s;
    assert_null(ntsim_status_name((NTSTATUS)0xC0001234));
    assert_false(ntsim_status_from_name("STATUS_BOGUS", 12, &s));
    assert_false(ntsim_status_from_name("STATUS_SUCC", 11, &s));
    assert_false(ntsim_status_from_name("status_success", 14, &s));
    assert_false(ntsim_status_from_name("", 0, &s));
}

static void status_name_compares_only_the_given_length(void **state)
{
    (void)state;
    NTSTATUS s = -1;
    assert_true(ntsim_status_from_name("STATUS_SUCCESS trailing", 14, &s));
    assert_int_equal(s, 0);
    assert_false(ntsim_status_from_name("STATUS_SUCCESSFUL", 17, &s));
}

/* ---- value formats of records ------------------------------------------------------ */

static void record_status_without_a_name_prints_as_8_hex_digits(void **state)
{
    (void)state;
    sim_field f = { .key = "status", .type = SIM_STATUS, .v.i = (NTSTATUS)0xC0001234 };
    assert_string_equal(format_field(&f), "0xc0001234");
    f.v.i = 0x17;
    assert_string_equal(format_field(&f), "0x00000017");
    f.v.i = STATUS_CONFLICTING_ADDRESSES;
    assert_string_equal(format_field(&f), "STATUS_CONFLICTING_ADDRESSES");
}

static void record_addresses_print_as_lowercase_hex(void **state)
{
    (void)state;
    sim_field f = { .key = "base", .type = SIM_HEX, .v.u = 0x200010000ull };
    assert_string_equal(format_field(&f), "0x200010000");
    f.v.u = 0xABCDEF;
    assert_string_equal(format_field(&f), "0xabcdef");
    f.v.u = 0;
    assert_string_equal(format_field(&f), "0x0");
}

static void record_code_prints_zero_as_0_and_others_as_hex(void **state)
{
    (void)state;
    sim_field f = { .key = "type", .type = SIM_CODE, .v.u = 0 };
    assert_string_equal(format_field(&f), "0");
    f.v.u = 7;
    assert_string_equal(format_field(&f), "0x7");
}

static void record_flags_print_through_the_flag_table(void **state)
{
    (void)state;
    sim_record r = { 0 };
    sim_put_flags(&r, "protect", NTSIM_FLAGS_PAGE, PAGE_READWRITE | PAGE_GUARD);
    sim_put_int(&r, "pid", -12);
    assert_string_equal(format_field(sim_record_get(&r, "protect")), "PAGE_READWRITE|PAGE_GUARD");
    assert_string_equal(format_field(sim_record_get(&r, "pid")), "-12");
    assert_null(sim_record_get(&r, "missing"));
    sim_record_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decimal_and_hex_numbers_parse),
        cmocka_unit_test(binary_suffixes_multiply_by_powers_of_1024),
        cmocka_unit_test(lowercase_suffixes_are_the_uppercase_ones),
        cmocka_unit_test(durations_keep_uppercase_suffixes_only),
        cmocka_unit_test(largest_numbers_parse_and_one_more_overflows),
        cmocka_unit_test(malformed_numbers_are_refused),
        cmocka_unit_test(number_stops_at_the_given_length),
        cmocka_unit_test(durations_convert_to_100ns_ticks),
        cmocka_unit_test(plain_duration_is_a_number_of_ticks),
        cmocka_unit_test(malformed_durations_are_refused),
        cmocka_unit_test(duration_overflow_is_refused),
        cmocka_unit_test(switches_are_on_or_off),
        cmocka_unit_test(names_follow_the_identifier_rule),
        cmocka_unit_test(flags_print_set_bits_in_ascending_order),
        cmocka_unit_test(zero_prints_as_0),
        cmocka_unit_test(unnamed_bits_follow_as_one_hex_number),
        cmocka_unit_test(names_of_another_kind_print_as_unnamed_bits),
        cmocka_unit_test(all_access_prints_as_one_name),
        cmocka_unit_test(shared_bit_prints_its_first_name),
        cmocka_unit_test(format_reports_the_length_it_needs_and_truncates),
        cmocka_unit_test(any_flag_word_fits_the_512_bytes_names_h_promises),
        cmocka_unit_test(flag_names_parse_in_any_order),
        cmocka_unit_test(numbers_mix_with_flag_names),
        cmocka_unit_test(printed_flags_parse_back_to_the_same_value),
        cmocka_unit_test(access_kind_parses_any_access_right_and_composites),
        cmocka_unit_test(unknown_flag_name_reports_the_offset_of_its_part),
        cmocka_unit_test(a_name_of_another_kind_is_unknown),
        cmocka_unit_test(empty_parts_and_bad_numbers_are_refused),
        cmocka_unit_test(status_names_round_trip),
        cmocka_unit_test(status_names_are_the_sdk_names),
        cmocka_unit_test(alias_parses_but_prints_the_first_name),
        cmocka_unit_test(unknown_status_has_no_name),
        cmocka_unit_test(status_name_compares_only_the_given_length),
        cmocka_unit_test(record_status_without_a_name_prints_as_8_hex_digits),
        cmocka_unit_test(record_addresses_print_as_lowercase_hex),
        cmocka_unit_test(record_code_prints_zero_as_0_and_others_as_hex),
        cmocka_unit_test(record_flags_print_through_the_flag_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
