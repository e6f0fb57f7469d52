/*
 * prompt.c - the interactive session of `ntsim run -` on a terminal: lines
 * read at a prompt and handed to the scenario engine one at a time, which
 * runs each before the next is asked for. The prompt, greeting and help go
 * to their own stream (standard error), so the run's output stays what
 * `ntsim run` would write for the same lines.
 */
#include <stdlib.h>
#include <string.h>

#include "help.h"
#include "line_editor.h"
#include "prompt.h"

static const char greeting[] =
    "ntsim: a scenario, one command a line, each run as you enter it.\n"
    "help lists the commands; quit or Ctrl-D ends the session.\n";

static const char prompt_text[] = "ntsim> ";

/* One line typed, without its newline, into buf (a longer one is cut and
   *len says how long it was); false at the end of input. */
static bool read_line(sim_prompt *p, char *buf, size_t cap, size_t *len)
{
    if (sim_line_editor_available()) {
        char *l = sim_line_editor_read(prompt_text, p->in, p->talk);
        if (!l)
            return false;
        *len = strlen(l);
        memcpy(buf, l, *len < cap ? *len : cap);
        free(l);
        return true;
    }
    fputs(prompt_text, p->talk);
    fflush(p->talk);
    size_t n = 0;
    int c;
    while ((c = getc(p->in)) != EOF && c != '\n') {
        if (n < cap)
            buf[n] = (char)c;
        n++;
    }
    if (c == EOF && n == 0)
        return false;
    *len = n;
    return true;
}

/* The line as a word of the session's own (help, quit), ignoring blanks. */
static bool is_word(const char *buf, size_t len, const char *word)
{
    while (len && (*buf == ' ' || *buf == '\t'))
        buf++, len--;
    while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\t' || buf[len - 1] == '\r'))
        len--;
    return len == strlen(word) && memcmp(buf, word, len) == 0;
}

bool sim_prompt_next(void *context, char *buf, size_t cap, size_t *len)
{
    sim_prompt *p = context;
    if (!p->greeted) {
        fputs(greeting, p->talk);
        p->greeted = true;
    }
    for (;;) {
        if (!read_line(p, buf, cap, len)) {
            fputc('\n', p->talk); /* Ctrl-D leaves the cursor after the prompt */
            return false;
        }
        size_t n = *len < cap ? *len : cap;
        if (is_word(buf, n, "quit") || is_word(buf, n, "exit"))
            return false;
        if (!is_word(buf, n, "help"))
            return true;
        /* Not a scenario line: the engine never sees it (line numbers count the scenario's lines). */
        fputs("commands (one a line; [brackets]: optional; key=value options after the arguments):\n", p->talk);
        sim_help_commands(p->talk);
        fflush(p->talk);
    }
}
