// melody_client.cpp - a client of the Melody driver written as a Windows
// console program (C++, <windows.h>, L"" strings): it plays the notes its
// arguments give (FREQUENCY:DURATION each) with one DeviceIoControl, then
// waits for them to be heard, printing what it does and when.
#include <windows.h>
#include <winioctl.h>
#include <stdio.h>
#include <stdlib.h>

#define MELODY_DEVICE 0x8003
#define IOCTL_MELODY_PLAY CTL_CODE(MELODY_DEVICE, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)

struct Note {
    ULONG Frequency;
    ULONG Duration;
    ULONG Delay;
    ULONG Repeat;
};

static int Error(const char *what)
{
    printf("%s failed (error=%lu)\n", what, GetLastError());
    return 1;
}

static int s_Plays; // a global: each process running this program has its own

int main(int argc, const char *argv[])
{
    if (argc < 2) {
        printf("Usage: MelodyClient FREQUENCY:DURATION...\n");
        return 2;
    }
    HANDLE hDevice = CreateFile(L"\\\\.\\KMelody", GENERIC_WRITE, 0, nullptr, OPEN_EXISTING, 0, nullptr);
    if (hDevice == INVALID_HANDLE_VALUE)
        return Error("CreateFile");
    Note notes[16] = {};
    int count = 0;
    ULONG total = 0;
    for (int i = 1; i < argc && count < (int)_countof(notes); i++, count++) {
        notes[count].Frequency = strtoul(argv[i], nullptr, 10);
        const char *colon = strchr(argv[i], ':');
        notes[count].Duration = colon ? strtoul(colon + 1, nullptr, 10) : 100;
        total += notes[count].Duration;
    }
    DWORD bytes;
    if (!DeviceIoControl(hDevice, IOCTL_MELODY_PLAY, notes, count * sizeof(Note), nullptr, 0, &bytes, nullptr))
        return Error("DeviceIoControl");
    s_Plays++;
    printf("play %d: %d note(s), %lu ms, at tick %llu\n", s_Plays, count, total, GetTickCount64());
    Sleep(total + 100);
    printf("done at tick %llu\n", GetTickCount64());
    CloseHandle(hDevice);
    return 0;
}
