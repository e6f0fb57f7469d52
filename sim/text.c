/*
 * text.c - the text format, for a person (docs/scenario-language.md, "Text
 * format"): a line per result, with the line number, the command as the
 * scenario wrote it (shortened to a column), its status and key=value
 * fields; arrays as tables below it; events indented with the time since
 * boot; a failed expect as what it wanted and what came. Each output line
 * is assembled in the writer's buffer, its trailing blanks dropped, and
 * written whole: a plain diff against the documented output works.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "rtl/alloc.h"
#include "text.h"

/* The command column: wide enough for three lines in four of the shipped
   scenarios; a longer command ends in an ellipsis. */
enum { COMMAND_WIDTH = 40, STATUS_WIDTH = 14, EVENT_WIDTH = 14, CLOCK_WIDTH = 16 };

/* SGR colours: red for what failed, cyan for what the kernel delivered. */
#define COLOR_FAILED "\033[1;31m"
#define COLOR_EVENT "\033[36m"
#define COLOR_OFF "\033[0m"

/* ---- the line buffer ------------------------------------------------------ */

#define tb_grow sim_writer_grow
#define tb_put sim_writer_put

static void tb_str(sim_writer *w, const char *s)
{
    tb_put(w, s, strlen(s));
}

static void tb_printf(sim_writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !tb_grow(w, (size_t)n + 1))
        return;
    va_start(ap, fmt);
    vsnprintf(w->buf + w->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    w->len += (size_t)n;
}

/* n spaces. */
static void tb_pad(sim_writer *w, size_t n)
{
    if (!tb_grow(w, n))
        return;
    memset(w->buf + w->len, ' ', n);
    w->len += n;
}

/* A line ends without the blanks padding left at its end. */
static void tb_newline(sim_writer *w)
{
    while (w->len && (w->buf[w->len - 1] == ' ' || w->buf[w->len - 1] == '\t'))
        w->len--;
    tb_put(w, "\n", 1);
}

/* A record's lines go out whole, or (out of memory) not at all. */
static void tb_record_end(sim_writer *w, bool failed_before)
{
    if (!w->failed && w->len)
        fwrite(w->buf, 1, w->len, w->out);
    w->len = 0;
    w->failed |= failed_before;
}

/* Display columns of UTF-8 text: one per character. */
static size_t columns(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* text left-aligned in width columns, in colour when one is given: the
   escapes take no column, so coloured lines align as plain ones do. */
static void tb_padded(sim_writer *w, const char *color, const char *text, size_t width)
{
    size_t n = columns(text);
    if (color)
        tb_printf(w, "%s%s%s", color, text, COLOR_OFF);
    else
        tb_str(w, text);
    tb_pad(w, n < width ? width - n : 0);
}

/* The command as written, cut to width columns with an ellipsis (never
   inside a character), then padded to them. */
static void tb_command(sim_writer *w, const char *text)
{
    size_t n = columns(text);
    if (n <= COMMAND_WIDTH) {
        tb_padded(w, NULL, text, COMMAND_WIDTH);
        return;
    }
    size_t bytes = 0;
    for (size_t cols = 0; text[bytes]; bytes++) {
        if (((unsigned char)text[bytes] & 0xC0) != 0x80 && cols++ == COMMAND_WIDTH - 1)
            break;
    }
    tb_put(w, text, bytes);
    tb_str(w, "\xE2\x80\xA6"); /* U+2026 HORIZONTAL ELLIPSIS */
}

/* ---- values --------------------------------------------------------------- */

static bool needs_quotes(const char *s)
{
    return *s == '\0' || strpbrk(s, " \t\"") != NULL;
}

/* A field's text: strings as they are (any length), clock readings as the
   time since boot, other values formatted into buf. */
static const char *value_text(const sim_field *f, char *buf, size_t cap)
{
    if (f->type == SIM_STR || f->type == SIM_BYTES)
        return f->v.s;
    if (sim_field_is_clock(f))
        sim_format_clock(f->v.u, buf, cap);
    else
        sim_format_value(f, buf, cap);
    return buf;
}

static void tb_value(sim_writer *w, const sim_field *f)
{
    char buf[512];
    const char *v = value_text(f, buf, sizeof buf);
    if ((f->type == SIM_STR || f->type == SIM_BYTES) && needs_quotes(v))
        tb_printf(w, "\"%s\"", v);
    else
        tb_str(w, v);
}

/* Whether r has fields from `from` on that go on its own line. */
static bool has_scalars(const sim_record *r, uint32_t from, bool inline_lines)
{
    for (uint32_t i = from; i < r->count; i++)
        if (r->fields[i].type != SIM_ARRAY && (r->fields[i].type != SIM_LINES || inline_lines))
            return true;
    return false;
}

/* Scalar fields as key=value; arrays and lines follow on rows of their own,
   except that lines may be asked for inline: key=[a,b]. */
static void tb_scalars(sim_writer *w, const sim_record *r, uint32_t from, bool inline_lines)
{
    for (uint32_t i = from; i < r->count; i++) {
        const sim_field *f = &r->fields[i];
        if (f->type == SIM_LINES && inline_lines) {
            tb_printf(w, " %s=[", f->key);
            for (uint32_t j = 0; j < f->count; j++)
                tb_printf(w, j ? ",%s" : "%s", sim_field_line(r, f, j));
            tb_put(w, "]", 1);
            continue;
        }
        if (f->type == SIM_ARRAY || f->type == SIM_LINES)
            continue;
        tb_printf(w, " %s=", f->key);
        tb_value(w, f);
    }
}

/* An array as a table: a header of keys, then one aligned row per element. */
static void tb_table(sim_writer *w, const sim_record *r, const sim_field *f)
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
                tb_str(w, "       ");
                tb_scalars(w, sim_field_item(r, f, j), 0, true);
                tb_newline(w);
            }
            return;
        }
    }
    uint32_t cols = first->count < MAXCOL ? first->count : MAXCOL;
    for (uint32_t c = 0; c < cols; c++)
        width[c] = columns(first->fields[c].key);
    for (uint32_t i = 0; i < f->count; i++) {
        const sim_record *row = sim_field_item(r, f, i);
        for (uint32_t c = 0; c < cols && c < row->count; c++) {
            size_t n = columns(value_text(&row->fields[c], buf, sizeof buf));
            if (n > width[c])
                width[c] = n;
        }
    }
    tb_str(w, "        ");
    for (uint32_t c = 0; c < cols; c++)
        tb_padded(w, NULL, first->fields[c].key, c + 1 < cols ? width[c] + 2 : 0);
    tb_newline(w);
    for (uint32_t i = 0; i < f->count; i++) {
        const sim_record *row = sim_field_item(r, f, i);
        tb_str(w, "        ");
        for (uint32_t c = 0; c < cols && c < row->count; c++)
            tb_padded(w, NULL, value_text(&row->fields[c], buf, sizeof buf), c + 1 < cols ? width[c] + 2 : 0);
        tb_newline(w);
    }
}

static void tb_rows(sim_writer *w, const sim_record *r)
{
    for (uint32_t i = 0; i < r->count; i++) {
        const sim_field *f = &r->fields[i];
        if (f->type == SIM_ARRAY) {
            tb_table(w, r, f);
        } else if (f->type == SIM_LINES) {
            for (uint32_t j = 0; j < f->count; j++) {
                tb_str(w, "        | ");
                tb_str(w, sim_field_line(r, f, j));
                tb_newline(w);
            }
        }
    }
}

/* ---- records -------------------------------------------------------------- */

static bool is_expect(const char *cmd)
{
    return strncmp(cmd, "expect", 6) == 0;
}

void sim_text_result(sim_writer *w, int line, const char *cmd, const sim_record *r)
{
    bool failed_before = w->failed;
    w->failed = false;
    bool has_status = r->count && r->fields[0].type == SIM_STATUS;
    NTSTATUS st = has_status ? (NTSTATUS)r->fields[0].v.i : STATUS_SUCCESS;
    /* An expect says ok, or said what failed already (sim_text_expect). */
    if (is_expect(cmd) && !NT_SUCCESS(st)) {
        tb_record_end(w, failed_before);
        return;
    }
    char status[64] = "";
    if (is_expect(cmd) && has_status)
        snprintf(status, sizeof status, "ok");
    else if (has_status)
        sim_format_value(&r->fields[0], status, sizeof status);
    tb_printf(w, "%5d  ", line);
    tb_command(w, w->command ? w->command : cmd);
    tb_str(w, "  ");
    bool fields = has_scalars(r, has_status ? 1 : 0, false);
    tb_padded(w, w->color && !NT_SUCCESS(st) ? COLOR_FAILED : NULL, status, fields ? STATUS_WIDTH + 1 : 0);
    tb_scalars(w, r, has_status ? 1 : 0, false);
    tb_newline(w);
    tb_rows(w, r);
    tb_record_end(w, failed_before);
}

void sim_text_event(sim_writer *w, int line, const char *event, uint64_t time, const sim_record *r)
{
    char clock[32];
    bool failed_before = w->failed;
    w->failed = false;
    tb_printf(w, "%5d    event ", line);
    tb_padded(w, w->color ? COLOR_EVENT : NULL, event, EVENT_WIDTH);
    tb_str(w, " ");
    sim_format_clock(time, clock, sizeof clock);
    tb_padded(w, NULL, clock, CLOCK_WIDTH);
    tb_scalars(w, r, 0, true);
    tb_newline(w);
    tb_record_end(w, failed_before);
}

void sim_text_expect(sim_writer *w, int line, const char *message, const char *want, const char *got)
{
    bool failed_before = w->failed;
    w->failed = false;
    tb_printf(w, "%5d  ", line);
    tb_command(w, w->command ? w->command : "expect");
    tb_str(w, "  ");
    tb_padded(w, w->color ? COLOR_FAILED : NULL, "EXPECT FAILED", STATUS_WIDTH + 2);
    tb_printf(w, "%s: want %s, got %s", message, want, got);
    tb_newline(w);
    tb_record_end(w, failed_before);
}
