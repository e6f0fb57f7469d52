/*
 * descriptor.c - the security descriptor a new object gets when none is
 * given: its owner and DACL from the creating token's defaults, the token's
 * integrity level as its mandatory label.
 *
 * A user's token's default DACL grants the user (an elevated token:
 * Administrators) and SYSTEM GENERIC_ALL and the logon session
 * GENERIC_READ | GENERIC_EXECUTE; SYSTEM's grants SYSTEM GENERIC_ALL and
 * Administrators GENERIC_READ | GENERIC_EXECUTE. SeAssignSecurity maps
 * the generic rights through the object's type.
 */
#include "se/se.h"

static void add_ace(se_descriptor *sd, const se_sid *sid, ACCESS_MASK generic, const ob_type *type)
{
    if (sd->ace_count < SE_MAX_ACES)
        sd->dacl[sd->ace_count++] = (se_ace){ *sid, ob_map_access(type, generic) };
}

static const se_sid *logon_sid(const se_token *token)
{
    for (ULONG i = 0; i < token->group_count; i++)
        if ((token->groups[i].attributes & SE_GROUP_LOGON_ID) == SE_GROUP_LOGON_ID)
            return &token->groups[i].sid;
    return NULL;
}

void se_default_descriptor(const se_token *token, const ob_type *type, ULONG label_policy, se_descriptor *sd)
{
    se_sid system, admins;
    se_sid_system(&system);
    se_sid_administrators(&admins);
    *sd = (se_descriptor){ .label = token->integrity, .label_policy = label_policy };
    if (se_sid_equal(&token->user, &system)) {
        sd->owner = system;
        add_ace(sd, &system, GENERIC_ALL, type);
        add_ace(sd, &admins, GENERIC_READ | GENERIC_EXECUTE, type);
        return;
    }
    sd->owner = token->elevation_type == TokenElevationTypeFull ? admins : token->user;
    add_ace(sd, &sd->owner, GENERIC_ALL, type);
    add_ace(sd, &system, GENERIC_ALL, type);
    const se_sid *logon = logon_sid(token);
    if (logon)
        add_ace(sd, logon, GENERIC_READ | GENERIC_EXECUTE, type);
}
