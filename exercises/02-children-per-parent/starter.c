/*
 * Exercise 02 - count processes per parent. Read README.md, then write the
 * parts marked TODO(student). Grade yourself with the command in README.md.
 *
 * The driver keeps two lists in pool memory:
 *  - one Parent entry per parent PID: how many children it created, how many
 *    are still alive;
 *  - one Child entry per live process it saw created: its PID and its
 *    parent's, so that its exit (which tells only the PID) can be charged
 *    to the right parent.
 */
#include "exercise.h"

#define DRIVER_TAG 0x746E4343u /* "CCnt" */

typedef struct Parent {
    LIST_ENTRY Link;
    ULONG ParentId;
    ULONG Created;
    ULONG Live;
} Parent;

typedef struct Child {
    LIST_ENTRY Link;
    ULONG ProcessId;
    ULONG ParentId;
} Child;

static struct {
    LIST_ENTRY Parents;
    LIST_ENTRY Children;
    FAST_MUTEX Lock;
} g_Globals;

/* The entry of a parent, or NULL. */
static Parent *FindParent(ULONG parent_id)
{
    for (PLIST_ENTRY e = g_Globals.Parents.Flink; e != &g_Globals.Parents; e = e->Flink) {
        Parent *p = CONTAINING_RECORD(e, Parent, Link);
        if (p->ParentId == parent_id)
            return p;
    }
    return NULL;
}

static void OnProcessNotify(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    ExAcquireFastMutex(&g_Globals.Lock);
    if (CreateInfo) {
        /* TODO(student): a process is created. Its parent is
         * CreateInfo->ParentProcessId (HandleToULong turns a HANDLE into a
         * ULONG). Find or create (ExAllocatePoolWithTag(PagedPool, ...,
         * DRIVER_TAG), InsertTailList) the parent's entry, count the child
         * in Created and Live, and remember the child in g_Globals.Children. */
    } else {
        /* TODO(student): process ProcessId exits. If it is a child you
         * remember, take one from its parent's Live count, then unlink the
         * Child entry (RemoveEntryList) and free it (ExFreePool). A process
         * created before the driver loaded is not in the list: ignore it. */
    }
    ExReleaseFastMutex(&g_Globals.Lock);
}

static void ChildCounterUnload(PDRIVER_OBJECT DriverObject)
{
    /* TODO(student): remove the routine (PsSetCreateProcessNotifyRoutineEx
     * with Remove = TRUE), then free every entry of both lists. */
}

NTSTATUS ChildCounterDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    InitializeListHead(&g_Globals.Parents);
    InitializeListHead(&g_Globals.Children);
    ExInitializeFastMutex(&g_Globals.Lock);
    /* TODO(student): register OnProcessNotify and fail the load with its
     * status if that fails. */
    (void)OnProcessNotify; /* (silences "unused" until you register it) */
    DriverObject->DriverUnload = ChildCounterUnload;
    return STATUS_SUCCESS;
}

/*
 * The grader calls these two from outside the driver, between simulated
 * events, the way a debugger reads a driver's memory: no kernel function
 * may be called here (there is no current thread), and none is needed, since
 * no notification runs at the same time.
 */
ULONG ChildCounterCreated(ULONG parent_pid)
{
    Parent *p = FindParent(parent_pid);
    return p ? p->Created : 0;
}

ULONG ChildCounterLive(ULONG parent_pid)
{
    Parent *p = FindParent(parent_pid);
    return p ? p->Live : 0;
}
