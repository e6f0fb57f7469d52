// memory_program.cpp - a Win32 program of the project's own for memory,
// system information and wide strings: it allocates simulated memory and
// reaches its contents through Read/WriteProcessMemory, asks the system
// what it is (GetSystemInfo, IsWow64Process, QueryDosDevice), and works
// with wide strings, the C runtime's and std::wstring's. Its argument picks
// a part: all (default), sysinfo, or a misuse the C runtime ends the
// process for (wcscpy_s-overflow, wcsicmp-null).
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include <functional>
#include <string>
#include <unordered_map>

static unsigned long long At(const void *p)
{
    return (unsigned long long)(ULONG_PTR)p;
}

static void Memory()
{
    HANDLE self = GetCurrentProcess();
    // The address is the simulated process's: not to be dereferenced here.
    char *p = (char *)VirtualAlloc(nullptr, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    printf("reserved at 0x%llx\n", At(p));
    if (VirtualAlloc(p, 0x2000, MEM_COMMIT, PAGE_READWRITE) != p)
        printf("commit failed (error=%lu)\n", GetLastError());
    const char text[] = "hello, simulated memory";
    SIZE_T n = 0;
    BOOL ok = WriteProcessMemory(self, p + 0x100, text, sizeof text, &n);
    printf("write: %d, %llu bytes\n", ok, (unsigned long long)n);
    char back[64] = {};
    ok = ReadProcessMemory(self, p + 0x100, back, sizeof text, &n);
    printf("read: %d, %llu bytes: %s\n", ok, (unsigned long long)n, back);

    MEMORY_BASIC_INFORMATION mbi;
    SIZE_T got = VirtualQuery(p, &mbi, sizeof mbi);
    printf("query: %llu bytes, base 0x%llx, size 0x%llx, state 0x%lx, protect 0x%lx, type 0x%lx\n",
           (unsigned long long)got, At(mbi.BaseAddress), (unsigned long long)mbi.RegionSize, mbi.State, mbi.Protect,
           mbi.Type);
    if (mbi.BaseAddress != p || mbi.AllocationBase != p)
        printf("query: wrong base\n");
    got = VirtualQuery(p, &mbi, sizeof mbi - 8);
    printf("short query: %llu (error=%lu)\n", (unsigned long long)got, GetLastError());

    DWORD old = 0;
    ok = VirtualProtect(p, 0x1000, PAGE_READONLY, &old);
    printf("protect: %d, old 0x%lx\n", ok, old);
    ok = WriteProcessMemory(self, p + 0x100, "x", 1, &n);
    printf("write to read-only: %d (error=%lu), %llu bytes\n", ok, GetLastError(), (unsigned long long)n);
    ok = VirtualProtect(p + 0x2000, 0x1000, PAGE_READONLY, &old);
    printf("protect reserved: %d (error=%lu)\n", ok, GetLastError());

    static char big[0x1000];
    ok = ReadProcessMemory(self, p + 0x1800, big, sizeof big, &n);
    printf("read past the commit: %d (error=%lu), %llu bytes\n", ok, GetLastError(), (unsigned long long)n);

    ok = VirtualFree(p, 0x1000, MEM_RELEASE);
    printf("release with a size: %d (error=%lu)\n", ok, GetLastError());
    ok = VirtualFree(p, 0, MEM_RELEASE);
    VirtualQuery(p, &mbi, sizeof mbi);
    printf("release: %d, state now 0x%lx\n", ok, mbi.State);
    p = (char *)VirtualAlloc(nullptr, 0, MEM_COMMIT, PAGE_READWRITE);
    printf("zero bytes: %s (error=%lu)\n", p ? "allocated" : "NULL", GetLastError());
}

static void SystemInformation()
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    printf("system: arch %u, type %lu, page %lu, granularity 0x%lx, cpus %lu, mask 0x%llx\n",
           si.wProcessorArchitecture, si.dwProcessorType, si.dwPageSize, si.dwAllocationGranularity,
           si.dwNumberOfProcessors, (unsigned long long)si.dwActiveProcessorMask);
    printf("application addresses 0x%llx to 0x%llx\n", At(si.lpMinimumApplicationAddress),
           At(si.lpMaximumApplicationAddress));
    GetNativeSystemInfo(&si);
    printf("native: arch %u, type %lu\n", si.wProcessorArchitecture, si.dwProcessorType);
    BOOL wow64 = FALSE;
    IsWow64Process(GetCurrentProcess(), &wow64);
    USHORT process_machine = 0, native_machine = 0;
    IsWow64Process2(GetCurrentProcess(), &process_machine, &native_machine);
    printf("wow64: %d, machines 0x%x on 0x%x\n", wow64, process_machine, native_machine);

    WCHAR target[256];
    DWORD n = QueryDosDevice(L"C:", target, _countof(target));
    printf("C: is %ws (%lu characters)\n", target, n);
    n = QueryDosDevice(nullptr, target, _countof(target));
    printf("%lu characters of names:", n);
    for (const WCHAR *name = target; *name; name += wcslen(name) + 1)
        printf(" %ws", name);
    printf("\n");
    n = QueryDosDevice(L"KMelody", target, _countof(target));
    printf("KMelody is %ws\n", n ? target : L"(none)");
    n = QueryDosDevice(L"Q:", target, _countof(target));
    printf("Q: %lu (error=%lu)\n", n, GetLastError());
    n = QueryDosDevice(L"C:", target, 5);
    printf("C: into 5: %lu (error=%lu)\n", n, GetLastError());
    printf("drives 0x%lx\n", GetLogicalDrives());
}

static void WideStrings()
{
    printf("_wcsicmp: %d %d\n", _wcsicmp(L"\\Device\\KMelody", L"\\DEVICE\\kmelody"), _wcsicmp(L"a", L"B") < 0);
    WCHAR path[32];
    wcscpy_s(path, L"\\\\.\\");
    wcscat_s(path, _countof(path), L"KMelody");
    WCHAR cut[5];
    errno_t e = wcsncpy_s(cut, _countof(cut), path, _TRUNCATE);
    printf("path %ws, cut to %ws (%d)\n", path, cut, e);
    WCHAR line[64];
    int len = swprintf(line, _countof(line), L"%s plays %d notes at %lu Hz", L"Melody", 3, 440ul);
    wprintf(L"swprintf: %s (%d)\n", line, len);
    len = swprintf(line, 8, L"%d", 1234567890);
    wprintf(L"swprintf, too long: %s (%d)\n", line, len);
    len = _snwprintf(line, 4, L"%d", 1234);
    printf("_snwprintf, exactly: %d, then 0x%x\n", len, (unsigned)line[4] == 0 ? 0u : 1u);
    WCHAR *end;
    printf("wcstoul: %lu %lu %lu, _wtoi: %d\n", wcstoul(L"440:200", &end, 10), wcstoul(L"0x1F", nullptr, 0),
           wcstoul(L"-1", nullptr, 10), _wtoi(L" -42"));
    printf("end at '%wc'\n", *end);
}

static void StdWstring()
{
    std::wstring device = L"\\Device\\KMelody";
    std::wstring link = L"\\??\\KMelody";
    printf("wstring: %ws, %zu characters, c_str length %zu\n", device.c_str(), device.size(), wcslen(device.c_str()));
    printf("find: %zu, rfind: %zu, npos: %d\n", device.find(L"KMelody"), device.rfind(L'\\'),
           device.find(L"Beep") == std::wstring::npos);
    std::wstring name = device.substr(device.rfind(L'\\') + 1);
    printf("compare: %d %d %d\n", name == link.substr(4), device.compare(link) > 0, name < device);
    std::hash<std::wstring> hash;
    printf("hash: equal strings %d, different strings %d\n", hash(name) == hash(L"KMelody"),
           hash(name) != hash(device));
    std::unordered_map<std::wstring, int> ids{ { L"KMelody", 1 }, { L"Beep", 2 } };
    printf("map: %d %d\n", ids[L"KMelody"], ids[L"Beep"]);
    std::wstring built = L"\\\\.\\" + name + L"#" + std::to_wstring(42);
    printf("built: %ws, stoul %lu\n", built.c_str(), std::stoul(std::wstring(L"1F"), nullptr, 16));
    built.insert(0, 3, L'>');
    built.replace(built.find(L"#"), 1, L" number ");
    built.erase(built.size() - 1);
    printf("edited: %ws\n", built.c_str());
}

int wmain(int argc, wchar_t **argv)
{
    std::wstring part = argc > 1 ? argv[1] : L"all";
    if (part == L"wcscpy_s-overflow") {
        WCHAR small[4];
        wcscpy_s(small, L"too long"); // the C runtime ends the process here
        printf("not reached\n");
        return 1;
    }
    if (part == L"wcsicmp-null") {
        printf("%d\n", _wcsicmp(nullptr, L"x"));
        printf("not reached\n");
        return 1;
    }
    SystemInformation();
    if (part == L"sysinfo")
        return 0;
    Memory();
    WideStrings();
    StdWstring();
    return 0;
}
