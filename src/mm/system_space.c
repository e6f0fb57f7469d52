/*
 * system_space.c - the part of system space ntsim models: the system PTE
 * range kernel stacks come from. Every thread gets a kernel stack when it is
 * created (MmCreateKernelStack): KERNEL_STACK_SIZE bytes, 12 KB on x86 and
 * 24 KB on x64 (the DDK's KERNEL_STACK_SIZE; Windows Internals 7th ed., ch. 5
 * "Kernel stacks"), resident and charged to commit, with one guard page
 * below it that is never mapped, so an overflow faults instead of running
 * into the neighbour. A freed stack's slot goes on a dead-stack list and is
 * the next one handed out (Windows keeps such a list too, MmDeadStackSListHead),
 * so create and delete are O(1).
 *
 * Where: x64 uses Windows 7's fixed system PTE range (0xFFFFF880`00000000,
 * 128 GB); Windows 10 randomizes these regions at boot, which a deterministic
 * simulator leaves out. x86 uses a fixed 256 MB of the dynamic system VA
 * space at 0xE0000000, above the user range of every x86 layout (/3GB
 * included).
 */
#include <stdlib.h>

#include "mm/mm_internal.h"
#include "rtl/alloc.h"

#define X64_KSTACK_SIZE 0x6000ull
#define X86_KSTACK_SIZE 0x3000ull
#define X64_PTE_LO      0xFFFFF88000000000ull
#define X64_PTE_HI      0xFFFFF8A000000000ull
#define X86_PTE_LO      0xE0000000ull
#define X86_PTE_HI      0xF0000000ull

struct mm_system_space {
    mm_arch arch;
    mm_commit *commit;      /* may be NULL */
    ULONG_PTR lo, hi;       /* the range stacks come from */
    SIZE_T stack_size;      /* KERNEL_STACK_SIZE */
    uint64_t next_slot;     /* slots below it have been handed out once */
    uint64_t *dead;         /* freed slots, reused last-in first-out */
    size_t dead_count, dead_capacity;
    uint64_t stacks;        /* live kernel stacks */
};

NTSTATUS mm_system_space_create(mm_arch arch, mm_commit *commit, mm_system_space **out)
{
    mm_system_space *ss = rtl_calloc(1, sizeof *ss);
    if (!ss)
        return STATUS_NO_MEMORY;
    bool x64 = arch == MM_ARCH_X64;
    ss->arch = arch;
    ss->commit = commit;
    ss->lo = x64 ? X64_PTE_LO : X86_PTE_LO;
    ss->hi = x64 ? X64_PTE_HI : X86_PTE_HI;
    ss->stack_size = x64 ? X64_KSTACK_SIZE : X86_KSTACK_SIZE;
    *out = ss;
    return STATUS_SUCCESS;
}

void mm_system_space_destroy(mm_system_space *ss)
{
    if (!ss)
        return;
    if (ss->commit)
        ss->commit->charged -= ss->stacks * ss->stack_size;
    rtl_free(ss->dead);
    rtl_free(ss);
}

/* A slot is the guard page and the stack above it. */
static SIZE_T slot_size(const mm_system_space *ss)
{
    return ss->stack_size + PAGE;
}

NTSTATUS mm_create_kernel_stack(mm_system_space *ss, mm_kernel_stack *out)
{
    mm_commit *c = ss->commit;
    if (c && (ss->stack_size > c->limit || c->charged > c->limit - ss->stack_size))
        return STATUS_INSUFFICIENT_RESOURCES; /* MmCreateKernelStack fails: no commit left */
    /* Room on the dead-stack list for this stack's slot, taken now: a
       thread's deletion then never needs memory. */
    if (ss->dead_capacity < ss->stacks + 1) {
        size_t cap = ss->dead_capacity ? ss->dead_capacity * 2 : 64;
        uint64_t *d = rtl_realloc(ss->dead, cap * sizeof *d);
        if (!d)
            return STATUS_INSUFFICIENT_RESOURCES;
        ss->dead = d;
        ss->dead_capacity = cap;
    }
    uint64_t slot;
    if (ss->dead_count) {
        slot = ss->dead[--ss->dead_count];
    } else {
        if (ss->next_slot >= (ss->hi - ss->lo) / slot_size(ss))
            return STATUS_INSUFFICIENT_RESOURCES; /* the system PTE range is full */
        slot = ss->next_slot++;
    }
    if (c)
        c->charged += ss->stack_size;
    ULONG_PTR guard = ss->lo + slot * slot_size(ss);
    out->guard = guard;
    out->limit = guard + PAGE;
    out->base = out->limit + ss->stack_size;
    out->size = ss->stack_size;
    ss->stacks++;
    return STATUS_SUCCESS;
}

void mm_delete_kernel_stack(mm_system_space *ss, const mm_kernel_stack *ks)
{
    /* Every live stack has its place on the list (mm_create_kernel_stack). */
    ss->dead[ss->dead_count++] = (ks->guard - ss->lo) / slot_size(ss);
    if (ss->commit)
        ss->commit->charged -= ss->stack_size;
    ss->stacks--;
}

void mm_system_query(const mm_system_space *ss, mm_system_info *out)
{
    out->kernel_stack_lo = ss->lo;
    out->kernel_stack_hi = ss->hi;
    out->kernel_stack_size = ss->stack_size;
    out->kernel_stacks = ss->stacks;
    out->bytes_in_use = ss->stacks * ss->stack_size;
}
