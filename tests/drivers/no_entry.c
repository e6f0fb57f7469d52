/* no_entry.c - a module without DriverEntry: loading it fails with STATUS_PROCEDURE_NOT_FOUND. */
#include "ntsim/wdk.h"

NTSTATUS DriverMain(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    return STATUS_SUCCESS;
}
