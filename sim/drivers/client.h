/*
 * client.h - what the built-in drivers' user-mode clients share (drivers.c):
 * UTF-16 to UTF-8, the book's NT-to-DOS path conversion, and the printed
 * lines with their time prefix. User-mode helpers: the drivers' kernel
 * parts do not use them.
 */
#ifndef NTSIM_SIM_DRIVERS_CLIENT_H
#define NTSIM_SIM_DRIVERS_CLIENT_H

#include "driver.h"

/*
 * The n UTF-16 characters of s as UTF-8 in a new string (the caller frees
 * it), stopping at a NUL; a lone surrogate becomes U+FFFD. NULL only when
 * the host is out of memory.
 */
char *sim_client_utf8(const WCHAR *s, size_t n);

/*
 * The book's GetDosNameFromNtName, made exact: the prefix up to the second
 * backslash after the first ("\Device\HarddiskVolume3" in
 * "\Device\HarddiskVolume3\Windows\x.dll") becomes its drive ("C:") when it
 * names a volume, compared without case; any other name is copied
 * unchanged. Always NUL-terminated (truncated to cap).
 */
void sim_client_dos_name(const char *nt_name, char *out, size_t cap);

/* Appends one printed line to r's last `lines` field: the time prefix
 * "HH:MM:SS.mmm: " of system_time, then the formatted text. */
void sim_client_line(sim_record *r, int64_t system_time, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

#endif
