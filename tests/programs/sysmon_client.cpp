// sysmon_client.cpp - the system monitor's client as a Windows console
// program: it drains the driver's queue with ReadFile every 200 ms and
// prints each item with its time of day (FileTimeToLocalFileTime,
// FileTimeToSystemTime) and image paths as DOS paths (QueryDosDevice).
// It runs until its process is ended, as the book's client runs until
// Ctrl+C.
#include <windows.h>
#include <stdio.h>
#include <string>

enum class ItemType : short { None, ProcessCreate, ProcessExit, ThreadCreate, ThreadExit, ImageLoad };

struct ItemHeader {
    ItemType Type;
    USHORT Size;
    LARGE_INTEGER Time;
};

struct ProcessExitInfo : ItemHeader {
    ULONG ProcessId;
    ULONG ExitCode;
};

struct ProcessCreateInfo : ItemHeader {
    ULONG ProcessId;
    ULONG ParentProcessId;
    ULONG CreatingProcessId;
    ULONG CreatingThreadId;
    USHORT CommandLineLength;
    WCHAR CommandLine[1];
};

struct ThreadCreateInfo : ItemHeader {
    ULONG ThreadId;
    ULONG ProcessId;
};

struct ThreadExitInfo : ThreadCreateInfo {
    ULONG ExitCode;
};

const int MaxImageFileSize = 300;

struct ImageLoadInfo : ItemHeader {
    ULONG ProcessId;
    ULONG ImageSize;
    ULONG64 LoadAddress;
    WCHAR ImageFileName[MaxImageFileSize + 1];
};

static_assert(sizeof(ItemHeader) == 16, "ItemHeader: the driver's 16 bytes");

static void DisplayTime(const LARGE_INTEGER &time)
{
    FILETIME local;
    FileTimeToLocalFileTime((const FILETIME *)&time, &local);
    SYSTEMTIME st;
    FileTimeToSystemTime(&local, &st);
    printf("%02d:%02d:%02d.%03d: ", st.wHour, st.wMinute, st.wSecond, st.wMilliseconds);
}

// "\Device\HarddiskVolume3\Windows\..." as "C:\Windows\...", from the DOS device map.
static std::wstring GetDosNameFromNtName(const WCHAR *name)
{
    DWORD drives = GetLogicalDrives();
    for (int i = 0; i < 26; i++) {
        if (!(drives & (1u << i)))
            continue;
        WCHAR drive[] = { WCHAR(L'A' + i), L':', 0 };
        WCHAR target[MAX_PATH];
        if (!QueryDosDeviceW(drive, target, _countof(target)))
            continue;
        size_t n = wcslen(target);
        if (_wcsnicmp(name, target, n) == 0 && name[n] == L'\\')
            return std::wstring(drive) + (name + n);
    }
    return name;
}

static void DisplayInfo(BYTE *buffer, DWORD size)
{
    while (size > 0) {
        auto header = (ItemHeader *)buffer;
        switch (header->Type) {
        case ItemType::ProcessCreate: {
            DisplayTime(header->Time);
            auto info = (ProcessCreateInfo *)buffer;
            std::wstring commandline(info->CommandLine, info->CommandLineLength);
            printf("Process %u Created. Command line: %ws\n", info->ProcessId, commandline.c_str());
            break;
        }
        case ItemType::ProcessExit: {
            DisplayTime(header->Time);
            auto info = (ProcessExitInfo *)buffer;
            printf("Process %u Exited (Code: %u)\n", info->ProcessId, info->ExitCode);
            break;
        }
        case ItemType::ThreadCreate: {
            DisplayTime(header->Time);
            auto info = (ThreadCreateInfo *)buffer;
            printf("Thread %u Created in process %u\n", info->ThreadId, info->ProcessId);
            break;
        }
        case ItemType::ThreadExit: {
            DisplayTime(header->Time);
            auto info = (ThreadExitInfo *)buffer;
            printf("Thread %u Exited from process %u (Code: %u)\n", info->ThreadId, info->ProcessId,
                   info->ExitCode);
            break;
        }
        case ItemType::ImageLoad: {
            DisplayTime(header->Time);
            auto info = (ImageLoadInfo *)buffer;
            printf("Image loaded into process %u at address 0x%llX (%ws)\n", info->ProcessId,
                   info->LoadAddress, GetDosNameFromNtName(info->ImageFileName).c_str());
            break;
        }
        default:
            break;
        }
        buffer += header->Size;
        size -= header->Size;
    }
}

int main()
{
    auto hFile = CreateFile(L"\\\\.\\SysMon", GENERIC_READ, 0, nullptr, OPEN_EXISTING, 0, nullptr);
    if (hFile == INVALID_HANDLE_VALUE) {
        printf("Failed to open file (error=%lu)\n", GetLastError());
        return 1;
    }
    static BYTE buffer[1 << 16];
    for (;;) {
        DWORD bytes;
        if (!ReadFile(hFile, buffer, sizeof(buffer), &bytes, nullptr)) {
            printf("Failed to read (error=%lu)\n", GetLastError());
            return 1;
        }
        if (bytes != 0)
            DisplayInfo(buffer, bytes);
        Sleep(200);
    }
}
