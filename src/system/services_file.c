/*
 * services_file.c - NtCreateFile, NtOpenFile, NtReadFile, NtWriteFile and
 * NtDeviceIoControlFile on device files (and the opens of the volume's image
 * files): names, buffers and the I/O status block through the caller's
 * memory, the requests sent by io.
 */
#include <stdlib.h>
#include <string.h>

#include "ob/handles.h"
#include "system/service_table.h"
#include "system/system.h"
#include "rtl/alloc.h"
#include "system/user_buffer.h"

/* IO_STATUS_BLOCK, x64 layout: the status (8 bytes with its padding) and the count. */
static NTSTATUS out_iosb(ntsim_system *sys, ULONG64 ptr, NTSTATUS status, ULONG64 information)
{
    unsigned char b[16] = { 0 };
    memcpy(b, &status, 4);
    memcpy(b + 8, &information, 8);
    return sys_out(sys, ptr, b, sizeof b);
}

/* The name an OBJECT_ATTRIBUTES (x64: ObjectName at offset 16) points at, captured. */
static NTSTATUS in_object_name(ntsim_system *sys, ULONG64 oa, UNICODE_STRING *name, WCHAR *buf, size_t cap)
{
    unsigned char a[48], us[16];
    ULONG64 pname, pbuf;
    USHORT len;
    NTSTATUS s = sys_in(sys, oa, a, sizeof a, 8);
    if (!NT_SUCCESS(s))
        return s;
    memcpy(&pname, a + 16, 8);
    if (!pname)
        return STATUS_OBJECT_NAME_INVALID;
    if (!NT_SUCCESS(s = sys_in(sys, pname, us, sizeof us, 8)))
        return s;
    memcpy(&len, us, 2);
    memcpy(&pbuf, us + 8, 8);
    if (len % 2 || len / 2 > cap)
        return STATUS_OBJECT_NAME_INVALID;
    if (len && !NT_SUCCESS(s = sys_in(sys, pbuf, buf, len, 2)))
        return s;
    *name = (UNICODE_STRING){ len, len, buf };
    return STATUS_SUCCESS;
}

/* NtCreateFile and NtOpenFile: a device, or an image file of the volume, opened. */
static NTSTATUS open_file(ntsim_system *sys, ULONG64 handle_out, ACCESS_MASK desired, ULONG64 oa, ULONG64 iosb)
{
    WCHAR buf[512];
    UNICODE_STRING name;
    NTSTATUS s = sys_probe_out(sys, handle_out, 8, 8);
    if (NT_SUCCESS(s))
        s = sys_probe_out(sys, iosb, 16, 8);
    if (NT_SUCCESS(s))
        s = in_object_name(sys, oa, &name, buf, sizeof buf / sizeof buf[0]);
    if (!NT_SUCCESS(s))
        return s;
    io_file *f;
    ACCESS_MASK access = ob_map_access(&io_file_type, desired);
    s = io_create_file(sys, &name, access, &f);
    if (!NT_SUCCESS(s))
        return s;
    s = sys_out_new_handle(sys, &f->header, access, handle_out);
    if (NT_SUCCESS(s))
        s = out_iosb(sys, iosb, STATUS_SUCCESS, 1 /* FILE_OPENED */);
    return s;
}

NTSTATUS sys_svc_create_file(ntsim_system *sys, const ULONG64 *a)
{
    return open_file(sys, a[0], (ACCESS_MASK)a[1], a[2], a[3]);
}

/* NtOpenFile(FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock, ShareAccess, OpenOptions). */
NTSTATUS sys_svc_open_file(ntsim_system *sys, const ULONG64 *a)
{
    return open_file(sys, a[0], (ACCESS_MASK)a[1], a[2], a[3]);
}

/* ReadFile / WriteFile / DeviceIoControl: the buffers captured, the request sent, results back. */
static NTSTATUS file_io(ntsim_system *sys, HANDLE handle, UCHAR major, ULONG code, ULONG64 iosb, ULONG64 in_ptr,
                        ULONG in_len, ULONG64 out_ptr, ULONG out_len)
{
    NTSTATUS s = sys_probe_out(sys, iosb, 16, 8);
    if (NT_SUCCESS(s) && out_len)
        s = sys_probe_out(sys, out_ptr, out_len, 1);
    if (!NT_SUCCESS(s))
        return s;
    if (in_len > (64u << 20) || out_len > (64u << 20))
        return STATUS_INVALID_PARAMETER;
    unsigned char *ib = in_len ? rtl_malloc(in_len) : NULL, *ob = out_len ? rtl_calloc(1, out_len) : NULL;
    if ((in_len && !ib) || (out_len && !ob)) {
        rtl_free(ib);
        rtl_free(ob);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (in_len)
        s = sys_in(sys, in_ptr, ib, in_len, 1);
    ULONG_PTR info = 0;
    if (NT_SUCCESS(s))
        s = io_file_request(sys, handle, major, code, ib, in_len, ob, out_len, &info);
    NTSTATUS request = s;
    if (NT_SUCCESS(s) && info && out_len)
        s = sys_out(sys, out_ptr, ob, info);
    /* The status block tells what the request was completed with. */
    if (NT_SUCCESS(s) || request != STATUS_INVALID_HANDLE)
        out_iosb(sys, iosb, request, info);
    rtl_free(ib);
    rtl_free(ob);
    return s;
}

NTSTATUS sys_svc_read_file(ntsim_system *sys, const ULONG64 *a)
{
    /* (FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, Buffer, Length, ByteOffset, Key) */
    return file_io(sys, sys_handle(a[0]), IRP_MJ_READ, 0, a[4], 0, 0, a[5], (ULONG)a[6]);
}

NTSTATUS sys_svc_write_file(ntsim_system *sys, const ULONG64 *a)
{
    return file_io(sys, sys_handle(a[0]), IRP_MJ_WRITE, 0, a[4], a[5], (ULONG)a[6], 0, 0);
}

NTSTATUS sys_svc_device_io_control_file(ntsim_system *sys, const ULONG64 *a)
{
    /* (FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, IoControlCode,
        InputBuffer, InputBufferLength, OutputBuffer, OutputBufferLength) */
    return file_io(sys, sys_handle(a[0]), IRP_MJ_DEVICE_CONTROL, (ULONG)a[5], a[4], a[6], (ULONG)a[7], a[8], (ULONG)a[9]);
}
