/*
 * bench_handles.c - builds N handles in one process by scenario lines
 * (`handle open`, then `handle dup` of each), replayed as the CLI replays
 * them, and prints the time per line for N = 10^4, 10^5 and 10^6 (or the
 * N given). Each line must cost the same whatever the table's size: the
 * figures per line should stay flat as N grows.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "scenario.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void measure(long n)
{
    char path[] = "/tmp/ntsim-bench-handles-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        exit(1);
    fprintf(f, "system cpus=1 seed=1\nprocess create app image=C:\\app.exe\nprocess create other image=C:\\other.exe\n");
    for (long i = 0; i < n; i++)
        fprintf(f, "handle open app other access=PROCESS_QUERY_INFORMATION\n");
    for (long i = 0; i < n; i++)
        fprintf(f, "handle dup app 0x%lx\n", 4 * (i + 1));
    fclose(f);
    FILE *out = fopen("/dev/null", "w");
    sim_run_options o = { .format = SIM_FORMAT_JSONL };
    double t0 = now();
    int rc = sim_run_file(path, &o, out, stderr);
    double dt = now() - t0;
    fclose(out);
    remove(path);
    printf("%8ld handles opened and %ld duplicated: %.2f s, %.0f ns a line (exit %d)\n", n, n, dt,
           dt * 1e9 / (2.0 * n), rc);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        measure(atol(argv[1]));
        return 0;
    }
    for (long n = 10000; n <= 1000000; n *= 10)
        measure(n);
    return 0;
}
