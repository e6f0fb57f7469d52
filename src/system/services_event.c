/*
 * services_event.c - the event services: NtCreateEvent, NtSetEvent,
 * NtClearEvent and NtResetEvent, their arguments captured from the caller,
 * the objects ex's (src/ex/event.c). Setting and clearing need
 * EVENT_MODIFY_STATE, as on Windows.
 */
#include <string.h>

#include "ob/handles.h"
#include "system/service_table.h"
#include "system/system.h"
#include "system/user_buffer.h"

NTSTATUS sys_svc_create_event(ntsim_system *sys, const ULONG64 *a)
{
    NTSTATUS s = sys_probe_out(sys, a[0], 8, 8);
    if (!NT_SUCCESS(s))
        return s;
    if (a[2]) {
        unsigned char oa[48];
        ULONG64 name;
        if (!NT_SUCCESS(s = sys_in(sys, a[2], oa, sizeof oa, 8)))
            return s;
        memcpy(&name, oa + 16, 8);
        if (name)
            return STATUS_NOT_SUPPORTED; /* no object namespace: named events are not modelled */
    }
    ob_handle_table *table = &ps_current_process(sys)->handles;
    if (!ob_handle_reserve(table))
        return STATUS_INSUFFICIENT_RESOURCES;
    ob_header *event;
    s = ex_create_event(sys, (EVENT_TYPE)a[3], (BOOLEAN)a[4] != 0, &event);
    if (!NT_SUCCESS(s))
        return s;
    return sys_out_new_handle(sys, event, ob_map_access(&ex_event_type, (ACCESS_MASK)a[1]), a[0]);
}

/* The event a handle names, with EVENT_MODIFY_STATE. */
static NTSTATUS modifiable_event(ntsim_system *sys, ULONG64 handle, ob_header **event)
{
    return ob_reference_by_handle(sys, sys_handle(handle), EVENT_MODIFY_STATE, &ex_event_type, event, NULL);
}

/* NtSetEvent and NtResetEvent: the change, then the previous state if asked for. */
static NTSTATUS change_event(ntsim_system *sys, const ULONG64 *a, bool set)
{
    NTSTATUS s;
    if (a[1] && !NT_SUCCESS(s = sys_probe_out(sys, a[1], 4, 4)))
        return s;
    ob_header *event;
    if (!NT_SUCCESS(s = modifiable_event(sys, a[0], &event)))
        return s;
    LONG previous = set ? ex_set_event(sys, event) : ex_reset_event(event);
    ob_dereference(sys, event);
    return a[1] ? sys_out(sys, a[1], &previous, 4) : STATUS_SUCCESS;
}

NTSTATUS sys_svc_set_event(ntsim_system *sys, const ULONG64 *a)
{
    return change_event(sys, a, true);
}

NTSTATUS sys_svc_reset_event(ntsim_system *sys, const ULONG64 *a)
{
    return change_event(sys, a, false);
}

NTSTATUS sys_svc_clear_event(ntsim_system *sys, const ULONG64 *a)
{
    ob_header *event;
    NTSTATUS s = modifiable_event(sys, a[0], &event);
    if (!NT_SUCCESS(s))
        return s;
    ex_reset_event(event);
    ob_dereference(sys, event);
    return STATUS_SUCCESS;
}
