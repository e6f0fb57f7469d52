/*
 * time.c - kernel32's clock calls on the virtual clock: Sleep is
 * NtDelayExecution (the thread waits; the scheduler moves on), the tick
 * count and the performance counter run from boot (QueryPerformanceFrequency
 * is 10 MHz, as on Windows 10 and later), the system time is ntsim's
 * (FILETIME: 100 ns since 1601, UTC). The simulated time zone is UTC, so
 * local file times equal the system's.
 */
#include <string.h>

#include "ke/ke.h"
#include "win32/kernel32.h"
#include "win32/win32.h"

#define TICKS_PER_MS 10000ull

/* x64 Windows lets these structures lie anywhere (inside a driver's packed
   item, at an odd offset of a buffer): they are read and written bytewise. */
static uint64_t get_file_time(const FILETIME *f)
{
    FILETIME v;
    memcpy(&v, f, sizeof v);
    return (uint64_t)v.dwHighDateTime << 32 | v.dwLowDateTime;
}

static void put_file_time(FILETIME *f, uint64_t t)
{
    FILETIME v = { (DWORD)t, (DWORD)(t >> 32) };
    memcpy(f, &v, sizeof v);
}

static void put_int64(int64_t *to, int64_t v)
{
    memcpy(to, &v, sizeof v);
}

static uint64_t since_boot(ntsim_system *sys)
{
    return ntsim_time(sys) - NTSIM_BOOT_TIME;
}

DWORD SleepEx(DWORD ms, BOOL alertable)
{
    ntsim_system *sys = w32_system("SleepEx");
    /* INFINITE: the longest relative wait there is. */
    LONG64 interval = ms == INFINITE ? INT64_MIN : -(LONG64)((uint64_t)ms * TICKS_PER_MS);
    NTSTATUS s = NtDelayExecution(sys, alertable != 0, &interval);
    return s == STATUS_USER_APC || s == STATUS_ALERTED ? WAIT_IO_COMPLETION : 0;
}

void Sleep(DWORD ms)
{
    SleepEx(ms, 0);
}

uint64_t GetTickCount64(void)
{
    return since_boot(w32_system("GetTickCount64")) / TICKS_PER_MS;
}

DWORD GetTickCount(void)
{
    return (DWORD)(since_boot(w32_system("GetTickCount")) / TICKS_PER_MS);
}

BOOL QueryPerformanceCounter(int64_t *count)
{
    ntsim_system *sys = w32_system("QueryPerformanceCounter");
    if (!count)
        return w32_fail(sys, STATUS_ACCESS_VIOLATION);
    put_int64(count, (int64_t)since_boot(sys));
    return 1;
}

BOOL QueryPerformanceFrequency(int64_t *frequency)
{
    ntsim_system *sys = w32_system("QueryPerformanceFrequency");
    if (!frequency)
        return w32_fail(sys, STATUS_ACCESS_VIOLATION);
    put_int64(frequency, 10000000);
    return 1;
}

void GetSystemTimeAsFileTime(FILETIME *time)
{
    put_file_time(time, ntsim_time(w32_system("GetSystemTimeAsFileTime")));
}

/* Days from 1601-01-01 to the start of a year, and month lengths (Gregorian). */
static bool leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(unsigned y, unsigned m)
{
    static const unsigned char days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return days[m - 1] + (m == 2 && leap(y));
}

BOOL FileTimeToSystemTime(const FILETIME *file_time, SYSTEMTIME *system_time)
{
    ntsim_system *sys = w32_system("FileTimeToSystemTime");
    uint64_t t = get_file_time(file_time);
    SYSTEMTIME out, *st = &out;
    if (t > (uint64_t)INT64_MAX)
        return w32_fail(sys, STATUS_INVALID_PARAMETER); /* negative as a LARGE_INTEGER: ERROR_INVALID_PARAMETER */
    uint64_t ms = t / TICKS_PER_MS;
    uint64_t days = ms / 86400000u;
    uint64_t in_day = ms % 86400000u;
    st->wDayOfWeek = (uint16_t)((days + 1) % 7); /* 1601-01-01 was a Monday */
    unsigned y = 1601 + 400 * (unsigned)(days / 146097); /* whole 400-year cycles first */
    days %= 146097;
    for (;;) {
        unsigned n = leap(y) ? 366 : 365;
        if (days < n)
            break;
        days -= n;
        y++;
    }
    unsigned m = 1;
    while (days >= month_days(y, m))
        days -= month_days(y, m++);
    st->wYear = (uint16_t)y;
    st->wMonth = (uint16_t)m;
    st->wDay = (uint16_t)(days + 1);
    st->wHour = (uint16_t)(in_day / 3600000u);
    st->wMinute = (uint16_t)(in_day / 60000u % 60);
    st->wSecond = (uint16_t)(in_day / 1000u % 60);
    st->wMilliseconds = (uint16_t)(in_day % 1000u);
    memcpy(system_time, st, sizeof out);
    return 1;
}

BOOL SystemTimeToFileTime(const SYSTEMTIME *system_time, FILETIME *file_time)
{
    ntsim_system *sys = w32_system("SystemTimeToFileTime");
    SYSTEMTIME copy;
    memcpy(&copy, system_time, sizeof copy);
    const SYSTEMTIME *st = &copy;
    if (st->wYear < 1601 || st->wYear > 30827 || st->wMonth < 1 || st->wMonth > 12 || st->wDay < 1 ||
        st->wDay > month_days(st->wYear, st->wMonth) || st->wHour > 23 || st->wMinute > 59 || st->wSecond > 59 ||
        st->wMilliseconds > 999)
        return w32_fail(sys, STATUS_INVALID_PARAMETER);
    uint64_t ys = st->wYear - 1601u; /* 1601 begins a 400-year cycle */
    uint64_t days = ys * 365 + ys / 4 - ys / 100 + ys / 400;
    for (unsigned m = 1; m < st->wMonth; m++)
        days += month_days(st->wYear, m);
    days += st->wDay - 1u;
    uint64_t ms = ((days * 24 + st->wHour) * 60 + st->wMinute) * 60000ull + st->wSecond * 1000ull + st->wMilliseconds;
    put_file_time(file_time, ms * TICKS_PER_MS);
    return 1;
}

BOOL FileTimeToLocalFileTime(const FILETIME *file_time, FILETIME *local)
{
    (void)w32_system("FileTimeToLocalFileTime");
    put_file_time(local, get_file_time(file_time)); /* the simulated time zone: UTC */
    return 1;
}
