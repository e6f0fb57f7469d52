/* unicode.c - counted UTF-16 strings (UNICODE_STRING) and their helpers. */
#include "ntsim/wdk.h"
#include "rtl/utf8.h"

#include <string.h>

void RtlInitUnicodeString(PUNICODE_STRING d, PCWSTR s)
{
    size_t n = 0;
    if (s)
        while (s[n])
            n++;
    d->Buffer = (PWSTR)s;
    d->Length = (USHORT)(n * sizeof(WCHAR));
    d->MaximumLength = s ? (USHORT)((n + 1) * sizeof(WCHAR)) : 0;
}

static WCHAR upcase(WCHAR c)
{
    return c >= u'a' && c <= u'z' ? (WCHAR)(c - 32) : c;
}

BOOLEAN RtlEqualUnicodeString(PCUNICODE_STRING a, PCUNICODE_STRING b, BOOLEAN CaseInsensitive)
{
    if (a->Length != b->Length)
        return FALSE;
    for (USHORT i = 0; i < a->Length / sizeof(WCHAR); i++) {
        WCHAR x = a->Buffer[i], y = b->Buffer[i];
        if (CaseInsensitive ? upcase(x) != upcase(y) : x != y)
            return FALSE;
    }
    return TRUE;
}

uint32_t rtl_utf16_next(const WCHAR *s, size_t n, size_t *i)
{
    uint32_t c = s[(*i)++];
    if (c >= 0xD800 && c <= 0xDBFF && *i < n && s[*i] >= 0xDC00 && s[*i] <= 0xDFFF)
        return 0x10000 + ((c - 0xD800) << 10) + (s[(*i)++] - 0xDC00u);
    return c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c;
}

size_t rtl_utf8_put(char *out, uint32_t c)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | c >> 6);
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | c >> 12);
        out[1] = (char)(0x80 | (c >> 6 & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | c >> 18);
    out[1] = (char)(0x80 | (c >> 12 & 0x3F));
    out[2] = (char)(0x80 | (c >> 6 & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

size_t rtl_utf16_to_utf8(const WCHAR *s, size_t n, char *out, size_t size)
{
    size_t i = 0, k = 0;
    while (i < n) {
        char c[4];
        size_t len = rtl_utf8_put(c, rtl_utf16_next(s, n, &i));
        if (k + len >= size)
            break;
        for (size_t j = 0; j < len; j++)
            out[k++] = c[j];
    }
    out[k] = '\0';
    return k;
}

/* The length of a well-formed sequence starting at s[0] (of n bytes), and its code point; 0 if malformed. */
static size_t utf8_sequence(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t v = len == 1 ? c : len == 2 ? c & 0x1Fu : len == 3 ? c & 0x0Fu : c & 0x07u;
    for (size_t j = 1; j < len; j++) {
        if ((s[j] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[j] & 0x3Fu);
    }
    static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 }; /* overlong forms are malformed */
    if (v < least[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

size_t rtl_utf8_to_utf16(const char *s, size_t n, WCHAR *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, k = 0;
    while (i < n) {
        uint64_t x;
        if (n - i >= 8 && (memcpy(&x, u + i, 8), (x & UINT64_C(0x8080808080808080)) == 0)) {
            for (int j = 0; j < 8; j++) /* eight ASCII bytes at once: most names */
                out[k + (size_t)j] = u[i + (size_t)j];
            i += 8;
            k += 8;
            continue;
        }
        uint32_t cp;
        size_t len = utf8_sequence(u + i, n - i, &cp);
        if (len == 0) {
            cp = 0xFFFD;
            len = 1;
        }
        i += len;
        if (cp >= 0x10000) { /* four bytes make two units: never more units than bytes */
            cp -= 0x10000;
            out[k++] = (WCHAR)(0xD800 | (cp >> 10));
            out[k++] = (WCHAR)(0xDC00 | (cp & 0x3FF));
        } else {
            out[k++] = (WCHAR)cp;
        }
    }
    return k;
}
