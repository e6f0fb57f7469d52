/*
 * bench_replay.c - lines per second and peak memory of `ntsim run` on
 * generated scenarios, jsonl output to /dev/null, with the sysmon and
 * detector drivers loaded. Two shapes, each at 10^5 and 10^6 lines:
 *
 * - realistic: as a user's replay looks (issue 21). A fresh name for every
 *   process and thread, a remote thread created by explorer in each process
 *   (ended by its process's exit, never by a line of its own), and both
 *   clients reading every 200 processes. Only a handful of objects are alive
 *   at any moment: memory should stay bounded by them.
 * - reuse: 100 names cycling create, thread, thread exit, process exit, a
 *   sysmon read every 5000 lines (the benchmark's first shape).
 *
 * Each figure is one child process (fork), so that its peak RSS
 * (ru_maxrss from wait4) is that replay's alone; the scenario is written to
 * a file first so that the replay streams it as the CLI does.
 *
 *   bench_replay                 the table: both shapes at 10^5 and 10^6
 *   bench_replay SHAPE LINES     one replay, in this process (for profilers)
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void gen_realistic(FILE *f, long lines)
{
    fprintf(f, "system cpus=2 seed=1\ndriver load sysmon\ndriver load detector\n"
               "process create explorer image=C:\\Windows\\explorer.exe\n");
    long written = 4;
    for (long i = 0; written < lines; i++) {
        fprintf(f,
                "process create p%ld image=C:\\Temp\\w%ld.exe parent=explorer\n"
                "thread create p%ld t%ld\n"
                "thread create p%ld r%ld by=explorer.main\n"
                "thread exit t%ld code=%ld\n"
                "process exit p%ld code=0\n",
                i, i % 7, i, i, i, i, i, i, i);
        written += 5;
        if ((i + 1) % 200 == 0) {
            fprintf(f, "client read sysmon\nclient read detector buffer=64K\n");
            written += 2;
        }
    }
}

/* 100 processes at a time, each cycling: create, a thread, its exit, exit. */
static void gen_reuse(FILE *f, long lines)
{
    const int live = 100;
    fprintf(f, "system cpus=2 seed=1\ndriver load sysmon limit=1000\ndriver load detector\n");
    long written = 3;
    for (long i = 0; written < lines; i++) {
        int k = (int)(i % live);
        switch ((i / live) % 4) {
        case 0: fprintf(f, "process create p%d image=C:\\Apps\\app%d.exe\n", k, k); break;
        case 1: fprintf(f, "thread create p%d t%d\n", k, k); break;
        case 2: fprintf(f, "thread exit t%d code=%d\n", k, k); break;
        default: fprintf(f, "process exit p%d code=%ld\n", k, i); break;
        }
        written++;
        if (written % 5000 == 0 && written < lines) {
            fprintf(f, "client read sysmon\n");
            written++;
        }
    }
}

/* Writes the shape's scenario to a temporary file; its path in path. */
static int generate(const char *shape, long lines, char *path)
{
    strcpy(path, "/tmp/ntsim-bench-XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        return -1;
    if (strcmp(shape, "reuse") == 0)
        gen_reuse(f, lines);
    else
        gen_realistic(f, lines);
    return fclose(f);
}

/* One replay in this process: its wall time, or a negative value. */
static double replay(const char *path)
{
    FILE *out = fopen("/dev/null", "w");
    sim_run_options o = {.format = SIM_FORMAT_JSONL};
    double t0 = now();
    int rc = sim_run_file(path, &o, out, stderr);
    double dt = now() - t0;
    fclose(out);
    return rc == SIM_EXIT_OK ? dt : -1;
}

/* One replay in a child: lines/s and the child's peak RSS in KB. */
static int measure(const char *shape, long lines, double *lps, long *rss_kb)
{
    char path[64];
    int fds[2];
    if (generate(shape, lines, path) != 0 || pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        double dt = replay(path);
        ssize_t w = write(fds[1], &dt, sizeof dt);
        _exit(w == sizeof dt ? 0 : 1);
    }
    close(fds[1]);
    double dt = -1;
    ssize_t r = pid > 0 ? read(fds[0], &dt, sizeof dt) : -1;
    close(fds[0]);
    int status = 0;
    struct rusage ru;
    if (pid > 0)
        wait4(pid, &status, 0, &ru);
    remove(path);
    if (pid < 0 || r != sizeof dt || dt <= 0 || status != 0)
        return -1;
    *lps = lines / dt;
    *rss_kb = ru.ru_maxrss;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3) {
        char path[64];
        long lines = atol(argv[2]);
        if (generate(argv[1], lines, path) != 0)
            return 1;
        double dt = replay(path);
        remove(path);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("%s %ld lines: %.0f lines/s, peak RSS %ld KB\n", argv[1], lines, dt > 0 ? lines / dt : 0.0,
               ru.ru_maxrss);
        return dt > 0 ? 0 : 1;
    }
    const char *shapes[] = {"realistic", "reuse"};
    const long sizes[] = {100000, 1000000};
    printf("%-10s %9s %12s %14s\n", "shape", "lines", "lines/s", "peak RSS KB");
    for (int s = 0; s < 2; s++) {
        for (int n = 0; n < 2; n++) {
            double lps;
            long rss;
            if (measure(shapes[s], sizes[n], &lps, &rss) != 0) {
                fprintf(stderr, "%s %ld: the replay failed\n", shapes[s], sizes[n]);
                return 1;
            }
            printf("%-10s %9ld %12.0f %14ld\n", shapes[s], sizes[n], lps, rss);
            fflush(stdout);
        }
    }
    return 0;
}
