/*
 * reader.h - a scenario's lines, one at a time, from an open file (standard
 * input included) or from a buffer in memory. Memory stays bounded whatever
 * the file's length: one block of input and one line.
 */
#ifndef NTSIM_SIM_READER_H
#define NTSIM_SIM_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct sim_reader sim_reader;

/* A reader of f (which the caller closes after sim_reader_free) or of
   data[0..size) (which must outlive the reader); NULL when the host is out
   of memory. */
sim_reader *sim_reader_of_file(FILE *f);
sim_reader *sim_reader_of_buffer(const char *data, size_t size);
/* A reader of lines a function gives one at a time (an interactive
   prompt): next writes a line without its newline into buf (at most cap
   bytes, *len its length, which may exceed cap when the line was cut) and
   returns false at the end of the input. */
typedef bool (*sim_line_source)(void *context, char *buf, size_t cap, size_t *len);
sim_reader *sim_reader_of_source(sim_line_source next, void *context);
void sim_reader_free(sim_reader *r);

/*
 * The next line without its newline in *text (valid until the next call);
 * false at the end of the input. A line longer than SIM_MAX_LINE bytes sets
 * *too_long and comes back cut at SIM_MAX_LINE + 1 bytes.
 */
bool sim_reader_next(sim_reader *r, const char **text, size_t *len, bool *too_long);

#endif
