/* unicode.c - counted UTF-16 strings (UNICODE_STRING) and their helpers. */
#include "ntsim/wdk.h"
#include "rtl/utf8.h"

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
