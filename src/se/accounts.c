/*
 * accounts.c - the machine's identity and its user accounts: the machine
 * SID (S-1-5-21-a-b-c, drawn from the seed as setup draws it at random),
 * the users scenarios name, each made on first use with the next RID from
 * 1001 as Windows numbers local accounts, and se's boot and teardown.
 */
#include <string.h>
#include <strings.h>

#include "rtl/alloc.h"
#include "rtl/random.h"
#include "se/se.h"

bool se_is_system_name(const char *name)
{
    return strcasecmp(name, "SYSTEM") == 0 || strcasecmp(name, "NT AUTHORITY\\SYSTEM") == 0;
}

NTSTATUS se_account_sid(ntsim_system *sys, const char *name, se_sid *sid)
{
    se_system *se = se_state(sys);
    if (se_is_system_name(name)) {
        se_sid_system(sid);
        return STATUS_SUCCESS;
    }
    if (!name[0] || strlen(name) > 20 || strpbrk(name, "\\/\"[]:|<>+=;,?*@"))
        return STATUS_INVALID_PARAMETER; /* what Windows refuses in a user name */
    ULONG rid = 0;
    for (ULONG i = 0; i < se->account_count && !rid; i++)
        if (strcasecmp(se->accounts[i].name, name) == 0)
            rid = se->accounts[i].rid;
    if (!rid) {
        if (se->account_count == se->account_capacity) {
            ULONG cap = se->account_capacity ? se->account_capacity * 2 : 4;
            se_account *a = rtl_realloc(se->accounts, cap * sizeof *a);
            if (!a)
                return STATUS_INSUFFICIENT_RESOURCES;
            se->accounts = a;
            se->account_capacity = cap;
        }
        size_t n = strlen(name) + 1;
        char *copy = rtl_malloc(n);
        if (!copy)
            return STATUS_INSUFFICIENT_RESOURCES;
        memcpy(copy, name, n);
        rid = 1001 + se->account_count;
        se->accounts[se->account_count++] = (se_account){ copy, rid };
    }
    se_sid_make(sid, 5, 5, 21u, se->machine[0], se->machine[1], se->machine[2], rid);
    return STATUS_SUCCESS;
}

NTSTATUS se_initialize(ntsim_system *sys)
{
    se_system *se = se_state(sys);
    /* Its own stream of the seed: drawing from ps's would move every ASLR base. */
    rtl_random r;
    rtl_random_seed(&r, ke_state(sys)->config.seed ^ 0x5345435552495459ull);
    for (int i = 0; i < 3; i++)
        se->machine[i] = (ULONG)(rtl_random_next(&r) >> 32);
    InitializeListHead(&se->tokens);
    se->next_luid = 0x3E8; /* the SYSTEM logon session's LUID is 0x3E7 */
    se_token_params p = { .user = "SYSTEM", .integrity = SECURITY_MANDATORY_SYSTEM_RID };
    return se_create_token(sys, &p, &se->system_token);
}

void se_shutdown(ntsim_system *sys)
{
    se_system *se = se_state(sys);
    /* Every token goes, whatever its counts (the objects holding them went first). */
    while (se->tokens.Flink && !IsListEmpty(&se->tokens))
        se_free_token(CONTAINING_RECORD(se->tokens.Flink, se_token, links));
    se->system_token = NULL;
    for (ULONG i = 0; i < se->account_count; i++)
        rtl_free(se->accounts[i].name);
    rtl_free(se->accounts);
    se->accounts = NULL;
    se->account_count = se->account_capacity = 0;
}
