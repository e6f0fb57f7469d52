/* Exercise 05 - reference solution: the system monitor's client, by hand. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "exercise.h"

/* Little-endian fields at any offset (items are packed back to back, so
 * nothing is aligned: never cast the buffer to a struct pointer). */
static uint16_t u16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t u32(const unsigned char *p) { return (uint32_t)u16(p) | (uint32_t)u16(p + 2) << 16; }
static uint64_t u64(const unsigned char *p) { return (uint64_t)u32(p) | (uint64_t)u32(p + 4) << 32; }

/* "HH:MM:SS.mmm: " for a system time (100 ns units since 1601, UTC). */
static void time_prefix(uint64_t time, char *out, size_t cap)
{
    uint64_t ms = time / 10000 % 86400000;
    snprintf(out, cap, "%02u:%02u:%02u.%03u: ", (unsigned)(ms / 3600000), (unsigned)(ms / 60000 % 60),
             (unsigned)(ms / 1000 % 60), (unsigned)(ms % 1000));
}

/* `chars` UTF-16 characters at p as UTF-8 into out (stops at a NUL). */
static void utf16_to_utf8(const unsigned char *p, size_t chars, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < chars && n + 4 < cap; i++) {
        uint32_t c = u16(p + 2 * i);
        if (c == 0)
            break;
        if (c >= 0xD800 && c < 0xDC00 && i + 1 < chars && u16(p + 2 * i + 2) >= 0xDC00 && u16(p + 2 * i + 2) < 0xE000)
            c = 0x10000 + ((c - 0xD800) << 10) + (u16(p + 2 * ++i) - 0xDC00u);
        else if (c >= 0xD800 && c < 0xE000)
            c = 0xFFFD;
        if (c < 0x80) {
            out[n++] = (char)c;
        } else if (c < 0x800) {
            out[n++] = (char)(0xC0 | c >> 6);
            out[n++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out[n++] = (char)(0xE0 | c >> 12);
            out[n++] = (char)(0x80 | (c >> 6 & 0x3F));
            out[n++] = (char)(0x80 | (c & 0x3F));
        } else {
            out[n++] = (char)(0xF0 | c >> 18);
            out[n++] = (char)(0x80 | (c >> 12 & 0x3F));
            out[n++] = (char)(0x80 | (c >> 6 & 0x3F));
            out[n++] = (char)(0x80 | (c & 0x3F));
        }
    }
    out[n] = '\0';
}

static int same_ignoring_case(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] + 32) : a[i];
        char y = b[i] >= 'A' && b[i] <= 'Z' ? (char)(b[i] + 32) : b[i];
        if (x != y)
            return 0;
    }
    return 1;
}

/* The NT path's DOS form: the prefix up to the third backslash names a
 * volume ("\Device\HarddiskVolume3", compared without case) or not. */
static void dos_name(const char *nt, char *out, size_t cap)
{
    static const char volume[] = "\\Device\\HarddiskVolume3";
    size_t prefix = 0;
    int backslashes = 0;
    while (nt[prefix] && !(nt[prefix] == '\\' && ++backslashes == 3))
        prefix++;
    if (prefix == sizeof volume - 1 && same_ignoring_case(nt, volume, prefix))
        snprintf(out, cap, "C:%.1000s", nt + prefix);
    else
        snprintf(out, cap, "%s", nt);
}

enum { HEADER = 16, CMDLINE_AT = 34, IMAGE_ITEM = 640 };

/* The fixed part of each type (1..5); 0 for a type the client does not know. */
static size_t fixed_size(unsigned type)
{
    static const size_t sizes[] = { 0, CMDLINE_AT, 24, 24, 32, IMAGE_ITEM };
    return type < sizeof sizes / sizeof sizes[0] ? sizes[type] : 0;
}

/* Formats one item into line; false when the client prints nothing for it. */
static int format_item(const unsigned char *p, size_t size, char *line, size_t cap)
{
    unsigned type = u16(p);
    size_t fixed = fixed_size(type);
    if (fixed == 0 || fixed > size)
        return 0;
    char prefix[32], text[1000], dos[1100];
    time_prefix(u64(p + 8), prefix, sizeof prefix);
    switch (type) {
    case 1: {
        size_t chars = u16(p + 32);
        if (chars > (size - CMDLINE_AT) / 2)
            chars = (size - CMDLINE_AT) / 2;
        char cmdline[EX05_LINE_MAX];
        utf16_to_utf8(p + CMDLINE_AT, chars, cmdline, sizeof cmdline);
        snprintf(line, cap, "%sProcess %u Created. Command line: %.1900s", prefix, u32(p + 16), cmdline);
        break;
    }
    case 2:
        snprintf(line, cap, "%sProcess %u Exited (Code: %u)", prefix, u32(p + 16), u32(p + 20));
        break;
    case 3:
        snprintf(line, cap, "%sThread %u Created in process %u", prefix, u32(p + 16), u32(p + 20));
        break;
    case 4:
        snprintf(line, cap, "%sThread %u Exited from process %u (Code: %u)", prefix, u32(p + 16), u32(p + 20),
                 u32(p + 24));
        break;
    case 5:
        utf16_to_utf8(p + 32, 301, text, sizeof text);
        dos_name(text, dos, sizeof dos);
        snprintf(line, cap, "%sImage loaded into process %u at address 0x%llX (%s)", prefix, u32(p + 16),
                 (unsigned long long)u64(p + 24), dos);
        break;
    }
    return 1;
}

size_t ex05_decode(const unsigned char *buf, size_t bytes, char lines[][EX05_LINE_MAX], size_t max)
{
    size_t count = 0, offset = 0;
    while (bytes - offset >= HEADER && count < max) {
        size_t size = u16(buf + offset + 2);
        if (size < HEADER || size > bytes - offset)
            break; /* an impossible size ends the walk */
        if (format_item(buf + offset, size, lines[count], EX05_LINE_MAX))
            count++;
        offset += size;
    }
    return count;
}
