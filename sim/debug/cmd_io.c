/*
 * cmd_io.c - drivers, devices and I/O requests as WinDbg shows them: lm,
 * !drvobj, !devobj, !irp, !irpfind. A driver's routines are the host's
 * code: each is shown at its own place in the driver's image
 * (dbg_routine_address), as WinDbg shows a routine it has no symbol for.
 */
#include <inttypes.h>
#include <string.h>

#include "rtl/utf8.h"
#include "session.h"

static const char *const majors[IRP_MJ_MAXIMUM_FUNCTION + 1] = {
    "IRP_MJ_CREATE", "IRP_MJ_CREATE_NAMED_PIPE", "IRP_MJ_CLOSE", "IRP_MJ_READ", "IRP_MJ_WRITE",
    "IRP_MJ_QUERY_INFORMATION", "IRP_MJ_SET_INFORMATION", "IRP_MJ_QUERY_EA", "IRP_MJ_SET_EA",
    "IRP_MJ_FLUSH_BUFFERS", "IRP_MJ_QUERY_VOLUME_INFORMATION", "IRP_MJ_SET_VOLUME_INFORMATION",
    "IRP_MJ_DIRECTORY_CONTROL", "IRP_MJ_FILE_SYSTEM_CONTROL", "IRP_MJ_DEVICE_CONTROL",
    "IRP_MJ_INTERNAL_DEVICE_CONTROL", "IRP_MJ_SHUTDOWN", "IRP_MJ_LOCK_CONTROL", "IRP_MJ_CLEANUP",
    "IRP_MJ_CREATE_MAILSLOT", "IRP_MJ_QUERY_SECURITY", "IRP_MJ_SET_SECURITY", "IRP_MJ_POWER",
    "IRP_MJ_SYSTEM_CONTROL", "IRP_MJ_DEVICE_CHANGE", "IRP_MJ_QUERY_QUOTA", "IRP_MJ_SET_QUOTA", "IRP_MJ_PNP",
};

/* nt's routine for a major function a driver left empty. */
#define NT_INVALID_DEVICE_REQUEST (DBG_NT_BASE + 0x3c3a0)

struct lm_walk {
    sim_debugger *d;
};

static bool lm_image(void *context, const mm_vad_info *v)
{
    struct lm_walk *w = context;
    if (v->type != MEM_IMAGE || !v->detail)
        return true;
    char a[24], b[24], name[64];
    const char *base = strrchr(v->detail, '\\');
    snprintf(name, sizeof name, "%s", base ? base + 1 : v->detail);
    char *dot = strrchr(name, '.');
    if (dot)
        *dot = '\0';
    dbg_printf(w->d, "%s %s   %-10s (deferred)\n", dbg_p(v->start, a), dbg_p(v->end, b), name);
    return true;
}

void dbg_cmd_lm(sim_debugger *d, int argc, char **argv)
{
    (void)argc, (void)argv;
    if (dbg_no_system(d))
        return;
    char a[24], b[24];
    dbg_printf(d, "start             end                 module name\n");
    ps_process *p = dbg_current_process(d);
    if (p->vm) {
        struct lm_walk w = { d };
        mm_walk_vads(p->vm, lm_image, &w);
    }
    for (io_driver *drv = io_state(d->sys)->drivers; drv; drv = drv->next)
        dbg_printf(d, "%s %s   %-10s (deferred)\n", dbg_p(drv->image_base, a),
                   dbg_p(drv->image_base + drv->image_size, b), drv->name);
}

static void routine(sim_debugger *d, const io_driver *drv, const void *fn)
{
    char a[24];
    uint64_t at = dbg_routine_address(drv, fn);
    dbg_printf(d, "%s\t%s+0x%" PRIx64 "\n", dbg_p(at, a), drv->name, at - drv->image_base);
}

static io_driver *driver_arg(sim_debugger *d, const char *arg)
{
    io_driver *drv = dbg_find_driver_named(d, arg);
    uint64_t v;
    if (!drv && dbg_number(arg, &v))
        drv = dbg_find_driver(d, v);
    return drv;
}

void dbg_cmd_drvobj(sim_debugger *d, int argc, char **argv)
{
    if (dbg_no_system(d))
        return;
    if (argc < 2) {
        dbg_printf(d, "Usage: !drvobj NAME|ADDR [FLAGS]\n");
        return;
    }
    io_driver *drv = driver_arg(d, argv[1]);
    uint64_t flags = 1;
    if (argc >= 3 && !dbg_number(argv[2], &flags)) {
        dbg_printf(d, "Couldn't resolve error at '%s'\n", argv[2]);
        return;
    }
    if (!drv) {
        dbg_printf(d, "Driver object %s not found\n", argv[1]);
        return;
    }
    char a[24];
    dbg_printf(d, "Driver object (%s) is for:\n \\Driver\\%s\n\n", dbg_p(dbg_driver_address(d, drv), a), drv->name);
    dbg_printf(d, "Driver Extension List: (id , addr)\n\n");
    dbg_printf(d, "Device Object list:\n");
    for (DEVICE_OBJECT *dev = drv->object.DeviceObject; dev; dev = dev->NextDevice)
        dbg_printf(d, "%s  ", dbg_p(dbg_device_address(d, dev), a));
    dbg_printf(d, "\n");
    if (flags & 2) {
        dbg_printf(d, "\nDriverEntry:   ");
        routine(d, drv, (const void *)(uintptr_t)drv->entry);
        dbg_printf(d, "DriverStartIo: 00000000\t\nDriverUnload:  ");
        if (drv->object.DriverUnload)
            routine(d, drv, (const void *)(uintptr_t)drv->object.DriverUnload);
        else
            dbg_printf(d, "00000000\t\n");
        dbg_printf(d, "AddDevice:     00000000\t\n");
    }
    if (flags & 4) {
        dbg_printf(d, "\nDispatch routines:\n");
        for (int m = 0; m <= IRP_MJ_MAXIMUM_FUNCTION; m++) {
            dbg_printf(d, "[%02x] %-35s", m, majors[m]);
            const void *fn = (const void *)(uintptr_t)drv->object.MajorFunction[m];
            if (fn)
                routine(d, drv, fn);
            else
                dbg_printf(d, "%s\tnt!IopInvalidDeviceRequest\n", dbg_p(NT_INVALID_DEVICE_REQUEST, a));
        }
    }
}

static DEVICE_OBJECT *device_arg(sim_debugger *d, const char *arg)
{
    uint64_t v;
    if (dbg_number(arg, &v))
        return dbg_find_device(d, v);
    for (io_driver *drv = io_state(d->sys)->drivers; drv; drv = drv->next)
        for (DEVICE_OBJECT *dev = drv->object.DeviceObject; dev; dev = dev->NextDevice) {
            char name[256];
            rtl_utf16_to_utf8(dev->Name.Buffer, dev->Name.Length / sizeof(WCHAR), name, sizeof name);
            const char *leaf = strrchr(name, '\\');
            if (strcmp(name, arg) == 0 || (leaf && strcmp(leaf + 1, arg) == 0))
                return dev;
        }
    return NULL;
}

/* The request a device's dispatch routine is working on now, if any. */
static PIRP current_irp(sim_debugger *d, const DEVICE_OBJECT *dev)
{
    PIRP irps[IO_TRACKED_IRPS];
    ULONG tids[IO_TRACKED_IRPS];
    ULONG n = dbg_irps(d, irps, tids, IO_TRACKED_IRPS);
    for (ULONG i = n; i-- > 0;)
        if (irps[i]->Stack.DeviceObject == dev && irps[i]->Sequence)
            return irps[i];
    return NULL;
}

void dbg_cmd_devobj(sim_debugger *d, int argc, char **argv)
{
    if (dbg_no_system(d))
        return;
    if (argc < 2) {
        dbg_printf(d, "Usage: !devobj NAME|ADDR\n");
        return;
    }
    DEVICE_OBJECT *dev = device_arg(d, argv[1]);
    if (!dev) {
        dbg_printf(d, "%s: Could not read device object or _DEVICE_OBJECT not found\n", argv[1]);
        return;
    }
    io_driver *drv = dev->DriverObject->Internal;
    char a[24], b[24], name[256];
    rtl_utf16_to_utf8(dev->Name.Buffer, dev->Name.Length / sizeof(WCHAR), name, sizeof name);
    const char *leaf = strrchr(name, '\\');
    uint64_t at = dbg_device_address(d, dev);
    dbg_printf(d, "Device object (%s) is for:\n %s \\Driver\\%s DriverObject %s\n", dbg_p(at, a), leaf ? leaf + 1 : name,
               drv->name, dbg_p(dbg_driver_address(d, drv), b));
    PIRP irp = current_irp(d, dev);
    dbg_printf(d, "Current Irp %s RefCount 0 Type %08x Flags %08x\n", irp ? dbg_p(dbg_irp_address(d, irp), a) : "00000000",
               (unsigned)dev->DeviceType, (unsigned)dev->Flags);
    if (dev->DeviceExtension)
        dbg_printf(d, "DevExt %s DevObjExt %s\n", dbg_p(at + 0x150, a), dbg_p(at + 0x1b8, b));
    dbg_printf(d, "Characteristics (0000000000)\n");
    dbg_printf(d, "Device queue is %s.\n", irp ? "busy" : "not busy");
}

static PIRP irp_at(sim_debugger *d, uint64_t address, ULONG *tid)
{
    PIRP irps[IO_TRACKED_IRPS];
    ULONG tids[IO_TRACKED_IRPS];
    ULONG n = dbg_irps(d, irps, tids, IO_TRACKED_IRPS);
    for (ULONG i = 0; i < n; i++)
        if (irps[i]->Sequence && dbg_irp_address(d, irps[i]) == address) {
            *tid = tids[i];
            return irps[i];
        }
    return NULL;
}

static uint64_t thread_address(sim_debugger *d, ULONG tid)
{
    ps_thread *t = tid ? ps_lookup_thread(d->sys, tid) : NULL;
    return t ? dbg_thread_address(d, t) : 0;
}

void dbg_cmd_irp(sim_debugger *d, int argc, char **argv)
{
    if (dbg_no_system(d))
        return;
    uint64_t v;
    ULONG tid = 0;
    PIRP irp = argc >= 2 && dbg_number(argv[1], &v) ? irp_at(d, v, &tid) : NULL;
    if (!irp) {
        dbg_printf(d, "IRP %s not found: not a request in flight (!irpfind lists them)\n", argc >= 2 ? argv[1] : "");
        return;
    }
    char a[24], b[24];
    IO_STACK_LOCATION *s = &irp->Stack;
    const DEVICE_OBJECT *dev = s->DeviceObject;
    const io_driver *drv = dev ? dev->DriverObject->Internal : NULL;
    dbg_printf(d, "Irp is active with 1 stacks 1 is current (= %s)\n", dbg_p(v + 0xb8, a));
    if (irp->MdlAddress)
        dbg_printf(d, " Mdl=%s: ", dbg_p(v + 0x300, a));
    else if (irp->AssociatedIrp.SystemBuffer)
        dbg_printf(d, " No Mdl: System buffer=%s: ", dbg_p(v + 0x400, a));
    else
        dbg_printf(d, " No Mdl: ");
    dbg_printf(d, "Thread %s:  Irp stack trace.  %s\n", dbg_p(thread_address(d, tid), b),
               irp->PendingReturned ? "Pending has been returned" : "");
    dbg_printf(d, "     cmd  flg cl Device   File     Completion-Context\n");
    dbg_printf(d, ">[%s(%x), N/A(0)]\n", s->MajorFunction <= IRP_MJ_MAXIMUM_FUNCTION ? majors[s->MajorFunction] : "?",
               s->MajorFunction);
    dbg_printf(d, "            0  %s %s %s 00000000-00000000    \n", irp->PendingReturned ? "1" : "0",
               dev ? dbg_p(dbg_device_address(d, dev), a) : "00000000",
               s->FileObject ? "(file)" : "00000000");
    if (drv)
        dbg_printf(d, "\t       \\Driver\\%s\n", drv->name);
    if (s->MajorFunction == IRP_MJ_DEVICE_CONTROL)
        dbg_printf(d, "\t\t\tArgs: %08x %08x %#x %08x\n", (unsigned)s->Parameters.DeviceIoControl.OutputBufferLength,
                   (unsigned)s->Parameters.DeviceIoControl.InputBufferLength,
                   (unsigned)s->Parameters.DeviceIoControl.IoControlCode, 0u);
    else if (s->MajorFunction == IRP_MJ_READ)
        dbg_printf(d, "\t\t\tArgs: %08x 00000000 00000000 00000000\n", (unsigned)s->Parameters.Read.Length);
    else if (s->MajorFunction == IRP_MJ_WRITE)
        dbg_printf(d, "\t\t\tArgs: %08x 00000000 00000000 00000000\n", (unsigned)s->Parameters.Write.Length);
    else
        dbg_printf(d, "\t\t\tArgs: 00000000 00000000 00000000 00000000\n");
}

void dbg_cmd_irpfind(sim_debugger *d, int argc, char **argv)
{
    (void)argc, (void)argv;
    if (dbg_no_system(d))
        return;
    PIRP irps[IO_TRACKED_IRPS];
    ULONG tids[IO_TRACKED_IRPS];
    ULONG n = dbg_irps(d, irps, tids, IO_TRACKED_IRPS);
    dbg_printf(d, "Scanning the requests in flight\n\n");
    dbg_printf(d, "  Irp    [ Thread ] irpStack: (Mj,Mn)   DevObj  [Driver]         MDL Process\n");
    for (ULONG i = 0; i < n; i++) {
        PIRP irp = irps[i];
        if (!irp->Sequence)
            continue; /* built, not sent yet */
        char a[24], b[24], c[24];
        const DEVICE_OBJECT *dev = irp->Stack.DeviceObject;
        ps_thread *t = tids[i] ? ps_lookup_thread(d->sys, tids[i]) : NULL;
        dbg_printf(d, "%s [%s] irpStack: (%2x, 0)  %s [ \\Driver\\%s] %s\n", dbg_p(dbg_irp_address(d, irp), a),
                   t ? dbg_p(dbg_thread_address(d, t), b) : "0000000000000000", irp->Stack.MajorFunction,
                   dev ? dbg_p(dbg_device_address(d, dev), c) : "0000000000000000",
                   dev ? ((const io_driver *)dev->DriverObject->Internal)->name : "?",
                   t && t->process->image_name ? t->process->image_name : "System");
    }
}
