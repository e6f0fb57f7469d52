/*
 * prompt.h - `ntsim run -` on a terminal: an interactive session. Each line
 * typed is a scenario line, run as soon as it is entered; `help` lists the
 * commands, `quit` or end of input (Ctrl-D) ends the session. Lines are
 * edited, with history, by readline when the build has it.
 */
#ifndef NTSIM_SIM_PROMPT_H
#define NTSIM_SIM_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct sim_prompt {
    FILE *in;    /* what is typed (a terminal) */
    FILE *talk;  /* the prompt, the greeting and help: not the run's output */
    bool greeted;
} sim_prompt;

/* A sim_line_source (reader.h) over the prompt: context is a sim_prompt. */
bool sim_prompt_next(void *context, char *buf, size_t cap, size_t *len);

#endif
