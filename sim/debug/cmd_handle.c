/*
 * cmd_handle.c - handle tables and the object namespace as WinDbg shows
 * them: !handle (a process's handles, each object with its type and
 * counts) and !object (the \Device and \Driver directories, an object by
 * its address). ntsim's namespace holds drivers and devices only.
 */
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "ex/ex.h"
#include "rtl/utf8.h"
#include "session.h"

static uint64_t type_address(const sim_debugger *d, const ob_type *t)
{
    return dbg_address(d, K_TYPE, t->index);
}

static void object_lines(sim_debugger *d, ob_header *h, const char *indent)
{
    char a[24], b[24];
    uint64_t addr = dbg_object_address(d, h);
    dbg_printf(d, "%sObject: %s  Type: (%s) %s\n", indent, dbg_p(addr, a), dbg_p(type_address(d, h->type), b),
               h->type->name);
    dbg_printf(d, "%s    ObjectHeader: %s (new version)\n", indent, dbg_p(addr - 0x30, a));
    dbg_printf(d, "%s        HandleCount: %" PRId64 "  PointerCount: %" PRId64 "\n", indent, h->handle_count,
               h->pointer_count);
}

/* What the object is, in a word: a process's image, a thread's CID, a file's device. */
static void object_name(sim_debugger *d, ob_header *h, const char *indent)
{
    if (h->type == &ps_process_type) {
        ps_process *p = (ps_process *)h;
        dbg_printf(d, "%s        Process %x: %s\n", indent, p->pid, p->image_name ? p->image_name : "System");
    } else if (h->type == &ps_thread_type) {
        ps_thread *t = (ps_thread *)h;
        dbg_printf(d, "%s        Thread Cid %04x.%04x\n", indent, t->process->pid, t->tid);
    } else if (h->type == &io_file_type) {
        io_file *f = (io_file *)h;
        if (f->object.DeviceObject) {
            char name[256];
            size_t n = rtl_utf16_to_utf8(f->object.DeviceObject->Name.Buffer,
                                         f->object.DeviceObject->Name.Length / sizeof(WCHAR), name, sizeof name - 1);
            name[n] = '\0';
            dbg_printf(d, "%s        Directory Object: 00000000  Name: %s {device}\n", indent, name);
        }
    }
}

static void handles_of(sim_debugger *d, ps_process *p, uint64_t only)
{
    char a[24];
    dbg_process_header(d, p);
    dbg_printf(d, "\nHandle table at %s with %u entries in use\n\n",
               dbg_p(dbg_address(d, K_HANDLE_TABLE, p->sequence), a), p->handles.count);
    for (uint32_t v = ob_handle_next(&p->handles, 0); v; v = ob_handle_next(&p->handles, v)) {
        if (only && v != only)
            continue;
        ob_handle_entry *e = ob_handle_lookup(&p->handles, v);
        ob_header *h = e->object;
        dbg_printf(d, "%04x: Object: %s  GrantedAccess: %08x Entry: %s\n", v, dbg_p(dbg_object_address(d, h), a),
                   (unsigned)e->access, dbg_p(dbg_address(d, K_HANDLE_TABLE, p->sequence) + 0x1000 + v * 4, a));
        object_lines(d, h, "");
        object_name(d, h, "");
        dbg_printf(d, "\n");
    }
}

/* !handle [HANDLE [FLAGS [PID|ADDR]]]: 0 for every handle; the current process by default. */
void dbg_cmd_handle(sim_debugger *d, int argc, char **argv)
{
    if (dbg_no_system(d))
        return;
    uint64_t handle = 0, flags = 0, which = 0;
    for (int i = 1; i < argc && i < 4; i++) {
        uint64_t *v = i == 1 ? &handle : i == 2 ? &flags : &which;
        if (!dbg_number(argv[i], v)) {
            dbg_printf(d, "Couldn't resolve error at '%s'\n", argv[i]);
            return;
        }
    }
    ps_process *p = argc >= 4 ? dbg_process_arg(d, which) : dbg_current_process(d);
    if (!p) {
        dbg_printf(d, "Unable to get process %s\n", argv[3]);
        return;
    }
    if (handle && !ob_handle_lookup(&p->handles, (uint32_t)handle)) {
        dbg_printf(d, "Handle %" PRIx64 " not found in process %x\n", handle, p->pid);
        return;
    }
    (void)flags;
    handles_of(d, p, handle);
}

static void utf8_name(const UNICODE_STRING *u, char *out, size_t cap)
{
    size_t n = rtl_utf16_to_utf8(u->Buffer, u->Length / sizeof(WCHAR), out, cap - 1);
    out[n] = '\0';
}

static void directory(sim_debugger *d, const char *name, uint64_t seq)
{
    char a[24], b[24];
    uint64_t addr = dbg_address(d, K_DIRECTORY, seq);
    dbg_printf(d, "Object: %s  Type: (%s) Directory\n", dbg_p(addr, a), dbg_p(dbg_address(d, K_TYPE, 3), b));
    dbg_printf(d, "    ObjectHeader: %s (new version)\n", dbg_p(addr - 0x30, a));
    dbg_printf(d, "    HandleCount: 0  PointerCount: 1\n");
    dbg_printf(d, "    Directory Object: %s  Name: %s\n\n", seq ? dbg_p(dbg_address(d, K_DIRECTORY, 0), a) : "00000000",
               name);
    dbg_printf(d, "    Hash Address          Type                      Name\n");
    dbg_printf(d, "    ---- -------          ----                      ----\n");
}

void dbg_cmd_object(sim_debugger *d, int argc, char **argv)
{
    if (dbg_no_system(d))
        return;
    if (argc < 2) {
        dbg_printf(d, "Usage: !object \\ | \\Device | \\Driver | ADDR\n");
        return;
    }
    const char *arg = argv[1];
    char a[24], name[256];
    if (strcmp(arg, "\\") == 0) {
        directory(d, "\\", 0);
        dbg_printf(d, "         %s Directory                 Device\n", dbg_p(dbg_address(d, K_DIRECTORY, 1), a));
        dbg_printf(d, "         %s Directory                 Driver\n", dbg_p(dbg_address(d, K_DIRECTORY, 2), a));
        return;
    }
    if (strcasecmp(arg, "\\Device") == 0) {
        directory(d, "Device", 1);
        for (io_driver *drv = io_state(d->sys)->drivers; drv; drv = drv->next)
            for (DEVICE_OBJECT *dev = drv->object.DeviceObject; dev; dev = dev->NextDevice) {
                utf8_name(&dev->Name, name, sizeof name);
                const char *leaf = strrchr(name, '\\');
                dbg_printf(d, "         %s Device                    %s\n", dbg_p(dbg_device_address(d, dev), a),
                           leaf ? leaf + 1 : name);
            }
        return;
    }
    if (strcasecmp(arg, "\\Driver") == 0) {
        directory(d, "Driver", 2);
        for (io_driver *drv = io_state(d->sys)->drivers; drv; drv = drv->next)
            dbg_printf(d, "         %s Driver                    %s\n", dbg_p(dbg_driver_address(d, drv), a), drv->name);
        return;
    }
    uint64_t v;
    if (!dbg_number(arg, &v)) {
        dbg_printf(d, "%s: not a directory ntsim has (\\, \\Device, \\Driver) nor an address\n", arg);
        return;
    }
    ob_header *h = dbg_find_object(d, v);
    if (h) {
        object_lines(d, h, "");
        object_name(d, h, "");
        return;
    }
    io_driver *drv = dbg_find_driver(d, v);
    DEVICE_OBJECT *dev = drv ? NULL : dbg_find_device(d, v);
    if (drv || dev) {
        char b[24];
        if (dev)
            utf8_name(&dev->Name, name, sizeof name);
        else
            snprintf(name, sizeof name, "\\Driver\\%s", drv->name);
        const char *leaf = strrchr(name, '\\');
        dbg_printf(d, "Object: %s  Type: (%s) %s\n", dbg_p(v, a), dbg_p(dbg_address(d, K_TYPE, drv ? 4 : 5), b),
                   drv ? "Driver" : "Device");
        dbg_printf(d, "    ObjectHeader: %s (new version)\n", dbg_p(v - 0x30, a));
        dbg_printf(d, "    HandleCount: 0  PointerCount: 1\n");
        dbg_printf(d, "    Directory Object: %s  Name: %s\n", dbg_p(dbg_address(d, K_DIRECTORY, drv ? 2 : 1), a),
                   leaf ? leaf + 1 : name);
        return;
    }
    dbg_printf(d, "%s: Not a valid object (ObjectType invalid)\n", arg);
}
