/*
 * solution.c - exercise 08's reference answers, read with
 *   ntsim debug -c "bp 17; g; bp detector!ThreadNotify; g; !thread; .process ffff9210`00007080; !vad; !ready; q"
 *     sim/scenarios/book-injection.scn
 * The detector's routine is a plain one: it runs in the creator's context,
 * the injector's thread 0x20 of process 0x1c. The remote thread's stack
 * VAD ("stack of thread 36") spans pages 0x110 to 0x20f; explorer's and
 * notepad's first threads wait in the ready queue.
 */
#include "../exercise.h"

void ex08_answer(ex08_answers *a)
{
    a->current_pid = 0x1c;
    a->current_tid = 0x20;
    a->stack_start_vpn = 0x110;
    a->stack_end_vpn = 0x20f;
    a->ready_threads = 2;
}
