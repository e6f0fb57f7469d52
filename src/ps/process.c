/*
 * process.c - process objects: boot-time Idle and System processes,
 * CreateProcess, exit (its threads end, its handles close, its address space
 * goes; the object lives on while referenced), deletion and queries.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/mm.h"
#include "mm/user_memory.h"
#include "ob/handles.h"
#include "ps/notify.h"
#include "ps/ps.h"
#include "rtl/alloc.h"

#define DEFAULT_STACK_RESERVE (1024 * 1024)
#define DEFAULT_STACK_COMMIT 4096
/* Sizes of the images ntsim maps into a new process. */
#define IMAGE_SIZE 0x30000
#define NTDLL_X64_SIZE 0x1F5000 /* as mm_initialize_process maps it */
#define NTDLL_X86_SIZE 0x1A0000
/* The native ntdll.dll is mapped into every process, WOW64 ones included. */
#define NTDLL_PATH "\\Device\\HarddiskVolume3\\Windows\\System32\\ntdll.dll"

static void process_delete(ntsim_system *sys, ob_header *h);

static void process_describe(const ob_header *h, NTSIM_HANDLE_INFO *info, char *name, size_t size)
{
    const ps_process *p = (const ps_process *)h;
    (void)name, (void)size;
    info->type = NTSIM_OBJECT_PROCESS;
    info->object_id = p->pid;
    info->object_sequence = p->sequence;
}

/* The protected Idle and System processes: others get at most limited rights, by open or by duplication. */
static ACCESS_MASK process_access_limit(const ob_header *h)
{
    return ((const ps_process *)h)->permanent ? PS_PROTECTED_PROCESS_ACCESS : ~(ACCESS_MASK)0;
}

const ob_type ps_process_type = {
    .name = "Process",
    .index = 7,
    .mapping = {
        .read = READ_CONTROL | PROCESS_VM_READ | PROCESS_QUERY_INFORMATION,
        /* 0x20BEA, as Windows 10 registers the type: PROCESS_TERMINATE is an execute right. */
        .write = READ_CONTROL | PROCESS_CREATE_PROCESS | PROCESS_CREATE_THREAD | PROCESS_VM_OPERATION |
                 PROCESS_VM_WRITE | PROCESS_DUP_HANDLE | PROCESS_SET_QUOTA | PROCESS_SET_INFORMATION |
                 PROCESS_SUSPEND_RESUME,
        .execute = READ_CONTROL | SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_TERMINATE,
        .all = PROCESS_ALL_ACCESS,
    },
    .delete_procedure = process_delete,
    .describe = process_describe,
    .access_limit = process_access_limit,
};

static const char *file_name(const char *path)
{
    const char *name = path;
    for (const char *c = path; *c; c++)
        if (*c == '\\' || *c == '/')
            name = c + 1;
    return name;
}


static void free_process(ps_process *p)
{
    if (p->vm)
        mm_space_destroy(p->vm);
    mm_page_store_destroy(p->pages);
    ob_handle_table_free(&p->handles);
    rtl_free(p->nt_image_path);
    rtl_free(p);
}

static void process_delete(ntsim_system *sys, ob_header *h)
{
    ps_process *p = (ps_process *)h;
    if (p->pid != 0)
        ob_handle_destroy(&ps_state(sys)->cid_table, p->pid);
    if (p->token)
        ob_dereference(sys, &p->token->header);
    RemoveEntryList(&p->process_links);
    free_process(p);
}

/* A process object with its strings and an ID; not yet linked or populated. */
static ps_process *new_process(ntsim_system *sys, const char *image_path, const char *cmdline, bool with_cid)
{
    /* The image path and command line live in the same block, after the object. */
    size_t ni = strlen(image_path) + 1, nc = strlen(cmdline) + 1;
    ps_process *p = rtl_zalloc(sizeof *p + ni + nc);
    if (!p)
        return NULL;
    ob_initialize_header(&p->header, &ps_process_type, ProcessObject);
    InitializeListHead(&p->threads);
    ob_handle_table_init(&p->handles, false);
    p->image_path = memcpy((char *)(p + 1), image_path, ni);
    p->command_line = memcpy((char *)(p + 1) + ni, cmdline, nc);
    p->nt_image_path = ps_nt_path(image_path);
    if (!p->nt_image_path)
        goto fail;
    p->image_name = file_name(p->image_path);
    if (with_cid && (p->pid = ob_handle_create(&ps_state(sys)->cid_table, p, 0)) == 0)
        goto fail;
    p->sequence = ps_state(sys)->next_sequence++;
    p->exit_status = STATUS_PENDING;
    p->create_time = ke_state(sys)->time;
    p->arch = ke_state(sys)->config.arch;
    return p;
fail:
    free_process(p);
    return NULL;
}

/* What ob asks about the caller: its process's handle table, the pseudo-handles' objects, its mode. */
static ob_handle_table *caller_table(ntsim_system *sys)
{
    return &ps_current_process(sys)->handles;
}

static ob_header *caller_process(ntsim_system *sys)
{
    return &ps_current_process(sys)->header;
}

static ob_header *caller_thread(ntsim_system *sys)
{
    ps_thread *t = ps_current_thread(sys);
    return t ? &t->header : NULL;
}

static bool caller_kernel_mode(ntsim_system *sys)
{
    ke_thread *t = ke_state(sys)->current_thread;
    return !t || t->previous_mode == KernelMode;
}

static const ob_caller_ops caller_ops = { caller_table, caller_process, caller_thread, caller_kernel_mode };

/* The memory manager's system-wide state: commit, image bases (ASLR from the seed), system space. */
static NTSTATUS initialize_memory(ntsim_system *sys)
{
    ps_system *ps = ps_state(sys);
    const ntsim_config *config = &ke_state(sys)->config;
    rtl_random_seed(&ps->rng, config->seed);
    ps->commit.limit = config->memory + config->pagefile;
    NTSTATUS s = mm_image_bases_create(config->aslr ? &ps->rng : NULL, &ps->image_bases);
    if (NT_SUCCESS(s))
        s = mm_image_files_create(&ps->image_files);
    if (NT_SUCCESS(s)) { /* ntdll.dll is on the volume from the start, of the system's arch */
        bool x64 = config->arch == NTSIM_ARCH_X64;
        mm_image_info ntdll = { x64 ? NTDLL_X64_SIZE : NTDLL_X86_SIZE, x64, true, false, DEFAULT_STACK_RESERVE,
                                DEFAULT_STACK_COMMIT };
        s = mm_image_file_record(ps->image_files, NTDLL_PATH, &ntdll);
    }
    if (NT_SUCCESS(s))
        s = mm_system_space_create(config->arch == NTSIM_ARCH_X64 ? MM_ARCH_X64 : MM_ARCH_X86, &ps->commit,
                                   &ps->system_space);
    return s;
}

NTSTATUS ps_initialize(ntsim_system *sys)
{
    ps_system *ps = ps_state(sys);
    InitializeListHead(&ps->processes);
    InitializeListHead(&ps->sections);
    ps->next_sequence = 1;
    ob_handle_table_init(&ps->cid_table, true);
    ob_state(sys)->caller = &caller_ops;
    NTSTATUS status = initialize_memory(sys);
    if (!NT_SUCCESS(status))
        return status;
    ps_process *idle = new_process(sys, "", "", false);
    if (!idle)
        return STATUS_NO_MEMORY;
    idle->permanent = true;
    ps_set_token(idle, se_state(sys)->system_token);
    InsertTailList(&ps_state(sys)->processes, &idle->process_links);
    ps_state(sys)->idle = idle;
    ps_process *system = new_process(sys, "System", "", true);
    if (!system)
        return STATUS_NO_MEMORY;
    system->permanent = true;
    ps_set_token(system, se_state(sys)->system_token);
    system->ppid = 0;
    InsertTailList(&ps_state(sys)->processes, &system->process_links);
    ps_state(sys)->system_process = system;
    /* One idle thread per processor, all with TID 0 as on Windows. */
    for (uint32_t cpu = 0; cpu < ke_state(sys)->config.cpus; cpu++) {
        ps_thread *t;
        NTSTATUS s = ps_create_thread_object(sys, idle, 0, 0, &t);
        if (!NT_SUCCESS(s))
            return s;
        ke_set_idle_thread(sys, &t->tcb, cpu);
    }
    ob_state(sys)->kernel_table = &system->handles;
    ps_thread *main;
    NTSTATUS s = ps_create_thread_object(sys, system, 0, 0, &main);
    if (!NT_SUCCESS(s))
        return s;
    /* System threads wait for work; nothing is queued at boot. */
    main->tcb.blocked = true;
    main->tcb.state = Waiting;
    ke_state(sys)->system_thread = &main->tcb;
    ps_set_current_thread(sys, main);
    return STATUS_SUCCESS;
}

void ps_shutdown(ntsim_system *sys)
{
    /* Free everything whatever its counts: handles may form cycles. */
    LIST_ENTRY *processes = &ps_state(sys)->processes;
    while (processes->Flink && !IsListEmpty(processes)) { /* a boot that failed before ps may leave it unset */
        ps_process *p = CONTAINING_RECORD(RemoveHeadList(processes), ps_process, process_links);
        while (!IsListEmpty(&p->threads)) {
            ps_thread *t = CONTAINING_RECORD(RemoveHeadList(&p->threads), ps_thread, thread_links);
            ke_delete_fiber(&t->tcb); /* a system thread still waiting: its stack goes too */
            rtl_free(t->multiple_wait); /* a multiple wait's block, one allocation; its objects go with everything */
            rtl_free(t);
        }
        free_process(p);
    }
    /* The address spaces went with their processes: views no longer hold sections. */
    mm_sections_free(&ps_state(sys)->sections);
    ps_state(sys)->idle = ps_state(sys)->system_process = NULL;
    ps_set_current_thread(sys, NULL);
    ke_state(sys)->system_thread = NULL;
    ps_system *ps = ps_state(sys);
    mm_image_bases_destroy(ps->image_bases);
    mm_image_files_destroy(ps->image_files);
    mm_chunk_cache_free(&ps->chunk_cache);
    mm_system_space_destroy(ps->system_space);
    ob_handle_table_free(&ps->cid_table);
}

void ntsim_process_params_default(NTSIM_PROCESS_PARAMS *params, const char *image_path)
{
    *params = (NTSIM_PROCESS_PARAMS){ .image_path = image_path, .arch = NTSIM_ARCH_X64 };
}

/* MEM_LARGE_PAGES: the caller's privilege, enabled, as SeSinglePrivilegeCheck decides in its mode. */
static bool lock_memory_held(void *ctx)
{
    ntsim_system *sys = ctx;
    return caller_kernel_mode(sys) || se_privilege_enabled(ps_current_process(sys)->token, SE_LOCK_MEMORY_PRIVILEGE);
}

static NTSTATUS create_address_space(ntsim_system *sys, ps_process *p)
{
    mm_space_params mp = {
        .arch = p->arch == NTSIM_ARCH_X86 ? MM_ARCH_X86 : MM_ARCH_X64,
        .system_is_x64 = ke_state(sys)->config.arch == NTSIM_ARCH_X64,
        .large_address_aware = p->large_address_aware,
        .increase_uva = ke_state(sys)->config.increase_uva,
        .lock_memory_held = lock_memory_held,
        .privilege_ctx = sys,
        .commit = &ps_state(sys)->commit,
        .image_bases = ps_state(sys)->image_bases,
        .chunks = &ps_state(sys)->chunk_cache,
    };
    NTSTATUS s = mm_space_create(&mp, &p->vm);
    if (!NT_SUCCESS(s))
        return s;
    if (!(p->pages = mm_page_store_create()))
        return STATUS_NO_MEMORY;
    mm_process_layout layout;
    s = mm_initialize_process(p->vm, p->image_name, IMAGE_SIZE, ke_state(sys)->config.aslr, &ps_state(sys)->rng, &layout);
    if (!NT_SUCCESS(s))
        return s;
    /* The image is on the volume as the process's parameters describe it. */
    mm_image_info file = { layout.image_size, p->arch == NTSIM_ARCH_X64, false, p->large_address_aware,
                           p->stack_reserve, p->stack_commit };
    if (p->nt_image_path && !NT_SUCCESS(s = mm_image_file_record(ps_state(sys)->image_files, p->nt_image_path, &file)))
        return s;
    p->image_base = layout.image_base;
    p->image_size = layout.image_size;
    p->peb = layout.peb;
    p->ntdll_base = layout.ntdll_base;
    p->ntdll_size = layout.ntdll_size;
    return STATUS_SUCCESS;
}

/* The names the notify routines see: the image's NT path, the command line, ntdll's path. */
static NTSTATUS notify_names(const ps_process *p, ps_unicode *image, ps_unicode *command, ps_unicode *ntdll)
{
    NTSTATUS s = ps_unicode_init(image, p->nt_image_path);
    if (!NT_SUCCESS(s))
        return s;
    s = ps_unicode_init(command, p->command_line);
    if (NT_SUCCESS(s)) {
        s = ps_unicode_init(ntdll, NTDLL_PATH);
        if (!NT_SUCCESS(s))
            ps_unicode_free(command);
    }
    if (!NT_SUCCESS(s))
        ps_unicode_free(image);
    return s;
}

/* The creation failed, or a driver refused it: the new process goes away unseen (no exit notifications). */
static void abort_creation(ntsim_system *sys, ps_process *p, ps_thread *t)
{
    t->terminated = t->tcb.terminating = true;
    t->tcb.state = Terminated;
    p->active_threads--;
    p->exited = true;
    mm_space_destroy(p->vm);
    p->vm = NULL;
    ob_dereference(sys, &t->header); /* deletes the thread, which drops its process reference */
}

NTSTATUS ntsim_create_process(ntsim_system *sys, const NTSIM_PROCESS_PARAMS *params, CLIENT_ID *cid)
{
    ps_thread *creator = ps_current_thread(sys);
    if (cid)
        *cid = (CLIENT_ID){ 0, 0 };
    if (!params || !params->image_path || !creator || creator->terminated)
        return STATUS_INVALID_PARAMETER;
    if (params->arch != NTSIM_ARCH_X64 && params->arch != NTSIM_ARCH_X86)
        return STATUS_INVALID_PARAMETER;
    ps_process *parent = ps_lookup_process(sys, params->parent_pid ? params->parent_pid : 4);
    if (!parent || parent == ps_state(sys)->idle)
        return STATUS_INVALID_CID;
    if (parent->exited)
        return STATUS_PROCESS_IS_TERMINATING;
    if (params->arch == NTSIM_ARCH_X64 && ke_state(sys)->config.arch == NTSIM_ARCH_X86)
        return STATUS_INVALID_IMAGE_FORMAT;

    const char *cmdline = params->command_line ? params->command_line : params->image_path;
    ps_process *p = new_process(sys, params->image_path, cmdline, true);
    if (!p)
        return STATUS_INSUFFICIENT_RESOURCES;
    p->ppid = parent->pid;
    p->arch = params->arch;
    p->wow64 = params->arch == NTSIM_ARCH_X86 && ke_state(sys)->config.arch == NTSIM_ARCH_X64;
    p->large_address_aware = params->large_address_aware;
    p->stack_reserve = params->stack_reserve ? params->stack_reserve : DEFAULT_STACK_RESERVE;
    p->stack_commit = params->stack_commit ? params->stack_commit : DEFAULT_STACK_COMMIT;
    InsertTailList(&ps_state(sys)->processes, &p->process_links);

    /* Everything that may fail for want of memory comes before the first
       notification: until then a failure leaves nothing behind, unseen. */
    ps_thread *t = NULL;
    ps_unicode image, command, ntdll;
    se_token *token;
    NTSTATUS s = ps_new_process_token(sys, creator->process, params, &token);
    if (NT_SUCCESS(s)) {
        ps_set_token(p, token);
        ob_dereference(sys, &token->header); /* the process holds it now */
        s = create_address_space(sys, p);
    }
    if (NT_SUCCESS(s))
        s = ps_create_thread_object(sys, p, 0, 0, &t);
    if (NT_SUCCESS(s))
        s = notify_names(p, &image, &command, &ntdll);
    if (!NT_SUCCESS(s)) {
        if (t)
            abort_creation(sys, p, t);
        ob_dereference(sys, &p->header);
        return s;
    }

    /* Notifications: process then first thread in the creator's context, then the
       images in the new process. A process routine may refuse the creation. */
    s = ps_notify_process_create(sys, p, creator, &image.string, &command.string);
    if (NT_SUCCESS(s)) {
        t->start_address = ps_image_entry(p);
        ps_notify_thread_create(sys, t, creator);
        ps_notify_image_load(sys, p->pid, p->nt_image_path, &image.string, p->image_base, p->image_size, false, t);
        ps_notify_image_load(sys, p->pid, NTDLL_PATH, &ntdll.string, p->ntdll_base, p->ntdll_size, false, t);
    }
    ps_unicode_free(&image);
    ps_unicode_free(&command);
    ps_unicode_free(&ntdll);
    if (!NT_SUCCESS(s)) {
        abort_creation(sys, p, t);
        ob_dereference(sys, &p->header);
        return s;
    }

    if (cid)
        *cid = (CLIENT_ID){ p->pid, t->tid };
    ke_start_thread(sys, &t->tcb);
    ob_dereference(sys, &p->header); /* the creation reference; its thread keeps it alive */
    return STATUS_SUCCESS;
}

/* The last thread has ended: the process exits (PspExitProcess), in its context. */
void ps_process_exit(ntsim_system *sys, ps_process *p, ps_thread *last, NTSTATUS status)
{
    p->exited = true;
    p->exit_status = status;
    p->exit_time = ke_state(sys)->time;
    ps_notify_process_exit(sys, p, last);
    ob_close_all_handles(sys, &p->handles);
    if (p->vm) {
        mm_space_destroy(p->vm);
        p->vm = NULL;
    }
    mm_page_store_destroy(p->pages);
    p->pages = NULL;
    ke_signal_object(sys, &p->header.dispatch); /* waiters on the process are released */
}

void ps_terminate_process(ntsim_system *sys, ps_process *p, NTSTATUS status)
{
    ob_reference(&p->header); /* the last thread's deletion must not free p under us */
    /* A system thread ending its own process ends itself last (it does not return). */
    ps_thread *self = ke_state(sys)->running_fiber && ps_current_thread(sys)->process == p ? ps_current_thread(sys) : NULL;
    /* The walk holds the thread it stands on and the next one: ending the
       last thread closes the process's handles, which may drop the last
       reference of a thread that already ended, later in the list. */
    ps_thread *t = ps_first_thread(p);
    if (t)
        ob_reference(&t->header);
    while (t) {
        ps_thread *next = ps_next_thread(t);
        if (next)
            ob_reference(&next->header);
        if (!t->terminated && t != self)
            ps_terminate_thread(sys, t, status);
        ob_dereference(sys, &t->header);
        t = next;
    }
    ob_dereference(sys, &p->header);
    if (self)
        ps_terminate_thread(sys, self, status);
}

void ps_fill_process_info(const ps_process *p, NTSIM_PROCESS_INFO *info)
{
    *info = (NTSIM_PROCESS_INFO){
        .pid = p->pid,
        .ppid = p->ppid,
        .sequence = p->sequence,
        .image_name = p->image_name,
        .image_path = p->image_path,
        .command_line = p->command_line,
        .arch = p->arch,
        .wow64 = p->wow64,
        .exited = p->exited,
        .exit_code = (ULONG)p->exit_status,
        .thread_count = p->active_threads,
        .handle_count = p->handles.count,
        .pointer_count = p->header.pointer_count,
        .object_handle_count = p->header.handle_count,
        .create_time = p->create_time,
        .exit_time = p->exit_time,
        .peb = p->peb,
        .image_base = p->image_base,
    };
}

NTSTATUS ntsim_query_process(ntsim_system *sys, ULONG pid, NTSIM_PROCESS_INFO *info)
{
    ps_process *p = ps_lookup_process(sys, pid);
    if (!p)
        return STATUS_INVALID_CID;
    ps_fill_process_info(p, info);
    return STATUS_SUCCESS;
}

NTSTATUS ntsim_process_sequence(ntsim_system *sys, ULONG pid, uint64_t *sequence)
{
    ps_process *p = ps_lookup_process(sys, pid);
    if (!p)
        return STATUS_INVALID_CID;
    *sequence = p->sequence;
    return STATUS_SUCCESS;
}

void ntsim_walk_processes(ntsim_system *sys, ntsim_process_cb cb, void *context)
{
    for (ps_process *p = ps_first_process(sys); p; p = ps_next_process(sys, p)) {
        NTSIM_PROCESS_INFO info;
        ps_fill_process_info(p, &info);
        if (!cb(context, &info))
            break;
    }
}
