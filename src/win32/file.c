/*
 * file.c - kernel32's files and devices: CreateFile, ReadFile, WriteFile,
 * DeviceIoControl, CloseHandle, as calls of NtCreateFile and the others
 * through the ntdll stubs. A Win32 name becomes the NT name kernel32 makes
 * of it: "\\.\X" and "\\?\X" are "\??\X" (a device's symbolic link), a name
 * already in the "\??\" form is taken as it is (Windows accepts it), any
 * other "\??\" followed by the name. Synchronous I/O only (no OVERLAPPED).
 */
#include <string.h>

#include "rtl/alloc.h"
#include "rtl/utf8.h"
#include "win32/kernel32.h"
#include "win32/win32.h"

#define FILE_SYNCHRONOUS_IO_NONALERT 0x00000020u
#define FILE_NON_DIRECTORY_FILE 0x00000040u
#define FILE_READ_ATTRIBUTES 0x0080u

static size_t wide_length(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static bool starts(const WCHAR *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    if (n < k)
        return false;
    for (size_t i = 0; i < k; i++)
        if (s[i] != (unsigned char)prefix[i])
            return false;
    return true;
}

static HANDLE open_file(ntsim_system *sys, const WCHAR *name, DWORD access, DWORD share, DWORD disposition,
                        DWORD flags)
{
    static const ULONG dispositions[] = { 0, 2 /* FILE_CREATE */, 5 /* FILE_OVERWRITE_IF */, 1 /* FILE_OPEN */,
                                          3 /* FILE_OPEN_IF */, 4 /* FILE_OVERWRITE */ };
    if (disposition < 1 || disposition > 5) {
        w32_set_last_error(sys, 87); /* ERROR_INVALID_PARAMETER */
        return INVALID_HANDLE_VALUE;
    }
    size_t n = wide_length(name);
    if (n > 32767) {
        w32_set_last_error(sys, 206); /* ERROR_FILENAME_EXCED_RANGE */
        return INVALID_HANDLE_VALUE;
    }
    size_t skip = starts(name, n, "\\\\.\\") || starts(name, n, "\\\\?\\") ? 4 : starts(name, n, "\\??\\") ? 4 : 0;
    WCHAR *nt = rtl_malloc((n - skip + 5) * sizeof(WCHAR));
    if (!nt) {
        w32_set_last_error(sys, 8); /* ERROR_NOT_ENOUGH_MEMORY */
        return INVALID_HANDLE_VALUE;
    }
    const char prefix[] = "\\??\\";
    for (size_t i = 0; i < 4; i++)
        nt[i] = (WCHAR)prefix[i];
    memcpy(nt + 4, name + skip, (n - skip) * sizeof(WCHAR));
    USHORT bytes = (USHORT)((n - skip + 4) * sizeof(WCHAR));
    UNICODE_STRING us = { bytes, bytes, nt };
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &us, OBJ_CASE_INSENSITIVE, NULL, NULL);
    IO_STATUS_BLOCK iosb;
    HANDLE h = NULL;
    NTSTATUS s = NtCreateFile(sys, &h, access | SYNCHRONIZE | FILE_READ_ATTRIBUTES, &oa, &iosb, NULL,
                              flags & 0xFFFFu, share, dispositions[disposition],
                              FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE, NULL, 0);
    rtl_free(nt);
    if (!NT_SUCCESS(s)) {
        w32_fail(sys, s);
        return INVALID_HANDLE_VALUE;
    }
    w32_set_last_error(sys, 0);
    return h;
}

HANDLE CreateFileW(const WCHAR *name, DWORD access, DWORD share, void *security, DWORD disposition, DWORD flags,
                   HANDLE template_file)
{
    (void)security;
    (void)template_file;
    ntsim_system *sys = w32_system("CreateFileW");
    if (!name) {
        w32_set_last_error(sys, 3); /* ERROR_PATH_NOT_FOUND, as kernel32 says for NULL */
        return INVALID_HANDLE_VALUE;
    }
    return open_file(sys, name, access, share, disposition, flags);
}

HANDLE CreateFileA(const char *name, DWORD access, DWORD share, void *security, DWORD disposition, DWORD flags,
                   HANDLE template_file)
{
    ntsim_system *sys = w32_system("CreateFileA");
    if (!name)
        return CreateFileW(NULL, access, share, security, disposition, flags, template_file);
    /* The ANSI code page is UTF-8 here (as with Windows' UTF-8 process option). */
    size_t n = strlen(name);
    WCHAR *w = rtl_malloc((n + 1) * sizeof(WCHAR));
    if (!w) {
        w32_set_last_error(sys, 8);
        return INVALID_HANDLE_VALUE;
    }
    w[rtl_utf8_to_utf16(name, n, w)] = 0;
    HANDLE h = open_file(sys, w, access, share, disposition, flags);
    rtl_free(w);
    return h;
}

BOOL ReadFile(HANDLE file, void *buffer, DWORD length, DWORD *read, void *overlapped)
{
    ntsim_system *sys = w32_system("ReadFile");
    if (overlapped)
        return w32_fail(sys, STATUS_NOT_SUPPORTED);
    if (read)
        *read = 0;
    IO_STATUS_BLOCK iosb = { 0 };
    NTSTATUS s = NtReadFile(sys, file, NULL, NULL, NULL, &iosb, buffer, length, NULL, NULL);
    if (read && (NT_SUCCESS(s) || s == STATUS_BUFFER_OVERFLOW))
        *read = (DWORD)iosb.Information;
    return NT_SUCCESS(s) ? 1 : w32_fail(sys, s);
}

BOOL WriteFile(HANDLE file, const void *buffer, DWORD length, DWORD *written, void *overlapped)
{
    ntsim_system *sys = w32_system("WriteFile");
    if (overlapped)
        return w32_fail(sys, STATUS_NOT_SUPPORTED);
    if (written)
        *written = 0;
    IO_STATUS_BLOCK iosb = { 0 };
    NTSTATUS s = NtWriteFile(sys, file, NULL, NULL, NULL, &iosb, buffer, length, NULL, NULL);
    if (!NT_SUCCESS(s))
        return w32_fail(sys, s);
    if (written)
        *written = (DWORD)iosb.Information;
    return 1;
}

BOOL DeviceIoControl(HANDLE device, DWORD code, void *in, DWORD in_size, void *out, DWORD out_size, DWORD *returned,
                     void *overlapped)
{
    ntsim_system *sys = w32_system("DeviceIoControl");
    if (overlapped)
        return w32_fail(sys, STATUS_NOT_SUPPORTED);
    if (returned)
        *returned = 0;
    IO_STATUS_BLOCK iosb = { 0 };
    NTSTATUS s = NtDeviceIoControlFile(sys, device, NULL, NULL, NULL, &iosb, code, in, in_size, out, out_size);
    /* STATUS_BUFFER_OVERFLOW, a warning: FALSE (ERROR_MORE_DATA), with the part that fit returned. */
    if (returned && (NT_SUCCESS(s) || s == STATUS_BUFFER_OVERFLOW))
        *returned = (DWORD)iosb.Information;
    return NT_SUCCESS(s) ? 1 : w32_fail(sys, s);
}

BOOL CloseHandle(HANDLE object)
{
    ntsim_system *sys = w32_system("CloseHandle");
    NTSTATUS s = NtClose(sys, object);
    return NT_SUCCESS(s) ? 1 : w32_fail(sys, s);
}
