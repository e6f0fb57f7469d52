/*
 * Exercise 03 - a driver that refuses to start processes from given images
 * (the book's chapter 9 exercise). starter.c (yours) and
 * solution/solution.c implement its DriverEntry.
 */
#ifndef EX03_EXERCISE_H
#define EX03_EXERCISE_H

#include "ntsim/ntsim.h"
#include <ntsim/wdk.h>

/*
 * DriverEntry: reads the option `images` (IoQueryDriverOption), a list of
 * file names separated by commas ("calc.exe, mspaint.exe"), and registers a
 * process routine that refuses every process whose image file name (the
 * part of the path after its last backslash) equals one of them, without
 * regard to case. No option, or a list with no name in it, fails the load
 * with STATUS_INVALID_PARAMETER. The unload routine removes the routine and
 * frees everything. The grader loads it as "blocker2".
 */
NTSTATUS BlockerDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

#endif
