/*
 * text.h - the text rendering of records, for a person (docs/scenario-
 * language.md, "Text format"), for writer.c: each call writes one record's
 * lines whole to the writer's stream.
 */
#ifndef NTSIM_SIM_TEXT_H
#define NTSIM_SIM_TEXT_H

#include "writer.h"

void sim_text_result(sim_writer *w, int line, const char *cmd, const sim_record *r);
void sim_text_event(sim_writer *w, int line, const char *event, uint64_t time, const sim_record *r);
/* A failed expect: its line, with what it wanted and what came; the expect's
   own result then writes nothing more. */
void sim_text_expect(sim_writer *w, int line, const char *message, const char *want, const char *got);

#endif
