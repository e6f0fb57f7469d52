/*
 * test_writer.c - the JSON Lines writer's fast paths (sim/jsonl.c) against
 * plain reference renderings: keys of every length (the SIM_KEY padding the
 * fixed-size key move relies on), strings escaped at every position around
 * the eight-byte steps, numbers at every digit-count boundary.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ntsim/system.h"
#include "record.h"
#include "writer.h"

/* ---- helpers -------------------------------------------------------------- */

/* r written as one JSON Lines result of line 1, command "t", without its newline (the caller frees it). */
static char *jsonl_of(const sim_record *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    sim_writer w = { .format = SIM_FORMAT_JSONL, .out = out };
    sim_write_result(&w, 1, "t", r);
    sim_writer_free(&w);
    fclose(out);
    assert_true(len > 0 && text[len - 1] == '\n');
    text[len - 1] = '\0';
    return text;
}

/* What r's one field should read as, after the record's head. */
static void assert_jsonl_field(const sim_record *r, const char *field)
{
    char want[1024];
    snprintf(want, sizeof want, "{\"kind\":\"result\",\"line\":1,\"cmd\":\"t\",%s}", field);
    char *got = jsonl_of(r);
    assert_string_equal(got, want);
    free(got);
}

/* JSON's escaping, byte by byte: the reference the eight-byte path must match. */
static void reference_escape(const char *s, size_t n, char *out)
{
    size_t o = 0;
    out[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c == '\n') {
            o += (size_t)sprintf(out + o, "\\n");
        } else if (c == '\r') {
            o += (size_t)sprintf(out + o, "\\r");
        } else if (c == '\t') {
            o += (size_t)sprintf(out + o, "\\t");
        } else if (c < 0x20) {
            o += (size_t)sprintf(out + o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

/* ---- keys ----------------------------------------------------------------- */

/* Every literal length up to one past the fixed move, the empty key included. */
#define KEYS(X)                                                                                                    \
    X("") X("a") X("ab") X("abc") X("abcd") X("abcde") X("abcdef") X("abcdefg") X("abcdefgh") X("abcdefghi")         \
    X("abcdefghij") X("abcdefghijk") X("abcdefghijkl") X("abcdefghijklm") X("abcdefghijklmn") X("abcdefghijklmno")   \
    X("abcdefghijklmnop") X("abcdefghijklmnopq")

static void sim_key_pads_every_key_to_the_readable_length(void **state)
{
    (void)state;
    sim_record r = { 0 };
#define PUT(k) sim_put_int(&r, k, 1);
    KEYS(PUT)
#undef PUT
    assert_int_equal(r.count, 18);
    for (uint32_t i = 0; i < r.count; i++) {
        const sim_field *f = &r.fields[i];
        assert_int_equal(f->key_len, i);
        assert_int_equal(strlen(f->key), i);
        /* The bytes the writer moves at once: the key, then NULs (read in full: ASan checks them). */
        char bytes[SIM_KEY_READABLE] = { 0 };
        memcpy(bytes, f->key, i < SIM_KEY_READABLE ? i : SIM_KEY_READABLE);
        assert_memory_equal(f->key, bytes, SIM_KEY_READABLE);
    }
    sim_record_free(&r);
}

static void jsonl_writes_keys_of_every_length_whole(void **state)
{
    (void)state;
#define ONE(k)                                                                                                     \
    {                                                                                                              \
        sim_record r = { 0 };                                                                                      \
        sim_put_int(&r, k, 7);                                                                                     \
        sim_put_hex(&r, k, 0x10);                                                                                  \
        assert_jsonl_field(&r, "\"" k "\":7,\"" k "\":\"0x10\"");                                                  \
        sim_record_free(&r);                                                                                       \
    }
    KEYS(ONE)
#undef ONE
}

/* A key put without its length (key_len 0) is measured and copied to its
   end alone: it has no padding to read past it. */
static void jsonl_copies_an_unpadded_key_by_its_length(void **state)
{
    (void)state;
    char *key = malloc(2);
    assert_non_null(key);
    memcpy(key, "k", 2); /* a heap block of exactly its bytes: a longer read is an ASan error */
    sim_record r = { 0 };
    sim_put_int_n(&r, key, 0, 5);
    assert_jsonl_field(&r, "\"k\":5");
    sim_record_free(&r);
    free(key);
}

/* ---- strings ---------------------------------------------------------------- */

static void jsonl_escapes_a_string_at_every_position(void **state)
{
    (void)state;
    static const char specials[] = { '"', '\\', '\n', '\r', '\t', 0x01, 0x1f, 0x7f, (char)0xc3, ' ' };
    for (size_t len = 1; len <= 24; len++) {
        for (size_t at = 0; at < len; at++) {
            for (size_t k = 0; k < sizeof specials; k++) {
                char s[32], esc[200], field[220];
                memset(s, 'x', len);
                s[len] = '\0';
                s[at] = specials[k];
                reference_escape(s, len, esc);
                snprintf(field, sizeof field, "\"s\":%s", esc);
                sim_record r = { 0 };
                sim_put_str(&r, "s", s);
                assert_jsonl_field(&r, field);
                sim_record_free(&r);
            }
        }
    }
}

static void jsonl_writes_the_empty_string(void **state)
{
    (void)state;
    sim_record r = { 0 };
    sim_put_str(&r, "s", "");
    assert_jsonl_field(&r, "\"s\":\"\"");
    sim_record_free(&r);
}

/* ---- numbers ------------------------------------------------------------------ */

static void jsonl_numbers_read_as_printf_writes_them(void **state)
{
    (void)state;
    int64_t values[64];
    size_t n = 0;
    values[n++] = 0;
    values[n++] = INT64_MAX;
    values[n++] = INT64_MIN;
    values[n++] = UINT32_MAX;
    values[n++] = (int64_t)UINT32_MAX + 1;
    for (int64_t p = 10;; p *= 10) { /* 10 .. 10^18, every digit count */
        values[n++] = p - 1;
        values[n++] = p;
        values[n++] = -p;
        if (p > INT64_MAX / 10)
            break;
    }
    for (size_t i = 0; i < n; i++) {
        char field[128];
        sim_record r = { 0 };
        sim_put_int(&r, "n", values[i]);
        sim_put_hex(&r, "h", (uint64_t)values[i]);
        snprintf(field, sizeof field, "\"n\":%" PRId64 ",\"h\":\"0x%" PRIx64 "\"", values[i], (uint64_t)values[i]);
        assert_jsonl_field(&r, field);
        sim_record_free(&r);
    }
}

/* A command's records share their line and events their time: kept
   formatted, and formatted again when they change. */
static void jsonl_line_and_time_follow_their_values(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    sim_writer w = { .format = SIM_FORMAT_JSONL, .out = out };
    sim_record r = { 0 };
    sim_write_event(&w, 9, "e", 100, &r);
    sim_write_event(&w, 9, "e", 100, &r);
    sim_write_event(&w, 10, "e", 7, &r);
    sim_write_result(&w, 10, "t", &r);
    sim_write_result(&w, 0, "t", &r);
    sim_writer_free(&w);
    fclose(out);
    assert_string_equal(text, "{\"kind\":\"event\",\"line\":9,\"event\":\"e\",\"time\":100}\n"
                              "{\"kind\":\"event\",\"line\":9,\"event\":\"e\",\"time\":100}\n"
                              "{\"kind\":\"event\",\"line\":10,\"event\":\"e\",\"time\":7}\n"
                              "{\"kind\":\"result\",\"line\":10,\"cmd\":\"t\"}\n"
                              "{\"kind\":\"result\",\"line\":0,\"cmd\":\"t\"}\n");
    free(text);
    sim_record_free(&r);
}

/* Beside every reading of the clock, its seconds since boot as a JSON
   number, exact and as short as it can be. */
static void jsonl_clock_has_its_seconds_since_boot(void **state)
{
    (void)state;
    static const struct {
        uint64_t ticks;
        const char *t;
    } cases[] = {
        { 0, "0" },           { 15000000, "1.5" },          { 156250, "0.015625" },
        { 1, "0.0000001" },   { 36000000000, "3600" },      { 10000001, "1.0000001" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_record r = { 0 };
        char want[128];
        sim_put_int(&r, "time", (int64_t)(NTSIM_BOOT_TIME + cases[i].ticks));
        snprintf(want, sizeof want, "\"time\":%" PRIu64 ",\"t\":%s", (uint64_t)(NTSIM_BOOT_TIME + cases[i].ticks), cases[i].t);
        assert_jsonl_field(&r, want);
        sim_record_free(&r);
    }
    /* A number called time before boot is no reading of the clock. */
    sim_record r = { 0 };
    sim_put_int(&r, "time", 5);
    assert_jsonl_field(&r, "\"time\":5");
    sim_record_free(&r);
}

/* A run of several files: every kind of record names its file after its kind. */
static void jsonl_records_name_their_scenario(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    sim_writer w = { .format = SIM_FORMAT_JSONL, .out = out, .scenario = "a \"b\".scn" };
    sim_record r = { 0 };
    sim_write_event(&w, 2, "e", NTSIM_BOOT_TIME, &r);
    sim_write_result(&w, 2, "t", &r);
    sim_write_expect(&w, 3, "m", "1", "2");
    sim_write_error(&w, 4, 1, "bad");
    sim_writer_free(&w);
    fclose(out);
    assert_string_equal(text, "{\"kind\":\"event\",\"scenario\":\"a \\\"b\\\".scn\",\"line\":2,\"event\":\"e\",\"time\":134116992000000000,\"t\":0}\n"
                              "{\"kind\":\"result\",\"scenario\":\"a \\\"b\\\".scn\",\"line\":2,\"cmd\":\"t\"}\n"
                              "{\"kind\":\"expect\",\"scenario\":\"a \\\"b\\\".scn\",\"line\":3,\"message\":\"m\",\"want\":\"1\",\"got\":\"2\"}\n"
                              "{\"kind\":\"error\",\"scenario\":\"a \\\"b\\\".scn\",\"line\":4,\"col\":1,\"message\":\"bad\"}\n");
    free(text);
    sim_record_free(&r);
}

/* Bytes are lowercase hex pairs, none an empty string; a string put after them
   moves the arena they live in, and they move with it. */
static void jsonl_writes_bytes_as_lowercase_hex(void **state)
{
    (void)state;
    static const unsigned char data[] = { 0x00, 0x0f, 0xab, 0xff };
    char long_text[600];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    sim_record r = { 0 };
    sim_put_bytes(&r, "data", data, sizeof data);
    sim_put_bytes(&r, "none", data, 0);
    sim_put_str(&r, "s", long_text);
    char want[1024];
    snprintf(want, sizeof want, "\"data\":\"000fabff\",\"none\":\"\",\"s\":\"%s\"", long_text);
    assert_jsonl_field(&r, want);
    sim_record_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sim_key_pads_every_key_to_the_readable_length),
        cmocka_unit_test(jsonl_writes_keys_of_every_length_whole),
        cmocka_unit_test(jsonl_copies_an_unpadded_key_by_its_length),
        cmocka_unit_test(jsonl_escapes_a_string_at_every_position),
        cmocka_unit_test(jsonl_writes_the_empty_string),
        cmocka_unit_test(jsonl_numbers_read_as_printf_writes_them),
        cmocka_unit_test(jsonl_line_and_time_follow_their_values),
        cmocka_unit_test(jsonl_clock_has_its_seconds_since_boot),
        cmocka_unit_test(jsonl_records_name_their_scenario),
        cmocka_unit_test(jsonl_writes_bytes_as_lowercase_hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
