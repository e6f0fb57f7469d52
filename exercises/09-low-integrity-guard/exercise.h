/*
 * Exercise 09 - a driver that refuses processes started at low integrity
 * from a given folder. starter.c (yours) and solution/solution.c implement
 * its DriverEntry.
 */
#ifndef EX09_EXERCISE_H
#define EX09_EXERCISE_H

#include "ntsim/ntsim.h"
#include <ntsim/wdk.h>

/*
 * DriverEntry: reads the option `folder` (IoQueryDriverOption), an NT path
 * ("\Device\HarddiskVolume3\Users\Public\Downloads"), and registers a
 * process routine that refuses (STATUS_ACCESS_DENIED) every process whose
 * own token is below medium integrity (low or untrusted) and whose image
 * lies in that folder or below it, comparing without regard to case. No
 * option, or an empty one, fails the load with STATUS_INVALID_PARAMETER.
 * The unload routine removes the routine and frees everything. The grader
 * loads it as "guard".
 */
NTSTATUS GuardDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

#endif
