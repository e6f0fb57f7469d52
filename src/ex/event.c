/*
 * event.c - event objects (ExEventObjectType): what NtCreateEvent creates
 * and CreateEvent returns a handle to. The body is a KEVENT; here it is the
 * object header's dispatcher header, so a wait on the handle, and
 * KeSetEvent on the body, work as on any dispatcher object. Notification
 * events stay signaled until reset; synchronization events release one
 * waiter and reset themselves (ke/wait.c).
 */
#include "ex/ex.h"
#include "rtl/alloc.h"

typedef struct ex_event {
    ob_header header; /* its dispatch member is the KEVENT */
    LIST_ENTRY link;  /* the system's events (teardown) */
    uint64_t sequence; /* creation order (ex_system.event_sequence) */
} ex_event;

static void event_delete(ntsim_system *sys, ob_header *h)
{
    (void)sys;
    ex_event *e = (ex_event *)h;
    RemoveEntryList(&e->link);
    rtl_free(e);
}

static void event_describe(const ob_header *h, NTSIM_HANDLE_INFO *info, char *name, size_t size)
{
    (void)h;
    info->type = NTSIM_OBJECT_EVENT;
    if (size)
        name[0] = '\0'; /* unnamed: ntsim has no object namespace */
    info->object_name = name;
}

/* Index 16 in the Windows 10 type table ntsim follows (Process 7, Thread 8, File 37). */
const ob_type ex_event_type = {
    .name = "Event",
    .index = 16,
    .mapping = {
        .read = READ_CONTROL | EVENT_QUERY_STATE,
        .write = READ_CONTROL | EVENT_MODIFY_STATE,
        .execute = READ_CONTROL | SYNCHRONIZE,
        .all = EVENT_ALL_ACCESS,
    },
    .delete_procedure = event_delete,
    .describe = event_describe,
};

NTSTATUS ex_create_event(ntsim_system *sys, EVENT_TYPE type, bool signaled, ob_header **out)
{
    if (type != NotificationEvent && type != SynchronizationEvent)
        return STATUS_INVALID_PARAMETER;
    ex_event *e = rtl_zalloc(sizeof *e);
    if (!e)
        return STATUS_INSUFFICIENT_RESOURCES;
    ob_initialize_header(&e->header, &ex_event_type,
                         type == NotificationEvent ? EventNotificationObject : EventSynchronizationObject);
    e->header.dispatch.SignalState = signaled ? 1 : 0;
    e->sequence = ++ex_state(sys)->event_sequence;
    InsertTailList(&ex_state(sys)->events, &e->link);
    *out = &e->header;
    return STATUS_SUCCESS;
}

LONG ex_set_event(ntsim_system *sys, ob_header *event)
{
    DISPATCHER_HEADER *d = &event->dispatch;
    LONG previous = d->SignalState;
    d->SignalState = 1;
    ke_wait_test(sys, d, EVENT_INCREMENT);
    return previous;
}

LONG ex_reset_event(ob_header *event)
{
    LONG previous = event->dispatch.SignalState;
    event->dispatch.SignalState = 0;
    return previous;
}

void ex_free_events(ntsim_system *sys)
{
    LIST_ENTRY *head = &ex_state(sys)->events;
    while (!IsListEmpty(head))
        rtl_free(CONTAINING_RECORD(RemoveHeadList(head), ex_event, link));
}

uint64_t ex_event_handle_counts(ntsim_system *sys)
{
    uint64_t n = 0;
    const LIST_ENTRY *events = &ex_state(sys)->events;
    for (const LIST_ENTRY *e = events->Flink; e != events; e = e->Flink)
        n += (uint64_t)CONTAINING_RECORD(e, ex_event, link)->header.handle_count;
    return n;
}

uint64_t ex_event_sequence(const ob_header *event)
{
    return ((const ex_event *)event)->sequence;
}

bool ex_is_event(const ob_header *h)
{
    return h->type == &ex_event_type;
}
