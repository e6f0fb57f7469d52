/*
 * reader.c - scenario lines from a file or a buffer, read in 64 KB blocks.
 * A line wholly inside the block is handed out in place; only a line that
 * straddles two blocks is copied.
 */
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "reader.h"
#include "rtl/alloc.h"

struct sim_reader {
    sim_line_source source; /* lines from a function (a prompt), else NULL */
    void *source_context;
    FILE *file;             /* NULL: reading from memory */
    const char *data;
    size_t size, pos;
    char buf[65536];
    size_t start, end;      /* unread bytes of buf */
    bool eof;
    char line[SIM_MAX_LINE + 2];
};

/* Not zeroed: the 68 KB of buffers are written before they are read, and
   a short scenario then touches one page of them, not seventeen. */
static sim_reader *new_reader(void)
{
    sim_reader *r = rtl_malloc(sizeof(sim_reader)); /* NULL when the host is out of memory */
    if (r) {
        r->source = NULL;
        r->source_context = NULL;
        r->file = NULL;
        r->data = NULL;
        r->size = r->pos = 0;
        r->start = r->end = 0;
        r->eof = false;
    }
    return r;
}

sim_reader *sim_reader_of_file(FILE *f)
{
    sim_reader *r = new_reader();
    if (r)
        r->file = f;
    return r;
}

sim_reader *sim_reader_of_buffer(const char *data, size_t size)
{
    sim_reader *r = new_reader();
    if (r) {
        r->data = data;
        r->size = size;
    }
    return r;
}

sim_reader *sim_reader_of_source(sim_line_source next, void *context)
{
    sim_reader *r = new_reader();
    if (r) {
        r->source = next;
        r->source_context = context;
    }
    return r;
}

void sim_reader_free(sim_reader *r)
{
    rtl_free(r);
}

/* The next block into buf; false at the end of the input. */
static bool refill(sim_reader *r)
{
    if (r->file) {
        r->end = fread(r->buf, 1, sizeof r->buf, r->file);
    } else {
        size_t take = r->size - r->pos < sizeof r->buf ? r->size - r->pos : sizeof r->buf;
        memcpy(r->buf, r->data + r->pos, take);
        r->pos += take;
        r->end = take;
    }
    r->start = 0;
    r->eof = r->end == 0;
    return !r->eof;
}

bool sim_reader_next(sim_reader *r, const char **text, size_t *len, bool *too_long)
{
    size_t n = 0;
    bool any = false;
    *too_long = false;
    if (r->source) {
        if (!r->source(r->source_context, r->line, SIM_MAX_LINE + 1, &n))
            return false;
        *too_long = n > SIM_MAX_LINE;
        *text = r->line;
        *len = n > SIM_MAX_LINE ? SIM_MAX_LINE + 1 : n;
        return true;
    }
    for (;;) {
        if (r->start == r->end && (r->eof || !refill(r)))
            break;
        any = true;
        const char *from = r->buf + r->start;
        const char *nl = memchr(from, '\n', r->end - r->start);
        size_t chunk = nl ? (size_t)(nl - from) : r->end - r->start;
        if (n == 0 && nl && chunk <= SIM_MAX_LINE) {
            /* The whole line is in the buffer: read in place, not copied. */
            r->start += chunk + 1;
            *text = from;
            *len = chunk;
            return true;
        }
        size_t room = SIM_MAX_LINE + 1 - n;
        size_t copy = chunk < room ? chunk : room;
        memcpy(r->line + n, from, copy);
        n += copy;
        if (chunk > copy)
            *too_long = true;
        r->start += chunk + (nl ? 1 : 0);
        if (nl)
            break;
    }
    if (!any)
        return false;
    if (n > SIM_MAX_LINE)
        *too_long = true;
    *text = r->line;
    *len = n > SIM_MAX_LINE ? SIM_MAX_LINE + 1 : n;
    return true;
}
