// FirstClient.cpp - the first driver's client, a Windows console program:
// it reads the counts from \\.\First every second, as many times as its
// argument says, and prints them.
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

struct Counts {
    ULONG Created;
    ULONG Exited;
};

int main(int argc, char *argv[])
{
    int times = argc > 1 ? atoi(argv[1]) : 1;
    HANDLE device = CreateFile(L"\\\\.\\First", GENERIC_READ, 0, nullptr, OPEN_EXISTING, 0, nullptr);
    if (device == INVALID_HANDLE_VALUE) {
        printf("Failed to open \\\\.\\First (error=%lu)\n", GetLastError());
        return 1;
    }
    for (int i = 0; i < times; i++) {
        Counts counts;
        DWORD bytes;
        if (!ReadFile(device, &counts, sizeof counts, &bytes, nullptr)) {
            printf("Failed to read (error=%lu)\n", GetLastError());
            return 1;
        }
        printf("%llu ms: %lu created, %lu exited\n", GetTickCount64(), counts.Created, counts.Exited);
        Sleep(1000);
    }
    CloseHandle(device);
    return 0;
}
