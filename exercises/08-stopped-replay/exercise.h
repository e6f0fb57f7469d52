/*
 * Exercise 08 - a stopped replay: questions only a debugger answers. Stop
 * sim/scenarios/book-injection.scn where the detector's thread notify
 * routine is called for the remote thread (line 17) and read the answers
 * off the system as it is at that moment. starter.c (yours) and
 * solution/solution.c fill them in.
 */
#ifndef EX08_EXERCISE_H
#define EX08_EXERCISE_H

typedef struct ex08_answers {
    unsigned current_pid;        /* the current process when detector!ThreadNotify runs for the remote thread */
    unsigned current_tid;        /* ... and the current thread */
    unsigned long long stack_start_vpn; /* the first page number of the remote thread's stack VAD in notepad */
    unsigned long long stack_end_vpn;   /* ... and its last */
    unsigned ready_threads;      /* how many threads are in the ready queues at that moment */
} ex08_answers;

/* Your answers (as numbers: PIDs and TIDs as !process and !thread show them, in hex there). */
void ex08_answer(ex08_answers *a);

#endif
