/*
 * Exercise 07 - a remote-thread detector without the book sample's blind
 * spots. starter.c (yours) and solution/solution.c implement its DriverEntry.
 */
#ifndef EX07_EXERCISE_H
#define EX07_EXERCISE_H

#include "ntsim/ntsim.h"
#include <ntsim/wdk.h>

/* A report, as the driver's read routine returns it (24 bytes, packed back to back). */
typedef struct RemoteThread {
    LARGE_INTEGER Time;     /* KeQuerySystemTimePrecise when the thread was created */
    ULONG CreatorProcessId;
    ULONG CreatorThreadId;
    ULONG ProcessId;        /* the new thread's process */
    ULONG ThreadId;         /* the new thread */
} RemoteThread;

#define EX07_LINK "\\??\\RemoteDetector" /* what the client opens */

/*
 * DriverEntry: creates \Device\RemoteDetector (buffered I/O) and the link
 * \??\RemoteDetector, registers a process routine and the plain thread
 * routine, and reports every thread created by another process, except:
 * the first thread of a new process (its creator makes it, by design), and
 * threads whose creator or target is the System process (PID 4). A read
 * returns as many whole records as fit, oldest first. The unload routine
 * undoes everything. The grader loads it as "remotedetector".
 */
NTSTATUS DetectorDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

#endif
