/*
 * cmd_token.c - `!token [ADDR]`: an access token as WinDbg's !token shows
 * it: session, user, groups with their attributes, privileges with theirs,
 * the logon session and the token's IDs. Without an address, the implicit
 * process's primary token (ntsim has no impersonation).
 */
#include <inttypes.h>

#include "session.h"

static void group_attributes(sim_debugger *d, ULONG a)
{
    dbg_printf(d, "    Attributes -");
    if (a & SE_GROUP_MANDATORY)
        dbg_printf(d, " Mandatory");
    if (a & SE_GROUP_ENABLED_BY_DEFAULT)
        dbg_printf(d, " Default");
    if (a & SE_GROUP_ENABLED)
        dbg_printf(d, " Enabled");
    if (a & SE_GROUP_OWNER)
        dbg_printf(d, " Owner");
    if (a & SE_GROUP_USE_FOR_DENY_ONLY)
        dbg_printf(d, " DenyOnly");
    if (a & SE_GROUP_INTEGRITY)
        dbg_printf(d, " GroupIntegrity");
    if (a & SE_GROUP_INTEGRITY_ENABLED)
        dbg_printf(d, " GroupIntegrityEnabled");
    if ((a & SE_GROUP_LOGON_ID) == SE_GROUP_LOGON_ID)
        dbg_printf(d, " LogonId");
    dbg_printf(d, "\n");
}

void dbg_cmd_token(sim_debugger *d, int argc, char **argv)
{
    if (dbg_no_system(d))
        return;
    se_token *t = NULL;
    char a[24], b[24];
    if (argc >= 2) {
        uint64_t v;
        if (!dbg_number(argv[1], &v)) {
            dbg_printf(d, "Couldn't resolve error at '%s'\n", argv[1]);
            return;
        }
        if (!(t = dbg_find_token(d, v))) {
            dbg_printf(d, "%s is not a token\n", dbg_p(v, a));
            return;
        }
    } else {
        ps_process *p = dbg_current_process(d);
        if (!p || !p->token) {
            dbg_printf(d, "Unable to get the current process's token\n");
            return;
        }
        t = p->token;
        dbg_printf(d, "Thread is not impersonating. Using process token...\n");
        dbg_printf(d, "_EPROCESS 0x%s, _TOKEN 0x%s\n", dbg_p(dbg_process_address(d, p), a),
                   dbg_p(dbg_token_address(d, t), b));
    }
    char sid[96];
    dbg_printf(d, "_TOKEN 0x%s\n", dbg_p(dbg_token_address(d, t), a));
    dbg_printf(d, "TS Session ID: 0x%x\n", t->session_id);
    se_sid_format(&t->user, sid, sizeof sid);
    dbg_printf(d, "User: %s\n", sid);
    dbg_printf(d, "User Groups:\n");
    for (ULONG i = 0; i < t->group_count; i++) {
        se_sid_format(&t->groups[i].sid, sid, sizeof sid);
        dbg_printf(d, " %02u %s\n", i, sid);
        group_attributes(d, t->groups[i].attributes);
    }
    se_sid_format(&t->user, sid, sizeof sid);
    dbg_printf(d, "Primary Group: %s\n", sid);
    dbg_printf(d, "Privs:\n");
    for (ULONG luid = 0; luid < 64; luid++) {
        if (!(t->present >> luid & 1))
            continue;
        ULONG attrs = se_privilege_attributes(t, luid);
        dbg_printf(d, " %02u 0x%09x %-40s Attributes -%s%s\n", luid, luid, ntsim_privilege_name(luid),
                   attrs & SE_PRIVILEGE_ENABLED ? " Enabled" : "",
                   attrs & SE_PRIVILEGE_ENABLED_BY_DEFAULT ? " Default" : "");
    }
    dbg_printf(d, "Authentication ID:         (0,%x)\n", t->authentication_id.LowPart);
    dbg_printf(d, "Impersonation Level:       Anonymous\n");
    dbg_printf(d, "TokenType:                 Primary\n");
    dbg_printf(d, "Token ID: %-17x ParentToken ID: 0\n", t->token_id.LowPart);
    dbg_printf(d, "RestrictedSidCount: 0      RestrictedSids: 0x0000000000000000\n");
    dbg_printf(d, "Mandatory Policy:          0x%x (%s)\n", 1u, "TOKEN_MANDATORY_POLICY_NO_WRITE_UP");
    dbg_printf(d, "Integrity Level:           %s (0x%x)\n", ntsim_integrity_name(t->integrity), t->integrity);
    dbg_printf(d, "Elevation Type:            %s\n",
               t->elevation_type == TokenElevationTypeFull      ? "Full"
               : t->elevation_type == TokenElevationTypeLimited ? "Limited"
                                                                : "Default");
}
