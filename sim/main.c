/*
 * main.c - the `ntsim` command line: run and check scenario files.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio.h"
#include "debug/debug.h"
#include "help.h"
#include "ntsim/system.h"
#include "scenario.h"
#include "timeline.h"
#include "sysmon.h"
#include "report/report.h"
#include "values.h"

static const char usage[] =
    "usage: ntsim run [OPTION...] FILE...   replay scenario files ('-' is standard input;\n"
    "                                       on a terminal, a prompt that runs each line typed)\n"
    "       ntsim check [-q] FILE...        validate them without running them\n"
    "       ntsim report SCENARIO -o OUT.html  the replay as one page to look at\n"
    "       ntsim debug [-c CMDS] SCENARIO  replay under a kernel debugger's prompt (kd>)\n"
    "       ntsim help [drivers|DRIVER]     this text; the built-in drivers\n"
    "       ntsim version                   the version (also -V, --version)\n"
    "\n"
    "ntsim replays scenario files against a deterministic simulation of the\n"
    "Windows kernel: processes and threads, handles, virtual memory, thread\n"
    "stacks, the scheduler, system services, and drivers with their\n"
    "notifications, the sample drivers of Windows Kernel Programming among them.\n"
    "Same file, seed and options: byte-identical output on every machine.\n"
    "\n"
    "commands:\n"
    "  run     replay files and print each command's result and the\n"
    "          notifications it delivered (ntsim run --help: its options and\n"
    "          every scenario command)\n"
    "  check   parse and validate files without running them; report every error\n"
    "          and, for a valid file, FILE: ok (N lines)\n"
    "  report  replay one file into one HTML page: process tree, address\n"
    "          spaces, timeline, records (ntsim report --help)\n"
    "  debug   replay one file under a kernel debugger: stop at lines, events,\n"
    "          driver routines; !process, !thread, !vad, dt... (ntsim debug --help)\n"
    "\n"
    "exit status: 0 all ran and every expect held; 1 an expect failed;\n"
    "2 a scenario error (syntax, unknown name, bad option), an unreadable file\n"
    "or a bad command line. Scenario errors print as FILE:LINE:COL: error: MESSAGE.\n"
    "\n"
    "More: man ntsim, man ntsim-scenario (the language).\n";

static const char run_usage[] =
    "usage: ntsim run [--format text|jsonl|sysmon] [--seed N] [--trace sched|syscalls]... [--audio OUT.wav]\n"
    "                 [--timeline OUT.json] [--color[=auto|always|never]] [--check-first] FILE...\n"
    "\n"
    "options (--NAME VALUE or --NAME=VALUE):\n"
    "  --format text   aligned lines for a person (default)\n"
    "  --format jsonl  one JSON object a line: result, event, error, expect records\n"
    "  --format sysmon the events as Sysmon's event log has them (IDs 1, 5, 7, 8, 10),\n"
    "                  one Event element of XML a line\n"
    "  --seed N        the seed that decides everything that varies (ASLR bases...);\n"
    "                  overrides the system line's seed=. Same file, seed and\n"
    "                  options: byte-identical output everywhere.\n"
    "  --trace sched   a thread_state event (pid, tid, from, to, cpu) for every\n"
    "                  scheduling state change\n"
    "  --trace syscalls  a syscall event (tid, number, name, args, status) for\n"
    "                  every system service call (may be given with sched)\n"
    "  --audio OUT.wav write every tone the speaker played (the beep driver's\n"
    "                  beep events) into a WAV file, 44.1 kHz 16-bit mono, from\n"
    "                  the first tone on; one FILE only. Same run, same bytes.\n"
    "                  A run that played no tone writes an empty WAV and says so.\n"
    "  --color[=WHEN]  colour failed statuses, EXPECT FAILED and event kinds: auto\n"
    "                  (the default: on a terminal, unless NO_COLOR is set),\n"
    "                  always (--color alone) or never\n"
    "  --timeline OUT.json  write the run as a trace in the Trace Event Format,\n"
    "                  for ui.perfetto.dev or chrome://tracing: processes and\n"
    "                  threads as tracks, thread states and processors as\n"
    "                  slices, notifications as marks, remote threads as\n"
    "                  arrows; one FILE only.\n"
    "  --check-first   validate every FILE as 'ntsim check' does before running\n"
    "                  any: on an error, print every error (FILE:LINE:COL) on\n"
    "                  standard error, run nothing and exit 2. Without it a run\n"
    "                  streams: it stops at the first error, with the output of\n"
    "                  the lines before it written (the contract's rule).\n"
    "                  Standard input ('-') is never read twice: it streams.\n"
    "\n"
    "scenario commands (one a line, '#' comments; options key=value in any order\n"
    "after the positional arguments; [brackets]: optional):\n";

static const char run_usage_tail[] =
    "\n"
    "values: numbers are decimal or 0x hex with an optional K, M, G or T suffix\n"
    "(or k, m, g, t: 64k = 64K = 0x10000); durations 10ms, 2s, 100us or ticks\n"
    "of 100 ns; flags are SDK names joined by | (MEM_RESERVE|MEM_COMMIT) or a\n"
    "number. The Idle and System processes and the thread System.main exist at\n"
    "boot; a process p's first thread is p.main.\n"
    "driver load NAME loads a built-in driver (ntsim help drivers); driver load\n"
    "PATH a module of your own (built by ntsim_add_driver; PATH has a / or ends\n"
    "in .so, relative to the scenario's folder), whose device the generic client\n"
    "opens: client open NAME device=PATH, then client read NAME buffer=SIZE,\n"
    "client write NAME data=HEX, client ioctl NAME code=CODE [input=HEX] [output=SIZE].\n";

static const char check_usage[] =
    "usage: ntsim check [-q|--quiet] FILE...\n"
    "Parses and validates each file without running it, reporting every error as\n"
    "FILE:LINE:COL: error: MESSAGE, and each valid file as FILE: ok (N lines)\n"
    "(nothing with -q); exit 0 when all are valid, 2 otherwise.\n";

/*
 * Optimal string alignment distance (Levenshtein plus swapping two
 * neighbours): a typo such as --fromat is one edit from --format.
 */
static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 63 || m > 63)
        return 64; /* nothing that long is a near miss of a short option */
    size_t d[64][64];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[n][m];
}

/* The candidate nearest to word, if near enough to be what was meant (a third of its letters wrong at most). */
static const char *nearest(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (const char *const *c = candidates; *c; c++) {
        size_t d = edit_distance(word, *c);
        if (d < best_d) {
            best = *c;
            best_d = d;
        }
    }
    return best && best_d <= 2 && best_d * 3 <= strlen(best) ? best : NULL;
}

/*
 * A mistyped word on the command line: one error line, one hint line (the
 * nearest candidate, and where the full list is), exit status 2. Not the
 * whole usage: the mistake would scroll away.
 */
static int bad_word(const char *who, const char *what, const char *word, const char *const *candidates,
                    const char *where)
{
    fprintf(stderr, "%s: unknown %s '%s'\n", who, what, word);
    const char *near = nearest(word, candidates);
    if (near)
        fprintf(stderr, "hint: did you mean %s? (%s)\n", near, where);
    else
        fprintf(stderr, "hint: %s\n", where);
    return 2;
}

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

static const char *const run_options[] = { "--format", "--seed", "--trace", "--audio", "--timeline", "--check-first", "--color", "--help",
                                            NULL };
static const char *const formats[] = { "text", "jsonl", "sysmon", NULL };
static const char *const traces[] = { "sched", "syscalls", NULL };
static const char *const whens[] = { "auto", "always", "never", NULL };

static bool one_of(const char *word, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(word, *list) == 0)
            return true;
    return false;
}

/*
 * --color auto: colour when standard output is a terminal that can show it,
 * unless NO_COLOR is set to anything (no-color.org); always and never decide
 * alone. Pipes and files get plain text, byte for byte the golden outputs.
 */
static bool use_color(const char *when)
{
    if (strcmp(when, "always") == 0)
        return true;
    if (strcmp(when, "never") == 0)
        return false;
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && !(no_color && *no_color) && !(term && strcmp(term, "dumb") == 0);
}

/*
 * The value of a run option that takes one: after '=' (--format=jsonl) or
 * the next argument. NULL, with the error said, when it is missing.
 */
static const char *option_value(int argc, char **argv, int *i, const char *eq)
{
    if (eq)
        return eq + 1;
    if (*i + 1 < argc)
        return argv[++*i];
    fprintf(stderr, "ntsim run: %s needs a value\nhint: ntsim run --help lists the options\n", argv[*i]);
    return NULL;
}

/* Whether argv[i] is the option name, alone or as name=VALUE. */
static bool is_option(const char *arg, const char *name, const char *eq)
{
    size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
    return strlen(name) == n && strncmp(arg, name, n) == 0;
}

static int run(int argc, char **argv)
{
    /* With an allocation made to fail, the system is checked after every command. */
    const char *fail = getenv("NTSIM_FAIL_ALLOC");
    sim_run_options o = { .format = SIM_FORMAT_TEXT, .check_invariants = fail && *fail };
    const char *audio_path = NULL, *color = "auto";
    bool check_first = false;
    bool sysmon = false; /* --format sysmon: Sysmon's events on standard output, the records nowhere */
    const char *timeline_path = NULL;
    int i = 0;
    for (; i < argc; i++) {
        const char *a = argv[i], *v;
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(run_usage, stdout);
            sim_help_commands(stdout);
            fputs(run_usage_tail, stdout);
            return 0;
        }
        if (is_option(a, "--format", eq)) {
            if (!(v = option_value(argc, argv, &i, eq)))
                return 2;
            if (strcmp(v, "text") == 0)
                o.format = SIM_FORMAT_TEXT;
            else if (strcmp(v, "jsonl") == 0)
                o.format = SIM_FORMAT_JSONL;
            else if (strcmp(v, "sysmon") == 0)
                sysmon = true;
            else
                return bad_word("ntsim run", "format", v, formats, "text, jsonl or sysmon");
        } else if (is_option(a, "--seed", eq)) {
            if (!(v = option_value(argc, argv, &i, eq)))
                return 2;
            if (!sim_parse_number(v, strlen(v), &o.seed)) {
                fprintf(stderr, "ntsim run: bad seed '%s' (a number: decimal or 0x hex)\n", v);
                return 2;
            }
            o.has_seed = true;
        } else if (is_option(a, "--trace", eq)) {
            if (!(v = option_value(argc, argv, &i, eq)))
                return 2;
            if (strcmp(v, "sched") == 0)
                o.trace_sched = true;
            else if (strcmp(v, "syscalls") == 0)
                o.trace_syscalls = true;
            else
                return bad_word("ntsim run", "trace", v, traces, "sched or syscalls");
        } else if (is_option(a, "--audio", eq)) {
            if (!(audio_path = option_value(argc, argv, &i, eq)))
                return 2;
        } else if (is_option(a, "--color", eq)) {
            /* --color alone is --color=always, as in GNU tools; a WHEN word after it is its value. */
            if (eq)
                color = eq + 1;
            else if (i + 1 < argc && one_of(argv[i + 1], whens))
                color = argv[++i];
            else
                color = "always";
            if (!one_of(color, whens))
                return bad_word("ntsim run", "--color value", color, whens, "auto, always or never");
        } else if (is_option(a, "--timeline", eq)) {
            if (!(timeline_path = option_value(argc, argv, &i, eq)))
                return 2;
        } else if (strcmp(a, "--check-first") == 0) {
            check_first = true;
        } else if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (a[0] == '-' && a[1] != '\0') {
            char name[64];
            snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
            return bad_word("ntsim run", "option", name, run_options, "ntsim run --help lists the options");
        } else {
            break;
        }
    }
    o.color = use_color(color);
    if (i == argc) {
        fprintf(stderr, "ntsim run: no scenario file given\nhint: ntsim run FILE... ('-' is standard input)\n");
        return 2;
    }
    if (audio_path && argc - i != 1) {
        fprintf(stderr, "ntsim run: --audio renders one scenario: give one FILE\n");
        return 2;
    }
    if (timeline_path && argc - i != 1) {
        fprintf(stderr, "ntsim run: --timeline draws one scenario: give one FILE\n");
        return 2;
    }
    if (check_first) {
        /* A pre-pass over every file (the parser is fast): a replay that would fail half-way runs nothing. */
        int invalid = 0;
        for (int j = i; j < argc; j++)
            if (strcmp(argv[j], "-") != 0 && sim_check_file(argv[j], stderr, NULL) != 0)
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
    FILE *timeline_file = NULL;
    if (timeline_path && (!(timeline_file = fopen(timeline_path, "wb")) || !(o.timeline = sim_timeline_create()))) {
        fprintf(stderr, timeline_file ? "ntsim: out of memory\n" : "ntsim: cannot write %s\n", timeline_path);
        if (timeline_file)
            fclose(timeline_file);
        if (audio_path) {
            fclose(audio_file);
            sim_audio_free(o.audio);
        }
        return 2;
    }
    FILE *records = stdout;
    if (sysmon) {
        o.format = SIM_FORMAT_JSONL;
        if (!(records = fopen("/dev/null", "w")) || !(o.sysmon = sim_sysmon_create(stdout))) {
            fprintf(stderr, "ntsim: cannot start the Sysmon output\n");
            if (records)
                fclose(records);
            return 2;
        }
    }
    int worst = 0;
    const char *first = argv[i];
    o.name_files = argc - i > 1;
    o.interactive = isatty(STDIN_FILENO); /* `-` on a terminal: a session at a prompt; piped, a file as any other */
    for (; i < argc; i++) {
        int s = sim_run_file(argv[i], &o, records, stderr);
        if (s > worst)
            worst = s;
        if (s == SIM_EXIT_ERROR)
            break; /* the run stops at a scenario error */
    }
    if (sysmon) {
        if (!sim_sysmon_ok(o.sysmon)) {
            fprintf(stderr, "ntsim: the Sysmon output could not be written\n");
            if (worst < 2)
                worst = 2;
        }
        sim_sysmon_free(o.sysmon);
        fclose(records);
    }
    if (timeline_path) {
        /* What happened up to the end (or up to a scenario error) is drawn. */
        bool ok = sim_timeline_write(o.timeline, timeline_file);
        ok = fclose(timeline_file) == 0 && ok;
        if (!ok) {
            fprintf(stderr, "ntsim: cannot write %s\n", timeline_path);
            if (worst < 2)
                worst = 2;
        }
        sim_timeline_free(o.timeline);
    }
    if (audio_path) {
        /* What was heard up to the end (or up to a scenario error) is written;
           nothing heard is said, not left to be found in an empty file. */
        if (sim_audio_count(o.audio) == 0)
            fprintf(stderr, "ntsim: %s played no tone (no beep event): %s holds no sound\n", first, audio_path);
        int s = write_audio(o.audio, audio_file, audio_path);
        if (s > worst)
            worst = s;
        sim_audio_free(o.audio);
    }
    return worst;
}

static const char *const check_options[] = { "--quiet", "--help", "-q", "-h", NULL };

static int check(int argc, char **argv)
{
    bool quiet = false;
    int i = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(check_usage, stdout);
            return 0;
        }
        if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (a[0] == '-' && a[1] != '\0') {
            return bad_word("ntsim check", "option", a, check_options, "ntsim check --help");
        } else {
            break;
        }
    }
    if (i == argc) {
        fprintf(stderr, "ntsim check: no scenario file given\nhint: ntsim check FILE... ('-' is standard input)\n");
        return 2;
    }
    int worst = 0;
    for (; i < argc; i++) {
        int lines = 0;
        int s = sim_check_file(argv[i], stderr, &lines);
        if (s == 0 && !quiet)
            printf("%s: ok (%d line%s)\n", strcmp(argv[i], "-") == 0 ? "<stdin>" : argv[i], lines, lines == 1 ? "" : "s");
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

static const char *const commands[] = { "run", "check", "report", "debug", "help", "version", "--help", "--version", NULL };

static const char report_usage[] =
    "usage: ntsim report [--seed N] SCENARIO -o OUT.html\n"
    "Replays SCENARIO and writes one self-contained HTML page (no network):\n"
    "the process tree, each live process's address space as VMMap draws it,\n"
    "the timeline, and every record in a table to filter by kind and process.\n";

/* ntsim report [--seed N] SCENARIO -o OUT.html */
static int report(int argc, char **argv)
{
    sim_run_options o = { .format = SIM_FORMAT_JSONL };
    const char *scenario = NULL, *out_path = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(report_usage, stdout);
            return 0;
        }
        if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && i + 1 < argc) {
            out_path = argv[++i];
        } else if (strcmp(a, "--seed") == 0 && i + 1 < argc) {
            const char *s = argv[++i];
            if (!sim_parse_number(s, strlen(s), &o.seed)) {
                fprintf(stderr, "ntsim report: bad seed '%s'\n", s);
                return 2;
            }
            o.has_seed = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "ntsim report: unknown or incomplete option '%s'\n%s", a, report_usage);
            return 2;
        } else if (!scenario) {
            scenario = a;
        } else {
            fprintf(stderr, "ntsim report: one SCENARIO at a time\n%s", report_usage);
            return 2;
        }
    }
    if (!scenario || !out_path) {
        fprintf(stderr, "ntsim report: %s\n%s", scenario ? "no -o OUT.html" : "no SCENARIO", report_usage);
        return 2;
    }
    FILE *out = fopen(out_path, "wb");
    if (!out) {
        fprintf(stderr, "ntsim: cannot write %s\n", out_path);
        return 2;
    }
    int status = sim_report(scenario, &o, out, stderr);
    if (fclose(out) != 0) {
        fprintf(stderr, "ntsim: cannot write %s\n", out_path);
        status = 2;
    }
    return status;
}

static const char debug_usage[] =
    "usage: ntsim debug [--seed N] [-c \"CMD; CMD; ...\"] SCENARIO\n"
    "Replays SCENARIO under a kernel debugger's prompt (kd>), stopped before its\n"
    "first command with the system booted. g runs on to a breakpoint, an enabled\n"
    "event or the end, p runs one line, q ends the session; bp LINE,\n"
    "bp DRIVER!ROUTINE, bp nt!NtXxx, sxe cpr|epr|ct|et|ld[:NAME] say where to stop.\n"
    "At a stop: !process, !thread, !vad, !address, !handle, lm, !drvobj, !irp,\n"
    "!poolused, dt nt!_EPROCESS... in WinDbg's shapes (.help lists them all).\n"
    "  -c CMDS   run these commands (';' between them) instead of reading the\n"
    "            prompt, then end the session: for scripts and tests\n"
    "  --seed N  the seed, overriding the system line's (addresses follow it)\n"
    "Kernel addresses are chosen from the seed and each object's creation order:\n"
    "the same file and seed show the same addresses everywhere.\n";

/* ntsim debug [--seed N] [-c CMDS] SCENARIO */
static int debug(int argc, char **argv)
{
    sim_debug_options o = { 0 };
    const char *scenario = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(debug_usage, stdout);
            return 0;
        }
        if (strcmp(a, "-c") == 0 && i + 1 < argc) {
            o.commands = argv[++i];
        } else if (strcmp(a, "--seed") == 0 && i + 1 < argc) {
            const char *s = argv[++i];
            if (!sim_parse_number(s, strlen(s), &o.seed)) {
                fprintf(stderr, "ntsim debug: bad seed '%s' (a number: decimal or 0x hex)\n", s);
                return 2;
            }
            o.has_seed = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "ntsim debug: unknown or incomplete option '%s'\n%s", a, debug_usage);
            return 2;
        } else if (!scenario) {
            scenario = a;
        } else {
            fprintf(stderr, "ntsim debug: one SCENARIO at a time\n%s", debug_usage);
            return 2;
        }
    }
    if (!scenario) {
        fprintf(stderr, "ntsim debug: no SCENARIO\n%s", debug_usage);
        return 2;
    }
    if (strcmp(scenario, "-") == 0 && !o.commands) {
        fprintf(stderr, "ntsim debug: the prompt reads standard input: the scenario must be a file\n");
        return 2;
    }
    return sim_debug_file(scenario, &o, stdout, stderr);
}

static int command(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *c = argv[1];
    if (strcmp(c, "--help") == 0 || strcmp(c, "-h") == 0 || (strcmp(c, "help") == 0 && argc == 2)) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(c, "help") == 0) {
        if (strcmp(argv[2], "drivers") == 0) {
            sim_help_drivers(stdout);
            return 0;
        }
        if (sim_help_driver(stdout, argv[2]))
            return 0;
        fprintf(stderr, "ntsim help: unknown topic '%s'\nhint: ntsim help drivers lists the drivers\n", argv[2]);
        return 2;
    }
    /* For completion scripts: the built-in driver names, one a line (not in the help). */
    if (strcmp(c, "--list-drivers") == 0) {
        sim_list_drivers(stdout);
        return 0;
    }
    if (strcmp(c, "--version") == 0 || strcmp(c, "-V") == 0 || strcmp(c, "version") == 0) {
        puts("ntsim " NTSIM_VERSION);
        return 0;
    }
    if (strcmp(c, "run") == 0)
        return run(argc - 2, argv + 2);
    if (strcmp(c, "check") == 0)
        return check(argc - 2, argv + 2);
    if (strcmp(c, "report") == 0)
        return report(argc - 2, argv + 2);
    if (strcmp(c, "debug") == 0)
        return debug(argc - 2, argv + 2);
    return bad_word("ntsim", c[0] == '-' ? "option" : "command", c, commands, "ntsim --help lists the commands");
}
