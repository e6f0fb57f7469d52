/*
 * format.c - printf-style formatting for DbgPrint and the drivers' clients.
 * The C conversions (d i u x X o c s p %, flags, width, precision, the
 * h hh l ll z j t length modifiers and MSVC's I64 / I32) are done here, plus
 * the kernel's: %wZ (a UNICODE_STRING), %ws / %ls / %S (a UTF-16 string),
 * %wc / %lc / %C (a UTF-16 character), all written as UTF-8. %p prints the
 * pointer's hex digits, upper case and zero-padded to its width, as
 * Windows does. Integers are read as Windows passes them (LLP64): `l` is
 * 32 bits (a LONG, ULONG or DWORD), `ll`/`I64` 64, `z`/`I` a pointer's
 * size. Floating point is left to the C library. Hand-written
 * because every notification a driver prints goes through it.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntsim/nt.h"
#include "rtl/alloc.h"
#include "rtl/format.h"
#include "rtl/utf8.h"

typedef struct sink {
    char *buf;
    size_t cap, len;
} sink;

static void put(sink *o, const char *s, size_t n)
{
    if (o->len < o->cap) {
        size_t room = o->cap - o->len;
        memcpy(o->buf + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

static void fill(sink *o, char c, size_t n)
{
    if (!n)
        return; /* the usual case: no padding */
    char block[32];
    memset(block, c, sizeof block);
    while (n) {
        size_t k = n < sizeof block ? n : sizeof block;
        put(o, block, k);
        n -= k;
    }
}

typedef struct spec {
    bool left, zero, plus, space, alt;
    int width;     /* 0: none */
    int precision; /* -1: none */
} spec;

/* A field of n bytes, padded to the width. */
static void field(sink *o, const spec *f, const char *s, size_t n)
{
    size_t pad = f->width > 0 && (size_t)f->width > n ? (size_t)f->width - n : 0;
    if (!f->left)
        fill(o, ' ', pad);
    put(o, s, n);
    if (f->left)
        fill(o, ' ', pad);
}

static void integer(sink *o, const spec *f, uint64_t v, bool negative, unsigned base, bool upper, char conv)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = 0;
    if (v || f->precision != 0) {
        /* The common bases as constants: a division by a constant is a
           multiplication, by a variable a slow divide per digit. */
        if (base == 10) {
            do {
                tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
                v /= 10;
            } while (v);
        } else if (base == 16) {
            do {
                tmp[sizeof tmp - 1 - n++] = digits[v & 15];
                v >>= 4;
            } while (v);
        } else {
            do {
                tmp[sizeof tmp - 1 - n++] = digits[v % base];
                v /= base;
            } while (v);
        }
    }
    size_t zeros = f->precision > 0 && (size_t)f->precision > n ? (size_t)f->precision - n : 0;
    char prefix[3];
    size_t p = 0;
    if (conv == 'd' || conv == 'i') {
        if (negative)
            prefix[p++] = '-';
        else if (f->plus)
            prefix[p++] = '+';
        else if (f->space)
            prefix[p++] = ' ';
    } else if (f->alt && base == 16 && n && tmp[sizeof tmp - n] != '0') {
        prefix[p++] = '0';
        prefix[p++] = upper ? 'X' : 'x';
    } else if (f->alt && base == 8 && !zeros && (n == 0 || tmp[sizeof tmp - n] != '0')) {
        zeros = 1;
    }
    size_t body = p + zeros + n;
    size_t pad = f->width > 0 && (size_t)f->width > body ? (size_t)f->width - body : 0;
    if (f->zero && !f->left && f->precision < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!f->left)
        fill(o, ' ', pad);
    put(o, prefix, p);
    fill(o, '0', zeros);
    put(o, tmp + sizeof tmp - n, n);
    if (f->left)
        fill(o, ' ', pad);
}

/* n UTF-16 units as UTF-8 (a lone surrogate becomes U+FFFD), padded to
   the width; the precision counts units, as the C library's %ls does. */
static void wide(sink *o, const spec *f, const WCHAR *w, size_t n)
{
    if (f->precision >= 0 && (size_t)f->precision < n)
        n = (size_t)f->precision;
    size_t bytes = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && !f->left && f->width > 0 && (size_t)f->width > bytes)
            fill(o, ' ', (size_t)f->width - bytes);
        for (size_t i = 0; i < n;) {
            char u[4];
            size_t k = rtl_utf8_put(u, rtl_utf16_next(w, n, &i));
            if (pass == 0)
                bytes += k;
            else
                put(o, u, k);
        }
    }
    if (f->left && f->width > 0 && (size_t)f->width > bytes)
        fill(o, ' ', (size_t)f->width - bytes);
}

/* Up to the NUL, or to the precision without reading past it. */
static size_t wide_length(const WCHAR *w, int precision)
{
    size_t n = 0;
    while ((precision < 0 || n < (size_t)precision) && w[n])
        n++;
    return n;
}

/* Widths and precisions above this are taken as this. */
#define MAX_FIELD 100000

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T, LEN_W, LEN_BIG_L };

size_t rtl_vformat(char *buf, size_t cap, const char *format, va_list ap)
{
    sink o = { buf, cap, 0 };
    const char *p = format;
    for (;;) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            put(&o, p, strlen(p));
            break;
        }
        put(&o, p, (size_t)(pct - p));
        const char *start = pct;
        p = pct + 1;
        spec f = { .precision = -1 };
        for (;; p++) {
            if (*p == '-')
                f.left = true;
            else if (*p == '0')
                f.zero = true;
            else if (*p == '+')
                f.plus = true;
            else if (*p == ' ')
                f.space = true;
            else if (*p == '#')
                f.alt = true;
            else
                break;
        }
        if (*p == '*') {
            f.width = va_arg(ap, int);
            if (f.width < 0) {
                f.left = true;
                f.width = f.width == INT_MIN ? 0 : -f.width;
            }
            p++;
        } else {
            for (; *p >= '0' && *p <= '9'; p++) /* every digit read; the value capped */
                f.width = f.width < MAX_FIELD ? f.width * 10 + (*p - '0') : MAX_FIELD;
        }
        if (*p == '.') {
            p++;
            f.precision = 0;
            if (*p == '*') {
                f.precision = va_arg(ap, int);
                if (f.precision < 0)
                    f.precision = -1;
                p++;
            } else {
                for (; *p >= '0' && *p <= '9'; p++)
                    f.precision = f.precision < MAX_FIELD ? f.precision * 10 + (*p - '0') : MAX_FIELD;
            }
        }
        enum length len = LEN_NONE;
        if (p[0] == 'h' && p[1] == 'h')
            len = LEN_HH, p += 2;
        else if (p[0] == 'h')
            len = LEN_H, p++;
        else if (p[0] == 'l' && p[1] == 'l')
            len = LEN_LL, p += 2;
        else if (p[0] == 'l')
            len = LEN_L, p++;
        else if (p[0] == 'z')
            len = LEN_Z, p++;
        else if (p[0] == 'j')
            len = LEN_J, p++;
        else if (p[0] == 't')
            len = LEN_T, p++;
        else if (p[0] == 'w')
            len = LEN_W, p++;
        else if (p[0] == 'L')
            len = LEN_BIG_L, p++;
        else if (p[0] == 'I' && p[1] == '6' && p[2] == '4')
            len = LEN_LL, p += 3;
        else if (p[0] == 'I' && p[1] == '3' && p[2] == '2')
            len = LEN_NONE, p += 3;
        char conv = *p;
        if (conv)
            p++;
        switch (conv) {
        case 'd':
        case 'i': {
            int64_t v = len == LEN_LL || len == LEN_J ? (int64_t)va_arg(ap, long long)
                        : len == LEN_L            ? (int64_t)va_arg(ap, int) /* a LONG: 32 bits (LLP64) */
                        : len == LEN_Z || len == LEN_T ? (int64_t)va_arg(ap, ptrdiff_t)
                                                        : (int64_t)va_arg(ap, int);
            if (len == LEN_HH)
                v = (signed char)v;
            else if (len == LEN_H)
                v = (short)v;
            integer(&o, &f, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0, 10, false, conv);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v = len == LEN_LL || len == LEN_J ? (uint64_t)va_arg(ap, unsigned long long)
                         : len == LEN_L            ? (uint64_t)va_arg(ap, unsigned) /* a ULONG, DWORD */
                         : len == LEN_Z || len == LEN_T ? (uint64_t)va_arg(ap, size_t)
                                                         : (uint64_t)va_arg(ap, unsigned);
            if (len == LEN_HH)
                v = (unsigned char)v;
            else if (len == LEN_H)
                v = (unsigned short)v;
            integer(&o, &f, v, false, conv == 'u' ? 10 : conv == 'o' ? 8 : 16, conv == 'X', conv);
            break;
        }
        case 'p': {
            spec pf = { .left = f.left, .width = f.width, .precision = (int)(2 * sizeof(void *)) };
            integer(&o, &pf, (uint64_t)(uintptr_t)va_arg(ap, void *), false, 16, true, 'p');
            break;
        }
        case 'c':
        case 'C':
            if (conv == 'C' || len == LEN_L || len == LEN_W) {
                WCHAR w = (WCHAR)va_arg(ap, int);
                wide(&o, &f, &w, 1);
            } else {
                char c = (char)va_arg(ap, int);
                field(&o, &f, &c, 1);
            }
            break;
        case 's':
        case 'S':
            if (conv == 'S' || len == LEN_L || len == LEN_W) {
                const WCHAR *w = va_arg(ap, const WCHAR *);
                if (w)
                    wide(&o, &f, w, wide_length(w, f.precision));
                else
                    field(&o, &f, "(null)", 6);
            } else {
                const char *s = va_arg(ap, const char *);
                if (!s)
                    s = "(null)";
                size_t n = 0;
                while ((f.precision < 0 || n < (size_t)f.precision) && s[n])
                    n++; /* an array without NUL may be printed up to the precision */
                field(&o, &f, s, n);
            }
            break;
        case 'Z':
            if (len == LEN_W) { /* %wZ: a counted UTF-16 string */
                const UNICODE_STRING *u = va_arg(ap, const UNICODE_STRING *);
                if (u && u->Buffer)
                    wide(&o, &f, u->Buffer, u->Length / sizeof(WCHAR));
                else
                    field(&o, &f, "(null)", 6);
            } else {
                (void)va_arg(ap, const void *); /* %Z, an ANSI_STRING: not in ntsim's API */
                put(&o, start, (size_t)(p - start));
            }
            break;
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case 'a':
        case 'A': {
            /* Floating point: the C library, one conversion at a time, its
               width and precision written out (a '*' was taken above). */
            char one[48];
            int k = 0;
            one[k++] = '%';
            if (f.left)
                one[k++] = '-';
            if (f.plus)
                one[k++] = '+';
            if (f.space)
                one[k++] = ' ';
            if (f.alt)
                one[k++] = '#';
            if (f.zero)
                one[k++] = '0';
            if (f.width > 0)
                k += snprintf(one + k, sizeof one - (size_t)k, "%d", f.width);
            if (f.precision >= 0)
                k += snprintf(one + k, sizeof one - (size_t)k, ".%d", f.precision);
            if (len == LEN_BIG_L)
                one[k++] = 'L';
            one[k++] = conv;
            one[k] = '\0';
            long double ld = len == LEN_BIG_L ? va_arg(ap, long double) : 0;
            double d = len == LEN_BIG_L ? 0 : va_arg(ap, double);
            char text[512], *t = text;
            int m = len == LEN_BIG_L ? snprintf(text, sizeof text, one, ld) : snprintf(text, sizeof text, one, d);
            if (m < 0)
                break;
            /* Longer than text, and more of it would show: formatted again at its length. */
            size_t room = o.len < o.cap ? o.cap - o.len : 0;
            if ((size_t)m >= sizeof text && room >= sizeof text && (t = rtl_malloc((size_t)m + 1)) != NULL) {
                if (len == LEN_BIG_L)
                    snprintf(t, (size_t)m + 1, one, ld);
                else
                    snprintf(t, (size_t)m + 1, one, d);
            }
            if (t) {
                put(&o, t, (size_t)m); /* text: what shows fits in it (the length counts the rest) */
                if (t != text)
                    rtl_free(t);
            } else {
                /* Out of host memory: the output stops after what text holds; the length still counts all. */
                put(&o, text, sizeof text - 1);
                o.cap = o.len;
                o.len += (size_t)m - (sizeof text - 1);
            }
            break;
        }
        case '%':
            put(&o, "%", 1);
            break;
        default:
            /* Not a conversion ntsim knows (or the format's end): kept as written. */
            put(&o, start, (size_t)(p - start));
            break;
        }
    }
    size_t end = o.len < o.cap ? o.len : o.cap; /* o.cap: cap, or where an out-of-memory cut the text */
    if (cap)
        buf[end < cap ? end : cap - 1] = '\0';
    return o.len;
}

size_t rtl_format(char *buf, size_t cap, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    size_t n = rtl_vformat(buf, cap, format, ap);
    va_end(ap);
    return n;
}
