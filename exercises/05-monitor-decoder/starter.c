/*
 * Exercise 05 - decode a monitor read buffer. Read README.md (the item
 * layouts and the client's rules are there), then write the parts marked
 * TODO(student). Grade yourself with the command in README.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/* The NT path's DOS form: "\Device\HarddiskVolume3\x" is "C:\x". */
static void dos_name(const char *nt, char *out, size_t cap)
{
    /* TODO(student): the rule is in README.md ("Image names"). */
    snprintf(out, cap, "%s", nt);
}

size_t ex05_decode(const unsigned char *buf, size_t bytes, char lines[][EX05_LINE_MAX], size_t max)
{
    size_t count = 0;
    /* TODO(student): walk the items. For each: read the header (type, size,
     * time), stop on an impossible size, format the item's line (skip
     * unknown or too-short items) and move on by the item's size. */
    (void)u64;
    (void)time_prefix;
    (void)utf16_to_utf8;
    (void)dos_name;
    (void)buf;
    (void)bytes;
    (void)lines;
    (void)max;
    return count;
}
