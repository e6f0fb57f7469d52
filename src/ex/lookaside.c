/*
 * lookaside.c - lookaside lists: a driver's cache of freed entries of one
 * size (ExInitializeNPagedLookasideList and its kin, LOOKASIDE_LIST_EX).
 *
 * Allocating pops the entry freed last, if any (a hit), else calls the
 * list's Allocate routine (a miss); freeing pushes the entry unless the
 * list already caches Depth of them, else calls its Free routine. While
 * cached, an entry's first bytes hold the link (an SLIST_ENTRY), as on
 * Windows. The default routines are ExAllocatePoolWithTag(Type, Size, Tag)
 * and ExFreePool, so entries are pool blocks with the list's tag, charged
 * to the driver whose code asked, and cached entries of a list never
 * deleted show in that driver's leak report.
 *
 * Depth belongs to the system (the WDK's Depth parameter is reserved).
 * Every list starts at 4, may grow to 256, and Windows' balance set
 * manager retunes it: it wakes each second and scans, in turn, the
 * nonpaged lists, the paged lists and the system's own, so a list is
 * rescanned every 3 s and judged on the allocations of those 3 s
 * (ExAdjustLookasideDepth, as the Windows Research Kernel has it and
 * Windows Internals describes it):
 *  - under 25 allocations a second: depth - 10;
 *  - else a miss rate under 0.5 %: depth - 1;
 *  - else depth + 5 + rate x (256 - depth) / 2, at most + 30;
 * never under 4 nor over 256. ntsim scans on the virtual clock: nonpaged
 * lists 1 s after boot and every 3 s after, paged ones 2 s after boot and
 * every 3 s. A list takes the scans due when it is next used: nothing else
 * changes it, so its depth is what scanning on time would have made it.
 */
#include "ex/ex.h"
#include "ke/context.h"

#define SECOND 10000000ull /* 100 ns units */

enum {
    SCAN_PERIOD = 3,          /* seconds between a list's scans */
    ALLOCATIONS_PER_SECOND = 25, /* fewer, and the list shrinks fast */
    SHRINK_IDLE = 10,
    GROWTH_BASE = 5,
    GROWTH_MAX = 30,
    /* After one scan, every further scan without use only lowers the depth
       by 10: from 256 to 4 in 26 scans. More are no-ops. */
    CATCH_UP_MAX = 32,
};

static bool paged(const GENERAL_LOOKASIDE *L)
{
    return ((ULONG)L->Type & PagedPool) != 0; /* PagedPool, PagedPoolCacheAligned */
}

/* How many scans of L's kind have happened by `now`. */
static ULONG scans_by(const ex_system *ex, const GENERAL_LOOKASIDE *L, uint64_t now)
{
    uint64_t first = ex->boot_time + (paged(L) ? 2 : 1) * SECOND;
    return now < first ? 0 : (ULONG)((now - first) / (SCAN_PERIOD * SECOND) + 1);
}

/* One scan: the depth for the demand since the last one. */
static void retune(GENERAL_LOOKASIDE *L)
{
    ULONG allocates = L->TotalAllocates - L->LastTotalAllocates;
    ULONG misses = L->AllocateMisses - L->LastAllocateMisses;
    L->LastTotalAllocates = L->TotalAllocates;
    L->LastAllocateMisses = L->AllocateMisses;
    long depth = L->Depth;
    if (allocates < SCAN_PERIOD * ALLOCATIONS_PER_SECOND) {
        depth -= SHRINK_IDLE;
    } else {
        uint64_t per_mille = (uint64_t)misses * 1000 / allocates;
        if (per_mille < 5) {
            depth -= 1;
        } else {
            uint64_t growth = per_mille * (uint64_t)(L->MaximumDepth - depth) / 2000 + GROWTH_BASE;
            depth += (long)(growth < GROWTH_MAX ? growth : GROWTH_MAX);
        }
    }
    if (depth < NTSIM_LOOKASIDE_MINIMUM_DEPTH)
        depth = NTSIM_LOOKASIDE_MINIMUM_DEPTH;
    if (depth > L->MaximumDepth)
        depth = L->MaximumDepth;
    L->Depth = (USHORT)depth;
}

/* The scans due since L was last used. Future[0]: the scans L has had. */
static void catch_up(ntsim_system *sys, GENERAL_LOOKASIDE *L)
{
    ULONG due = scans_by(ex_state(sys), L, ke_state(sys)->time);
    ULONG pending = due - L->Future[0];
    for (ULONG n = 0; n < pending && n < CATCH_UP_MAX; n++)
        retune(L);
    L->Future[0] = due;
}

static void initialize(const char *api, GENERAL_LOOKASIDE *L, POOL_TYPE type, SIZE_T size, ULONG tag)
{
    ntsim_system *sys = ke_current_system(api);
    if (size < LOOKASIDE_MINIMUM_BLOCK_SIZE)
        ke_bug_check(DRIVER_VERIFIER_DETECTED_VIOLATION, 0xCD, (ULONG_PTR)(uintptr_t)L, size,
                     LOOKASIDE_MINIMUM_BLOCK_SIZE, "a lookaside list of entries too small to hold its link");
    *L = (GENERAL_LOOKASIDE){ .Depth = NTSIM_LOOKASIDE_MINIMUM_DEPTH, .MaximumDepth = NTSIM_LOOKASIDE_MAXIMUM_DEPTH,
                              .Type = type, .Tag = tag, .Size = (ULONG)size };
    InitializeSListHead(&L->ListHead);
    InitializeListHead(&L->ListEntry); /* ntsim keeps no system-wide set of lists */
    L->Future[0] = scans_by(ex_state(sys), L, ke_state(sys)->time);
}

/* A cached entry, or NULL on a miss (counted: the caller allocates). */
static PVOID pop(const char *api, GENERAL_LOOKASIDE *L)
{
    catch_up(ke_current_system(api), L);
    L->TotalAllocates++;
    PVOID entry = InterlockedPopEntrySList(&L->ListHead);
    if (!entry)
        L->AllocateMisses++;
    return entry;
}

/* Caches the entry if there is room; false when the caller must free it. */
static bool push(const char *api, GENERAL_LOOKASIDE *L, PVOID entry)
{
    catch_up(ke_current_system(api), L);
    L->TotalFrees++;
    if (ExQueryDepthSList(&L->ListHead) >= L->Depth) {
        L->FreeMisses++;
        return false;
    }
    InterlockedPushEntrySList(&L->ListHead, (PSLIST_ENTRY)entry);
    return true;
}

/* ---- NPAGED_LOOKASIDE_LIST and PAGED_LOOKASIDE_LIST ------------------------- */

static void initialize_classic(const char *api, GENERAL_LOOKASIDE *L, PALLOCATE_FUNCTION allocate,
                               PFREE_FUNCTION free_entry, POOL_TYPE type, SIZE_T size, ULONG tag)
{
    initialize(api, L, type, size, tag);
    L->Allocate = allocate ? allocate : ExAllocatePoolWithTag;
    L->Free = free_entry ? free_entry : ExFreePool;
}

static PVOID allocate_classic(const char *api, GENERAL_LOOKASIDE *L)
{
    PVOID entry = pop(api, L);
    return entry ? entry : L->Allocate(L->Type, L->Size, L->Tag);
}

static void free_classic(const char *api, GENERAL_LOOKASIDE *L, PVOID entry)
{
    if (!push(api, L, entry))
        L->Free(entry);
}

static void delete_classic(const char *api, GENERAL_LOOKASIDE *L)
{
    ke_current_system(api);
    for (PVOID entry; (entry = InterlockedPopEntrySList(&L->ListHead)) != NULL;)
        L->Free(entry);
}

void ExInitializeNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate,
                                     PFREE_FUNCTION Free, ULONG Flags, SIZE_T Size, ULONG Tag, USHORT Depth)
{
    (void)Depth;
    initialize_classic("ExInitializeNPagedLookasideList", &Lookaside->L, Allocate, Free,
                       (POOL_TYPE)(NonPagedPool | Flags), Size, Tag);
}

void ExDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    delete_classic("ExDeleteNPagedLookasideList", &Lookaside->L);
}

PVOID ExAllocateFromNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    return allocate_classic("ExAllocateFromNPagedLookasideList", &Lookaside->L);
}

void ExFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry)
{
    free_classic("ExFreeToNPagedLookasideList", &Lookaside->L, Entry);
}

void ExInitializePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate,
                                    PFREE_FUNCTION Free, ULONG Flags, SIZE_T Size, ULONG Tag, USHORT Depth)
{
    (void)Depth;
    initialize_classic("ExInitializePagedLookasideList", &Lookaside->L, Allocate, Free,
                       (POOL_TYPE)(PagedPool | Flags), Size, Tag);
}

void ExDeletePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside)
{
    delete_classic("ExDeletePagedLookasideList", &Lookaside->L);
}

PVOID ExAllocateFromPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside)
{
    return allocate_classic("ExAllocateFromPagedLookasideList", &Lookaside->L);
}

void ExFreeToPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry)
{
    free_classic("ExFreeToPagedLookasideList", &Lookaside->L, Entry);
}

/* ---- LOOKASIDE_LIST_EX --------------------------------------------------------- */

static PVOID default_allocate_ex(POOL_TYPE type, SIZE_T size, ULONG tag, PLOOKASIDE_LIST_EX lookaside)
{
    (void)lookaside;
    return ExAllocatePoolWithTag(type, size, tag);
}

static void default_free_ex(PVOID entry, PLOOKASIDE_LIST_EX lookaside)
{
    (void)lookaside;
    ExFreePool(entry);
}

/* The pool types a list may have: NonPagedPool, PagedPool, their
   cache-aligned forms, with NX and the failure bits; not the ones reserved
   for the system (must-succeed) nor session pool (ntsim has none). */
static bool pool_type_valid(POOL_TYPE type)
{
    ULONG base = (ULONG)type & ~(ULONG)(POOL_NX_ALLOCATION | POOL_RAISE_IF_ALLOCATION_FAILURE |
                                        POOL_QUOTA_FAIL_INSTEAD_OF_RAISE);
    return base == NonPagedPool || base == PagedPool || base == NonPagedPoolCacheAligned ||
           base == PagedPoolCacheAligned;
}

NTSTATUS ExInitializeLookasideListEx(PLOOKASIDE_LIST_EX Lookaside, PALLOCATE_FUNCTION_EX Allocate,
                                     PFREE_FUNCTION_EX Free, POOL_TYPE PoolType, ULONG Flags, SIZE_T Size,
                                     ULONG Tag, USHORT Depth)
{
    (void)Depth;
    const ULONG both = EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL | EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE;
    ke_current_system("ExInitializeLookasideListEx");
    if (!pool_type_valid(PoolType))
        return STATUS_INVALID_PARAMETER_4;
    if ((Flags & ~both) || Flags == both)
        return STATUS_INVALID_PARAMETER_5;
    ULONG type = (ULONG)PoolType;
    if (Flags & EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL)
        type |= POOL_RAISE_IF_ALLOCATION_FAILURE;
    if (Flags & EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE)
        type |= POOL_QUOTA_FAIL_INSTEAD_OF_RAISE;
    initialize("ExInitializeLookasideListEx", &Lookaside->L, (POOL_TYPE)type, Size, Tag);
    Lookaside->L.AllocateEx = Allocate ? Allocate : default_allocate_ex;
    Lookaside->L.FreeEx = Free ? Free : default_free_ex;
    return STATUS_SUCCESS;
}

PVOID ExAllocateFromLookasideListEx(PLOOKASIDE_LIST_EX Lookaside)
{
    GENERAL_LOOKASIDE *L = &Lookaside->L;
    PVOID entry = pop("ExAllocateFromLookasideListEx", L);
    return entry ? entry : L->AllocateEx(L->Type, L->Size, L->Tag, Lookaside);
}

void ExFreeToLookasideListEx(PLOOKASIDE_LIST_EX Lookaside, PVOID Entry)
{
    if (!push("ExFreeToLookasideListEx", &Lookaside->L, Entry))
        Lookaside->L.FreeEx(Entry, Lookaside);
}

void ExFlushLookasideListEx(PLOOKASIDE_LIST_EX Lookaside)
{
    ke_current_system("ExFlushLookasideListEx");
    for (PVOID entry; (entry = InterlockedPopEntrySList(&Lookaside->L.ListHead)) != NULL;)
        Lookaside->L.FreeEx(entry, Lookaside);
}

void ExDeleteLookasideListEx(PLOOKASIDE_LIST_EX Lookaside)
{
    ExFlushLookasideListEx(Lookaside);
}
