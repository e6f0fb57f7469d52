/*
 * parser.h - a tokenized scenario line into a command and its values,
 * checked against the command table (command_table.c) and the names the
 * file has defined so far: everything about a line that is known before it
 * runs. A line that passes runs; one that fails is a scenario error.
 */
#ifndef NTSIM_SIM_PARSER_H
#define NTSIM_SIM_PARSER_H

#include "command.h"

/* A scenario error: where on its line, and what. */
typedef struct sim_error {
    int col;
    char message[300];
} sim_error;

/* Sets e to an error at column col; returns false, for `return sim_error_at(...)`. */
bool sim_error_at(sim_error *e, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Parses and validates line into a; false with err set on a scenario error. */
bool sim_parse_command(sim_context *ctx, const sim_line *line, sim_args *a, sim_error *err);

#endif
