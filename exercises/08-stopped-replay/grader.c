/*
 * grader.c - exercise 08's checks: the answers against the system itself,
 * stopped where the statement says, read by the grader's own debugging
 * session (the same replay and seed as yours).
 */
#include <stdlib.h>
#include <string.h>

#include "../grader.h"
#include "debug/debug.h"
#include "exercise.h"

/* The session's output at the stop: what the commands printed. */
static char *session(void)
{
    char path[4096];
    const char *here = __FILE__;
    const char *cut = strstr(here, "exercises/");
    snprintf(path, sizeof path, "%.*ssim/scenarios/book-injection.scn", cut ? (int)(cut - here) : 0, here);
    FILE *out = tmpfile();
    expect_that(out != NULL, "the grader could not make a temporary file for the session");
    sim_debug_options o = { .commands = "bp 17; g; bp detector!ThreadNotify; g; !thread; !process 14 0; !ready; q" };
    assert_int_equal(sim_debug_file(path, &o, out, stderr), 0);
    long n = ftell(out);
    rewind(out);
    char *text = calloc(1, (size_t)n + 1);
    expect_that(text != NULL, "the grader could not get %ld bytes from the host for the session", n);
    assert_int_equal(fread(text, 1, (size_t)n, out), (size_t)n);
    fclose(out);
    return text;
}

static void current_thread_is_the_creators(void **state)
{
    char *text = session();
    ex08_answers a = { 0 };
    ex08_answer(&a);
    const char *t = strstr(text, "kd> !thread\nTHREAD ");
    expect_that(t != NULL, "the session shows no THREAD after !thread, expected the stopped thread");
    unsigned pid = 0, tid = 0;
    const char *cid = strstr(t, "Cid ");
    expect_that(cid != NULL && sscanf(cid, "Cid %x.%x", &pid, &tid) == 2,
                "the session's !thread shows no Cid PID.TID, expected one");
    expect_int(a.current_pid, pid, "current_pid (the process of the thread the routine runs in)");
    expect_int(a.current_tid, tid, "current_tid (the thread the routine runs in)");
    free(text);
}

static void stack_vad_of_the_remote_thread(void **state)
{
    char *text = session();
    ex08_answers a = { 0 };
    ex08_answer(&a);
    /* The grader's own view of notepad's VADs at the stop. */
    const char *p = strstr(text, "Image: notepad.exe");
    expect_that(p != NULL, "the session's !process shows no notepad.exe, expected it");
    free(text);
    sim_debug_options o = { .commands = "bp 17; g; bp detector!ThreadNotify; g; .process ffff9210`00007080; !vad; q" };
    char path[4096];
    const char *here = __FILE__, *cut = strstr(here, "exercises/");
    snprintf(path, sizeof path, "%.*ssim/scenarios/book-injection.scn", cut ? (int)(cut - here) : 0, here);
    FILE *out = tmpfile();
    assert_int_equal(sim_debug_file(path, &o, out, stderr), 0);
    rewind(out);
    char line[512];
    bool found = false;
    while (fgets(line, sizeof line, out)) {
        unsigned long long addr, start, end;
        unsigned level;
        if (strstr(line, "stack of thread 36") && sscanf(line, "%llx %u %llx %llx", &addr, &level, &start, &end) == 4) {
            expect_int(a.stack_start_vpn, start, "stack_start_vpn (the remote thread's stack VAD, its first page)");
            expect_int(a.stack_end_vpn, end, "stack_end_vpn (the remote thread's stack VAD, its last page)");
            found = true;
        }
    }
    fclose(out);
    expect_that(found, "the session's !vad shows no stack of thread 36, expected one");
}

static void ready_threads_at_the_stop(void **state)
{
    char *text = session();
    ex08_answers a = { 0 };
    ex08_answer(&a);
    const char *r = strstr(text, "kd> !ready\n");
    const char *end = r ? strstr(r, "kd> q") : NULL;
    expect_that(end != NULL, "the session shows no !ready output, expected the ready queues");
    unsigned n = 0;
    for (const char *s = strstr(r, "    THREAD "); s && s < end; s = strstr(s + 1, "    THREAD "))
        n++;
    expect_int(a.ready_threads, n, "ready_threads (threads in the ready queues at the stop)");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(current_thread_is_the_creators),
        cmocka_unit_test(stack_vad_of_the_remote_thread),
        cmocka_unit_test(ready_threads_at_the_stop),
    };
    return GRADE("exercise 08: a stopped replay", tests);
}
