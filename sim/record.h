/*
 * record.h - an output record (result, event, error, expect) as typed
 * fields, built by a command and written by a writer (jsonl or text). The
 * types carry the contract's value formats: addresses as hex strings, flags
 * as names, statuses as names. A record's memory is reused between commands.
 */
#ifndef NTSIM_SIM_RECORD_H
#define NTSIM_SIM_RECORD_H

#include <stdbool.h>

#include "ntsim/names.h"

typedef enum sim_value_type {
    SIM_INT,    /* JSON integer (signed) */
    SIM_HEX,    /* "0x..." lowercase */
    SIM_FLAGS,  /* names of set bits */
    SIM_STATUS, /* NTSTATUS name or 0x%08x */
    SIM_CODE,   /* a number in a flags-format field that has no names: "0" or "0x.." */
    SIM_STR,    /* JSON string */
    SIM_ARRAY,  /* array of objects: a list of child records */
    SIM_LINES,  /* array of strings */
    SIM_BYTES,  /* bytes as a JSON string of lowercase hex digit pairs ("" for none); v.s */
} sim_value_type;

typedef struct sim_record sim_record;

typedef struct sim_field {
    const char *key;
    sim_value_type type;
    ntsim_flag_kind flags;
    union {
        int64_t i;
        uint64_t u; /* SIM_ARRAY, SIM_LINES: index of the first child */
        const char *s;
    } v;
    uint32_t count;    /* SIM_ARRAY / SIM_LINES: number of elements */
    uint32_t key_len;  /* set by sim_put_*: key has SIM_KEY_READABLE readable bytes (SIM_KEY); 0: unknown */
} sim_field;

/*
 * Out of host memory, a put is dropped and the record marked failed (as
 * SQLite's mallocFailed): building one goes on without a check at every
 * put, and the engine, which looks before writing it (sim_record_failed),
 * reports the command's line instead.
 */
struct sim_record {
    sim_field *fields;
    uint32_t count, cap;
    char *arena;       /* string storage */
    size_t used, arena_cap;
    sim_record *children;
    uint32_t child_count, child_cap;
    bool failed;       /* a put was dropped for want of memory (until the next reset) */
    sim_field spare;   /* where a dropped field goes */
};

void sim_record_reset(sim_record *r);
void sim_record_free(sim_record *r);
/* Was anything dropped from r or its children since it was reset? */
bool sim_record_failed(const sim_record *r);

/* Keys are string literals. SIM_KEY passes one with its length and pads it
   so that SIM_KEY_READABLE bytes can be read from it, whatever its length:
   the JSON writer (jsonl.c) copies any key of up to that many bytes with one
   fixed-size move. A non-literal key does not compile. */
#define SIM_KEY_READABLE 16
#define SIM_KEY_PAD "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
#define SIM_KEY(k) k SIM_KEY_PAD, (uint32_t)(sizeof(k) - 1)
/* Even the empty key "" has the pad's bytes (its NUL included) to read. */
_Static_assert(sizeof(SIM_KEY_PAD) >= SIM_KEY_READABLE, "SIM_KEY pads every key to SIM_KEY_READABLE bytes");
#define sim_put_int(r, k, v) sim_put_int_n((r), SIM_KEY(k), (v))
#define sim_put_hex(r, k, v) sim_put_hex_n((r), SIM_KEY(k), (v))
#define sim_put_flags(r, k, kind, v) sim_put_flags_n((r), SIM_KEY(k), (kind), (v))
#define sim_put_status(r, k, v) sim_put_status_n((r), SIM_KEY(k), (v))
#define sim_put_code(r, k, v) sim_put_code_n((r), SIM_KEY(k), (v))
#define sim_put_str(r, k, s) sim_put_str_n((r), SIM_KEY(k), (s))
#define sim_put_array(r, k) sim_put_array_n((r), SIM_KEY(k))
#define sim_put_lines(r, k) sim_put_lines_n((r), SIM_KEY(k))
#define sim_put_bytes(r, k, data, n) sim_put_bytes_n((r), SIM_KEY(k), (data), (n))

/* Makes room for one more field (out of line: rare); false when the host is out. */
bool sim_record_grow(sim_record *r);

/* Appends a field: inline, as every event puts several. Out of memory, the
   field goes to the spare and the record is failed. */
static inline sim_field *sim_record_add(sim_record *r, const char *key, uint32_t key_len, sim_value_type type)
{
    sim_field *f = &r->spare;
    if (r->count < r->cap || sim_record_grow(r))
        f = &r->fields[r->count++];
    *f = (sim_field){ .key = key, .key_len = key_len, .type = type };
    return f;
}

static inline void sim_put_int_n(sim_record *r, const char *key, uint32_t key_len, int64_t v)
{
    sim_record_add(r, key, key_len, SIM_INT)->v.i = v;
}

static inline void sim_put_hex_n(sim_record *r, const char *key, uint32_t key_len, uint64_t v)
{
    sim_record_add(r, key, key_len, SIM_HEX)->v.u = v;
}

void sim_put_flags_n(sim_record *r, const char *key, uint32_t key_len, ntsim_flag_kind kind, uint32_t v);
void sim_put_status_n(sim_record *r, const char *key, uint32_t key_len, NTSTATUS v);
void sim_put_code_n(sim_record *r, const char *key, uint32_t key_len, uint64_t v);
void sim_put_str_n(sim_record *r, const char *key, uint32_t key_len, const char *s);
/* n bytes as lowercase hex, written straight into the record's storage. O(n). */
void sim_put_bytes_n(sim_record *r, const char *key, uint32_t key_len, const unsigned char *data, size_t n);
/* Starts an array field; sim_array_add appends an element to the last array field. */
void sim_put_array_n(sim_record *r, const char *key, uint32_t key_len);
sim_record *sim_array_add(sim_record *r);
/* Starts a field of strings; sim_lines_add appends one. */
void sim_put_lines_n(sim_record *r, const char *key, uint32_t key_len);
void sim_lines_add(sim_record *r, const char *s);

const sim_field *sim_record_get(const sim_record *r, const char *key);

/* A field a record of some shape may hold (a command's result, an event):
   what `expect FIELD=VALUE` may name, and how the value is written. Lists of
   them end with a NULL key. */
typedef struct sim_field_spec {
    const char *key;
    sim_value_type type;
    ntsim_flag_kind flags; /* SIM_FLAGS: its names (NTSIM_FLAGS_ACCESS: the object's kind decides) */
} sim_field_spec;

/* The spec of key in a list (which may be NULL), or NULL. O(list). */
const sim_field_spec *sim_field_spec_find(const sim_field_spec *list, const char *key);
/* Whether r's fields from `from` on are each in list a or b (either may be
   NULL), with the type they give: the Debug builds' check that a shape's
   declaration and the code that fills it agree. */
bool sim_record_fits(const sim_record *r, uint32_t from, const sim_field_spec *a, const sim_field_spec *b);

/* Element i of an array field of r (a record of fields), or of a lines field (a string). */
const sim_record *sim_field_item(const sim_record *r, const sim_field *f, uint32_t i);
const char *sim_field_line(const sim_record *r, const sim_field *f, uint32_t i);

/* Formats a scalar field's value as the contract prints it (no JSON quoting). */
size_t sim_format_value(const sim_field *f, char *buf, size_t cap);

/* Whether f is a reading of the virtual clock: the contract's `time` (a
   field of that name, in 100 ns units since 1601), at or after boot. */
bool sim_field_is_clock(const sim_field *f);
/* A reading of the virtual clock as the time since boot for a person,
   HH:MM:SS.fff (HH:MM:SS.fffffff when it is not a whole millisecond; the
   hours do not wrap at a day); a value before boot as its number. */
size_t sim_format_clock(uint64_t time, char *buf, size_t cap);

#endif
