/*
 * wide.c - the C runtime's wide-string functions for 16-bit wchar_t (a
 * program's WCHAR): the host's assume 32 bits, so a program module is bound
 * to these instead (ntsim_program.h renames the calls). The Microsoft ones
 * (_wcsicmp, wcscpy_s, _snwprintf, ...) keep the Microsoft C runtime's
 * semantics, its "C" locale included: case folds A-Z only, digits are ASCII.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "ntsim/nt.h"
#include "rtl/alloc.h"
#include "rtl/format.h"
#include "rtl/utf8.h"
#include "win32/wide_format.h"

#define STRUNCATE 80                 /* the Microsoft C runtime's errno value for a truncated copy */
#define TRUNCATE_COUNT ((size_t)-1)  /* _TRUNCATE */

size_t ntsim_wcslen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int ntsim_wcscmp(const WCHAR *a, const WCHAR *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (*a > *b) - (*a < *b);
}

int ntsim_wcsncmp(const WCHAR *a, const WCHAR *b, size_t n)
{
    for (; n; n--, a++, b++)
        if (*a != *b || !*a)
            return (*a > *b) - (*a < *b);
    return 0;
}

WCHAR *ntsim_wcschr(const WCHAR *s, WCHAR c)
{
    for (;; s++) {
        if (*s == c)
            return (WCHAR *)s;
        if (!*s)
            return NULL;
    }
}

WCHAR *ntsim_wcsrchr(const WCHAR *s, WCHAR c)
{
    const WCHAR *last = NULL;
    for (;; s++) {
        if (*s == c)
            last = s;
        if (!*s)
            return (WCHAR *)last;
    }
}

WCHAR *ntsim_wcsstr(const WCHAR *s, const WCHAR *find)
{
    size_t n = ntsim_wcslen(find);
    if (!n)
        return (WCHAR *)s;
    for (; *s; s++)
        if (*s == *find && ntsim_wcsncmp(s, find, n) == 0)
            return (WCHAR *)s;
    return NULL;
}

WCHAR *ntsim_wcscpy(WCHAR *d, const WCHAR *s)
{
    return memmove(d, s, (ntsim_wcslen(s) + 1) * sizeof(WCHAR));
}

WCHAR *ntsim_wcsncpy(WCHAR *d, const WCHAR *s, size_t n)
{
    size_t i = 0;
    for (; i < n && s[i]; i++)
        d[i] = s[i];
    for (; i < n; i++)
        d[i] = 0;
    return d;
}

WCHAR *ntsim_wcscat(WCHAR *d, const WCHAR *s)
{
    ntsim_wcscpy(d + ntsim_wcslen(d), s);
    return d;
}

int ntsim_wmemcmp(const WCHAR *a, const WCHAR *b, size_t n)
{
    for (; n; n--, a++, b++)
        if (*a != *b)
            return (*a > *b) - (*a < *b);
    return 0;
}

WCHAR *ntsim_wmemchr(const WCHAR *s, WCHAR c, size_t n)
{
    for (; n; n--, s++)
        if (*s == c)
            return (WCHAR *)s;
    return NULL;
}

WCHAR *ntsim_wmemcpy(WCHAR *d, const WCHAR *s, size_t n)
{
    return n ? memcpy(d, s, n * sizeof(WCHAR)) : d;
}

WCHAR *ntsim_wmemmove(WCHAR *d, const WCHAR *s, size_t n)
{
    return n ? memmove(d, s, n * sizeof(WCHAR)) : d;
}

WCHAR *ntsim_wmemset(WCHAR *d, WCHAR c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = c;
    return d;
}

/* ---- the Microsoft C runtime's own ------------------------------------------- */

void ntsim_exit(int code);

/*
 * A parameter the Microsoft C runtime refuses (a NULL pointer, a buffer too
 * small for a _s function): its default invalid-parameter handler ends the
 * process at once with a fast fail, exit code STATUS_STACK_BUFFER_OVERRUN.
 * ntsim has no _set_invalid_parameter_handler, so the default is the rule.
 */
static void invalid_parameter(void)
{
    ntsim_exit((int)STATUS_STACK_BUFFER_OVERRUN);
}

static WCHAR fold(WCHAR c)
{
    return c >= u'A' && c <= u'Z' ? (WCHAR)(c + 32) : c; /* to lower case, as the "C" locale does */
}

int ntsim__wcsnicmp(const WCHAR *a, const WCHAR *b, size_t n)
{
    if (!n)
        return 0;
    if (!a || !b)
        invalid_parameter();
    for (; n; n--, a++, b++) {
        WCHAR x = fold(*a), y = fold(*b);
        if (x != y || !x)
            return (int)x - (int)y;
    }
    return 0;
}

int ntsim__wcsicmp(const WCHAR *a, const WCHAR *b)
{
    if (!a || !b)
        invalid_parameter();
    return ntsim__wcsnicmp(a, b, (size_t)-1);
}

/* The _s functions' checks: a destination and its size, then the source. */
static void check_destination(WCHAR *d, size_t size)
{
    if (!d || !size)
        invalid_parameter();
}

int ntsim_wcscpy_s(WCHAR *d, size_t size, const WCHAR *s)
{
    check_destination(d, size);
    if (!s) {
        d[0] = 0;
        invalid_parameter();
    }
    size_t n = ntsim_wcslen(s);
    if (n >= size) {
        d[0] = 0; /* ERANGE: the destination is left empty */
        invalid_parameter();
    }
    memmove(d, s, (n + 1) * sizeof(WCHAR));
    return 0;
}

int ntsim_wcsncpy_s(WCHAR *d, size_t size, const WCHAR *s, size_t count)
{
    if (!d && !size && !count)
        return 0; /* nothing asked of nothing: allowed */
    check_destination(d, size);
    if (!s) {
        d[0] = 0;
        if (count)
            invalid_parameter();
        return 0;
    }
    size_t n = 0;
    while (n < count && s[n])
        n++;
    if (count == TRUNCATE_COUNT && n >= size) {
        memmove(d, s, (size - 1) * sizeof(WCHAR));
        d[size - 1] = 0;
        return STRUNCATE;
    }
    if (n >= size) {
        d[0] = 0;
        invalid_parameter();
    }
    memmove(d, s, n * sizeof(WCHAR));
    d[n] = 0;
    return 0;
}

int ntsim_wcscat_s(WCHAR *d, size_t size, const WCHAR *s)
{
    check_destination(d, size);
    if (!s) {
        d[0] = 0;
        invalid_parameter();
    }
    size_t have = 0;
    while (have < size && d[have])
        have++;
    if (have == size) { /* the destination is not terminated within its size: EINVAL */
        d[0] = 0;
        invalid_parameter();
    }
    size_t n = ntsim_wcslen(s);
    if (have + n >= size) {
        d[0] = 0;
        invalid_parameter();
    }
    memmove(d + have, s, (n + 1) * sizeof(WCHAR));
    return 0;
}

/* The whole formatted text in UTF-16 (rtl_malloc'd, terminated); NULL when out of memory. */
static WCHAR *format_wide(const WCHAR *format, va_list ap, size_t *length)
{
    char *f = w32_narrow_format(format);
    if (!f)
        return NULL;
    va_list again;
    va_copy(again, ap);
    size_t n = rtl_vformat(NULL, 0, f, ap);
    char *utf8 = rtl_malloc(n + 1);
    WCHAR *wide = rtl_malloc((n + 1) * sizeof(WCHAR)); /* a UTF-8 byte never makes more than one unit */
    if (utf8 && wide) {
        rtl_vformat(utf8, n + 1, f, again);
        *length = rtl_utf8_to_utf16(utf8, n, wide);
        wide[*length] = 0;
    } else {
        rtl_free(wide);
        wide = NULL;
    }
    va_end(again);
    rtl_free(utf8);
    rtl_free(f);
    return wide;
}

/*
 * vswprintf, the standard form the Microsoft C runtime gives C++ and
 * conforming C (count in characters): the length written without the
 * terminator; a result that does not fit is cut to count - 1 characters,
 * terminated, and -1 returned.
 */
int ntsim_vswprintf(WCHAR *buffer, size_t count, const WCHAR *format, va_list ap)
{
    if (!format || (!buffer && count))
        invalid_parameter();
    size_t n;
    WCHAR *text = format_wide(format, ap, &n);
    if (!text)
        return -1;
    int result = -1;
    if (n < count) {
        memcpy(buffer, text, (n + 1) * sizeof(WCHAR));
        result = (int)n;
    } else if (count) {
        memcpy(buffer, text, (count - 1) * sizeof(WCHAR));
        buffer[count - 1] = 0;
    }
    rtl_free(text);
    return result;
}

int ntsim_swprintf(WCHAR *buffer, size_t count, const WCHAR *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = ntsim_vswprintf(buffer, count, format, ap);
    va_end(ap);
    return n;
}

/*
 * _vsnwprintf, the legacy form: a result shorter than count is terminated;
 * one of exactly count characters is stored without a terminator and its
 * length returned; a longer one is cut to count characters, unterminated,
 * and a negative value returned.
 */
int ntsim__vsnwprintf(WCHAR *buffer, size_t count, const WCHAR *format, va_list ap)
{
    if (!format || (!buffer && count))
        invalid_parameter();
    size_t n;
    WCHAR *text = format_wide(format, ap, &n);
    if (!text)
        return -1;
    int result = -1;
    if (n <= count) {
        memcpy(buffer, text, (n < count ? n + 1 : n) * sizeof(WCHAR));
        result = (int)n;
    } else {
        memcpy(buffer, text, count * sizeof(WCHAR));
    }
    rtl_free(text);
    return result;
}

int ntsim__snwprintf(WCHAR *buffer, size_t count, const WCHAR *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = ntsim__vsnwprintf(buffer, count, format, ap);
    va_end(ap);
    return n;
}

static bool is_space(WCHAR c)
{
    return c == u' ' || (c >= u'\t' && c <= u'\r');
}

static int digit_value(WCHAR c)
{
    if (c >= u'0' && c <= u'9')
        return c - u'0';
    if (c >= u'a' && c <= u'z')
        return c - u'a' + 10;
    if (c >= u'A' && c <= u'Z')
        return c - u'A' + 10;
    return 99;
}

/*
 * The Microsoft C runtime's wcstol/wcstoul on its 32-bit long: blanks, a
 * sign, 0x for base 16 (and for base 0, which takes 0 as octal), then
 * digits. Out of range: ERANGE and the limit (ULONG_MAX, or LONG_MIN /
 * LONG_MAX); for wcstoul a minus sign negates the value in 32 bits.
 * *end is the first character not used (the string itself if no digits).
 */
static uint32_t parse(const WCHAR *s, WCHAR **end, int base, bool is_signed, bool *negative, bool *overflow)
{
    if (!s || base == 1 || base < 0 || base > 36) {
        if (end)
            *end = (WCHAR *)s;
        invalid_parameter();
    }
    const WCHAR *p = s;
    while (is_space(*p))
        p++;
    *negative = *p == u'-';
    if (*p == u'-' || *p == u'+')
        p++;
    if ((base == 0 || base == 16) && *p == u'0' && (p[1] == u'x' || p[1] == u'X') && digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = *p == u'0' ? 8 : 10;
    }
    uint64_t limit = is_signed ? (*negative ? 0x80000000u : 0x7FFFFFFFu) : 0xFFFFFFFFu;
    uint64_t value = 0;
    const WCHAR *first = p;
    *overflow = false;
    for (; digit_value(*p) < base; p++) {
        value = value * (unsigned)base + (unsigned)digit_value(*p);
        if (value > limit) {
            *overflow = true;
            value = limit;
        }
    }
    if (end)
        *end = (WCHAR *)(p == first ? s : p);
    if (p == first)
        return 0;
    if (*overflow)
        errno = ERANGE;
    return (uint32_t)value;
}

unsigned long ntsim_wcstoul(const WCHAR *s, WCHAR **end, int base)
{
    bool negative, overflow;
    uint32_t v = parse(s, end, base, false, &negative, &overflow);
    if (overflow)
        return 0xFFFFFFFFul;
    return negative ? (uint32_t)(0u - v) : v;
}

long ntsim_wcstol(const WCHAR *s, WCHAR **end, int base)
{
    bool negative, overflow;
    uint32_t v = parse(s, end, base, true, &negative, &overflow);
    if (negative)
        return v == 0x80000000u ? (long)INT32_MIN : -(long)v;
    return (long)v;
}

int ntsim__wtoi(const WCHAR *s)
{
    /* Base 10, the limits INT_MIN / INT_MAX on overflow, as the docs give atoi. */
    return (int)ntsim_wcstol(s, NULL, 10);
}
