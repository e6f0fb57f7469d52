/*
 * sysinfo.c - kernel32's system information: GetSystemInfo and
 * GetNativeSystemInfo from the simulated system (its processors, the
 * process's address-space layout), IsWow64Process(2) through
 * NtQueryInformationProcess(ProcessWow64Information), and the DOS device
 * map: QueryDosDeviceW and GetLogicalDrives.
 *
 * kernel32 answers GetSystemInfo from what it learned once at start
 * (NtQuerySystemInformation(SystemBasicInformation)), not with a call each
 * time; here it reads the same facts from the system. The DOS device map
 * (\??) is read directly too: the object-directory services are not in
 * ntsim's table yet, so QueryDosDeviceW makes no system call.
 */
#include <string.h>

#include "io/io.h"
#include "ke/ke.h"
#include "mm/mm.h"
#include "rtl/utf8.h"
#include "win32/kernel32.h"
#include "win32/win32.h"

#define PROCESSOR_ARCHITECTURE_INTEL 0
#define PROCESSOR_ARCHITECTURE_AMD64 9
#define PROCESSOR_INTEL_PENTIUM 586
#define PROCESSOR_AMD_X8664 8664
#define IMAGE_FILE_MACHINE_UNKNOWN 0
#define IMAGE_FILE_MACHINE_I386 0x014C
#define IMAGE_FILE_MACHINE_AMD64 0x8664

#define ERROR_FILE_NOT_FOUND 2
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_NOACCESS 998

static void fill_system_info(ntsim_system *sys, SYSTEM_INFO *info, bool x64)
{
    ps_process *p = ps_current_process(sys);
    uint32_t cpus = ke_state(sys)->sched.cpus;
    memset(info, 0, sizeof *info);
    info->wProcessorArchitecture = x64 ? PROCESSOR_ARCHITECTURE_AMD64 : PROCESSOR_ARCHITECTURE_INTEL;
    info->dwPageSize = (DWORD)MM_PAGE_SIZE;
    /* The process's own layout (a WOW64 process's is 32-bit, 2 GiB or 4 GiB large-address aware). */
    info->lpMinimumApplicationAddress = (void *)(uintptr_t)(p->vm ? mm_lowest_user_address(p->vm) : 0x10000);
    info->lpMaximumApplicationAddress =
        (void *)(uintptr_t)(p->vm ? mm_highest_user_address(p->vm) : 0x7FFFFFFEFFFFull);
    info->dwActiveProcessorMask = cpus >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << cpus) - 1;
    info->dwNumberOfProcessors = cpus;
    info->dwProcessorType = x64 ? PROCESSOR_AMD_X8664 : PROCESSOR_INTEL_PENTIUM;
    info->dwAllocationGranularity = (DWORD)MM_ALLOC_GRANULARITY;
    /* The simulated processor has no model of its own: family 6, model 0x9E stepping 10, an Intel Core's. */
    info->wProcessorLevel = 6;
    info->wProcessorRevision = 0x9E0A;
}

/* What the process sees: a WOW64 or x86 process an x86 processor. */
void GetSystemInfo(SYSTEM_INFO *info)
{
    ntsim_system *sys = w32_system("GetSystemInfo");
    fill_system_info(sys, info, ps_current_process(sys)->arch == NTSIM_ARCH_X64);
}

/* The machine's own architecture; the rest as GetSystemInfo gives it (as Wine's kernelbase does). */
void GetNativeSystemInfo(SYSTEM_INFO *info)
{
    ntsim_system *sys = w32_system("GetNativeSystemInfo");
    fill_system_info(sys, info, ke_state(sys)->config.arch == NTSIM_ARCH_X64);
}

static NTSTATUS wow64_peb(ntsim_system *sys, HANDLE process, ULONG64 *peb32)
{
    *peb32 = 0;
    return NtQueryInformationProcess(sys, process, ProcessWow64Information, peb32, sizeof *peb32, NULL);
}

BOOL IsWow64Process(HANDLE process, BOOL *wow64)
{
    ntsim_system *sys = w32_system("IsWow64Process");
    ULONG64 peb32;
    NTSTATUS s = wow64_peb(sys, process, &peb32);
    if (!NT_SUCCESS(s))
        return w32_fail(sys, s);
    if (!wow64) {
        /* Windows' kernel32 would fault writing the answer; ntsim does not model a program's faults yet. */
        w32_set_last_error(sys, ERROR_NOACCESS);
        return 0;
    }
    *wow64 = peb32 != 0;
    return 1;
}

BOOL IsWow64Process2(HANDLE process, USHORT *process_machine, USHORT *native_machine)
{
    ntsim_system *sys = w32_system("IsWow64Process2");
    ULONG64 peb32;
    NTSTATUS s = wow64_peb(sys, process, &peb32);
    if (!NT_SUCCESS(s))
        return w32_fail(sys, s);
    if (!process_machine) {
        w32_set_last_error(sys, ERROR_NOACCESS);
        return 0;
    }
    /* IMAGE_FILE_MACHINE_UNKNOWN for a process that is not WOW64, as the docs say. */
    *process_machine = peb32 ? IMAGE_FILE_MACHINE_I386 : IMAGE_FILE_MACHINE_UNKNOWN;
    if (native_machine)
        *native_machine =
            ke_state(sys)->config.arch == NTSIM_ARCH_X64 ? IMAGE_FILE_MACHINE_AMD64 : IMAGE_FILE_MACHINE_I386;
    return 1;
}

/* ---- the DOS device map (\??) ------------------------------------------------ */

/* One name of \?? and the NT name it links to, as UTF-16. */
typedef struct dos_entry {
    const WCHAR *name, *target;
    size_t name_length, target_length; /* characters, no terminator */
    WCHAR drive[3], volume[64];        /* a drive's, converted here */
} dos_entry;

/* The names a driver's link takes in \?? (the directory's other spellings named). */
static bool link_name(const UNICODE_STRING *link, size_t *skip)
{
    static const char *const prefixes[] = { "\\??\\", "\\DosDevices\\", "\\GLOBAL??\\" };
    size_t n = link->Length / sizeof(WCHAR);
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t k = strlen(prefixes[i]), j = 0;
        while (j < k && j < n && (link->Buffer[j] | 0x20) == (prefixes[i][j] | 0x20))
            j++;
        if (j == k && n > k) {
            *skip = k;
            return true;
        }
    }
    return false;
}

/*
 * The i-th entry of the map: the drives first, then the drivers' symbolic
 * links in the order they were made. false past the end.
 */
static bool dos_entry_at(ntsim_system *sys, size_t i, dos_entry *e)
{
    size_t drive_count;
    const ps_dos_drive *drives = ps_dos_drives(&drive_count);
    if (i < drive_count) {
        e->drive[0] = (WCHAR)drives[i].letter, e->drive[1] = u':', e->drive[2] = 0;
        e->name = e->drive, e->name_length = 2;
        e->target_length = rtl_utf8_to_utf16(drives[i].device, strlen(drives[i].device), e->volume);
        e->target = e->volume;
        return true;
    }
    i -= drive_count;
    /* The list holds the newest first: count from its end. */
    size_t links = 0, skip;
    for (io_symlink *l = io_state(sys)->links; l; l = l->next)
        links += link_name(&l->link, &skip);
    if (i >= links)
        return false;
    size_t want = links - 1 - i;
    for (io_symlink *l = io_state(sys)->links; l; l = l->next) {
        if (!link_name(&l->link, &skip) || want--)
            continue;
        e->name = l->link.Buffer + skip;
        e->name_length = l->link.Length / sizeof(WCHAR) - skip;
        e->target = l->target.Buffer;
        e->target_length = l->target.Length / sizeof(WCHAR);
        return true;
    }
    return false;
}

static bool same_name(const WCHAR *a, size_t n, const WCHAR *b)
{
    for (size_t i = 0; i < n; i++, b++) {
        WCHAR x = a[i] >= u'a' && a[i] <= u'z' ? a[i] - 32 : a[i];
        WCHAR y = *b >= u'a' && *b <= u'z' ? *b - 32 : *b;
        if (!*b || x != y)
            return false;
    }
    return !*b;
}

/*
 * A name: its target, then the second terminator of a list of one.
 * NULL: every name, each terminated, then one more terminator. The count
 * of characters stored, terminators included; 0 with ERROR_FILE_NOT_FOUND
 * for a name not in the map, ERROR_INSUFFICIENT_BUFFER when it does not fit.
 */
DWORD QueryDosDeviceW(const WCHAR *device, WCHAR *target, DWORD max)
{
    ntsim_system *sys = w32_system("QueryDosDeviceW");
    dos_entry e;
    size_t used = 0;
    for (size_t i = 0; dos_entry_at(sys, i, &e); i++) {
        const WCHAR *s = device ? e.target : e.name;
        size_t n = device ? e.target_length : e.name_length;
        if (device && !same_name(e.name, e.name_length, device))
            continue;
        if (used + n + 1 + 1 > max) { /* this string, its terminator, the list's */
            w32_set_last_error(sys, ERROR_INSUFFICIENT_BUFFER);
            return 0;
        }
        if (!target) {
            w32_set_last_error(sys, ERROR_NOACCESS);
            return 0;
        }
        memcpy(target + used, s, n * sizeof(WCHAR));
        used += n;
        target[used++] = 0;
        if (device)
            break;
    }
    if (device && !used) {
        w32_set_last_error(sys, ERROR_FILE_NOT_FOUND);
        return 0;
    }
    if (used + 1 > max) {
        w32_set_last_error(sys, ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    if (!target) {
        w32_set_last_error(sys, ERROR_NOACCESS);
        return 0;
    }
    target[used++] = 0;
    return (DWORD)used;
}

/* Bit n for each drive letter 'A' + n in the map. */
DWORD GetLogicalDrives(void)
{
    ntsim_system *sys = w32_system("GetLogicalDrives");
    DWORD mask = 0;
    dos_entry e;
    for (size_t i = 0; dos_entry_at(sys, i, &e); i++) {
        WCHAR c = e.name[0] >= u'a' && e.name[0] <= u'z' ? e.name[0] - 32 : e.name[0];
        if (e.name_length == 2 && e.name[1] == u':' && c >= u'A' && c <= u'Z')
            mask |= 1u << (c - u'A');
    }
    return mask;
}
