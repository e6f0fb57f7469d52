/*
 * kernel32.h (private) - the Win32 calls the library provides, declared with
 * the library's C types: the same ABI as include/ntsim/win32/windows.h
 * declares them for programs (DWORD = uint32_t, BOOL = int, WCHAR 16 bits).
 */
#ifndef NTSIM_WIN32_KERNEL32_H
#define NTSIM_WIN32_KERNEL32_H

#include <stdint.h>

#include "ntsim/nt.h"
#include "ntsim/se_types.h"

typedef uint32_t DWORD;
typedef int BOOL;
typedef struct { DWORD dwLowDateTime, dwHighDateTime; } FILETIME;
typedef struct { uint16_t wYear, wMonth, wDayOfWeek, wDay, wHour, wMinute, wSecond, wMilliseconds; } SYSTEMTIME;

#define INFINITE 0xFFFFFFFFu
#define INVALID_HANDLE_VALUE ((HANDLE)(intptr_t)-1)
#define WAIT_OBJECT_0 0x00000000u
#define WAIT_IO_COMPLETION 0x000000C0u
#define WAIT_TIMEOUT 0x00000102u
#define WAIT_FAILED 0xFFFFFFFFu
#define STILL_ACTIVE 0x00000103u
#define CREATE_SUSPENDED 0x00000004u
#define STACK_SIZE_PARAM_IS_A_RESERVATION 0x00010000u
#define MAX_EVENT_NAME 260 /* a narrow name converted for CreateEventA: longer ones are cut */

DWORD GetLastError(void);
void SetLastError(DWORD error);

HANDLE CreateFileW(const WCHAR *name, DWORD access, DWORD share, void *security, DWORD disposition, DWORD flags,
                   HANDLE template_file);
HANDLE CreateFileA(const char *name, DWORD access, DWORD share, void *security, DWORD disposition, DWORD flags,
                   HANDLE template_file);
BOOL ReadFile(HANDLE file, void *buffer, DWORD length, DWORD *read, void *overlapped);
BOOL WriteFile(HANDLE file, const void *buffer, DWORD length, DWORD *written, void *overlapped);
BOOL DeviceIoControl(HANDLE device, DWORD code, void *in, DWORD in_size, void *out, DWORD out_size, DWORD *returned,
                     void *overlapped);
BOOL CloseHandle(HANDLE object);

void Sleep(DWORD ms);
DWORD SleepEx(DWORD ms, BOOL alertable);
DWORD GetTickCount(void);
uint64_t GetTickCount64(void);
BOOL QueryPerformanceCounter(int64_t *count);
BOOL QueryPerformanceFrequency(int64_t *frequency);
void GetSystemTimeAsFileTime(FILETIME *time);
BOOL FileTimeToSystemTime(const FILETIME *file_time, SYSTEMTIME *system_time);
BOOL SystemTimeToFileTime(const SYSTEMTIME *system_time, FILETIME *file_time);
BOOL FileTimeToLocalFileTime(const FILETIME *file_time, FILETIME *local);

DWORD GetCurrentProcessId(void);
DWORD GetCurrentThreadId(void);
HANDLE GetCurrentProcess(void);
HANDLE GetCurrentThread(void);
void ExitProcess(unsigned code);
DWORD WaitForSingleObject(HANDLE handle, DWORD ms);
HANDLE OpenProcess(DWORD access, BOOL inherit, DWORD process_id);
/* advapi32's token calls (token.c). */
BOOL OpenProcessToken(HANDLE process, DWORD access, HANDLE *token);
BOOL GetTokenInformation(HANDLE token, TOKEN_INFORMATION_CLASS cls, void *info, DWORD length, DWORD *returned);
BOOL AdjustTokenPrivileges(HANDLE token, BOOL disable_all, TOKEN_PRIVILEGES *new_state, DWORD length,
                           TOKEN_PRIVILEGES *previous, DWORD *returned);
BOOL LookupPrivilegeValueA(const char *system_name, const char *name, LUID *luid);
BOOL LookupPrivilegeValueW(const WCHAR *system_name, const WCHAR *name, LUID *luid);
BOOL TerminateProcess(HANDLE process, unsigned code);
BOOL GetExitCodeProcess(HANDLE process, DWORD *code);
HANDLE OpenThread(DWORD access, BOOL inherit, DWORD thread_id);
HANDLE CreateThread(void *security, size_t stack_size, DWORD (*start)(void *), void *parameter, DWORD flags,
                    DWORD *thread_id);
HANDLE CreateRemoteThread(HANDLE process, void *security, size_t stack_size, DWORD (*start)(void *),
                          void *parameter, DWORD flags, DWORD *thread_id);
HANDLE CreateRemoteThreadEx(HANDLE process, void *security, size_t stack_size, DWORD (*start)(void *),
                            void *parameter, DWORD flags, void *attributes, DWORD *thread_id);
_Noreturn void ExitThread(DWORD code);
BOOL GetExitCodeThread(HANDLE thread, DWORD *code);
DWORD SuspendThread(HANDLE thread);
DWORD ResumeThread(HANDLE thread);
HANDLE CreateEventW(void *security, BOOL manual_reset, BOOL initial_state, const WCHAR *name);
HANDLE CreateEventA(void *security, BOOL manual_reset, BOOL initial_state, const char *name);
BOOL SetEvent(HANDLE event);
BOOL ResetEvent(HANDLE event);
DWORD WaitForSingleObjectEx(HANDLE handle, DWORD ms, BOOL alertable);
DWORD WaitForMultipleObjects(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD ms);
DWORD WaitForMultipleObjectsEx(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD ms, BOOL alertable);

/* ---- memory (src/win32/memory.c): simulated addresses as void * values ---- */
void *VirtualAlloc(void *where, SIZE_T size, DWORD type, DWORD protect);
void *VirtualAllocEx(HANDLE process, void *where, SIZE_T size, DWORD type, DWORD protect);
BOOL VirtualFree(void *where, SIZE_T size, DWORD type);
BOOL VirtualFreeEx(HANDLE process, void *where, SIZE_T size, DWORD type);
BOOL VirtualProtect(void *where, SIZE_T size, DWORD protect, DWORD *old);
BOOL VirtualProtectEx(HANDLE process, void *where, SIZE_T size, DWORD protect, DWORD *old);
SIZE_T VirtualQuery(const void *where, void *info, SIZE_T length);
SIZE_T VirtualQueryEx(HANDLE process, const void *where, void *info, SIZE_T length);
BOOL ReadProcessMemory(HANDLE process, const void *from, void *buffer, SIZE_T size, SIZE_T *read);
BOOL WriteProcessMemory(HANDLE process, void *to, const void *buffer, SIZE_T size, SIZE_T *written);

/* ---- file mappings (src/win32/mapping.c) ---- */
#define FILE_MAP_COPY 0x0001u
#define FILE_MAP_WRITE 0x0002u
#define FILE_MAP_READ 0x0004u
#define FILE_MAP_EXECUTE 0x0020u
HANDLE CreateFileMappingW(HANDLE file, void *security, DWORD protect, DWORD max_high, DWORD max_low,
                          const WCHAR *name);
HANDLE CreateFileMappingA(HANDLE file, void *security, DWORD protect, DWORD max_high, DWORD max_low,
                          const char *name);
void *MapViewOfFile(HANDLE mapping, DWORD access, DWORD offset_high, DWORD offset_low, SIZE_T bytes);
void *MapViewOfFileEx(HANDLE mapping, DWORD access, DWORD offset_high, DWORD offset_low, SIZE_T bytes, void *where);
BOOL UnmapViewOfFile(const void *base);

/* ---- system information (src/win32/sysinfo.c) ---- */
typedef struct {
    union {
        DWORD dwOemId;
        struct {
            uint16_t wProcessorArchitecture;
            uint16_t wReserved;
        };
    };
    DWORD dwPageSize;
    void *lpMinimumApplicationAddress; /* simulated addresses */
    void *lpMaximumApplicationAddress;
    uint64_t dwActiveProcessorMask;
    DWORD dwNumberOfProcessors;
    DWORD dwProcessorType;
    DWORD dwAllocationGranularity;
    uint16_t wProcessorLevel;
    uint16_t wProcessorRevision;
} SYSTEM_INFO;

void GetSystemInfo(SYSTEM_INFO *info);
void GetNativeSystemInfo(SYSTEM_INFO *info);
BOOL IsWow64Process(HANDLE process, BOOL *wow64);
BOOL IsWow64Process2(HANDLE process, USHORT *process_machine, USHORT *native_machine);
DWORD QueryDosDeviceW(const WCHAR *device, WCHAR *target, DWORD max);
DWORD GetLogicalDrives(void);

#endif
