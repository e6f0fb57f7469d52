/*
 * help.h - the command line's help, written from the tables it describes
 * (the command table, the built-in drivers) so that it cannot fall behind.
 */
#ifndef NTSIM_SIM_HELP_H
#define NTSIM_SIM_HELP_H

#include <stdbool.h>
#include <stdio.h>

/* Every command of the scenario language, from the parser's own table
   (sim/command_table.c): its positional arguments, then its options,
   required ones bare and the others in brackets. */
void sim_help_commands(FILE *out);
/* The built-in drivers' names, one a line, in the table's order (for completion scripts). */
void sim_list_drivers(FILE *out);
/* The built-in drivers: their load options and what their clients do. */
void sim_help_drivers(FILE *out);
/* One built-in driver's entry of sim_help_drivers; false if there is no such driver. */
bool sim_help_driver(FILE *out, const char *name);

#endif
