/*
 * wdm.h - ntsim's wdm.h for drivers built as the WDK builds them: the kernel
 * API ntsim models, in the WDK's names and shapes (ntsim_kernel.h).
 */
#ifndef NTSIM_WDK_WDM_H
#define NTSIM_WDK_WDM_H
#include "ntsim_kernel.h"
#endif
