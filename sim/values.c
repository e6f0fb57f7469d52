/* values.c - parsing the scenario language's values (SCENARIO.md "Files"). */
#include <string.h>

#include "ntsim/names.h"
#include "values.h"

static bool digits(const char *s, size_t n, unsigned base, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
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
        if (v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

/* A number with an optional binary suffix; `lower` lets k, m, g, t stand for K, M, G, T. */
static bool parse_number(const char *s, size_t n, bool lower, uint64_t *out)
{
    unsigned shift = 0;
    if (n > 0) {
        switch (s[n - 1]) {
        case 'K': shift = 10; break;
        case 'M': shift = 20; break;
        case 'G': shift = 30; break;
        case 'T': shift = 40; break;
        case 'k': shift = lower ? 10 : 0; break;
        case 'm': shift = lower ? 20 : 0; break;
        case 'g': shift = lower ? 30 : 0; break;
        case 't': shift = lower ? 40 : 0; break;
        default: break;
        }
    }
    if (shift)
        n--;
    uint64_t v;
    bool ok = (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? digits(s + 2, n - 2, 16, &v)
                                                                   : digits(s, n, 10, &v);
    if (!ok || (shift && v > (UINT64_MAX >> shift)))
        return false;
    *out = v << shift;
    return true;
}

/* Sizes are written as people write them (64k, 1m) as well as the contract's 64K, 1M. */
bool sim_parse_number(const char *s, size_t n, uint64_t *out)
{
    return parse_number(s, n, true, out);
}

bool sim_parse_duration(const char *s, size_t n, uint64_t *ticks)
{
    static const struct { const char *unit; uint64_t ticks; } units[] = {
        { "us", 10 }, { "ms", 10000 }, { "s", 10000000 },
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t u = strlen(units[i].unit);
        /* "ms" and "us" end in 's' too: the longest unit that fits wins. */
        if (n > u && memcmp(s + n - u, units[i].unit, u) == 0 &&
            (u == 2 || (s[n - 2] >= '0' && s[n - 2] <= '9'))) {
            uint64_t v;
            if (!digits(s, n - u, 10, &v) || v > UINT64_MAX / units[i].ticks)
                return false;
            *ticks = v * units[i].ticks;
            return true;
        }
    }
    /* Uppercase suffixes only: "10m" would be ten mebi-ticks (about a second), not
       ten minutes, and "1s"-like slips would pass unnoticed. */
    return parse_number(s, n, false, ticks);
}

bool sim_parse_syscall_arg(const char *s, size_t n, uint64_t *out)
{
    uint32_t flags;
    size_t bad;
    if (n > 1 && s[0] == '-') {
        uint64_t v;
        if (!sim_parse_number(s + 1, n - 1, &v) || v > (1ull << 63))
            return false;
        *out = 0 - v;
        return true;
    }
    if (sim_parse_number(s, n, out))
        return true;
    static const ntsim_flag_kind kinds[] = { NTSIM_FLAGS_MEM, NTSIM_FLAGS_PAGE, NTSIM_FLAGS_ACCESS };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (ntsim_flags_parse(kinds[i], s, n, &flags, &bad)) {
            *out = flags;
            return true;
        }
    }
    return false;
}

bool sim_parse_switch(const char *s, size_t n, bool *out)
{
    if (n == 2 && memcmp(s, "on", 2) == 0)
        return *out = true, true;
    if (n == 3 && memcmp(s, "off", 3) == 0)
        return *out = false, true;
    return false;
}

void sim_main_name(char *buf, const char *name, size_t len)
{
    memcpy(buf, name, len);
    memcpy(buf + len, ".main", 6);
}

bool sim_valid_name(const char *s, size_t n)
{
    if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-'))
            return false;
    }
    return true;
}
