/*
 * token.c - access tokens: objects of the Token type holding a user, groups,
 * privileges and an integrity level. A logon makes the first one of a user
 * (se_create_token); a new process gets a duplicate of its creator's.
 *
 * Every user ntsim makes is a member of Administrators under UAC, as the
 * account Windows setup creates: its ordinary token is the filtered one
 * (Administrators for deny only, the standard user's privileges, medium
 * integrity, TokenElevationTypeLimited), its elevated one the full token
 * (high integrity, the administrator's privileges, TokenElevationTypeFull).
 */
#include <string.h>

#include "rtl/alloc.h"
#include "se/se.h"

static void token_delete(ntsim_system *sys, ob_header *h)
{
    (void)sys;
    se_free_token((se_token *)h);
}

static void token_describe(const ob_header *h, NTSIM_HANDLE_INFO *info, char *name, size_t size)
{
    (void)h, (void)name, (void)size;
    info->type = NTSIM_OBJECT_TOKEN;
}

const ob_type se_token_type = {
    .name = "Token",
    .index = 5,
    .mapping = {
        .read = READ_CONTROL | TOKEN_QUERY | TOKEN_QUERY_SOURCE | TOKEN_DUPLICATE,
        .write = READ_CONTROL | TOKEN_ADJUST_PRIVILEGES | TOKEN_ADJUST_GROUPS | TOKEN_ADJUST_DEFAULT |
                 TOKEN_ADJUST_SESSIONID,
        .execute = READ_CONTROL | TOKEN_ASSIGN_PRIMARY | TOKEN_IMPERSONATE,
        .all = TOKEN_ALL_ACCESS,
    },
    .delete_procedure = token_delete,
    .describe = token_describe,
};

void se_free_token(se_token *token)
{
    RemoveEntryList(&token->links);
    rtl_free(token);
}

static se_token *new_token(ntsim_system *sys)
{
    se_token *t = rtl_malloc(sizeof *t);
    if (!t)
        return NULL;
    memset(t, 0, sizeof *t);
    ob_initialize_header(&t->header, &se_token_type, 0);
    InsertTailList(&se_state(sys)->tokens, &t->links);
    t->token_id.LowPart = (ULONG)se_state(sys)->next_luid++;
    return t;
}

static void add_group(se_token *t, const se_sid *sid, ULONG attributes)
{
    if (t->group_count < SE_MAX_GROUPS)
        t->groups[t->group_count++] = (se_group){ *sid, attributes };
}

#define ENABLED_GROUP (SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED)

static void add_well_known(se_token *t, UCHAR authority, ULONG sub, ULONG attributes)
{
    se_sid sid;
    se_sid_make(&sid, authority, 1, sub);
    add_group(t, &sid, attributes);
}

/* The integrity group is the last: se_set_integrity finds it there. */
static void set_integrity_group(se_token *t, ULONG rid)
{
    se_sid sid;
    se_sid_integrity(&sid, rid);
    t->integrity = rid;
    t->groups[t->group_count - 1] = (se_group){ sid, SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED };
}

NTSTATUS se_create_token(ntsim_system *sys, const se_token_params *params, se_token **out)
{
    bool system = params->user && se_is_system_name(params->user);
    se_sid user, admins;
    NTSTATUS s = se_account_sid(sys, params->user ? params->user : SE_DEFAULT_USER, &user);
    if (!NT_SUCCESS(s))
        return s;
    se_token *t = new_token(sys);
    if (!t)
        return STATUS_INSUFFICIENT_RESOURCES;
    t->user = user;
    se_sid_administrators(&admins);
    if (system) {
        add_group(t, &admins, SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED | SE_GROUP_OWNER);
        add_well_known(t, 1, 0, ENABLED_GROUP);  /* Everyone */
        add_well_known(t, 5, 11, ENABLED_GROUP); /* Authenticated Users */
        t->authentication_id.LowPart = 0x3E7;    /* SYSTEM_LUID */
        t->elevation_type = TokenElevationTypeDefault;
        t->elevated = true;
        se_default_privileges(SE_PRIVILEGES_SYSTEM, &t->present, &t->enabled);
    } else {
        /* One interactive logon per user, in console session 1. */
        ULONG logon = 0x20000 + user.sub[4];
        se_sid logon_sid;
        se_sid_make(&logon_sid, 5, 3, 5u, 0u, logon);
        add_well_known(t, 1, 0, ENABLED_GROUP); /* Everyone */
        add_group(t, &admins, params->elevated ? ENABLED_GROUP | SE_GROUP_OWNER : SE_GROUP_USE_FOR_DENY_ONLY);
        se_sid users;
        se_sid_make(&users, 5, 2, 32u, 545u);
        add_group(t, &users, ENABLED_GROUP);
        add_well_known(t, 5, 4, ENABLED_GROUP);  /* INTERACTIVE */
        add_well_known(t, 2, 1, ENABLED_GROUP);  /* CONSOLE LOGON */
        add_well_known(t, 5, 11, ENABLED_GROUP); /* Authenticated Users */
        add_well_known(t, 5, 15, ENABLED_GROUP); /* This Organization */
        add_well_known(t, 2, 0, ENABLED_GROUP);  /* LOCAL */
        add_group(t, &logon_sid, ENABLED_GROUP | SE_GROUP_LOGON_ID);
        /* The filtered and the linked token are two logon sessions of one logon. */
        t->authentication_id.LowPart = logon + (params->elevated ? 1 : 0);
        t->session_id = 1;
        t->elevation_type = params->elevated ? TokenElevationTypeFull : TokenElevationTypeLimited;
        t->elevated = params->elevated;
        se_default_privileges(params->elevated ? SE_PRIVILEGES_ELEVATED : SE_PRIVILEGES_USER, &t->present,
                              &t->enabled);
    }
    t->enabled_by_default = t->enabled;
    t->present |= params->add_present | params->add_enabled;
    t->enabled |= params->add_enabled;
    t->group_count++; /* the integrity group's place */
    set_integrity_group(t, params->integrity);
    se_default_descriptor(t, &se_token_type, SYSTEM_MANDATORY_LABEL_NO_WRITE_UP, &t->descriptor);
    *out = t;
    return STATUS_SUCCESS;
}

NTSTATUS se_duplicate_token(ntsim_system *sys, const se_token *from, se_token **out)
{
    se_token *t = new_token(sys);
    if (!t)
        return STATUS_INSUFFICIENT_RESOURCES;
    LUID id = t->token_id;
    LIST_ENTRY links = t->links;
    ob_header header = t->header;
    *t = *from;
    t->header = header;
    t->links = links;
    t->token_id = id;
    /* The list's neighbours point at t's own links, which the copy left in place. */
    *out = t;
    return STATUS_SUCCESS;
}

bool se_privilege_enabled(const se_token *token, ULONG luid)
{
    return luid < 64 && (token->enabled >> luid & 1);
}

ULONG se_privilege_attributes(const se_token *token, ULONG luid)
{
    if (luid >= 64 || !(token->present >> luid & 1))
        return 0;
    return (token->enabled >> luid & 1 ? SE_PRIVILEGE_ENABLED : 0) |
           (token->enabled_by_default >> luid & 1 ? SE_PRIVILEGE_ENABLED_BY_DEFAULT : 0);
}

NTSTATUS se_adjust_privilege(se_token *token, ULONG luid, bool enable, ULONG *previous_attributes)
{
    if (previous_attributes)
        *previous_attributes = se_privilege_attributes(token, luid);
    if (luid >= 64 || !(token->present >> luid & 1))
        return STATUS_NOT_ALL_ASSIGNED;
    if (enable)
        token->enabled |= 1ull << luid;
    else
        token->enabled &= ~(1ull << luid);
    return STATUS_SUCCESS;
}

void se_set_integrity(se_token *token, ULONG rid)
{
    if (rid >= token->integrity)
        return;
    set_integrity_group(token, rid);
    token->descriptor.label = rid;
}

NTSTATUS se_adjust_privileges(se_token *token, bool disable_all, const LUID_AND_ATTRIBUTES *entries, ULONG count,
                              LUID_AND_ATTRIBUTES *previous, ULONG *changed, bool apply)
{
    uint64_t present = token->present, enabled = token->enabled;
    NTSTATUS s = STATUS_SUCCESS;
    *changed = 0;
    if (disable_all) {
        for (ULONG luid = 0; luid < 64; luid++) {
            if (enabled >> luid & 1) {
                previous[(*changed)++] = (LUID_AND_ATTRIBUTES){ { luid, 0 }, se_privilege_attributes(token, luid) };
                enabled &= ~(1ull << luid);
            }
        }
    } else {
        for (ULONG i = 0; i < count; i++) {
            ULONG luid = entries[i].Luid.LowPart;
            if (entries[i].Luid.HighPart != 0 || luid >= 64 || !(present >> luid & 1)) {
                s = STATUS_NOT_ALL_ASSIGNED; /* the others are still changed */
                continue;
            }
            uint64_t bit = 1ull << luid;
            ULONG before = (enabled & bit ? SE_PRIVILEGE_ENABLED : 0) |
                           (token->enabled_by_default & bit ? SE_PRIVILEGE_ENABLED_BY_DEFAULT : 0);
            uint64_t new_enabled = entries[i].Attributes & SE_PRIVILEGE_ENABLED ? enabled | bit : enabled & ~bit;
            bool removed = entries[i].Attributes & SE_PRIVILEGE_REMOVED;
            if (removed) {
                present &= ~bit;
                new_enabled &= ~bit;
            }
            if (new_enabled != enabled || removed) {
                bool listed = false;
                for (ULONG k = 0; k < *changed; k++)
                    listed = listed || previous[k].Luid.LowPart == luid;
                if (!listed)
                    previous[(*changed)++] = (LUID_AND_ATTRIBUTES){ { luid, 0 }, before };
            }
            enabled = new_enabled;
        }
    }
    if (apply) {
        token->present = present;
        token->enabled = enabled;
    }
    return s;
}
