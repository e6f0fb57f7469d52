/*
 * Exercise 04 - the stack-overflow depth. Read README.md (and
 * docs/guide-stacks.md), then write the parts marked TODO(student).
 * Grade yourself with the command in README.md.
 */
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

    /* TODO(student): step 1, CreateThread's parameter replaces the reserve
     * (is_reservation) or the commit (otherwise), when it is not 0. */

    /* TODO(student): step 2, a commit at least as large as the reserve makes
     * the reserve that commit rounded up to 1 MB (compare before rounding). */

    /* TODO(student): step 3, the commit rounds up to a page, the reserve up
     * to the allocation granularity (64 KB). */

    /* TODO(student): step 4, how many guard pages does this architecture
     * use, how does the guard region move as the stack grows, and where
     * does it stop? docs/stacks.md ("Growing") has the kernel's rule. The
     * answer is never less than what is committed at the start. */
    (void)round_up;
    (void)reserve;
    (void)commit;
    return 0;
}
