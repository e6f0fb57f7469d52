/*
 * expect.c - `expect status`, `expect FIELD=VALUE...` and `expect event`:
 * checked when parsed, then compared with the previous command's result or
 * events by each field's type (numbers by value, flags as sets, statuses by
 * name or number, strings exactly, bytes as bytes, arrays by their length).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "event_table.h"
#include "expect.h"
#include "values.h"

/* Whether s[0..n) is bytes in hex: an even number of hex digits, either case (none: no bytes). */
static bool is_hex_bytes(const char *s, size_t n)
{
    if (n % 2)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

/*
 * A wanted value as a field of this type holds it, in *v: integers as their
 * two's complement, flags and statuses as their 32 bits, arrays as a count.
 * False when the text cannot be such a value. Strings need no parsing.
 */
static bool parse_want(sim_value_type type, ntsim_flag_kind kind, const char *want, size_t n, uint64_t *v)
{
    uint32_t flags;
    size_t bad;
    NTSTATUS st;
    switch (type) {
    case SIM_INT:
        if (n > 1 && want[0] == '-') {
            if (!sim_parse_number(want + 1, n - 1, v))
                return false;
            *v = 0 - *v;
            return true;
        }
        return sim_parse_number(want, n, v);
    case SIM_HEX:
    case SIM_CODE:
    case SIM_ARRAY:
    case SIM_LINES:
        return sim_parse_number(want, n, v);
    case SIM_FLAGS:
        if (!ntsim_flags_parse(kind, want, n, &flags, &bad))
            return false;
        *v = flags;
        return true;
    case SIM_STATUS:
        if (ntsim_status_from_name(want, n, &st)) {
            *v = (uint32_t)st;
            return true;
        }
        return sim_parse_number(want, n, v);
    case SIM_STR:
        return true;
    case SIM_BYTES:
        return is_hex_bytes(want, n);
    }
    return false;
}

/* What a value of the type is written as, for an error. */
static const char *want_form(sim_value_type type)
{
    switch (type) {
    case SIM_FLAGS:
        return "flag names or a number";
    case SIM_STATUS:
        return "a status name or a number";
    case SIM_ARRAY:
    case SIM_LINES:
        return "a number of elements";
    case SIM_BYTES:
        return "bytes in hex, two digits a byte";
    default:
        return "a number";
    }
}

static const sim_field_spec status_field[] = { { "status", SIM_STATUS, 0 }, { NULL, SIM_INT, 0 } };

/* The spec of a field the previous command's result may hold, or NULL. */
static const sim_field_spec *result_field(const sim_context *ctx, const char *key)
{
    const sim_field_spec *f = sim_field_spec_find(status_field, key);
    if (!f)
        f = sim_field_spec_find(ctx->previous.cmd->fields, key);
    if (!f && ctx->previous.driver)
        f = sim_field_spec_find(sim_driver_result_fields(ctx->previous.cmd, ctx->previous.driver), key);
    return f;
}

/* The FIELD=VALUE pairs of an expect: fields the record may hold, values it could hold. */
static bool validate_pairs(const sim_context *ctx, const sim_args *a, bool event, sim_error *err)
{
    const sim_field_spec *event_fields = event ? sim_event_fields((ntsim_event_kind)a->pos[0].number) : NULL;
    for (int i = 0; i < a->rest_count; i++) {
        const sim_token *t = &a->rest[i];
        uint64_t v;
        if (!t->key)
            return sim_error_at(err, t->col, "expected FIELD=VALUE, got '%s'", t->text);
        const sim_field_spec *f = event ? sim_field_spec_find(event_fields, t->key) : result_field(ctx, t->key);
        if (!f && event)
            return sim_error_at(err, t->col, "event %s has no field '%s'", a->pos[0].text, t->key);
        if (!f)
            return sim_error_at(err, t->col, "%s (line %d) has no field '%s'", ctx->previous.cmd->name,
                                ctx->previous.line, t->key);
        if (!parse_want(f->type, f->flags, t->value, t->value_len, &v))
            return sim_error_at(err, t->value_col, "bad value '%s' for %s: %s", t->value, t->key, want_form(f->type));
    }
    return true;
}

static bool validate_status(const sim_args *a, sim_error *err)
{
    NTSTATUS st;
    uint64_t v;
    const sim_value *s = &a->pos[0];
    if (a->rest_count > 0)
        return sim_error_at(err, a->rest[0].col, "expect status: unexpected argument '%s'", a->rest[0].text);
    if (!ntsim_status_from_name(s->text, s->len, &st) && !(sim_parse_number(s->text, s->len, &v) && v <= UINT32_MAX))
        return sim_error_at(err, s->token->col, "unknown status '%.*s'", (int)s->len, s->text);
    return true;
}

bool sim_expect_validate(sim_context *ctx, sim_args *a, sim_error *err)
{
    const char *name = a->cmd->name;
    if (!ctx->previous.cmd)
        return sim_error_at(err, 1, "expect has no command before it to check");
    if (strcmp(name, "expect status") == 0)
        return validate_status(a, err);
    if (strcmp(name, "expect event") == 0) {
        ntsim_event_kind kind;
        if (!sim_event_from_name(a->pos[0].text, a->pos[0].len, &kind))
            return sim_error_at(err, a->pos[0].token->col, "unknown event '%s'", a->pos[0].text);
        a->pos[0].number = kind; /* what the run compares */
        return validate_pairs(ctx, a, true, err);
    }
    if (a->rest_count == 0)
        return sim_error_at(err, 1, "expect needs FIELD=VALUE, 'status STATUS' or 'event EVENT'");
    return validate_pairs(ctx, a, false, err);
}

static bool value_matches(const sim_field *f, const char *want, size_t n)
{
    uint64_t v;
    if (f->type == SIM_STR)
        return strlen(f->v.s) == n && memcmp(f->v.s, want, n) == 0;
    if (f->type == SIM_BYTES) /* the same bytes, whichever case their hex digits were written in */
        return is_hex_bytes(want, n) && strlen(f->v.s) == n && strncasecmp(f->v.s, want, n) == 0;
    if (!parse_want(f->type, f->flags, want, n, &v))
        return false;
    switch (f->type) {
    case SIM_INT:
        return (int64_t)v == f->v.i;
    case SIM_FLAGS:
    case SIM_STATUS:
        return (uint32_t)v == (uint32_t)f->v.u;
    case SIM_ARRAY:
    case SIM_LINES:
        return v == f->count;
    default:
        return v == f->v.u;
    }
}

static bool record_matches(const sim_record *r, const sim_token *pairs, int count, int *failed)
{
    for (int i = 0; i < count; i++) {
        const sim_field *f = sim_record_get(r, pairs[i].key);
        if (!f || !value_matches(f, pairs[i].value, pairs[i].value_len)) {
            *failed = i;
            return false;
        }
    }
    return true;
}

/* Room for what an expect record quotes of a line. */
enum { TEXT_CAP = SIM_MAX_LINE + 64 };

static NTSTATUS run_status(sim_context *ctx, const sim_args *a)
{
    char want[TEXT_CAP], got[TEXT_CAP], message[TEXT_CAP];
    const sim_field *f = sim_record_get(&ctx->result, "status");
    uint64_t v = 0;
    parse_want(SIM_STATUS, 0, a->pos[0].text, a->pos[0].len, &v); /* validated: a name or a number */
    NTSTATUS st = (NTSTATUS)(uint32_t)v;
    if (f && (NTSTATUS)f->v.i == st)
        return STATUS_SUCCESS;
    sim_field want_f = { .key = "status", .type = SIM_STATUS, .v.i = st };
    sim_format_value(&want_f, want, sizeof want);
    if (f)
        sim_format_value(f, got, sizeof got);
    else
        snprintf(got, sizeof got, "(none)");
    snprintf(message, sizeof message, "status of line %d's %s", ctx->previous.line, ctx->previous.cmd->name);
    sim_write_expect(ctx->writer, ctx->line, message, want, got);
    return STATUS_UNSUCCESSFUL;
}

static NTSTATUS run_event(sim_context *ctx, const sim_args *a)
{
    char want[TEXT_CAP], got[TEXT_CAP];
    int failed;
    size_t used = 0;
    for (uint32_t i = 0; i < ctx->events.count; i++)
        if (ctx->events.kinds[i] == (ntsim_event_kind)a->pos[0].number &&
            record_matches(&ctx->events.records[i], a->rest, a->rest_count, &failed))
            return STATUS_SUCCESS;
    snprintf(want, sizeof want, "%s", a->pos[0].text);
    for (int i = 0; i < a->rest_count; i++) {
        used = strlen(want);
        snprintf(want + used, sizeof want - used, " %s", a->rest[i].text);
    }
    got[0] = '\0';
    for (uint32_t i = 0; i < ctx->events.count; i++) {
        used = strlen(got);
        snprintf(got + used, sizeof got - used, "%s%s", i ? " " : "", sim_event_name(ctx->events.kinds[i]));
    }
    if (ctx->events.count == 0)
        snprintf(got, sizeof got, "no events");
    sim_write_expect(ctx->writer, ctx->line, "no matching event", want, got);
    return STATUS_UNSUCCESSFUL;
}

static NTSTATUS run_fields(sim_context *ctx, const sim_args *a)
{
    char want[TEXT_CAP], got[TEXT_CAP], message[TEXT_CAP];
    int failed;
    if (record_matches(&ctx->result, a->rest, a->rest_count, &failed))
        return STATUS_SUCCESS;
    const sim_token *t = &a->rest[failed];
    const sim_field *f = sim_record_get(&ctx->result, t->key);
    snprintf(want, sizeof want, "%.*s", (int)t->value_len, t->value);
    if (f)
        sim_format_value(f, got, sizeof got);
    else
        snprintf(got, sizeof got, "(no such field)");
    snprintf(message, sizeof message, "field %s", t->key);
    sim_write_expect(ctx->writer, ctx->line, message, want, got);
    return STATUS_UNSUCCESSFUL;
}

NTSTATUS sim_expect_run(sim_context *ctx, const sim_args *a)
{
    if (strcmp(a->cmd->name, "expect status") == 0)
        return run_status(ctx, a);
    if (strcmp(a->cmd->name, "expect event") == 0)
        return run_event(ctx, a);
    return run_fields(ctx, a);
}
