/*
 * book_style_driver.c - the same kind of driver in C: <ntddk.h>, L"" strings
 * with a 16-bit wchar_t, SAL, RTL_CONSTANT_STRING, a fast mutex. It must
 * compile warning-free with gcc and clang; the harness loads it too.
 */
#include <ntddk.h>
#include <ntddbeep.h>

#define DRIVER_TAG 'CkoB'

DRIVER_UNLOAD BookStyleCUnload;

static FAST_MUTEX Lock;
static ULONG Threads;

static void OnThreadNotify(_In_ HANDLE ProcessId, _In_ HANDLE ThreadId, _In_ BOOLEAN Create)
{
    ExAcquireFastMutex(&Lock);
    Threads += Create ? 1 : 0;
    ExReleaseFastMutex(&Lock);
    if (Create)
        KdPrint(("thread %u in %u\n", HandleToUlong(ThreadId), HandleToUlong(ProcessId)));
}

_Use_decl_annotations_ void BookStyleCUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    PsRemoveCreateThreadNotifyRoutine(OnThreadNotify);
    DbgPrint("C driver saw %u threads\n", Threads);
}

NTSTATUS BookStyleCEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING beep = RTL_CONSTANT_STRING(DD_BEEP_DEVICE_NAME_U);
    DbgPrint("C driver at %wZ; the beep device is %wZ\n", RegistryPath, &beep);
    ExInitializeFastMutex(&Lock);
    DriverObject->DriverUnload = BookStyleCUnload;
    return PsSetCreateThreadNotifyRoutine(OnThreadNotify);
}
