/*
 * bench_replay.c - replays a generated scenario of 1,000,000 process and
 * thread lines with the sysmon and detector drivers loaded, jsonl output to
 * /dev/null, and prints lines per second and peak memory. Names are reused
 * once their exit line has ended them, so what stays alive is bounded: the
 * memory must not grow with the length of the scenario.
 */
#define _POSIX_C_SOURCE 199309L
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

/* live processes at a time, each cycling: create, a thread, its exit, exit. */
static char *generate(long lines, int live, size_t *size)
{
    size_t cap = (size_t)lines * 64 + 4096, n = 0;
    char *s = malloc(cap);
    if (!s)
        exit(1);
    n += (size_t)sprintf(s + n, "system cpus=2 seed=1\ndriver load sysmon limit=1000\ndriver load detector\n");
    long written = 3;
    for (long i = 0; written < lines; i++) {
        int k = (int)(i % live);
        switch ((i / live) % 4) {
        case 0: n += (size_t)sprintf(s + n, "process create p%d image=C:\\Apps\\app%d.exe\n", k, k); break;
        case 1: n += (size_t)sprintf(s + n, "thread create p%d t%d\n", k, k); break;
        case 2: n += (size_t)sprintf(s + n, "thread exit t%d code=%d\n", k, k); break;
        default: n += (size_t)sprintf(s + n, "process exit p%d code=%ld\n", k, i); break;
        }
        written++;
        if (written % 5000 == 0 && written < lines) {
            n += (size_t)sprintf(s + n, "client read sysmon\n");
            written++;
        }
    }
    *size = n;
    return s;
}

int main(int argc, char **argv)
{
    long lines = argc > 1 ? atol(argv[1]) : 1000000;
    size_t size;
    long before = peak_kb();
    char *text = generate(lines, 100, &size);
    FILE *out = fopen("/dev/null", "w");
    sim_run_options o = { .format = SIM_FORMAT_JSONL };
    long after_gen = peak_kb();
    double t0 = now();
    int rc = sim_run_buffer("generated", text, size, &o, out, stderr);
    double dt = now() - t0;
    fclose(out);
    printf("%ld lines in %.2f s: %.0f lines/s (exit %d)\n", lines, dt, lines / dt, rc);
    printf("peak memory: %ld KB (scenario text %zu KB; before replay %ld KB, at start %ld KB)\n", peak_kb(),
           size / 1024, after_gen, before);
    free(text);
    return 0;
}
