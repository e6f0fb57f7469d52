/*
 * mapping.c - kernel32's file mappings over the section calls:
 * CreateFileMapping (NtCreateSection: INVALID_HANDLE_VALUE for the paging
 * file, or a file's handle; the SEC_ flags ride in the protection's high
 * bits, SEC_COMMIT when none), MapViewOfFile(Ex) (NtMapViewOfSection in the
 * calling process, the FILE_MAP_ access made a page protection) and
 * UnmapViewOfFile. An image view mapped elsewhere than its base
 * (STATUS_IMAGE_NOT_AT_BASE) is a success here, as kernelbase makes it.
 * Named mappings need an object namespace ntsim does not have:
 * ERROR_NOT_SUPPORTED.
 */
#include "win32/kernel32.h"
#include "win32/win32.h"

#define SEC_FLAGS 0xFFF00000u /* the bits of a protection that are SEC_ flags */

/* What kernelbase asks of the section for the page protection it is made with. */
static bool section_access(DWORD protect, ACCESS_MASK *access)
{
    *access = STANDARD_RIGHTS_REQUIRED | SECTION_QUERY | SECTION_MAP_READ;
    switch (protect) {
    case PAGE_READONLY: case PAGE_WRITECOPY: return true;
    case PAGE_READWRITE: *access |= SECTION_MAP_WRITE; return true;
    case PAGE_EXECUTE_READ: case PAGE_EXECUTE_WRITECOPY: *access |= SECTION_MAP_EXECUTE; return true;
    case PAGE_EXECUTE_READWRITE: *access |= SECTION_MAP_EXECUTE | SECTION_MAP_WRITE; return true;
    default: return false;
    }
}

static HANDLE create_mapping(ntsim_system *sys, HANDLE file, DWORD protect, DWORD max_high, DWORD max_low,
                             bool named)
{
    ULONG attributes = protect & SEC_FLAGS;
    protect &= ~SEC_FLAGS;
    if (!attributes)
        attributes = SEC_COMMIT;
    ACCESS_MASK access;
    if (!section_access(protect, &access)) {
        w32_set_last_error(sys, 87); /* ERROR_INVALID_PARAMETER */
        return NULL;
    }
    if (named) {
        w32_set_last_error(sys, 50); /* ERROR_NOT_SUPPORTED: no object namespace */
        return NULL;
    }
    LONG64 size = (LONG64)((uint64_t)max_high << 32 | max_low);
    if (file == INVALID_HANDLE_VALUE) {
        file = NULL;
        if (!size) { /* the paging file has no size to take */
            w32_set_last_error(sys, 87);
            return NULL;
        }
    }
    HANDLE h = NULL;
    NTSTATUS s = NtCreateSection(sys, &h, access, NULL, size ? &size : NULL, protect, attributes, file);
    if (!NT_SUCCESS(s)) {
        w32_fail(sys, s);
        return NULL;
    }
    w32_set_last_error(sys, 0);
    return h;
}

HANDLE CreateFileMappingW(HANDLE file, void *security, DWORD protect, DWORD max_high, DWORD max_low,
                          const WCHAR *name)
{
    (void)security;
    return create_mapping(w32_system("CreateFileMappingW"), file, protect, max_high, max_low, name && *name);
}

HANDLE CreateFileMappingA(HANDLE file, void *security, DWORD protect, DWORD max_high, DWORD max_low,
                          const char *name)
{
    (void)security;
    return create_mapping(w32_system("CreateFileMappingA"), file, protect, max_high, max_low, name && *name);
}

void *MapViewOfFileEx(HANDLE mapping, DWORD access, DWORD offset_high, DWORD offset_low, SIZE_T bytes, void *where)
{
    ntsim_system *sys = w32_system("MapViewOfFileEx");
    /* Write before copy before read; FILE_MAP_EXECUTE makes each its execute form. */
    ULONG protect = access & FILE_MAP_WRITE  ? PAGE_READWRITE
                    : access & FILE_MAP_COPY ? PAGE_WRITECOPY
                    : access & FILE_MAP_READ ? PAGE_READONLY
                                             : PAGE_NOACCESS;
    if (access & FILE_MAP_EXECUTE)
        protect <<= 4;
    ULONG_PTR base = (ULONG_PTR)(uintptr_t)where;
    LONG64 offset = (LONG64)((uint64_t)offset_high << 32 | offset_low);
    SIZE_T size = bytes;
    NTSTATUS s = NtMapViewOfSection(sys, mapping, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewShare, 0,
                                    protect);
    if (!NT_SUCCESS(s)) {
        w32_fail(sys, s);
        return NULL;
    }
    w32_set_last_error(sys, 0);
    return (void *)(uintptr_t)base;
}

void *MapViewOfFile(HANDLE mapping, DWORD access, DWORD offset_high, DWORD offset_low, SIZE_T bytes)
{
    return MapViewOfFileEx(mapping, access, offset_high, offset_low, bytes, NULL);
}

BOOL UnmapViewOfFile(const void *base)
{
    ntsim_system *sys = w32_system("UnmapViewOfFile");
    NTSTATUS s = NtUnmapViewOfSection(sys, NtCurrentProcess(), (ULONG_PTR)(uintptr_t)base);
    return NT_SUCCESS(s) ? TRUE : w32_fail(sys, s);
}
