/*
 * ntsim_program.h - included first in every source of a program module
 * (ntsim_add_program passes -include): the C library's headers come in
 * before anything else, then the calls whose Windows behaviour differs from
 * the host's are renamed to ntsim's. What a program prints becomes its
 * simulated process's console output (console events), in the Microsoft C
 * runtime's conversions (%ws, %S, %I64d, a 32-bit %ld); the wide-string
 * functions work on 16-bit wchar_t, which the host's assume to be 32 bits.
 */
#ifndef NTSIM_PROGRAM_H
#define NTSIM_PROGRAM_H

/* Compiling a program: ntsim's headers give it the SDK's view where the library's differs. */
#define NTSIM_WIN32_PROGRAM 1

#if !defined(__SIZEOF_WCHAR_T__) || __SIZEOF_WCHAR_T__ != 2
#error "ntsim programs need a 16-bit wchar_t, as Windows': compile with -fshort-wchar (ntsim_add_program sets it)"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#ifdef __cplusplus
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cwchar>
extern "C" {
#endif

/* The program's heap (its blocks go with its process: src/win32/heap.c). */
void *ntsim_malloc(size_t size);
void *ntsim_calloc(size_t count, size_t size);
void *ntsim_realloc(void *block, size_t size);
void ntsim_free(void *block);
char *ntsim_strdup(const char *s);
wchar_t *ntsim_wcsdup(const wchar_t *s);

int ntsim_printf(const char *format, ...);
int ntsim_vprintf(const char *format, va_list args);
int ntsim_fprintf(FILE *stream, const char *format, ...);
int ntsim_vfprintf(FILE *stream, const char *format, va_list args);
int ntsim_wprintf(const wchar_t *format, ...);
int ntsim_fwprintf(FILE *stream, const wchar_t *format, ...);
int ntsim_puts(const char *text);
int ntsim_fputs(const char *text, FILE *stream);
int ntsim_putchar(int c);
int ntsim_fputc(int c, FILE *stream);
int ntsim_fflush(FILE *stream);
void ntsim_exit(int code);

size_t ntsim_wcslen(const wchar_t *s);
int ntsim_wcscmp(const wchar_t *a, const wchar_t *b);
int ntsim_wcsncmp(const wchar_t *a, const wchar_t *b, size_t n);
wchar_t *ntsim_wcschr(const wchar_t *s, wchar_t c);
wchar_t *ntsim_wcsrchr(const wchar_t *s, wchar_t c);
wchar_t *ntsim_wcsstr(const wchar_t *s, const wchar_t *find);
wchar_t *ntsim_wcscpy(wchar_t *d, const wchar_t *s);
wchar_t *ntsim_wcsncpy(wchar_t *d, const wchar_t *s, size_t n);
wchar_t *ntsim_wcscat(wchar_t *d, const wchar_t *s);
int ntsim_wmemcmp(const wchar_t *a, const wchar_t *b, size_t n);
wchar_t *ntsim_wmemchr(const wchar_t *s, wchar_t c, size_t n);
wchar_t *ntsim_wmemcpy(wchar_t *d, const wchar_t *s, size_t n);
wchar_t *ntsim_wmemmove(wchar_t *d, const wchar_t *s, size_t n);
wchar_t *ntsim_wmemset(wchar_t *d, wchar_t c, size_t n);

/* The Microsoft C runtime's: its semantics and its 32-bit long (src/win32/wide.c). */
#ifndef _ERRNO_T_DEFINED
#define _ERRNO_T_DEFINED
typedef int errno_t;
#endif
#define _TRUNCATE ((size_t)-1)
#define STRUNCATE 80
int ntsim__wcsicmp(const wchar_t *a, const wchar_t *b);
int ntsim__wcsnicmp(const wchar_t *a, const wchar_t *b, size_t n);
errno_t ntsim_wcscpy_s(wchar_t *d, size_t size, const wchar_t *s);
errno_t ntsim_wcsncpy_s(wchar_t *d, size_t size, const wchar_t *s, size_t count);
errno_t ntsim_wcscat_s(wchar_t *d, size_t size, const wchar_t *s);
int ntsim_swprintf(wchar_t *buffer, size_t count, const wchar_t *format, ...);
int ntsim_vswprintf(wchar_t *buffer, size_t count, const wchar_t *format, va_list args);
int ntsim__snwprintf(wchar_t *buffer, size_t count, const wchar_t *format, ...);
int ntsim__vsnwprintf(wchar_t *buffer, size_t count, const wchar_t *format, va_list args);
unsigned long ntsim_wcstoul(const wchar_t *s, wchar_t **end, int base);
long ntsim_wcstol(const wchar_t *s, wchar_t **end, int base);
int ntsim__wtoi(const wchar_t *s);

#ifdef __cplusplus
}
/* std::printf and the others name the same functions. */
namespace std {
using ::ntsim_printf; using ::ntsim_vprintf; using ::ntsim_fprintf; using ::ntsim_vfprintf;
using ::ntsim_wprintf; using ::ntsim_fwprintf; using ::ntsim_puts; using ::ntsim_fputs;
using ::ntsim_putchar; using ::ntsim_fputc; using ::ntsim_fflush; using ::ntsim_exit;
using ::ntsim_malloc; using ::ntsim_calloc; using ::ntsim_realloc; using ::ntsim_free;
using ::ntsim_wcslen; using ::ntsim_wcscmp; using ::ntsim_wcsncmp; using ::ntsim_wcschr; using ::ntsim_wcsrchr;
using ::ntsim_wcsstr; using ::ntsim_wcscpy; using ::ntsim_wcsncpy; using ::ntsim_wcscat; using ::ntsim_wmemcmp;
using ::ntsim_wmemchr; using ::ntsim_wmemcpy; using ::ntsim_wmemmove; using ::ntsim_wmemset;
using ::ntsim_swprintf; using ::ntsim_vswprintf; using ::ntsim_wcstoul; using ::ntsim_wcstol;
}
/* The Microsoft C runtime's C++ overloads of the _s copies: an array's size is its own. */
template <size_t N> inline errno_t ntsim_wcscpy_s(wchar_t (&d)[N], const wchar_t *s)
{
    return ntsim_wcscpy_s(d, N, s);
}
template <size_t N> inline errno_t ntsim_wcsncpy_s(wchar_t (&d)[N], const wchar_t *s, size_t count)
{
    return ntsim_wcsncpy_s(d, N, s, count);
}
template <size_t N> inline errno_t ntsim_wcscat_s(wchar_t (&d)[N], const wchar_t *s)
{
    return ntsim_wcscat_s(d, N, s);
}
/* A C++ wmain has C linkage, as on Windows, so ntsim finds it. */
extern "C" int wmain(int argc, wchar_t **argv);
#endif

#define malloc ntsim_malloc
#define calloc ntsim_calloc
#define realloc ntsim_realloc
#define free ntsim_free
#define strdup ntsim_strdup
#define _strdup ntsim_strdup
#define wcsdup ntsim_wcsdup
#define _wcsdup ntsim_wcsdup
#define printf ntsim_printf
#define vprintf ntsim_vprintf
#define fprintf ntsim_fprintf
#define vfprintf ntsim_vfprintf
#define wprintf ntsim_wprintf
#define fwprintf ntsim_fwprintf
#define puts ntsim_puts
#define fputs ntsim_fputs
#define putchar ntsim_putchar
#define fputc ntsim_fputc
#define putc ntsim_fputc
#define fflush ntsim_fflush
#define exit ntsim_exit

#define wcslen ntsim_wcslen
#define wcscmp ntsim_wcscmp
#define wcsncmp ntsim_wcsncmp
#define wcschr ntsim_wcschr
#define wcsrchr ntsim_wcsrchr
#define wcsstr ntsim_wcsstr
#define wcscpy ntsim_wcscpy
#define wcsncpy ntsim_wcsncpy
#define wcscat ntsim_wcscat
#define wmemcmp ntsim_wmemcmp
#define wmemchr ntsim_wmemchr
#define wmemcpy ntsim_wmemcpy
#define wmemmove ntsim_wmemmove
#define wmemset ntsim_wmemset
#define _wcsicmp ntsim__wcsicmp
#define _wcsnicmp ntsim__wcsnicmp
#define wcscpy_s ntsim_wcscpy_s
#define wcsncpy_s ntsim_wcsncpy_s
#define wcscat_s ntsim_wcscat_s
#define swprintf ntsim_swprintf
#define vswprintf ntsim_vswprintf
#define _snwprintf ntsim__snwprintf
#define _vsnwprintf ntsim__vsnwprintf
#define wcstoul ntsim_wcstoul
#define wcstol ntsim_wcstol
#define _wtoi ntsim__wtoi

#endif
