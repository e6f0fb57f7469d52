/*
 * utf8.h - UTF-16 read as code points and written as UTF-8 (src/rtl/unicode.c):
 * what DbgPrint's %wZ and the drivers' clients print.
 */
#ifndef NTSIM_RTL_UTF8_H
#define NTSIM_RTL_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "ntsim/nt.h"

/* The code point at s[*i] (of n units), advancing *i past it: a surrogate
   pair is one code point, a lone surrogate U+FFFD. */
uint32_t rtl_utf16_next(const WCHAR *s, size_t n, size_t *i);
/* c as UTF-8 into out (room for 4 bytes); returns its length. */
size_t rtl_utf8_put(char *out, uint32_t c);

#endif
