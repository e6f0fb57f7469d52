/*
 * expect.c - `expect status`, `expect FIELD=VALUE...` and `expect event`:
 * checked when parsed, then compared with the previous command's result or
 * events by each field's type (numbers by value, flags as sets, statuses by
 * name or number, strings exactly, arrays by their length).
 */
#include <stdio.h>
#include <string.h>

#include "event_table.h"
#include "expect.h"
#include "values.h"

bool sim_expect_validate(sim_context *ctx, sim_args *a, sim_error *err)
{
    const char *name = a->cmd->name;
    if (!ctx->have_result)
        return sim_error_at(err, 1, "expect has no command before it to check");
    if (strcmp(name, "expect status") == 0 && a->rest_count > 0)
        return sim_error_at(err, a->rest[0].col, "expect status: unexpected argument '%s'", a->rest[0].text);
    if (strcmp(name, "expect status") == 0) {
        NTSTATUS st;
        uint64_t v;
        const sim_value *s = &a->pos[0];
        if (!ntsim_status_from_name(s->text, s->len, &st) && !(sim_parse_number(s->text, s->len, &v) && v <= UINT32_MAX))
            return sim_error_at(err, s->token->col, "unknown status '%.*s'", (int)s->len, s->text);
        return true;
    }
    int from = 0;
    if (strcmp(name, "expect event") == 0) {
        ntsim_event_kind kind;
        if (!sim_event_from_name(a->pos[0].text, a->pos[0].len, &kind))
            return sim_error_at(err, a->pos[0].token->col, "unknown event '%s'", a->pos[0].text);
        a->pos[0].number = kind; /* what the run compares */
    } else if (a->rest_count == 0) {
        return sim_error_at(err, 1, "expect needs FIELD=VALUE, 'status STATUS' or 'event EVENT'");
    }
    for (int i = from; i < a->rest_count; i++)
        if (!a->rest[i].key)
            return sim_error_at(err, a->rest[i].col, "expected FIELD=VALUE, got '%s'", a->rest[i].text);
    return true;
}

static bool value_matches(const sim_record *rec, const sim_field *f, const char *want, size_t n)
{
    uint64_t v;
    uint32_t flags;
    size_t bad;
    NTSTATUS st;
    switch (f->type) {
    case SIM_INT:
        if (n > 1 && want[0] == '-')
            return sim_parse_number(want + 1, n - 1, &v) && (int64_t)(0 - v) == f->v.i;
        return sim_parse_number(want, n, &v) && (int64_t)v == f->v.i;
    case SIM_HEX:
    case SIM_CODE:
        return sim_parse_number(want, n, &v) && v == f->v.u;
    case SIM_FLAGS: {
        ntsim_flag_kind k = f->flags == NTSIM_FLAGS_PROCESS_ACCESS || f->flags == NTSIM_FLAGS_THREAD_ACCESS
                                ? f->flags : f->flags;
        return ntsim_flags_parse(k, want, n, &flags, &bad) && flags == (uint32_t)f->v.u;
    }
    case SIM_STATUS:
        if (ntsim_status_from_name(want, n, &st))
            return st == (NTSTATUS)f->v.i;
        return sim_parse_number(want, n, &v) && (uint32_t)v == (uint32_t)f->v.i;
    case SIM_STR:
        return strlen(f->v.s) == n && memcmp(f->v.s, want, n) == 0;
    case SIM_ARRAY:
    case SIM_LINES:
        return sim_parse_number(want, n, &v) && v == f->count;
    }
    (void)rec;
    return false;
}

static bool record_matches(const sim_record *r, const sim_token *pairs, int count, int *failed)
{
    for (int i = 0; i < count; i++) {
        const sim_field *f = sim_record_get(r, pairs[i].key);
        if (!f || !value_matches(r, f, pairs[i].value, pairs[i].value_len)) {
            *failed = i;
            return false;
        }
    }
    return true;
}

NTSTATUS sim_expect_run(sim_context *ctx, const sim_args *a)
{
    char want[SIM_MAX_LINE + 64], got[SIM_MAX_LINE + 64], message[SIM_MAX_LINE + 64];
    const char *name = a->cmd->name;
    if (strcmp(name, "expect status") == 0) {
        const sim_field *f = sim_record_get(&ctx->result, "status");
        NTSTATUS st;
        uint64_t v = 0;
        if (!ntsim_status_from_name(a->pos[0].text, a->pos[0].len, &st)) {
            sim_parse_number(a->pos[0].text, a->pos[0].len, &v);
            st = (NTSTATUS)(uint32_t)v;
        }
        if (f && (NTSTATUS)f->v.i == st)
            return STATUS_SUCCESS;
        sim_field want_f = { .key = "status", .type = SIM_STATUS, .v.i = st };
        sim_format_value(&want_f, want, sizeof want);
        if (f)
            sim_format_value(f, got, sizeof got);
        else
            snprintf(got, sizeof got, "(none)");
        snprintf(message, sizeof message, "status of line %d's %s", ctx->result_line, ctx->result_cmd);
        sim_write_expect(ctx->writer, ctx->line, message, want, got);
        return STATUS_UNSUCCESSFUL;
    }
    if (strcmp(name, "expect event") == 0) {
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
