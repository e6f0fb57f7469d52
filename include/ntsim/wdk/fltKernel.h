/*
 * fltKernel.h - the part of the filter manager's API ntsim models: a file
 * object's name (FltGetFileNameInformationUnsafe), as image-load routines
 * use it on IMAGE_INFO_EX.FileObject. Registering a minifilter is not modelled.
 */
#ifndef NTSIM_WDK_FLTKERNEL_H
#define NTSIM_WDK_FLTKERNEL_H
#include "ntifs.h"
#endif
