/*
 * filter_names.c - the filter manager's file-name queries
 * (FltGetFileNameInformationUnsafe), for the one kind of file object ntsim
 * gives drivers a name through: an image-load routine's IMAGE_INFO_EX. The
 * answer is one pool block, the structure followed by the name, charged to
 * the caller until FltReleaseFileNameInformation; its parts (volume, final
 * component, extension, parent folder) are set as FltParseFileNameInformation
 * would set them, since they cost nothing more.
 */
#include <string.h>

#include "io/io.h"

#define NAME_TAG 'nFtN' /* "NtFn" */

/* The part of name from index `from` (in WCHARs) to `to`. */
static UNICODE_STRING part(const UNICODE_STRING *name, size_t from, size_t to)
{
    return (UNICODE_STRING){ (USHORT)((to - from) * sizeof(WCHAR)), (USHORT)((to - from) * sizeof(WCHAR)),
                             name->Buffer + from };
}

/* \Device\HarddiskVolume3\Windows\System32\ntdll.dll: volume, parent dir, final component, extension. */
static void parse(FLT_FILE_NAME_INFORMATION *info)
{
    const UNICODE_STRING *n = &info->Name;
    size_t len = n->Length / sizeof(WCHAR), slashes = 0, volume_end = len, last = 0, dot = len;
    for (size_t i = 0; i < len; i++) {
        if (n->Buffer[i] == '\\') {
            if (++slashes == 3)
                volume_end = i;
            last = i;
            dot = len;
        } else if (n->Buffer[i] == '.') {
            dot = i;
        }
    }
    info->Volume = part(n, 0, volume_end);
    info->FinalComponent = part(n, last + 1, len);
    info->Extension = part(n, dot < len ? dot + 1 : len, len);
    info->ParentDir = part(n, volume_end < last ? volume_end : last, last + 1);
    info->NamesParsed = 0x1 | 0x2 | 0x4 | 0x8; /* FLTFL_FILE_NAME_PARSED_FINAL_COMPONENT | _EXTENSION | _STREAM | _PARENT_DIR */
}

NTSTATUS FltGetFileNameInformationUnsafe(PFILE_OBJECT FileObject, PFLT_INSTANCE Instance,
                                         FLT_FILE_NAME_OPTIONS NameOptions,
                                         PFLT_FILE_NAME_INFORMATION *FileNameInformation)
{
    (void)Instance;
    if (!FileNameInformation)
        return STATUS_INVALID_PARAMETER;
    *FileNameInformation = NULL;
    ULONG format = NameOptions & 0xFF;
    if (!FileObject || (format != FLT_FILE_NAME_NORMALIZED && format != FLT_FILE_NAME_OPENED &&
                        format != FLT_FILE_NAME_SHORT))
        return STATUS_INVALID_PARAMETER;
    if (!FileObject->FileName.Length || !FileObject->FileName.Buffer)
        return STATUS_FLT_INVALID_NAME_REQUEST;
    USHORT bytes = FileObject->FileName.Length;
    FLT_FILE_NAME_INFORMATION *info = ExAllocatePoolWithTag(PagedPool, sizeof *info + bytes, NAME_TAG);
    if (!info)
        return STATUS_INSUFFICIENT_RESOURCES;
    WCHAR *text = (WCHAR *)(info + 1);
    memcpy(text, FileObject->FileName.Buffer, bytes);
    *info = (FLT_FILE_NAME_INFORMATION){ .Size = sizeof *info, .Format = format, .Name = { bytes, bytes, text } };
    parse(info);
    *FileNameInformation = info;
    return STATUS_SUCCESS;
}

void FltReleaseFileNameInformation(PFLT_FILE_NAME_INFORMATION FileNameInformation)
{
    if (FileNameInformation)
        ExFreePoolWithTag(FileNameInformation, NAME_TAG);
}
