/*
 * image_file.c - files of the system volume: what NtCreateFile/NtOpenFile
 * open when a name is not a device's. ntsim has no file system; the volume
 * holds the images the memory manager knows (mm's image files: each
 * process's image, each DLL loaded, ntdll.dll), opened to make image
 * sections of them. The object manager's \??\ (and \DosDevices\,
 * \GLOBAL??\) drive links and \SystemRoot lead there as on Windows.
 */
#include <string.h>

#include "io/io.h"
#include "rtl/alloc.h"
#include "rtl/ascii.h"
#include "rtl/utf8.h"

#define VOLUME "\\Device\\HarddiskVolume3"

/* The NT path on the volume a name stands for (heap); NULL when it names none. */
static char *volume_path(const char *name)
{
    static const char *const links[] = { "\\??\\", "\\DosDevices\\", "\\GLOBAL??\\" };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        size_t n = strlen(links[i]);
        if (rtl_ascii_prefix_nocase(name, links[i])) {
            const char *rest = name + n; /* a drive, "C:\...": ps names the volume behind it */
            return rest[0] && rest[1] == ':' && rest[2] == '\\' ? ps_nt_path(rest) : NULL;
        }
    }
    const char *tail = NULL, *root = NULL;
    if (rtl_ascii_prefix_nocase(name, "\\SystemRoot\\"))
        root = VOLUME "\\Windows", tail = name + strlen("\\SystemRoot");
    else if (rtl_ascii_prefix_nocase(name, VOLUME "\\"))
        root = VOLUME, tail = name + strlen(VOLUME);
    if (!root)
        return NULL;
    size_t rn = strlen(root), tn = strlen(tail);
    char *out = rtl_malloc(rn + tn + 1);
    if (out) {
        memcpy(out, root, rn);
        memcpy(out + rn, tail, tn + 1);
    }
    return out;
}

NTSTATUS io_open_image_file(ntsim_system *sys, PCUNICODE_STRING name, ACCESS_MASK access, io_file **out)
{
    *out = NULL;
    char utf8[1024];
    rtl_utf16_to_utf8(name->Buffer, name->Length / sizeof(WCHAR), utf8, sizeof utf8);
    char *path = volume_path(utf8);
    const char *stored;
    const mm_image_info *info = path ? mm_image_file_find(ps_state(sys)->image_files, path, &stored) : NULL;
    rtl_free(path);
    if (!info)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (access & (FILE_WRITE_DATA | FILE_APPEND_DATA | DELETE | WRITE_DAC | WRITE_OWNER))
        return STATUS_ACCESS_DENIED; /* ntsim's volume is read-only */
    io_file *f = rtl_calloc(1, sizeof *f);
    size_t n = strlen(stored) + 1;
    char *copy = rtl_malloc(n);
    if (!f || !copy) {
        rtl_free(f);
        rtl_free(copy);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    memcpy(copy, stored, n);
    ob_initialize_header(&f->header, &io_file_type, NonWaitableObject);
    f->object.Type = IO_TYPE_FILE;
    f->object.Size = sizeof f->object;
    f->access = access;
    f->image_path = copy;
    f->image = *info;
    f->sequence = ++io_state(sys)->object_sequence;
    InsertHeadList(&io_state(sys)->files, &f->links);
    *out = f;
    return STATUS_SUCCESS;
}
