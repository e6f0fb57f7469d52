/*
 * Exercise 04 - how deep can a thread's stack go? Given how a thread is
 * created, compute the stack depth at which it overflows.
 * starter.c (yours) and solution/solution.c implement the function.
 */
#ifndef EX04_EXERCISE_H
#define EX04_EXERCISE_H

#include <ntsim/ntsim.h>

typedef struct ex04_stack_params {
    ntsim_arch arch;      /* the process's architecture; an x86 process runs under WOW64 */
    SIZE_T pe_reserve;    /* SizeOfStackReserve in the image's PE header; 0 = 1 MB */
    SIZE_T pe_commit;     /* SizeOfStackCommit; 0 = 4 KB */
    SIZE_T stack_size;    /* CreateThread's dwStackSize; 0 = the header's value */
    bool is_reservation;  /* STACK_SIZE_PARAM_IS_A_RESERVATION: stack_size is the reserve */
} ex04_stack_params;

/*
 * A process with that PE header (on an x64 system) creates a new thread
 * with that stack_size. Returns the largest number of bytes N, a multiple
 * of 4 KB and at most the stack's reservation, for which the thread can use
 * N bytes of its stack: ntsim_touch_stack(tid, N) returns STATUS_SUCCESS on
 * the fresh thread.
 */
SIZE_T ex04_max_stack_depth(const ex04_stack_params *p);

#endif
