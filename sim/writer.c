/* writer.c - JSON Lines and text renderings of records. */
#include <inttypes.h>
#include <string.h>

#include "writer.h"

/* ---- JSON Lines ---------------------------------------------------------- */

static void json_string(FILE *out, const char *s)
{
    putc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                putc(*p, out);
        }
    }
    putc('"', out);
}

static void json_fields(FILE *out, const sim_record *r);

static void json_value(FILE *out, const sim_record *r, const sim_field *f)
{
    char buf[512];
    switch (f->type) {
    case SIM_INT:
        fprintf(out, "%" PRId64, f->v.i);
        return;
    case SIM_STR:
        json_string(out, f->v.s);
        return;
    case SIM_ARRAY:
        putc('[', out);
        for (uint32_t i = 0; i < f->count; i++) {
            if (i)
                putc(',', out);
            putc('{', out);
            json_fields(out, sim_field_item(r, f, i));
            putc('}', out);
        }
        putc(']', out);
        return;
    case SIM_LINES:
        putc('[', out);
        for (uint32_t i = 0; i < f->count; i++) {
            if (i)
                putc(',', out);
            json_string(out, sim_field_line(r, f, i));
        }
        putc(']', out);
        return;
    default:
        sim_format_value(f, buf, sizeof buf);
        json_string(out, buf);
    }
}

static void json_fields(FILE *out, const sim_record *r)
{
    for (uint32_t i = 0; i < r->count; i++) {
        if (i)
            putc(',', out);
        json_string(out, r->fields[i].key);
        putc(':', out);
        json_value(out, r, &r->fields[i]);
    }
}

/* ---- text ------------------------------------------------------------------ */

static bool needs_quotes(const char *s)
{
    return *s == '\0' || strpbrk(s, " \t\"") != NULL;
}

/* A field's text: strings as they are (any length), other values formatted into buf. */
static const char *value_text(const sim_field *f, char *buf, size_t cap)
{
    if (f->type == SIM_STR)
        return f->v.s;
    sim_format_value(f, buf, cap);
    return buf;
}

static void text_value(FILE *out, const sim_field *f)
{
    char buf[512];
    const char *v = value_text(f, buf, sizeof buf);
    if (f->type == SIM_STR && needs_quotes(v))
        fprintf(out, "\"%s\"", v);
    else
        fputs(v, out);
}

/* Scalar fields as key=value; arrays and lines follow on rows of their own,
   except that lines may be asked for inline: key=[a,b]. */
static void text_scalars(FILE *out, const sim_record *r, uint32_t from, bool inline_lines)
{
    for (uint32_t i = from; i < r->count; i++) {
        const sim_field *f = &r->fields[i];
        if (f->type == SIM_LINES && inline_lines) {
            fprintf(out, " %s=[", f->key);
            for (uint32_t j = 0; j < f->count; j++)
                fprintf(out, j ? ",%s" : "%s", sim_field_line(r, f, j));
            fputc(']', out);
            continue;
        }
        if (f->type == SIM_ARRAY || f->type == SIM_LINES)
            continue;
        fprintf(out, " %s=", f->key);
        text_value(out, f);
    }
}

/* An array as a table: a header of keys, then one aligned row per element. */
static void text_table(FILE *out, const sim_record *r, const sim_field *f)
{
    enum { MAXCOL = 16 };
    size_t width[MAXCOL] = { 0 };
    char buf[512];
    if (f->count == 0)
        return;
    const sim_record *first = sim_field_item(r, f, 0);
    uint32_t cols = first->count < MAXCOL ? first->count : MAXCOL;
    for (uint32_t c = 0; c < cols; c++)
        width[c] = strlen(first->fields[c].key);
    for (uint32_t i = 0; i < f->count; i++) {
        const sim_record *row = sim_field_item(r, f, i);
        for (uint32_t c = 0; c < cols && c < row->count; c++) {
            size_t n = strlen(value_text(&row->fields[c], buf, sizeof buf));
            if (n > width[c])
                width[c] = n;
        }
    }
    fprintf(out, "        ");
    for (uint32_t c = 0; c < cols; c++)
        fprintf(out, c + 1 < cols ? "%-*s  " : "%-*s", c + 1 < cols ? (int)width[c] : 0, first->fields[c].key);
    fputc('\n', out);
    for (uint32_t i = 0; i < f->count; i++) {
        const sim_record *row = sim_field_item(r, f, i);
        fprintf(out, "        ");
        for (uint32_t c = 0; c < cols && c < row->count; c++)
            fprintf(out, c + 1 < cols ? "%-*s  " : "%-*s", c + 1 < cols ? (int)width[c] : 0,
                    value_text(&row->fields[c], buf, sizeof buf));
        fputc('\n', out);
    }
}

static void text_rows(FILE *out, const sim_record *r)
{
    for (uint32_t i = 0; i < r->count; i++) {
        const sim_field *f = &r->fields[i];
        if (f->type == SIM_ARRAY)
            text_table(out, r, f);
        else if (f->type == SIM_LINES)
            for (uint32_t j = 0; j < f->count; j++)
                fprintf(out, "        | %s\n", sim_field_line(r, f, j));
    }
}

/* The virtual clock as a time of day, to the 100 ns tick. */
static void text_time(FILE *out, uint64_t t)
{
    uint64_t ticks_of_day = t % UINT64_C(864000000000);
    uint64_t s = ticks_of_day / UINT64_C(10000000);
    fprintf(out, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%07" PRIu64, s / 3600, s / 60 % 60, s % 60,
            ticks_of_day % UINT64_C(10000000));
}

/* ---- records ------------------------------------------------------------- */

void sim_write_result(sim_writer *w, int line, const char *cmd, const sim_record *r)
{
    if (w->format == SIM_FORMAT_JSONL) {
        fprintf(w->out, "{\"kind\":\"result\",\"line\":%d,\"cmd\":", line);
        json_string(w->out, cmd);
        if (r->count)
            putc(',', w->out);
        json_fields(w->out, r);
        fputs("}\n", w->out);
        return;
    }
    char status[64] = "";
    if (r->count && r->fields[0].type == SIM_STATUS)
        sim_format_value(&r->fields[0], status, sizeof status);
    fprintf(w->out, "%5d  %-16s %-30s", line, cmd, status);
    text_scalars(w->out, r, status[0] ? 1 : 0, false);
    fputc('\n', w->out);
    text_rows(w->out, r);
}

void sim_write_event(sim_writer *w, int line, const char *event, uint64_t time, const sim_record *r)
{
    if (w->format == SIM_FORMAT_JSONL) {
        fprintf(w->out, "{\"kind\":\"event\",\"line\":%d,\"event\":", line);
        json_string(w->out, event);
        fprintf(w->out, ",\"time\":%" PRIu64, time);
        if (r->count)
            putc(',', w->out);
        json_fields(w->out, r);
        fputs("}\n", w->out);
        return;
    }
    fprintf(w->out, "%5d    event %-14s ", line, event);
    text_time(w->out, time);
    text_scalars(w->out, r, 0, true);
    fputc('\n', w->out);
}

void sim_write_error(sim_writer *w, int line, int col, const char *message)
{
    if (w->format != SIM_FORMAT_JSONL)
        return;
    fprintf(w->out, "{\"kind\":\"error\",\"line\":%d,\"col\":%d,\"message\":", line, col);
    json_string(w->out, message);
    fputs("}\n", w->out);
}

void sim_write_expect(sim_writer *w, int line, const char *message, const char *want, const char *got)
{
    if (w->format == SIM_FORMAT_JSONL) {
        fprintf(w->out, "{\"kind\":\"expect\",\"line\":%d,\"message\":", line);
        json_string(w->out, message);
        fputs(",\"want\":", w->out);
        json_string(w->out, want);
        fputs(",\"got\":", w->out);
        json_string(w->out, got);
        fputs("}\n", w->out);
        return;
    }
    fprintf(w->out, "%5d  EXPECT FAILED    %s: want %s, got %s\n", line, message, want, got);
}
