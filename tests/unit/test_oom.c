/*
 * test_oom.c - a call that meets an allocation failure reports it and leaves
 * the system as it was: for each call, the k-th of its host allocations is
 * made to fail (k = 1, 2, ... until the call makes fewer), and each time the
 * call returns STATUS_INSUFFICIENT_RESOURCES or STATUS_NO_MEMORY, delivers no
 * event, and leaves what the public API shows (processes, threads, handles,
 * every region of every address space, commit, kernel stacks) as it was
 * before, with the system's invariants whole (ntsim_check_system). Then the
 * same call, with memory, succeeds as it would have.
 *
 * Needs a build with NTSIM_FAULT_INJECTION; elsewhere the checks are skipped.
 */
#define _GNU_SOURCE /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/driver.h"
#include "ntsim/ntsim.h"
#include "rtl/format.h"
#include "scenario.h"

/* ---- what the public API shows of a system, as text ----------------------------- */

static bool region(void *context, const MEMORY_BASIC_INFORMATION *m, const char *detail)
{
    fprintf(context, "    region %llx %llx %x %x %x %x %s\n", (unsigned long long)m->BaseAddress,
            (unsigned long long)m->RegionSize, (unsigned)m->State, (unsigned)m->Protect, (unsigned)m->Type,
            (unsigned)m->AllocationProtect, detail ? detail : "");
    return true;
}

static bool handle(void *context, const NTSIM_HANDLE_INFO *h)
{
    fprintf(context, "    handle %x %s %u %x\n", h->handle, h->type_name, h->object_id, h->access);
    return true;
}

static bool thread(void *context, const NTSIM_THREAD_INFO *t)
{
    fprintf(context, "    thread %u state %d teb %llx stack %llx-%llx kstack %llx refs %lld/%lld\n", t->tid,
            (int)t->state, (unsigned long long)t->teb, (unsigned long long)t->deallocation_stack,
            (unsigned long long)t->stack_base, (unsigned long long)t->kernel_stack_base,
            (long long)t->pointer_count, (long long)t->object_handle_count);
    return true;
}

typedef struct dump {
    ntsim_system *sys;
    FILE *out;
} dump;

static bool process(void *context, const NTSIM_PROCESS_INFO *p)
{
    dump *d = context;
    fprintf(d->out, "process %u parent %u %s threads %u handles %u refs %lld/%lld exited %d image %llx peb %llx\n",
            p->pid, p->ppid, p->image_path, p->thread_count, p->handle_count, (long long)p->pointer_count,
            (long long)p->object_handle_count, p->exited, (unsigned long long)p->image_base,
            (unsigned long long)p->peb);
    ntsim_walk_threads(d->sys, p->pid, thread, d->out);
    ntsim_walk_handles(d->sys, p->pid, handle, d->out);
    ntsim_walk_memory(d->sys, p->pid, region, d->out);
    return true;
}

/* Everything the public API shows, and whether the invariants hold. The caller frees it. */
static char *snapshot(ntsim_system *sys)
{
    char *text = NULL;
    size_t size = 0;
    dump d = { sys, open_memstream(&text, &size) };
    assert_non_null(d.out);
    NTSIM_SYSTEM_INFO si;
    ntsim_query_system(sys, &si);
    fprintf(d.out, "commit %llu kernel stacks %llu system bytes %llu processes %u current %u\n",
            (unsigned long long)si.commit_charged, (unsigned long long)si.kernel_stacks,
            (unsigned long long)si.system_bytes, si.processes, ntsim_current_thread_id(sys));
    ntsim_walk_processes(sys, process, &d);
    char why[256] = "";
    fprintf(d.out, "invariants %s\n", ntsim_check_system(sys, why, sizeof why) ? "hold" : why);
    fclose(d.out);
    return text;
}

/* ---- the loop ------------------------------------------------------------------- */

static int events_seen;

static void count_event(void *context, const ntsim_event *e)
{
    (void)context, (void)e;
    events_seen++;
}

typedef struct fixture {
    ntsim_system *sys;
    ULONG pid, tid;   /* a process of the scenario's, and its first thread (current) */
    ULONG_PTR base;   /* a reservation the memory calls work on (16 MB) */
    unsigned n;       /* calls of the operation so far: each works on its own place */
} fixture;

typedef NTSTATUS (*call)(fixture *f);

static void boot(fixture *f)
{
    ntsim_config c;
    ntsim_config_default(&c);
    c.seed = 7;
    memset(f, 0, sizeof *f);
    assert_int_equal(ntsim_system_create(&c, &f->sys), STATUS_SUCCESS);
    NTSIM_PROCESS_PARAMS p;
    ntsim_process_params_default(&p, "C:\\Windows\\app.exe");
    CLIENT_ID cid;
    assert_int_equal(ntsim_create_process(f->sys, &p, &cid), STATUS_SUCCESS);
    f->pid = cid.UniqueProcess;
    f->tid = cid.UniqueThread;
    assert_int_equal(ntsim_set_current_thread(f->sys, f->tid), STATUS_SUCCESS);
    SIZE_T size = 0x1000000;
    assert_int_equal(NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &f->base, 0, &size, MEM_RESERVE,
                                             PAGE_READWRITE), STATUS_SUCCESS);
    ntsim_set_event_sink(f->sys, count_event, NULL);
}

/* A fresh fixture, set up by `prepare` too (if any), then `fn` run `runs` times. */
static void setup(fixture *f, call prepare, call fn, unsigned runs)
{
    boot(f);
    if (prepare)
        assert_int_equal(prepare(f), STATUS_SUCCESS);
    for (unsigned i = 0; i < runs; i++) {
        assert_int_equal(fn(f), STATUS_SUCCESS);
        f->n++;
    }
}

/*
 * First a clean run of `fn` tells how many host allocations it makes. Then
 * for each k of them, on a fresh fixture, the k-th is made to fail: the call
 * must report it (an out-of-memory status), deliver no event and change
 * nothing the public API shows. Returns how many allocations the call makes.
 */
static uint64_t sweep_call_after(call prepare, call fn, unsigned runs)
{
    fixture f;
    setup(&f, prepare, fn, runs);
    uint64_t start = ntsim_allocation_count();
    fn(&f);
    uint64_t made = ntsim_allocation_count() - start;
    ntsim_system_destroy(f.sys);
    for (uint64_t k = 1; k <= made; k++) {
        setup(&f, prepare, fn, runs);
        char *before = snapshot(f.sys);
        events_seen = 0;
        assert_true(ntsim_fail_allocation(k));
        NTSTATUS s = fn(&f);
        ntsim_fail_allocation(0);
        if (s != STATUS_INSUFFICIENT_RESOURCES && s != STATUS_NO_MEMORY)
            fail_msg("allocation %llu of %llu: status 0x%08x, not an out-of-memory status", (unsigned long long)k,
                     (unsigned long long)made, (unsigned)s);
        char *after = snapshot(f.sys);
        if (strcmp(before, after) != 0 || events_seen != 0) {
            print_error("allocation %llu of %llu: %d events; before:\n%s\nafter:\n%s\n", (unsigned long long)k,
                        (unsigned long long)made, events_seen, before, after);
            fail();
        }
        free(before);
        free(after);
        ntsim_system_destroy(f.sys);
    }
    return made;
}

static uint64_t sweep_call(call prepare, call fn)
{
    return sweep_call_after(prepare, fn, 0);
}

/*
 * Calls that take more memory only now and then (a pool, a table grows by
 * chunks): run `fn` until a run of it takes more than the first did, then
 * sweep that run. Each run of fn works on a place of its own (fixture.n).
 * Returns the allocations swept.
 */
static uint64_t sweep_growth(call prepare, call fn)
{
    fixture f;
    setup(&f, prepare, fn, 0);
    uint64_t usual = 0;
    for (unsigned runs = 0; runs < 4096; runs++) {
        uint64_t start = ntsim_allocation_count();
        assert_int_equal(fn(&f), STATUS_SUCCESS);
        f.n++;
        uint64_t made = ntsim_allocation_count() - start;
        if (runs == 0 && made)
            usual = made;
        else if (made > usual) {
            ntsim_system_destroy(f.sys);
            return sweep_call_after(prepare, fn, runs);
        }
    }
    fail_msg("4096 calls took no more memory than the first");
    return 0;
}

/* ---- the calls ------------------------------------------------------------------- */

static NTSTATUS create_process(fixture *f)
{
    NTSIM_PROCESS_PARAMS p;
    ntsim_process_params_default(&p, "C:\\Tools\\child.exe");
    p.parent_pid = f->pid;
    CLIENT_ID cid;
    return ntsim_create_process(f->sys, &p, &cid);
}

static NTSTATUS create_wow64_process_with_a_long_path(fixture *f)
{
    char path[600] = "C:\\";
    for (int i = 0; i < 40; i++)
        strcat(path, "directory\\");
    strcat(path, "old32.exe");
    NTSIM_PROCESS_PARAMS p;
    ntsim_process_params_default(&p, path);
    p.arch = NTSIM_ARCH_X86;
    p.command_line = path;
    CLIENT_ID cid;
    return ntsim_create_process(f->sys, &p, &cid);
}

static NTSTATUS create_thread(fixture *f)
{
    CLIENT_ID cid;
    return ntsim_create_thread(f->sys, f->pid, 0, false, &cid);
}

static NTSTATUS create_thread_by_service(fixture *f)
{
    HANDLE h;
    return NtCreateThreadEx(f->sys, &h, THREAD_ALL_ACCESS, NULL, NtCurrentProcess(), 0x1000, 0, 0, 0, 0, 0, NULL);
}

static NTSTATUS allocate(fixture *f)
{
    ULONG_PTR base = 0;
    SIZE_T size = 0x30000;
    return NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &base, 0, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
}

static NTSTATUS commit_middle(fixture *f)
{
    ULONG_PTR base = f->base + 0x10000 + 2 * 0x1000 * f->n; /* every other page: a run each */
    SIZE_T size = 0x2000;
    return NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &base, 0, &size, MEM_COMMIT, PAGE_READWRITE);
}

static NTSTATUS commit_all(fixture *f)
{
    ULONG_PTR base = f->base;
    SIZE_T size = 0x1000000;
    return NtAllocateVirtualMemory(f->sys, NtCurrentProcess(), &base, 0, &size, MEM_COMMIT, PAGE_READWRITE);
}

static NTSTATUS protect_middle(fixture *f)
{
    ULONG_PTR base = f->base + 0x3000 + 2 * 0x1000 * f->n;
    SIZE_T size = 0x1000;
    ULONG old;
    return NtProtectVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, PAGE_READONLY | PAGE_GUARD, &old);
}

static NTSTATUS release_middle(fixture *f)
{
    ULONG_PTR base = f->base + 0x40000 + 2 * 0x10000 * f->n; /* every other granule: a VAD each */
    SIZE_T size = 0x10000;
    return NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, MEM_RELEASE);
}

static NTSTATUS decommit_middle(fixture *f)
{
    ULONG_PTR base = f->base + 0x5000 + 2 * 0x1000 * f->n;
    SIZE_T size = 0x1000;
    return NtFreeVirtualMemory(f->sys, NtCurrentProcess(), &base, &size, MEM_DECOMMIT);
}

static NTSTATUS write_fresh_page(fixture *f)
{
    unsigned char bytes[32] = { 1, 2, 3 };
    return ntsim_write_memory(f->sys, f->base + 0x7FF0 + 0x2000 * f->n, bytes, sizeof bytes); /* across two pages */
}

static NTSTATUS touch_guard_page(fixture *f)
{
    return ntsim_touch_memory(f->sys, f->base + 0x3000, NTSIM_WRITE);
}

static NTSTATUS touch_stack_guard(fixture *f)
{
    NTSIM_THREAD_INFO t;
    NTSTATUS s = ntsim_query_thread(f->sys, f->tid, &t);
    return NT_SUCCESS(s) ? ntsim_touch_memory(f->sys, t.guard_end - 0x1000, NTSIM_WRITE) : s;
}

static NTSTATUS load_image(fixture *f)
{
    ULONG_PTR base;
    return ntsim_load_image(f->sys, "C:\\Windows\\System32\\kernel32.dll", 0x20000, &base);
}

/* 255 handles: the table's first page is full, the next handle needs another. */
static NTSTATUS fill_handle_table(fixture *f)
{
    for (int i = 0; i < 255; i++) {
        HANDLE h;
        CLIENT_ID cid = { f->pid, 0 };
        NTSTATUS s = NtOpenProcess(f->sys, &h, PROCESS_QUERY_LIMITED_INFORMATION, &cid);
        if (!NT_SUCCESS(s))
            return s;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS open_process(fixture *f)
{
    HANDLE h;
    CLIENT_ID cid = { f->pid, 0 }; /* System's DACL would refuse the caller's filtered token */
    return NtOpenProcess(f->sys, &h, PROCESS_QUERY_LIMITED_INFORMATION, &cid);
}

static NTSTATUS duplicate_handle(fixture *f)
{
    HANDLE h;
    return NtDuplicateObject(f->sys, NtCurrentProcess(), NtCurrentThread(), NtCurrentProcess(), &h, 0, 0,
                             DUPLICATE_SAME_ACCESS);
}

static NTSTATUS query_processes(fixture *f)
{
    static unsigned char buf[64 * 1024];
    ULONG len;
    return NtQuerySystemInformation(f->sys, SystemProcessInformation, buf, sizeof buf, &len);
}

static NTSTATUS create_file(fixture *f)
{
    WCHAR name[] = u"\\??\\SysMon";
    UNICODE_STRING u = { sizeof name - sizeof(WCHAR), sizeof name, name };
    OBJECT_ATTRIBUTES oa = { sizeof oa, NULL, &u, 0, NULL, NULL };
    IO_STATUS_BLOCK iosb;
    HANDLE h;
    return NtCreateFile(f->sys, &h, GENERIC_READ, &oa, &iosb, NULL, 0, 0, 1 /* FILE_OPEN */, 0, NULL, 0);
}

static NTSTATUS load_sysmon(fixture *f)
{
    return ntsim_load_driver(f->sys, "sysmon", sim_find_driver("sysmon")->entry, NULL, 0);
}

/* ---- the tests --------------------------------------------------------------------- */

#ifdef NTSIM_FAULT_INJECTION
#define NEEDS_FAULT_INJECTION() ((void)0)
#else
#define NEEDS_FAULT_INJECTION() skip()
#endif

static void process_creation_fails_whole(void **state)
{
    (void)state;
    NEEDS_FAULT_INJECTION();
    assert_true(sweep_call(NULL, create_process) > 0);
    assert_true(sweep_call(NULL, create_wow64_process_with_a_long_path) > 0);
}

static void thread_creation_fails_whole(void **state)
{
    (void)state;
    NEEDS_FAULT_INJECTION();
    assert_true(sweep_call(NULL, create_thread) > 0);
    assert_true(sweep_call(NULL, create_thread_by_service) > 0);
}

static void virtual_memory_calls_fail_whole(void **state)
{
    (void)state;
    NEEDS_FAULT_INJECTION();
    assert_true(sweep_growth(NULL, allocate) > 0);
    assert_true(sweep_growth(NULL, commit_middle) > 0);
    assert_true(sweep_growth(commit_all, protect_middle) > 0);
    assert_true(sweep_growth(commit_all, release_middle) > 0);
    assert_true(sweep_growth(commit_all, decommit_middle) > 0);
    assert_true(sweep_growth(commit_all, write_fresh_page) > 0);
}

static void stack_growth_fails_whole(void **state)
{
    (void)state;
    NEEDS_FAULT_INJECTION();
    sweep_call(NULL, touch_stack_guard);
}

static NTSTATUS commit_and_guard(fixture *f)
{
    NTSTATUS s = commit_all(f);
    return NT_SUCCESS(s) ? protect_middle(f) : s;
}

static void guard_page_touch_fails_whole(void **state)
{
    (void)state;
    NEEDS_FAULT_INJECTION();
    sweep_call(commit_and_guard, touch_guard_page);
}

static void image_load_fails_whole(void **state)
{
    (void)state;
    NEEDS_FAULT_INJECTION();
    assert_true(sweep_call(NULL, load_image) > 0);
}

static void handle_calls_fail_whole(void **state)
{
    (void)state;
    NEEDS_FAULT_INJECTION();
    assert_true(sweep_call(fill_handle_table, open_process) > 0);
    assert_true(sweep_call(fill_handle_table, duplicate_handle) > 0);
    assert_true(sweep_growth(NULL, create_thread) > 0); /* the client-ID table and the timer heap grow */
}

static void queries_fail_whole(void **state)
{
    (void)state;
    NEEDS_FAULT_INJECTION();
    sweep_call(NULL, query_processes);
}

static void file_open_fails_whole(void **state)
{
    (void)state;
    NEEDS_FAULT_INJECTION();
    sweep_call(load_sysmon, create_file);
}

/* A float longer than the formatter's stack buffer, with room for all of it:
   its heap copy fails, the text stops where the known digits end, the length
   still counts it all. */
static void long_float_without_memory_is_cut_not_garbled(void **state)
{
    (void)state;
    NEEDS_FAULT_INJECTION();
    static char with[2048], without[2048];
    size_t n = rtl_format(with, sizeof with, "x=%.900f;", 1.0);
    uint64_t start = ntsim_allocation_count();
    ntsim_fail_allocation(1);
    size_t m = rtl_format(without, sizeof without, "x=%.900f;", 1.0);
    ntsim_fail_allocation(0);
    assert_int_equal(ntsim_allocation_count() - start, 1);
    assert_int_equal(m, n);
    assert_int_equal(strlen(without), 2 + 511);
    assert_memory_equal(without, with, 2 + 511);
}

/* The engine's own start: no memory for its reader, a located error. */
static void engine_without_a_reader_reports_the_file(void **state)
{
    (void)state;
    NEEDS_FAULT_INJECTION();
    static const char text[] = "process create a image=C:\\a.exe\n";
    char *out = NULL, *err = NULL;
    size_t out_len = 0, err_len = 0;
    FILE *o = open_memstream(&out, &out_len), *e = open_memstream(&err, &err_len);
    sim_run_options options = { .format = SIM_FORMAT_JSONL };
    ntsim_fail_allocation(1);
    int status = sim_run_buffer("mem.scn", text, sizeof text - 1, &options, o, e);
    ntsim_fail_allocation(0);
    fclose(o);
    fclose(e);
    assert_int_equal(status, SIM_EXIT_ERROR);
    assert_string_equal(err, "mem.scn:1:1: error: out of memory\n");
    free(out);
    free(err);
    e = open_memstream(&err, &err_len);
    ntsim_fail_allocation(1);
    assert_int_equal(sim_check_buffer("mem.scn", text, sizeof text - 1, e), SIM_EXIT_ERROR);
    ntsim_fail_allocation(0);
    fclose(e);
    assert_string_equal(err, "mem.scn:1:1: error: out of memory\n");
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(process_creation_fails_whole),
        cmocka_unit_test(thread_creation_fails_whole),
        cmocka_unit_test(virtual_memory_calls_fail_whole),
        cmocka_unit_test(stack_growth_fails_whole),
        cmocka_unit_test(guard_page_touch_fails_whole),
        cmocka_unit_test(image_load_fails_whole),
        cmocka_unit_test(handle_calls_fail_whole),
        cmocka_unit_test(queries_fail_whole),
        cmocka_unit_test(file_open_fails_whole),
        cmocka_unit_test(long_float_without_memory_is_cut_not_garbled),
        cmocka_unit_test(engine_without_a_reader_reports_the_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
