/*
 * sync.c - kernel32's events and waits: CreateEvent (an event object
 * through NtCreateEvent), SetEvent, ResetEvent (NtClearEvent, as kernel32
 * calls it), WaitForSingleObjectEx and WaitForMultipleObjects(Ex) through
 * the native waits. A program's thread blocks in a wait until it ends.
 */
#include <string.h>

#include "win32/kernel32.h"
#include "win32/win32.h"

/* A wait's timeout as the native calls take it: NULL for INFINITE, else relative. */
static const LONG64 *timeout_of(DWORD ms, LONG64 *relative)
{
    *relative = -(LONG64)((uint64_t)ms * 10000u);
    return ms == INFINITE ? NULL : relative;
}

/* A wait's status as the WAIT_ value it returns; WAIT_FAILED with the last error set. */
static DWORD wait_result(ntsim_system *sys, NTSTATUS s)
{
    if (!NT_SUCCESS(s)) {
        w32_fail(sys, s);
        return WAIT_FAILED;
    }
    return (DWORD)s; /* STATUS_WAIT_0 + i, STATUS_ABANDONED_WAIT_0 + i, STATUS_TIMEOUT: the WAIT_ values */
}

static HANDLE create_event(ntsim_system *sys, BOOL manual_reset, BOOL initial_state, const WCHAR *name)
{
    UNICODE_STRING us;
    OBJECT_ATTRIBUTES oa;
    if (name) {
        size_t n = 0;
        while (name[n])
            n++;
        us = (UNICODE_STRING){ (USHORT)(n * sizeof(WCHAR)), (USHORT)((n + 1) * sizeof(WCHAR)), (WCHAR *)name };
        InitializeObjectAttributes(&oa, &us, 0, NULL, NULL);
    }
    HANDLE h;
    NTSTATUS s = NtCreateEvent(sys, &h, EVENT_ALL_ACCESS, name ? &oa : NULL,
                               manual_reset ? NotificationEvent : SynchronizationEvent, initial_state != 0);
    if (!NT_SUCCESS(s)) {
        w32_fail(sys, s);
        return NULL;
    }
    w32_set_last_error(sys, 0); /* a new object: not ERROR_ALREADY_EXISTS */
    return h;
}

HANDLE CreateEventW(void *security, BOOL manual_reset, BOOL initial_state, const WCHAR *name)
{
    (void)security;
    return create_event(w32_system("CreateEventW"), manual_reset, initial_state, name);
}

HANDLE CreateEventA(void *security, BOOL manual_reset, BOOL initial_state, const char *name)
{
    (void)security;
    ntsim_system *sys = w32_system("CreateEventA");
    if (!name)
        return create_event(sys, manual_reset, initial_state, NULL);
    /* Named events are not modelled; the name's characters only need to reach the refusal. */
    WCHAR wide[MAX_EVENT_NAME];
    size_t n = 0;
    while (name[n] && n + 1 < MAX_EVENT_NAME) {
        wide[n] = (unsigned char)name[n];
        n++;
    }
    wide[n] = 0;
    return create_event(sys, manual_reset, initial_state, wide);
}

BOOL SetEvent(HANDLE event)
{
    ntsim_system *sys = w32_system("SetEvent");
    NTSTATUS s = NtSetEvent(sys, event, NULL);
    return NT_SUCCESS(s) ? 1 : w32_fail(sys, s);
}

BOOL ResetEvent(HANDLE event)
{
    ntsim_system *sys = w32_system("ResetEvent");
    NTSTATUS s = NtClearEvent(sys, event);
    return NT_SUCCESS(s) ? 1 : w32_fail(sys, s);
}

DWORD WaitForSingleObjectEx(HANDLE handle, DWORD ms, BOOL alertable)
{
    ntsim_system *sys = w32_system("WaitForSingleObjectEx");
    LONG64 relative;
    return wait_result(sys, NtWaitForSingleObject(sys, handle, alertable != 0, timeout_of(ms, &relative)));
}

DWORD WaitForSingleObject(HANDLE handle, DWORD ms)
{
    return WaitForSingleObjectEx(handle, ms, 0);
}

DWORD WaitForMultipleObjectsEx(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD ms, BOOL alertable)
{
    ntsim_system *sys = w32_system("WaitForMultipleObjectsEx");
    if (count > NTSIM_MAX_WAIT_OBJECTS) {
        w32_fail(sys, STATUS_INVALID_PARAMETER);
        return WAIT_FAILED;
    }
    LONG64 relative;
    return wait_result(sys, NtWaitForMultipleObjects(sys, count, handles, wait_all ? WaitAll : WaitAny,
                                                     alertable != 0, timeout_of(ms, &relative)));
}

DWORD WaitForMultipleObjects(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD ms)
{
    return WaitForMultipleObjectsEx(count, handles, wait_all, ms, 0);
}
