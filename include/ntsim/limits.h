/*
 * limits.h - the simulator's limits in one place, as xv6's param.h: the
 * sizes Windows fixes (service table, notify routines, processors, wait
 * objects) and the bounds ntsim chooses itself.
 */
#ifndef NTSIM_LIMITS_H
#define NTSIM_LIMITS_H

/* Processors: a KAFFINITY is 64 bits on x64, 32 on x86. */
#define NTSIM_MAX_CPUS 64
#define NTSIM_MAX_CPUS_X86 32

/* Entries in the native service table: Windows 10 1607 (build 14393) x64's
   450, and up to 0x1C4, 1803's NtUnmapViewOfSectionEx, which ntsim adds. */
#define NTSIM_SERVICE_LIMIT 453
/* Arguments a service may take: the most any native service has (NtCreateFile's 11) rounded up. */
#define NTSIM_MAX_SERVICE_ARGUMENTS 16

/* Notify routines of each kind (process, thread, image): 64 on x64, 8 on x86. */
#define NTSIM_MAX_NOTIFY_ROUTINES 64
#define NTSIM_MAX_NOTIFY_ROUTINES_X86 8

/* Objects one wait may name (MAXIMUM_WAIT_OBJECTS). */
#define NTSIM_MAX_WAIT_OBJECTS 64

/* x86's increase_uva boot option (/3GB, IncreaseUserVa): 2 GB to 3 GB of user space. */
#define NTSIM_INCREASE_UVA_MIN (2ull << 30)
#define NTSIM_INCREASE_UVA_MAX (3ull << 30)

/* A wait by code that is not a simulated thread's own (DriverEntry, a
   client's request) runs the world forward until it ends; past this much
   virtual time with nothing ending it, it gives up (100 ns units: an hour). */
#define NTSIM_NESTED_WAIT_HORIZON 36000000000ull

/* Lookaside lists: how many freed entries a list may cache. Windows starts
   every list at the minimum and its balance set manager retunes the depth
   between the two by demand (MINIMUM_LOOKASIDE_DEPTH, MaximumDepth). */
#define NTSIM_LOOKASIDE_MINIMUM_DEPTH 4
#define NTSIM_LOOKASIDE_MAXIMUM_DEPTH 256

/* Characters in a path ntsim builds on the stack (MAX_PATH). */
#define NTSIM_MAX_PATH 260

#endif
