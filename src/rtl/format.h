/*
 * format.h - printf-style formatting as DbgPrint does it: the C conversions
 * drivers and their clients use, plus the kernel's own for counted and
 * UTF-16 strings (src/rtl/format.c).
 */
#ifndef NTSIM_RTL_FORMAT_H
#define NTSIM_RTL_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Formats into buf (cap bytes, NUL-terminated when cap > 0, truncated if
   need be); returns the length of the whole result, as vsnprintf does. */
size_t rtl_vformat(char *buf, size_t cap, const char *format, va_list ap);
size_t rtl_format(char *buf, size_t cap, const char *format, ...);

#endif
