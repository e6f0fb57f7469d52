/*
 * writer.c - records out, in the format asked for: JSON Lines by jsonl.c,
 * text for a person by text.c.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "jsonl.h"
#include "rtl/alloc.h"
#include "text.h"
#include "writer.h"

void sim_write_result(sim_writer *w, int line, const char *cmd, const sim_record *r)
{
    if (w->muted)
        return;
    if (w->format == SIM_FORMAT_JSONL) {
        sim_jsonl_result(w, line, cmd, r);
        return;
    }
    sim_text_result(w, line, cmd, r);
}

void sim_write_event(sim_writer *w, int line, const char *event, uint64_t time, const sim_record *r)
{
    if (w->muted)
        return;
    if (w->format == SIM_FORMAT_JSONL) {
        sim_jsonl_event(w, line, event, time, r);
        return;
    }
    sim_text_event(w, line, event, time, r);
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
    sim_text_expect(w, line, message, want, got);
}

bool sim_writer_grow_slow(sim_writer *w, size_t more)
{
    size_t cap = w->cap ? w->cap * 2 : 4096;
    while (cap < w->len + more)
        cap *= 2;
    char *b = rtl_realloc(w->buf, cap);
    if (!b) {
        w->failed = true;
        return false;
    }
    w->buf = b;
    w->cap = cap;
    return true;
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
