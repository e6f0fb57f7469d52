/*
 * token_query.c - NtQueryInformationToken's answers in Windows' x64
 * layouts: structures first, the SIDs they point to after them in the same
 * buffer. The pointers are written as the caller will read them: the
 * buffer's own address (base) plus the SID's offset.
 */
#include <string.h>

#include "se/se.h"

/* A SID_AND_ATTRIBUTES at at (16 bytes on x64), its SID copied to sid_at. */
static void put_sid_and_attributes(unsigned char *buf, ULONG at, ULONG sid_at, ULONG64 base, const se_sid *sid,
                                   ULONG attributes)
{
    ULONG64 pointer = base + sid_at;
    memcpy(buf + at, &pointer, 8);
    memcpy(buf + at + 8, &attributes, 4);
    memset(buf + at + 12, 0, 4);
    se_sid_write(sid, buf + sid_at);
}

static ULONG put_u32(unsigned char *buf, ULONG length, ULONG value)
{
    if (length >= 4)
        memcpy(buf, &value, 4);
    return 4;
}

NTSTATUS se_query_token(const se_token *t, TOKEN_INFORMATION_CLASS cls, ULONG64 base, void *out, ULONG length,
                        ULONG *needed)
{
    unsigned char *buf = out;
    ULONG n = 0;
    switch (cls) {
    case TokenUser:
    case TokenIntegrityLevel: {
        const se_sid *sid = cls == TokenUser ? &t->user : &t->groups[t->group_count - 1].sid;
        ULONG attributes = cls == TokenUser ? 0 : SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED;
        n = 16 + se_sid_length(sid);
        if (length >= n)
            put_sid_and_attributes(buf, 0, 16, base, sid, attributes);
        break;
    }
    case TokenOwner: {
        /* The default owner: the one the token's own descriptor was given. */
        const se_sid *owner = &t->descriptor.owner;
        n = 8 + se_sid_length(owner);
        if (length >= n) {
            ULONG64 pointer = base + 8;
            memcpy(buf, &pointer, 8);
            se_sid_write(owner, buf + 8);
        }
        break;
    }
    case TokenGroups: {
        ULONG sids = 0;
        for (ULONG i = 0; i < t->group_count; i++)
            sids += se_sid_length(&t->groups[i].sid);
        n = 8 + 16 * t->group_count + sids;
        if (length >= n) {
            memset(buf, 0, 8);
            memcpy(buf, &t->group_count, 4);
            ULONG sid_at = 8 + 16 * t->group_count;
            for (ULONG i = 0; i < t->group_count; i++) {
                put_sid_and_attributes(buf, 8 + 16 * i, sid_at, base, &t->groups[i].sid, t->groups[i].attributes);
                sid_at += se_sid_length(&t->groups[i].sid);
            }
        }
        break;
    }
    case TokenPrivileges: {
        ULONG count = 0;
        for (ULONG luid = 0; luid < 64; luid++)
            count += (ULONG)(t->present >> luid & 1);
        n = 4 + 12 * count;
        if (length >= n) {
            memcpy(buf, &count, 4);
            ULONG at = 4;
            for (ULONG luid = 0; luid < 64; luid++) {
                if (!(t->present >> luid & 1))
                    continue;
                ULONG attributes = se_privilege_attributes(t, luid), high = 0;
                memcpy(buf + at, &luid, 4);
                memcpy(buf + at + 4, &high, 4);
                memcpy(buf + at + 8, &attributes, 4);
                at += 12;
            }
        }
        break;
    }
    case TokenType:
        n = put_u32(buf, length, TokenPrimary);
        break;
    case TokenSessionId:
        n = put_u32(buf, length, t->session_id);
        break;
    case TokenElevationType:
        n = put_u32(buf, length, (ULONG)t->elevation_type);
        break;
    case TokenElevation:
        n = put_u32(buf, length, t->elevated ? 1 : 0);
        break;
    default:
        return STATUS_INVALID_INFO_CLASS;
    }
    *needed = n;
    return length >= n ? STATUS_SUCCESS : STATUS_BUFFER_TOO_SMALL;
}
