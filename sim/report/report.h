/*
 * report.h - `ntsim report SCENARIO -o OUT.html`: one self-contained page
 * (no network, no external script or font) showing a replay: the process
 * tree, each live process's address space as VMMap draws it, the timeline,
 * and every record in a table that can be filtered, from the same
 * deterministic run the other outputs come from.
 */
#ifndef NTSIM_SIM_REPORT_H
#define NTSIM_SIM_REPORT_H

#include <stdio.h>

#include "scenario.h"

/* Replays path with options (format and timeline are the report's own) and
   writes the page to out; the scenario's exit status, or 2 when the page
   could not be made. */
int sim_report(const char *path, const sim_run_options *options, FILE *out, FILE *err);

#endif
