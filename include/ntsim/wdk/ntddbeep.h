/*
 * ntddbeep.h - the Beep device's interface, as the SDK's ntddbeep.h gives
 * it: its name, its one control code and that code's input. Shared by the
 * Beep driver (sim/drivers/beep.c), the drivers that call it (melody.c) and
 * drivers of your own.
 */
#ifndef NTSIM_WDK_NTDDBEEP_H
#define NTSIM_WDK_NTDDBEEP_H

#include "../wdk.h"

#define DD_BEEP_DEVICE_NAME "\\Device\\Beep"
#ifdef NTSIM_KERNEL_MODE
#define DD_BEEP_DEVICE_NAME_U L"\\Device\\Beep" /* a driver built as the WDK builds one: 16-bit wchar_t */
#else
#define DD_BEEP_DEVICE_NAME_U u"\\Device\\Beep"
#endif

/* 0x00010000: device type 1 (FILE_DEVICE_BEEP), function 0, buffered, any access. */
#define IOCTL_BEEP_SET CTL_CODE(FILE_DEVICE_BEEP, 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _BEEP_SET_PARAMETERS {
    ULONG Frequency; /* Hz */
    ULONG Duration;  /* ms */
} BEEP_SET_PARAMETERS, *PBEEP_SET_PARAMETERS;

#ifdef __cplusplus
static_assert(sizeof(BEEP_SET_PARAMETERS) == 8, "BEEP_SET_PARAMETERS: 8 bytes");
#else
_Static_assert(sizeof(BEEP_SET_PARAMETERS) == 8, "BEEP_SET_PARAMETERS: 8 bytes");
#endif

#define BEEP_FREQUENCY_MINIMUM 0x25   /* 37 Hz */
#define BEEP_FREQUENCY_MAXIMUM 0x7FFF /* 32767 Hz */

#endif
