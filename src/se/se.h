/*
 * se.h - the security reference monitor's private view: SIDs, accounts,
 * tokens (objects of the Token type), security descriptors and the access
 * check. It sits above ex and below ps: a process owns a token and a
 * descriptor, and ps asks se whether a caller may open it.
 */
#ifndef NTSIM_SE_SE_H
#define NTSIM_SE_SE_H

#include "ex/ex.h"
#include "ntsim/se.h"
#include "ob/object.h"

#define SE_MAX_SUB 8

/* A SID in a fixed block: authority is the last byte of IdentifierAuthority (all ntsim uses are < 256). */
typedef struct se_sid {
    UCHAR authority;
    UCHAR count;
    ULONG sub[SE_MAX_SUB];
} se_sid;

typedef struct se_group {
    se_sid sid;
    ULONG attributes; /* SE_GROUP_* */
} se_group;

/* An access-allowed ACE with its mask already mapped (SeAssignSecurity maps generic rights). */
typedef struct se_ace {
    se_sid sid;
    ACCESS_MASK mask;
} se_ace;

#define SE_MAX_ACES 4

/* What an object's security descriptor holds that the check reads. */
typedef struct se_descriptor {
    se_sid owner;
    se_ace dacl[SE_MAX_ACES];
    UCHAR ace_count;
    ULONG label;        /* the mandatory label's RID */
    ULONG label_policy; /* SYSTEM_MANDATORY_LABEL_NO_*_UP */
} se_descriptor;

#define SYSTEM_MANDATORY_LABEL_NO_WRITE_UP   0x1u
#define SYSTEM_MANDATORY_LABEL_NO_READ_UP    0x2u
#define SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP 0x4u

#define SE_MAX_GROUPS 12

typedef struct se_token {
    ob_header header;
    se_sid user;
    se_group groups[SE_MAX_GROUPS];
    ULONG group_count;
    ULONG integrity;           /* the integrity group's RID */
    uint64_t present, enabled; /* privileges, bit n = LUID n */
    uint64_t enabled_by_default;
    TOKEN_ELEVATION_TYPE elevation_type;
    bool elevated;
    ULONG session_id;
    LUID token_id, authentication_id;
    se_descriptor descriptor;  /* the token object's own */
    LIST_ENTRY links;          /* se_system's tokens */
} se_token;

/* A user account: the name scenarios give, its RID under the machine's SID. */
typedef struct se_account {
    char *name;
    ULONG rid;
} se_account;

/* The security reference monitor's part of the system (nested as ob_system explains). */
typedef struct se_system {
    ex_system ex;          /* first: the layer below */
    ULONG machine[3];      /* S-1-5-21-a-b-c: drawn from the seed */
    uint64_t next_luid;    /* token and logon-session IDs */
    se_account *accounts;  /* users named so far, in order */
    ULONG account_count, account_capacity;
    se_token *system_token; /* LocalSystem at system integrity: System's */
    LIST_ENTRY tokens;      /* every token object, freed at teardown whatever its counts */
} se_system;

static inline se_system *se_state(ntsim_system *sys)
{
    return (se_system *)(void *)sys;
}

extern const ob_type se_token_type;

/* Boot: the machine's SID and System's token. Teardown frees the accounts. */
NTSTATUS se_initialize(ntsim_system *sys);
void se_shutdown(ntsim_system *sys);

/* ---- SIDs (sid.c) */
bool se_sid_equal(const se_sid *a, const se_sid *b);
void se_sid_make(se_sid *sid, UCHAR authority, ULONG count, ...);
/* "S-1-5-18": size bytes at most. */
void se_sid_format(const se_sid *sid, char *out, size_t size);
/* The SID in Windows' layout at out (size bytes); returns its length (8 + 4 per sub-authority). */
ULONG se_sid_length(const se_sid *sid);
void se_sid_write(const se_sid *sid, void *out);
/* Well-known SIDs. */
void se_sid_system(se_sid *sid);
void se_sid_administrators(se_sid *sid);
void se_sid_integrity(se_sid *sid, ULONG rid);
/* "NT AUTHORITY\SYSTEM", "NTSIM\user": the account's name as LookupAccountSid gives it. */
void se_sid_account_name(ntsim_system *sys, const se_sid *sid, char *out, size_t size);

/* ---- accounts (accounts.c) */
#define SE_DEFAULT_USER "user"
/* A user's SID by name, the account made on first use (RIDs from 1001 in order). */
NTSTATUS se_account_sid(ntsim_system *sys, const char *name, se_sid *sid);
bool se_is_system_name(const char *name);

/* ---- privileges (privilege.c) */
typedef enum se_privilege_kind { SE_PRIVILEGES_USER, SE_PRIVILEGES_ELEVATED, SE_PRIVILEGES_SYSTEM } se_privilege_kind;
/* The privileges a token of that kind holds from the start, and which are enabled. */
void se_default_privileges(se_privilege_kind kind, uint64_t *present, uint64_t *enabled);

/* ---- tokens (token.c) */
typedef struct se_token_params {
    const char *user;      /* NULL: the interactive user; "SYSTEM": LocalSystem */
    ULONG integrity;       /* a SECURITY_MANDATORY_*_RID */
    bool elevated;         /* the full administrator token (UAC's linked one) */
    uint64_t add_present;  /* privileges added, disabled */
    uint64_t add_enabled;  /* privileges added, enabled */
} se_token_params;

/* A new primary token (referenced once; the caller owns it). */
NTSTATUS se_create_token(ntsim_system *sys, const se_token_params *params, se_token **out);
/* Frees a token whatever its counts (teardown). */
void se_free_token(se_token *token);
/* A copy of a token (a new process's: the creator's duplicated). */
NTSTATUS se_duplicate_token(ntsim_system *sys, const se_token *from, se_token **out);
/* The privilege is present and enabled. */
bool se_privilege_enabled(const se_token *token, ULONG luid);
/* AdjustTokenPrivileges for one privilege: STATUS_NOT_ALL_ASSIGNED when it is not present. */
NTSTATUS se_adjust_privilege(se_token *token, ULONG luid, bool enable, ULONG *previous_attributes);
ULONG se_privilege_attributes(const se_token *token, ULONG luid);
/*
 * NtAdjustPrivilegesToken's work: each entry enables (SE_PRIVILEGE_ENABLED),
 * disables (0) or removes (SE_PRIVILEGE_REMOVED) a privilege, or every
 * enabled one is disabled. previous (room for 64) gets the changed ones with
 * their attributes before, *changed their count. apply false only computes
 * them (the caller's PreviousState may be too small: then nothing changes).
 * STATUS_NOT_ALL_ASSIGNED when an entry names a privilege not held.
 */
NTSTATUS se_adjust_privileges(se_token *token, bool disable_all, const LUID_AND_ATTRIBUTES *entries, ULONG count,
                              LUID_AND_ATTRIBUTES *previous, ULONG *changed, bool apply);
/* Lowers (never raises) the token's integrity: its label group and the descriptor follow. */
void se_set_integrity(se_token *token, ULONG rid);

/* NtQueryInformationToken's answer for one class into out (length bytes),
   its SID pointers as base + offset; *needed the size the class takes.
   STATUS_BUFFER_TOO_SMALL (nothing written) or STATUS_INVALID_INFO_CLASS. */
NTSTATUS se_query_token(const se_token *token, TOKEN_INFORMATION_CLASS cls, ULONG64 base, void *out, ULONG length,
                        ULONG *needed);

/* ---- security descriptors (descriptor.c) */
/* What a new object gets from the token it is created under: owner, the
   token's default DACL mapped through the type, the token's integrity as its
   label with policy. */
void se_default_descriptor(const se_token *token, const ob_type *type, ULONG label_policy, se_descriptor *sd);

/* ---- the access check (access_check.c) */
typedef struct se_access_request {
    const se_token *token;     /* the subject */
    const se_descriptor *sd;   /* the object's */
    const ob_type *type;       /* its generic mapping and valid rights */
    ACCESS_MASK desired;       /* as asked: generic bits, MAXIMUM_ALLOWED */
    ACCESS_MASK previously_granted; /* granted before the check (a privilege's) */
} se_access_request;

/* SeAccessCheck: STATUS_SUCCESS with *granted, STATUS_ACCESS_DENIED or STATUS_PRIVILEGE_NOT_HELD. */
NTSTATUS se_access_check(const se_access_request *request, ACCESS_MASK *granted);
/* The rights a type defines (desired access is masked to these). */
ACCESS_MASK se_valid_access(const ob_type *type);

#endif
