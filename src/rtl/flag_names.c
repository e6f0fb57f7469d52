/*
 * flag_names.c - the one table of MEM_, PAGE_ and access-right names, for
 * printing flag words and for parsing them. Printing follows the scenario
 * contract: set bits by ascending value, unnamed bits as a trailing 0x.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "ntsim/names.h"

typedef struct flag_name {
    const char *name;
    uint32_t value;
    unsigned kinds; /* bit (1 << ntsim_flag_kind) for each kind it belongs to */
    size_t len;     /* of name: parsing compares lengths first */
} flag_name;

#define MEMK  (1u << NTSIM_FLAGS_MEM)
#define PAGEK (1u << NTSIM_FLAGS_PAGE)
#define PROCK (1u << NTSIM_FLAGS_PROCESS_ACCESS)
#define THRK  (1u << NTSIM_FLAGS_THREAD_ACCESS)
#define FILEK (1u << NTSIM_FLAGS_FILE_ACCESS)
#define EVTK  (1u << NTSIM_FLAGS_EVENT_ACCESS)
#define SECK  (1u << NTSIM_FLAGS_SECTION_ACCESS)
#define STDK  (PROCK | THRK | FILEK | EVTK | SECK)
#define SECA  (1u << NTSIM_FLAGS_SEC)
#define F(x, k) { #x, x, k, sizeof #x - 1 }

/* Ascending value within each kind; aliases after the name that prints. */
static const flag_name table[] = {
    F(MEM_COALESCE_PLACEHOLDERS, MEMK), F(MEM_PRESERVE_PLACEHOLDER, MEMK),
    F(MEM_COMMIT, MEMK), F(MEM_RESERVE, MEMK), F(MEM_DECOMMIT, MEMK), F(MEM_RELEASE, MEMK),
    F(MEM_FREE, MEMK), F(MEM_PRIVATE, MEMK), F(MEM_MAPPED, MEMK), F(MEM_RESET, MEMK),
    F(MEM_TOP_DOWN, MEMK), F(MEM_WRITE_WATCH, MEMK), F(MEM_PHYSICAL, MEMK), F(MEM_IMAGE, MEMK),
    F(MEM_RESET_UNDO, MEMK), F(MEM_LARGE_PAGES, MEMK), F(MEM_4MB_PAGES, MEMK),
    F(SEC_BASED, MEMK | SECA), F(SEC_NO_CHANGE, MEMK | SECA), F(SEC_FILE, MEMK | SECA), F(SEC_IMAGE, MEMK | SECA),
    F(SEC_PROTECTED_IMAGE, SECA), F(SEC_RESERVE, MEMK | SECA), F(SEC_COMMIT, MEMK | SECA),
    F(SEC_NOCACHE, MEMK | SECA), F(SEC_WRITECOMBINE, SECA), F(SEC_LARGE_PAGES, SECA), F(MEM_REPLACE_PLACEHOLDER, MEMK), F(MEM_RESERVE_PLACEHOLDER, MEMK),

    F(PAGE_NOACCESS, PAGEK), F(PAGE_READONLY, PAGEK), F(PAGE_READWRITE, PAGEK),
    F(PAGE_WRITECOPY, PAGEK), F(PAGE_EXECUTE, PAGEK), F(PAGE_EXECUTE_READ, PAGEK),
    F(PAGE_EXECUTE_READWRITE, PAGEK), F(PAGE_EXECUTE_WRITECOPY, PAGEK), F(PAGE_GUARD, PAGEK),
    F(PAGE_NOCACHE, PAGEK), F(PAGE_WRITECOMBINE, PAGEK),

    F(PROCESS_TERMINATE, PROCK), F(PROCESS_CREATE_THREAD, PROCK), F(PROCESS_SET_SESSIONID, PROCK),
    F(PROCESS_VM_OPERATION, PROCK), F(PROCESS_VM_READ, PROCK), F(PROCESS_VM_WRITE, PROCK),
    F(PROCESS_DUP_HANDLE, PROCK), F(PROCESS_CREATE_PROCESS, PROCK), F(PROCESS_SET_QUOTA, PROCK),
    F(PROCESS_SET_INFORMATION, PROCK), F(PROCESS_QUERY_INFORMATION, PROCK),
    F(PROCESS_SUSPEND_RESUME, PROCK), F(PROCESS_QUERY_LIMITED_INFORMATION, PROCK),
    F(PROCESS_SET_LIMITED_INFORMATION, PROCK),

    F(THREAD_TERMINATE, THRK), F(THREAD_SUSPEND_RESUME, THRK), F(THREAD_ALERT, THRK),
    F(THREAD_GET_CONTEXT, THRK), F(THREAD_SET_CONTEXT, THRK), F(THREAD_SET_INFORMATION, THRK),
    F(THREAD_QUERY_INFORMATION, THRK), F(THREAD_SET_THREAD_TOKEN, THRK), F(THREAD_IMPERSONATE, THRK),
    F(THREAD_DIRECT_IMPERSONATION, THRK), F(THREAD_SET_LIMITED_INFORMATION, THRK),
    F(THREAD_QUERY_LIMITED_INFORMATION, THRK), F(THREAD_RESUME, THRK),

    F(FILE_READ_DATA, FILEK), F(FILE_WRITE_DATA, FILEK), F(FILE_APPEND_DATA, FILEK), F(FILE_READ_EA, FILEK),
    F(FILE_WRITE_EA, FILEK), F(FILE_EXECUTE, FILEK), F(FILE_READ_ATTRIBUTES, FILEK),
    F(FILE_WRITE_ATTRIBUTES, FILEK),

    F(EVENT_QUERY_STATE, EVTK), F(EVENT_MODIFY_STATE, EVTK),

    F(SECTION_QUERY, SECK), F(SECTION_MAP_WRITE, SECK), F(SECTION_MAP_READ, SECK), F(SECTION_MAP_EXECUTE, SECK),
    F(SECTION_EXTEND_SIZE, SECK), F(SECTION_MAP_EXECUTE_EXPLICIT, SECK),

    F(DELETE, STDK), F(READ_CONTROL, STDK), F(WRITE_DAC, STDK), F(WRITE_OWNER, STDK), F(SYNCHRONIZE, STDK),
    F(ACCESS_SYSTEM_SECURITY, STDK), F(MAXIMUM_ALLOWED, STDK), F(GENERIC_ALL, STDK), F(GENERIC_EXECUTE, STDK), F(GENERIC_WRITE, STDK),
    F(GENERIC_READ, STDK),
};

/* Whole-mask names: they print only when the value equals them exactly. */
static const flag_name composites[] = {
    F(PROCESS_ALL_ACCESS, PROCK), F(THREAD_ALL_ACCESS, THRK), F(FILE_ALL_ACCESS, FILEK), F(EVENT_ALL_ACCESS, EVTK),
    F(SECTION_ALL_ACCESS, SECK),
    F(STANDARD_RIGHTS_REQUIRED, PROCK | THRK),
};
#undef F

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool in_kind(const flag_name *f, ntsim_flag_kind kind)
{
    if (kind == NTSIM_FLAGS_ACCESS)
        return (f->kinds & STDK) != 0;
    return (f->kinds & (1u << kind)) != 0;
}

static void put(char *buf, size_t cap, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len < cap) {
        size_t room = cap - *len - 1;
        memcpy(buf + *len, s, n < room ? n : room);
        buf[*len + (n < room ? n : room)] = '\0';
    }
    *len += n;
}

/* For each kind and bit, the entry that prints it: built on first use in
 * one pass over the table, so a flag word costs a look-up per set bit
 * rather than a scan of the table per bit (a replayed `vm` line formats four
 * words). One thread builds it; one that finds it being built scans the
 * table meanwhile. */
#define KINDS 9
typedef struct bit_names {
    const flag_name *bit[KINDS][32];
} bit_names;
static bit_names by_bit;
static atomic_int by_bit_state; /* 0 not built, 1 being built, 2 ready */

static const flag_name *scan_bit(ntsim_flag_kind kind, uint32_t b)
{
    for (size_t i = 0; i < COUNT(table); i++)
        if (table[i].value == b && in_kind(&table[i], kind))
            return &table[i];
    return NULL;
}

/* The first entry of the table for each single bit of each kind, as
   scan_bit finds it. */
static void build_by_bit(void)
{
    for (size_t i = 0; i < COUNT(table); i++) {
        uint32_t v = table[i].value;
        if (!v || (v & (v - 1)))
            continue;
        int bit = __builtin_ctz(v);
        for (int k = 0; k < KINDS; k++)
            if (!by_bit.bit[k][bit] && in_kind(&table[i], (ntsim_flag_kind)k))
                by_bit.bit[k][bit] = &table[i];
    }
}

static const flag_name *name_of_bit(ntsim_flag_kind kind, int bit)
{
    if (atomic_load_explicit(&by_bit_state, memory_order_acquire) == 2)
        return by_bit.bit[kind][bit];
    int expected = 0;
    if (atomic_compare_exchange_strong(&by_bit_state, &expected, 1)) {
        build_by_bit();
        atomic_store_explicit(&by_bit_state, 2, memory_order_release);
    }
    return scan_bit(kind, 1u << bit);
}

size_t ntsim_flags_format(ntsim_flag_kind kind, uint32_t value, char *buf, size_t cap)
{
    size_t len = 0;
    if (cap)
        buf[0] = '\0';
    if (value == 0) {
        put(buf, cap, &len, "0");
        return len;
    }
    for (size_t i = 0; i < COUNT(composites); i++) {
        if (in_kind(&composites[i], kind) && composites[i].value == value) {
            put(buf, cap, &len, composites[i].name);
            return len;
        }
    }
    uint32_t rest = value;
    for (uint32_t m = value; m; m &= m - 1) { /* the set bits, lowest first */
        int bit = __builtin_ctz(m);
        uint32_t b = 1u << bit;
        const flag_name *f = (unsigned)kind < KINDS ? name_of_bit(kind, bit) : NULL;
        if (f) {
            if (rest != value)
                put(buf, cap, &len, "|");
            put(buf, cap, &len, f->name);
            rest &= ~b;
        }
    }
    if (rest) {
        char hex[16];
        snprintf(hex, sizeof hex, "0x%x", rest);
        if (rest != value)
            put(buf, cap, &len, "|");
        put(buf, cap, &len, hex);
    }
    return len;
}

static bool parse_number(const char *s, size_t n, uint32_t *out)
{
    uint64_t v = 0;
    unsigned base = 10;
    size_t i = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == n)
        return false;
    for (; i < n; i++) {
        unsigned d;
        char c = s[i];
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return false;
        v = v * base + d;
        if (v > UINT32_MAX)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

static bool lookup(ntsim_flag_kind kind, const char *s, size_t n, uint32_t *out)
{
    for (size_t i = 0; i < COUNT(table); i++) {
        if (table[i].len == n && in_kind(&table[i], kind) && memcmp(table[i].name, s, n) == 0) {
            *out = table[i].value;
            return true;
        }
    }
    for (size_t i = 0; i < COUNT(composites); i++) {
        if (composites[i].len == n && in_kind(&composites[i], kind) && memcmp(composites[i].name, s, n) == 0) {
            *out = composites[i].value;
            return true;
        }
    }
    return false;
}

bool ntsim_flags_parse(ntsim_flag_kind kind, const char *text, size_t len, uint32_t *value, size_t *bad)
{
    uint32_t v = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '|')
            continue;
        uint32_t part;
        size_t n = i - start;
        if (n == 0 || !(parse_number(text + start, n, &part) || lookup(kind, text + start, n, &part))) {
            *bad = start;
            return false;
        }
        v |= part;
        start = i + 1;
    }
    *value = v;
    return true;
}
