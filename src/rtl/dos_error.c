/*
 * dos_error.c - RtlNtStatusToDosError: the Win32 error a status becomes
 * (what GetLastError returns after a failed call), for the statuses ntsim
 * produces. Values from winerror.h.
 */
#include "ntsim/wdk.h"

static const struct { NTSTATUS status; ULONG error; } table[] = {
    { STATUS_SUCCESS, 0 },                          /* ERROR_SUCCESS */
    { STATUS_INVALID_PARAMETER, 87 },               /* ERROR_INVALID_PARAMETER */
    { STATUS_INVALID_CID, 87 },
    { STATUS_INVALID_PARAMETER_MIX, 87 },
    { STATUS_INVALID_PARAMETER_1, 87 },
    { STATUS_INVALID_PARAMETER_2, 87 },
    { STATUS_INVALID_PARAMETER_3, 87 },
    { STATUS_ACCESS_DENIED, 5 },                    /* ERROR_ACCESS_DENIED */
    { STATUS_INVALID_HANDLE, 6 },                   /* ERROR_INVALID_HANDLE */
    { STATUS_OBJECT_TYPE_MISMATCH, 6 },
    { STATUS_BUFFER_TOO_SMALL, 122 },               /* ERROR_INSUFFICIENT_BUFFER */
    { STATUS_INFO_LENGTH_MISMATCH, 24 },            /* ERROR_BAD_LENGTH */
    { STATUS_INVALID_BUFFER_SIZE, 1784 },           /* ERROR_INVALID_USER_BUFFER */
    { STATUS_INVALID_DEVICE_REQUEST, 1 },           /* ERROR_INVALID_FUNCTION */
    { STATUS_NOT_IMPLEMENTED, 1 },
    { STATUS_NOT_SUPPORTED, 50 },                   /* ERROR_NOT_SUPPORTED */
    { STATUS_UNSUCCESSFUL, 31 },                    /* ERROR_GEN_FAILURE */
    { STATUS_NO_MEMORY, 8 },                        /* ERROR_NOT_ENOUGH_MEMORY */
    { STATUS_INSUFFICIENT_RESOURCES, 1450 },        /* ERROR_NO_SYSTEM_RESOURCES */
    { STATUS_ACCESS_VIOLATION, 998 },               /* ERROR_NOACCESS */
    { STATUS_OBJECT_NAME_NOT_FOUND, 2 },            /* ERROR_FILE_NOT_FOUND */
    { STATUS_PROCESS_IS_TERMINATING, 5 },
    { STATUS_THREAD_IS_TERMINATING, 5 },
    { STATUS_NOT_FOUND, 1168 },                     /* ERROR_NOT_FOUND */
    { STATUS_OBJECT_PATH_NOT_FOUND, 3 },            /* ERROR_PATH_NOT_FOUND */
    { STATUS_OBJECT_NAME_INVALID, 123 },            /* ERROR_INVALID_NAME */
    { STATUS_BUFFER_OVERFLOW, 234 },                /* ERROR_MORE_DATA */
    { STATUS_PENDING, 997 },                        /* ERROR_IO_PENDING */
    { STATUS_TIMEOUT, 1460 },                       /* ERROR_TIMEOUT */
    { STATUS_DEVICE_DOES_NOT_EXIST, 55 },           /* ERROR_DEV_NOT_EXIST */
    { STATUS_NOT_SUPPORTED, 50 },                   /* ERROR_NOT_SUPPORTED */
    { STATUS_PARTIAL_COPY, 299 },                   /* ERROR_PARTIAL_COPY */
    { STATUS_CONFLICTING_ADDRESSES, 487 },          /* ERROR_INVALID_ADDRESS */
    { STATUS_NOT_COMMITTED, 487 },
    { STATUS_MEMORY_NOT_ALLOCATED, 487 },
    { STATUS_FREE_VM_NOT_AT_BASE, 487 },
    { STATUS_INVALID_ADDRESS, 487 },
    { STATUS_FILE_INVALID, 1006 },                  /* ERROR_FILE_INVALID */
    { STATUS_UNABLE_TO_FREE_VM, 87 },
    { STATUS_INVALID_PAGE_PROTECTION, 87 },
    { STATUS_INVALID_INFO_CLASS, 87 },
    { STATUS_INVALID_PARAMETER_1, 87 },
    { STATUS_INVALID_PARAMETER_2, 87 },
    { STATUS_INVALID_PARAMETER_3, 87 },
    { STATUS_INVALID_PARAMETER_4, 87 },
    { STATUS_INVALID_PARAMETER_5, 87 },
    { STATUS_INVALID_PARAMETER_6, 87 },
    { STATUS_ALREADY_COMMITTED, 5 },
    { STATUS_COMMITMENT_LIMIT, 1455 },              /* ERROR_COMMITMENT_LIMIT */
    { STATUS_PAGEFILE_QUOTA, 1454 },                /* ERROR_PAGEFILE_QUOTA */
    { STATUS_STACK_BUFFER_OVERRUN, 1282 },          /* ERROR_STACK_BUFFER_OVERRUN */
    { STATUS_NOT_ALL_ASSIGNED, 1300 },              /* ERROR_NOT_ALL_ASSIGNED */
    { STATUS_NO_SUCH_PRIVILEGE, 1313 },             /* ERROR_NO_SUCH_PRIVILEGE */
    { STATUS_PRIVILEGE_NOT_HELD, 1314 },            /* ERROR_PRIVILEGE_NOT_HELD */
    { STATUS_INVALID_SID, 1337 },                   /* ERROR_INVALID_SID */
    { STATUS_INVALID_FILE_FOR_SECTION, 193 },       /* ERROR_BAD_EXE_FORMAT */
    { STATUS_INVALID_IMAGE_FORMAT, 193 },
    { STATUS_INVALID_IMAGE_WIN_64, 193 },
    { STATUS_SECTION_TOO_BIG, 8 },
    { STATUS_MAPPED_ALIGNMENT, 1132 },              /* ERROR_MAPPED_ALIGNMENT */
    { STATUS_INVALID_VIEW_SIZE, 5 },
    { STATUS_SECTION_PROTECTION, 87 },
    { STATUS_SECTION_NOT_IMAGE, 87 },
    { STATUS_IMAGE_NOT_AT_BASE, 700 },              /* ERROR_IMAGE_NOT_AT_BASE */
    { STATUS_IMAGE_MACHINE_TYPE_MISMATCH, 706 },    /* ERROR_IMAGE_MACHINE_TYPE_MISMATCH */
};

ULONG RtlNtStatusToDosError(NTSTATUS Status)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].status == Status)
            return table[i].error;
    /* Unmapped: Windows answers ERROR_MR_MID_NOT_FOUND (317). */
    return 317;
}
