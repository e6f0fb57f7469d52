/*
 * dt.c - `dt nt!_TYPE [ADDR] [FIELD]`: the structures ntsim models, with
 * the field offsets of Windows 10 22H2 x64 (build 19045, whose kernel
 * structures are those of 2004/20H1, build 19041), as its symbols give
 * them; only the fields ntsim has a value for are listed. Lists link the
 * addresses every other command shows (ActiveProcessLinks leads from one
 * EPROCESS to the next, + 0x448), so a walk by hand works as on a real
 * system.
 */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "session.h"

typedef enum ftype { T_STRUCT, T_PTR, T_U8B, T_U4B, T_I4B, T_U2B, T_UCHAR, T_CHAR, T_LIST, T_TIME, T_NAME15 } ftype;

typedef struct field {
    uint32_t offset;
    const char *name;
    const char *type; /* as dt writes it: "Ptr64 Void", "_LIST_ENTRY" */
    ftype kind;
} field;

typedef struct type {
    const char *name;
    uint32_t size;
    const field *fields;
    size_t count;
} type;

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const field eprocess[] = {
    { 0x000, "Pcb", "_KPROCESS", T_STRUCT },
    { 0x440, "UniqueProcessId", "Ptr64 Void", T_PTR },
    { 0x448, "ActiveProcessLinks", "_LIST_ENTRY", T_LIST },
    { 0x468, "CreateTime", "_LARGE_INTEGER", T_TIME },
    { 0x4b8, "Token", "_EX_FAST_REF", T_PTR },
    { 0x540, "InheritedFromUniqueProcessId", "Ptr64 Void", T_PTR },
    { 0x550, "Peb", "Ptr64 _PEB", T_PTR },
    { 0x570, "ObjectTable", "Ptr64 _HANDLE_TABLE", T_PTR },
    { 0x580, "WoW64Process", "Ptr64 _EWOW64PROCESS", T_PTR },
    { 0x5a8, "ImageFileName", "[15] UChar", T_NAME15 },
    { 0x5e0, "ThreadListHead", "_LIST_ENTRY", T_LIST },
    { 0x5f0, "ActiveThreads", "Uint4B", T_U4B },
    { 0x7d4, "ExitStatus", "Int4B", T_I4B },
    { 0x7d8, "VadRoot", "_RTL_AVL_TREE", T_PTR },
    { 0x7e8, "VadCount", "Uint8B", T_U8B },
    { 0x840, "ExitTime", "_LARGE_INTEGER", T_TIME },
    { 0x8f8, "SequenceNumber", "Uint8B", T_U8B },
};

static const field kprocess[] = {
    { 0x000, "Header", "_DISPATCHER_HEADER", T_STRUCT },
    { 0x028, "DirectoryTableBase", "Uint8B", T_U8B },
    { 0x030, "ThreadListHead", "_LIST_ENTRY", T_LIST },
};

static const field kthread[] = {
    { 0x000, "Header", "_DISPATCHER_HEADER", T_STRUCT },
    { 0x028, "InitialStack", "Ptr64 Void", T_PTR },
    { 0x030, "StackLimit", "Ptr64 Void", T_PTR },
    { 0x038, "StackBase", "Ptr64 Void", T_PTR },
    { 0x0c3, "Priority", "Char", T_CHAR },
    { 0x0f0, "Teb", "Ptr64 Void", T_PTR },
    { 0x184, "State", "UChar", T_UCHAR },
    { 0x218, "NextProcessor", "Uint4B", T_U4B },
    { 0x220, "Process", "Ptr64 _KPROCESS", T_PTR },
    { 0x232, "PreviousMode", "Char", T_CHAR },
    { 0x233, "BasePriority", "Char", T_CHAR },
    { 0x283, "WaitReason", "UChar", T_UCHAR },
    { 0x284, "SuspendCount", "Char", T_CHAR },
    { 0x2f8, "ThreadListEntry", "_LIST_ENTRY", T_LIST },
};

static const field ethread[] = {
    { 0x000, "Tcb", "_KTHREAD", T_STRUCT },
    { 0x430, "CreateTime", "_LARGE_INTEGER", T_TIME },
    { 0x438, "ExitTime", "_LARGE_INTEGER", T_TIME },
    { 0x450, "StartAddress", "Ptr64 Void", T_PTR },
    { 0x478, "Cid", "_CLIENT_ID", T_STRUCT },
    { 0x4b0, "IrpList", "_LIST_ENTRY", T_LIST },
    { 0x4d0, "Win32StartAddress", "Ptr64 Void", T_PTR },
    { 0x4e8, "ThreadListEntry", "_LIST_ENTRY", T_LIST },
};

static const field teb[] = {
    { 0x000, "NtTib", "_NT_TIB", T_STRUCT },
    { 0x038, "EnvironmentPointer", "Ptr64 Void", T_PTR },
    { 0x040, "ClientId", "_CLIENT_ID", T_STRUCT },
    { 0x058, "ThreadLocalStoragePointer", "Ptr64 Void", T_PTR },
    { 0x060, "ProcessEnvironmentBlock", "Ptr64 _PEB", T_PTR },
    { 0x068, "LastErrorValue", "Uint4B", T_U4B },
    { 0x1478, "DeallocationStack", "Ptr64 Void", T_PTR },
};

static const field peb[] = {
    { 0x000, "InheritedAddressSpace", "UChar", T_UCHAR },
    { 0x001, "ReadImageFileExecOptions", "UChar", T_UCHAR },
    { 0x002, "BeingDebugged", "UChar", T_UCHAR },
    { 0x010, "ImageBaseAddress", "Ptr64 Void", T_PTR },
    { 0x0b8, "NumberOfProcessors", "Uint4B", T_U4B },
    { 0x118, "OSMajorVersion", "Uint4B", T_U4B },
    { 0x11c, "OSMinorVersion", "Uint4B", T_U4B },
    { 0x120, "OSBuildNumber", "Uint2B", T_U2B },
};

static const type types[] = {
    { "_EPROCESS", 0xa40, eprocess, N(eprocess) }, { "_KPROCESS", 0x438, kprocess, N(kprocess) },
    { "_ETHREAD", 0x898, ethread, N(ethread) },    { "_KTHREAD", 0x430, kthread, N(kthread) },
    { "_TEB", 0x1838, teb, N(teb) },               { "_PEB", 0x7c8, peb, N(peb) },
};

/* The head of the active process list, in nt's data. */
#define PS_ACTIVE_PROCESS_HEAD (DBG_NT_BASE + 0x31e0a0)

/* What an address is, for dt: one of these objects. */
typedef struct target {
    ps_process *p;
    ps_thread *t;
} target;

static uint64_t process_at(sim_debugger *d, const ps_process *p)
{
    return dbg_process_address(d, p);
}

/* The processes on the active list: every one but Idle. */
static ps_process *next_active(sim_debugger *d, ps_process *p)
{
    do
        p = ps_next_process(d->sys, p);
    while (p && p->pid == 0);
    return p;
}

static ps_process *prev_active(sim_debugger *d, ps_process *p)
{
    ps_process *prev = NULL;
    for (ps_process *x = ps_first_process(d->sys); x && x != p; x = ps_next_process(d->sys, x))
        if (x->pid != 0)
            prev = x;
    return prev;
}

static void list_value(sim_debugger *d, uint64_t flink, uint64_t blink)
{
    char a[24], b[24];
    dbg_printf(d, "[ 0x%s - 0x%s ]", dbg_p(flink, a), dbg_p(blink, b));
}

/* A thread list's links: thread entries at `entry` in each thread, the head at `head` in the process. */
static void thread_links(sim_debugger *d, const ps_thread *t, uint32_t entry, uint32_t head)
{
    ps_thread *next = ps_next_thread(t), *prev = NULL;
    for (ps_thread *x = ps_first_thread(t->process); x && x != t; x = ps_next_thread(x))
        prev = x;
    uint64_t h = process_at(d, t->process) + head;
    list_value(d, next ? dbg_thread_address(d, next) + entry : h, prev ? dbg_thread_address(d, prev) + entry : h);
}

static void thread_head(sim_debugger *d, const ps_process *p, uint32_t entry, uint32_t head)
{
    ps_thread *first = ps_first_thread(p), *last = NULL;
    for (ps_thread *x = first; x; x = ps_next_thread(x))
        last = x;
    uint64_t h = process_at(d, p) + head;
    list_value(d, first ? dbg_thread_address(d, first) + entry : h, last ? dbg_thread_address(d, last) + entry : h);
}

static void ptr(sim_debugger *d, uint64_t v, const char *type_text)
{
    char a[24];
    const char *space = strchr(type_text, ' ');
    dbg_printf(d, "0x%s %s", dbg_p(v, a), space ? space + 1 : type_text);
}

static void number(sim_debugger *d, uint64_t v)
{
    dbg_printf(d, v < 10 ? "%" PRIu64 : "0x%" PRIx64, v);
}

static void time_value(sim_debugger *d, uint64_t v)
{
    char a[24];
    dbg_printf(d, "_LARGE_INTEGER 0x%s", dbg_p(v, a));
}

/* One field's value of the object at base. */
static void value(sim_debugger *d, const type *ty, const field *f, const target *x, uint64_t base)
{
    ps_process *p = x->p;
    ps_thread *t = x->t;
    const char *n = f->name;
    if (f->kind == T_STRUCT) {
        dbg_printf(d, "%s", f->type);
        if (strcmp(n, "Cid") == 0 || strcmp(n, "ClientId") == 0)
            dbg_printf(d, " { UniqueProcess 0x%x UniqueThread 0x%x }", t->process->pid, t->tid);
        return;
    }
    if (strcmp(ty->name, "_EPROCESS") == 0 || strcmp(ty->name, "_KPROCESS") == 0) {
        if (strcmp(n, "UniqueProcessId") == 0)
            ptr(d, p->pid, f->type);
        else if (strcmp(n, "ActiveProcessLinks") == 0) {
            ps_process *next = next_active(d, p), *prev = prev_active(d, p);
            list_value(d, next ? process_at(d, next) + 0x448 : PS_ACTIVE_PROCESS_HEAD,
                       prev ? process_at(d, prev) + 0x448 : PS_ACTIVE_PROCESS_HEAD);
        } else if (strcmp(n, "CreateTime") == 0)
            time_value(d, p->create_time);
        else if (strcmp(n, "ExitTime") == 0)
            time_value(d, p->exited ? p->exit_time : 0);
        else if (strcmp(n, "InheritedFromUniqueProcessId") == 0)
            ptr(d, p->ppid, f->type);
        else if (strcmp(n, "Peb") == 0)
            ptr(d, p->peb, f->type);
        else if (strcmp(n, "ObjectTable") == 0)
            ptr(d, dbg_address(d, K_HANDLE_TABLE, p->sequence), f->type);
        else if (strcmp(n, "Token") == 0) /* the reference count in the low bits is not modelled: 0 */
            ptr(d, p->token ? dbg_token_address(d, p->token) : 0, f->type);
        else if (strcmp(n, "WoW64Process") == 0)
            ptr(d, 0, f->type);
        else if (strcmp(n, "ImageFileName") == 0)
            dbg_printf(d, "[15]  \"%.14s\"", p->image_name ? p->image_name : "System");
        else if (strcmp(n, "ThreadListHead") == 0)
            thread_head(d, p, f->offset == 0x30 ? 0x2f8 : 0x4e8, f->offset);
        else if (strcmp(n, "ActiveThreads") == 0)
            number(d, p->active_threads);
        else if (strcmp(n, "ExitStatus") == 0)
            dbg_printf(d, "0n%d", (int)(p->exited ? p->exit_status : STATUS_PENDING));
        else if (strcmp(n, "VadRoot") == 0)
            dbg_printf(d, "_RTL_AVL_TREE 0x%" PRIx64, p->vm ? dbg_vad_root(d, p) : 0);
        else if (strcmp(n, "VadCount") == 0) {
            uint64_t count = 0;
            ULONG height;
            if (p->vm)
                mm_vad_tree_shape(p->vm, &count, &height);
            dbg_printf(d, "0x%" PRIx64, count);
        } else if (strcmp(n, "SequenceNumber") == 0)
            dbg_printf(d, "0x%" PRIx64, p->sequence);
        else if (strcmp(n, "DirectoryTableBase") == 0)
            dbg_printf(d, "0");
        return;
    }
    if (strcmp(ty->name, "_ETHREAD") == 0 || strcmp(ty->name, "_KTHREAD") == 0) {
        const ke_thread *k = &t->tcb;
        if (strcmp(n, "InitialStack") == 0 || strcmp(n, "StackBase") == 0)
            ptr(d, t->kernel_stack.base, f->type);
        else if (strcmp(n, "StackLimit") == 0)
            ptr(d, t->kernel_stack.limit, f->type);
        else if (strcmp(n, "Priority") == 0)
            dbg_printf(d, "%d ''", (int)k->priority);
        else if (strcmp(n, "BasePriority") == 0)
            dbg_printf(d, "%d ''", (int)k->base_priority);
        else if (strcmp(n, "Teb") == 0)
            ptr(d, t->teb, f->type);
        else if (strcmp(n, "State") == 0)
            dbg_printf(d, "0x%x ''", (unsigned)k->state);
        else if (strcmp(n, "NextProcessor") == 0)
            number(d, k->cpu);
        else if (strcmp(n, "Process") == 0)
            ptr(d, process_at(d, t->process), f->type);
        else if (strcmp(n, "PreviousMode") == 0)
            dbg_printf(d, "%d ''", (int)k->previous_mode);
        else if (strcmp(n, "WaitReason") == 0)
            dbg_printf(d, "0x%x ''", (unsigned)k->wait_reason);
        else if (strcmp(n, "SuspendCount") == 0)
            dbg_printf(d, "%d ''", (int)k->suspend_count);
        else if (strcmp(n, "ThreadListEntry") == 0)
            thread_links(d, t, f->offset, f->offset == 0x2f8 ? 0x30 : 0x5e0);
        else if (strcmp(n, "CreateTime") == 0)
            time_value(d, t->create_time);
        else if (strcmp(n, "ExitTime") == 0)
            time_value(d, t->terminated ? t->exit_time : 0);
        else if (strcmp(n, "StartAddress") == 0 || strcmp(n, "Win32StartAddress") == 0)
            ptr(d, t->start_address, f->type);
        else if (strcmp(n, "IrpList") == 0)
            list_value(d, base + f->offset, base + f->offset);
        return;
    }
    if (strcmp(ty->name, "_TEB") == 0) {
        if (strcmp(n, "ProcessEnvironmentBlock") == 0)
            ptr(d, t->process->peb, f->type);
        else if (strcmp(n, "DeallocationStack") == 0)
            ptr(d, t->deallocation_stack, f->type);
        else if (strcmp(n, "LastErrorValue") == 0)
            number(d, 0);
        else
            ptr(d, 0, f->type);
        return;
    }
    /* _PEB: the process as a Windows 10 22H2 machine would describe itself. */
    if (strcmp(n, "ImageBaseAddress") == 0)
        ptr(d, p->image_base, f->type);
    else if (strcmp(n, "NumberOfProcessors") == 0)
        number(d, ke_state(d->sys)->config.cpus);
    else if (strcmp(n, "OSMajorVersion") == 0)
        number(d, 10);
    else if (strcmp(n, "OSMinorVersion") == 0)
        number(d, 0);
    else if (strcmp(n, "OSBuildNumber") == 0)
        dbg_printf(d, "0x%x", 19045u);
    else
        dbg_printf(d, "0 ''");
}

static const type *find_type(const char *name)
{
    const char *bang = strchr(name, '!');
    if (bang) {
        if ((bang - name != 2 || strncasecmp(name, "nt", 2) != 0) &&
            (bang - name != 5 || strncasecmp(name, "ntdll", 5) != 0))
            return NULL;
        name = bang + 1;
    }
    for (size_t i = 0; i < N(types); i++)
        if (strcasecmp(types[i].name, name) == 0 || strcasecmp(types[i].name + 1, name) == 0)
            return &types[i];
    return NULL;
}

/* The object at addr of type ty, or false (with WinDbg's message). */
static bool resolve(sim_debugger *d, const type *ty, uint64_t addr, target *x)
{
    const char *n = ty->name;
    if (strcmp(n, "_EPROCESS") == 0 || strcmp(n, "_KPROCESS") == 0)
        return (x->p = dbg_find_process(d, addr)) != NULL;
    if (strcmp(n, "_ETHREAD") == 0 || strcmp(n, "_KTHREAD") == 0) {
        x->t = dbg_find_thread(d, addr);
        x->p = x->t ? x->t->process : NULL;
        return x->t != NULL;
    }
    for (ps_process *p = ps_first_process(d->sys); p; p = ps_next_process(d->sys, p)) {
        if (strcmp(n, "_PEB") == 0 && p->peb && p->peb == addr) {
            x->p = p;
            return true;
        }
        for (ps_thread *t = ps_first_thread(p); t && strcmp(n, "_TEB") == 0; t = ps_next_thread(t))
            if (t->teb && t->teb == addr) {
                x->t = t;
                x->p = p;
                return true;
            }
    }
    return false;
}

static bool wanted(const char *name, const char *pattern)
{
    if (!pattern)
        return true;
    size_t n = strlen(pattern);
    if (n && pattern[n - 1] == '*')
        return strncasecmp(name, pattern, n - 1) == 0;
    return strcasecmp(name, pattern) == 0;
}

void dbg_cmd_dt(sim_debugger *d, int argc, char **argv)
{
    if (argc < 2) {
        dbg_printf(d, "Usage: dt nt!_TYPE [ADDR] [FIELD]   (_EPROCESS _KPROCESS _ETHREAD _KTHREAD _TEB _PEB)\n");
        return;
    }
    const type *ty = find_type(argv[1]);
    if (!ty) {
        dbg_printf(d, "Symbol %s not found.\n", argv[1]);
        return;
    }
    uint64_t addr = 0;
    bool has_addr = argc >= 3 && dbg_number(argv[2], &addr);
    const char *pattern = argc >= (has_addr ? 4 : 3) ? argv[has_addr ? 3 : 2] : NULL;
    target x = { 0 };
    if (has_addr && (dbg_no_system(d) || !resolve(d, ty, addr, &x))) {
        if (d->sys) {
            char a[24];
            dbg_printf(d, "Memory read error %s (no %s of ntsim's there)\n", dbg_p(addr, a), ty->name);
        }
        return;
    }
    size_t width = 0;
    for (size_t i = 0; i < ty->count; i++)
        if (strlen(ty->fields[i].name) > width)
            width = strlen(ty->fields[i].name);
    dbg_printf(d, "nt!%s\n", ty->name);
    bool any = false;
    for (size_t i = 0; i < ty->count; i++) {
        const field *f = &ty->fields[i];
        if (!wanted(f->name, pattern))
            continue;
        any = true;
        dbg_printf(d, "   +0x%03x %-*s : ", f->offset, (int)width, f->name);
        if (has_addr)
            value(d, ty, f, &x, addr);
        else
            dbg_printf(d, "%s", f->type);
        dbg_printf(d, "\n");
    }
    if (!any)
        dbg_printf(d, "Cannot find specified field members.\n");
}
