/*
 * line_editor.h - line editing and history at a terminal's prompt (`ntsim
 * run -`, `ntsim debug`) with GNU readline, loaded the first time a prompt
 * asks for a line. A replay never pays for it: linked in, its relocations
 * were a third of the instructions of a short run's start.
 */
#ifndef NTSIM_SIM_LINE_EDITOR_H
#define NTSIM_SIM_LINE_EDITOR_H

#include <stdbool.h>
#include <stdio.h>

/* Loads readline when it was not tried yet; false when the build leaves it
   out (NTSIM_READLINE=OFF) or the system has none: then plain lines. */
bool sim_line_editor_available(void);

/* One line edited at prompt, read from in with the prompt on out, added to
   the history when not empty. The line is the caller's to free(); NULL at
   the end of input. Only after sim_line_editor_available() said true. */
char *sim_line_editor_read(const char *prompt, FILE *in, FILE *out);

#endif
