/*
 * bugcheck.c - stopping the system (KeBugCheckEx). Windows stops with a bug
 * check when kernel code breaks a rule it cannot recover from; ntsim prints
 * the bug check's name, code and four parameters, and why, then aborts the
 * host process. The names are those of bugcodes.h and the debugger's
 * reference ("Bug Check Code Reference" on learn.microsoft.com).
 */
#include <stdio.h>
#include <stdlib.h>

#include "ke/ke.h"
#include "ntsim/wdk.h"

static const struct {
    ULONG code;
    const char *name;
} names[] = {
    { KMODE_EXCEPTION_NOT_HANDLED, "KMODE_EXCEPTION_NOT_HANDLED" },
    { SYSTEM_THREAD_EXCEPTION_NOT_HANDLED, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED" },
    { BAD_POOL_CALLER, "BAD_POOL_CALLER" },
    { DRIVER_VERIFIER_DETECTED_VIOLATION, "DRIVER_VERIFIER_DETECTED_VIOLATION" },
    { MANUALLY_INITIATED_CRASH, "MANUALLY_INITIATED_CRASH" },
    { RESOURCE_NOT_OWNED, "RESOURCE_NOT_OWNED" },
};

static const char *bug_check_name(ULONG code)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == code)
            return names[i].name;
    return "(a bug check ntsim does not name)";
}

_Noreturn void ke_bug_check(ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4, const char *why)
{
    fprintf(stderr, "ntsim: bug check 0x%08lX %s (0x%llx, 0x%llx, 0x%llx, 0x%llx)%s%s\n", (unsigned long)code,
            bug_check_name(code), (unsigned long long)p1, (unsigned long long)p2, (unsigned long long)p3,
            (unsigned long long)p4, why ? ": " : "", why ? why : "");
    fflush(stderr);
    abort();
}

void KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1, ULONG_PTR BugCheckParameter2,
                  ULONG_PTR BugCheckParameter3, ULONG_PTR BugCheckParameter4)
{
    ke_bug_check(BugCheckCode, BugCheckParameter1, BugCheckParameter2, BugCheckParameter3, BugCheckParameter4,
                 "KeBugCheckEx called by driver code");
}
