/* debug_print.c - DbgPrint: a driver's line to the kernel debugger, as an event. */
#include <stdarg.h>

#include "ke/context.h"
#include "ke/ke.h"
#include "rtl/format.h"

ULONG DbgPrint(const char *Format, ...)
{
    ntsim_system *sys = ke_current_system("DbgPrint");
    char text[512];
    va_list ap;
    va_start(ap, Format);
    rtl_vformat(text, sizeof text, Format, ap); /* %wZ, %ws and the C conversions */
    va_end(ap);
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
