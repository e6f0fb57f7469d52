/*
 * scenario.h - replaying and checking scenario files (SCENARIO.md
 * "Running"). A file is read and run line by line: memory stays bounded by
 * the live objects, whatever the file's length.
 */
#ifndef NTSIM_SIM_SCENARIO_H
#define NTSIM_SIM_SCENARIO_H

#include <stdio.h>

#include "ntsim/system.h"
#include "writer.h"

typedef struct sim_run_options {
    sim_format format;
    bool has_seed;
    uint64_t seed;
    bool trace_sched;    /* --trace sched: thread_state events */
    bool trace_syscalls; /* --trace syscalls: syscall events */
    struct sim_audio *audio; /* --audio: collects the beep events' tones (sim/audio.h), or NULL */
    struct sim_timeline *timeline; /* --timeline: the run as a trace (sim/timeline.h), or NULL */
    struct sim_sysmon *sysmon;     /* --format sysmon: the events as Sysmon's (sim/sysmon.h), or NULL */
    /* Called once at the end of a file's run, before its system goes down (the report reads it). */
    void (*at_end)(ntsim_system *sys, void *context);
    void *at_end_context;
    bool check_invariants;   /* ntsim_check_system after every command; a broken one aborts (tests) */
    bool color;              /* text format: colour for a terminal (sim_writer.color) */
    bool interactive;        /* standard input is a terminal: `-` is a session at a prompt (prompt.h) */
    bool name_files;         /* a run of several files: jsonl records carry `scenario`, text has a header per file */
    struct sim_debugger *debugger; /* ntsim debug: stops the replay (sim/debug/debug.h), or NULL */
} sim_run_options;

/* Exit statuses of the contract. */
enum { SIM_EXIT_OK = 0, SIM_EXIT_EXPECT = 1, SIM_EXIT_ERROR = 2 };

/* Replays one file ("-" = standard input); errors go to err as FILE:LINE:COL. */
int sim_run_file(const char *path, const sim_run_options *options, FILE *out, FILE *err);

/* Parses and validates one file without running it, reporting every error;
   *lines (when not NULL) receives how many lines it read. */
int sim_check_file(const char *path, FILE *err, int *lines);

/* Both, on a buffer (for tests and the fuzzer); name is used in messages. */
int sim_run_buffer(const char *name, const char *data, size_t len, const sim_run_options *options, FILE *out, FILE *err);
int sim_check_buffer(const char *name, const char *data, size_t len, FILE *err);

#endif
