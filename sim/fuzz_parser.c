/*
 * fuzz_parser.c - libFuzzer target: any bytes as a scenario, checked and run.
 * Every input must end in a clean result or a located error, never a crash.
 * Build with clang (the fuzz_parser target), run: ./build/bin/fuzz_parser -max_total_time=60
 */
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    sim_run_options o = { .format = SIM_FORMAT_JSONL };
    sim_check_buffer("fuzz", (const char *)data, size, sink);
    sim_run_buffer("fuzz", (const char *)data, size, &o, sink, sink);
    return 0;
}
