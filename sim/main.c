/*
 * main.c - the `ntsim` command line: run and check scenario files.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "help.h"
#include "ntsim/system.h"
#include "scenario.h"
#include "values.h"

static const char usage[] =
    "usage: ntsim run [--format text|jsonl] [--seed N] [--trace sched|syscalls]... [--audio OUT.wav]\n"
    "                 [--check-first] FILE...\n"
    "       ntsim check FILE...\n"
    "       ntsim --help | ntsim run --help | ntsim --version\n"
    "\n"
    "ntsim replays scenario files against a deterministic simulation of the\n"
    "Windows kernel: processes, threads, handles, virtual memory and, as they\n"
    "land, the scheduler, system services and sample drivers.\n"
    "\n"
    "commands:\n"
    "  run     replay files ('-' is standard input) and print each command's\n"
    "          result and the notifications it delivered\n"
    "  check   parse and validate files without running them; report every error\n"
    "\n"
    "exit status: 0 all ran and every expect held; 1 an expect failed;\n"
    "2 a scenario error (syntax, unknown name, bad option) or an unreadable file.\n"
    "Scenario errors are printed as FILE:LINE:COL: error: MESSAGE.\n"
    "\n"
    "The language and the output records are in docs/scenario-language.md\n"
    "(the contract: SCENARIO.md). Try: ntsim run --help\n";

static const char run_usage[] =
    "usage: ntsim run [--format text|jsonl] [--seed N] [--trace sched|syscalls]... [--audio OUT.wav]\n"
    "                 [--check-first] FILE...\n"
    "\n"
    "options:\n"
    "  --format text   aligned lines for a person (default)\n"
    "  --format jsonl  one JSON object a line: result, event, error, expect records\n"
    "  --seed N        the seed that decides everything that varies (ASLR bases...);\n"
    "                  overrides the system line's seed=. Same file, seed and\n"
    "                  options: byte-identical output everywhere.\n"
    "  --trace sched   a thread_state event (tid, from, to, cpu) for every\n"
    "                  scheduling state change\n"
    "  --trace syscalls  a syscall event (tid, number, name, args, status) for\n"
    "                  every system service call (may be given with sched)\n"
    "  --audio OUT.wav write every tone the speaker played (the beep driver's\n"
    "                  beep events) into a WAV file, 44.1 kHz 16-bit mono, from\n"
    "                  the first tone on; one FILE only. Same run, same bytes.\n"
    "  --check-first   validate every FILE as 'ntsim check' does before running\n"
    "                  any: on an error, print every error (FILE:LINE:COL) on\n"
    "                  standard error, run nothing and exit 2. Without it a run\n"
    "                  streams: it stops at the first error, with the output of\n"
    "                  the lines before it written (the contract's rule).\n"
    "                  Standard input ('-') is never read twice: it streams.\n"
    "\n"
    "scenario lines (one command a line, '#' comments, key=value options):\n"
    "  system [arch=x64|x86] [cpus=N] [seed=N] [aslr=on|off] [increase_uva=SIZE]\n"
    "         [memory=SIZE] [pagefile=SIZE]                  first line, if present\n"
    "  process create NAME image=PATH [parent=PROC] [by=THREAD] [cmdline=STR]\n"
    "         [arch=x86|x64] [laa=on|off] [stack_reserve=SIZE] [stack_commit=SIZE]\n"
    "         [lock_memory=on|off]\n"
    "  process exit PROC [code=N]     process query PROC     process list\n"
    "  thread create PROC NAME [by=THREAD] [stack=SIZE] [reserve=on|off]\n"
    "  thread exit THREAD [code=N]    thread query THREAD\n"
    "  thread priority|affinity|wait|wake|suspend|resume THREAD ...\n"
    "  stack touch THREAD BYTES       image load PROC PATH [size=SIZE] [by=THREAD]\n"
    "  vm alloc PROC ADDR SIZE TYPE PROT     vm free PROC ADDR SIZE TYPE\n"
    "  vm protect PROC ADDR SIZE PROT        vm query PROC ADDR\n"
    "  vm touch PROC ADDR read|write|execute vm map PROC\n"
    "  handle open PROC TARGET access=MASK   handle dup PROC HANDLE [to=PROC] [access=MASK]\n"
    "  handle close PROC HANDLE              handle list PROC\n"
    "  syscall THREAD SERVICE ARG...         syscall table\n"
    "  driver load NAME [OPTION=VALUE...]    driver unload NAME\n"
    "  driver load PATH [name=NAME] [OPTION=VALUE...]   a driver of your own: a module built\n"
    "                                        by ntsim_add_driver; PATH has a / or ends in .so and\n"
    "                                        is relative to the scenario's folder; NAME: its stem\n"
    "  client read NAME [buffer=SIZE]        client write NAME [FIELD=VALUE...]\n"
    "  client open NAME [by=THREAD]          client close NAME\n"
    "  client ioctl NAME [FIELD=VALUE...]    (melody: notes=F:D[:DELAY[:REPEAT]],...)\n"
    "  client open NAME device=PATH [by=THREAD]   a driver from a file: the generic client;\n"
    "         PATH \\\\.\\X, \\??\\X or \\Device\\X; then client read NAME buffer=SIZE,\n"
    "         client write NAME data=HEX, client ioctl NAME code=CODE [input=HEX]\n"
    "         [output=SIZE] (results: bytes, data in hex), client close NAME\n"
    "  sleep DURATION                        (10ms, 2s, 100us, or 100 ns ticks)\n"
    "  expect status STATUS_NAME | expect FIELD=VALUE... | expect event EVENT [FIELD=VALUE...]\n"
    "\n"
    "values: numbers are decimal or 0x hex with an optional K, M, G or T suffix;\n"
    "flags are SDK names joined by | (MEM_RESERVE|MEM_COMMIT) or a number.\n"
    "The Idle and System processes and the thread System.main exist at boot;\n"
    "a process p's first thread is p.main.\n";

/* --audio: the recorded tones into the WAV file (opened before the run); 0, or 2 when it cannot be written. */
static int write_audio(const sim_audio *audio, FILE *f, const char *path)
{
    bool ok = sim_audio_write(audio, f);
    ok &= fclose(f) == 0;
    if (!ok) {
        fprintf(stderr, "ntsim: cannot write %s (a write failed, or more than 4 GB of samples)\n", path);
        remove(path);
        return 2;
    }
    return 0;
}

static int run(int argc, char **argv)
{
    /* With an allocation made to fail, the system is checked after every command. */
    const char *fail = getenv("NTSIM_FAIL_ALLOC");
    sim_run_options o = { .format = SIM_FORMAT_TEXT, .check_invariants = fail && *fail };
    const char *audio_path = NULL;
    bool check_first = false;
    int i = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(run_usage, stdout);
            return 0;
        }
        if (strcmp(a, "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "text") == 0)
                o.format = SIM_FORMAT_TEXT;
            else if (strcmp(f, "jsonl") == 0)
                o.format = SIM_FORMAT_JSONL;
            else {
                fprintf(stderr, "ntsim: unknown format '%s' (text or jsonl)\n", f);
                return 2;
            }
        } else if (strcmp(a, "--seed") == 0 && i + 1 < argc) {
            const char *s = argv[++i];
            if (!sim_parse_number(s, strlen(s), &o.seed)) {
                fprintf(stderr, "ntsim: bad seed '%s'\n", s);
                return 2;
            }
            o.has_seed = true;
        } else if (strcmp(a, "--trace") == 0 && i + 1 < argc) {
            const char *t = argv[++i];
            if (strcmp(t, "sched") == 0) {
                o.trace_sched = true;
            } else if (strcmp(t, "syscalls") == 0) {
                o.trace_syscalls = true;
            } else {
                fprintf(stderr, "ntsim: unknown trace '%s' (sched or syscalls)\n", t);
                return 2;
            }
        } else if (strcmp(a, "--audio") == 0 && i + 1 < argc) {
            audio_path = argv[++i];
        } else if (strcmp(a, "--check-first") == 0) {
            check_first = true;
        } else if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "ntsim: unknown or incomplete option '%s'\n%s", a, run_usage);
            return 2;
        } else {
            break;
        }
    }
    if (i == argc) {
        fprintf(stderr, "ntsim run: no scenario file given\n%s", run_usage);
        return 2;
    }
    if (audio_path && argc - i != 1) {
        fprintf(stderr, "ntsim run: --audio renders one scenario: give one FILE\n");
        return 2;
    }
    if (check_first) {
        /* A pre-pass over every file (the parser is fast): a replay that would fail half-way runs nothing. */
        int invalid = 0;
        for (int j = i; j < argc; j++)
            if (strcmp(argv[j], "-") != 0 && sim_check_file(argv[j], stderr) != 0)
                invalid = SIM_EXIT_ERROR;
        if (invalid)
            return invalid;
    }
    FILE *audio_file = NULL;
    if (audio_path && !(audio_file = fopen(audio_path, "wb"))) {
        fprintf(stderr, "ntsim: cannot write %s\n", audio_path);
        return 2;
    }
    if (audio_path && !(o.audio = sim_audio_create())) {
        fprintf(stderr, "ntsim: out of memory\n");
        fclose(audio_file);
        return 2;
    }
    int worst = 0;
    for (; i < argc; i++) {
        int s = sim_run_file(argv[i], &o, stdout, stderr);
        if (s > worst)
            worst = s;
        if (s == SIM_EXIT_ERROR)
            break; /* the run stops at a scenario error */
    }
    if (audio_path) {
        /* What was heard up to the end (or up to a scenario error) is written. */
        int s = write_audio(o.audio, audio_file, audio_path);
        if (s > worst)
            worst = s;
        sim_audio_free(o.audio);
    }
    return worst;
}

static int check(int argc, char **argv)
{
    if (argc == 0) {
        fprintf(stderr, "ntsim check: no scenario file given\n");
        return 2;
    }
    int worst = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs("usage: ntsim check FILE...\nParses and validates each file, reporting every error as\n"
                  "FILE:LINE:COL: error: MESSAGE; exit 0 when all are valid, 2 otherwise.\n", stdout);
            return 0;
        }
        int s = sim_check_file(argv[i], stderr);
        if (s > worst)
            worst = s;
    }
    return worst;
}

/* NTSIM_ALLOC_LOG: one line per host allocation, "N SITE", as it is made. */
static void log_allocation(void *context, uint64_t n, const char *site)
{
    fprintf(context, "%" PRIu64 " %s\n", n, site);
}

/*
 * The fault-injection controls (docs/testing.md): NTSIM_FAIL_ALLOC=N makes
 * the N-th host allocation of the run fail; NTSIM_ALLOC_LOG=FILE lists every
 * allocation and where it is made. Both need a build with fault injection.
 * Returns 0, or 2 when they cannot be honoured; *log is the opened log.
 */
static int fault_injection(FILE **log)
{
    const char *fail = getenv("NTSIM_FAIL_ALLOC"), *path = getenv("NTSIM_ALLOC_LOG");
    *log = NULL;
    if ((!fail || !*fail) && (!path || !*path))
        return 0;
    uint64_t n = 0;
    if (fail && *fail && !sim_parse_number(fail, strlen(fail), &n)) {
        fprintf(stderr, "ntsim: bad NTSIM_FAIL_ALLOC '%s' (a number)\n", fail);
        return 2;
    }
    if (!ntsim_fail_allocation(n)) {
        fprintf(stderr, "ntsim: NTSIM_FAIL_ALLOC and NTSIM_ALLOC_LOG need a build with NTSIM_FAULT_INJECTION\n");
        return 2;
    }
    if (path && *path) {
        if (!(*log = fopen(path, "w"))) {
            fprintf(stderr, "ntsim: cannot write %s\n", path);
            return 2;
        }
        ntsim_observe_allocations(log_allocation, *log);
    }
    return 0;
}

static int command(int argc, char **argv);

int main(int argc, char **argv)
{
    FILE *log;
    if (fault_injection(&log) != 0)
        return 2;
    int status = command(argc, argv);
    if (log) {
        ntsim_observe_allocations(NULL, NULL);
        fclose(log);
    }
    return status;
}

static int command(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || (strcmp(argv[1], "help") == 0 && argc == 2)) {
        fputs(usage, stdout);
        return 0;
    }
    /* For completion scripts: the built-in driver names, one a line (not in the help). */
    if (strcmp(argv[1], "--list-drivers") == 0) {
        sim_list_drivers(stdout);
        return 0;
    }
    if (strcmp(argv[1], "help") == 0 && argc > 2) {
        if (strcmp(argv[2], "drivers") == 0) {
            sim_help_drivers(stdout);
            return 0;
        }
        if (sim_help_driver(stdout, argv[2]))
            return 0;
        fprintf(stderr, "ntsim help: unknown topic '%s' (drivers, or a driver's name)\n", argv[2]);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0) {
        puts("ntsim 0.1.0");
        return 0;
    }
    if (strcmp(argv[1], "run") == 0)
        return run(argc - 2, argv + 2);
    if (strcmp(argv[1], "check") == 0)
        return check(argc - 2, argv + 2);
    fprintf(stderr, "ntsim: unknown command '%s'\n%s", argv[1], usage);
    return 2;
}
