/*
 * Exercise 02 - a driver that counts processes per parent with a process
 * notification routine. starter.c (yours) and solution/solution.c implement
 * these three functions.
 */
#ifndef EX02_EXERCISE_H
#define EX02_EXERCISE_H

#include "ntsim/ntsim.h"
#include <ntsim/wdk.h>

/*
 * The driver's DriverEntry: registers a process notification routine
 * (PsSetCreateProcessNotifyRoutineEx) and sets an unload routine that
 * removes it and frees everything the driver allocated. The grader loads it
 * with ntsim_load_driver(sys, "childcounter", ChildCounterDriverEntry, ...).
 */
NTSTATUS ChildCounterDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

/*
 * Processes created with parent_pid as their parent since the driver loaded.
 * Called by the grader between events, outside any driver call: it must not
 * call kernel functions (ExAcquireFastMutex and the like).
 */
ULONG ChildCounterCreated(ULONG parent_pid);

/* Of those, how many have not exited yet. */
ULONG ChildCounterLive(ULONG parent_pid);

#endif
