/*
 * help.c - the command line's help from the tables themselves: a command or
 * a driver added to its table is in the help without another edit.
 */
#include "help.h"

#include <string.h>

#include "command.h"
#include "drivers/driver.h"

/* How a value of each kind is written in the help. */
static const char *placeholder(const sim_arg_spec *a)
{
    switch (a->kind) {
    case ARG_PROCESS: return "PROC";
    case ARG_THREAD: return "THREAD";
    case ARG_OBJECT: return "PROC|THREAD";
    case ARG_DRIVER: case ARG_DRIVER_LOAD: case ARG_NEW_PROCESS: case ARG_NEW_THREAD: return "NAME";
    case ARG_NUMBER: return "N";
    case ARG_DURATION: return "DURATION";
    case ARG_MEM_FLAGS: return "MEM_FLAGS";
    case ARG_PAGE_FLAGS: return "PAGE_FLAGS";
    case ARG_ACCESS: return "MASK";
    case ARG_STRING: return "STR";
    case ARG_SWITCH: return "on|off";
    case ARG_CHOICE: return a->choices;
    case ARG_ANY: return "VALUE";
    }
    return "VALUE";
}

/* Writes one word of a command's line, wrapping at 79 columns under the command's name. */
static void word(FILE *out, int *col, const char *text)
{
    int n = (int)strlen(text) + 1;
    if (*col + n > 79) {
        fputs("\n         ", out);
        *col = 9;
    }
    fprintf(out, " %s", text);
    *col += n;
}

void sim_help_commands(FILE *out)
{
    for (size_t i = 0; sim_command_at(i); i++) {
        const sim_command *c = sim_command_at(i);
        int col = 2 + (int)strlen(c->name);
        char buf[128];
        fprintf(out, "  %s", c->name);
        /* Positionals by their names in the table (PROC, ADDR, SIZE...); choices spelled out. */
        for (int k = 0; k < SIM_MAX_ARGS && c->pos[k].name; k++)
            word(out, &col, c->pos[k].kind == ARG_CHOICE ? c->pos[k].choices : c->pos[k].name);
        for (int k = 0; k < SIM_MAX_OPTS && c->opt[k].name; k++) {
            const sim_arg_spec *o = &c->opt[k];
            snprintf(buf, sizeof buf, o->required ? "%s=%s" : "[%s=%s]", o->name, placeholder(o));
            word(out, &col, buf);
        }
        if (c->rest)
            word(out, &col, c->rest);
        fputc('\n', out);
    }
}

void sim_list_drivers(FILE *out)
{
    for (size_t i = 0; sim_driver_at(i); i++)
        fprintf(out, "%s\n", sim_driver_at(i)->name);
}

/* A client's fields as `name=KIND`, required ones bare, the others in brackets. */
static void print_fields(FILE *out, const sim_write_field *f)
{
    static const char *const kinds[] = { [FIELD_NUMBER] = "N", [FIELD_THREAD] = "THREAD",
                                         [FIELD_PROCESS] = "PROC", [FIELD_STRING] = "STR" };
    for (; f->name; f++)
        fprintf(out, f->required ? " %s=%s" : " [%s=%s]", f->name, kinds[f->kind]);
}

static void print_driver(FILE *out, const sim_driver *d)
{
    fprintf(out, "  %s\n", d->name);
    fprintf(out, "    driver load %s", d->name);
    for (const char *const *o = d->options; o && *o; o++)
        fprintf(out, " [%s=VALUE]", *o);
    fputc('\n', out);
    if (d->device)
        fprintf(out, "    device %s\n", d->device);
    if (d->client_read)
        fprintf(out, "    client read %s [buffer=SIZE]\n", d->name);
    if (d->write_fields) {
        fprintf(out, "    client write %s", d->name);
        print_fields(out, d->write_fields);
        fputc('\n', out);
    }
    if (d->ioctl_fields) {
        fprintf(out, "    client ioctl %s", d->name);
        print_fields(out, d->ioctl_fields);
        fputc('\n', out);
    }
}

void sim_help_drivers(FILE *out)
{
    fputs("built-in drivers, after the samples of Windows Kernel Programming\n"
          "(the options of each driver's load line, then its client's lines):\n\n", out);
    for (size_t i = 0; sim_driver_at(i); i++)
        print_driver(out, sim_driver_at(i));
    fputs("\nA driver of your own (a module built by ntsim_add_driver) loads by its path:\n"
          "  driver load PATH [name=NAME] [OPTION=VALUE...]; its device through\n"
          "  client open NAME device=PATH (docs/your-own-driver.md).\n", out);
}

bool sim_help_driver(FILE *out, const char *name)
{
    const sim_driver *d = sim_find_driver(name);
    if (d)
        print_driver(out, d);
    return d != NULL;
}
