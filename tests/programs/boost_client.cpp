// boost_client.cpp - the priority booster's client as a Windows console
// program: `Boost <threadid> <priority>` writes one ThreadData to
// \\.\Booster and says whether the change succeeded.
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

struct ThreadData {
    ULONG ThreadId;
    int Priority;
};

static int Error(const char *message)
{
    printf("%s (error=%lu)\n", message, GetLastError());
    return 1;
}

int main(int argc, const char *argv[])
{
    if (argc < 3) {
        printf("Usage: Boost <threadid> <priority>\n");
        return 0;
    }
    HANDLE hDevice = CreateFile(L"\\\\.\\Booster", GENERIC_WRITE, FILE_SHARE_WRITE, nullptr, OPEN_EXISTING, 0, nullptr);
    if (hDevice == INVALID_HANDLE_VALUE)
        return Error("Failed to open device");
    ThreadData data;
    data.ThreadId = atoi(argv[1]);
    data.Priority = atoi(argv[2]);
    DWORD returned;
    BOOL success = WriteFile(hDevice, &data, sizeof data, &returned, nullptr);
    if (!success)
        return Error("Priority change failed!");
    printf("Priority change succeeded!\n");
    CloseHandle(hDevice);
    return 0;
}
