// book_style_driver.cpp - a driver written as Windows Kernel Programming's
// drivers are (C++, <ntddk.h>, L"" strings, SAL, new/delete on the pool, an
// executive resource, a lookaside list, the filter manager's file names),
// built against ntsim's WDK-named headers with a 16-bit wchar_t. The test
// harness (test_wdk_driver.c) loads it and checks what it printed.
#include <ntddk.h>
#include <fltKernel.h>
#include <dontuse.h>

// The WDK leaves these undeclared; drivers declare them themselves.
typedef enum _SYSTEM_INFORMATION_CLASS { SystemProcessInformation = 5 } SYSTEM_INFORMATION_CLASS;
extern "C" NTSTATUS NTAPI ZwQuerySystemInformation(SYSTEM_INFORMATION_CLASS SystemInformationClass,
                                                   PVOID SystemInformation, ULONG SystemInformationLength,
                                                   PULONG ReturnLength);

#define DRIVER_TAG 'tsoB'

void *__cdecl operator new(size_t size, POOL_TYPE type, ULONG tag = DRIVER_TAG)
{
    return ExAllocatePoolWithTag(type, size, tag);
}

void __cdecl operator delete(void *p, size_t)
{
    ExFreePoolWithTag(p, DRIVER_TAG);
}

void __cdecl operator delete(void *p)
{
    ExFreePoolWithTag(p, DRIVER_TAG);
}

struct Item {
    LIST_ENTRY Entry;
    ULONG ProcessId;
};

struct Globals {
    ERESOURCE Lock;
    NPAGED_LOOKASIDE_LIST Items;
    ULONG Images;
    ULONG ProcessCreates;
};

static Globals *g;

DRIVER_UNLOAD BookStyleUnload;
DRIVER_DISPATCH BookStyleCreateClose;

static void OnImageLoad(_In_opt_ PUNICODE_STRING FullImageName, _In_ HANDLE ProcessId, _In_ PIMAGE_INFO ImageInfo)
{
    UNREFERENCED_PARAMETER(FullImageName);
    if (!ImageInfo->ExtendedInfoPresent)
        return;
    auto info = CONTAINING_RECORD(ImageInfo, IMAGE_INFO_EX, ImageInfo);
    PFLT_FILE_NAME_INFORMATION name;
    NTSTATUS status = FltGetFileNameInformationUnsafe(info->FileObject, nullptr,
                                                      FLT_FILE_NAME_NORMALIZED | FLT_FILE_NAME_QUERY_DEFAULT, &name);
    if (!NT_SUCCESS(status))
        return;
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&g->Lock, TRUE);
    g->Images++;
    ExReleaseResourceLite(&g->Lock);
    KeLeaveCriticalRegion();
    // By value, as MSVC code passes it on x64 (where it arrives by reference).
    DbgPrint("image %wZ final=%wZ pid=%u\n", name->Name, name->FinalComponent, HandleToUlong(ProcessId));
    FltReleaseFileNameInformation(name);
}

static void OnProcessNotify(_Inout_ PEPROCESS Process, _In_ HANDLE ProcessId,
                            _Inout_opt_ PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    UNREFERENCED_PARAMETER(Process);
    if (!CreateInfo)
        return;
    auto item = static_cast<Item *>(ExAllocateFromNPagedLookasideList(&g->Items));
    if (!item)
        return;
    item->ProcessId = HandleToUlong(ProcessId);
    ExEnterCriticalRegionAndAcquireResourceShared(&g->Lock);
    ULONG images = g->Images;
    ExReleaseResourceAndLeaveCriticalRegion(&g->Lock);
    g->ProcessCreates++;
    DbgPrint("process %u by %u (%u images so far) cmdline %wZ\n", item->ProcessId,
             HandleToUlong(CreateInfo->CreatingThreadId.UniqueProcess), images, CreateInfo->CommandLine);
    ExFreeToNPagedLookasideList(&g->Items, item);
}

_Use_decl_annotations_ NTSTATUS BookStyleCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_ void BookStyleUnload(PDRIVER_OBJECT DriverObject)
{
    PsRemoveLoadImageNotifyRoutine(OnImageLoad);
    PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, TRUE);
    UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\??\\BookStyle");
    IoDeleteSymbolicLink(&link);
    IoDeleteDevice(DriverObject->DeviceObject);
    ExDeleteNPagedLookasideList(&g->Items);
    ExDeleteResourceLite(&g->Lock);
    DbgPrint("unloaded after %u process creates\n", g->ProcessCreates);
    delete g;
}

extern "C" NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    DbgPrint("loading from %wZ\n", *RegistryPath);
    g = new (NonPagedPool) Globals{};
    if (!g)
        return STATUS_INSUFFICIENT_RESOURCES;
    ExInitializeResourceLite(&g->Lock);
    ExInitializeNPagedLookasideList(&g->Items, nullptr, nullptr, 0, sizeof(Item), DRIVER_TAG, 0);
    DECLARE_CONST_UNICODE_STRING(devName, L"\\Device\\BookStyle");
    UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\??\\BookStyle");
    PDEVICE_OBJECT device;
    NTSTATUS status = IoCreateDevice(DriverObject, 0, const_cast<PUNICODE_STRING>(&devName), FILE_DEVICE_UNKNOWN, 0,
                                     FALSE, &device);
    if (NT_SUCCESS(status))
        status = IoCreateSymbolicLink(&link, const_cast<PUNICODE_STRING>(&devName));
    if (NT_SUCCESS(status))
        status = PsSetCreateProcessNotifyRoutineEx(OnProcessNotify, FALSE);
    if (NT_SUCCESS(status))
        status = PsSetLoadImageNotifyRoutine(OnImageLoad);
    if (!NT_SUCCESS(status))
        return status;
    DriverObject->DriverUnload = BookStyleUnload;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = DriverObject->MajorFunction[IRP_MJ_CLOSE] = BookStyleCreateClose;
    WCHAR copy[32];
    wcscpy_s(copy, _countof(copy), L"wide");
    DbgPrint("%ws has %u characters, max(2,3)=%d\n", copy, (ULONG)wcslen(copy), max(2, 3));
    return STATUS_SUCCESS;
}
