/*
 * jsonl.c - JSON Lines, the contract's machine format, written fast: a
 * record is assembled by hand in the writer's buffer and the buffer goes out
 * in blocks (stdio call by call cost several times more). What makes it fast
 * is here alone: decimal digits two at a time, strings escaped eight bytes
 * at a time, keys copied in one fixed-size move (SIM_KEY's padding).
 */
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "ntsim/system.h"
#include "rtl/alloc.h"

#define sb_grow sim_writer_grow
#define sb_put sim_writer_put

static void sb_str(sim_writer *w, const char *s)
{
    sb_put(w, s, strlen(s));
}

static inline void sb_char(sim_writer *w, char c)
{
    if (!sb_grow(w, 1))
        return;
    w->buf[w->len++] = c;
}

/* A record's end: "}" and the newline. */
static inline void sb_end(sim_writer *w)
{
    if (!sb_grow(w, 2))
        return;
    w->buf[w->len++] = '}';
    w->buf[w->len++] = '\n';
}

static const char two_digits[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                 "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                 "8081828384858687888990919293949596979899";

/* Decimal digits two at a time, from the right, into d (which has room for
   20 bytes); returns the end. Most numbers here (IDs, codes) are short. */
static char *put_u64(char *d, uint64_t v)
{
    if (v < 100) {
        if (v < 10) {
            *d = (char)('0' + v);
            return d + 1;
        }
        memcpy(d, two_digits + 2 * v, 2);
        return d + 2;
    }
    static const uint64_t pow10[20] = {
        1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
        UINT64_C(10000000000), UINT64_C(100000000000), UINT64_C(1000000000000),
        UINT64_C(10000000000000), UINT64_C(100000000000000), UINT64_C(1000000000000000),
        UINT64_C(10000000000000000), UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
        UINT64_C(10000000000000000000),
    };
    /* The length first, then the digits in place: a copy from a scratch
       buffer just written piecewise would stall on store forwarding. */
    size_t n = 3;
    while (n < 20 && v >= pow10[n])
        n++;
    char *end = d + n, *p = end;
    if (v <= UINT32_MAX) { /* 32-bit division is cheaper: IDs, codes */
        uint32_t u = (uint32_t)v;
        while (u >= 100) {
            unsigned r = u % 100;
            u /= 100;
            p -= 2;
            memcpy(p, two_digits + 2 * r, 2);
        }
        v = u;
    }
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        p -= 2;
        memcpy(p, two_digits + 2 * r, 2);
    }
    if (v >= 10) {
        p -= 2;
        memcpy(p, two_digits + 2 * v, 2);
    } else {
        *--p = (char)('0' + v);
    }
    return end;
}

static void sb_u64(sim_writer *w, uint64_t v)
{
    if (!sb_grow(w, 20))
        return;
    w->len = (size_t)(put_u64(w->buf + w->len, v) - w->buf);
}

static void sb_i64(sim_writer *w, int64_t v)
{
    if (v < 0) {
        sb_char(w, '-');
        sb_u64(w, 0 - (uint64_t)v);
    } else {
        sb_u64(w, (uint64_t)v);
    }
}

/* A number a command's records share (its line, its events' time), into d
   (room for 24 bytes): formatted once, then copied. */
static char *put_cached(char *d, struct sim_number_text *c, uint64_t v)
{
    if (v != c->value || !c->len) {
        char *end = put_u64(d, v);
        c->len = (size_t)(end - d);
        memcpy(c->text, d, c->len);
        c->value = v;
        return end;
    }
    memcpy(d, c->text, sizeof c->text); /* a fixed-size move; only len bytes count */
    return d + c->len;
}

/* The clock's reading as seconds since boot, a JSON number ("1.5", "0",
   "0.015625"): beside the contract's integer, which is past what a double
   holds exactly, so jq and JavaScript can subtract and compare times. Into
   d (room for 30 bytes); returns the end. */
static char *put_seconds(char *d, uint64_t time)
{
    uint64_t ticks = time - NTSIM_BOOT_TIME, fraction = ticks % 10000000;
    d = put_u64(d, ticks / 10000000);
    if (fraction) {
        *d++ = '.';
        for (uint64_t unit = 1000000; fraction; unit /= 10) {
            *d++ = (char)('0' + fraction / unit);
            fraction %= unit;
        }
    }
    return d;
}

/* The relative time after a clock reading: ,"t":SECONDS (nothing for a value before boot). */
static char *put_t(char *d, struct sim_number_text *c, uint64_t time)
{
    if (time < NTSIM_BOOT_TIME)
        return d;
    memcpy(d, ",\"t\":", 5);
    d += 5;
    if (time != c->value || !c->len) {
        char *end = put_seconds(d, time);
        c->len = (size_t)(end - d);
        memcpy(c->text, d, c->len);
        c->value = time;
        return end;
    }
    memcpy(d, c->text, sizeof c->text);
    return d + c->len;
}

/* A string literal's bytes, without its NUL. */
#define PUT_LIT(d, lit) (memcpy((d), (lit), sizeof(lit) - 1), (d) + sizeof(lit) - 1)

/* Records collect in the buffer and go out in blocks: one fwrite per record
   cost more than formatting it. Callers flush before anything else writes. */
enum { FLUSH_AT = 64 * 1024 };

static void flush_record(sim_writer *w)
{
    if (w->len >= FLUSH_AT)
        sim_writer_flush(w);
}

/* Bytes JSON strings cannot hold as they are: controls (and NUL, the end), quote, backslash. */
static const unsigned char needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
};

/* The bytes of x (a little-endian load) that are a control, a quote or a
   backslash, as their high bits; borrows can mark bytes above the first
   true one, never below it, so the lowest mark is exact. */
static inline uint64_t escape_marks(uint64_t x)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    uint64_t quote = x ^ (ones * '"'), slash = x ^ (ones * '\\');
    uint64_t zero_q = (quote - ones) & ~quote, zero_s = (slash - ones) & ~slash;
    uint64_t control = (x - ones * 0x20) & ~x;
    return (zero_q | zero_s | control) & highs;
}

/* Room for the worst case (every byte a \u00XX) first, then one pass that
   writes straight into the buffer, plain bytes eight at a time. */
static void json_string(sim_writer *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(s);
    if (!sb_grow(w, 6 * n + 10))
        return;
    char *d = w->buf + w->len;
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    *d++ = '"';
    while (p < end) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (end - p >= 8) {
            uint64_t x;
            memcpy(&x, p, 8);
            memcpy(d, &x, 8); /* room was made above; only the plain part counts */
            uint64_t m = escape_marks(x);
            size_t plain = m ? (size_t)__builtin_ctzll(m) / 8 : 8;
            d += plain;
            p += plain;
            if (plain == 8)
                continue;
        }
#endif
        unsigned char c = *p++;
        if (!needs_escape[c]) {
            *d++ = (char)c;
            continue;
        }
        *d++ = '\\';
        switch (c) {
        case '"': *d++ = '"'; break;
        case '\\': *d++ = '\\'; break;
        case '\n': *d++ = 'n'; break;
        case '\r': *d++ = 'r'; break;
        case '\t': *d++ = 't'; break;
        default:
            memcpy(d, "u00", 3);
            d[3] = hex[c >> 4];
            d[4] = hex[c & 15];
            d += 5;
        }
    }
    *d++ = '"';
    w->len = (size_t)(d - w->buf);
}

/* "0x..." lowercase into d (room for 18 bytes); returns the end. */
static char *put_hex(char *d, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    int n = 1;
    while (n < 16 && v >> (4 * n))
        n++;
    *d++ = '0';
    *d++ = 'x';
    for (int i = n - 1; i >= 0; i--)
        *d++ = digits[(v >> (4 * i)) & 15];
    return d;
}

static void json_fields(sim_writer *w, const sim_record *r);

static void json_value(sim_writer *w, const sim_record *r, const sim_field *f)
{
    char buf[512];
    switch (f->type) { /* numbers and addresses: json_fields writes them itself */
    case SIM_STR:
    case SIM_BYTES:
        json_string(w, f->v.s);
        return;
    case SIM_STATUS: {
        /* Most results succeed: the last name and its length are kept. */
        if (!w->status_name || w->status != (NTSTATUS)f->v.i) {
            const char *name = ntsim_status_name((NTSTATUS)f->v.i);
            if (!name)
                break;
            w->status = (NTSTATUS)f->v.i;
            w->status_name = name;
            w->status_len = strlen(name);
        }
        if (!sb_grow(w, w->status_len + 2))
            return;
        w->buf[w->len++] = '"';
        memcpy(w->buf + w->len, w->status_name, w->status_len);
        w->len += w->status_len;
        w->buf[w->len++] = '"';
        return;
    }
    case SIM_ARRAY:
        sb_char(w, '[');
        for (uint32_t i = 0; i < f->count; i++) {
            if (i)
                sb_char(w, ',');
            sb_char(w, '{');
            json_fields(w, sim_field_item(r, f, i));
            sb_char(w, '}');
        }
        sb_char(w, ']');
        return;
    case SIM_LINES:
        sb_char(w, '[');
        for (uint32_t i = 0; i < f->count; i++) {
            if (i)
                sb_char(w, ',');
            json_string(w, sim_field_line(r, f, i));
        }
        sb_char(w, ']');
        return;
    default:
        break;
    }
    sim_format_value(f, buf, sizeof buf);
    json_string(w, buf);
}

/* Fields as "key":value pairs. The key and a number or address are written
   through one cursor after one check for room; other values go through
   json_value. */
static void json_fields(sim_writer *w, const sim_record *r)
{
    for (uint32_t i = 0; i < r->count; i++) {
        const sim_field *f = &r->fields[i];
        const char *key = f->key; /* keys are plain identifiers */
        size_t n = f->key_len ? f->key_len : strlen(key);
        assert(!f->key_len || strlen(key) == n); /* a padded key is the length it says */
        if (!sb_grow(w, n + 80))
            return;
        char *d = w->buf + w->len;
        *d = ',';
        d += i != 0;
        *d++ = '"';
        if (f->key_len && n <= SIM_KEY_READABLE)
            memcpy(d, key, SIM_KEY_READABLE); /* SIM_KEY padded it: room was made above */
        else
            memcpy(d, key, n);
        d += n;
        *d++ = '"';
        *d++ = ':';
        switch (f->type) {
        case SIM_INT:
            if (f->v.i < 0) {
                *d++ = '-';
                d = put_u64(d, 0 - f->v.u);
            } else {
                d = put_u64(d, f->v.u);
                if (n == 4 && memcmp(key, "time", 4) == 0) /* the contract's clock, wherever it is */
                    d = put_t(d, &w->t_text, f->v.u);
            }
            break;
        case SIM_HEX:
            *d++ = '"';
            d = put_hex(d, f->v.u);
            *d++ = '"';
            break;
        default:
            w->len = (size_t)(d - w->buf);
            json_value(w, r, f);
            continue;
        }
        w->len = (size_t)(d - w->buf);
    }
}

/* ---- records ------------------------------------------------------------- */

/* A record that could not be assembled whole is dropped whole: the output
   never holds half a record. The failure stays in w->failed for the engine
   to report. */
static void record_end(sim_writer *w, size_t start, bool failed_before)
{
    if (w->failed && !failed_before)
        w->len = start;
    w->failed |= failed_before;
    flush_record(w);
}

/* A run of several files: every record names its file after its kind. */
static void put_scenario(sim_writer *w)
{
    if (!w->scenario)
        return;
    sb_str(w, ",\"scenario\":");
    json_string(w, w->scenario);
}

/* A record's start: where it begins, the failure so far set aside. */
#define RECORD_BEGIN()                                                                                                 \
    size_t start = w->len;                                                                                             \
    bool failed = w->failed;                                                                                           \
    w->failed = false

void sim_jsonl_result(sim_writer *w, int line, const char *cmd, const sim_record *r)
{
    RECORD_BEGIN();
    size_t n = strlen(cmd); /* command names are plain words */
    if (!sb_grow(w, 64 + n)) {
        record_end(w, start, failed);
        return;
    }
    char *d = w->buf + w->len;
    if (w->scenario) {
        sb_str(w, "{\"kind\":\"result\"");
        put_scenario(w);
        if (!sb_grow(w, 64 + n)) {
            record_end(w, start, failed);
            return;
        }
        d = PUT_LIT(w->buf + w->len, ",\"line\":");
    } else {
        d = PUT_LIT(d, "{\"kind\":\"result\",\"line\":");
    }
    d = put_cached(d, &w->line_text, (uint64_t)line); /* lines count from 1 */
    d = PUT_LIT(d, ",\"cmd\":\"");
    memcpy(d, cmd, n);
    d += n;
    *d++ = '"';
    *d = ',';
    d += r->count != 0;
    w->len = (size_t)(d - w->buf);
    json_fields(w, r);
    sb_end(w);
    record_end(w, start, failed);
}

void sim_jsonl_event(sim_writer *w, int line, const char *event, uint64_t time, const sim_record *r)
{
    RECORD_BEGIN();
    size_t n = strlen(event); /* event names are plain words */
    if (!sb_grow(w, 128 + n)) {
        record_end(w, start, failed);
        return;
    }
    char *d = w->buf + w->len;
    if (w->scenario) {
        sb_str(w, "{\"kind\":\"event\"");
        put_scenario(w);
        if (!sb_grow(w, 128 + n)) {
            record_end(w, start, failed);
            return;
        }
        d = PUT_LIT(w->buf + w->len, ",\"line\":");
    } else {
        d = PUT_LIT(d, "{\"kind\":\"event\",\"line\":");
    }
    d = put_cached(d, &w->line_text, (uint64_t)line);
    d = PUT_LIT(d, ",\"event\":\"");
    memcpy(d, event, n);
    d += n;
    d = PUT_LIT(d, "\",\"time\":");
    d = put_cached(d, &w->time_text, time);
    d = put_t(d, &w->t_text, time);
    *d = ',';
    d += r->count != 0;
    w->len = (size_t)(d - w->buf);
    json_fields(w, r);
    sb_end(w);
    record_end(w, start, failed);
}

void sim_jsonl_error(sim_writer *w, int line, int col, const char *message)
{
    RECORD_BEGIN();
    sb_str(w, "{\"kind\":\"error\"");
    put_scenario(w);
    sb_str(w, ",\"line\":");
    sb_i64(w, line);
    sb_str(w, ",\"col\":");
    sb_i64(w, col);
    sb_str(w, ",\"message\":");
    json_string(w, message);
    sb_end(w);
    record_end(w, start, failed);
}

void sim_jsonl_expect(sim_writer *w, int line, const char *message, const char *want, const char *got)
{
    RECORD_BEGIN();
    sb_str(w, "{\"kind\":\"expect\"");
    put_scenario(w);
    sb_str(w, ",\"line\":");
    sb_i64(w, line);
    sb_str(w, ",\"message\":");
    json_string(w, message);
    sb_str(w, ",\"want\":");
    json_string(w, want);
    sb_str(w, ",\"got\":");
    json_string(w, got);
    sb_end(w);
    record_end(w, start, failed);
}
