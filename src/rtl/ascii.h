/*
 * ascii.h - case folding of ASCII, as the file system compares names
 * (paths here are ASCII or UTF-8; only A-Z fold, as in NTFS's upcase table
 * for that range).
 */
#ifndef NTSIM_RTL_ASCII_H
#define NTSIM_RTL_ASCII_H

#include <stdbool.h>

static inline char rtl_ascii_fold(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* a and b equal without case. */
static inline bool rtl_ascii_equal_nocase(const char *a, const char *b)
{
    for (; *a && rtl_ascii_fold(*a) == rtl_ascii_fold(*b); a++, b++)
        ;
    return rtl_ascii_fold(*a) == rtl_ascii_fold(*b);
}

/* s begins with prefix, without case. */
static inline bool rtl_ascii_prefix_nocase(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (rtl_ascii_fold(*s) != rtl_ascii_fold(*prefix))
            return false;
    return true;
}

#endif
