/*
 * help.c - the command line's help from the tables themselves: a command or
 * a driver added to its table is in the help without another edit.
 */
#include "help.h"

#include "drivers/driver.h"

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
