/*
 * notify.c - process, thread and image-load notifications: the kernel's own
 * event record first (what it delivers), then every registered driver
 * routine in slot order, each called in the context Windows calls it in.
 */
#include <stdlib.h>
#include <string.h>

#include "ke/context.h"
#include "ps/notify.h"
#include "ps/ps.h"
#include "rtl/alloc.h"
#include "rtl/utf8.h"

/* ---- registration --------------------------------------------------------- */

static ULONG limit(ntsim_system *sys)
{
    /* PSP_MAX_*_NOTIFY: 64 on x64 (8 before the 2014 updates, and on x86). */
    return ke_state(sys)->config.arch == NTSIM_ARCH_X64 ? NTSIM_MAX_NOTIFY_ROUTINES : NTSIM_MAX_NOTIFY_ROUTINES_X86;
}

static int find(ps_notify_slot *slots, ULONG n, void *routine)
{
    for (ULONG i = 0; i < n; i++)
        if (slots[i].routine == routine)
            return (int)i;
    return -1;
}

static ULONG end_of(const ps_notify_slot *slots)
{
    ULONG end = PS_MAX_NOTIFY;
    while (end && !slots[end - 1].routine)
        end--;
    return end;
}

/* After any change of registrations. */
static void recount(ps_notify *n)
{
    n->process_end = end_of(n->process);
    n->thread_end = end_of(n->thread);
    n->image_end = end_of(n->image);
}

/* The first free slot, as PspSetCreate*NotifyRoutine takes it. */
static int add(ntsim_system *sys, ps_notify_slot *slots, void *routine, bool ex)
{
    for (ULONG i = 0; i < limit(sys); i++) {
        if (!slots[i].routine) {
            slots[i] = (ps_notify_slot){ routine, ke_current_driver(), ke_current_image(), ex };
            recount(&ps_state(sys)->notify);
            return (int)i;
        }
    }
    return -1;
}

static NTSTATUS remove_routine(ntsim_system *sys, ps_notify_slot *slots, void *routine)
{
    int i = find(slots, limit(sys), routine);
    if (i < 0)
        return STATUS_PROCEDURE_NOT_FOUND;
    slots[i] = (ps_notify_slot){ 0 };
    recount(&ps_state(sys)->notify);
    return STATUS_SUCCESS;
}

NTSTATUS PsSetCreateProcessNotifyRoutineEx(PCREATE_PROCESS_NOTIFY_ROUTINE_EX NotifyRoutine, BOOLEAN Remove)
{
    ntsim_system *sys = ke_current_system("PsSetCreateProcessNotifyRoutineEx");
    ps_notify_slot *slots = ps_state(sys)->notify.process;
    if (Remove)
        return remove_routine(sys, slots, (void *)NotifyRoutine);
    if (!NotifyRoutine || find(slots, limit(sys), (void *)NotifyRoutine) >= 0)
        return STATUS_INVALID_PARAMETER;
    return add(sys, slots, (void *)NotifyRoutine, true) >= 0 ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

NTSTATUS PsSetCreateThreadNotifyRoutine(PCREATE_THREAD_NOTIFY_ROUTINE NotifyRoutine)
{
    ntsim_system *sys = ke_current_system("PsSetCreateThreadNotifyRoutine");
    if (!NotifyRoutine)
        return STATUS_INVALID_PARAMETER;
    return add(sys, ps_state(sys)->notify.thread, (void *)NotifyRoutine, false) >= 0 ? STATUS_SUCCESS
                                                                          : STATUS_INSUFFICIENT_RESOURCES;
}

NTSTATUS PsSetCreateThreadNotifyRoutineEx(PSCREATETHREADNOTIFYTYPE NotifyType, PVOID NotifyInformation)
{
    ntsim_system *sys = ke_current_system("PsSetCreateThreadNotifyRoutineEx");
    if (NotifyType != PsCreateThreadNotifyNonSystem || !NotifyInformation)
        return STATUS_INVALID_PARAMETER;
    return add(sys, ps_state(sys)->notify.thread, NotifyInformation, true) >= 0 ? STATUS_SUCCESS
                                                                       : STATUS_INSUFFICIENT_RESOURCES;
}

NTSTATUS PsRemoveCreateThreadNotifyRoutine(PCREATE_THREAD_NOTIFY_ROUTINE NotifyRoutine)
{
    ntsim_system *sys = ke_current_system("PsRemoveCreateThreadNotifyRoutine");
    return remove_routine(sys, ps_state(sys)->notify.thread, (void *)NotifyRoutine);
}

NTSTATUS PsSetLoadImageNotifyRoutine(PLOAD_IMAGE_NOTIFY_ROUTINE NotifyRoutine)
{
    ntsim_system *sys = ke_current_system("PsSetLoadImageNotifyRoutine");
    if (!NotifyRoutine)
        return STATUS_INVALID_PARAMETER;
    return add(sys, ps_state(sys)->notify.image, (void *)NotifyRoutine, false) >= 0 ? STATUS_SUCCESS
                                                                         : STATUS_INSUFFICIENT_RESOURCES;
}

NTSTATUS PsSetLoadImageNotifyRoutineEx(PLOAD_IMAGE_NOTIFY_ROUTINE NotifyRoutine, ULONG_PTR Flags)
{
    (void)Flags;
    return PsSetLoadImageNotifyRoutine(NotifyRoutine);
}

NTSTATUS PsRemoveLoadImageNotifyRoutine(PLOAD_IMAGE_NOTIFY_ROUTINE NotifyRoutine)
{
    ntsim_system *sys = ke_current_system("PsRemoveLoadImageNotifyRoutine");
    return remove_routine(sys, ps_state(sys)->notify.image, (void *)NotifyRoutine);
}

void ps_notify_unregister_driver(ntsim_system *sys, io_driver *driver)
{
    /* A driver must remove its routines before unloading; ntsim forgets any it left. */
    ps_notify_slot *all[] = { ps_state(sys)->notify.process, ps_state(sys)->notify.thread, ps_state(sys)->notify.image };
    for (int k = 0; k < 3; k++)
        for (ULONG i = 0; i < PS_MAX_NOTIFY; i++)
            if (all[k][i].routine && all[k][i].driver == driver)
                all[k][i] = (ps_notify_slot){ 0 };
    recount(&ps_state(sys)->notify);
}

/* ---- delivery -------------------------------------------------------------- */

NTSTATUS ps_unicode_init(ps_unicode *u, const char *s)
{
    size_t n = strlen(s), cap = sizeof u->space / sizeof u->space[0];
    WCHAR *w = n < cap ? u->space : rtl_malloc((n + 1) * sizeof *w);
    if (!w)
        return STATUS_INSUFFICIENT_RESOURCES;
    size_t k = rtl_utf8_to_utf16(s, n, w);
    w[k] = 0;
    u->string.Buffer = w;
    u->string.Length = (USHORT)(k * sizeof(WCHAR) > 0xFFFE ? 0xFFFE : k * sizeof(WCHAR));
    u->string.MaximumLength = u->string.Length;
    return STATUS_SUCCESS;
}

void ps_unicode_free(ps_unicode *u)
{
    if (u->string.Buffer != u->space)
        rtl_free(u->string.Buffer);
    u->string.Buffer = NULL;
}

/* Runs routines with `context` as the current thread, restoring it after. */
static ps_thread *switch_to(ntsim_system *sys, ps_thread *context)
{
    ps_thread *saved = ps_current_thread(sys);
    ps_set_current_thread(sys, context);
    return saved;
}

NTSTATUS ps_notify_process_create(ntsim_system *sys, ps_process *p, ps_thread *creator, UNICODE_STRING *image,
                                  UNICODE_STRING *cmdline)
{
    ntsim_event e = {
        .kind = NTSIM_EVENT_PROCESS_CREATE, .pid = p->pid, .ppid = p->ppid,
        .creating_pid = creator->process->pid, .creating_tid = creator->tid,
        .image = p->image_path, .cmdline = p->command_line,
    };
    ke_deliver_event(sys, &e);
    PS_CREATE_NOTIFY_INFO info = {
        .Size = sizeof info,
        .ParentProcessId = ULongToHandle(p->ppid),
        .CreatingThreadId = { ULongToHandle(creator->process->pid), ULongToHandle(creator->tid) },
        .ImageFileName = image,
        .CommandLine = cmdline,
        .CreationStatus = STATUS_SUCCESS,
    };
    info.FileOpenNameAvailable = 1;
    ps_thread *saved = switch_to(sys, creator);
    for (ULONG i = 0; i < ps_state(sys)->notify.process_end && NT_SUCCESS(info.CreationStatus); i++) {
        ps_notify_slot *s = &ps_state(sys)->notify.process[i];
        if (s->routine)
            KE_CALL_ROUTINE(sys, s->driver, s->image, "process notify routine",
                            ((PCREATE_PROCESS_NOTIFY_ROUTINE_EX)s->routine)(p, ULongToHandle(p->pid), &info));
    }
    ps_set_current_thread(sys, saved);
    return info.CreationStatus;
}

void ps_notify_process_exit(ntsim_system *sys, ps_process *p, ps_thread *last)
{
    ntsim_event e = { .kind = NTSIM_EVENT_PROCESS_EXIT, .pid = p->pid, .exit_code = (ULONG)p->exit_status };
    ke_deliver_event(sys, &e);
    ps_thread *saved = switch_to(sys, last);
    for (ULONG i = 0; i < ps_state(sys)->notify.process_end; i++) {
        ps_notify_slot *s = &ps_state(sys)->notify.process[i];
        if (s->routine)
            KE_CALL_ROUTINE(sys, s->driver, s->image, "process notify routine",
                            ((PCREATE_PROCESS_NOTIFY_ROUTINE_EX)s->routine)(p, ULongToHandle(p->pid), NULL));
    }
    ps_set_current_thread(sys, saved);
}

static void call_thread_routines(ntsim_system *sys, ps_thread *t, bool create, ps_thread *plain_context)
{
    for (ULONG i = 0; i < ps_state(sys)->notify.thread_end; i++) {
        ps_notify_slot *s = &ps_state(sys)->notify.thread[i];
        if (!s->routine)
            continue;
        /* The Ex (non-system) form runs on the new thread and skips system threads. */
        if (s->ex && create && t->process == ps_state(sys)->system_process)
            continue;
        ps_thread *saved = switch_to(sys, s->ex || !create ? t : plain_context);
        KE_CALL_ROUTINE(sys, s->driver, s->image, "thread notify routine",
                ((PCREATE_THREAD_NOTIFY_ROUTINE)s->routine)(ULongToHandle(t->process->pid), ULongToHandle(t->tid),
                                                            create));
        ps_set_current_thread(sys, saved);
    }
}

void ps_notify_thread_create(ntsim_system *sys, ps_thread *t, ps_thread *creator)
{
    ntsim_event e = {
        .kind = NTSIM_EVENT_THREAD_CREATE, .pid = t->process->pid, .tid = t->tid,
        .creating_pid = creator->process->pid, .creating_tid = creator->tid, .base = t->start_address,
    };
    ke_deliver_event(sys, &e);
    call_thread_routines(sys, t, true, creator);
}

void ps_notify_thread_exit(ntsim_system *sys, ps_thread *t)
{
    ntsim_event e = { .kind = NTSIM_EVENT_THREAD_EXIT, .pid = t->process->pid, .tid = t->tid,
                      .exit_code = (ULONG)t->exit_status };
    ke_deliver_event(sys, &e);
    call_thread_routines(sys, t, false, t);
}

void ps_notify_image_load(ntsim_system *sys, ULONG pid, const char *nt_path, UNICODE_STRING *name, ULONG_PTR base,
                          SIZE_T size, bool partial, ps_thread *context)
{
    ntsim_event e = { .kind = NTSIM_EVENT_IMAGE_LOAD, .pid = pid, .image = nt_path, .base = base, .size = size };
    ke_deliver_event(sys, &e);
    /* The image's file, as the routine's IMAGE_INFO_EX shows it (the name only: it is read, not opened). */
    FILE_OBJECT file = { .Type = IO_TYPE_FILE, .Size = sizeof file, .FileName = *name };
    IMAGE_INFO_EX ex = { .Size = sizeof ex, .FileObject = &file };
    IMAGE_INFO *info = &ex.ImageInfo;
    info->ImageBase = (PVOID)(uintptr_t)base;
    info->ImageSize = size;
    info->SystemModeImage = pid == 0;
    info->ImageAddressingMode = IMAGE_ADDRESSING_MODE_32BIT; /* "always", even on x64 */
    info->ExtendedInfoPresent = 1;
    info->ImagePartialMap = partial;
    ps_thread *saved = switch_to(sys, context);
    for (ULONG i = 0; i < ps_state(sys)->notify.image_end; i++) {
        ps_notify_slot *s = &ps_state(sys)->notify.image[i];
        if (s->routine)
            KE_CALL_ROUTINE(sys, s->driver, s->image, "image notify routine", ((PLOAD_IMAGE_NOTIFY_ROUTINE)s->routine)(name, ULongToHandle(pid), info));
    }
    ps_set_current_thread(sys, saved);
}
