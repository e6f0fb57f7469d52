/*
 * fails.c - a DriverEntry that fails holding pool: the load's status is its
 * own and the pool it leaked is reported and freed.
 */
#include "ntsim/wdk.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    ExAllocatePool2(POOL_FLAG_PAGED, 64, 'kaeL');
    ExAllocatePool2(POOL_FLAG_PAGED, 32, 'kaeL');
    DbgPrint("fails: DriverEntry gives up\n");
    return STATUS_DEVICE_DOES_NOT_EXIST;
}
