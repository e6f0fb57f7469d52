/*
 * wdk.h - the kernel API for simulated drivers: what the book's drivers call,
 * with the WDK's names and shapes, so a driver written against ntsim reads
 * like one written against ntddk.h.
 *
 * Driver code runs only when the kernel calls it (DriverEntry, Unload,
 * dispatch and notification routines). The kernel then makes that call's
 * system and thread "current" for the calling host thread, the way the
 * processor's control region tells Windows code which thread is running: so
 * PsGetCurrentProcessId() and friends need no system argument, and two
 * simulated systems can still live side by side.
 *
 * Strings are UTF-16 (WCHAR is char16_t): write u"\\Device\\SysMon".
 */
#ifndef NTSIM_WDK_H
#define NTSIM_WDK_H

#include "nt.h"
#include "se_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned char BOOLEAN;
typedef char CHAR;
typedef short SHORT;
typedef void *PVOID;
#define TRUE 1
#define FALSE 0

typedef union _LARGE_INTEGER {
    struct {
        ULONG LowPart;
        LONG HighPart;
    } u;
    LONG64 QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

void RtlInitUnicodeString(PUNICODE_STRING Destination, PCWSTR Source);
/* Case-sensitive or not, as RtlEqualUnicodeString. */
BOOLEAN RtlEqualUnicodeString(PCUNICODE_STRING a, PCUNICODE_STRING b, BOOLEAN CaseInsensitive);
/* Win32 error for a status (RtlNtStatusToDosError), as GetLastError reports it. */
ULONG RtlNtStatusToDosError(NTSTATUS Status);

/* ---- doubly linked lists -------------------------------------------------- */

typedef struct _LIST_ENTRY {
    struct _LIST_ENTRY *Flink, *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

#define CONTAINING_RECORD(address, type, field) ((type *)((char *)(address) - offsetof(type, field)))

static inline void InitializeListHead(PLIST_ENTRY head)
{
    head->Flink = head->Blink = head;
}

static inline BOOLEAN IsListEmpty(const LIST_ENTRY *head)
{
    return head->Flink == head;
}

static inline void InsertTailList(PLIST_ENTRY head, PLIST_ENTRY entry)
{
    entry->Flink = head;
    entry->Blink = head->Blink;
    head->Blink->Flink = entry;
    head->Blink = entry;
}

static inline void InsertHeadList(PLIST_ENTRY head, PLIST_ENTRY entry)
{
    entry->Flink = head->Flink;
    entry->Blink = head;
    head->Flink->Blink = entry;
    head->Flink = entry;
}

static inline BOOLEAN RemoveEntryList(PLIST_ENTRY entry)
{
    PLIST_ENTRY f = entry->Flink, b = entry->Blink;
    b->Flink = f;
    f->Blink = b;
    return f == b;
}

static inline PLIST_ENTRY RemoveHeadList(PLIST_ENTRY head)
{
    PLIST_ENTRY e = head->Flink;
    RemoveEntryList(e);
    return e;
}

static inline PLIST_ENTRY RemoveTailList(PLIST_ENTRY head)
{
    PLIST_ENTRY e = head->Blink;
    RemoveEntryList(e);
    return e;
}

/* ---- executive support: pool, fast mutex, time, debug output ------------- */

typedef enum _POOL_TYPE {
    NonPagedPool = 0,
    NonPagedPoolExecute = 0,
    PagedPool = 1,
    NonPagedPoolMustSucceed = 2, /* reserved for the system */
    DontUseThisType = 3,
    NonPagedPoolCacheAligned = 4,
    PagedPoolCacheAligned = 5,
    NonPagedPoolCacheAlignedMustS = 6, /* reserved for the system */
    MaxPoolType = 7,
    NonPagedPoolNx = 512,
    NonPagedPoolNxCacheAligned = 516,
} POOL_TYPE;

/* Bits a POOL_TYPE may carry besides the type. */
#define POOL_QUOTA_FAIL_INSTEAD_OF_RAISE 8
#define POOL_RAISE_IF_ALLOCATION_FAILURE 16
#define POOL_NX_ALLOCATION 512

/* POOL_FLAGS: the low 32 bits are required (an allocation fails when one is
 * not recognized or cannot be met), the high 32 optional (ignored then). */
typedef ULONG64 POOL_FLAGS;
#define POOL_FLAG_REQUIRED_START 0x0000000000000001ull
#define POOL_FLAG_USE_QUOTA 0x0000000000000001ull
#define POOL_FLAG_UNINITIALIZED 0x0000000000000002ull
#define POOL_FLAG_SESSION 0x0000000000000004ull
#define POOL_FLAG_CACHE_ALIGNED 0x0000000000000008ull
#define POOL_FLAG_RESERVED1 0x0000000000000010ull
#define POOL_FLAG_RAISE_ON_FAILURE 0x0000000000000020ull
#define POOL_FLAG_NON_PAGED 0x0000000000000040ull
#define POOL_FLAG_NON_PAGED_EXECUTE 0x0000000000000080ull
#define POOL_FLAG_PAGED 0x0000000000000100ull
#define POOL_FLAG_RESERVED2 0x0000000000000200ull
#define POOL_FLAG_RESERVED3 0x0000000000000400ull
#define POOL_FLAG_LAST_KNOWN_REQUIRED POOL_FLAG_RESERVED3
#define POOL_FLAG_REQUIRED_END 0x0000000080000000ull
#define POOL_FLAG_OPTIONAL_START 0x0000000100000000ull
#define POOL_FLAG_SPECIAL_POOL 0x0000000100000000ull
#define POOL_FLAG_OPTIONAL_END 0x8000000000000000ull

/* What ExAllocatePool3 may be told besides the flags. */
typedef enum _EX_POOL_PRIORITY {
    LowPoolPriority = 0,
    LowPoolPrioritySpecialPoolOverrun = 8,
    LowPoolPrioritySpecialPoolUnderrun = 9,
    NormalPoolPriority = 16,
    NormalPoolPrioritySpecialPoolOverrun = 24,
    NormalPoolPrioritySpecialPoolUnderrun = 25,
    HighPoolPriority = 32,
    HighPoolPrioritySpecialPoolOverrun = 40,
    HighPoolPrioritySpecialPoolUnderrun = 41,
} EX_POOL_PRIORITY;

typedef enum POOL_EXTENDED_PARAMETER_TYPE {
    PoolExtendedParameterInvalidType = 0,
    PoolExtendedParameterPriority,
    PoolExtendedParameterSecurePool,
    PoolExtendedParameterNumaNode,
    PoolExtendedParameterMax
} POOL_EXTENDED_PARAMETER_TYPE, *PPOOL_EXTENDED_PARAMETER_TYPE;

#define POOL_EXTENDED_PARAMETER_TYPE_BITS 8
#define POOL_EXTENDED_PARAMETER_REQUIRED_FIELD_BITS 1
#define POOL_EXTENDED_PARAMETER_RESERVED_BITS \
    (64 - POOL_EXTENDED_PARAMETER_TYPE_BITS - POOL_EXTENDED_PARAMETER_REQUIRED_FIELD_BITS)
typedef ULONG POOL_NODE_REQUIREMENT;
#define MM_ANY_NODE_OK 0x80000000u

typedef struct _POOL_EXTENDED_PARAMETER {
    struct {
        ULONG64 Type : POOL_EXTENDED_PARAMETER_TYPE_BITS;
        ULONG64 Optional : POOL_EXTENDED_PARAMETER_REQUIRED_FIELD_BITS;
        ULONG64 Reserved : POOL_EXTENDED_PARAMETER_RESERVED_BITS;
    };
    union {
        ULONG64 Reserved2;
        PVOID Reserved3;
        EX_POOL_PRIORITY Priority;
        struct _POOL_EXTENDED_PARAMS_SECURE_POOL *SecurePoolParams;
        POOL_NODE_REQUIREMENT PreferredNode;
    };
} POOL_EXTENDED_PARAMETER, *PPOOL_EXTENDED_PARAMETER;
typedef const POOL_EXTENDED_PARAMETER *PCPOOL_EXTENDED_PARAMETER;

/*
 * Pool allocations are tagged and charged to the driver whose code asked
 * for them; what a driver still holds when it unloads, and what any driver
 * holds when the system is destroyed, is reported as `pool_leak` events
 * (one per tag) and freed. Blocks are 16-byte aligned, as on x64 Windows.
 *
 * ExAllocatePool2, as POOL_FLAGS documents the flags:
 *  - exactly one of POOL_FLAG_NON_PAGED, POOL_FLAG_NON_PAGED_EXECUTE and
 *    POOL_FLAG_PAGED (ntsim's pools behave alike);
 *  - zeroed, unless POOL_FLAG_UNINITIALIZED: then the block holds whatever
 *    its last user left (ntsim recycles small blocks), or, new from the
 *    host, the byte 0xCD throughout; never host garbage, never by chance zero;
 *  - POOL_FLAG_CACHE_ALIGNED: 64-byte aligned;
 *  - POOL_FLAG_USE_QUOTA: accepted; ntsim charges no quota;
 *  - NULL for a zero size, a zero tag, a required flag that is unknown or
 *    reserved (POOL_FLAG_RESERVED1..3, and POOL_FLAG_SESSION: ntsim has no
 *    session pool), no pool type or more than one, or a host out of
 *    memory. Optional flags (POOL_FLAG_SPECIAL_POOL among them) are ignored;
 *  - POOL_FLAG_RAISE_ON_FAILURE: where it would return NULL, Windows raises
 *    an exception. ntsim has no structured exception handling, so the
 *    exception is one nobody handles: bug check KMODE_EXCEPTION_NOT_HANDLED
 *    (0x1E), or SYSTEM_THREAD_EXCEPTION_NOT_HANDLED (0x7E) in a system
 *    thread, with STATUS_INSUFFICIENT_RESOURCES as its first parameter.
 * ExAllocatePool3: the same, with extended parameters. A priority (any
 * EX_POOL_PRIORITY) is accepted and changes nothing: ntsim's pool never
 * runs low, so no request is refused for its priority. A NUMA node must be
 * 0 (ntsim has one) unless MM_ANY_NODE_OK is in it; it matters only with
 * POOL_FLAG_NON_PAGED. Secure pool is not supported. A parameter ntsim
 * cannot honour fails the allocation (NULL), or is ignored when Optional.
 * ExAllocatePoolWithTag: zero-filled (Windows leaves the block as it was;
 * ntsim keeps host memory out of driver code); the cache-aligned types
 * align on 64 bytes; POOL_RAISE_IF_ALLOCATION_FAILURE in PoolType raises
 * as above; NULL for a zero size.
 * ExFreePoolWithTag of a block already freed: bug check BAD_POOL_CALLER (0xC2).
 */
PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);
PVOID ExAllocatePool3(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag, PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
                      ULONG ExtendedParametersCount);
void ExFreePoolWithTag(PVOID P, ULONG Tag);
void ExFreePool(PVOID P);

/* A fast mutex: one owner at a time. ntsim runs one thread at a time, so an
 * acquire never waits; acquiring one already held by the same code is a
 * deadlock on Windows and a loud assertion here. */
typedef struct _FAST_MUTEX {
    LONG Count;
    PVOID Owner;
    ULONG Contention;
    ULONG_PTR Event[3]; /* where Windows keeps the KEVENT a contended acquire waits on: never used here */
    ULONG OldIrql;
} FAST_MUTEX, *PFAST_MUTEX;

void ExInitializeFastMutex(PFAST_MUTEX FastMutex);
void ExAcquireFastMutex(PFAST_MUTEX FastMutex);
void ExReleaseFastMutex(PFAST_MUTEX FastMutex);

/* The system time (100 ns since 1601, UTC) from the virtual clock. */
void KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime);
void KeQuerySystemTime(PLARGE_INTEGER CurrentTime);

/* Debug output: each call is a `dbgprint` event with the formatted text.
 * DbgPrintEx's component and level do not filter: every line is shown. */
/* The compiler checks the C conversions of ntsim's own drivers; a driver built
   as the WDK builds one writes %wZ and %ws, which no compiler knows. */
#ifdef NTSIM_KERNEL_MODE
#define NTSIM_PRINTF(f, a)
#else
#define NTSIM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#endif
ULONG DbgPrint(const char *Format, ...) NTSIM_PRINTF(1, 2);
ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, const char *Format, ...) NTSIM_PRINTF(3, 4);
ULONG ntsim_dbg_print(const char *Format, ...);
#define KdPrint(args) DbgPrint args
#define KdPrintEx(args) DbgPrintEx args
#define DPFLTR_IHVDRIVER_ID 77
#define DPFLTR_ERROR_LEVEL 0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL 2
#define DPFLTR_INFO_LEVEL 3

/* ---- lookaside lists ------------------------------------------------------ */

/* A singly linked list whose head counts its entries (what Windows keeps
 * lock-free; ntsim runs one thread at a time, so plain operations do). */
typedef struct _SINGLE_LIST_ENTRY {
    struct _SINGLE_LIST_ENTRY *Next;
} SINGLE_LIST_ENTRY, *PSINGLE_LIST_ENTRY;
typedef SINGLE_LIST_ENTRY SLIST_ENTRY, *PSLIST_ENTRY;
typedef struct _SLIST_HEADER {
    SLIST_ENTRY Next; /* the first entry */
    USHORT Depth;     /* how many entries */
    USHORT Sequence;
} SLIST_HEADER, *PSLIST_HEADER;

static inline void InitializeSListHead(PSLIST_HEADER SListHead)
{
    SListHead->Next.Next = NULL;
    SListHead->Depth = 0;
    SListHead->Sequence = 0;
}

static inline USHORT ExQueryDepthSList(PSLIST_HEADER SListHead)
{
    return SListHead->Depth;
}

/* Returns the entry that was first before. */
static inline PSLIST_ENTRY InterlockedPushEntrySList(PSLIST_HEADER ListHead, PSLIST_ENTRY ListEntry)
{
    PSLIST_ENTRY first = ListHead->Next.Next;
    ListEntry->Next = first;
    ListHead->Next.Next = ListEntry;
    ListHead->Depth++;
    ListHead->Sequence++;
    return first;
}

static inline PSLIST_ENTRY InterlockedPopEntrySList(PSLIST_HEADER ListHead)
{
    PSLIST_ENTRY first = ListHead->Next.Next;
    if (first) {
        ListHead->Next.Next = first->Next;
        ListHead->Depth--;
        ListHead->Sequence++;
    }
    return first;
}

/* Empties the list, returning its entries (still linked). */
static inline PSLIST_ENTRY InterlockedFlushSList(PSLIST_HEADER ListHead)
{
    PSLIST_ENTRY first = ListHead->Next.Next;
    ListHead->Next.Next = NULL;
    ListHead->Depth = 0;
    return first;
}

typedef struct _LOOKASIDE_LIST_EX LOOKASIDE_LIST_EX, *PLOOKASIDE_LIST_EX;
typedef PVOID (*PALLOCATE_FUNCTION)(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
typedef void (*PFREE_FUNCTION)(PVOID Buffer);
typedef PVOID (*PALLOCATE_FUNCTION_EX)(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag,
                                       PLOOKASIDE_LIST_EX Lookaside);
typedef void (*PFREE_FUNCTION_EX)(PVOID Buffer, PLOOKASIDE_LIST_EX Lookaside);

/* A lookaside list's state (the members wdm.h names; drivers read the counters at most). */
typedef struct _GENERAL_LOOKASIDE {
    union {
        SLIST_HEADER ListHead; /* the cached entries: ExQueryDepthSList counts them */
        SINGLE_LIST_ENTRY SingleListHead;
    };
    USHORT Depth;        /* how many entries it may cache now: the system tunes it */
    USHORT MaximumDepth; /* how high Depth may go (256) */
    ULONG TotalAllocates;
    union {
        ULONG AllocateMisses; /* allocations the cache could not serve */
        ULONG AllocateHits;
    };
    ULONG TotalFrees;
    union {
        ULONG FreeMisses; /* frees the cache, full, passed to Free */
        ULONG FreeHits;
    };
    POOL_TYPE Type;
    ULONG Tag;
    ULONG Size;
    union {
        PALLOCATE_FUNCTION_EX AllocateEx;
        PALLOCATE_FUNCTION Allocate;
    };
    union {
        PFREE_FUNCTION_EX FreeEx;
        PFREE_FUNCTION Free;
    };
    LIST_ENTRY ListEntry;
    ULONG LastTotalAllocates; /* the counters when the system last tuned Depth */
    union {
        ULONG LastAllocateMisses;
        ULONG LastAllocateHits;
    };
    ULONG Future[2]; /* the system's (ntsim: the tuning scans applied) */
} GENERAL_LOOKASIDE, *PGENERAL_LOOKASIDE, GENERAL_LOOKASIDE_POOL, *PGENERAL_LOOKASIDE_POOL;

/* Windows aligns these two to a cache line (0x80 bytes on x64); here they
   have that size, padded, with the pool's ordinary alignment. */
typedef struct _NPAGED_LOOKASIDE_LIST {
    GENERAL_LOOKASIDE L;
    ULONG_PTR CacheLinePadding[4];
} NPAGED_LOOKASIDE_LIST, *PNPAGED_LOOKASIDE_LIST;
typedef struct _PAGED_LOOKASIDE_LIST {
    GENERAL_LOOKASIDE L;
    ULONG_PTR CacheLinePadding[4];
} PAGED_LOOKASIDE_LIST, *PPAGED_LOOKASIDE_LIST;
struct _LOOKASIDE_LIST_EX {
    GENERAL_LOOKASIDE_POOL L;
};

/* An entry holds its link while it is cached: none may be smaller. */
#define LOOKASIDE_MINIMUM_BLOCK_SIZE (sizeof(SLIST_ENTRY))
#define EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL 0x00000001u
#define EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE 0x00000002u

/*
 * Lookaside lists: a cache of freed entries of one size. Allocating takes
 * the entry freed last, if any (the same memory comes back, its contents as
 * they were but for the link in its first bytes), else calls the list's
 * Allocate routine (by default ExAllocatePoolWithTag(Type, Size, Tag),
 * charged to the driver whose code calls). Freeing caches the entry unless
 * the list already holds Depth of them; then it goes to the Free routine
 * (by default ExFreePool). Deleting a list frees what it caches; a list a
 * driver forgets to delete leaves its cached entries to the unload's
 * pool_leak report, under the list's tag.
 *
 * Depth is the system's: the Depth parameter is reserved (pass 0). A list
 * starts at 4 (NTSIM_LOOKASIDE_MINIMUM_DEPTH) and the balance set manager
 * retunes it every 3 s of virtual time, up to 256, by demand and misses:
 * see docs/executive.md for the rule, which is Windows'.
 *
 * Flags (the classic lists): POOL_NX_ALLOCATION, POOL_RAISE_IF_ALLOCATION_FAILURE,
 * added to the list's pool type. ExInitializeLookasideListEx returns
 * STATUS_INVALID_PARAMETER_4 for a pool type other than NonPagedPool,
 * PagedPool, their cache-aligned forms and NonPagedPoolNx (with the flag
 * bits above), STATUS_INVALID_PARAMETER_5 for unknown flags or both
 * EX_LOOKASIDE_LIST_EX_FLAGS_*. A Size below LOOKASIDE_MINIMUM_BLOCK_SIZE
 * stops the system as Driver Verifier does (bug check 0xC4, 0xCD).
 */
void ExInitializeNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate,
                                     PFREE_FUNCTION Free, ULONG Flags, SIZE_T Size, ULONG Tag, USHORT Depth);
void ExDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside);
PVOID ExAllocateFromNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside);
void ExFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry);

void ExInitializePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate,
                                    PFREE_FUNCTION Free, ULONG Flags, SIZE_T Size, ULONG Tag, USHORT Depth);
void ExDeletePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside);
PVOID ExAllocateFromPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside);
void ExFreeToPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry);

NTSTATUS ExInitializeLookasideListEx(PLOOKASIDE_LIST_EX Lookaside, PALLOCATE_FUNCTION_EX Allocate,
                                     PFREE_FUNCTION_EX Free, POOL_TYPE PoolType, ULONG Flags, SIZE_T Size,
                                     ULONG Tag, USHORT Depth);
void ExDeleteLookasideListEx(PLOOKASIDE_LIST_EX Lookaside);
PVOID ExAllocateFromLookasideListEx(PLOOKASIDE_LIST_EX Lookaside);
void ExFreeToLookasideListEx(PLOOKASIDE_LIST_EX Lookaside, PVOID Entry);
/* Frees every cached entry; the list stays usable. */
void ExFlushLookasideListEx(PLOOKASIDE_LIST_EX Lookaside);

/* ---- processes and threads ------------------------------------------------ */

typedef struct ps_process *PEPROCESS;
typedef struct ps_thread *PETHREAD;
typedef struct ps_thread *PKTHREAD;

HANDLE PsGetCurrentProcessId(void);
HANDLE PsGetCurrentThreadId(void);
PEPROCESS PsGetCurrentProcess(void);
PETHREAD PsGetCurrentThread(void);
#define KeGetCurrentThread() PsGetCurrentThread()
HANDLE PsGetProcessId(PEPROCESS Process);
HANDLE PsGetThreadId(PETHREAD Thread);
HANDLE PsGetThreadProcessId(PETHREAD Thread);
NTSTATUS PsGetProcessExitStatus(PEPROCESS Process);
NTSTATUS PsGetThreadExitStatus(PETHREAD Thread);

/* Referenced lookups: the caller dereferences (ObDereferenceObject).
 * STATUS_INVALID_CID when no object has that ID (exited but referenced
 * objects are found). */
NTSTATUS PsLookupProcessByProcessId(HANDLE ProcessId, PEPROCESS *Process);
NTSTATUS PsLookupThreadByThreadId(HANDLE ThreadId, PETHREAD *Thread);
void ObReferenceObject(PVOID Object);
void ObDereferenceObject(PVOID Object);
#define ObfDereferenceObject ObDereferenceObject

/* ---- security: a process's token, what it says, privileges ----------------- */

typedef PVOID PACCESS_TOKEN;
/* Referenced: release with PsDereferencePrimaryToken (or ObDereferenceObject). */
PACCESS_TOKEN PsReferencePrimaryToken(PEPROCESS Process);
void PsDereferencePrimaryToken(PACCESS_TOKEN PrimaryToken);
/* The class's structure in a new paged-pool block the caller frees with ExFreePool
   (TokenSessionId: the ULONG itself in *TokenInformation). TokenUser, TokenGroups,
   TokenPrivileges, TokenOwner, TokenType, TokenElevationType, TokenElevation,
   TokenIntegrityLevel; others STATUS_INVALID_INFO_CLASS. */
NTSTATUS SeQueryInformationToken(PACCESS_TOKEN Token, TOKEN_INFORMATION_CLASS TokenInformationClass,
                                 PVOID *TokenInformation);
BOOLEAN SeTokenIsAdmin(PACCESS_TOKEN Token);
NTSTATUS SeQueryAuthenticationIdToken(PACCESS_TOKEN Token, PLUID AuthenticationId);
/* Does the caller (PreviousMode) hold the privilege, enabled? KernelMode: always. */
BOOLEAN SeSinglePrivilegeCheck(LUID PrivilegeValue, KPROCESSOR_MODE PreviousMode);

static inline LUID RtlConvertLongToLuid(LONG Long)
{
    LUID l = { (ULONG)Long, Long < 0 ? -1 : 0 };
    return l;
}

ULONG RtlLengthSid(PSID Sid);
/* "S-1-5-21-...": into the caller's buffer, or a new paged-pool one (RtlFreeUnicodeString). */
NTSTATUS RtlConvertSidToUnicodeString(PUNICODE_STRING UnicodeString, PSID Sid, BOOLEAN AllocateDestinationString);
void RtlFreeUnicodeString(PUNICODE_STRING UnicodeString);

/* ---- dispatcher objects and waits ------------------------------------------ */

typedef struct _KEVENT {
    DISPATCHER_HEADER Header;
} KEVENT, *PKEVENT, *PRKEVENT;
typedef struct _KSEMAPHORE {
    DISPATCHER_HEADER Header;
    LONG Limit;
} KSEMAPHORE, *PKSEMAPHORE, *PRKSEMAPHORE;

typedef enum _KWAIT_REASON { Executive = 0, UserRequest = 6, WrResource = 27 } KWAIT_REASON;
#define THREAD_WAIT_OBJECTS 3
#define MAXIMUM_WAIT_OBJECTS 64
/* Storage for one wait block: KeWaitForMultipleObjects needs an array of
 * them when it waits on more than THREAD_WAIT_OBJECTS objects. */
typedef struct _KWAIT_BLOCK {
    void *Reserved[6];
} KWAIT_BLOCK, *PKWAIT_BLOCK;

#define EVENT_INCREMENT 1
#define SEMAPHORE_INCREMENT 1

void KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State);
/* Returns the previous state; waiters are released (boosted by Increment). */
LONG KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait);
LONG KeResetEvent(PRKEVENT Event);
void KeClearEvent(PRKEVENT Event);
LONG KeReadStateEvent(PRKEVENT Event);
void KeInitializeSemaphore(PRKSEMAPHORE Semaphore, LONG Count, LONG Limit);
/* Returns the previous count. Past the limit Windows raises
 * STATUS_SEMAPHORE_LIMIT_EXCEEDED; ntsim leaves the count and prints that. */
LONG KeReleaseSemaphore(PRKSEMAPHORE Semaphore, KPRIORITY Increment, LONG Adjustment, BOOLEAN Wait);
LONG KeReadStateSemaphore(PRKSEMAPHORE Semaphore);

/*
 * Waits on events, semaphores, processes or threads (PEPROCESS, PETHREAD).
 * WaitAny returns STATUS_WAIT_0 + the lowest index satisfied; WaitAll
 * STATUS_WAIT_0 once all are signaled; STATUS_TIMEOUT when Timeout (100 ns,
 * negative = relative) passes, at once for a zero timeout. A system thread
 * waits as a thread does; other driver code (a dispatch routine called on a
 * scenario's behalf) waits by letting the simulation run forward on the
 * virtual clock until the wait ends.
 */
NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                               PLARGE_INTEGER Timeout);
NTSTATUS KeWaitForMultipleObjects(ULONG Count, PVOID Object[], WAIT_TYPE WaitType, KWAIT_REASON WaitReason,
                                  KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Timeout,
                                  PKWAIT_BLOCK WaitBlockArray);
/* Sleeps (Interval: 100 ns, negative = relative). */
NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Interval);

/* ---- critical regions ------------------------------------------------------ */

/* A critical region holds off normal kernel APCs (ntsim delivers none, but
 * counts regions as Windows does, per thread: KernelApcDisable). Leaving a
 * region the thread is not in stops the system as Driver Verifier does
 * (bug check 0xC4, 0x3E). KeAreApcsDisabled: TRUE inside a region. */
void KeEnterCriticalRegion(void);
void KeLeaveCriticalRegion(void);
BOOLEAN KeAreApcsDisabled(void);

/* ---- executive resources --------------------------------------------------- */

typedef ULONG_PTR ERESOURCE_THREAD, *PERESOURCE_THREAD;

typedef struct _OWNER_ENTRY {
    ERESOURCE_THREAD OwnerThread; /* 0: a free entry */
    union {
        struct {
            ULONG IoPriorityBoosted : 1;
            ULONG OwnerReferenced : 1;
            ULONG IoQoSPriorityBoosted : 1;
            ULONG OwnerCount : 29; /* its acquisitions not yet released */
        };
        ULONG TableSize; /* entry 0 of an owner table: the table's size */
    };
} OWNER_ENTRY, *POWNER_ENTRY;

/* A reader/writer lock with owners (opaque to drivers; wdm.h's members). */
typedef struct _ERESOURCE {
    LIST_ENTRY SystemResourcesList;
    POWNER_ENTRY OwnerTable; /* shared owners beyond OwnerEntry */
    SHORT ActiveCount;       /* 1 while owned */
    union {
        USHORT Flag; /* ResourceOwnedExclusive */
        struct {
            UCHAR ReservedLowFlags;
            UCHAR WaiterPriority;
        };
    };
    PKSEMAPHORE SharedWaiters;   /* from the pool at the first shared wait */
    PKEVENT ExclusiveWaiters;    /* from the pool at the first exclusive wait */
    OWNER_ENTRY OwnerEntry;      /* the exclusive owner, or a shared one */
    ULONG ActiveEntries;         /* owners (threads) */
    ULONG ContentionCount;       /* waits so far */
    ULONG NumberOfSharedWaiters;
    ULONG NumberOfExclusiveWaiters;
    PVOID Reserved2;
    union {
        PVOID Address;
        ULONG_PTR CreatorBackTraceIndex;
    };
    ULONG_PTR SpinLock;
} ERESOURCE, *PERESOURCE;

#define ResourceNeverExclusive 0x10
#define ResourceReleaseByOtherThread 0x20
#define ResourceOwnedExclusive 0x80

/* The owner identity of the running thread: its thread object. */
#define ExGetCurrentResourceThread() ((ERESOURCE_THREAD)(uintptr_t)KeGetCurrentThread())

/*
 * Executive resources, with Windows' rules (docs/executive.md says more):
 *  - unowned: granted at once, either way;
 *  - exclusive owner: acquires again either way (a shared request counts
 *    as one more exclusive hold); every acquisition needs its release;
 *  - shared owners: a new shared request is granted at once unless an
 *    exclusive waiter is queued (then it waits behind it), except for a
 *    thread that already owns it shared, which is granted again;
 *  - otherwise the caller waits (Wait TRUE; with FALSE the call returns
 *    FALSE at once). A thread that owns it shared and asks for exclusive
 *    waits for itself: a deadlock on Windows, a stop in ntsim.
 * Release: the owner's last release hands the resource on before any
 * waiter runs: an exclusive owner's to every shared waiter at once if
 * there is one, else to the first exclusive waiter; the last shared
 * owner's to the first exclusive waiter. Waiters block on dispatcher
 * objects (a system thread in its wait; other kernel code runs the
 * simulation forward until the resource is handed to it).
 * Callers must have normal kernel APCs disabled (a critical region, or a
 * fast mutex held): acquiring or releasing without stops the system as
 * Driver Verifier does (bug check 0xC4, 0x37 or 0x38). Releasing a
 * resource the thread does not own: bug check RESOURCE_NOT_OWNED (0xE3).
 * Deleting a resource still owned or waited for stops the system too.
 */
NTSTATUS ExInitializeResourceLite(PERESOURCE Resource);
NTSTATUS ExDeleteResourceLite(PERESOURCE Resource);
BOOLEAN ExAcquireResourceExclusiveLite(PERESOURCE Resource, BOOLEAN Wait);
BOOLEAN ExAcquireResourceSharedLite(PERESOURCE Resource, BOOLEAN Wait);
void ExReleaseResourceLite(PERESOURCE Resource);
void ExReleaseResourceForThreadLite(PERESOURCE Resource, ERESOURCE_THREAD ResourceThreadId);
/* TRUE when the calling thread owns it exclusively. */
BOOLEAN ExIsResourceAcquiredExclusiveLite(PERESOURCE Resource);
/* How many acquisitions, shared or exclusive, the calling thread holds. */
ULONG ExIsResourceAcquiredSharedLite(PERESOURCE Resource);
ULONG ExGetExclusiveWaiterCount(PERESOURCE Resource);
ULONG ExGetSharedWaiterCount(PERESOURCE Resource);
/* KeEnterCriticalRegion, then the acquisition (waiting); the value returned is opaque (NULL). */
PVOID ExEnterCriticalRegionAndAcquireResourceExclusive(PERESOURCE Resource);
PVOID ExEnterCriticalRegionAndAcquireResourceShared(PERESOURCE Resource);
/* ExReleaseResourceLite, then KeLeaveCriticalRegion. */
void ExReleaseResourceAndLeaveCriticalRegion(PERESOURCE Resource);

/* ---- bug checks ---------------------------------------------------------- */

/* The codes ntsim stops with (bugcodes.h). */
#define KMODE_EXCEPTION_NOT_HANDLED ((ULONG)0x0000001E)
#define SYSTEM_THREAD_EXCEPTION_NOT_HANDLED ((ULONG)0x0000007E)
#define BAD_POOL_CALLER ((ULONG)0x000000C2)
#define DRIVER_VERIFIER_DETECTED_VIOLATION ((ULONG)0x000000C4)
#define MANUALLY_INITIATED_CRASH ((ULONG)0x000000E2)
#define RESOURCE_NOT_OWNED ((ULONG)0x000000E3)

/* Stops the system: ntsim prints "ntsim: bug check 0x000000E3
 * RESOURCE_NOT_OWNED (parameters...)" on stderr and aborts the process. */
void KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1, ULONG_PTR BugCheckParameter2,
                  ULONG_PTR BugCheckParameter3, ULONG_PTR BugCheckParameter4) __attribute__((noreturn));

/* ---- system threads -------------------------------------------------------- */

typedef void KSTART_ROUTINE(PVOID StartContext);
typedef KSTART_ROUTINE *PKSTART_ROUTINE;

/*
 * A thread that runs StartRoutine in kernel mode, in the process
 * ProcessHandle names (NULL: the System process; NtCurrentProcess(): the
 * current one). Its code runs when the scheduler gives it a processor, and
 * until it waits or ends: returning from StartRoutine ends it as
 * PsTerminateSystemThread(STATUS_SUCCESS). With OBJ_KERNEL_HANDLE in the
 * attributes the handle is a kernel handle.
 */
NTSTATUS PsCreateSystemThread(HANDLE *ThreadHandle, ULONG DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                              HANDLE ProcessHandle, PKCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine,
                              PVOID StartContext);
NTSTATUS PsTerminateSystemThread(NTSTATUS ExitStatus);
/* PsCreateSystemThread for a driver's object (IoObject: its driver or device object). */
NTSTATUS IoCreateSystemThread(PVOID IoObject, HANDLE *ThreadHandle, ULONG DesiredAccess,
                              POBJECT_ATTRIBUTES ObjectAttributes, HANDLE ProcessHandle, PKCLIENT_ID ClientId,
                              PKSTART_ROUTINE StartRoutine, PVOID StartContext);

/* The System process (PsInitialSystemProcess, a variable in the WDK: here the
   running code's system's, read through a call). */
PEPROCESS ntsim_initial_system_process(void);
#define PsInitialSystemProcess (ntsim_initial_system_process())

typedef const struct ob_type *POBJECT_TYPE;
extern POBJECT_TYPE *PsProcessType, *PsThreadType, *IoFileObjectType;

/* The object behind a handle, referenced (ObDereferenceObject when done). */
NTSTATUS ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                                   KPROCESSOR_MODE AccessMode, PVOID *Object, PVOID HandleInformation);

/* Sets a thread's priority (1..31), returning the old one, as KeSetPriorityThread. */
KPRIORITY KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority);

/* HANDLE <-> ULONG, as the WDK's helpers. */
static inline HANDLE ULongToHandle(ULONG v) { return (HANDLE)(uintptr_t)v; }
static inline ULONG HandleToULong(HANDLE h) { return (ULONG)(uintptr_t)h; }

/* ---- notifications --------------------------------------------------------- */

typedef struct _FILE_OBJECT FILE_OBJECT, *PFILE_OBJECT;
typedef struct _DEVICE_OBJECT DEVICE_OBJECT, *PDEVICE_OBJECT;

typedef short CSHORT;
#define IO_TYPE_FILE 5

/* An open instance of a device: what a handle from CreateFile refers to. */
struct _FILE_OBJECT {
    CSHORT Type; /* IO_TYPE_FILE */
    CSHORT Size; /* sizeof(FILE_OBJECT) */
    PDEVICE_OBJECT DeviceObject;
    PVOID FsContext;  /* the driver's, per open */
    PVOID FsContext2;
    UNICODE_STRING FileName; /* an image's file: its NT path */
};

typedef struct _PS_CREATE_NOTIFY_INFO {
    SIZE_T Size;
    union {
        ULONG Flags;
        struct {
            ULONG FileOpenNameAvailable : 1;
            ULONG IsSubsystemProcess : 1;
            ULONG Reserved : 30;
        };
    };
    HANDLE ParentProcessId;
    KCLIENT_ID CreatingThreadId;
    PFILE_OBJECT FileObject;
    PCUNICODE_STRING ImageFileName; /* the NT path */
    PCUNICODE_STRING CommandLine;
    NTSTATUS CreationStatus;        /* set it to a failure to refuse the creation */
} PS_CREATE_NOTIFY_INFO, *PPS_CREATE_NOTIFY_INFO;

/* CreateInfo is NULL when the process exits. */
typedef void (*PCREATE_PROCESS_NOTIFY_ROUTINE_EX)(PEPROCESS Process, HANDLE ProcessId,
                                                  PPS_CREATE_NOTIFY_INFO CreateInfo);
typedef void (*PCREATE_THREAD_NOTIFY_ROUTINE)(HANDLE ProcessId, HANDLE ThreadId, BOOLEAN Create);

#define IMAGE_ADDRESSING_MODE_32BIT 3 /* what every IMAGE_INFO carries (the WDK's IMAGE_INFO page) */

typedef struct _IMAGE_INFO {
    union {
        ULONG Properties;
        struct {
            ULONG ImageAddressingMode : 8;
            ULONG SystemModeImage : 1;
            ULONG ImageMappedToAllPids : 1;
            ULONG ExtendedInfoPresent : 1;
            ULONG MachineTypeMismatch : 1;
            ULONG ImageSignatureLevel : 4;
            ULONG ImageSignatureType : 3;
            ULONG ImagePartialMap : 1;
            ULONG Reserved : 12;
        };
    };
    PVOID ImageBase;     /* a simulated address, not a host pointer */
    ULONG ImageSelector;
    SIZE_T ImageSize;
    ULONG ImageSectionNumber;
} IMAGE_INFO, *PIMAGE_INFO;

/* What an image-load routine's IMAGE_INFO is part of when ExtendedInfoPresent
   is set (always, as on Windows 10): the image's file object, whose name
   FltGetFileNameInformationUnsafe gives. */
typedef struct _IMAGE_INFO_EX {
    SIZE_T Size;
    IMAGE_INFO ImageInfo;
    PFILE_OBJECT FileObject;
} IMAGE_INFO_EX, *PIMAGE_INFO_EX;

typedef void (*PLOAD_IMAGE_NOTIFY_ROUTINE)(PUNICODE_STRING FullImageName, HANDLE ProcessId, PIMAGE_INFO ImageInfo);

/*
 * Registration as on Windows: at most 64 routines of each kind on x64, 8 on
 * x86, called in registration order. The process routine runs in the
 * creating thread's context on creation (the exiting thread's on exit); the
 * plain thread routine in the creating thread's context on creation, the
 * Ex (non-system) form on the new thread; thread exit on the exiting thread;
 * image load in the loading process.
 *  - process: STATUS_INVALID_PARAMETER when full or already registered;
 *  - thread, image: STATUS_INSUFFICIENT_RESOURCES when full;
 *  - removing a routine that is not registered: STATUS_PROCEDURE_NOT_FOUND.
 */
NTSTATUS PsSetCreateProcessNotifyRoutineEx(PCREATE_PROCESS_NOTIFY_ROUTINE_EX NotifyRoutine, BOOLEAN Remove);
NTSTATUS PsSetCreateThreadNotifyRoutine(PCREATE_THREAD_NOTIFY_ROUTINE NotifyRoutine);
typedef enum _PSCREATETHREADNOTIFYTYPE { PsCreateThreadNotifyNonSystem = 0 } PSCREATETHREADNOTIFYTYPE;
NTSTATUS PsSetCreateThreadNotifyRoutineEx(PSCREATETHREADNOTIFYTYPE NotifyType, PVOID NotifyInformation);
NTSTATUS PsRemoveCreateThreadNotifyRoutine(PCREATE_THREAD_NOTIFY_ROUTINE NotifyRoutine);
NTSTATUS PsSetLoadImageNotifyRoutine(PLOAD_IMAGE_NOTIFY_ROUTINE NotifyRoutine);
NTSTATUS PsSetLoadImageNotifyRoutineEx(PLOAD_IMAGE_NOTIFY_ROUTINE NotifyRoutine, ULONG_PTR Flags);
NTSTATUS PsRemoveLoadImageNotifyRoutine(PLOAD_IMAGE_NOTIFY_ROUTINE NotifyRoutine);

/* ---- drivers, devices and requests ---------------------------------------- */

typedef struct _DRIVER_OBJECT DRIVER_OBJECT, *PDRIVER_OBJECT;
typedef struct _IRP IRP, *PIRP;

#define IRP_MJ_CREATE 0x00
#define IRP_MJ_CLOSE 0x02
#define IRP_MJ_READ 0x03
#define IRP_MJ_WRITE 0x04
#define IRP_MJ_DEVICE_CONTROL 0x0e
#define IRP_MJ_CLEANUP 0x12
#define IRP_MJ_MAXIMUM_FUNCTION 0x1b

/* The routine types, as function types (DRIVER_DISPATCH SysMonRead;) and pointers. */
typedef NTSTATUS DRIVER_DISPATCH(PDEVICE_OBJECT DeviceObject, PIRP Irp);
typedef DRIVER_DISPATCH *PDRIVER_DISPATCH;
typedef void DRIVER_UNLOAD(PDRIVER_OBJECT DriverObject);
typedef DRIVER_UNLOAD *PDRIVER_UNLOAD;
typedef NTSTATUS DRIVER_INITIALIZE(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);
typedef DRIVER_INITIALIZE *PDRIVER_INITIALIZE;

struct _DRIVER_OBJECT {
    PDEVICE_OBJECT DeviceObject;
    UNICODE_STRING DriverName;
    PDRIVER_UNLOAD DriverUnload;
    PDRIVER_DISPATCH MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
    struct io_driver *Internal; /* the I/O manager's bookkeeping */
};

/* I/O control codes: device type, required access, function, transfer method. */
#define CTL_CODE(DeviceType, Function, Method, Access) \
    (((ULONG)(DeviceType) << 16) | ((ULONG)(Access) << 14) | ((ULONG)(Function) << 2) | (ULONG)(Method))
#define DEVICE_TYPE_FROM_CTL_CODE(code) (((ULONG)(code) & 0xffff0000u) >> 16)
#define METHOD_FROM_CTL_CODE(code) ((ULONG)(code) & 3u)
#define METHOD_BUFFERED 0
#define METHOD_IN_DIRECT 1
#define METHOD_OUT_DIRECT 2
#define METHOD_NEITHER 3
#define FILE_ANY_ACCESS 0
#define FILE_READ_ACCESS 1
#define FILE_WRITE_ACCESS 2

#define DO_BUFFERED_IO 0x00000004u
#define DO_DIRECT_IO 0x00000010u
#define FILE_DEVICE_UNKNOWN 0x00000022u
#define FILE_DEVICE_BEEP 0x00000001u

struct _DEVICE_OBJECT {
    PDRIVER_OBJECT DriverObject;
    PDEVICE_OBJECT NextDevice;
    ULONG Flags;
    ULONG DeviceType;
    PVOID DeviceExtension;
    UNICODE_STRING Name;
};

NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize, PUNICODE_STRING DeviceName,
                        ULONG DeviceType, ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                        PDEVICE_OBJECT *DeviceObject);
void IoDeleteDevice(PDEVICE_OBJECT DeviceObject);
NTSTATUS IoCreateSymbolicLink(PUNICODE_STRING SymbolicLinkName, PUNICODE_STRING DeviceName);
NTSTATUS IoDeleteSymbolicLink(PUNICODE_STRING SymbolicLinkName);

/* A memory descriptor list: here, the locked user buffer of a direct-I/O request. */
typedef struct _MDL {
    PVOID MappedSystemVa;
    ULONG ByteCount;
} MDL, *PMDL;

typedef enum _MM_PAGE_PRIORITY { LowPagePriority = 0, NormalPagePriority = 16, HighPagePriority = 32 } MM_PAGE_PRIORITY;
PVOID MmGetSystemAddressForMdlSafe(PMDL Mdl, ULONG Priority);


typedef struct _IO_STACK_LOCATION {
    UCHAR MajorFunction;
    UCHAR MinorFunction;
    union {
        struct {
            ULONG Length;
            ULONG Key;
            LONG64 ByteOffset;
        } Read;
        struct {
            ULONG Length;
            ULONG Key;
            LONG64 ByteOffset;
        } Write;
        struct {
            ULONG OutputBufferLength;
            ULONG InputBufferLength;
            ULONG IoControlCode;
            PVOID Type3InputBuffer;
        } DeviceIoControl;
    } Parameters;
    PDEVICE_OBJECT DeviceObject;
    PFILE_OBJECT FileObject;
} IO_STACK_LOCATION, *PIO_STACK_LOCATION;

struct _IRP {
    PMDL MdlAddress;       /* direct I/O: the caller's buffer */
    PKEVENT UserEvent;     /* set on completion (IoBuildDeviceIoControlRequest) */
    PIO_STATUS_BLOCK UserIosb;
    PVOID OutputBuffer;    /* where a buffered control request's output goes */
    BOOLEAN Allocated;     /* built by IoBuild*: freed at completion */
    BOOLEAN PendingReturned; /* the driver returned STATUS_PENDING: it completes later */
    union {
        PVOID SystemBuffer; /* buffered I/O: the kernel's copy */
    } AssociatedIrp;
    IO_STATUS_BLOCK IoStatus;
    KPROCESSOR_MODE RequestorMode;
    PVOID UserBuffer;      /* neither I/O: the caller's address */
    IO_STACK_LOCATION Stack;
    BOOLEAN Completed;
    ULONG64 Sequence;      /* ntsim's: the request's number in traces (NTSIM_TRACE_CALLS) */
};

static inline PIO_STACK_LOCATION IoGetCurrentIrpStackLocation(PIRP Irp)
{
    return &Irp->Stack;
}

/* The next driver's stack location: ntsim IRPs have one location, so a
 * driver passing a request down sends the same one. */
static inline PIO_STACK_LOCATION IoGetNextIrpStackLocation(PIRP Irp)
{
    return &Irp->Stack;
}

#define IO_NO_INCREMENT 0
static inline void IoMarkIrpPending(PIRP Irp)
{
    Irp->PendingReturned = TRUE;
}
void IoCompleteRequest(PIRP Irp, CHAR PriorityBoost);
#define IofCompleteRequest IoCompleteRequest

/* A driver calling a driver: the device behind a name and a file object open on it (referenced); a file
   of the system volume has no device here: STATUS_NOT_SUPPORTED. */
NTSTATUS IoGetDeviceObjectPointer(PUNICODE_STRING ObjectName, ACCESS_MASK DesiredAccess, PFILE_OBJECT *FileObject,
                                  PDEVICE_OBJECT *DeviceObject);
/* An I/O control request to send with IoCallDriver; on completion Event is set
 * and IoStatusBlock filled. The IRP is freed when it completes. */
PIRP IoBuildDeviceIoControlRequest(ULONG IoControlCode, PDEVICE_OBJECT DeviceObject, PVOID InputBuffer,
                                   ULONG InputBufferLength, PVOID OutputBuffer, ULONG OutputBufferLength,
                                   BOOLEAN InternalDeviceIoControl, PKEVENT Event, PIO_STATUS_BLOCK IoStatusBlock);
NTSTATUS IoCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp);

/* The driver's configuration from its `driver load` options (the registry
 * Parameters key of a real driver): STATUS_OBJECT_NAME_NOT_FOUND if absent. */
NTSTATUS IoQueryDriverOption(PDRIVER_OBJECT DriverObject, const char *Name, const char **Value);

/* ---- the filter manager's file names (fltKernel.h) ------------------------ */

typedef struct _FLT_INSTANCE *PFLT_INSTANCE;
typedef ULONG FLT_FILE_NAME_OPTIONS;
typedef USHORT FLT_FILE_NAME_PARSED_FLAGS;
#define FLT_FILE_NAME_NORMALIZED 0x01
#define FLT_FILE_NAME_OPENED 0x02
#define FLT_FILE_NAME_SHORT 0x03
#define FLT_FILE_NAME_QUERY_DEFAULT 0x0100
#define FLT_FILE_NAME_QUERY_CACHE_ONLY 0x0200
#define FLT_FILE_NAME_QUERY_FILESYSTEM_ONLY 0x0300
#define FLT_FILE_NAME_QUERY_ALWAYS_ALLOW_CACHE_LOOKUP 0x0400

typedef struct _FLT_FILE_NAME_INFORMATION {
    USHORT Size;
    FLT_FILE_NAME_PARSED_FLAGS NamesParsed;
    FLT_FILE_NAME_OPTIONS Format;
    UNICODE_STRING Name;
    UNICODE_STRING Volume;
    UNICODE_STRING Share;
    UNICODE_STRING Extension;
    UNICODE_STRING Stream;
    UNICODE_STRING FinalComponent;
    UNICODE_STRING ParentDir;
} FLT_FILE_NAME_INFORMATION, *PFLT_FILE_NAME_INFORMATION;

/*
 * The name of the file a file object is open on (an image-load routine's
 * IMAGE_INFO_EX.FileObject): normalized or opened, both the NT path here
 * (ntsim has no short names or reparse points). Allocated from the pool and
 * charged to the caller until FltReleaseFileNameInformation; a file object
 * with no name: STATUS_FLT_INVALID_NAME_REQUEST. Instance may be NULL.
 */
NTSTATUS FltGetFileNameInformationUnsafe(PFILE_OBJECT FileObject, PFLT_INSTANCE Instance,
                                         FLT_FILE_NAME_OPTIONS NameOptions,
                                         PFLT_FILE_NAME_INFORMATION *FileNameInformation);
void FltReleaseFileNameInformation(PFLT_FILE_NAME_INFORMATION FileNameInformation);

/* ---- native services from kernel mode (previous mode KernelMode) --------- */

/* ZwQuerySystemInformation, which the WDK leaves undeclared (drivers declare
   it), is declared by ntsim's own sysinfo.h. */
NTSTATUS ZwClose(HANDLE Handle);
KPROCESSOR_MODE ExGetPreviousMode(void);
/* Files and image sections from kernel mode: a device, or an image file of
   the system volume (\SystemRoot\System32\ntdll.dll, \??\C:\...), opened;
   an image section of it; a view in a process (NtCurrentProcess() is the
   current thread's: a user process in a notify routine, System in
   DriverEntry, which has no user space). *BaseAddress is a simulated
   address, not a host pointer. */
NTSTATUS ZwOpenFile(HANDLE *FileHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                    PIO_STATUS_BLOCK IoStatusBlock, ULONG ShareAccess, ULONG OpenOptions);
NTSTATUS ZwCreateSection(HANDLE *SectionHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                         PLARGE_INTEGER MaximumSize, ULONG SectionPageProtection, ULONG AllocationAttributes,
                         HANDLE FileHandle);
NTSTATUS ZwMapViewOfSection(HANDLE SectionHandle, HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
                            SIZE_T CommitSize, PLARGE_INTEGER SectionOffset, SIZE_T *ViewSize,
                            SECTION_INHERIT InheritDisposition, ULONG AllocationType, ULONG Win32Protect);
NTSTATUS ZwUnmapViewOfSection(HANDLE ProcessHandle, PVOID BaseAddress);

#ifdef __cplusplus
}
#endif
#endif
