/*
 * access_check.c - SeAccessCheck: may this token have these rights on an
 * object with this security descriptor?
 *
 * In Windows' order: generic rights are mapped through the type (bits the
 * type does not define stay in the request, and no ACE grants them: an
 * access of 0xFFFFFFFF is refused, not trimmed); ACCESS_SYSTEM_SECURITY
 * needs SeSecurityPrivilege enabled (else STATUS_PRIVILEGE_NOT_HELD); the
 * mandatory integrity check takes away what the label's policy forbids a
 * caller of lower integrity (below); the owner is implicitly
 * granted READ_CONTROL and WRITE_DAC; the DACL's allow entries for the user
 * and the enabled groups grant the rest. A group for deny only grants
 * nothing. MAXIMUM_ALLOWED asks for whatever would be granted, and is
 * denied only when that is nothing.
 */
#include "se/se.h"

ACCESS_MASK se_valid_access(const ob_type *type)
{
    return type->mapping.all | SYNCHRONIZE;
}

/* The token's user or one of its enabled groups is sid. */
static bool holds(const se_token *token, const se_sid *sid)
{
    if (se_sid_equal(&token->user, sid))
        return true;
    for (ULONG i = 0; i < token->group_count; i++) {
        const se_group *g = &token->groups[i];
        if ((g->attributes & SE_GROUP_ENABLED) && !(g->attributes & SE_GROUP_USE_FOR_DENY_ONLY) &&
            se_sid_equal(&g->sid, sid))
            return true;
    }
    return false;
}

/*
 * The rights the label leaves a caller of lower integrity: only generic
 * rights the policy does not forbid, less every bit of a forbidden one (a
 * process with no-write-up and no-read-up: the execute rights 0x121001 less
 * READ_CONTROL, 0x101001: SYNCHRONIZE, PROCESS_QUERY_LIMITED_INFORMATION,
 * PROCESS_TERMINATE).
 */
static ACCESS_MASK label_allows(const se_access_request *r)
{
    if (r->token->integrity >= r->sd->label)
        return ~(ACCESS_MASK)0;
    const ob_generic_mapping *m = &r->type->mapping;
    ULONG policy = r->sd->label_policy;
    ACCESS_MASK allowed = 0, denied = 0;
    *(policy & SYSTEM_MANDATORY_LABEL_NO_WRITE_UP ? &denied : &allowed) |= m->write;
    *(policy & SYSTEM_MANDATORY_LABEL_NO_READ_UP ? &denied : &allowed) |= m->read;
    *(policy & SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP ? &denied : &allowed) |= m->execute;
    return allowed & ~denied;
}

static ACCESS_MASK dacl_allows(const se_access_request *r)
{
    ACCESS_MASK allowed = 0;
    if (holds(r->token, &r->sd->owner))
        allowed |= READ_CONTROL | WRITE_DAC;
    for (ULONG i = 0; i < r->sd->ace_count; i++)
        if (holds(r->token, &r->sd->dacl[i].sid))
            allowed |= r->sd->dacl[i].mask;
    return allowed;
}

NTSTATUS se_access_check(const se_access_request *r, ACCESS_MASK *granted)
{
    ACCESS_MASK valid = se_valid_access(r->type);
    ACCESS_MASK desired = ob_map_access(r->type, r->desired & ~MAXIMUM_ALLOWED);
    ACCESS_MASK result = r->previously_granted;
    *granted = 0;
    if (desired & ACCESS_SYSTEM_SECURITY & ~result) {
        if (!se_privilege_enabled(r->token, SE_SECURITY_PRIVILEGE))
            return STATUS_PRIVILEGE_NOT_HELD;
        result |= ACCESS_SYSTEM_SECURITY;
        desired &= ~ACCESS_SYSTEM_SECURITY;
    }
    ACCESS_MASK remaining = desired & ~result;
    if (!remaining && !(r->desired & MAXIMUM_ALLOWED)) {
        *granted = (result | desired) & (valid | ACCESS_SYSTEM_SECURITY);
        return STATUS_SUCCESS;
    }
    ACCESS_MASK allowed = dacl_allows(r) & label_allows(r) & valid;
    if (remaining & ~allowed)
        return STATUS_ACCESS_DENIED;
    result |= desired;
    if (r->desired & MAXIMUM_ALLOWED) {
        result |= allowed;
        if (!result)
            return STATUS_ACCESS_DENIED;
    }
    *granted = result & (valid | ACCESS_SYSTEM_SECURITY); /* what a privilege granted beyond the type goes */
    return STATUS_SUCCESS;
}
