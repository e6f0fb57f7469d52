/*
 * sysinfo.h - NtQuerySystemInformation(SystemProcessInformation): the
 * process list as Windows hands it out, x64 layout, entries chained by
 * NextEntryOffset, each followed by its threads and its name (UTF-16).
 */
#ifndef NTSIM_SYSINFO_H
#define NTSIM_SYSINFO_H

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum SYSTEM_INFORMATION_CLASS { SystemProcessInformation = 5 } SYSTEM_INFORMATION_CLASS;

typedef struct UNICODE_STRING64 {
    USHORT Length;        /* bytes, without the terminator */
    USHORT MaximumLength;
    ULONG Reserved;
    ULONG64 Buffer;       /* an address in the caller's buffer */
} UNICODE_STRING64;

typedef struct SYSTEM_PROCESS_INFORMATION {
    ULONG NextEntryOffset;
    ULONG NumberOfThreads;
    LONG64 WorkingSetPrivateSize;
    ULONG HardFaultCount;
    ULONG NumberOfThreadsHighWatermark;
    ULONG64 CycleTime;
    LONG64 CreateTime;
    LONG64 UserTime;
    LONG64 KernelTime;
    UNICODE_STRING64 ImageName;
    KPRIORITY BasePriority;
    ULONG Reserved0;
    ULONG64 UniqueProcessId;
    ULONG64 InheritedFromUniqueProcessId;
    ULONG HandleCount;
    ULONG SessionId;
    ULONG64 UniqueProcessKey;
    ULONG64 Counters[18]; /* virtual sizes, working sets, pool, page file, I/O: all 0 */
} SYSTEM_PROCESS_INFORMATION;

typedef struct SYSTEM_THREAD_INFORMATION {
    LONG64 KernelTime;
    LONG64 UserTime;
    LONG64 CreateTime;
    ULONG WaitTime;
    ULONG Reserved0;
    ULONG64 StartAddress;
    ULONG64 UniqueProcess;
    ULONG64 UniqueThread;
    KPRIORITY Priority;
    LONG BasePriority;
    ULONG ContextSwitches;
    ULONG ThreadState;
    ULONG WaitReason;
    ULONG Reserved1;
} SYSTEM_THREAD_INFORMATION;

/*
 * Too small a buffer gives STATUS_INFO_LENGTH_MISMATCH and the size needed
 * in *ReturnLength: ask once for the size, then again with room. Processes
 * that have exited are not listed; the Idle process comes first, unnamed.
 * From user mode the buffer is filled in the caller's user memory, so the
 * ImageName.Buffer addresses are user addresses of the calling process; from
 * kernel mode (a driver's ZwQuerySystemInformation) they point into the
 * caller's buffer itself.
 */
NTSTATUS NtQuerySystemInformation(ntsim_system *system, SYSTEM_INFORMATION_CLASS SystemInformationClass,
                                  void *SystemInformation, ULONG SystemInformationLength, ULONG *ReturnLength);

/* From kernel mode (previous mode KernelMode), as drivers call it (the WDK
   leaves it undeclared; ntsim's own drivers take it from here). */
NTSTATUS ZwQuerySystemInformation(SYSTEM_INFORMATION_CLASS SystemInformationClass, void *SystemInformation,
                                  ULONG SystemInformationLength, ULONG *ReturnLength);

#ifdef __cplusplus
}
#endif
#endif
