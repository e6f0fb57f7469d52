/*
 * writer.c - records out, in the format asked for: JSON Lines by jsonl.c,
 * or aligned text for a person, here: a result a line (status, then
 * key=value fields), arrays as tables below it, events indented under
 * their command with the time of day.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "rtl/alloc.h"
#include "writer.h"

/* ---- text ------------------------------------------------------------------ */

static bool needs_quotes(const char *s)
{
    return *s == '\0' || strpbrk(s, " \t\"") != NULL;
}

/* A field's text: strings as they are (any length), other values formatted into buf. */
static const char *value_text(const sim_field *f, char *buf, size_t cap)
{
    if (f->type == SIM_STR || f->type == SIM_BYTES)
        return f->v.s;
    sim_format_value(f, buf, cap);
    return buf;
}

static void text_value(FILE *out, const sim_field *f)
{
    char buf[512];
    const char *v = value_text(f, buf, sizeof buf);
    if ((f->type == SIM_STR || f->type == SIM_BYTES) && needs_quotes(v))
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
    /* Rows of different shapes (a monitor's mixed items) read better as key=value lines. */
    for (uint32_t i = 1; i < f->count; i++) {
        const sim_record *row = sim_field_item(r, f, i);
        bool same = row->count == first->count;
        for (uint32_t c = 0; same && c < row->count; c++)
            same = strcmp(row->fields[c].key, first->fields[c].key) == 0;
        if (!same) {
            for (uint32_t j = 0; j < f->count; j++) {
                fprintf(out, "       ");
                text_scalars(out, sim_field_item(r, f, j), 0, true);
                fputc('\n', out);
            }
            return;
        }
    }
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

/* SGR colours: red for what failed, cyan for what the kernel delivered. */
#define COLOR_FAILED "\033[1;31m"
#define COLOR_EVENT "\033[36m"
#define COLOR_OFF "\033[0m"

/* text left-aligned in width columns, in colour when one is given: the
   escapes take no column, so coloured lines align as plain ones do. */
static void text_padded(FILE *out, const char *color, const char *text, int width)
{
    int n = (int)strlen(text);
    if (color)
        fprintf(out, "%s%s%s%*s", color, text, COLOR_OFF, n < width ? width - n : 0, "");
    else
        fprintf(out, "%-*s", width, text);
}

void sim_write_result(sim_writer *w, int line, const char *cmd, const sim_record *r)
{
    if (w->muted)
        return;
    if (w->format == SIM_FORMAT_JSONL) {
        sim_jsonl_result(w, line, cmd, r);
        return;
    }
    char status[64] = "";
    if (r->count && r->fields[0].type == SIM_STATUS)
        sim_format_value(&r->fields[0], status, sizeof status);
    bool failed = status[0] && !NT_SUCCESS((NTSTATUS)r->fields[0].v.i);
    fprintf(w->out, "%5d  %-16s ", line, cmd);
    text_padded(w->out, w->color && failed ? COLOR_FAILED : NULL, status, 30);
    text_scalars(w->out, r, status[0] ? 1 : 0, false);
    fputc('\n', w->out);
    text_rows(w->out, r);
}

void sim_write_event(sim_writer *w, int line, const char *event, uint64_t time, const sim_record *r)
{
    if (w->muted)
        return;
    if (w->format == SIM_FORMAT_JSONL) {
        sim_jsonl_event(w, line, event, time, r);
        return;
    }
    fprintf(w->out, "%5d    event ", line);
    text_padded(w->out, w->color ? COLOR_EVENT : NULL, event, 14);
    fputc(' ', w->out);
    text_time(w->out, time);
    text_scalars(w->out, r, 0, true);
    fputc('\n', w->out);
}

void sim_write_error(sim_writer *w, int line, int col, const char *message)
{
    if (w->muted)
        return;
    if (w->format == SIM_FORMAT_JSONL)
        sim_jsonl_error(w, line, col, message);
}

void sim_write_expect(sim_writer *w, int line, const char *message, const char *want, const char *got)
{
    if (w->muted)
        return;
    if (w->format == SIM_FORMAT_JSONL) {
        sim_jsonl_expect(w, line, message, want, got);
        return;
    }
    fprintf(w->out, "%5d  ", line);
    text_padded(w->out, w->color ? COLOR_FAILED : NULL, "EXPECT FAILED", 17);
    fprintf(w->out, "%s: want %s, got %s\n", message, want, got);
}

void sim_writer_flush(sim_writer *w)
{
    if (w->len)
        fwrite(w->buf, 1, w->len, w->out);
    w->len = 0;
}

void sim_writer_free(sim_writer *w)
{
    sim_writer_flush(w);
    rtl_free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}
