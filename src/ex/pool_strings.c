/*
 * pool_strings.c - the run-time library's strings that live in pool:
 * RtlConvertSidToUnicodeString (a SID in Windows' layout as "S-1-5-18",
 * into the caller's buffer or a new paged-pool one) and RtlFreeUnicodeString.
 */
#include <stdio.h>
#include <string.h>

#include "ntsim/se_types.h"
#include "ntsim/wdk.h"

#define STRING_TAG 0x69727453u /* 'Stri' */

ULONG RtlLengthSid(PSID Sid)
{
    return 8 + 4u * ((const SID *)Sid)->SubAuthorityCount;
}

NTSTATUS RtlConvertSidToUnicodeString(PUNICODE_STRING UnicodeString, PSID Sid, BOOLEAN AllocateDestinationString)
{
    const SID *sid = Sid;
    if (!sid || sid->Revision != 1 || sid->SubAuthorityCount > 15)
        return STATUS_INVALID_SID;
    char text[256];
    uint64_t authority = 0;
    for (int i = 0; i < 6; i++)
        authority = authority << 8 | sid->IdentifierAuthority.Value[i];
    int n = authority < (1ull << 32) ? snprintf(text, sizeof text, "S-1-%llu", (unsigned long long)authority)
                                     : snprintf(text, sizeof text, "S-1-0x%012llX", (unsigned long long)authority);
    for (ULONG i = 0; i < sid->SubAuthorityCount; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "-%u", sid->SubAuthority[i]);
    USHORT bytes = (USHORT)(n * sizeof(WCHAR));
    if (AllocateDestinationString) {
        UnicodeString->Buffer = ExAllocatePoolWithTag(PagedPool, bytes + sizeof(WCHAR), STRING_TAG);
        if (!UnicodeString->Buffer)
            return STATUS_NO_MEMORY;
        UnicodeString->MaximumLength = (USHORT)(bytes + sizeof(WCHAR));
    } else if (UnicodeString->MaximumLength < bytes) {
        return STATUS_BUFFER_OVERFLOW;
    }
    for (int i = 0; i < n; i++)
        UnicodeString->Buffer[i] = (WCHAR)text[i];
    if (UnicodeString->MaximumLength > bytes)
        UnicodeString->Buffer[n] = 0;
    UnicodeString->Length = bytes;
    return STATUS_SUCCESS;
}

void RtlFreeUnicodeString(PUNICODE_STRING UnicodeString)
{
    if (UnicodeString->Buffer)
        ExFreePoolWithTag(UnicodeString->Buffer, STRING_TAG);
    UnicodeString->Buffer = NULL;
    UnicodeString->Length = UnicodeString->MaximumLength = 0;
}
