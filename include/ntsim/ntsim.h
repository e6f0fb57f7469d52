/*
 * ntsim.h - the umbrella header: a deterministic simulator of the Windows
 * kernel's core concepts. Include this one header in an exercise.
 */
#ifndef NTSIM_NTSIM_H
#define NTSIM_NTSIM_H

#include "nt.h"
#include "names.h"
#include "system.h"
#include "ps.h"
#include "ob.h"
#include "mm.h"
#include "services.h"
#include "sysinfo.h"
#include "io.h"
#include "limits.h"
#include "program.h"
#include "se.h"

#endif
