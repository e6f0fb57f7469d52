/*
 * sysmon.c - the book's system monitor (SysMon, chapter 9): process, thread
 * and image-load notifications become items in a FIFO queue, which the
 * client drains with ReadFile and prints.
 *
 * Three parts, as the book's three files: the item layout both sides share
 * (SysMonCommon.h), the driver (SysMon.cpp), the client (SysMonClient.cpp).
 */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "rtl/alloc.h"

/* ==== SysMonCommon.h: the items on the wire ==================================
 * Laid out explicitly: every field fixed-width, every 64-bit field 8-aligned,
 * every padding byte a named field, so the sizes are the x64 sample's on any
 * host (the asserts below pin them down). */

typedef enum ItemType {
    ItemNone = 0,
    ProcessCreate = 1,
    ProcessExit = 2,
    ThreadCreate = 3,
    ThreadExit = 4,
    ImageLoad = 5,
} ItemType;

typedef struct ItemHeader {
    USHORT Type;        /* ItemType */
    USHORT Size;        /* the whole item, header included */
    ULONG Padding;      /* where x64 aligns Time; always 0 */
    LARGE_INTEGER Time; /* KeQuerySystemTimePrecise */
} ItemHeader;

typedef struct ProcessExitInfo {
    ItemHeader Header;
    ULONG ProcessId;
    ULONG ExitCode;
} ProcessExitInfo;

typedef struct ProcessCreateInfo {
    ItemHeader Header;
    ULONG ProcessId;
    ULONG ParentProcessId;
    ULONG CreatingProcessId;
    ULONG CreatingThreadId;
    USHORT CommandLineLength; /* in characters, no terminator */
    WCHAR CommandLine[3];     /* the characters start here and run on past the struct:
                                 the book's WCHAR[1] plus x64's tail padding */
} ProcessCreateInfo;

typedef struct ThreadCreateInfo {
    ItemHeader Header;
    ULONG ThreadId;
    ULONG ProcessId;
} ThreadCreateInfo;

typedef struct ThreadExitInfo {
    ItemHeader Header;
    ULONG ThreadId;
    ULONG ProcessId;
    ULONG ExitCode;
    ULONG Padding; /* x64 tail padding; always 0 */
} ThreadExitInfo;

enum { MaxImageFileSize = 300 };

typedef struct ImageLoadInfo {
    ItemHeader Header;
    ULONG ProcessId;
    ULONG ImageSize;
    ULONG64 LoadAddress;
    WCHAR ImageFileName[MaxImageFileSize + 1]; /* NUL-terminated NT path */
    WCHAR Padding[3];                          /* x64 tail padding; always 0 */
} ImageLoadInfo;

_Static_assert(sizeof(ItemHeader) == 16 && offsetof(ItemHeader, Time) == 8, "item header: 16 bytes");
_Static_assert(sizeof(ProcessExitInfo) == 24, "ProcessExit: 24 bytes");
_Static_assert(sizeof(ProcessCreateInfo) == 40 && offsetof(ProcessCreateInfo, CommandLine) == 34,
               "ProcessCreate: 40 bytes + 2 per character, characters at 34");
_Static_assert(sizeof(ThreadCreateInfo) == 24, "ThreadCreate: 24 bytes");
_Static_assert(sizeof(ThreadExitInfo) == 32, "ThreadExit: 32 bytes");
_Static_assert(sizeof(ImageLoadInfo) == 640 && offsetof(ImageLoadInfo, LoadAddress) == 24, "ImageLoad: 640 bytes");

/* The longest command line an item holds: its Size is 16-bit. */
enum { MaxCommandLine = (0xFFFF - sizeof(ProcessCreateInfo)) / sizeof(WCHAR) };

/* ==== SysMon.cpp: the driver ================================================== */

#define DRIVER_PREFIX "SysMon: "
#define DRIVER_TAG 0x4D737953u /* "SysM" */
#define DEFAULT_LIMIT 10000

/* An item as queued: the list link, then the item exactly as it goes on the wire. */
typedef struct FullItem {
    LIST_ENTRY Entry;
    ItemHeader Data; /* followed by the rest of the item (Data.Size bytes in all) */
} FullItem;

/*
 * The driver's globals, as the book's g_Globals. Built-in drivers share the
 * host process, so a driver is loaded in one simulated system at a time;
 * DriverEntry initializes everything, so a system torn down without
 * unloading leaves nothing behind that the next load would trust.
 */
typedef struct Globals {
    LIST_ENTRY ItemsHead; /* oldest first */
    ULONG ItemCount;
    ULONG ItemLimit;
    FAST_MUTEX Mutex;
} Globals;

static Globals g_Globals;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(u"\\Device\\SysMon");
static UNICODE_STRING SymLink = RTL_CONSTANT_STRING(u"\\??\\SysMon");

/* A new item of `size` bytes with its header filled in, or NULL (out of pool). */
static FullItem *AllocateItem(ItemType type, ULONG size)
{
    FullItem *item = ExAllocatePoolWithTag(PagedPool, offsetof(FullItem, Data) + size, DRIVER_TAG);
    if (!item) {
        DbgPrint(DRIVER_PREFIX "failed allocation\n");
        return NULL;
    }
    item->Data.Type = (USHORT)type;
    item->Data.Size = (USHORT)size;
    KeQuerySystemTimePrecise(&item->Data.Time);
    return item;
}

/* Queues an item; when the queue is full the oldest item goes, silently. */
static void PushItem(FullItem *item)
{
    ExAcquireFastMutex(&g_Globals.Mutex);
    if (g_Globals.ItemCount >= g_Globals.ItemLimit) {
        PLIST_ENTRY oldest = RemoveHeadList(&g_Globals.ItemsHead);
        g_Globals.ItemCount--;
        ExFreePool(CONTAINING_RECORD(oldest, FullItem, Entry));
    }
    InsertTailList(&g_Globals.ItemsHead, &item->Entry);
    g_Globals.ItemCount++;
    ExReleaseFastMutex(&g_Globals.Mutex);
}

static void OnProcessNotify(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    if (!CreateInfo) {
        /* Process exit: the exit code is already set. */
        FullItem *item = AllocateItem(ProcessExit, sizeof(ProcessExitInfo));
        if (!item)
            return;
        ProcessExitInfo *info = (ProcessExitInfo *)&item->Data;
        info->ProcessId = HandleToULong(ProcessId);
        info->ExitCode = (ULONG)PsGetProcessExitStatus(Process);
        PushItem(item);
        return;
    }
    /* Process create: the command line's characters follow the fixed part. */
    ULONG chars = 0;
    if (CreateInfo->CommandLine)
        chars = CreateInfo->CommandLine->Length / sizeof(WCHAR);
    if (chars > MaxCommandLine)
        chars = MaxCommandLine; /* the item's Size is 16-bit: keep what fits */
    FullItem *item = AllocateItem(ProcessCreate, sizeof(ProcessCreateInfo) + chars * sizeof(WCHAR));
    if (!item)
        return;
    ProcessCreateInfo *info = (ProcessCreateInfo *)&item->Data;
    info->ProcessId = HandleToULong(ProcessId);
    info->ParentProcessId = HandleToULong(CreateInfo->ParentProcessId);
    info->CreatingProcessId = HandleToULong(CreateInfo->CreatingThreadId.UniqueProcess);
    info->CreatingThreadId = HandleToULong(CreateInfo->CreatingThreadId.UniqueThread);
    info->CommandLineLength = (USHORT)chars;
    if (chars)
        memcpy((char *)info + offsetof(ProcessCreateInfo, CommandLine), CreateInfo->CommandLine->Buffer,
               chars * sizeof(WCHAR));
    PushItem(item);
}

/* The plain thread routine: creation runs in the creator's context, exit on the exiting thread. */
static void OnThreadNotify(HANDLE ProcessId, HANDLE ThreadId, BOOLEAN Create)
{
    if (Create) {
        FullItem *item = AllocateItem(ThreadCreate, sizeof(ThreadCreateInfo));
        if (!item)
            return;
        ThreadCreateInfo *info = (ThreadCreateInfo *)&item->Data;
        info->ThreadId = HandleToULong(ThreadId);
        info->ProcessId = HandleToULong(ProcessId);
        PushItem(item);
        return;
    }
    FullItem *item = AllocateItem(ThreadExit, sizeof(ThreadExitInfo));
    if (!item)
        return;
    ThreadExitInfo *info = (ThreadExitInfo *)&item->Data;
    info->ThreadId = HandleToULong(ThreadId);
    info->ProcessId = HandleToULong(ProcessId);
    /* The exit code needs the thread object; 0 if it can no longer be found. */
    PETHREAD thread;
    if (NT_SUCCESS(PsLookupThreadByThreadId(ThreadId, &thread))) {
        info->ExitCode = (ULONG)PsGetThreadExitStatus(thread);
        ObDereferenceObject(thread);
    }
    PushItem(item);
}

static void OnImageLoadNotify(PUNICODE_STRING FullImageName, HANDLE ProcessId, PIMAGE_INFO ImageInfo)
{
    if (ProcessId == NULL)
        return; /* a driver (system space): not interesting here */
    FullItem *item = AllocateItem(ImageLoad, sizeof(ImageLoadInfo));
    if (!item)
        return;
    ImageLoadInfo *info = (ImageLoadInfo *)&item->Data;
    info->ProcessId = HandleToULong(ProcessId);
    info->ImageSize = (ULONG)ImageInfo->ImageSize;
    info->LoadAddress = (ULONG64)(uintptr_t)ImageInfo->ImageBase;
    if (FullImageName) {
        /* A longer name keeps its first 300 characters (the device and the top
           folders, so the client can still convert it); always NUL-terminated. */
        size_t chars = FullImageName->Length / sizeof(WCHAR);
        if (chars > MaxImageFileSize)
            chars = MaxImageFileSize;
        memcpy(info->ImageFileName, FullImageName->Buffer, chars * sizeof(WCHAR));
    }
    PushItem(item);
}

/* The `limit` option (the sample's registry setting): decimal or 0x hex, at least 1. */
static NTSTATUS ReadLimit(PDRIVER_OBJECT DriverObject, ULONG *limit)
{
    const char *text;
    *limit = DEFAULT_LIMIT;
    if (!NT_SUCCESS(IoQueryDriverOption(DriverObject, "limit", &text)))
        return STATUS_SUCCESS;
    char *end;
    unsigned long long value = strtoull(text, &end, text[0] == '0' && (text[1] == 'x' || text[1] == 'X') ? 16 : 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || value < 1 || value > 0xFFFFFFFFu) {
        DbgPrint(DRIVER_PREFIX "bad limit '%s'\n", text);
        return STATUS_INVALID_PARAMETER;
    }
    *limit = (ULONG)value;
    return STATUS_SUCCESS;
}

static NTSTATUS CompleteRequest(PIRP Irp, NTSTATUS status, ULONG_PTR information)
{
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static NTSTATUS SysMonCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return CompleteRequest(Irp, STATUS_SUCCESS, 0);
}

/*
 * Copies whole items, oldest first, back to back. It stops at the first
 * item that does not fit, which stays at the head (a smaller one behind it
 * waits its turn). It never waits: an empty queue reads 0 bytes.
 */
static NTSTATUS SysMonRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    ULONG len = IoGetCurrentIrpStackLocation(Irp)->Parameters.Read.Length;
    ULONG bytes = 0;
    if (len == 0)
        return CompleteRequest(Irp, STATUS_SUCCESS, 0);
    unsigned char *buffer = Irp->MdlAddress ? MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority)
                                            : NULL;
    if (!buffer)
        return CompleteRequest(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);

    ExAcquireFastMutex(&g_Globals.Mutex);
    while (!IsListEmpty(&g_Globals.ItemsHead)) {
        FullItem *item = CONTAINING_RECORD(g_Globals.ItemsHead.Flink, FullItem, Entry);
        ULONG size = item->Data.Size;
        if (len < size)
            break; /* the user's buffer is full */
        RemoveHeadList(&g_Globals.ItemsHead);
        g_Globals.ItemCount--;
        memcpy(buffer, &item->Data, size);
        buffer += size;
        len -= size;
        bytes += size;
        ExFreePool(item);
    }
    ExReleaseFastMutex(&g_Globals.Mutex);
    return CompleteRequest(Irp, STATUS_SUCCESS, bytes);
}

static void SysMonUnload(PDRIVER_OBJECT DriverObject)
{
    PsRemoveLoadImageNotifyRoutine(OnImageLoadNotify);
    PsRemoveCreateThreadNotifyRoutine(OnThreadNotify);
    PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, TRUE);
    IoDeleteSymbolicLink(&SymLink);
    IoDeleteDevice(DriverObject->DeviceObject);
    /* Free the items nobody read. */
    while (!IsListEmpty(&g_Globals.ItemsHead))
        ExFreePool(CONTAINING_RECORD(RemoveHeadList(&g_Globals.ItemsHead), FullItem, Entry));
    g_Globals.ItemCount = 0;
}

static NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    InitializeListHead(&g_Globals.ItemsHead);
    g_Globals.ItemCount = 0;
    ExInitializeFastMutex(&g_Globals.Mutex);
    NTSTATUS status = ReadLimit(DriverObject, &g_Globals.ItemLimit);
    if (!NT_SUCCESS(status))
        return status;

    /* Device, link, then the three routines in the book's order; undo on failure. */
    PDEVICE_OBJECT DeviceObject = NULL;
    bool symLinkCreated = false, processCallback = false, threadCallback = false;
    do {
        status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, TRUE, &DeviceObject);
        if (!NT_SUCCESS(status)) {
            DbgPrint(DRIVER_PREFIX "failed to create device (0x%08X)\n", (unsigned)status);
            break;
        }
        DeviceObject->Flags |= DO_DIRECT_IO;
        status = IoCreateSymbolicLink(&SymLink, &DeviceName);
        if (!NT_SUCCESS(status)) {
            DbgPrint(DRIVER_PREFIX "failed to create sym link (0x%08X)\n", (unsigned)status);
            break;
        }
        symLinkCreated = true;
        status = PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, FALSE);
        if (!NT_SUCCESS(status)) {
            DbgPrint(DRIVER_PREFIX "failed to register process callback (0x%08X)\n", (unsigned)status);
            break;
        }
        processCallback = true;
        status = PsSetCreateThreadNotifyRoutine(OnThreadNotify);
        if (!NT_SUCCESS(status)) {
            DbgPrint(DRIVER_PREFIX "failed to register thread callback (0x%08X)\n", (unsigned)status);
            break;
        }
        threadCallback = true;
        status = PsSetLoadImageNotifyRoutine(OnImageLoadNotify);
        if (!NT_SUCCESS(status)) {
            DbgPrint(DRIVER_PREFIX "failed to register image callback (0x%08X)\n", (unsigned)status);
            break;
        }
    } while (false);

    if (!NT_SUCCESS(status)) {
        if (threadCallback)
            PsRemoveCreateThreadNotifyRoutine(OnThreadNotify);
        if (processCallback)
            PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, TRUE);
        if (symLinkCreated)
            IoDeleteSymbolicLink(&SymLink);
        if (DeviceObject)
            IoDeleteDevice(DeviceObject);
        return status;
    }

    DriverObject->DriverUnload = SysMonUnload;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = SysMonCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = SysMonCreateClose;
    DriverObject->MajorFunction[IRP_MJ_READ] = SysMonRead;
    return STATUS_SUCCESS;
}

/* ==== SysMonClient.cpp: the client ============================================= */

/* The fixed part of an item of each type (an item shorter than that is not decoded). */
static ULONG FixedSize(USHORT type)
{
    switch (type) {
    case ProcessCreate: return offsetof(ProcessCreateInfo, CommandLine);
    case ProcessExit: return sizeof(ProcessExitInfo);
    case ThreadCreate: return sizeof(ThreadCreateInfo);
    case ThreadExit: return sizeof(ThreadExitInfo);
    case ImageLoad: return sizeof(ImageLoadInfo);
    default: return 0;
    }
}

static const char *TypeName(USHORT type)
{
    switch (type) {
    case ProcessCreate: return "process_create";
    case ProcessExit: return "process_exit";
    case ThreadCreate: return "thread_create";
    case ThreadExit: return "thread_exit";
    case ImageLoad: return "image_load";
    default: return "unknown";
    }
}

/* An item copied out of the read buffer (items are back to back, so unaligned). */
typedef union AnyItem {
    ItemHeader Header;
    ProcessCreateInfo ProcessCreate;
    ProcessExitInfo ProcessExit;
    ThreadCreateInfo ThreadCreate;
    ThreadExitInfo ThreadExit;
    ImageLoadInfo ImageLoad;
} AnyItem;

/* The command line of a ProcessCreate item at p (size bytes), as UTF-8; the
   caller frees it. Out of host memory: NULL, and r (being filled) failed. */
static char *CommandLineOf(const unsigned char *p, ULONG size, const ProcessCreateInfo *info, sim_record *r)
{
    const ULONG start = offsetof(ProcessCreateInfo, CommandLine);
    ULONG chars = info->CommandLineLength;
    if (chars > (size - start) / sizeof(WCHAR))
        chars = (size - start) / sizeof(WCHAR); /* never past the item */
    WCHAR *text = rtl_malloc((chars + 1) * sizeof(WCHAR));
    char *utf8 = NULL;
    if (text) {
        memcpy(text, p + start, chars * sizeof(WCHAR));
        utf8 = sim_client_utf8(text, chars);
        rtl_free(text);
    }
    r->failed |= !utf8;
    return utf8;
}

static char *ImageNameOf(const ImageLoadInfo *info, sim_record *r)
{
    char *utf8 = sim_client_utf8(info->ImageFileName, MaxImageFileSize + 1);
    r->failed |= !utf8;
    return utf8;
}

/* The type to decode an item as: ItemNone when unknown or too short for its type. */
static USHORT DecodedType(const ItemHeader *header)
{
    ULONG fixed = FixedSize(header->Type);
    return fixed != 0 && fixed <= header->Size ? header->Type : ItemNone;
}

static void AddItemRecord(const unsigned char *p, const AnyItem *item, sim_record *r)
{
    USHORT type = DecodedType(&item->Header);
    sim_record *e = sim_array_add(r);
    sim_put_str(e, "item", TypeName(type));
    if (type == ItemNone)
        sim_put_int(e, "item_type", item->Header.Type);
    sim_put_int(e, "bytes", item->Header.Size);
    sim_put_int(e, "time", item->Header.Time.QuadPart);
    switch (type) {
    case ProcessCreate: {
        const ProcessCreateInfo *info = &item->ProcessCreate;
        char *cmdline = CommandLineOf(p, item->Header.Size, info, e);
        sim_put_int(e, "pid", info->ProcessId);
        sim_put_int(e, "ppid", info->ParentProcessId);
        sim_put_int(e, "creating_pid", info->CreatingProcessId);
        sim_put_int(e, "creating_tid", info->CreatingThreadId);
        sim_put_str(e, "cmdline", cmdline ? cmdline : "");
        rtl_free(cmdline);
        break;
    }
    case ProcessExit:
        sim_put_int(e, "pid", item->ProcessExit.ProcessId);
        sim_put_int(e, "exit_code", item->ProcessExit.ExitCode);
        break;
    case ThreadCreate:
        sim_put_int(e, "pid", item->ThreadCreate.ProcessId);
        sim_put_int(e, "tid", item->ThreadCreate.ThreadId);
        break;
    case ThreadExit:
        sim_put_int(e, "pid", item->ThreadExit.ProcessId);
        sim_put_int(e, "tid", item->ThreadExit.ThreadId);
        sim_put_int(e, "exit_code", item->ThreadExit.ExitCode);
        break;
    case ImageLoad: {
        char *image = ImageNameOf(&item->ImageLoad, e);
        sim_put_int(e, "pid", item->ImageLoad.ProcessId);
        sim_put_hex(e, "base", item->ImageLoad.LoadAddress);
        sim_put_hex(e, "image_size", item->ImageLoad.ImageSize);
        sim_put_str(e, "image", image ? image : "");
        rtl_free(image);
        break;
    }
    default:
        break;
    }
}

/* What the book's DisplayInfo prints for one item: nothing for an unknown type. */
static void PrintItem(const unsigned char *p, const AnyItem *item, sim_record *r)
{
    USHORT type = DecodedType(&item->Header);
    int64_t time = item->Header.Time.QuadPart;
    switch (type) {
    case ProcessCreate: {
        char *cmdline = CommandLineOf(p, item->Header.Size, &item->ProcessCreate, r);
        sim_client_line(r, time, "Process %u Created. Command line: %s", item->ProcessCreate.ProcessId,
                        cmdline ? cmdline : "");
        rtl_free(cmdline);
        break;
    }
    case ProcessExit:
        sim_client_line(r, time, "Process %u Exited (Code: %u)", item->ProcessExit.ProcessId,
                        item->ProcessExit.ExitCode);
        break;
    case ThreadCreate:
        sim_client_line(r, time, "Thread %u Created in process %u", item->ThreadCreate.ThreadId,
                        item->ThreadCreate.ProcessId);
        break;
    case ThreadExit:
        sim_client_line(r, time, "Thread %u Exited from process %u (Code: %u)", item->ThreadExit.ThreadId,
                        item->ThreadExit.ProcessId, item->ThreadExit.ExitCode);
        break;
    case ImageLoad: {
        char *image = ImageNameOf(&item->ImageLoad, r);
        char dos[1024];
        sim_client_dos_name(image ? image : "", dos, sizeof dos);
        sim_client_line(r, time, "Image loaded into process %u at address 0x%llX (%s)", item->ImageLoad.ProcessId,
                        (unsigned long long)item->ImageLoad.LoadAddress, dos);
        rtl_free(image);
        break;
    }
    default:
        break;
    }
}

/* Walks the items of a read buffer; a header whose size is impossible ends the walk
   (the book's loop would spin or run off the buffer). */
static void ForEachItem(const unsigned char *buf, ULONG bytes, sim_record *r,
                        void (*fn)(const unsigned char *p, const AnyItem *item, sim_record *r))
{
    ULONG offset = 0;
    while (bytes - offset >= sizeof(ItemHeader)) {
        AnyItem item;
        memset(&item, 0, sizeof item);
        memcpy(&item.Header, buf + offset, sizeof item.Header);
        ULONG size = item.Header.Size;
        if (size < sizeof(ItemHeader) || size > bytes - offset)
            break;
        memcpy(&item, buf + offset, size < sizeof item ? size : sizeof item);
        fn(buf + offset, &item, r);
        offset += size;
    }
}

static void SysMonClientRead(const unsigned char *buf, ULONG bytes, sim_record *r)
{
    sim_put_array(r, "items");
    ForEachItem(buf, bytes, r, AddItemRecord);
    sim_put_lines(r, "lines");
    ForEachItem(buf, bytes, r, PrintItem);
}

static const char *const sysmon_options[] = { "limit", NULL };

const sim_driver sim_driver_sysmon = {
    .name = "sysmon",
    .entry = DriverEntry,
    .options = sysmon_options,
    .device = "\\??\\SysMon",
    .default_read = 64 * 1024, /* the book's client: a 64 KB buffer */
    .client_read = SysMonClientRead,
    .read_result_fields = (const sim_field_spec[]){ { "items", SIM_ARRAY, 0 }, { "lines", SIM_LINES, 0 },
                                                    { NULL, SIM_INT, 0 } },
};
