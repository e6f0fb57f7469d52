/*
 * hello.c - ntsim from the outside: boot a simulated Windows, start a
 * process, give it memory, list the processes. Prints what it did and
 * exits 0 when every call succeeded.
 */
#include <stdio.h>

#include <ntsim/ntsim.h>

static bool print_process(void *context, const NTSIM_PROCESS_INFO *p)
{
    (void)context;
    if (!p->exited)
        printf("  pid %-4u ppid %-4u threads %u  %s\n", (unsigned)p->pid, (unsigned)p->ppid,
               (unsigned)p->thread_count, p->pid ? p->image_name : "(Idle)");
    return true;
}

static int check(const char *what, NTSTATUS s)
{
    const char *name = ntsim_status_name(s);
    printf("%-28s %s\n", what, name ? name : "?");
    return NT_SUCCESS(s) ? 0 : 1;
}

int main(void)
{
    ntsim_config cfg;
    ntsim_system *sys;
    int failures = 0;
    ntsim_config_default(&cfg);
    cfg.seed = 1;
    if (check("ntsim_system_create", ntsim_system_create(&cfg, &sys)))
        return 1;

    NTSIM_PROCESS_PARAMS pp;
    CLIENT_ID cid;
    ntsim_process_params_default(&pp, "C:\\Windows\\System32\\notepad.exe");
    failures += check("ntsim_create_process", ntsim_create_process(sys, &pp, &cid));
    printf("  notepad: pid %u, first thread %u\n", (unsigned)cid.UniqueProcess, (unsigned)cid.UniqueThread);

    /* Act as notepad's thread: VirtualAlloc(NULL, 12 KB, commit, read/write). */
    failures += check("ntsim_set_current_thread", ntsim_set_current_thread(sys, cid.UniqueThread));
    ULONG_PTR base = 0;
    SIZE_T size = 0x3000;
    failures += check("NtAllocateVirtualMemory",
                      NtAllocateVirtualMemory(sys, NtCurrentProcess(), &base, 0, &size, MEM_RESERVE | MEM_COMMIT,
                                              PAGE_READWRITE));
    printf("  base 0x%llx, size 0x%llx\n", (unsigned long long)base, (unsigned long long)size);

    ntsim_walk_processes(sys, print_process, NULL);
    ntsim_system_destroy(sys);
    return failures ? 1 : 0;
}
