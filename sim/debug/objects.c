/*
 * objects.c - from ntsim's objects to their kernel addresses and back
 * (addresses.c chooses them), and what several commands share about them.
 */
#include <string.h>
#include <strings.h>

#include "ex/ex.h"
#include "session.h"

uint64_t dbg_process_address(const sim_debugger *d, const ps_process *p)
{
    return dbg_address(d, K_PROCESS, p->sequence);
}

uint64_t dbg_thread_address(const sim_debugger *d, const ps_thread *t)
{
    return dbg_address(d, K_THREAD, t->sequence);
}

uint64_t dbg_driver_address(const sim_debugger *d, const io_driver *drv)
{
    return dbg_address(d, K_DRIVER, drv->sequence);
}

/* A device's number within its driver: its place counted from the first
   created (the list holds the newest first). */
static uint64_t device_index(const DEVICE_OBJECT *dev)
{
    uint64_t after = 0;
    for (const DEVICE_OBJECT *x = dev->NextDevice; x; x = x->NextDevice)
        after++;
    return after;
}

uint64_t dbg_device_address(const sim_debugger *d, const DEVICE_OBJECT *dev)
{
    const io_driver *drv = dev->DriverObject->Internal;
    return dbg_address(d, K_DEVICE, drv->sequence * 256 + device_index(dev));
}

uint64_t dbg_object_address(const sim_debugger *d, const ob_header *h)
{
    if (h->type == &ps_process_type)
        return dbg_process_address(d, (const ps_process *)h);
    if (h->type == &ps_thread_type)
        return dbg_thread_address(d, (const ps_thread *)h);
    if (h->type == &io_file_type)
        return dbg_address(d, K_FILE, ((const io_file *)h)->sequence);
    if (ex_is_event(h))
        return dbg_address(d, K_EVENT, ex_event_sequence(h));
    if (h->type == &se_token_type)
        return dbg_token_address(d, (const se_token *)h);
    return 0;
}

uint64_t dbg_token_address(const sim_debugger *d, const se_token *t)
{
    return dbg_address(d, K_TOKEN, t->token_id.LowPart);
}

se_token *dbg_find_token(sim_debugger *d, uint64_t address)
{
    dbg_kind k;
    uint64_t id;
    if (!d->sys || !dbg_decode(d, address, &k, &id) || k != K_TOKEN)
        return NULL;
    LIST_ENTRY *tokens = &se_state(d->sys)->tokens;
    for (LIST_ENTRY *e = tokens->Flink; e != tokens; e = e->Flink) {
        se_token *t = CONTAINING_RECORD(e, se_token, links);
        if (t->token_id.LowPart == id)
            return t;
    }
    return NULL;
}

ps_process *dbg_find_process(sim_debugger *d, uint64_t address)
{
    dbg_kind k;
    uint64_t seq;
    if (!d->sys || !dbg_decode(d, address, &k, &seq) || k != K_PROCESS)
        return NULL;
    for (ps_process *p = ps_first_process(d->sys); p; p = ps_next_process(d->sys, p))
        if (p->sequence == seq)
            return p;
    return NULL;
}

ps_thread *dbg_find_thread(sim_debugger *d, uint64_t address)
{
    dbg_kind k;
    uint64_t seq;
    if (!d->sys || !dbg_decode(d, address, &k, &seq) || k != K_THREAD)
        return NULL;
    for (ps_process *p = ps_first_process(d->sys); p; p = ps_next_process(d->sys, p))
        for (ps_thread *t = ps_first_thread(p); t; t = ps_next_thread(t))
            if (t->sequence == seq)
                return t;
    return NULL;
}

io_driver *dbg_find_driver(sim_debugger *d, uint64_t address)
{
    for (io_driver *drv = d->sys ? io_state(d->sys)->drivers : NULL; drv; drv = drv->next)
        if (dbg_driver_address(d, drv) == address)
            return drv;
    return NULL;
}

io_driver *dbg_find_driver_named(sim_debugger *d, const char *name)
{
    if (strncasecmp(name, "\\Driver\\", 8) == 0)
        name += 8;
    for (io_driver *drv = d->sys ? io_state(d->sys)->drivers : NULL; drv; drv = drv->next)
        if (strcasecmp(drv->name, name) == 0)
            return drv;
    return NULL;
}

DEVICE_OBJECT *dbg_find_device(sim_debugger *d, uint64_t address)
{
    for (io_driver *drv = d->sys ? io_state(d->sys)->drivers : NULL; drv; drv = drv->next)
        for (DEVICE_OBJECT *dev = drv->object.DeviceObject; dev; dev = dev->NextDevice)
            if (dbg_device_address(d, dev) == address)
                return dev;
    return NULL;
}

ob_header *dbg_find_object(sim_debugger *d, uint64_t address)
{
    ps_process *p = dbg_find_process(d, address);
    if (p)
        return &p->header;
    ps_thread *t = dbg_find_thread(d, address);
    if (t)
        return &t->header;
    if (!d->sys)
        return NULL;
    /* Files and events are found through the handles that hold them. */
    for (ps_process *q = ps_first_process(d->sys); q; q = ps_next_process(d->sys, q)) {
        for (uint32_t v = ob_handle_next(&q->handles, 0); v; v = ob_handle_next(&q->handles, v)) {
            ob_header *h = ob_handle_lookup(&q->handles, v)->object;
            if (h && dbg_object_address(d, h) == address)
                return h;
        }
    }
    return NULL;
}

ps_process *dbg_process_arg(sim_debugger *d, uint64_t value)
{
    if (value >> 32)
        return dbg_find_process(d, value);
    return ps_lookup_process(d->sys, (ULONG)value);
}

ps_process *dbg_current_process(sim_debugger *d)
{
    if (d->implicit_set) {
        ps_process *p = ps_lookup_process(d->sys, d->implicit_pid);
        if (p)
            return p;
    }
    return ps_current_process(d->sys);
}

ps_thread *dbg_current_thread(sim_debugger *d)
{
    return ps_current_thread(d->sys);
}

ULONG dbg_irps(sim_debugger *d, PIRP *irps, ULONG *tids, ULONG cap)
{
    ULONG n = io_active_irps(d->sys, irps, tids, cap);
    return n < cap ? n : cap;
}

uint64_t dbg_irp_address(const sim_debugger *d, const IRP *irp)
{
    return dbg_address(d, K_IRP, irp->Sequence);
}

const char *dbg_wait_reason(ULONG reason)
{
    switch (reason) {
    case 0: return "Executive";
    case 4: return "DelayExecution";
    case 5: return "Suspended";
    case 6: return "UserRequest";
    case 27: return "WrResource";
    default: return "Executive";
    }
}

const char *dbg_protect_name(ULONG protect, char buf[64])
{
    static const struct { ULONG bit; const char *name; } names[] = {
        { PAGE_NOACCESS, "NO_ACCESS" }, { PAGE_READONLY, "READONLY" }, { PAGE_READWRITE, "READWRITE" },
        { PAGE_WRITECOPY, "WRITECOPY" }, { PAGE_EXECUTE, "EXECUTE" }, { PAGE_EXECUTE_READ, "EXECUTE_READ" },
        { PAGE_EXECUTE_READWRITE, "EXECUTE_READWRITE" }, { PAGE_EXECUTE_WRITECOPY, "EXECUTE_WRITECOPY" },
    };
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if ((protect & 0xff) == names[i].bit)
            strcpy(buf, names[i].name);
    if (protect & PAGE_GUARD)
        strcat(buf, buf[0] ? "|GUARD" : "GUARD");
    if (protect & PAGE_NOCACHE)
        strcat(buf, buf[0] ? "|NOCACHE" : "NOCACHE");
    if (!buf[0])
        strcpy(buf, protect ? "?" : "NO_ACCESS");
    return buf;
}

/* Where a driver's routine is shown: ntsim's driver code is the host's, so
   each distinct routine gets its own place in the driver's image, in the
   order the driver object names them (DriverEntry first, then DriverUnload,
   then the dispatch routines by major function): image + 0x1000 + 0x100 x n. */
uint64_t dbg_routine_address(const io_driver *drv, const void *routine)
{
    const void *seen[IRP_MJ_MAXIMUM_FUNCTION + 3];
    size_t n = 0;
    const void *all[IRP_MJ_MAXIMUM_FUNCTION + 3];
    size_t count = 0;
    all[count++] = (const void *)(uintptr_t)drv->entry;
    all[count++] = (const void *)(uintptr_t)drv->object.DriverUnload;
    for (int m = 0; m <= IRP_MJ_MAXIMUM_FUNCTION; m++)
        all[count++] = (const void *)(uintptr_t)drv->object.MajorFunction[m];
    for (size_t i = 0; i < count; i++) {
        if (!all[i])
            continue;
        size_t j = 0;
        while (j < n && seen[j] != all[i])
            j++;
        if (j == n)
            seen[n++] = all[i];
        if (all[i] == routine)
            return drv->image_base + 0x1000 + 0x100 * j;
    }
    return 0;
}
