// threads_program.cpp - threads, events and waits in a Win32 program of the
// project's own. With no arguments: main starts a worker with CreateThread,
// they signal each other with events, main waits for both the worker's
// "done" event and its end with WaitForMultipleObjects and reads its exit
// code; then a few calls that must fail, with their last errors.
// "target": waits for a remote thread to knock (its Knock function).
// "inject PID": knocks on PID from a remote thread (CreateRemoteThread at
// this program's own Knock: the same address in PID, which runs the same
// program), then a remote thread at an address that is no code.
// "kill PID": TerminateProcess and GetExitCodeProcess on PID.
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static HANDLE g_Ready, g_Go, g_Done; // events the worker and main share
static HANDLE g_Knocked;             // set by a remote thread running Knock
static int g_Work;

static DWORD WINAPI Worker(LPVOID parameter)
{
    int *count = static_cast<int *>(parameter);
    printf("worker %lu: ready\n", GetCurrentThreadId());
    SetEvent(g_Ready);
    WaitForSingleObject(g_Go, INFINITE);
    Sleep(100);
    for (int i = 1; i <= *count; i++)
        g_Work += i;
    printf("worker: summed 1..%d\n", *count);
    SetEvent(g_Done);
    return 7;
}

extern "C" DWORD WINAPI Knock(LPVOID)
{
    printf("knock from thread %lu of process %lu\n", GetCurrentThreadId(), GetCurrentProcessId());
    SetEvent(g_Knocked);
    return 42;
}

static int Error(const char *what)
{
    printf("%s failed (error=%lu)\n", what, GetLastError());
    return 1;
}

// A call's outcome and its last error, read right after it.
static void Show(const char *what, bool ok)
{
    DWORD error = GetLastError();
    printf("%s: %s, error %lu\n", what, ok ? "succeeded" : "failed", error);
}

static int Demo()
{
    g_Ready = CreateEventW(nullptr, FALSE, FALSE, nullptr); // auto-reset
    g_Go = CreateEventW(nullptr, TRUE, FALSE, nullptr);     // manual-reset
    g_Done = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    if (!g_Ready || !g_Go || !g_Done)
        return Error("CreateEvent");
    int count = 10;
    DWORD tid = 0;
    HANDLE worker = CreateThread(nullptr, 0, Worker, &count, 0, &tid);
    if (!worker)
        return Error("CreateThread");
    if (WaitForSingleObject(g_Ready, INFINITE) != WAIT_OBJECT_0)
        return Error("WaitForSingleObject");
    printf("main: worker %s ready\n", tid ? "is" : "is not");
    printf("main: ready is auto-reset, now %s\n", WaitForSingleObject(g_Ready, 0) == WAIT_TIMEOUT ? "clear" : "set");
    DWORD code = 0;
    GetExitCodeThread(worker, &code);
    printf("main: worker exit code while it runs: %lu (STILL_ACTIVE %s)\n", code, code == STILL_ACTIVE ? "yes" : "no");
    HANDLE both[2] = { g_Done, worker };
    printf("main: wait-any on done/worker with 50 ms: %s\n",
           WaitForMultipleObjects(2, both, FALSE, 50) == WAIT_TIMEOUT ? "timeout" : "signaled");
    ULONGLONG before = GetTickCount64();
    SetEvent(g_Go);
    DWORD r = WaitForMultipleObjects(2, both, TRUE, 5000);
    printf("main: wait-all returned %lu after %llu ms, work=%d\n", r, GetTickCount64() - before, g_Work);
    GetExitCodeThread(worker, &code);
    printf("main: worker exit code %lu\n", code);
    printf("main: wait-any now returns %lu (the first signaled)\n", WaitForMultipleObjects(2, both, FALSE, 0));
    ResetEvent(g_Done);
    printf("main: after ResetEvent, wait-any returns %lu\n", WaitForMultipleObjectsEx(2, both, FALSE, 0, FALSE));

    // Calls that fail, with Windows' last errors.
    SetLastError(0);
    Show("SetEvent(bogus handle)", SetEvent((HANDLE)(ULONG_PTR)0x1234));
    Show("SetEvent(a thread)", SetEvent(worker));
    Show("WaitForMultipleObjects(0 handles)", WaitForMultipleObjects(0, both, FALSE, 0) != WAIT_FAILED);
    Show("WaitForMultipleObjects(65 handles)", WaitForMultipleObjects(65, both, FALSE, 0) != WAIT_FAILED);
    Show("OpenProcess(no such pid)", OpenProcess(PROCESS_ALL_ACCESS, FALSE, 9999) != nullptr);
    Show("OpenProcess(System, all access)", OpenProcess(PROCESS_ALL_ACCESS, FALSE, 4) != nullptr);
    Show("OpenThread(no such tid)", OpenThread(THREAD_ALL_ACCESS, FALSE, 9999) != nullptr);
    Show("CreateEvent(named)", CreateEventW(nullptr, TRUE, FALSE, L"Ready") != nullptr);
    Show("GetExitCodeThread(an event)", GetExitCodeThread(g_Done, &code));
    HANDLE self = OpenThread(THREAD_QUERY_LIMITED_INFORMATION, FALSE, GetCurrentThreadId());
    printf("OpenThread(self): %s\n", self ? "opened" : "NULL");
    GetExitCodeProcess(GetCurrentProcess(), &code);
    printf("own exit code while running: %lu\n", code);
    CloseHandle(self);
    CloseHandle(worker);
    return 0;
}

static int Target()
{
    g_Knocked = CreateEventW(nullptr, FALSE, FALSE, nullptr);
    printf("target %lu: waiting for a knock\n", GetCurrentProcessId());
    DWORD r = WaitForSingleObject(g_Knocked, 10000);
    printf("target: %s\n", r == WAIT_OBJECT_0 ? "knocked" : "nobody knocked");
    Sleep(500); // time for the injector's next remote thread
    return r == WAIT_OBJECT_0 ? 0 : 1;
}

static int Inject(DWORD pid)
{
    HANDLE process = OpenProcess(PROCESS_CREATE_THREAD | PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, pid);
    if (!process)
        return Error("OpenProcess");
    DWORD tid = 0, code = 0;
    HANDLE thread = CreateRemoteThread(process, nullptr, 0, Knock, nullptr, 0, &tid);
    if (!thread)
        return Error("CreateRemoteThread");
    WaitForSingleObject(thread, INFINITE);
    GetExitCodeThread(thread, &code);
    printf("injector: remote thread %s, exit code %lu\n", tid ? "created" : "?", code);
    CloseHandle(thread);
    // An address that is no code of the target's: the thread ends at once with 0.
    thread = CreateRemoteThreadEx(process, nullptr, 0, (LPTHREAD_START_ROUTINE)(ULONG_PTR)0x10000000, nullptr, 0,
                                  nullptr, nullptr);
    if (!thread)
        return Error("CreateRemoteThreadEx");
    WaitForSingleObject(thread, INFINITE);
    GetExitCodeThread(thread, &code);
    printf("injector: thread at no code ended with %lu\n", code);
    CloseHandle(thread);
    HANDLE limited = OpenProcess(SYNCHRONIZE, FALSE, pid);
    Show("CreateRemoteThread without PROCESS_CREATE_THREAD",
         CreateRemoteThread(limited, nullptr, 0, Knock, nullptr, 0, nullptr) != nullptr);
    CloseHandle(limited);
    CloseHandle(process);
    return 0;
}

static int Kill(DWORD pid)
{
    HANDLE process = OpenProcess(PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, pid);
    if (!process)
        return Error("OpenProcess");
    DWORD code = 0;
    GetExitCodeProcess(process, &code);
    printf("killer: %lu runs (exit code %lu)\n", pid, code);
    if (!TerminateProcess(process, 99))
        return Error("TerminateProcess");
    printf("killer: wait returns %lu\n", WaitForSingleObject(process, 1000));
    GetExitCodeProcess(process, &code);
    printf("killer: exit code %lu\n", code);
    Show("TerminateProcess again", TerminateProcess(process, 1));
    Show("TerminateProcess(NULL)", TerminateProcess(nullptr, 1));
    CloseHandle(process);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "target") == 0)
        return Target();
    if (argc >= 3 && strcmp(argv[1], "inject") == 0)
        return Inject(strtoul(argv[2], nullptr, 10));
    if (argc >= 3 && strcmp(argv[1], "kill") == 0)
        return Kill(strtoul(argv[2], nullptr, 10));
    return Demo();
}
