/*
 * nt.h - the native API's vocabulary: NTSTATUS codes, MEM_/PAGE_ flags,
 * access rights and the structures the Nt* calls exchange.
 *
 * Values are those of the Windows SDK/WDK headers, so code written against
 * ntsim reads like the book's. Simulated addresses are not host pointers:
 * they are ULONG_PTR (always 64-bit here, whatever the simulated arch).
 */
#ifndef NTSIM_NT_H
#define NTSIM_NT_H

#include <stdbool.h>
#include <uchar.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t NTSTATUS;
typedef uint8_t UCHAR;
typedef uint16_t USHORT;
typedef uint32_t ULONG;
typedef int32_t LONG;
typedef uint64_t ULONG64;
typedef int64_t LONG64;
typedef uint64_t ULONG_PTR; /* a simulated address or size */
typedef uint64_t SIZE_T;
typedef uint64_t KAFFINITY;
typedef int32_t KPRIORITY;
typedef uint32_t ACCESS_MASK;
typedef void *HANDLE; /* a handle value: a multiple of 4, never a host pointer */

#define NT_SUCCESS(s) ((NTSTATUS)(s) >= 0)

/* Who made a call: the previous mode of the thread that entered a service. */
typedef enum _MODE { KernelMode = 0, UserMode = 1 } KPROCESSOR_MODE;

/* Pseudo-handles: what NtCurrentProcess() and NtCurrentThread() return. */
#define NtCurrentProcess() ((HANDLE)(intptr_t)-1)
#define NtCurrentThread() ((HANDLE)(intptr_t)-2)

/* NTSTATUS codes (ntstatus.h). src/rtl/status_names.c names each once. */
#define STATUS_SUCCESS                   ((NTSTATUS)0x00000000)
#define STATUS_WAIT_0                    ((NTSTATUS)0x00000000)
#define STATUS_ABANDONED                 ((NTSTATUS)0x00000080)
#define STATUS_USER_APC                  ((NTSTATUS)0x000000C0)
#define STATUS_ALERTED                   ((NTSTATUS)0x00000101)
#define STATUS_TIMEOUT                   ((NTSTATUS)0x00000102)
#define STATUS_PENDING                   ((NTSTATUS)0x00000103)
#define STATUS_NOT_ALL_ASSIGNED          ((NTSTATUS)0x00000106) /* a success: some privileges were not held */
#define STATUS_IMAGE_NOT_AT_BASE         ((NTSTATUS)0x40000003) /* a success: the image view is mapped elsewhere */
#define STATUS_IMAGE_MACHINE_TYPE_MISMATCH ((NTSTATUS)0x4000000E) /* a success: mapped, not for this machine */
#define STATUS_GUARD_PAGE_VIOLATION      ((NTSTATUS)0x80000001)
#define STATUS_DATATYPE_MISALIGNMENT     ((NTSTATUS)0x80000002)
#define STATUS_BREAKPOINT                ((NTSTATUS)0x80000003)
#define STATUS_BUFFER_OVERFLOW           ((NTSTATUS)0x80000005)
#define STATUS_PARTIAL_COPY              ((NTSTATUS)0x8000000D)
#define STATUS_NO_MORE_ENTRIES           ((NTSTATUS)0x8000001A)
#define STATUS_UNSUCCESSFUL              ((NTSTATUS)0xC0000001)
#define STATUS_NOT_IMPLEMENTED           ((NTSTATUS)0xC0000002)
#define STATUS_INVALID_INFO_CLASS        ((NTSTATUS)0xC0000003)
#define STATUS_INFO_LENGTH_MISMATCH      ((NTSTATUS)0xC0000004)
#define STATUS_ACCESS_VIOLATION          ((NTSTATUS)0xC0000005)
#define STATUS_IN_PAGE_ERROR             ((NTSTATUS)0xC0000006)
#define STATUS_PAGEFILE_QUOTA            ((NTSTATUS)0xC0000007)
#define STATUS_INVALID_HANDLE            ((NTSTATUS)0xC0000008)
#define STATUS_INVALID_CID               ((NTSTATUS)0xC000000B)
#define STATUS_INVALID_PARAMETER         ((NTSTATUS)0xC000000D)
#define STATUS_NO_SUCH_DEVICE            ((NTSTATUS)0xC000000E)
#define STATUS_INVALID_DEVICE_REQUEST    ((NTSTATUS)0xC0000010)
#define STATUS_END_OF_FILE               ((NTSTATUS)0xC0000011)
#define STATUS_NO_MEMORY                 ((NTSTATUS)0xC0000017)
#define STATUS_CONFLICTING_ADDRESSES     ((NTSTATUS)0xC0000018)
#define STATUS_NOT_MAPPED_VIEW           ((NTSTATUS)0xC0000019)
#define STATUS_UNABLE_TO_FREE_VM         ((NTSTATUS)0xC000001A)
#define STATUS_UNABLE_TO_DELETE_SECTION  ((NTSTATUS)0xC000001B)
#define STATUS_INVALID_VIEW_SIZE         ((NTSTATUS)0xC000001F)
#define STATUS_INVALID_FILE_FOR_SECTION  ((NTSTATUS)0xC0000020)
#define STATUS_INVALID_SYSTEM_SERVICE    ((NTSTATUS)0xC000001C)
#define STATUS_ILLEGAL_INSTRUCTION       ((NTSTATUS)0xC000001D)
#define STATUS_ALREADY_COMMITTED         ((NTSTATUS)0xC0000021)
#define STATUS_ACCESS_DENIED             ((NTSTATUS)0xC0000022)
#define STATUS_BUFFER_TOO_SMALL          ((NTSTATUS)0xC0000023)
#define STATUS_OBJECT_TYPE_MISMATCH      ((NTSTATUS)0xC0000024)
#define STATUS_INVALID_PARAMETER_MIX     ((NTSTATUS)0xC0000030)
#define STATUS_NOT_COMMITTED             ((NTSTATUS)0xC000002D)
#define STATUS_OBJECT_NAME_INVALID       ((NTSTATUS)0xC0000033)
#define STATUS_FLT_INVALID_NAME_REQUEST  ((NTSTATUS)0xC01C0005)
#define STATUS_OBJECT_NAME_NOT_FOUND     ((NTSTATUS)0xC0000034)
#define STATUS_OBJECT_NAME_COLLISION     ((NTSTATUS)0xC0000035)
#define STATUS_OBJECT_PATH_NOT_FOUND     ((NTSTATUS)0xC000003A)
#define STATUS_SECTION_TOO_BIG           ((NTSTATUS)0xC0000040)
#define STATUS_QUOTA_EXCEEDED            ((NTSTATUS)0xC0000044)
#define STATUS_INVALID_PAGE_PROTECTION   ((NTSTATUS)0xC0000045)
#define STATUS_MUTANT_NOT_OWNED          ((NTSTATUS)0xC0000046)
#define STATUS_SEMAPHORE_LIMIT_EXCEEDED  ((NTSTATUS)0xC0000047)
#define STATUS_SECTION_NOT_IMAGE         ((NTSTATUS)0xC0000049)
#define STATUS_SECTION_PROTECTION        ((NTSTATUS)0xC000004E)
#define STATUS_SUSPEND_COUNT_EXCEEDED    ((NTSTATUS)0xC000004A)
#define STATUS_THREAD_IS_TERMINATING     ((NTSTATUS)0xC000004B)
#define STATUS_DELETE_PENDING            ((NTSTATUS)0xC0000056)
#define STATUS_NO_SUCH_PRIVILEGE         ((NTSTATUS)0xC0000060)
#define STATUS_SECTION_NOT_EXTENDED      ((NTSTATUS)0xC0000087)
#define STATUS_PRIVILEGE_NOT_HELD        ((NTSTATUS)0xC0000061)
#define STATUS_INVALID_SID               ((NTSTATUS)0xC0000078)
#define STATUS_PROCEDURE_NOT_FOUND       ((NTSTATUS)0xC000007A)
#define STATUS_INVALID_IMAGE_FORMAT      ((NTSTATUS)0xC000007B)
#define STATUS_INVALID_IMAGE_WIN_64      ((NTSTATUS)0xC0000359)
#define STATUS_ENTRYPOINT_NOT_FOUND      ((NTSTATUS)0xC0000139)
#define STATUS_INTEGER_DIVIDE_BY_ZERO    ((NTSTATUS)0xC0000094)
#define STATUS_INSUFFICIENT_RESOURCES    ((NTSTATUS)0xC000009A)
#define STATUS_FREE_VM_NOT_AT_BASE       ((NTSTATUS)0xC000009F)
#define STATUS_MEMORY_NOT_ALLOCATED      ((NTSTATUS)0xC00000A0)
#define STATUS_NOT_SUPPORTED             ((NTSTATUS)0xC00000BB)
#define STATUS_DEVICE_DOES_NOT_EXIST     ((NTSTATUS)0xC00000C0)
#define STATUS_INVALID_PARAMETER_1       ((NTSTATUS)0xC00000EF)
#define STATUS_INVALID_PARAMETER_2       ((NTSTATUS)0xC00000F0)
#define STATUS_INVALID_PARAMETER_3       ((NTSTATUS)0xC00000F1)
#define STATUS_INVALID_PARAMETER_4       ((NTSTATUS)0xC00000F2)
#define STATUS_INVALID_PARAMETER_5       ((NTSTATUS)0xC00000F3)
#define STATUS_INVALID_PARAMETER_6       ((NTSTATUS)0xC00000F4)
#define STATUS_INVALID_PARAMETER_7       ((NTSTATUS)0xC00000F5)
#define STATUS_INVALID_PARAMETER_8       ((NTSTATUS)0xC00000F6)
#define STATUS_INVALID_PARAMETER_9       ((NTSTATUS)0xC00000F7)
#define STATUS_INVALID_PARAMETER_10      ((NTSTATUS)0xC00000F8)
#define STATUS_INVALID_PARAMETER_11      ((NTSTATUS)0xC00000F9)
#define STATUS_INVALID_PARAMETER_12      ((NTSTATUS)0xC00000FA)
#define STATUS_STACK_OVERFLOW            ((NTSTATUS)0xC00000FD)
#define STATUS_PROCESS_IS_TERMINATING    ((NTSTATUS)0xC000010A)
#define STATUS_IMAGE_ALREADY_LOADED      ((NTSTATUS)0xC000010E)
#define STATUS_CANCELLED                 ((NTSTATUS)0xC0000120)
#define STATUS_COMMITMENT_LIMIT          ((NTSTATUS)0xC000012D)
#define STATUS_CONTROL_C_EXIT            ((NTSTATUS)0xC000013A)
#define STATUS_INVALID_ADDRESS           ((NTSTATUS)0xC0000141)
#define STATUS_FILE_INVALID              ((NTSTATUS)0xC0000098)
#define STATUS_INVALID_DEVICE_STATE      ((NTSTATUS)0xC0000184)
#define STATUS_INVALID_BUFFER_SIZE       ((NTSTATUS)0xC0000206)
#define STATUS_MAPPED_ALIGNMENT          ((NTSTATUS)0xC0000220)
#define STATUS_NOT_FOUND                 ((NTSTATUS)0xC0000225)
#define STATUS_STACK_BUFFER_OVERRUN      ((NTSTATUS)0xC0000409)
#define STATUS_PROCESS_IS_PROTECTED      ((NTSTATUS)0xC0000712)
#define STATUS_ALREADY_REGISTERED        ((NTSTATUS)0xC0000718)

/* Allocation types and region states/types (winnt.h). */
/* Free types of the placeholder API (Windows 10 1803+), with MEM_RELEASE only. */
#define MEM_COALESCE_PLACEHOLDERS 0x00000001u
#define MEM_PRESERVE_PLACEHOLDER  0x00000002u
#define MEM_UNMAP_WITH_TRANSIENT_BOOST 0x00000001u /* NtUnmapViewOfSectionEx: a hint, no effect here */
#define MEM_COMMIT       0x00001000u
#define MEM_RESERVE      0x00002000u
#define MEM_DECOMMIT     0x00004000u
#define MEM_RELEASE      0x00008000u
#define MEM_FREE         0x00010000u
#define MEM_PRIVATE      0x00020000u
#define MEM_MAPPED       0x00040000u
#define MEM_RESERVE_PLACEHOLDER 0x00040000u /* same bit as MEM_MAPPED, other context */
#define MEM_RESET        0x00080000u
#define MEM_TOP_DOWN     0x00100000u
#define MEM_WRITE_WATCH  0x00200000u
#define MEM_PHYSICAL     0x00400000u
#define MEM_IMAGE        0x01000000u
#define MEM_RESET_UNDO   0x01000000u /* same bit as MEM_IMAGE, other context */
#define MEM_LARGE_PAGES  0x20000000u
#define MEM_REPLACE_PLACEHOLDER 0x00004000u /* same bit as MEM_DECOMMIT, other context */
#define AT_ROUND_TO_PAGE 0x40000000u        /* NtMapViewOfSection, 32-bit Windows only (MEM_DOS_LIM) */

/* Section attributes (NtCreateSection's AllocationAttributes, winnt.h). */
#define SEC_BASED        0x00200000u
#define SEC_NO_CHANGE    0x00400000u
#define SEC_FILE         0x00800000u
#define SEC_IMAGE        0x01000000u
#define SEC_PROTECTED_IMAGE 0x02000000u
#define SEC_RESERVE      0x04000000u
#define SEC_COMMIT       0x08000000u
#define SEC_NOCACHE      0x10000000u
#define SEC_IMAGE_NO_EXECUTE (SEC_IMAGE | SEC_NOCACHE) /* Windows 8 and later */
#define SEC_WRITECOMBINE 0x40000000u
#define SEC_LARGE_PAGES  0x80000000u

/* NtMapViewOfSection's InheritDisposition. */
typedef enum SECTION_INHERIT { ViewShare = 1, ViewUnmap = 2 } SECTION_INHERIT;
#define MEM_4MB_PAGES    0x80000000u

/* Page protections. */
#define PAGE_NOACCESS          0x001u
#define PAGE_READONLY          0x002u
#define PAGE_READWRITE         0x004u
#define PAGE_WRITECOPY         0x008u
#define PAGE_EXECUTE           0x010u
#define PAGE_EXECUTE_READ      0x020u
#define PAGE_EXECUTE_READWRITE 0x040u
#define PAGE_EXECUTE_WRITECOPY 0x080u
#define PAGE_GUARD             0x100u
#define PAGE_NOCACHE           0x200u
#define PAGE_WRITECOMBINE      0x400u

/* Standard, generic and specific access rights. */
#define DELETE                    0x00010000u
#define READ_CONTROL              0x00020000u
#define WRITE_DAC                 0x00040000u
#define WRITE_OWNER               0x00080000u
#define SYNCHRONIZE               0x00100000u
#define STANDARD_RIGHTS_REQUIRED  0x000F0000u
#define ACCESS_SYSTEM_SECURITY    0x01000000u /* the SACL: needs SeSecurityPrivilege */
#define MAXIMUM_ALLOWED           0x02000000u
#define GENERIC_ALL               0x10000000u
#define GENERIC_EXECUTE           0x20000000u
#define GENERIC_WRITE             0x40000000u
#define GENERIC_READ              0x80000000u

#define PROCESS_TERMINATE                 0x0001u
#define PROCESS_CREATE_THREAD             0x0002u
#define PROCESS_SET_SESSIONID             0x0004u
#define PROCESS_VM_OPERATION              0x0008u
#define PROCESS_VM_READ                   0x0010u
#define PROCESS_VM_WRITE                  0x0020u
#define PROCESS_DUP_HANDLE                0x0040u
#define PROCESS_CREATE_PROCESS            0x0080u
#define PROCESS_SET_QUOTA                 0x0100u
#define PROCESS_SET_INFORMATION           0x0200u
#define PROCESS_QUERY_INFORMATION         0x0400u
#define PROCESS_SUSPEND_RESUME            0x0800u
#define PROCESS_QUERY_LIMITED_INFORMATION 0x1000u
#define PROCESS_SET_LIMITED_INFORMATION   0x2000u
#define PROCESS_ALL_ACCESS                0x001FFFFFu

#define THREAD_TERMINATE                 0x0001u
#define THREAD_SUSPEND_RESUME            0x0002u
#define THREAD_ALERT                     0x0004u
#define THREAD_GET_CONTEXT               0x0008u
#define THREAD_SET_CONTEXT               0x0010u
#define THREAD_SET_INFORMATION           0x0020u
#define THREAD_QUERY_INFORMATION         0x0040u
#define THREAD_SET_THREAD_TOKEN          0x0080u
#define THREAD_IMPERSONATE               0x0100u
#define THREAD_DIRECT_IMPERSONATION      0x0200u
#define THREAD_SET_LIMITED_INFORMATION   0x0400u
#define THREAD_QUERY_LIMITED_INFORMATION 0x0800u
#define THREAD_RESUME                    0x1000u
#define THREAD_ALL_ACCESS                0x001FFFFFu

#define EVENT_QUERY_STATE                0x0001u
#define EVENT_MODIFY_STATE               0x0002u
#define EVENT_ALL_ACCESS                 0x001F0003u

#define SECTION_QUERY                    0x0001u
#define SECTION_MAP_WRITE                0x0002u
#define SECTION_MAP_READ                 0x0004u
#define SECTION_MAP_EXECUTE              0x0008u
#define SECTION_EXTEND_SIZE              0x0010u
#define SECTION_MAP_EXECUTE_EXPLICIT     0x0020u
#define SECTION_ALL_ACCESS               0x000F001Fu

#define FILE_READ_DATA            0x0001u
#define FILE_WRITE_DATA           0x0002u
#define FILE_APPEND_DATA          0x0004u
#define FILE_READ_EA              0x0008u
#define FILE_WRITE_EA             0x0010u
#define FILE_EXECUTE              0x0020u
#define FILE_READ_ATTRIBUTES      0x0080u
#define FILE_WRITE_ATTRIBUTES     0x0100u
#define FILE_GENERIC_READ         0x00120089u
#define FILE_GENERIC_WRITE        0x00120116u
#define FILE_ALL_ACCESS           0x001F01FFu

/* NtDuplicateObject options. */
#define DUPLICATE_CLOSE_SOURCE    0x00000001u
#define DUPLICATE_SAME_ACCESS     0x00000002u

/*
 * WCHAR is UTF-16. C code writes u"\\Device\\X"; a driver built as the WDK
 * builds one, with a 16-bit wchar_t (-fshort-wchar, which ntsim_add_driver
 * sets), writes L"\\Device\\X" in C and C++ alike.
 */
#if defined(__cplusplus) && defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
typedef wchar_t WCHAR;
#else
typedef char16_t WCHAR;
#endif
typedef WCHAR *PWSTR;
typedef const WCHAR *PCWSTR;

typedef struct _UNICODE_STRING {
    USHORT Length;        /* bytes, without a terminator */
    USHORT MaximumLength; /* bytes */
    PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;

/* A UNICODE_STRING over a literal: RTL_CONSTANT_STRING(u"\\Device\\X"). */
#define RTL_CONSTANT_STRING(s) \
    { (USHORT)(sizeof(s) - sizeof((s)[0])), (USHORT)sizeof(s), (PWSTR)(s) }

/* Names an object to open (x64 layout; ntsim uses ObjectName only). */
typedef struct _OBJECT_ATTRIBUTES {
    ULONG Length;
    HANDLE RootDirectory;
    PUNICODE_STRING ObjectName;
    ULONG Attributes;
    void *SecurityDescriptor;
    void *SecurityQualityOfService;
} OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;

#define InitializeObjectAttributes(p, n, a, r, s) \
    do { (p)->Length = sizeof(OBJECT_ATTRIBUTES); (p)->RootDirectory = (r); (p)->Attributes = (a); \
         (p)->ObjectName = (n); (p)->SecurityDescriptor = (s); (p)->SecurityQualityOfService = NULL; } while (0)
#define OBJ_CASE_INSENSITIVE 0x00000040u
#define OBJ_KERNEL_HANDLE 0x00000200u

typedef struct _IO_STATUS_BLOCK {
    NTSTATUS Status;
    ULONG_PTR Information;
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

/*
 * A process or thread identity. The kernel's CLIENT_ID holds two HANDLEs;
 * the simulator's C API gives the IDs as numbers (CLIENT_ID below), while
 * what drivers see (PS_CREATE_NOTIFY_INFO, PsCreateSystemThread) has the
 * kernel's layout, KCLIENT_ID, which the WDK-named headers call CLIENT_ID.
 */
typedef struct _KCLIENT_ID {
    HANDLE UniqueProcess;
    HANDLE UniqueThread;
} KCLIENT_ID, *PKCLIENT_ID;

#ifndef NTSIM_KERNEL_MODE
typedef struct _CLIENT_ID {
    ULONG UniqueProcess;
    ULONG UniqueThread;
} CLIENT_ID;
#else
typedef KCLIENT_ID CLIENT_ID, *PCLIENT_ID;
#endif

/* NtQueryVirtualMemory(MemoryBasicInformation)'s answer, addresses as
   numbers. A program (ntsim_program.h) takes the SDK's from windows.h
   instead: the same x64 layout, addresses as PVOID. */
#ifndef NTSIM_WIN32_PROGRAM
typedef struct _MEMORY_BASIC_INFORMATION {
    ULONG_PTR BaseAddress;
    ULONG_PTR AllocationBase;
    ULONG AllocationProtect;
    SIZE_T RegionSize;
    ULONG State;
    ULONG Protect;
    ULONG Type;
} MEMORY_BASIC_INFORMATION;
#endif

/*
 * What a thread can wait on begins with a DISPATCHER_HEADER: events,
 * semaphores, processes and threads (signaled when they end). The wait list
 * is the kernel's; drivers only embed the header (in KEVENT, KSEMAPHORE).
 */
typedef struct ke_wait_block ke_wait_block;
typedef struct _DISPATCHER_HEADER {
    UCHAR Type;       /* one of the *Object values below */
    LONG SignalState; /* > 0: signaled (a semaphore: its count) */
    ke_wait_block *WaitListHead, *WaitListTail;
} DISPATCHER_HEADER;

enum {
    EventNotificationObject = 0,
    EventSynchronizationObject = 1,
    ProcessObject = 3,
    SemaphoreObject = 5,
    ThreadObject = 6,
    NonWaitableObject = 0xFF,
};

/* An event's kind (NtCreateEvent, KeInitializeEvent) and a wait's (NtWaitForMultipleObjects). */
typedef enum _EVENT_TYPE { NotificationEvent = 0, SynchronizationEvent = 1 } EVENT_TYPE;
typedef enum _WAIT_TYPE { WaitAll = 0, WaitAny = 1 } WAIT_TYPE;

#ifdef __cplusplus
}
#endif
#endif
