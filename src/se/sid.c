/*
 * sid.c - security identifiers: building, comparing, formatting and writing
 * them in Windows' layout, the well-known ones, and their account names.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "se/se.h"

bool se_sid_equal(const se_sid *a, const se_sid *b)
{
    if (a->authority != b->authority || a->count != b->count)
        return false;
    return memcmp(a->sub, b->sub, a->count * sizeof a->sub[0]) == 0;
}

void se_sid_make(se_sid *sid, UCHAR authority, ULONG count, ...)
{
    va_list ap;
    *sid = (se_sid){ .authority = authority, .count = (UCHAR)count };
    va_start(ap, count);
    for (ULONG i = 0; i < count && i < SE_MAX_SUB; i++)
        sid->sub[i] = va_arg(ap, ULONG);
    va_end(ap);
}

void se_sid_format(const se_sid *sid, char *out, size_t size)
{
    size_t n = (size_t)snprintf(out, size, "S-1-%u", sid->authority);
    for (ULONG i = 0; i < sid->count && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, "-%u", sid->sub[i]);
}

ULONG se_sid_length(const se_sid *sid)
{
    return 8 + 4u * sid->count;
}

void se_sid_write(const se_sid *sid, void *out)
{
    unsigned char *b = out;
    b[0] = 1; /* SID_REVISION */
    b[1] = sid->count;
    memset(b + 2, 0, 5);
    b[7] = sid->authority;
    memcpy(b + 8, sid->sub, 4u * sid->count);
}

void se_sid_system(se_sid *sid)
{
    se_sid_make(sid, 5, 1, 18u);
}

void se_sid_administrators(se_sid *sid)
{
    se_sid_make(sid, 5, 2, 32u, 544u);
}

void se_sid_integrity(se_sid *sid, ULONG rid)
{
    se_sid_make(sid, 16, 1, rid);
}

/* The names LookupAccountSid gives the well-known SIDs ntsim's tokens hold. */
static const struct {
    UCHAR authority, count;
    ULONG sub[2];
    const char *name;
} well_known[] = {
    { 1, 1, { 0 }, "\\Everyone" },
    { 2, 1, { 0 }, "\\LOCAL" },
    { 2, 1, { 1 }, "\\CONSOLE LOGON" },
    { 5, 1, { 4 }, "NT AUTHORITY\\INTERACTIVE" },
    { 5, 1, { 11 }, "NT AUTHORITY\\Authenticated Users" },
    { 5, 1, { 15 }, "NT AUTHORITY\\This Organization" },
    { 5, 1, { 18 }, "NT AUTHORITY\\SYSTEM" },
    { 5, 1, { 19 }, "NT AUTHORITY\\LOCAL SERVICE" },
    { 5, 1, { 20 }, "NT AUTHORITY\\NETWORK SERVICE" },
    { 5, 2, { 32, 544 }, "BUILTIN\\Administrators" },
    { 5, 2, { 32, 545 }, "BUILTIN\\Users" },
    { 16, 1, { 0x0000 }, "Mandatory Label\\Untrusted Mandatory Level" },
    { 16, 1, { 0x1000 }, "Mandatory Label\\Low Mandatory Level" },
    { 16, 1, { 0x2000 }, "Mandatory Label\\Medium Mandatory Level" },
    { 16, 1, { 0x3000 }, "Mandatory Label\\High Mandatory Level" },
    { 16, 1, { 0x4000 }, "Mandatory Label\\System Mandatory Level" },
};

void se_sid_account_name(ntsim_system *sys, const se_sid *sid, char *out, size_t size)
{
    for (size_t i = 0; i < sizeof well_known / sizeof well_known[0]; i++) {
        if (well_known[i].authority == sid->authority && well_known[i].count == sid->count &&
            memcmp(well_known[i].sub, sid->sub, sid->count * sizeof(ULONG)) == 0) {
            const char *name = well_known[i].name;
            snprintf(out, size, "%s", name[0] == '\\' ? name + 1 : name);
            return;
        }
    }
    /* A local account: S-1-5-21-<machine>-RID. */
    const se_system *se = se_state(sys);
    if (sid->authority == 5 && sid->count == 5 && sid->sub[0] == 21 && sid->sub[1] == se->machine[0] &&
        sid->sub[2] == se->machine[1] && sid->sub[3] == se->machine[2]) {
        for (ULONG i = 0; i < se->account_count; i++) {
            if (se->accounts[i].rid == sid->sub[4]) {
                snprintf(out, size, "NTSIM\\%s", se->accounts[i].name);
                return;
            }
        }
    }
    se_sid_format(sid, out, size);
}

static const char *const integrity_names[] = { "Untrusted", "Low", "Medium", "High", "System" };

const char *ntsim_integrity_name(ULONG rid)
{
    return rid % 0x1000 == 0 && rid / 0x1000 <= 4 ? integrity_names[rid / 0x1000] : NULL;
}

bool ntsim_integrity_value(const char *name, ULONG *rid)
{
    for (ULONG i = 0; i <= 4; i++) {
        if (strcasecmp(integrity_names[i], name) == 0) {
            *rid = i * 0x1000;
            return true;
        }
    }
    return false;
}
