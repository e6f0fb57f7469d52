/*
 * lexer.h - splits one scenario line into tokens (SCENARIO.md "Files"):
 * spaces or tabs separate, '#' starts a comment, double quotes hold spaces,
 * backslashes are literal; `key=value` tokens are options.
 */
#ifndef NTSIM_SIM_LEXER_H
#define NTSIM_SIM_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#define SIM_MAX_LINE 4096   /* bytes in a line, newline excluded */
#define SIM_MAX_TOKENS 64

typedef struct sim_token {
    const char *text; /* unquoted text, NUL-terminated, in the line's buffer */
    size_t len;
    int col;          /* 1-based column of the token's first byte */
    const char *key;  /* for key=value: the key (NUL-terminated copy), else NULL */
    const char *value;/* for key=value: the value */
    size_t value_len;
    int value_col;
} sim_token;

typedef struct sim_line {
    char buf[2 * SIM_MAX_LINE + 2 * SIM_MAX_TOKENS + 2];
    sim_token tokens[SIM_MAX_TOKENS];
    int count;
} sim_line;

typedef struct sim_lex_error {
    int col;
    char message[128];
} sim_lex_error;

/*
 * Tokenizes text[0..len) (no newline). Returns false with err set on a NUL
 * byte, invalid UTF-8, an unterminated quote, too long a line or too many
 * tokens. A blank or comment-only line gives count 0.
 */
bool sim_lex(const char *text, size_t len, sim_line *line, sim_lex_error *err);

/*
 * A lexed line as a person reads it in the output: its tokens as written
 * (quotes kept), one space between them, the comment dropped. Writes at
 * most cap - 1 bytes and a NUL into buf; returns the length written.
 */
size_t sim_line_display(const char *text, size_t len, char *buf, size_t cap);

#endif
