/*
 * bench_replay.c - replays a generated scenario of 1,000,000 process and
 * thread lines with the sysmon and detector drivers loaded, jsonl output to
 * /dev/null, and prints lines per second and peak memory. Names are reused
 * once their exit line has ended them, so what stays alive is bounded: the
 * memory must not grow with the length of the scenario.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "scenario.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* `live` processes at a time, each cycling: create, a thread, its exit, exit;
   written to a file so that the replay streams it like the CLI does. */
static void generate(FILE *f, long lines, int live)
{
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

int main(int argc, char **argv)
{
    long lines = argc > 1 ? atol(argv[1]) : 1000000;
    char path[] = "/tmp/ntsim-bench-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        return 1;
    generate(f, lines, 100);
    fclose(f);
    long before = peak_kb();
    FILE *out = fopen("/dev/null", "w");
    sim_run_options o = { .format = SIM_FORMAT_JSONL };
    double t0 = now();
    int rc = sim_run_file(path, &o, out, stderr);
    double dt = now() - t0;
    fclose(out);
    remove(path);
    printf("%ld lines in %.2f s: %.0f lines/s (exit %d)\n", lines, dt, lines / dt, rc);
    printf("peak memory: %ld KB (%ld KB before the replay)\n", peak_kb(), before);
    return 0;
}
