/*
 * cmd_process.c - `process` and `thread` commands: create, exit, query,
 * list, each acting as the thread the scenario names (or its default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binding.h"
#include "command.h"
#include "values.h"

/* The thread a command runs as: `by` if given, else the first live thread of pid. */
static NTSTATUS act(sim_context *ctx, const sim_value *by, ULONG pid)
{
    if (by->present) {
        ULONG tid;
        NTSTATUS s = sim_thread_id(ctx, by, &tid);
        return NT_SUCCESS(s) ? sim_act_as_thread(ctx, tid) : s;
    }
    return sim_act_as_process(ctx, pid);
}

NTSTATUS sim_cmd_process_create(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG parent = 4;
    NTSTATUS s;
    if (a->opt[1].present && !NT_SUCCESS(s = sim_process_id(ctx, &a->opt[1], &parent)))
        return s;
    if (!NT_SUCCESS(s = act(ctx, &a->opt[2], parent)))
        return s;
    NTSIM_PROCESS_PARAMS p;
    ntsim_process_params_default(&p, a->opt[0].text);
    p.parent_pid = parent;
    p.command_line = a->opt[3].present ? a->opt[3].text : NULL;
    p.arch = a->opt[4].present ? (a->opt[4].number == 0 ? NTSIM_ARCH_X64 : NTSIM_ARCH_X86) : ctx->config.arch;
    p.large_address_aware = a->opt[5].present && a->opt[5].number;
    p.stack_reserve = a->opt[6].number;
    p.stack_commit = a->opt[7].number;
    p.lock_memory_privilege = a->opt[8].present && a->opt[8].number;
    /* The token: a user's logon, an integrity, privileges the logon grants (docs/security.md). */
    char user[64];
    if (a->opt[11].present) {
        snprintf(user, sizeof user, "%.*s", (int)a->opt[11].len, a->opt[11].text);
        p.user = user;
    }
    static const char *const levels[] = { "untrusted", "low", "medium", "high", "system" };
    if (a->opt[12].present)
        p.integrity = levels[a->opt[12].number];
    p.elevated = a->opt[14].present && a->opt[14].number;
    if (a->opt[13].present && !NT_SUCCESS(s = sim_privilege_list(a->opt[13].text, a->opt[13].len, &p.privileges)))
        return s;
    CLIENT_ID cid;
    if (a->opt[9].present) {
        /* A program of the user's: the file relative to the scenario's folder, its
           arguments after the image on the command line, as CreateProcess makes it. */
        char path[8192], *cmdline = NULL;
        const char *file = a->opt[9].text;
        snprintf(path, sizeof path, "%s%s", file[0] == '/' ? "" : ctx->folder, file);
        if (a->opt[10].present && !a->opt[3].present) {
            const char *image = a->opt[0].text;
            size_t n = strlen(image) + strlen(a->opt[10].text) + 4;
            if (!(cmdline = malloc(n)))
                return STATUS_INSUFFICIENT_RESOURCES;
            snprintf(cmdline, n, strchr(image, ' ') ? "\"%s\" %s" : "%s %s", image, a->opt[10].text);
            p.command_line = cmdline;
        }
        s = ntsim_create_program_process(ctx->sys, &p, path, &cid);
        free(cmdline);
        if (!NT_SUCCESS(s)) {
            const char *why = ntsim_program_load_error(ctx->sys);
            if (*why)
                sim_put_str(r, "error", why);
            return s;
        }
    } else if (!NT_SUCCESS(s = ntsim_create_process(ctx->sys, &p, &cid))) {
        return s;
    }
    char main_name[SIM_MAX_LINE + 8];
    sim_main_name(main_name, a->pos[0].text, a->pos[0].len);
    sim_bind(ctx, SIM_NAME_PROCESS, sim_value_name(ctx, SIM_NAME_PROCESS, &a->pos[0]), cid.UniqueProcess);
    sim_bind(ctx, SIM_NAME_THREAD, sim_names_find(&ctx->names, SIM_NAME_THREAD, main_name, strlen(main_name)),
             cid.UniqueThread);
    sim_put_int(r, "pid", cid.UniqueProcess);
    sim_put_int(r, "tid", cid.UniqueThread);
    return STATUS_SUCCESS;
}

NTSTATUS sim_cmd_process_exit(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG pid;
    NTSTATUS s = sim_process_id(ctx, &a->pos[0], &pid);
    if (!NT_SUCCESS(s))
        return s;
    ULONG code = (ULONG)a->opt[0].number;
    s = ntsim_exit_process(ctx->sys, pid, code);
    if (!NT_SUCCESS(s))
        return s;
    sim_put_int(r, "pid", pid);
    sim_put_int(r, "exit_code", code);
    return STATUS_SUCCESS;
}

static const char *arch_name(ntsim_arch a)
{
    return a == NTSIM_ARCH_X86 ? "x86" : "x64";
}

NTSTATUS sim_cmd_process_query(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG pid;
    NTSIM_PROCESS_INFO pi;
    NTSTATUS s = sim_process_id(ctx, &a->pos[0], &pid);
    if (!NT_SUCCESS(s) || !NT_SUCCESS(s = ntsim_query_process(ctx->sys, pid, &pi)))
        return s;
    sim_put_int(r, "pid", pi.pid);
    sim_put_int(r, "ppid", pi.ppid);
    /* `state` is a flags-format field in the contract: a number, named in state_name. */
    sim_put_code(r, "state", pi.exited ? 1 : 0);
    sim_put_str(r, "state_name", pi.exited ? "exited" : "active");
    sim_put_str(r, "image", pi.image_name);
    sim_put_str(r, "cmdline", pi.command_line);
    sim_put_str(r, "arch", arch_name(pi.arch));
    if (pi.wow64)
        sim_put_str(r, "wow64", "on");
    sim_put_int(r, "threads", pi.thread_count);
    sim_put_int(r, "handles", pi.handle_count);
    if (pi.exited)
        sim_put_int(r, "exit_code", pi.exit_code);
    sim_put_int(r, "pointer_count", pi.pointer_count);
    sim_put_int(r, "handle_count", pi.object_handle_count);
    NTSIM_TOKEN_INFO ti;
    bool token = NT_SUCCESS(ntsim_query_token(ctx->sys, pid, &ti));
    if (pi.peb) {
        sim_put_hex(r, "image_base", pi.image_base);
        sim_put_hex(r, "peb", pi.peb);
    }
    if (token) {
        sim_put_str(r, "user", ti.user);
        sim_put_str(r, "integrity", ntsim_integrity_name(ti.integrity));
    }
    return STATUS_SUCCESS;
}

/* "SeDebugPrivilege,SeLockMemoryPrivilege": each name's bit, or STATUS_NO_SUCH_PRIVILEGE. */
NTSTATUS sim_privilege_list(const char *text, size_t len, uint64_t *bits)
{
    *bits = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != ',')
            j++;
        char name[64];
        if (j - i >= sizeof name)
            return STATUS_NO_SUCH_PRIVILEGE;
        memcpy(name, text + i, j - i);
        name[j - i] = '\0';
        ULONG luid = ntsim_privilege_value(name);
        if (!luid)
            return STATUS_NO_SUCH_PRIVILEGE;
        *bits |= 1ull << luid;
        i = j + 1;
    }
    return STATUS_SUCCESS;
}

static bool list_one(void *context, const NTSIM_PROCESS_INFO *pi)
{
    sim_record *r = context;
    /* As SystemProcessInformation: processes that have exited are not listed. */
    if (pi->exited)
        return true;
    sim_record *e = sim_array_add(r);
    sim_put_int(e, "pid", pi->pid);
    sim_put_int(e, "ppid", pi->ppid);
    sim_put_str(e, "image", pi->image_name);
    sim_put_int(e, "threads", pi->thread_count);
    sim_put_int(e, "handles", pi->handle_count);
    return true;
}

NTSTATUS sim_cmd_process_list(sim_context *ctx, const sim_args *a, sim_record *r)
{
    (void)a;
    sim_put_array(r, "processes");
    ntsim_walk_processes(ctx->sys, list_one, r);
    return STATUS_SUCCESS;
}

NTSTATUS sim_cmd_thread_create(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG pid;
    NTSTATUS s = sim_process_id(ctx, &a->pos[0], &pid);
    if (!NT_SUCCESS(s) || !NT_SUCCESS(s = act(ctx, &a->opt[0], pid)))
        return s;
    CLIENT_ID cid;
    s = ntsim_create_thread(ctx->sys, pid, a->opt[1].number, a->opt[2].present && a->opt[2].number, &cid);
    if (!NT_SUCCESS(s))
        return s;
    sim_bind(ctx, SIM_NAME_THREAD, sim_value_name(ctx, SIM_NAME_THREAD, &a->pos[1]), cid.UniqueThread);
    sim_put_int(r, "pid", cid.UniqueProcess);
    sim_put_int(r, "tid", cid.UniqueThread);
    return STATUS_SUCCESS;
}

NTSTATUS sim_cmd_stack_touch(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG tid;
    NTSTATUS s = sim_thread_id(ctx, &a->pos[0], &tid);
    if (!NT_SUCCESS(s))
        return s;
    s = ntsim_touch_stack(ctx->sys, tid, a->pos[1].number);
    /* Where the stack stands, whatever the touch came to. */
    NTSIM_THREAD_INFO ti;
    if (NT_SUCCESS(ntsim_query_thread(ctx->sys, tid, &ti)) && ti.teb) {
        ctx->keep_fields = true;
        sim_put_hex(r, "stack_base", ti.stack_base);
        sim_put_hex(r, "stack_limit", ti.stack_limit);
        sim_put_hex(r, "deallocation_stack", ti.deallocation_stack);
        sim_put_hex(r, "stack_committed", ti.stack_committed);
    }
    return s;
}

NTSTATUS sim_cmd_system_query(sim_context *ctx, const sim_args *a, sim_record *r)
{
    (void)a;
    NTSIM_SYSTEM_INFO si;
    ntsim_query_system(ctx->sys, &si);
    sim_put_int(r, "time", (int64_t)si.time);
    sim_put_int(r, "cpus", si.cpus);
    sim_put_int(r, "processes", si.processes);
    sim_put_hex(r, "commit_limit", si.commit_limit);
    sim_put_hex(r, "commit_charged", si.commit_charged);
    sim_put_int(r, "kernel_stacks", (int64_t)si.kernel_stacks);
    sim_put_hex(r, "kernel_stack_size", si.kernel_stack_size);
    sim_put_hex(r, "system_bytes", si.system_bytes);
    return STATUS_SUCCESS;
}

NTSTATUS sim_cmd_thread_exit(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG tid;
    NTSTATUS s = sim_thread_id(ctx, &a->pos[0], &tid);
    if (!NT_SUCCESS(s))
        return s;
    ULONG code = (ULONG)a->opt[0].number;
    s = ntsim_exit_thread(ctx->sys, tid, code);
    if (!NT_SUCCESS(s))
        return s;
    sim_put_int(r, "tid", tid);
    sim_put_int(r, "exit_code", code);
    return STATUS_SUCCESS;
}

NTSTATUS sim_cmd_thread_query(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG tid;
    NTSIM_THREAD_INFO ti;
    NTSTATUS s = sim_thread_id(ctx, &a->pos[0], &tid);
    if (!NT_SUCCESS(s) || !NT_SUCCESS(s = ntsim_query_thread(ctx->sys, tid, &ti)))
        return s;
    sim_put_int(r, "pid", ti.pid);
    sim_put_int(r, "tid", ti.tid);
    /* `state` is a flags-format field in the contract: KTHREAD_STATE's number. */
    sim_put_code(r, "state", (uint64_t)ti.state);
    sim_put_str(r, "state_name", ntsim_thread_state_name(ti.state));
    sim_put_int(r, "priority", ti.priority);
    sim_put_int(r, "base_priority", ti.base_priority);
    sim_put_hex(r, "affinity", ti.affinity);
    sim_put_int(r, "cpu", ti.cpu);
    sim_put_int(r, "suspend_count", ti.suspend_count);
    if (ti.state == Terminated)
        sim_put_int(r, "exit_code", ti.exit_code);
    if (ti.teb) {
        sim_put_hex(r, "teb", ti.teb);
        sim_put_hex(r, "stack_base", ti.stack_base);
        sim_put_hex(r, "stack_limit", ti.stack_limit);
        sim_put_hex(r, "deallocation_stack", ti.deallocation_stack);
        sim_put_hex(r, "stack_reserve", ti.stack_reserve);
        sim_put_hex(r, "stack_committed", ti.stack_committed);
        if (ti.guard_end > ti.guard_start) {
            sim_put_hex(r, "guard_start", ti.guard_start);
            sim_put_hex(r, "guard_size", ti.guard_end - ti.guard_start);
        }
    }
    sim_put_hex(r, "kernel_stack_base", ti.kernel_stack_base);
    sim_put_hex(r, "kernel_stack_limit", ti.kernel_stack_limit);
    sim_put_int(r, "pointer_count", ti.pointer_count);
    sim_put_int(r, "handle_count", ti.object_handle_count);
    return STATUS_SUCCESS;
}
