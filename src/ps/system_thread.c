/*
 * system_thread.c - threads drivers create (PsCreateSystemThread): kernel
 * threads with no user stack, in the System process or the one a handle
 * names, running a start routine on a fiber; and the object-by-handle
 * lookups drivers use (ObReferenceObjectByHandle).
 */
#include "ke/context.h"
#include "ke/ke.h"
#include "ntsim/wdk.h"
#include "ob/handles.h"
#include "ps/ps.h"

static POBJECT_TYPE process_type = &ps_process_type, thread_type = &ps_thread_type;
POBJECT_TYPE *PsProcessType = &process_type, *PsThreadType = &thread_type;

NTSTATUS PsCreateSystemThread(HANDLE *ThreadHandle, ULONG DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                              HANDLE ProcessHandle, PKCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine,
                              PVOID StartContext)
{
    ntsim_system *sys = ke_current_system("PsCreateSystemThread");
    ps_process *p = ps_state(sys)->system_process;
    ob_header *po = NULL;
    if (ThreadHandle)
        *ThreadHandle = NULL;
    if (!StartRoutine)
        return STATUS_INVALID_PARAMETER;
    if (ProcessHandle) {
        /* Kernel code may name any process: no access is needed. */
        KPROCESSOR_MODE saved = ps_current_thread(sys)->tcb.previous_mode;
        ps_current_thread(sys)->tcb.previous_mode = KernelMode;
        NTSTATUS s = ob_reference_by_handle(sys, ProcessHandle, 0, &ps_process_type, &po, NULL);
        ps_current_thread(sys)->tcb.previous_mode = saved;
        if (!NT_SUCCESS(s))
            return s;
        p = (ps_process *)po;
    }
    /* What may fail for want of memory comes first (the thread, its fiber, a
       place in the handle table): until the notification, a failure leaves
       nothing behind and nobody has seen the thread. */
    bool kernel_handle = ObjectAttributes && (ObjectAttributes->Attributes & OBJ_KERNEL_HANDLE);
    ob_handle_table *table = kernel_handle ? &ps_state(sys)->system_process->handles : &ps_current_process(sys)->handles;
    ps_thread *t;
    NTSTATUS s = ps_create_kernel_thread(sys, p, &t);
    if (NT_SUCCESS(s)) {
        s = ke_create_fiber(&t->tcb, StartRoutine, StartContext);
        if (NT_SUCCESS(s) && !ob_handle_reserve(table))
            s = STATUS_INSUFFICIENT_RESOURCES;
        if (!NT_SUCCESS(s))
            ps_discard_thread(sys, t);
    }
    if (NT_SUCCESS(s)) {
        ps_notify_thread_create(sys, t, ps_current_thread(sys));
        ULONG value = 0;
        s = ob_insert_handle(table, &t->header, ob_map_access(&ps_thread_type, DesiredAccess), &value);
        if (NT_SUCCESS(s) && ThreadHandle)
            *ThreadHandle = kernel_handle ? ob_kernel_handle(value) : (HANDLE)(uintptr_t)value;
        if (ClientId)
            *ClientId = (KCLIENT_ID){ ULongToHandle(p->pid), ULongToHandle(t->tid) };
        ps_start_kernel_thread(sys, t);
        /* The place a notify routine took meanwhile, and none to be had: the
           thread starts only to end, as PspCreateThread's dead thread. */
        if (!NT_SUCCESS(s))
            ps_terminate_thread(sys, t, s);
    }
    if (po)
        ob_dereference(sys, po);
    return s;
}

NTSTATUS PsTerminateSystemThread(NTSTATUS ExitStatus)
{
    ntsim_system *sys = ke_current_system("PsTerminateSystemThread");
    ps_thread *t = ps_current_thread(sys);
    if (!t->tcb.fiber)
        return STATUS_INVALID_PARAMETER; /* only a system thread may end itself this way */
    ps_terminate_thread(sys, t, ExitStatus);
    return STATUS_SUCCESS; /* not reached: the thread's code does not return */
}

NTSTATUS IoCreateSystemThread(PVOID IoObject, HANDLE *ThreadHandle, ULONG DesiredAccess,
                              POBJECT_ATTRIBUTES ObjectAttributes, HANDLE ProcessHandle, PKCLIENT_ID ClientId,
                              PKSTART_ROUTINE StartRoutine, PVOID StartContext)
{
    /* Windows also keeps IoObject referenced while the thread runs, so its
       driver cannot unload under it; ntsim's unload does not wait for
       threads either way: it ends those still in the driver's code. */
    if (!IoObject)
        return STATUS_INVALID_PARAMETER;
    return PsCreateSystemThread(ThreadHandle, DesiredAccess, ObjectAttributes, ProcessHandle, ClientId, StartRoutine,
                                StartContext);
}

PEPROCESS ntsim_initial_system_process(void)
{
    return ps_state(ke_current_system("PsInitialSystemProcess"))->system_process;
}

NTSTATUS ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                                   KPROCESSOR_MODE AccessMode, PVOID *Object, PVOID HandleInformation)
{
    (void)HandleInformation;
    ntsim_system *sys = ke_current_system("ObReferenceObjectByHandle");
    /* AccessMode KernelMode: kernel handles allowed, no access check. */
    KPROCESSOR_MODE saved = ps_current_thread(sys)->tcb.previous_mode;
    ps_current_thread(sys)->tcb.previous_mode = AccessMode;
    ob_header *o;
    NTSTATUS s = ob_reference_by_handle(sys, Handle, AccessMode == KernelMode ? 0 : DesiredAccess, ObjectType, &o,
                                        NULL);
    ps_current_thread(sys)->tcb.previous_mode = saved;
    *Object = NT_SUCCESS(s) ? ob_body(o) : NULL;
    return s;
}
