/*
 * wide_format.h (private) - the wide printf family's format, shared by the
 * console (wprintf) and the string functions (swprintf): a Microsoft C
 * runtime wide format rewritten for rtl_vformat (src/win32/console.c).
 */
#ifndef NTSIM_WIN32_WIDE_FORMAT_H
#define NTSIM_WIN32_WIDE_FORMAT_H

#include "ntsim/nt.h"

/* The format in UTF-8 with %s/%c as wide (%ws/%wc) and %S/%C as narrow, as
   the Microsoft C runtime reads them in wide functions. Caller frees
   (rtl_free); NULL when out of memory. */
char *w32_narrow_format(const WCHAR *format);

#endif
