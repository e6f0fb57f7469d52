/*
 * ntsim_layouts.h - the WDK structures whose x64 layout a driver may rely on
 * (sizes and member offsets as the WDK's headers define them and the public
 * symbols of ntoskrnl show them), checked at compile time in every driver
 * build. ntsim's IRP, IO_STACK_LOCATION, DRIVER_OBJECT and DEVICE_OBJECT
 * keep only the members drivers use by name: their layouts are not Windows'
 * and are not checked (docs/your-own-driver.md).
 */
#ifndef NTSIM_WDK_LAYOUTS_H
#define NTSIM_WDK_LAYOUTS_H

#if defined(__LP64__) || defined(_WIN64)
#ifdef __cplusplus
#define NTSIM_LAYOUT(cond, what) static_assert(cond, what)
#else
#define NTSIM_LAYOUT(cond, what) _Static_assert(cond, what)
#endif
#define NTSIM_SIZE(t, n) NTSIM_LAYOUT(sizeof(t) == (n), #t ": the WDK's x64 size")
#define NTSIM_AT(t, m, n) NTSIM_LAYOUT(__builtin_offsetof(t, m) == (n), #t "." #m ": the WDK's x64 offset")

NTSIM_SIZE(LARGE_INTEGER, 0x8);
NTSIM_SIZE(LIST_ENTRY, 0x10);
NTSIM_SIZE(UNICODE_STRING, 0x10);
NTSIM_AT(UNICODE_STRING, MaximumLength, 0x2);
NTSIM_AT(UNICODE_STRING, Buffer, 0x8);
NTSIM_SIZE(CLIENT_ID, 0x10);
NTSIM_AT(CLIENT_ID, UniqueThread, 0x8);
NTSIM_SIZE(IO_STATUS_BLOCK, 0x10);
NTSIM_AT(IO_STATUS_BLOCK, Information, 0x8);
NTSIM_SIZE(OBJECT_ATTRIBUTES, 0x30);
NTSIM_AT(OBJECT_ATTRIBUTES, RootDirectory, 0x8);
NTSIM_AT(OBJECT_ATTRIBUTES, ObjectName, 0x10);
NTSIM_AT(OBJECT_ATTRIBUTES, Attributes, 0x18);
NTSIM_AT(OBJECT_ATTRIBUTES, SecurityDescriptor, 0x20);
NTSIM_AT(OBJECT_ATTRIBUTES, SecurityQualityOfService, 0x28);

NTSIM_SIZE(KEVENT, 0x18);
NTSIM_SIZE(KSEMAPHORE, 0x20);
NTSIM_SIZE(FAST_MUTEX, 0x38);
NTSIM_AT(FAST_MUTEX, Owner, 0x8);
NTSIM_AT(FAST_MUTEX, Contention, 0x10);
NTSIM_AT(FAST_MUTEX, OldIrql, 0x30);
NTSIM_SIZE(ERESOURCE, 0x68);

NTSIM_SIZE(GENERAL_LOOKASIDE_POOL, 0x60);
NTSIM_AT(GENERAL_LOOKASIDE_POOL, Depth, 0x10);
NTSIM_AT(GENERAL_LOOKASIDE_POOL, TotalAllocates, 0x14);
NTSIM_AT(GENERAL_LOOKASIDE_POOL, Type, 0x24);
NTSIM_AT(GENERAL_LOOKASIDE_POOL, Tag, 0x28);
NTSIM_AT(GENERAL_LOOKASIDE_POOL, Size, 0x2c);
NTSIM_AT(GENERAL_LOOKASIDE_POOL, Allocate, 0x30);
NTSIM_AT(GENERAL_LOOKASIDE_POOL, Free, 0x38);
NTSIM_AT(GENERAL_LOOKASIDE_POOL, ListEntry, 0x40);
NTSIM_AT(GENERAL_LOOKASIDE_POOL, LastTotalAllocates, 0x50);
NTSIM_SIZE(LOOKASIDE_LIST_EX, 0x60);
NTSIM_SIZE(NPAGED_LOOKASIDE_LIST, 0x80);
NTSIM_SIZE(PAGED_LOOKASIDE_LIST, 0x80);

NTSIM_SIZE(PS_CREATE_NOTIFY_INFO, 0x48);
NTSIM_AT(PS_CREATE_NOTIFY_INFO, Flags, 0x8);
NTSIM_AT(PS_CREATE_NOTIFY_INFO, ParentProcessId, 0x10);
NTSIM_AT(PS_CREATE_NOTIFY_INFO, CreatingThreadId, 0x18);
NTSIM_AT(PS_CREATE_NOTIFY_INFO, FileObject, 0x28);
NTSIM_AT(PS_CREATE_NOTIFY_INFO, ImageFileName, 0x30);
NTSIM_AT(PS_CREATE_NOTIFY_INFO, CommandLine, 0x38);
NTSIM_AT(PS_CREATE_NOTIFY_INFO, CreationStatus, 0x40);
NTSIM_SIZE(IMAGE_INFO, 0x28);
NTSIM_AT(IMAGE_INFO, ImageBase, 0x8);
NTSIM_AT(IMAGE_INFO, ImageSelector, 0x10);
NTSIM_AT(IMAGE_INFO, ImageSize, 0x18);
NTSIM_AT(IMAGE_INFO, ImageSectionNumber, 0x20);
NTSIM_SIZE(IMAGE_INFO_EX, 0x38);
NTSIM_AT(IMAGE_INFO_EX, ImageInfo, 0x8);
NTSIM_AT(IMAGE_INFO_EX, FileObject, 0x30);

NTSIM_SIZE(FLT_FILE_NAME_INFORMATION, 0x78);
NTSIM_AT(FLT_FILE_NAME_INFORMATION, Format, 0x4);
NTSIM_AT(FLT_FILE_NAME_INFORMATION, Name, 0x8);
NTSIM_AT(FLT_FILE_NAME_INFORMATION, Volume, 0x18);
NTSIM_AT(FLT_FILE_NAME_INFORMATION, FinalComponent, 0x58);
NTSIM_AT(FLT_FILE_NAME_INFORMATION, ParentDir, 0x68);

#undef NTSIM_AT
#undef NTSIM_SIZE
#undef NTSIM_LAYOUT
#endif

#endif
