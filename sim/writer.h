/*
 * writer.h - writes records as JSON Lines (the contract's machine format)
 * or as aligned text for a person. Output depends on nothing but the records.
 */
#ifndef NTSIM_SIM_WRITER_H
#define NTSIM_SIM_WRITER_H

#include <stdio.h>
#include <string.h>

#include "record.h"

typedef enum sim_format { SIM_FORMAT_TEXT, SIM_FORMAT_JSONL } sim_format;

typedef struct sim_writer {
    sim_format format;
    FILE *out;
    char *buf;        /* the record being assembled (jsonl) */
    size_t len, cap;
    /* A command's records share their line and events their time:
       each is formatted once and copied after that. */
    struct sim_number_text {
        uint64_t value;
        char text[24];
        size_t len; /* 0: nothing formatted yet */
    } line_text, time_text, t_text;
    NTSTATUS status;         /* the last status written, its name and length */
    const char *status_name;
    size_t status_len;
    bool failed;             /* a record was dropped for want of memory (the engine reports and clears it) */
    bool color;              /* text for a terminal: failed statuses, EXPECT FAILED and event kinds in colour */
    bool muted;              /* nothing more is written (a debugging session that ended) */
    const char *command;     /* text: the running line as written (sim_line_display), shown with its result; NULL: its name */
    const char *scenario;    /* jsonl of a run of several files: the file every record names, else NULL */
} sim_writer;

/* Room for `more` bytes in the record buffer, both formats' one growth rule;
   out of host memory, false and the writer failed (the record is dropped whole). */
bool sim_writer_grow_slow(sim_writer *w, size_t more);
static inline bool sim_writer_grow(sim_writer *w, size_t more)
{
    return w->len + more <= w->cap || sim_writer_grow_slow(w, more);
}

static inline void sim_writer_put(sim_writer *w, const char *s, size_t n)
{
    if (!sim_writer_grow(w, n))
        return;
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

/* Writes out what is buffered; free flushes too. */
void sim_writer_flush(sim_writer *w);
void sim_writer_free(sim_writer *w);

/* A command's result: r holds status first, then the command's fields. */
void sim_write_result(sim_writer *w, int line, const char *cmd, const sim_record *r);
/* A notification delivered while a command ran. */
void sim_write_event(sim_writer *w, int line, const char *event, uint64_t time, const sim_record *r);
/* A scenario error (jsonl only: text reports errors on standard error alone). */
void sim_write_error(sim_writer *w, int line, int col, const char *message);
/* A failed expect. */
void sim_write_expect(sim_writer *w, int line, const char *message, const char *want, const char *got);

#endif
