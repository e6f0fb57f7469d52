/*
 * apc.c - critical regions: a thread's count of them (KTHREAD's
 * KernelApcDisable). ntsim delivers no APCs, but the count is kept as
 * Windows keeps it, because the executive's resources demand that their
 * callers have normal kernel APCs disabled, and Driver Verifier stops a
 * driver that leaves a region it never entered (0xC4, parameter 0x3E).
 */
#include "ke/context.h"
#include "ke/ke.h"
#include "ntsim/wdk.h"

static ke_thread *current(const char *api)
{
    return ke_state(ke_current_system(api))->current_thread;
}

void KeEnterCriticalRegion(void)
{
    current("KeEnterCriticalRegion")->kernel_apc_disable--;
}

void KeLeaveCriticalRegion(void)
{
    ke_thread *t = current("KeLeaveCriticalRegion");
    if (t->kernel_apc_disable >= 0)
        ke_bug_check(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x3E, 0, 0, 0,
                     "KeLeaveCriticalRegion by a thread that is not in a critical region");
    t->kernel_apc_disable++;
}

BOOLEAN KeAreApcsDisabled(void)
{
    return current("KeAreApcsDisabled")->kernel_apc_disable != 0;
}

bool ke_normal_apcs_disabled(const ke_thread *t)
{
    return t->kernel_apc_disable != 0 || t->fast_mutexes != 0;
}
