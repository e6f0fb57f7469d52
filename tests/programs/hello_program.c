/* hello_program.c - a first Win32 program of the project's own: its
   arguments, its IDs, the clock across a Sleep, a wide string, and its
   exit code. */
#include <windows.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("hello from %lu/%lu, %d argument(s)\n", GetCurrentProcessId(), GetCurrentThreadId(), argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = [%s]\n", i, argv[i]);
    ULONGLONG before = GetTickCount64();
    Sleep(250);
    printf("slept %llu ms\n", GetTickCount64() - before);
    const wchar_t *wide = L"\\Device\\Wide";
    printf("%ws has %u characters\n", wide, (unsigned)wcslen(wide));
    HANDLE h = CreateFileW(L"\\\\.\\NoSuchDevice", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    printf("open: %s, error %lu\n", h == INVALID_HANDLE_VALUE ? "failed" : "opened", GetLastError());
    fprintf(stderr, "done\n");
    return argc;
}
