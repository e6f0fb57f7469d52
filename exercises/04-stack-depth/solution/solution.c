/* Exercise 04 - reference solution: the stack-overflow depth from the rules. */
#include "exercise.h"

#define PAGE 0x1000u
#define GRANULARITY 0x10000u
#define MB 0x100000u

static SIZE_T round_up(SIZE_T value, SIZE_T multiple)
{
    return (value + multiple - 1) / multiple * multiple;
}

SIZE_T ex04_max_stack_depth(const ex04_stack_params *p)
{
    SIZE_T reserve = p->pe_reserve ? p->pe_reserve : MB;
    SIZE_T commit = p->pe_commit ? p->pe_commit : PAGE;
    if (p->stack_size) {
        if (p->is_reservation)
            reserve = p->stack_size;
        else
            commit = p->stack_size;
    }
    if (commit >= reserve)
        reserve = round_up(commit, MB);
    commit = round_up(commit, PAGE);
    reserve = round_up(reserve, GRANULARITY);
    if (commit >= reserve)
        return reserve; /* all committed: no guard, every byte usable */

    /* The guard region (3 pages on x64, 1 on x86 and WOW64) moves down while
     * the faulting guard page, minus the region and one more page, stays
     * above the reservation's base: the deepest page a touch reaches is
     * base + (guard + 2) pages. Pages committed from the start are usable
     * whatever happens below them. */
    SIZE_T guard = (p->arch == NTSIM_ARCH_X64 ? 3 : 1) * PAGE;
    SIZE_T grown = reserve - guard - 2 * PAGE;
    return grown > commit ? grown : commit;
}
