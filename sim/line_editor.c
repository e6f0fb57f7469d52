/*
 * line_editor.c - GNU readline, found at run time (line_editor.h). Its
 * functions are looked up by name: the build needs neither its headers nor
 * its library, and a system without it gets plain lines.
 */
#include <dlfcn.h>
#include <string.h>

#include "line_editor.h"

typedef char *(*readline_fn)(const char *prompt);
typedef void (*add_history_fn)(const char *line);

static struct {
    bool tried, loaded;
    readline_fn readline;
    add_history_fn add_history;
    FILE **instream, **outstream; /* rl_instream, rl_outstream */
} rl;

/* A symbol's address as a function pointer (ISO C has no cast for it). */
static void *symbol(void *lib, const char *name, void *fn_out, size_t fn_size)
{
    void *p = dlsym(lib, name);
    if (p && fn_out)
        memcpy(fn_out, &p, fn_size);
    return p;
}

static bool load(void)
{
    /* The sonames of readline 8 and 7, then whatever the development link names. */
    static const char *const names[] = { "libreadline.so.8", "libreadline.so.7", "libreadline.so" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        void *lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (!lib)
            continue;
        if (symbol(lib, "readline", &rl.readline, sizeof rl.readline) &&
            symbol(lib, "add_history", &rl.add_history, sizeof rl.add_history) &&
            (rl.instream = symbol(lib, "rl_instream", NULL, 0)) && (rl.outstream = symbol(lib, "rl_outstream", NULL, 0)))
            return true; /* kept loaded for the rest of the run */
        dlclose(lib);
    }
    return false;
}

bool sim_line_editor_available(void)
{
#ifdef NTSIM_NO_READLINE
    return false;
#else
    if (!rl.tried) {
        rl.tried = true;
        rl.loaded = load();
    }
    return rl.loaded;
#endif
}

char *sim_line_editor_read(const char *prompt, FILE *in, FILE *out)
{
    *rl.instream = in;
    *rl.outstream = out;
    char *line = rl.readline(prompt);
    if (line && *line)
        rl.add_history(line);
    return line;
}
