/* injector_program.c - the classic injection's first step from a program
   of another file: OpenProcess on the PID its argument gives, then
   CreateRemoteThread at one of its own functions. The target runs other
   code, so the thread runs none of it: it ends at once with exit code 0,
   and a driver watching sees a thread created in the target by another
   process. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

DWORD WINAPI Payload(LPVOID parameter)
{
    (void)parameter;
    printf("payload runs in %lu\n", GetCurrentProcessId()); /* never printed: not code of the target's */
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("usage: injector PID\n");
        return 2;
    }
    DWORD pid = strtoul(argv[1], NULL, 10);
    HANDLE process = OpenProcess(PROCESS_ALL_ACCESS, FALSE, pid);
    if (!process) {
        printf("OpenProcess(%lu) failed (error=%lu)\n", pid, GetLastError());
        return 1;
    }
    DWORD tid = 0, code = 0;
    HANDLE thread = CreateRemoteThread(process, NULL, 0, Payload, NULL, CREATE_SUSPENDED, &tid);
    if (!thread) {
        printf("CreateRemoteThread failed (error=%lu)\n", GetLastError());
        return 1;
    }
    printf("injected thread %lu into %lu, suspended\n", tid, pid);
    GetExitCodeThread(thread, &code);
    printf("before resuming: exit code %lu\n", code);
    printf("wait 10 ms: %lu\n", WaitForSingleObjectEx(thread, 10, FALSE));
    ResumeThread(thread);
    WaitForSingleObject(thread, INFINITE);
    GetExitCodeThread(thread, &code);
    printf("remote thread ended with %lu\n", code);
    CloseHandle(thread);
    CloseHandle(process);
    return 0;
}
