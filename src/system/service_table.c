/*
 * service_table.c - the service table (KiServiceTable) built from the one
 * list of services (service_list.h), and lookups in it by number and name.
 */
#include <string.h>

#include "system/service_list.h"
#include "system/service_table.h"

#define SVC(number, name, argc, routine) { number, #name, argc, routine },
const sys_service sys_services[] = { SYS_SERVICES(SVC) };
#undef SVC

const ULONG sys_service_count = sizeof sys_services / sizeof sys_services[0];

const sys_service *sys_service_at(ULONG index)
{
    /* Binary search: the table above is sorted by number. */
    ULONG lo = 0, hi = sys_service_count;
    while (lo < hi) {
        ULONG mid = (lo + hi) / 2;
        if (sys_services[mid].number < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < sys_service_count && sys_services[lo].number == index ? &sys_services[lo] : NULL;
}

NTSTATUS ntsim_service_number(const char *name, ULONG *number)
{
    for (ULONG i = 0; i < sys_service_count; i++) {
        if (strcmp(sys_services[i].name, name) == 0) {
            *number = sys_services[i].number;
            return STATUS_SUCCESS;
        }
    }
    return STATUS_NOT_FOUND;
}

ULONG ntsim_service_limit(void)
{
    return NTSIM_SERVICE_LIMIT;
}
