/*
 * ntifs.h - ntsim's ntifs.h for drivers built as the WDK builds them: the kernel
 * API ntsim models, in the WDK's names and shapes (ntsim_kernel.h).
 */
#ifndef NTSIM_WDK_NTIFS_H
#define NTSIM_WDK_NTIFS_H
#include "ntsim_kernel.h"
#endif
