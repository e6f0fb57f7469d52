/*
 * resource.c - executive resources (ERESOURCE): a reader/writer lock that
 * knows its owners, with Windows' rules as the WDK documents them and the
 * Windows Research Kernel and ReactOS show them:
 *  - one exclusive owner, or shared owners, each thread's acquisitions
 *    counted in an owner entry (OwnerEntry, then an owner table from the pool);
 *  - the exclusive owner acquires again either way; a shared owner again
 *    shared even past a queued exclusive waiter; any other shared request
 *    queues behind an exclusive waiter, so readers cannot starve a writer;
 *  - the last release hands the resource on before any waiter runs: an
 *    exclusive owner's to all shared waiters at once if there are any (so
 *    writers cannot starve readers either), else to the first exclusive
 *    waiter; the last shared owner's to the first exclusive waiter.
 * Waiters block on dispatcher objects the resource takes from the pool at
 * its first contention, as Windows does: a synchronization event that
 * exclusive waiters queue on, a semaphore for shared ones, released by as
 * many as were granted. A waiter learns it was granted when its wait ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ex/ex.h"
#include "ke/context.h"

/* The tag of what a resource takes from the pool (ReactOS's; Windows' own is not documented). */
#define RESOURCE_TAG 'aTeR'
/* The exclusive owner until the waiter it was handed to runs and names itself. */
#define GRANTED_TO_A_WAITER ((ERESOURCE_THREAD)1)

static bool owned_exclusive(const ERESOURCE *r)
{
    return (r->Flag & ResourceOwnedExclusive) != 0;
}

static ERESOURCE_THREAD current_owner(ntsim_system *sys)
{
    return (ERESOURCE_THREAD)(uintptr_t)ke_state(sys)->current_thread->object; /* what KeGetCurrentThread returns */
}

/* The running code's system, once it is known to have kernel APCs disabled
   (Driver Verifier's check: bug check 0xC4, `verifier_code`). */
static ntsim_system *checked(const char *api, PERESOURCE r, ULONG verifier_code)
{
    ntsim_system *sys = ke_current_system(api);
    ke_thread *t = ke_state(sys)->current_thread;
    if (!ke_normal_apcs_disabled(t)) {
        char why[128];
        snprintf(why, sizeof why, "%s with normal kernel APCs enabled (enter a critical region first)", api);
        ke_bug_check(DRIVER_VERIFIER_DETECTED_VIOLATION, verifier_code, 0 /* PASSIVE_LEVEL */,
                     (ULONG_PTR)(int64_t)t->kernel_apc_disable, (ULONG_PTR)(uintptr_t)r, why);
    }
    return sys;
}

/* A stop Windows has no bug check for: a deadlock, or a host out of memory. */
static _Noreturn void stop(const char *api, const char *why)
{
    fprintf(stderr, "ntsim: %s: %s\n", api, why);
    fflush(stderr);
    abort();
}

static ULONG table_size(const ERESOURCE *r)
{
    return r->OwnerTable ? r->OwnerTable[0].TableSize : 0;
}

/* The owner entry of thread t, or NULL. O(owners). */
static POWNER_ENTRY find_entry(PERESOURCE r, ERESOURCE_THREAD t)
{
    if (r->OwnerEntry.OwnerThread == t)
        return &r->OwnerEntry;
    for (ULONG i = 1; i < table_size(r); i++)
        if (r->OwnerTable[i].OwnerThread == t)
            return &r->OwnerTable[i];
    return NULL;
}

/* A free entry of the owner table (entry 0 holds its size), the table
   doubled from the pool when it is full. */
static POWNER_ENTRY free_table_entry(PERESOURCE r)
{
    ULONG size = table_size(r);
    for (ULONG i = 1; i < size; i++)
        if (!r->OwnerTable[i].OwnerThread)
            return &r->OwnerTable[i];
    ULONG grown = size ? size * 2 : 4;
    POWNER_ENTRY table = ExAllocatePoolWithTag(NonPagedPoolNx, grown * sizeof *table, RESOURCE_TAG);
    if (!table)
        stop("ExAcquireResourceSharedLite", "the host is out of memory for the owner table");
    if (size) {
        memcpy(table, r->OwnerTable, size * sizeof *table);
        ExFreePoolWithTag(r->OwnerTable, RESOURCE_TAG);
    }
    table[0] = (OWNER_ENTRY){ .TableSize = grown };
    r->OwnerTable = table;
    return &table[size ? size : 1];
}

/* The objects waiters queue on, from the pool when first needed. */
static PKEVENT exclusive_waiters(PERESOURCE r)
{
    if (!r->ExclusiveWaiters) {
        r->ExclusiveWaiters = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(KEVENT), RESOURCE_TAG);
        if (!r->ExclusiveWaiters)
            stop("ExAcquireResourceExclusiveLite", "the host is out of memory for the waiters' event");
        KeInitializeEvent(r->ExclusiveWaiters, SynchronizationEvent, FALSE);
    }
    return r->ExclusiveWaiters;
}

static PKSEMAPHORE shared_waiters(PERESOURCE r)
{
    if (!r->SharedWaiters) {
        r->SharedWaiters = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(KSEMAPHORE), RESOURCE_TAG);
        if (!r->SharedWaiters)
            stop("ExAcquireResourceSharedLite", "the host is out of memory for the waiters' semaphore");
        KeInitializeSemaphore(r->SharedWaiters, 0, 0x7FFFFFFF);
    }
    return r->SharedWaiters;
}

/* Blocks until a release hands the resource over (the wait ends). Outside a
   system thread the wait runs the simulation forward; if an hour of virtual
   time passes with the resource still held, nothing will release it. */
static void wait_for_grant(PERESOURCE r, PVOID object, const char *api)
{
    r->ContentionCount++;
    NTSTATUS s = KeWaitForSingleObject(object, WrResource, KernelMode, FALSE, NULL);
    if (s != STATUS_WAIT_0)
        stop(api, "the resource was not released within an hour of virtual time "
                  "(a deadlock: Windows would wait forever)");
}

static void become_sole_owner(PERESOURCE r, ERESOURCE_THREAD t, bool exclusive)
{
    r->OwnerEntry.OwnerThread = t;
    r->OwnerEntry.OwnerCount = 1;
    r->ActiveEntries = 1;
    r->ActiveCount = 1;
    if (exclusive)
        r->Flag |= ResourceOwnedExclusive;
}

/* The first exclusive waiter gets it; it names itself when its wait ends. */
static void hand_to_exclusive_waiter(PERESOURCE r)
{
    r->NumberOfExclusiveWaiters--;
    become_sole_owner(r, GRANTED_TO_A_WAITER, true);
    KeSetEvent(r->ExclusiveWaiters, EVENT_INCREMENT, FALSE);
}

/* Every shared waiter gets it at once; each recorded its owner entry before waiting. */
static void hand_to_shared_waiters(PERESOURCE r)
{
    ULONG n = r->NumberOfSharedWaiters;
    r->NumberOfSharedWaiters = 0;
    r->Flag &= (USHORT)~ResourceOwnedExclusive;
    r->ActiveEntries = n;
    r->ActiveCount = 1;
    KeReleaseSemaphore(r->SharedWaiters, 0, (LONG)n, FALSE);
}

NTSTATUS ExInitializeResourceLite(PERESOURCE Resource)
{
    memset(Resource, 0, sizeof *Resource);
    /* ntsim keeps no system-wide list of resources: the entry links to itself. */
    InitializeListHead(&Resource->SystemResourcesList);
    return STATUS_SUCCESS;
}

NTSTATUS ExDeleteResourceLite(PERESOURCE Resource)
{
    ke_current_system("ExDeleteResourceLite");
    if (Resource->ActiveEntries || Resource->NumberOfExclusiveWaiters || Resource->NumberOfSharedWaiters) {
        /* Windows does not check; its owners and waiters would be left with a dead resource. */
        fprintf(stderr, "ntsim: ExDeleteResourceLite of a resource still owned (%lu owners) or waited for "
                        "(%lu exclusive, %lu shared waiters): its owners and waiters would be left with a "
                        "deleted resource\n",
                (unsigned long)Resource->ActiveEntries, (unsigned long)Resource->NumberOfExclusiveWaiters,
                (unsigned long)Resource->NumberOfSharedWaiters);
        fflush(stderr);
        abort();
    }
    ExFreePoolWithTag(Resource->OwnerTable, RESOURCE_TAG);
    ExFreePoolWithTag(Resource->ExclusiveWaiters, RESOURCE_TAG);
    ExFreePoolWithTag(Resource->SharedWaiters, RESOURCE_TAG);
    return ExInitializeResourceLite(Resource);
}

BOOLEAN ExAcquireResourceExclusiveLite(PERESOURCE Resource, BOOLEAN Wait)
{
    const char *api = "ExAcquireResourceExclusiveLite";
    ntsim_system *sys = checked(api, Resource, 0x37);
    ERESOURCE_THREAD me = current_owner(sys);
    if (Resource->ActiveEntries == 0) {
        become_sole_owner(Resource, me, true);
        return TRUE;
    }
    if (owned_exclusive(Resource) && Resource->OwnerEntry.OwnerThread == me) {
        Resource->OwnerEntry.OwnerCount++;
        return TRUE;
    }
    if (!Wait)
        return FALSE;
    if (!owned_exclusive(Resource) && find_entry(Resource, me))
        stop(api, "the thread owns the resource shared, and would wait for itself forever (a deadlock on Windows)");
    PKEVENT event = exclusive_waiters(Resource);
    Resource->NumberOfExclusiveWaiters++;
    wait_for_grant(Resource, event, api);
    Resource->OwnerEntry.OwnerThread = me;
    return TRUE;
}

BOOLEAN ExAcquireResourceSharedLite(PERESOURCE Resource, BOOLEAN Wait)
{
    const char *api = "ExAcquireResourceSharedLite";
    ntsim_system *sys = checked(api, Resource, 0x37);
    ERESOURCE_THREAD me = current_owner(sys);
    if (Resource->ActiveEntries == 0) {
        become_sole_owner(Resource, me, false);
        return TRUE;
    }
    if (owned_exclusive(Resource)) {
        if (Resource->OwnerEntry.OwnerThread == me) {
            Resource->OwnerEntry.OwnerCount++; /* one more exclusive hold */
            return TRUE;
        }
    } else {
        POWNER_ENTRY mine = find_entry(Resource, me);
        if (mine) {
            mine->OwnerCount++;
            return TRUE;
        }
        if (Resource->NumberOfExclusiveWaiters == 0) {
            POWNER_ENTRY e = Resource->OwnerEntry.OwnerThread ? free_table_entry(Resource) : &Resource->OwnerEntry;
            *e = (OWNER_ENTRY){ .OwnerThread = me, .OwnerCount = 1 };
            Resource->ActiveEntries++;
            return TRUE;
        }
    }
    if (!Wait)
        return FALSE;
    /* A waiter's entry is in the table: OwnerEntry stays free for an exclusive owner. */
    PKSEMAPHORE semaphore = shared_waiters(Resource);
    POWNER_ENTRY e = free_table_entry(Resource);
    *e = (OWNER_ENTRY){ .OwnerThread = me, .OwnerCount = 1 };
    Resource->NumberOfSharedWaiters++;
    wait_for_grant(Resource, semaphore, api);
    return TRUE;
}

static _Noreturn void not_owned(PERESOURCE r, ERESOURCE_THREAD t)
{
    ke_bug_check(RESOURCE_NOT_OWNED, (ULONG_PTR)(uintptr_t)r, t, (ULONG_PTR)(uintptr_t)r->OwnerTable, 0,
                 "a thread released a resource it does not own");
}

void ExReleaseResourceForThreadLite(PERESOURCE Resource, ERESOURCE_THREAD ResourceThreadId)
{
    checked("ExReleaseResourceForThreadLite", Resource, 0x38);
    PERESOURCE r = Resource;
    if (owned_exclusive(r)) {
        if (r->OwnerEntry.OwnerThread != ResourceThreadId)
            not_owned(r, ResourceThreadId);
        if (--r->OwnerEntry.OwnerCount)
            return;
        r->OwnerEntry.OwnerThread = 0;
        r->ActiveEntries = 0;
        if (r->NumberOfSharedWaiters) {
            hand_to_shared_waiters(r);
        } else if (r->NumberOfExclusiveWaiters) {
            hand_to_exclusive_waiter(r);
        } else {
            r->Flag &= (USHORT)~ResourceOwnedExclusive;
            r->ActiveCount = 0;
        }
        return;
    }
    POWNER_ENTRY e = r->ActiveEntries && ResourceThreadId ? find_entry(r, ResourceThreadId) : NULL;
    if (!e)
        not_owned(r, ResourceThreadId);
    if (--e->OwnerCount)
        return;
    e->OwnerThread = 0;
    if (--r->ActiveEntries)
        return;
    if (r->NumberOfExclusiveWaiters)
        hand_to_exclusive_waiter(r);
    else
        r->ActiveCount = 0;
}

void ExReleaseResourceLite(PERESOURCE Resource)
{
    ExReleaseResourceForThreadLite(Resource, current_owner(ke_current_system("ExReleaseResourceLite")));
}

BOOLEAN ExIsResourceAcquiredExclusiveLite(PERESOURCE Resource)
{
    ERESOURCE_THREAD me = current_owner(ke_current_system("ExIsResourceAcquiredExclusiveLite"));
    return owned_exclusive(Resource) && Resource->OwnerEntry.OwnerThread == me;
}

ULONG ExIsResourceAcquiredSharedLite(PERESOURCE Resource)
{
    ERESOURCE_THREAD me = current_owner(ke_current_system("ExIsResourceAcquiredSharedLite"));
    POWNER_ENTRY e = Resource->ActiveEntries ? find_entry(Resource, me) : NULL;
    return e ? e->OwnerCount : 0;
}

ULONG ExGetExclusiveWaiterCount(PERESOURCE Resource)
{
    return Resource->NumberOfExclusiveWaiters;
}

ULONG ExGetSharedWaiterCount(PERESOURCE Resource)
{
    return Resource->NumberOfSharedWaiters;
}

PVOID ExEnterCriticalRegionAndAcquireResourceExclusive(PERESOURCE Resource)
{
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(Resource, TRUE);
    return NULL; /* Windows returns the thread's Win32 thread, which drivers ignore */
}

PVOID ExEnterCriticalRegionAndAcquireResourceShared(PERESOURCE Resource)
{
    KeEnterCriticalRegion();
    ExAcquireResourceSharedLite(Resource, TRUE);
    return NULL;
}

void ExReleaseResourceAndLeaveCriticalRegion(PERESOURCE Resource)
{
    ExReleaseResourceLite(Resource);
    KeLeaveCriticalRegion();
}
