/*
 * jsonl.h - the JSON Lines rendering of records (SCENARIO.md "JSON Lines
 * output"), for writer.c: each call appends one record to the writer's
 * buffer, which goes out once it holds 64 KB (or at sim_writer_flush).
 */
#ifndef NTSIM_SIM_JSONL_H
#define NTSIM_SIM_JSONL_H

#include "writer.h"

void sim_jsonl_result(sim_writer *w, int line, const char *cmd, const sim_record *r);
void sim_jsonl_event(sim_writer *w, int line, const char *event, uint64_t time, const sim_record *r);
void sim_jsonl_error(sim_writer *w, int line, int col, const char *message);
void sim_jsonl_expect(sim_writer *w, int line, const char *message, const char *want, const char *got);

#endif
