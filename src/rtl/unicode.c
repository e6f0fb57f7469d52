/* unicode.c - counted UTF-16 strings (UNICODE_STRING) and their helpers. */
#include "ntsim/wdk.h"

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
