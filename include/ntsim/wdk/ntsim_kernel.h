/*
 * ntsim_kernel.h - what every WDK-named header of ntsim's gives a driver
 * (ntddk.h, wdm.h, ntifs.h, fltKernel.h): ntsim's kernel API in the WDK's
 * names and shapes (../wdk.h) and the idioms drivers are written in: SAL
 * annotations, the basic types, UNREFERENCED_PARAMETER, ASSERT, min/max,
 * _countof, wide-string helpers for a 16-bit wchar_t, and, in C++, a
 * DbgPrint that takes %wZ's UNICODE_STRING by value as MSVC's x64 code does.
 * Nothing of the simulator's own API is declared here.
 *
 * A driver is built with a 16-bit wchar_t (-fshort-wchar, set by
 * ntsim_add_driver), so L"\\Device\\SysMon" is a WCHAR string as on Windows.
 */
#ifndef NTSIM_WDK_KERNEL_H
#define NTSIM_WDK_KERNEL_H

#if !defined(__SIZEOF_WCHAR_T__) || __SIZEOF_WCHAR_T__ != 2
#error "ntsim drivers need a 16-bit wchar_t, as the WDK's: compile with -fshort-wchar (ntsim_add_driver sets it)"
#endif

#define NTSIM_KERNEL_MODE 1
#include "../wdk.h"
#include "ntsim_layouts.h"

/* Pool tags are written as the WDK writes them, 'nomS': multi-character
   constants, which MSVC takes silently and GCC warns about. */
#pragma GCC diagnostic ignored "-Wmultichar"

#include <string.h>

/* ---- calling conventions and declaration decorations (x64: one convention) */
#ifndef NTAPI
#define NTAPI
#endif
#ifndef __cdecl
#define __cdecl
#endif
#ifndef __stdcall
#define __stdcall
#endif
#define NTKERNELAPI
#define NTSYSAPI
#define NTSYSCALLAPI
#define FORCEINLINE static inline
#define DECLSPEC_NOINLINE __attribute__((noinline))
#define DECLSPEC_ALIGN(x) __attribute__((aligned(x)))
#define PAGED_CODE() ((void)0)
#define INIT_CODE
#define ALLOC_PRAGMA_IGNORED

/* ---- SAL annotations: documentation for the reader, nothing for the compiler */
#define _In_
#define _In_opt_
#define _In_z_
#define _In_reads_(n)
#define _In_reads_bytes_(n)
#define _In_reads_opt_(n)
#define _In_reads_bytes_opt_(n)
#define _Inout_
#define _Inout_opt_
#define _Inout_updates_(n)
#define _Inout_updates_bytes_(n)
#define _Out_
#define _Out_opt_
#define _Out_writes_(n)
#define _Out_writes_bytes_(n)
#define _Out_writes_bytes_to_(n, m)
#define _Out_writes_bytes_opt_(n)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_result_bytebuffer_(n)
#define _Deref_out_
#define _Use_decl_annotations_
#define _Must_inspect_result_
#define _Check_return_
#define _Success_(e)
#define _When_(e, a)
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Post_writable_byte_size_(n)
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Analysis_assume_(e)
#define _Printf_format_string_
#define _Null_terminated_
#define _Field_size_(n)
#define _Field_size_bytes_(n)
#define _Reserved_
#define _IRQL_requires_(l)
#define _IRQL_requires_max_(l)
#define _IRQL_requires_min_(l)
#define _IRQL_raises_(l)
#define _IRQL_saves_
#define _IRQL_restores_
#define _Function_class_(c)
#define _Dispatch_type_(t)
#define _Requires_lock_held_(l)
#define _Acquires_lock_(l)
#define _Releases_lock_(l)
#define _Guarded_by_(l)
#define _Interlocked_

/* ---- the basic types drivers name ------------------------------------------ */
#ifndef VOID
#define VOID void
#endif
typedef unsigned char *PUCHAR;
typedef unsigned short *PUSHORT;
typedef ULONG *PULONG;
typedef LONG *PLONG;
typedef char *PCHAR, *PSTR;
typedef const char *PCSTR, *PCSZ;
typedef char CCHAR;
typedef short SHORT, *PSHORT;
typedef BOOLEAN *PBOOLEAN;
typedef int INT;
typedef unsigned int UINT;
typedef int64_t LONGLONG, *PLONGLONG;
typedef uint64_t ULONGLONG, *PULONGLONG;
typedef ULONG64 *PULONG64;
typedef int64_t LONG_PTR;
typedef ULONG_PTR *PULONG_PTR;
typedef SIZE_T *PSIZE_T;
typedef HANDLE *PHANDLE;
typedef WCHAR *PWCHAR, *PWCH, *LPWSTR;
typedef const WCHAR *PCWCH, *LPCWSTR;
typedef uint8_t UINT8;
typedef uint16_t UINT16;
typedef uint32_t UINT32;
typedef uint64_t UINT64;
typedef int8_t INT8;
typedef int16_t INT16;
typedef int32_t INT32;
typedef int64_t INT64;
typedef ULONG LOGICAL;
typedef NTSTATUS *PNTSTATUS;

#define UNREFERENCED_PARAMETER(P) ((void)(P))
#define DBG_UNREFERENCED_PARAMETER(P) ((void)(P))
#define DBG_UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))

/* ASSERT and NT_ASSERT check in checked builds (DBG=1): a failure is bug check 0x0 reported by DbgPrint. */
#if defined(DBG) && DBG
#define NT_ASSERT(e) ((e) ? (void)0 : (void)(DbgPrint("Assertion failed: %s, %s(%d)\n", #e, __FILE__, __LINE__), \
                                            KeBugCheckEx(0, 0, 0, 0, 0)))
#else
#define NT_ASSERT(e) ((void)0)
#endif
#define ASSERT(e) NT_ASSERT(e)
#define NT_VERIFY(e) (e)

/* HANDLE <-> numbers, as the WDK spells them. */
#define HandleToUlong(h) ((ULONG)(uintptr_t)(h))
#define HandleToLong(h) ((LONG)(intptr_t)(h))
#define UlongToHandle(u) ((HANDLE)(uintptr_t)(ULONG)(u))
#define LongToHandle(l) ((HANDLE)(intptr_t)(LONG)(l))
#define PtrToUlong(p) ((ULONG)(uintptr_t)(p))
#define UlongToPtr(u) ((PVOID)(uintptr_t)(ULONG)(u))
#define PtrToUshort(p) ((USHORT)(uintptr_t)(p))

#ifndef NOMINMAX
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#endif

#ifdef __cplusplus
extern "C++" template <typename T, size_t N> char (*ntsim_countof_helper(T (&)[N]))[N];
#define _countof(a) (sizeof(*ntsim_countof_helper(a)))
#define ARRAYSIZE(a) _countof(a)
#else
#define _countof(a) (sizeof(a) / sizeof((a)[0]))
#define ARRAYSIZE(a) _countof(a)
#endif

#define RtlCopyMemory(d, s, n) memcpy((d), (s), (n))
#define RtlMoveMemory(d, s, n) memmove((d), (s), (n))
#define RtlZeroMemory(d, n) memset((d), 0, (n))
#define RtlFillMemory(d, n, v) memset((d), (v), (n))
#define RtlEqualMemory(a, b, n) (memcmp((a), (b), (n)) == 0)

/* A constant UNICODE_STRING named var over a literal. */
#define DECLARE_CONST_UNICODE_STRING(var, s)                   \
    const WCHAR var##_buffer[] = s;                            \
    const UNICODE_STRING var = { sizeof(s) - sizeof(WCHAR), sizeof(s), (PWCH)var##_buffer }
#define DECLARE_UNICODE_STRING_SIZE(var, size) \
    WCHAR var##_buffer[size];                  \
    UNICODE_STRING var = { 0, (size) * sizeof(WCHAR), var##_buffer }

/* ---- wide strings of 16-bit WCHARs (the C library's wcs* take 32-bit ones here) */
static inline size_t ntsim_wcslen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static inline size_t ntsim_wcsnlen(const WCHAR *s, size_t max_count)
{
    size_t n = 0;
    while (n < max_count && s[n])
        n++;
    return n;
}

static inline int ntsim_wcscmp(const WCHAR *a, const WCHAR *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (int)*a - (int)*b;
}

static inline WCHAR ntsim_wupcase(WCHAR c)
{
    return c >= 'a' && c <= 'z' ? (WCHAR)(c - 32) : c;
}

static inline int ntsim_wcsicmp(const WCHAR *a, const WCHAR *b)
{
    while (*a && ntsim_wupcase(*a) == ntsim_wupcase(*b))
        a++, b++;
    return (int)ntsim_wupcase(*a) - (int)ntsim_wupcase(*b);
}

static inline int ntsim_wcsnicmp(const WCHAR *a, const WCHAR *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int d = (int)ntsim_wupcase(a[i]) - (int)ntsim_wupcase(b[i]);
        if (d || !a[i])
            return d;
    }
    return 0;
}

static inline const WCHAR *ntsim_wcschr(const WCHAR *s, WCHAR c)
{
    for (;; s++) {
        if (*s == c)
            return s;
        if (!*s)
            return NULL;
    }
}

static inline const WCHAR *ntsim_wcsrchr(const WCHAR *s, WCHAR c)
{
    const WCHAR *last = NULL;
    for (;; s++) {
        if (*s == c)
            last = s;
        if (!*s)
            return last;
    }
}

static inline const WCHAR *ntsim_wcsstr(const WCHAR *s, const WCHAR *find)
{
    size_t n = ntsim_wcslen(find);
    for (; *s; s++)
        if (memcmp(s, find, n * sizeof(WCHAR)) == 0)
            return s;
    return n == 0 ? s : NULL;
}

/* The _s forms: 0 on success, an errno value (EINVAL 22, ERANGE 34) with dst emptied when it does not fit. */
static inline int ntsim_wcsncpy_s(WCHAR *dst, size_t size, const WCHAR *src, size_t count)
{
    if (!dst || size == 0)
        return 22;
    if (!src) {
        dst[0] = 0;
        return 22;
    }
    size_t n = ntsim_wcsnlen(src, count);
    if (n >= size) {
        dst[0] = 0;
        return 34;
    }
    memcpy(dst, src, n * sizeof(WCHAR));
    dst[n] = 0;
    return 0;
}

static inline int ntsim_wcscpy_s(WCHAR *dst, size_t size, const WCHAR *src)
{
    return ntsim_wcsncpy_s(dst, size, src, (size_t)-1);
}

static inline int ntsim_wcscat_s(WCHAR *dst, size_t size, const WCHAR *src)
{
    if (!dst || size == 0)
        return 22;
    size_t n = ntsim_wcsnlen(dst, size);
    if (n == size)
        return 22;
    return ntsim_wcscpy_s(dst + n, size - n, src);
}

#define wcslen(s) ntsim_wcslen(s)
#define wcsnlen(s, n) ntsim_wcsnlen(s, n)
#define wcscmp(a, b) ntsim_wcscmp(a, b)
#define _wcsicmp(a, b) ntsim_wcsicmp(a, b)
#define _wcsnicmp(a, b, n) ntsim_wcsnicmp(a, b, n)
#define wcschr(s, c) ntsim_wcschr(s, c)
#define wcsrchr(s, c) ntsim_wcsrchr(s, c)
#define wcsstr(s, f) ntsim_wcsstr(s, f)
#define wcscpy_s(d, n, s) ntsim_wcscpy_s(d, n, s)
#define wcsncpy_s(d, n, s, c) ntsim_wcsncpy_s(d, n, s, c)
#define wcscat_s(d, n, s) ntsim_wcscat_s(d, n, s)

#ifdef __cplusplus
/*
 * DbgPrint("%wZ", str) with str a UNICODE_STRING by value: MSVC on x64
 * passes such a struct by reference, so the driver works on Windows; here
 * each argument that is a UNICODE_STRING is turned into its address before
 * the variadic call, so it prints as it does there.
 */
extern "C++" {
template <typename T> inline const T &ntsim_dbg_arg(const T &v) { return v; }
inline const UNICODE_STRING *ntsim_dbg_arg(const UNICODE_STRING &s) { return &s; }
template <typename... A> inline ULONG DbgPrint(const char *format, const A &...args)
{
    return ntsim_dbg_print(format, ntsim_dbg_arg(args)...);
}
template <typename... A> inline ULONG DbgPrintEx(ULONG component, ULONG level, const char *format, const A &...args)
{
    (void)component, (void)level;
    return ntsim_dbg_print(format, ntsim_dbg_arg(args)...);
}
}
#endif

#endif
