/* Exercise 02 - reference solution: counts processes per parent. */
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

static Parent *FindParent(ULONG parent_id)
{
    for (PLIST_ENTRY e = g_Globals.Parents.Flink; e != &g_Globals.Parents; e = e->Flink) {
        Parent *p = CONTAINING_RECORD(e, Parent, Link);
        if (p->ParentId == parent_id)
            return p;
    }
    return NULL;
}

static Child *FindChild(ULONG pid)
{
    for (PLIST_ENTRY e = g_Globals.Children.Flink; e != &g_Globals.Children; e = e->Flink) {
        Child *c = CONTAINING_RECORD(e, Child, Link);
        if (c->ProcessId == pid)
            return c;
    }
    return NULL;
}

static void OnCreate(ULONG pid, ULONG ppid)
{
    Parent *p = FindParent(ppid);
    if (!p) {
        p = ExAllocatePoolWithTag(PagedPool, sizeof *p, DRIVER_TAG);
        if (!p)
            return; /* out of pool: this child goes uncounted */
        p->ParentId = ppid;
        p->Created = p->Live = 0;
        InsertTailList(&g_Globals.Parents, &p->Link);
    }
    Child *c = ExAllocatePoolWithTag(PagedPool, sizeof *c, DRIVER_TAG);
    if (!c)
        return;
    c->ProcessId = pid;
    c->ParentId = ppid;
    InsertTailList(&g_Globals.Children, &c->Link);
    p->Created++;
    p->Live++;
}

static void OnExit(ULONG pid)
{
    Child *c = FindChild(pid);
    if (!c)
        return; /* created before the driver loaded */
    Parent *p = FindParent(c->ParentId);
    if (p && p->Live)
        p->Live--;
    RemoveEntryList(&c->Link);
    ExFreePool(c);
}

static void OnProcessNotify(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    ExAcquireFastMutex(&g_Globals.Lock);
    if (CreateInfo)
        OnCreate(HandleToULong(ProcessId), HandleToULong(CreateInfo->ParentProcessId));
    else
        OnExit(HandleToULong(ProcessId));
    ExReleaseFastMutex(&g_Globals.Lock);
}

static void FreeList(PLIST_ENTRY head)
{
    while (!IsListEmpty(head))
        ExFreePool(RemoveHeadList(head)); /* Link is each entry's first field */
}

static void ChildCounterUnload(PDRIVER_OBJECT DriverObject)
{
    PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, TRUE);
    FreeList(&g_Globals.Parents);
    FreeList(&g_Globals.Children);
}

NTSTATUS ChildCounterDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    InitializeListHead(&g_Globals.Parents);
    InitializeListHead(&g_Globals.Children);
    ExInitializeFastMutex(&g_Globals.Lock);
    NTSTATUS status = PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, FALSE);
    if (!NT_SUCCESS(status))
        return status;
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
