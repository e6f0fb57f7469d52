/* lexer.c - scenario line tokenizer. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lexer.h"

static int fail(sim_lex_error *err, size_t at, const char *message)
{
    err->col = (int)at + 1;
    snprintf(err->message, sizeof err->message, "%s", message);
    return 0;
}

/* Length of the UTF-8 sequence at s (max n bytes), 0 if malformed. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 4, cp = c & 0x07;
    else
        return 0;
    if (need > n)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((need == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return need;
}

static bool validate(const char *text, size_t len, sim_lex_error *err)
{
    if (len > SIM_MAX_LINE)
        return fail(err, SIM_MAX_LINE, "line longer than 4096 bytes");
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    for (size_t i = 0; i < len;) {
        /* Eight plain ASCII bytes (none zero, none above 0x7F) at a time. */
        if (len - i >= 8) {
            uint64_t x;
            memcpy(&x, text + i, 8);
            if ((((x - ones) | x) & highs) == 0) {
                i += 8;
                continue;
            }
        }
        if (text[i] == '\0')
            return fail(err, i, "NUL byte in line");
        size_t n = utf8_len((const unsigned char *)text + i, len - i);
        if (n == 0)
            return fail(err, i, "invalid UTF-8");
        i += n;
    }
    return true;
}

/* The bytes that end a token or change how it reads: one table lookup per byte. */
static const unsigned char special[256] = {
    ['\t'] = 1, ['\r'] = 1, [' '] = 1, ['"'] = 1, ['#'] = 1, ['='] = 1,
};

bool sim_lex(const char *text, size_t len, sim_line *line, sim_lex_error *err)
{
    line->count = 0;
    if (!validate(text, len, err))
        return false;
    char *out = line->buf;
    size_t i = 0;
    for (;;) {
        while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
            i++;
        if (i >= len || text[i] == '#')
            return true;
        if (line->count == SIM_MAX_TOKENS)
            return fail(err, i, "too many tokens on one line");
        sim_token *t = &line->tokens[line->count++];
        t->col = (int)i + 1;
        t->text = out;
        t->key = NULL;
        t->value = NULL;
        t->value_len = 0;
        size_t eq = (size_t)-1; /* offset of the first unquoted '=' in out */
        bool quoted = false;
        size_t quote_at = 0;
        char *start = out;
        while (i < len) {
            unsigned char c = (unsigned char)text[i];
            if (special[c]) {
                if (c == '"') {
                    quoted = !quoted;
                    quote_at = i;
                    i++;
                    continue;
                }
                if (!quoted && c != '=')
                    break;
                if (!quoted && eq == (size_t)-1 && out > start) {
                    eq = (size_t)(out - start);
                    t->value_col = (int)i + 2;
                }
            }
            *out++ = (char)c;
            i++;
        }
        if (quoted)
            return fail(err, quote_at, "unterminated quote");
        *out++ = '\0';
        t->len = (size_t)(out - start - 1);
        if (eq != (size_t)-1) {
            /* Keep "key=value" whole in text; add a NUL-terminated key copy. */
            char *key = out;
            memcpy(key, start, eq);
            key[eq] = '\0';
            out += eq + 1;
            t->key = key;
            t->value = start + eq + 1;
            t->value_len = t->len - eq - 1;
        }
    }
}

size_t sim_line_display(const char *text, size_t len, char *buf, size_t cap)
{
    size_t o = 0, i = 0;
    if (cap == 0)
        return 0;
    for (;;) {
        while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
            i++;
        if (i >= len || text[i] == '#')
            break;
        if (o && o + 1 < cap)
            buf[o++] = ' ';
        bool quoted = false;
        for (; i < len; i++) {
            char c = text[i];
            if (!quoted && (c == ' ' || c == '\t' || c == '\r' || c == '#'))
                break;
            quoted ^= c == '"';
            if (o + 1 < cap)
                buf[o++] = c;
        }
    }
    buf[o] = '\0';
    return o;
}
