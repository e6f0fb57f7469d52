/*
 * alloc.h - the one door through which ntsim takes memory from the host:
 * the library (src/) and the scenario engine (sim/) both allocate here, so
 * that a test can make any single allocation fail and watch the caller cope
 * (fault injection, as SQLite's test harness and microsoft/usersim do it).
 *
 * Built with NTSIM_FAULT_INJECTION (a CMake option, on in Debug and sanitizer
 * builds), every call that obtains memory is counted and remembers where it
 * was made (file:line, for the fault sweep's count of sites); one chosen call
 * returns NULL (ntsim_fail_allocation in ntsim/system.h). Without it these
 * are the C library's own calls, inlined: the hot paths pay nothing.
 *
 * Whatever comes from here goes back with rtl_free.
 */
#ifndef NTSIM_RTL_ALLOC_H
#define NTSIM_RTL_ALLOC_H

#include <stddef.h>
#include <stdlib.h>

#ifdef NTSIM_FAULT_INJECTION
/* The counted forms: NULL when the host is out, or when this call was chosen to fail. */
void *rtl_malloc_at(size_t n, const char *site);
void *rtl_calloc_at(size_t count, size_t size, const char *site);
void *rtl_realloc_at(void *p, size_t n, const char *site); /* NULL: p is untouched */
void *rtl_aligned_alloc_at(size_t align, size_t n, const char *site);
void *rtl_zalloc_at(size_t n, const char *site);

/* Macros only to name the caller's line: a function cannot see where it was called from. */
#define RTL_SITE_STR_(x) #x
#define RTL_SITE_STR(x) RTL_SITE_STR_(x)
#define RTL_SITE __FILE__ ":" RTL_SITE_STR(__LINE__)
#define rtl_malloc(n) rtl_malloc_at((n), RTL_SITE)
#define rtl_calloc(count, size) rtl_calloc_at((count), (size), RTL_SITE)
#define rtl_realloc(p, n) rtl_realloc_at((p), (n), RTL_SITE)
#define rtl_aligned_alloc(align, n) rtl_aligned_alloc_at((align), (n), RTL_SITE)
#define rtl_zalloc(n) rtl_zalloc_at((n), RTL_SITE)
#else
static inline void *rtl_malloc(size_t n)
{
    return malloc(n);
}

static inline void *rtl_calloc(size_t count, size_t size)
{
    return calloc(count, size);
}

static inline void *rtl_realloc(void *p, size_t n)
{
    return realloc(p, n);
}

static inline void *rtl_aligned_alloc(size_t align, size_t n)
{
    return aligned_alloc(align, n);
}

/* A zeroed block (src/rtl/alloc.c says why not calloc). */
void *rtl_zalloc(size_t n);
#endif

static inline void rtl_free(void *p)
{
    free(p);
}

#endif
