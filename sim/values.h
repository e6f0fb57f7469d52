/* values.h - scenario value syntax: numbers with K/M/G/T, durations, on/off. */
#ifndef NTSIM_SIM_VALUES_H
#define NTSIM_SIM_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decimal or 0x hex, optional binary suffix K, M, G, T (or k, m, g, t); false on overflow or junk. */
bool sim_parse_number(const char *s, size_t n, uint64_t *out);

/* 10ms, 2s, 100us, or a plain number of 100 ns ticks. */
bool sim_parse_duration(const char *s, size_t n, uint64_t *ticks);

/* A system-call argument: a number, a negative number (-1 is
   NtCurrentProcess()), or MEM_/PAGE_/access flag names. */
bool sim_parse_syscall_arg(const char *s, size_t n, uint64_t *out);

/* on / off. */
bool sim_parse_switch(const char *s, size_t n, bool *out);

/* NAME.main, the name of a process's first thread, into buf (SIM_MAX_LINE + 8 bytes). */
void sim_main_name(char *buf, const char *name, size_t len);

/* A scenario name: [A-Za-z_][A-Za-z0-9_.-]* */
bool sim_valid_name(const char *s, size_t n);

#endif
