/*
 * blocker.c - the book's exercise (chapter 9): refuse to create processes
 * from given images. Option `images=NAME,NAME`: a process whose image file
 * name (the last component of its path) is one of them, compared without
 * case, is refused through CreateInfo->CreationStatus; its creator gets
 * STATUS_ACCESS_DENIED and the process never runs.
 */
#include <string.h>

#include "driver.h"

#define DRIVER_PREFIX "Blocker: "
#define DRIVER_TAG 0x6B6F6C42u /* "Blok" */
#define MAX_IMAGES 64

typedef struct BlockedImage {
    UNICODE_STRING Name; /* UTF-16, for the comparison */
    const char *Text;    /* as the option spelled it, for debug prints */
} BlockedImage;

/* The driver's globals (one simulated system at a time: see sysmon.c). */
typedef struct Globals {
    char *Option;        /* a pool copy of the option, split in place at the commas */
    WCHAR *Names;        /* the names in UTF-16, back to back */
    BlockedImage Images[MAX_IMAGES];
    ULONG Count;
} Globals;

static Globals g_Globals;

/* The file name of an NT path: what follows its last backslash. */
static UNICODE_STRING FileNameOf(PCUNICODE_STRING path)
{
    USHORT chars = path->Length / sizeof(WCHAR), start = chars;
    while (start > 0 && path->Buffer[start - 1] != u'\\')
        start--;
    UNICODE_STRING name = { (USHORT)((chars - start) * sizeof(WCHAR)), (USHORT)((chars - start) * sizeof(WCHAR)),
                            path->Buffer + start };
    return name;
}

static void OnProcessNotify(PEPROCESS Process, HANDLE ProcessId, PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    if (!CreateInfo || !CreateInfo->ImageFileName)
        return; /* an exit, or no name to judge by */
    UNICODE_STRING name = FileNameOf(CreateInfo->ImageFileName);
    for (ULONG i = 0; i < g_Globals.Count; i++) {
        if (RtlEqualUnicodeString(&name, &g_Globals.Images[i].Name, TRUE)) {
            CreateInfo->CreationStatus = STATUS_ACCESS_DENIED;
            DbgPrint(DRIVER_PREFIX "process %u refused (image name matches %s)\n", HandleToULong(ProcessId),
                     g_Globals.Images[i].Text);
            return;
        }
    }
}

/* One UTF-8 sequence at *p as UTF-16 units (1 or 2) into out; advances *p. */
static ULONG DecodeUtf8(const unsigned char **p, WCHAR out[2])
{
    const unsigned char *s = *p;
    uint32_t c = s[0];
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    c &= extra == 3 ? 0x07 : extra == 2 ? 0x0F : extra == 1 ? 0x1F : 0x7F;
    int i = 1;
    for (; i <= extra && (s[i] & 0xC0) == 0x80; i++)
        c = c << 6 | (s[i] & 0x3Fu);
    *p = s + i;
    if (i <= extra) {
        out[0] = 0xFFFD; /* a broken sequence */
        return 1;
    }
    if (c >= 0x10000) {
        c -= 0x10000;
        out[0] = (WCHAR)(0xD800 + (c >> 10));
        out[1] = (WCHAR)(0xDC00 + (c & 0x3FF));
        return 2;
    }
    out[0] = (WCHAR)c;
    return 1;
}

static void FreeGlobals(void)
{
    if (g_Globals.Option)
        ExFreePool(g_Globals.Option);
    if (g_Globals.Names)
        ExFreePool(g_Globals.Names);
    memset(&g_Globals, 0, sizeof g_Globals);
}

/* Splits `images` at its commas (spaces around a name are dropped). */
static NTSTATUS ReadImages(PDRIVER_OBJECT DriverObject)
{
    const char *text;
    if (!NT_SUCCESS(IoQueryDriverOption(DriverObject, "images", &text))) {
        DbgPrint(DRIVER_PREFIX "no images= option: nothing to block\n");
        return STATUS_INVALID_PARAMETER;
    }
    size_t len = strlen(text);
    g_Globals.Option = ExAllocatePoolWithTag(PagedPool, len + 1, DRIVER_TAG);
    g_Globals.Names = ExAllocatePoolWithTag(PagedPool, (len + 1) * sizeof(WCHAR), DRIVER_TAG);
    if (!g_Globals.Option || !g_Globals.Names)
        return STATUS_INSUFFICIENT_RESOURCES;
    memcpy(g_Globals.Option, text, len + 1);

    WCHAR *next = g_Globals.Names;
    for (char *name = g_Globals.Option; name;) {
        char *comma = strchr(name, ',');
        if (comma)
            *comma = '\0';
        while (*name == ' ')
            name++;
        for (char *end = name + strlen(name); end > name && end[-1] == ' ';)
            *--end = '\0';
        if (*name) {
            if (g_Globals.Count == MAX_IMAGES) {
                DbgPrint(DRIVER_PREFIX "too many images (at most %d)\n", MAX_IMAGES);
                return STATUS_INVALID_PARAMETER;
            }
            BlockedImage *image = &g_Globals.Images[g_Globals.Count++];
            image->Text = name;
            image->Name.Buffer = next;
            for (const unsigned char *p = (const unsigned char *)name; *p;)
                next += DecodeUtf8(&p, next);
            image->Name.Length = image->Name.MaximumLength = (USHORT)((next - image->Name.Buffer) * sizeof(WCHAR));
        }
        name = comma ? comma + 1 : NULL;
    }
    if (g_Globals.Count == 0) {
        DbgPrint(DRIVER_PREFIX "images= names no image: nothing to block\n");
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

static void BlockerUnload(PDRIVER_OBJECT DriverObject)
{
    PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, TRUE);
    FreeGlobals();
}

static NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    memset(&g_Globals, 0, sizeof g_Globals);
    NTSTATUS status = ReadImages(DriverObject);
    if (NT_SUCCESS(status))
        status = PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, FALSE);
    if (!NT_SUCCESS(status)) {
        FreeGlobals();
        return status;
    }
    DriverObject->DriverUnload = BlockerUnload;
    return STATUS_SUCCESS;
}

static const char *const blocker_options[] = { "images", NULL };

const sim_driver sim_driver_blocker = {
    .name = "blocker",
    .entry = DriverEntry,
    .options = blocker_options,
};
