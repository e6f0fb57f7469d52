/*
 * mm.h - virtual memory: the native API's four calls on a process handle,
 * one user-mode access, image loads, and a walk of the address space.
 *
 * Semantics are Windows' bit for bit: 64 KiB reservation granularity, 4 KiB
 * pages, the same rounding and NTSTATUS in every case. Addresses are
 * simulated ULONG_PTR values, not host pointers. docs/memory-manager.md has
 * the details.
 */
#ifndef NTSIM_MM_H_PUBLIC
#define NTSIM_MM_H_PUBLIC

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Needs PROCESS_VM_OPERATION. *BaseAddress 0 lets the system choose. */
NTSTATUS NtAllocateVirtualMemory(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                                 ULONG_PTR ZeroBits, SIZE_T *RegionSize, ULONG AllocationType, ULONG Protect);
/*
 * NtAllocateVirtualMemoryEx (Windows 10 1803's service, numbered as there):
 * placeholders (MEM_RESERVE | MEM_RESERVE_PLACEHOLDER with PAGE_NOACCESS;
 * MEM_REPLACE_PLACEHOLDER with MEM_RESERVE over exactly one placeholder)
 * and, in ExtendedParameters, MemExtendedParameterAddressRequirements
 * (lowest, highest, alignment of the system's choice) and
 * MemExtendedParameterAttributeFlags 0. Needs PROCESS_VM_OPERATION.
 */
typedef enum MEM_EXTENDED_PARAMETER_TYPE {
    MemExtendedParameterInvalidType = 0,
    MemExtendedParameterAddressRequirements = 1,
    MemExtendedParameterNumaNode = 2,
    MemExtendedParameterPartitionHandle = 3,
    MemExtendedParameterUserPhysicalHandle = 4,
    MemExtendedParameterAttributeFlags = 5,
    MemExtendedParameterImageMachine = 6,
    MemExtendedParameterMax = 7
} MEM_EXTENDED_PARAMETER_TYPE;
typedef struct MEM_ADDRESS_REQUIREMENTS {
    ULONG_PTR LowestStartingAddress;
    ULONG_PTR HighestEndingAddress; /* the last byte allowed (a page's last), 0: the top */
    SIZE_T Alignment;               /* 0, or a power of two of 64 KiB or more */
} MEM_ADDRESS_REQUIREMENTS;
typedef struct MEM_EXTENDED_PARAMETER {
    ULONG64 Type;                   /* low 8 bits: the type */
    union {
        ULONG64 ULong64;
        const MEM_ADDRESS_REQUIREMENTS *Pointer; /* AddressRequirements (a host pointer here) */
        ULONG ULong;
    };
} MEM_EXTENDED_PARAMETER;
NTSTATUS NtAllocateVirtualMemoryEx(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                                   SIZE_T *RegionSize, ULONG AllocationType, ULONG PageProtection,
                                   const MEM_EXTENDED_PARAMETER *ExtendedParameters, ULONG ExtendedParameterCount);

/* Needs PROCESS_VM_OPERATION. FreeType MEM_DECOMMIT or MEM_RELEASE; with
 * MEM_RELEASE, MEM_PRESERVE_PLACEHOLDER splits a placeholder (or makes a
 * replaced one a placeholder again) and MEM_COALESCE_PLACEHOLDERS joins
 * adjacent placeholders. */
NTSTATUS NtFreeVirtualMemory(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                             SIZE_T *RegionSize, ULONG FreeType);
/* Needs PROCESS_VM_OPERATION. */
NTSTATUS NtProtectVirtualMemory(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                                SIZE_T *RegionSize, ULONG NewProtect, ULONG *OldProtect);

typedef enum MEMORY_INFORMATION_CLASS {
    MemoryBasicInformation = 0,          /* MEMORY_BASIC_INFORMATION */
    MemoryWorkingSetInformation = 1,     /* not modelled: STATUS_INVALID_INFO_CLASS */
    MemoryMappedFilenameInformation = 2, /* MEMORY_SECTION_NAME: an image view's NT path */
    MemoryRegionInformation = 3,         /* MEMORY_REGION_INFORMATION: the whole allocation */
    MemoryWorkingSetExInformation = 4,   /* MEMORY_WORKING_SET_EX_INFORMATION[]: per page */
    MemoryImageInformation = 6           /* MEMORY_IMAGE_INFORMATION: an image view's extent */
} MEMORY_INFORMATION_CLASS;

/* The x64 layouts (ntsim's host types are 64-bit). RegionType's bits:
   Private 0x1, MappedImage 0x4, MappedPageFile 0x8, PlaceholderReservation
   0x100, MappedWriteWatch 0x400, PageSizeLarge 0x800. */
typedef struct MEMORY_REGION_INFORMATION {
    ULONG_PTR AllocationBase;
    ULONG AllocationProtect;
    ULONG RegionType;
    SIZE_T RegionSize;
    SIZE_T CommitSize;
    ULONG_PTR PartitionId;
    ULONG_PTR NodePreference;
} MEMORY_REGION_INFORMATION;
/* VirtualAttributes: Valid bit 0, ShareCount bits 1-3, Win32Protection bits
   4-14, Shared bit 15, LargePage bit 23. The caller sets VirtualAddress. */
typedef struct MEMORY_WORKING_SET_EX_INFORMATION {
    ULONG_PTR VirtualAddress;
    ULONG_PTR VirtualAttributes;
} MEMORY_WORKING_SET_EX_INFORMATION;
typedef struct MEMORY_IMAGE_INFORMATION {
    ULONG_PTR ImageBase;
    SIZE_T SizeOfImage;
    ULONG ImageFlags;
} MEMORY_IMAGE_INFORMATION;
/* SectionFileName.Buffer points into the caller's buffer, after the string. */
typedef struct MEMORY_SECTION_NAME {
    UNICODE_STRING SectionFileName;
} MEMORY_SECTION_NAME;

/* Needs PROCESS_QUERY_INFORMATION. The classes above; an address in no
   allocation is STATUS_INVALID_ADDRESS for every class but the basic one;
   docs/memory-manager.md ("Other query classes") has each status. */
NTSTATUS NtQueryVirtualMemory(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR BaseAddress,
                              MEMORY_INFORMATION_CLASS MemoryInformationClass, void *MemoryInformation,
                              SIZE_T MemoryInformationLength, SIZE_T *ReturnLength);

/*
 * Copies between another process's memory (or the caller's own, through
 * NtCurrentProcess()) and the caller's Buffer: PROCESS_VM_READ, or
 * PROCESS_VM_WRITE. A length of 0 succeeds at once. Any fault is
 * STATUS_PARTIAL_COPY with the bytes moved in *NumberOfBytes{Read,Written}
 * (optional): a fault on the source counts only the chunks before it (up
 * to 511 bytes one chunk, through a kernel buffer; over, 14 pages locked at
 * a time), a fault on the destination the bytes stored before the page
 * that faulted. A guard page fails the copy once and
 * loses its guard. docs/memory-manager.md has the sources.
 */
NTSTATUS NtReadVirtualMemory(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR BaseAddress, void *Buffer,
                             SIZE_T NumberOfBytesToRead, SIZE_T *NumberOfBytesRead);
NTSTATUS NtWriteVirtualMemory(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR BaseAddress, const void *Buffer,
                              SIZE_T NumberOfBytesToWrite, SIZE_T *NumberOfBytesWritten);

/*
 * Sections (page-file-backed): memory that views share, in one process or
 * several. NtCreateSection needs MaximumSize (not 0) and SEC_COMMIT (every
 * page charged to commit at once) or SEC_RESERVE (pages committed later
 * through a view with NtAllocateVirtualMemory(MEM_COMMIT)), and no object
 * name. Image sections: SEC_IMAGE alone with a FileHandle to an image file
 * of the volume (NtOpenFile), opened for what SectionPageProtection needs
 * (FILE_EXECUTE for PAGE_EXECUTE, FILE_READ_DATA for PAGE_READONLY, ...);
 * the protection is checked but the view's pages take the image's own. A
 * view goes at the image's boot-wide base (the one its processes use) or,
 * when that is taken, elsewhere with STATUS_IMAGE_NOT_AT_BASE (a success);
 * each view of an image is told to the load-image notify routines. A
 * device's file is STATUS_INVALID_FILE_FOR_SECTION, a data section of a
 * file STATUS_NOT_SUPPORTED.
 * NtMapViewOfSection needs PROCESS_VM_OPERATION on the process and the
 * right the protection needs on the section (SECTION_MAP_READ,
 * SECTION_MAP_WRITE for PAGE_READWRITE, ...); the base and offset are 64
 * KiB multiples (STATUS_MAPPED_ALIGNMENT); *ViewSize 0 maps to the end.
 * NtUnmapViewOfSection takes any address inside the view. NtExtendSection
 * answers STATUS_SECTION_NOT_EXTENDED (only file-backed sections grow).
 * docs/memory-manager.md ("Sections and views") has every status.
 */
NTSTATUS NtCreateSection(ntsim_system *system, HANDLE *SectionHandle, ACCESS_MASK DesiredAccess,
                         const OBJECT_ATTRIBUTES *ObjectAttributes, const LONG64 *MaximumSize, ULONG SectionPageProtection,
                         ULONG AllocationAttributes, HANDLE FileHandle);
NTSTATUS NtMapViewOfSection(ntsim_system *system, HANDLE SectionHandle, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                            ULONG_PTR ZeroBits, SIZE_T CommitSize, LONG64 *SectionOffset, SIZE_T *ViewSize,
                            SECTION_INHERIT InheritDisposition, ULONG AllocationType, ULONG Win32Protect);
/*
 * NtMapViewOfSectionEx (Windows 10 1803's service, numbered as there): a
 * view as NtMapViewOfSection makes it, without ZeroBits or CommitSize;
 * AllocationType MEM_REPLACE_PLACEHOLDER maps it in place of the
 * placeholder at *BaseAddress, which the view must cover exactly
 * (STATUS_CONFLICTING_ADDRESSES otherwise); with *BaseAddress 0,
 * MemExtendedParameterAddressRequirements bounds the system's choice, as
 * for NtAllocateVirtualMemoryEx. Bad flags and parameters are plain
 * STATUS_INVALID_PARAMETER.
 */
NTSTATUS NtMapViewOfSectionEx(ntsim_system *system, HANDLE SectionHandle, HANDLE ProcessHandle,
                              ULONG_PTR *BaseAddress, LONG64 *SectionOffset, SIZE_T *ViewSize, ULONG AllocationType,
                              ULONG Win32Protect, const MEM_EXTENDED_PARAMETER *ExtendedParameters,
                              ULONG ExtendedParameterCount);
NTSTATUS NtUnmapViewOfSection(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR BaseAddress);
/* NtUnmapViewOfSectionEx (Windows 10 1803, as UnmapViewOfFile2 calls it):
 * Flags MEM_PRESERVE_PLACEHOLDER makes a view that replaced a placeholder
 * that placeholder again (any other view: STATUS_CONFLICTING_ADDRESSES,
 * nothing unmapped); MEM_UNMAP_WITH_TRANSIENT_BOOST is accepted; other
 * flags are STATUS_INVALID_PARAMETER. */
NTSTATUS NtUnmapViewOfSectionEx(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR BaseAddress, ULONG Flags);
NTSTATUS NtExtendSection(ntsim_system *system, HANDLE SectionHandle, LONG64 *NewSectionSize);

typedef enum SECTION_INFORMATION_CLASS { SectionBasicInformation = 0, SectionImageInformation = 1 } SECTION_INFORMATION_CLASS;
/* SectionBasicInformation's answer: base 0 (no based sections), the
   attributes kept (SEC_COMMIT or SEC_RESERVE, ...) and the size as created,
   in whole pages. */
typedef struct SECTION_BASIC_INFORMATION {
    ULONG_PTR BaseAddress;
    ULONG AllocationAttributes;
    LONG64 MaximumSize;
} SECTION_BASIC_INFORMATION;
/* SectionImageInformation's answer for an image section (x64 layout), from
   the image's PE headers as ntsim's images have them. */
typedef struct SECTION_IMAGE_INFORMATION {
    ULONG_PTR TransferAddress;   /* the entry point at the section's based address */
    ULONG ZeroBits;
    SIZE_T MaximumStackSize, CommittedStackSize;
    ULONG SubSystemType;
    USHORT SubSystemMinorVersion, SubSystemMajorVersion;
    USHORT MajorOperatingSystemVersion, MinorOperatingSystemVersion;
    USHORT ImageCharacteristics, DllCharacteristics, Machine;
    UCHAR ImageContainsCode, ImageFlags; /* ImageFlags 0x04: ImageDynamicallyRelocated */
    ULONG LoaderFlags, ImageFileSize, CheckSum;
} SECTION_IMAGE_INFORMATION;
/* Needs SECTION_QUERY; a Length below the class's structure is
   STATUS_INFO_LENGTH_MISMATCH. SectionImageInformation of a
   page-file-backed section: STATUS_SECTION_NOT_IMAGE. */
NTSTATUS NtQuerySection(ntsim_system *system, HANDLE SectionHandle, SECTION_INFORMATION_CLASS InformationClass,
                        void *Information, SIZE_T Length, SIZE_T *ResultLength);

/*
 * Write watches: a reservation made with MEM_WRITE_WATCH (and MEM_RESERVE)
 * records which of its pages are written (by the process's code, by
 * NtWriteVirtualMemory, by the services and drivers writing into it).
 * NtGetWriteWatch lists them, lowest first, at most *EntriesInUserAddressArray
 * (then the number listed), *Granularity the page size; with
 * WRITE_WATCH_FLAG_RESET the pages listed are forgotten. NtResetWriteWatch
 * forgets every page of the range. A range that is empty or not inside one
 * watched allocation is STATUS_INVALID_PARAMETER. Both need
 * PROCESS_VM_OPERATION. Decommitting or releasing forgets the pages too.
 */
#define WRITE_WATCH_FLAG_RESET 0x01u
NTSTATUS NtGetWriteWatch(ntsim_system *system, HANDLE ProcessHandle, ULONG Flags, ULONG_PTR BaseAddress,
                         SIZE_T RegionSize, ULONG_PTR *UserAddressArray, ULONG_PTR *EntriesInUserAddressArray,
                         ULONG *Granularity);
NTSTATUS NtResetWriteWatch(ntsim_system *system, HANDLE ProcessHandle, ULONG_PTR BaseAddress, SIZE_T RegionSize);

typedef enum ntsim_access { NTSIM_READ, NTSIM_WRITE, NTSIM_EXECUTE } ntsim_access;

/*
 * One access by the current thread to its own process's memory:
 * STATUS_SUCCESS, STATUS_ACCESS_VIOLATION, STATUS_GUARD_PAGE_VIOLATION (the
 * guard is then gone) or STATUS_STACK_OVERFLOW.
 */
NTSTATUS ntsim_touch_memory(ntsim_system *system, ULONG_PTR address, ntsim_access access);

/*
 * Reads or writes the current thread's process memory as its user-mode code
 * would: each page must allow the access (STATUS_ACCESS_VIOLATION otherwise;
 * a guard page or stack guard behaves as for a touch). Committed pages that
 * were never written read as zeros.
 */
NTSTATUS ntsim_read_memory(ntsim_system *system, ULONG_PTR address, void *buffer, SIZE_T length);
NTSTATUS ntsim_write_memory(ntsim_system *system, ULONG_PTR address, const void *buffer, SIZE_T length);

/*
 * LoadLibrary: maps an image (a DLL) into the current thread's process,
 * where the system chooses, and delivers image_load. size 0 = 64 KiB. A
 * module the process's loader has already (its image, ntdll, a DLL loaded
 * before, by path without case) is not mapped again: its base comes back.
 */
NTSTATUS ntsim_load_image(ntsim_system *system, const char *path, SIZE_T size, ULONG_PTR *base);

/* Every region of a process's user address space, lowest first, as query
 * reports them, with what lies there ("PEB", "notepad.exe", ...) or NULL.
 * detail is valid only during the callback: copy it to keep it. */
typedef bool (*ntsim_region_cb)(void *context, const MEMORY_BASIC_INFORMATION *mbi, const char *detail);
NTSTATUS ntsim_walk_memory(ntsim_system *system, ULONG pid, ntsim_region_cb cb, void *context);

#ifdef __cplusplus
}
#endif
#endif
