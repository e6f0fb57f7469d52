/*
 * wide.c - the C runtime's wide-string functions for 16-bit wchar_t (a
 * program's WCHAR): the host's assume 32 bits, so a program module is bound
 * to these instead (ntsim_program.h renames the calls).
 */
#include <stddef.h>
#include <string.h>

#include "ntsim/nt.h"

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
