/*
 * context.h - which system, and which driver, the code now running belongs
 * to. Windows code finds its processor's state through a segment register;
 * ntsim code entering a driver records the system and the driver for the
 * calling host thread, so the WDK's argument-less calls (PsGetCurrentProcessId,
 * ExAllocatePoolWithTag) know where they are. Saved and restored on every
 * entry, so calls nest and two systems can take turns in one host thread.
 */
#ifndef NTSIM_KE_CONTEXT_H
#define NTSIM_KE_CONTEXT_H

#include "ntsim/system.h"

typedef struct io_driver io_driver; /* opaque here: io owns drivers */

typedef struct ke_context {
    ntsim_system *sys;
    io_driver *driver;
    const char *image; /* the driver's name, for what its code prints ("" for the kernel) */
} ke_context;

/* Enters driver code of `driver` (NULL: the kernel itself); returns what to restore. */
ke_context ke_enter(ntsim_system *sys, io_driver *driver, const char *image);
void ke_leave(ke_context saved);

/* Runs expr as code of `driver` (named image), restoring the context after. */
#define KE_CALL_AS(sys, driver, image, expr)                   \
    do {                                                       \
        ke_context saved_ = ke_enter((sys), (driver), (image)); \
        expr;                                                  \
        ke_leave(saved_);                                      \
    } while (0)

/* A call event around a driver routine, when calls are traced: begin (true) or return. */
void ke_trace_call(ntsim_system *sys, const char *image, const char *routine, bool begin);

/* KE_CALL_AS for a routine of the driver's (DriverEntry, a dispatch or notify
   routine): traced as a call, when calls are traced, under its name. */
#define KE_CALL_ROUTINE(sys, driver, image, routine, expr)   \
    do {                                                       \
        ke_trace_call((sys), (image), (routine), true);        \
        KE_CALL_AS((sys), (driver), (image), expr);            \
        ke_trace_call((sys), (image), (routine), false);       \
    } while (0)

/* The system of the running code, or NULL outside any (for a signal handler). */
ntsim_system *ke_context_system(void);
/* The system of the running driver code; aborts with a message outside it. */
ntsim_system *ke_current_system(const char *api);
io_driver *ke_current_driver(void);
const char *ke_current_image(void);

#endif
