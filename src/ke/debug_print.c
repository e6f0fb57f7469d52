/* debug_print.c - DbgPrint: a driver's line to the kernel debugger, as an event. */
#include <stdarg.h>

#include "ke/context.h"
#include "ke/ke.h"
#include "rtl/format.h"

static ULONG print(const char *api, const char *format, va_list ap)
{
    ntsim_system *sys = ke_current_system(api);
    char text[512];
    rtl_vformat(text, sizeof text, format, ap); /* %wZ, %ws and the C conversions */
    /* A trailing newline is the print's end of line, not part of the text. */
    size_t n = 0;
    while (text[n])
        n++;
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        text[--n] = '\0';
    ntsim_event e = { .kind = NTSIM_EVENT_DBGPRINT, .text = text, .image = ke_current_image() };
    ke_deliver_event(sys, &e);
    return STATUS_SUCCESS;
}

ULONG DbgPrint(const char *Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    ULONG r = print("DbgPrint", Format, ap);
    va_end(ap);
    return r;
}

/* What the WDK-named headers' C++ DbgPrint calls once it has turned a
   UNICODE_STRING given by value into a pointer (see ntsim/wdk/ntsim_kernel.h). */
ULONG ntsim_dbg_print(const char *Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    ULONG r = print("DbgPrint", Format, ap);
    va_end(ap);
    return r;
}

ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, const char *Format, ...)
{
    (void)ComponentId, (void)Level; /* no filter: every line is shown */
    va_list ap;
    va_start(ap, Format);
    ULONG r = print("DbgPrintEx", Format, ap);
    va_end(ap);
    return r;
}
