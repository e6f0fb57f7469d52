/*
 * drivers.c - the table of built-in drivers (the book's samples, and the
 * blocker exercise) and what their user-mode clients share: the time
 * prefix, UTF-16 to UTF-8, the NT-to-DOS path conversion.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "rtl/alloc.h"
#include "rtl/format.h"
#include "rtl/utf8.h"

extern const sim_driver sim_driver_sysmon;
extern const sim_driver sim_driver_detector;
extern const sim_driver sim_driver_enumproc;
extern const sim_driver sim_driver_booster;
extern const sim_driver sim_driver_blocker;
extern const sim_driver sim_driver_beep;
extern const sim_driver sim_driver_melody;
extern const sim_driver sim_driver_tokenwatch;

/* Every driver `driver load` knows, by its name. */
static const sim_driver *const drivers[] = {
    &sim_driver_sysmon,
    &sim_driver_detector,
    &sim_driver_enumproc,
    &sim_driver_booster,
    &sim_driver_blocker,
    &sim_driver_beep,
    &sim_driver_melody,
    &sim_driver_tokenwatch,
};

const sim_driver *sim_find_driver(const char *name)
{
    for (size_t i = 0; i < sizeof drivers / sizeof drivers[0]; i++)
        if (strcmp(drivers[i]->name, name) == 0)
            return drivers[i];
    return NULL;
}

const sim_driver *sim_driver_at(size_t i)
{
    return i < sizeof drivers / sizeof drivers[0] ? drivers[i] : NULL;
}

/*
 * The book's DisplayTime: FileTimeToSystemTime, then to local time, printed
 * "%02d:%02d:%02d.%03d: ". ntsim's local time zone is UTC, so the time of day
 * is the system time's, in milliseconds (truncated, as SYSTEMTIME is).
 */
void sim_client_time(int64_t system_time, char *buf, size_t cap)
{
    const uint64_t ticks_per_ms = 10000, ms_per_day = 86400000;
    uint64_t ms = system_time > 0 ? (uint64_t)system_time / ticks_per_ms % ms_per_day : 0;
    unsigned hours = (unsigned)(ms / 3600000), minutes = (unsigned)(ms / 60000 % 60);
    unsigned seconds = (unsigned)(ms / 1000 % 60), millis = (unsigned)(ms % 1000);
    rtl_format(buf, cap, "%02u:%02u:%02u.%03u: ", hours, minutes, seconds, millis);
}

/* ---- UTF-16 to UTF-8 --------------------------------------------------------- */

char *sim_client_utf8(const WCHAR *s, size_t n)
{
    char *out = rtl_malloc(3 * n + 1); /* a UTF-16 unit never takes more than 3 bytes */
    if (!out)
        return NULL;
    size_t len = 0;
    for (size_t i = 0; i < n && s[i];)
        len += rtl_utf8_put(out + len, rtl_utf16_next(s, n, &i));
    out[len] = '\0';
    return out;
}

/* ---- NT paths to DOS paths ----------------------------------------------------- */

/* What QueryDosDevice answers for each drive: ntsim has one volume. */
static const struct {
    const char *device;
    const char *drive;
} volumes[] = {
    { "\\Device\\HarddiskVolume3", "C:" },
};

void sim_client_dos_name(const char *nt_name, char *out, size_t cap)
{
    /* The device prefix ends at the third backslash (or the end of the name). */
    size_t prefix = 0;
    int backslashes = 0;
    while (nt_name[prefix] && !(nt_name[prefix] == '\\' && ++backslashes == 3))
        prefix++;
    for (size_t i = 0; i < sizeof volumes / sizeof volumes[0]; i++) {
        if (strlen(volumes[i].device) == prefix && strncasecmp(nt_name, volumes[i].device, prefix) == 0) {
            snprintf(out, cap, "%s%s", volumes[i].drive, nt_name + prefix);
            return;
        }
    }
    snprintf(out, cap, "%s", nt_name);
}

/* ---- printed lines --------------------------------------------------------------- */

void sim_client_line(sim_record *r, int64_t system_time, const char *format, ...)
{
    char small[512];
    size_t n = 0;
    sim_client_time(system_time, small, sizeof small);
    n = strlen(small);
    va_list ap;
    va_start(ap, format);
    size_t more = rtl_vformat(small + n, sizeof small - n, format, ap);
    va_end(ap);
    if (more < sizeof small - n) {
        sim_lines_add(r, small);
        return;
    }
    /* A long command line: format again into a buffer of the right size. */
    char *big = rtl_malloc(n + more + 1);
    if (!big) {
        r->failed = true; /* out of host memory: the engine reports the line */
        return;
    }
    memcpy(big, small, n);
    va_start(ap, format);
    rtl_vformat(big + n, more + 1, format, ap);
    va_end(ap);
    sim_lines_add(r, big);
    rtl_free(big);
}
