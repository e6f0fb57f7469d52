/*
 * utf8.h - the one conversion each way between UTF-8 (the scenarios' and the
 * host's strings) and UTF-16 (the kernel's WCHAR strings), src/rtl/unicode.c.
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
/* n UTF-16 units as a NUL-terminated UTF-8 string in out (size bytes, > 0),
   cut at a whole code point; returns the bytes written before the NUL. */
size_t rtl_utf16_to_utf8(const WCHAR *s, size_t n, char *out, size_t size);
/* n bytes of UTF-8 as UTF-16 into out, which has room for n units (never
   more are needed); a malformed byte becomes U+FFFD. Returns the units written. */
size_t rtl_utf8_to_utf16(const char *s, size_t n, WCHAR *out);

#endif
