/*
 * io.h - drivers from the simulator's side: load one (its DriverEntry runs),
 * unload it, and be its user-mode client (open its device, read, write).
 */
#ifndef NTSIM_IO_H_PUBLIC
#define NTSIM_IO_H_PUBLIC

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

struct _DRIVER_OBJECT;
struct _UNICODE_STRING;
typedef NTSTATUS (*ntsim_driver_entry)(struct _DRIVER_OBJECT *DriverObject, struct _UNICODE_STRING *RegistryPath);

/*
 * Loads a driver: maps its image into system space (an image_load
 * notification with PID 0), then runs entry in the System process's context.
 * Returns DriverEntry's status; a driver whose DriverEntry fails is not kept.
 * options are "name=value" strings the driver reads with IoQueryDriverOption.
 * STATUS_IMAGE_ALREADY_LOADED if a driver of that name is loaded, or one
 * with the same entry under another name (its globals are one copy, as
 * Windows loads an image once); nothing runs then.
 */
NTSTATUS ntsim_load_driver(ntsim_system *system, const char *name, ntsim_driver_entry entry,
                           const char *const *options, ULONG option_count);
/*
 * Loads a driver from a file: a host shared object (a module built by
 * ntsim_add_driver) that defines DriverEntry. The module is opened with its
 * symbols kept to itself (two drivers may define the same functions) and
 * resolves the kernel API against the program that loads it, which must
 * export it (docs/scenario-language.md, "Drivers from files"); then it loads as ntsim_load_driver
 * does. name NULL: the file's stem ("out/SysMon.so" loads as "SysMon").
 * The module is closed when the driver unloads (its DriverUnload must have
 * stopped what runs its code: system threads, work items, as on Windows,
 * where code left running after unload crashes the system) or, for a
 * driver still loaded, as the system's very last step when it is destroyed.
 * Two systems in one process that load the same file share its globals
 * (the host loads a file once).
 * Statuses, nothing loaded when one fails:
 *  - STATUS_IMAGE_ALREADY_LOADED: a driver of that name is loaded, or one
 *    from that file (as Windows loads an image once);
 *  - STATUS_OBJECT_NAME_NOT_FOUND: no such file (its folder exists);
 *  - STATUS_OBJECT_PATH_NOT_FOUND: its folder does not exist;
 *  - STATUS_INVALID_IMAGE_FORMAT: the file is not a loadable module
 *    (or one whose kernel calls the program does not export);
 *  - STATUS_PROCEDURE_NOT_FOUND: the module has no DriverEntry;
 *  - DriverEntry's own failure status (its pool reported and freed).
 */
NTSTATUS ntsim_load_driver_file(ntsim_system *system, const char *path, const char *name,
                                const char *const *options, ULONG option_count);
/* Runs DriverUnload; STATUS_OBJECT_NAME_NOT_FOUND if not loaded,
 * STATUS_INVALID_DEVICE_REQUEST if it has no unload routine. A system thread
 * still in the driver's code once DriverUnload returns (one its unload gave
 * up waiting for) is ended, with a DbgPrint line "ntsim: NAME unloaded while
 * its thread TID still ran: the thread is ended"; Windows would stop with a
 * bug check when that code next ran. The thread current before the call
 * stays current, or System's first thread if the unload ended it. */
NTSTATUS ntsim_unload_driver(ntsim_system *system, const char *name);

/*
 * The driver's user-mode client: the device named by a symbolic link
 * ("\\??\\SysMon", UTF-8) is opened once (IRP_MJ_CREATE) on first use, then
 * each call is one ReadFile / WriteFile into or from the caller's buffer.
 * *bytes receives IoStatus.Information. STATUS_OBJECT_NAME_NOT_FOUND when no
 * such device exists.
 */
NTSTATUS ntsim_device_read(ntsim_system *system, const char *link, void *buffer, ULONG length, ULONG *bytes);
/* Only the open (IRP_MJ_CREATE, unless the outside client has it open already): CreateFile alone. */
NTSTATUS ntsim_device_open(ntsim_system *system, const char *link);
NTSTATUS ntsim_device_write(ntsim_system *system, const char *link, const void *buffer, ULONG length, ULONG *bytes);
/* A DeviceIoControl from the outside client. */
NTSTATUS ntsim_device_control(ntsim_system *system, const char *link, ULONG code, const void *in, ULONG in_length,
                              void *out, ULONG out_length, ULONG *bytes);
/* The outside client closes its handle: cleanup and close reach the driver. */
NTSTATUS ntsim_device_close(ntsim_system *system, const char *link);
/*
 * Runs routine(context) as kernel code of this system, on the System
 * process's first thread: the kernel API (wdk.h) may be called from it. For
 * tests and exercises that look at a driver's state with its own locks.
 */
void ntsim_call_in_kernel(ntsim_system *system, void (*routine)(void *context), void *context);

/* Runs the code of system threads that can run now (after a call that may have made them runnable). */
void ntsim_run_threads(ntsim_system *system);

/*
 * The native file calls on a device, from the current thread: NtCreateFile
 * opens a device by name ("\\??\\SysMon" or "\\Device\\SysMon") and runs the
 * driver's create routine; reads, writes and I/O controls go to its dispatch
 * routines, described the way the device asked (buffered, direct, neither);
 * closing the last handle sends cleanup, the last reference close. Event,
 * APC and offset arguments are accepted and unused: every request completes
 * before the call returns.
 */
NTSTATUS NtCreateFile(ntsim_system *system, HANDLE *FileHandle, ACCESS_MASK DesiredAccess,
                      POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock, void *AllocationSize,
                      ULONG FileAttributes, ULONG ShareAccess, ULONG CreateDisposition, ULONG CreateOptions,
                      void *EaBuffer, ULONG EaLength);
/* NtOpenFile: NtCreateFile with FILE_OPEN. Besides devices, both open the
 * image files of the system volume (\??\C:\..., \SystemRoot\..., by NT
 * path), whose handles make image sections (NtCreateSection with SEC_IMAGE);
 * the volume is read-only, and its files' contents are not modelled (reads
 * are STATUS_NOT_SUPPORTED). */
NTSTATUS NtOpenFile(ntsim_system *system, HANDLE *FileHandle, ACCESS_MASK DesiredAccess,
                    POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock, ULONG ShareAccess,
                    ULONG OpenOptions);
NTSTATUS NtReadFile(ntsim_system *system, HANDLE FileHandle, HANDLE Event, void *ApcRoutine, void *ApcContext,
                    PIO_STATUS_BLOCK IoStatusBlock, void *Buffer, ULONG Length, LONG64 *ByteOffset, ULONG *Key);
NTSTATUS NtWriteFile(ntsim_system *system, HANDLE FileHandle, HANDLE Event, void *ApcRoutine, void *ApcContext,
                     PIO_STATUS_BLOCK IoStatusBlock, const void *Buffer, ULONG Length, LONG64 *ByteOffset, ULONG *Key);
NTSTATUS NtDeviceIoControlFile(ntsim_system *system, HANDLE FileHandle, HANDLE Event, void *ApcRoutine,
                               void *ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG IoControlCode,
                               const void *InputBuffer, ULONG InputBufferLength, void *OutputBuffer,
                               ULONG OutputBufferLength);

#ifdef __cplusplus
}
#endif
#endif
