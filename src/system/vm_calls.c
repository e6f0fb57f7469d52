/*
 * vm_calls.c - the native virtual-memory calls on a process handle: the
 * handle is resolved with its access checked, then the process's space does
 * the work. Their arguments were checked before (services_memory.c).
 */
#include <stdlib.h>
#include <string.h>

#include "system/system.h"
#include "system/user_buffer.h"
#include "mm/mm.h"
#include "mm/user_memory.h"
#include "ntsim/mm.h"
#include "ob/handles.h"
#include "ps/notify.h"
#include "ps/ps.h"
#include "rtl/ascii.h"
#include "rtl/alloc.h"

/* The space behind a process handle with the rights asked for, referenced. */
static NTSTATUS space_of(ntsim_system *sys, HANDLE h, ACCESS_MASK access, ps_process **p)
{
    ob_header *o;
    NTSTATUS s = ob_reference_by_handle(sys, h, access, &ps_process_type, &o, NULL);
    if (!NT_SUCCESS(s))
        return s;
    *p = (ps_process *)o;
    if ((*p)->exited) {
        ob_dereference(sys, o);
        return STATUS_PROCESS_IS_TERMINATING;
    }
    if (!(*p)->vm) {
        ob_dereference(sys, o);
        return STATUS_INVALID_PARAMETER; /* Idle and System have no user space */
    }
    return STATUS_SUCCESS;
}

/* A reservation made with MEM_WRITE_WATCH starts watched, or is undone. */
static NTSTATUS start_watch(mm_space *vm, ULONG type, ULONG_PTR base, SIZE_T size)
{
    if (!(type & MEM_WRITE_WATCH))
        return STATUS_SUCCESS;
    NTSTATUS s = mm_watch_add(vm, base, size);
    if (!NT_SUCCESS(s)) {
        SIZE_T all = 0;
        mm_free(vm, &base, &all, MEM_RELEASE);
    }
    return s;
}

NTSTATUS sys_allocate_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, ULONG_PTR ZeroBits,
                                 SIZE_T *RegionSize, ULONG AllocationType, ULONG Protect)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    s = mm_allocate(p->vm, BaseAddress, ZeroBits, RegionSize, AllocationType, Protect);
    if (NT_SUCCESS(s))
        s = start_watch(p->vm, AllocationType, *BaseAddress, *RegionSize);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS sys_allocate_vm_ex(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, SIZE_T *RegionSize,
                            ULONG AllocationType, ULONG Protect, const mm_address_requirements *req)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    s = mm_allocate_ex(p->vm, BaseAddress, RegionSize, AllocationType, Protect, req);
    if (NT_SUCCESS(s) && (AllocationType & MEM_REPLACE_PLACEHOLDER)) /* a replacement starts zeroed */
        mm_page_store_discard(p->pages, *BaseAddress, *RegionSize);
    if (NT_SUCCESS(s) && !(AllocationType & MEM_REPLACE_PLACEHOLDER))
        s = start_watch(p->vm, AllocationType, *BaseAddress, *RegionSize);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS sys_free_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, SIZE_T *RegionSize,
                             ULONG FreeType)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    s = mm_free(p->vm, BaseAddress, RegionSize, FreeType);
    if (NT_SUCCESS(s)) { /* decommitted or released pages read as zeros again, unwritten */
        mm_page_store_discard(p->pages, *BaseAddress, *RegionSize);
        mm_watch_forget(p->vm, *BaseAddress, *RegionSize);
    }
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS sys_protect_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, SIZE_T *RegionSize,
                                ULONG NewProtect, ULONG *OldProtect, bool *reached)
{
    ps_process *p;
    *reached = false;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    *reached = true;
    s = mm_protect(p->vm, BaseAddress, RegionSize, NewProtect, OldProtect);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS sys_query_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, MEMORY_BASIC_INFORMATION *mbi)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_QUERY_INFORMATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    s = mm_query(p->vm, BaseAddress, mbi);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS sys_query_region(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, mm_region_info *out)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_QUERY_INFORMATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    s = mm_query_region(p->vm, BaseAddress, out);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS sys_query_image(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, ULONG_PTR *base,
                         SIZE_T *size)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_QUERY_INFORMATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    s = mm_query_image(p->vm, BaseAddress, base, size, NULL);
    ob_dereference(sys, &p->header);
    return s;
}

/* ntdll's path as ps/process.c's NTDLL_PATH gives it to the notify routines
   (that file keeps it private): the system directory on volume 3. */
#define NTDLL_NT_PATH "\\Device\\HarddiskVolume3\\Windows\\System32\\ntdll.dll"

/* Where an image's NT path is kept: the process's own and ntdll by ps, a
   DLL's by the space (ntsim_load_image). */
static const char *image_nt_path(const ps_process *p, ULONG_PTR base, const char *name)
{
    if (base == p->image_base && p->nt_image_path)
        return p->nt_image_path;
    if (base == p->ntdll_base)
        return NTDLL_NT_PATH;
    const char *kept = mm_image_path_of(p->vm, base);
    return kept ? kept : name;
}

/* A pagefile-backed view has no file: Wine's server answers STATUS_FILE_INVALID. */
NTSTATUS sys_query_mapped_name(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, char **path)
{
    ps_process *p;
    *path = NULL;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_QUERY_INFORMATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    ULONG_PTR base;
    SIZE_T size;
    const char *name = NULL;
    s = mm_query_image(p->vm, BaseAddress, &base, &size, &name);
    if (NT_SUCCESS(s)) {
        const char *full = image_nt_path(p, base, name ? name : "");
        size_t n = strlen(full) + 1;
        *path = rtl_malloc(n);
        if (*path)
            memcpy(*path, full, n);
        else
            s = STATUS_INSUFFICIENT_RESOURCES;
    } else {
        mm_region_info r;
        if (NT_SUCCESS(mm_query_region(p->vm, BaseAddress, &r)) && (r.type & MM_REGION_MAPPED_PAGE_FILE))
            s = STATUS_FILE_INVALID;
    }
    ob_dereference(sys, &p->header);
    return s;
}

/* Each entry's VirtualAddress read, its attributes written after it. */
NTSTATUS sys_query_working_set_ex(ntsim_system *sys, HANDLE ProcessHandle, ULONG64 buffer, SIZE_T count)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_QUERY_INFORMATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    for (SIZE_T i = 0; i < count && NT_SUCCESS(s); i++) {
        ULONG64 va;
        s = sys_in(sys, buffer + 16 * i, &va, 8, 1);
        if (NT_SUCCESS(s)) {
            uint64_t flags = mm_query_working_set_ex(p->vm, va);
            s = sys_out(sys, buffer + 16 * i + 8, &flags, 8);
        }
    }
    ob_dereference(sys, &p->header);
    return s;
}

/* NtGetWriteWatch's work, the addresses written to the caller's array as
   found, a chunk at a time (a range may hold millions of pages). */
#define WATCH_CHUNK 256
NTSTATUS sys_get_write_watch(ntsim_system *sys, HANDLE ProcessHandle, bool reset, ULONG_PTR base, SIZE_T size,
                             ULONG64 array, uint64_t *count)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    ULONG_PTR pages[WATCH_CHUNK], at = base, end = base + size;
    uint64_t found = 0, want = *count;
    do {
        uint64_t n = want - found < WATCH_CHUNK ? want - found : WATCH_CHUNK;
        s = mm_get_write_watch(p->vm, reset, at, end - at, pages, &n);
        if (NT_SUCCESS(s) && n)
            s = sys_out(sys, array + 8 * found, pages, n * 8);
        if (!NT_SUCCESS(s))
            break;
        found += n;
        if (n < WATCH_CHUNK || found == want)
            break;
        at = pages[n - 1] + MM_PAGE_SIZE;
    } while (at < end);
    ob_dereference(sys, &p->header);
    *count = found;
    return s;
}

NTSTATUS sys_reset_write_watch(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR base, SIZE_T size)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    s = mm_reset_write_watch(p->vm, base, size);
    ob_dereference(sys, &p->header);
    return s;
}

/*
 * MmCopyVirtualMemory, as x64 Windows 10 (1607 and later) and 11 answer
 * NtReadVirtualMemory / NtWriteVirtualMemory (Wine's kernel32 tests record
 * these answers on Windows; the mechanism is NT's, as ReactOS mirrors it):
 *  - up to COPY_POOL_BYTES (NT's POOL_MOVE_THRESHOLD, 511), the source is
 *    copied into a kernel buffer, then out to the destination;
 *  - beyond, the source is locked COPY_LOCK_BYTES at a time (every page
 *    read, in order: a guard page fires and stays gone), then moved.
 * Every failure is STATUS_PARTIAL_COPY. The count: a fault on the source
 * (while locking, or while filling the kernel buffer) is the chunks before
 * it, as nothing of its chunk reached the destination (a write from a buffer
 * of the caller's that is unreadable anywhere in its first chunk copies 0
 * bytes; so does a short copy whose source faults after a few bytes); a
 * fault on the destination is exact, the bytes before the page that faulted
 * (a read into a buffer unwritable from 0x2000 copies 0x2000). The source is
 * the other process for a read, the caller's buffer for a write.
 */
#define COPY_POOL_BYTES 511
#define COPY_LOCK_BYTES (14 * MM_PAGE_SIZE)

/* One side of a copy: the other process's memory, or the caller's buffer (p NULL). */
typedef struct copy_side {
    ntsim_system *sys;
    ps_process *p;
    ULONG64 at;
} copy_side;

static NTSTATUS side_read(const copy_side *c, SIZE_T off, void *buf, SIZE_T n)
{
    return c->p ? mm_copy_from_user(c->p->vm, c->p->pages, c->at + off, buf, n)
                : sys_in(c->sys, c->at + off, buf, n, 1);
}

static NTSTATUS side_write(const copy_side *c, SIZE_T off, const void *buf, SIZE_T n)
{
    return c->p ? mm_copy_to_user(c->p->vm, c->p->pages, c->at + off, buf, n)
                : sys_out(c->sys, c->at + off, buf, n);
}

/* Bytes from off to the next page boundary of c, at most left. */
static SIZE_T to_page_end(const copy_side *c, SIZE_T off, SIZE_T left)
{
    SIZE_T n = MM_PAGE_SIZE - (c->at + off) % MM_PAGE_SIZE;
    return n < left ? n : left;
}

/* [off, end) of one side, a page of it at a time; *at where it stopped. */
static NTSTATUS side_pass(const copy_side *c, bool write, SIZE_T off, SIZE_T end, unsigned char *buf,
                          SIZE_T buf_off, SIZE_T *at)
{
    NTSTATUS s = STATUS_SUCCESS;
    while (off < end && NT_SUCCESS(s)) {
        SIZE_T n = to_page_end(c, off, end - off);
        s = write ? side_write(c, off, buf + (off - buf_off), n) : side_read(c, off, buf + (off - buf_off), n);
        if (NT_SUCCESS(s))
            off += n;
    }
    *at = off;
    return s;
}

/* MmProbeAndLockPages of [off, end) of the source: each page read once, in order. */
static NTSTATUS lock_source(const copy_side *from, SIZE_T off, SIZE_T end)
{
    unsigned char page[MM_PAGE_SIZE];
    NTSTATUS s = STATUS_SUCCESS;
    while (off < end && NT_SUCCESS(s)) {
        SIZE_T n = to_page_end(from, off, end - off);
        s = side_read(from, off, page, n);
        off += n;
    }
    return s;
}

static NTSTATUS partial(NTSTATUS s)
{
    return s == STATUS_NO_MEMORY ? s : STATUS_PARTIAL_COPY; /* the host's lack is no fault of the caller's */
}

/* Up to COPY_POOL_BYTES: the whole source into a kernel buffer, then out. */
static NTSTATUS pool_copy(const copy_side *from, const copy_side *to, SIZE_T length, SIZE_T *copied)
{
    unsigned char buf[COPY_POOL_BYTES];
    NTSTATUS s = side_pass(from, false, 0, length, buf, 0, copied);
    if (!NT_SUCCESS(s)) {
        *copied = 0; /* MiDoPoolCopy: the source's fault moved nothing (BufferSize - LeftToMove) */
        return partial(s);
    }
    s = side_pass(to, true, 0, length, buf, 0, copied);
    return NT_SUCCESS(s) ? s : partial(s);
}

/* Beyond: a chunk of the source locked, then moved a page at a time. */
static NTSTATUS mapped_copy(const copy_side *from, const copy_side *to, SIZE_T length, SIZE_T *copied)
{
    unsigned char page[MM_PAGE_SIZE];
    for (SIZE_T done = 0; done < length;) {
        SIZE_T end = done + (length - done < COPY_LOCK_BYTES ? length - done : COPY_LOCK_BYTES);
        NTSTATUS s = lock_source(from, done, end);
        if (!NT_SUCCESS(s)) {
            *copied = done;
            return partial(s);
        }
        while (done < end) {
            SIZE_T n = to_page_end(to, done, to_page_end(from, done, end - done));
            s = side_read(from, done, page, n);
            if (NT_SUCCESS(s))
                s = side_write(to, done, page, n);
            if (!NT_SUCCESS(s)) {
                *copied = done;
                return partial(s);
            }
            done += n;
        }
    }
    *copied = length;
    return STATUS_SUCCESS;
}

NTSTATUS sys_copy_vm(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR address, ULONG64 buffer, SIZE_T length,
                     bool write, SIZE_T *copied)
{
    *copied = 0;
    if (!length)
        return STATUS_SUCCESS;
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, write ? PROCESS_VM_WRITE : PROCESS_VM_READ, &p);
    if (!NT_SUCCESS(s))
        return s;
    if (!write && !NT_SUCCESS(s = sys_refresh_shared_data(sys, p, address, length))) {
        ob_dereference(sys, &p->header);
        return s;
    }
    copy_side theirs = { sys, p, address }, mine = { sys, NULL, buffer };
    const copy_side *from = write ? &mine : &theirs, *to = write ? &theirs : &mine;
    s = length <= COPY_POOL_BYTES ? pool_copy(from, to, length, copied) : mapped_copy(from, to, length, copied);
    ob_dereference(sys, &p->header);
    return s;
}

/* The process (PROCESS_VM_OPERATION) and then the section (the right the
   protection needs), as NtMapViewOfSection(Ex) takes them; both referenced. */
static NTSTATUS map_targets(ntsim_system *sys, HANDLE SectionHandle, HANDLE ProcessHandle, ULONG Protect,
                            ps_process **p, ob_header **section)
{
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_VM_OPERATION, p);
    if (!NT_SUCCESS(s))
        return s;
    s = ob_reference_by_handle(sys, SectionHandle, mm_section_access_for(Protect), &mm_section_type, section, NULL);
    if (!NT_SUCCESS(s))
        ob_dereference(sys, &(*p)->header);
    return s;
}

/* An image view's name for the load-image routines, made before the view
   is (once mapped, nothing may fail); none for a page-file-backed section. */
static NTSTATUS view_name(ob_header *section, ps_unicode *name, bool *has)
{
    const mm_image_section *img = mm_section_image(section);
    *has = false;
    if (!img || img->no_execute) /* SEC_IMAGE_NO_EXECUTE: no routine is told */
        return STATUS_SUCCESS;
    NTSTATUS s = ps_unicode_init(name, img->path);
    *has = NT_SUCCESS(s);
    return s;
}

/* A new image view is told to the load-image routines, with the target's
   PID, when it is mapped for running (MiMapViewOfImageSection returns a
   machine-type mismatch before it notifies); a second view of one image
   notifies again. The routines run in the mapping thread's context. */
static void view_mapped(ntsim_system *sys, ps_process *p, ob_header *section, ps_unicode *name, bool has,
                        NTSTATUS s, ULONG_PTR base, SIZE_T size)
{
    if (!has)
        return;
    if (s == STATUS_SUCCESS || s == STATUS_IMAGE_NOT_AT_BASE)
        ps_notify_image_load(sys, p->pid, mm_section_image(section)->path, &name->string, base, size,
                             size < mm_section_image(section)->info.size, ps_current_thread(sys));
    ps_unicode_free(name);
}

/* What the plain call (ex false) or the Ex call adds to a view's arguments. */
typedef struct view_call {
    bool ex;
    ULONG_PTR zero_bits;
    SIZE_T commit;
    ULONG inherit;
    const mm_address_requirements *req;
} view_call;

/* NtMapViewOfSection(Ex) on the referenced process and section, told to the
   load-image routines when it is an image's. */
static NTSTATUS map_view(ntsim_system *sys, HANDLE SectionHandle, HANDLE ProcessHandle, ULONG_PTR *base,
                         uint64_t *offset, SIZE_T *size, ULONG type, ULONG protect, const view_call *c)
{
    ps_process *p;
    ob_header *section;
    NTSTATUS s = map_targets(sys, SectionHandle, ProcessHandle, protect, &p, &section);
    if (!NT_SUCCESS(s))
        return s;
    ps_unicode name;
    bool has;
    s = view_name(section, &name, &has);
    if (NT_SUCCESS(s)) {
        s = c->ex ? mm_map_section_ex(p->vm, section, base, offset, size, type, protect, c->req)
                  : mm_map_section(p->vm, section, base, c->zero_bits, c->commit, offset, size, c->inherit, type,
                                   protect);
        view_mapped(sys, p, section, &name, has, s, *base, *size);
    }
    ob_dereference(sys, section);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS sys_map_view(ntsim_system *sys, HANDLE SectionHandle, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                      ULONG_PTR ZeroBits, SIZE_T CommitSize, uint64_t *SectionOffset, SIZE_T *ViewSize,
                      ULONG InheritDisposition, ULONG AllocationType, ULONG Protect)
{
    view_call c = { false, ZeroBits, CommitSize, InheritDisposition, NULL };
    return map_view(sys, SectionHandle, ProcessHandle, BaseAddress, SectionOffset, ViewSize, AllocationType, Protect,
                    &c);
}

NTSTATUS sys_map_view_ex(ntsim_system *sys, HANDLE SectionHandle, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                         uint64_t *SectionOffset, SIZE_T *ViewSize, ULONG AllocationType, ULONG Protect,
                         const mm_address_requirements *req)
{
    view_call c = { true, 0, 0, ViewShare, req };
    return map_view(sys, SectionHandle, ProcessHandle, BaseAddress, SectionOffset, ViewSize, AllocationType, Protect,
                    &c);
}

NTSTATUS sys_unmap_view(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress)
{
    return sys_unmap_view_ex(sys, ProcessHandle, BaseAddress, false);
}

NTSTATUS sys_unmap_view_ex(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, bool preserve)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, ProcessHandle, PROCESS_VM_OPERATION, &p);
    if (!NT_SUCCESS(s))
        return s;
    ULONG_PTR start;
    SIZE_T size;
    s = mm_unmap_view_ex(p->vm, BaseAddress, preserve, &start, &size);
    if (NT_SUCCESS(s)) /* a copy-on-write view's private copies go with it */
        mm_page_store_discard(p->pages, start, size);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS ntsim_touch_memory(ntsim_system *sys, ULONG_PTR address, ntsim_access access)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, NtCurrentProcess(), 0, &p);
    if (!NT_SUCCESS(s))
        return s;
    mm_access a = access == NTSIM_WRITE ? MM_WRITE : access == NTSIM_EXECUTE ? MM_EXECUTE : MM_READ;
    s = mm_touch(p->vm, address, a);
    ob_dereference(sys, &p->header);
    return s;
}

/* A copy between the host and the current process's memory, as its own code would make it. */
static NTSTATUS copy_user(ntsim_system *sys, ULONG_PTR address, void *in, const void *out, SIZE_T length)
{
    if (length && !in && !out)
        return STATUS_INVALID_PARAMETER;
    ps_process *p;
    NTSTATUS s = space_of(sys, NtCurrentProcess(), 0, &p);
    if (!NT_SUCCESS(s))
        return s;
    if (!out)
        s = sys_refresh_shared_data(sys, p, address, length);
    if (NT_SUCCESS(s))
        s = out ? mm_user_store(p->vm, p->pages, address, out, length)
                : mm_user_load(p->vm, p->pages, address, in, length);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS ntsim_read_memory(ntsim_system *sys, ULONG_PTR address, void *buffer, SIZE_T length)
{
    return copy_user(sys, address, buffer, NULL, length);
}

NTSTATUS ntsim_write_memory(ntsim_system *sys, ULONG_PTR address, const void *buffer, SIZE_T length)
{
    return copy_user(sys, address, NULL, buffer, length);
}

/* A DLL's stack sizes: the linker's defaults (SectionImageInformation shows them; no thread uses them). */
#define DLL_STACK_RESERVE 0x100000
#define DLL_STACK_COMMIT 0x1000

/* A module the process's loader has already: its image, ntdll, a DLL loaded
   before (LoadLibrary then only counts a reference). */
static bool loaded_module(const ps_process *p, const char *nt_path, ULONG_PTR *base)
{
    const ULONG_PTR own[] = { p->image_base, p->ntdll_base };
    for (int i = 0; i < 2; i++) {
        const char *kept = own[i] ? image_nt_path(p, own[i], NULL) : NULL;
        ULONG_PTR at;
        SIZE_T size;
        /* Not unmapped since. */
        bool mapped = NT_SUCCESS(mm_query_image(p->vm, own[i], &at, &size, NULL)) && at == own[i];
        if (kept && mapped && rtl_ascii_equal_nocase(kept, nt_path)) {
            *base = own[i];
            return true;
        }
    }
    return mm_image_module_find(p->vm, nt_path, base);
}

NTSTATUS ntsim_load_image(ntsim_system *sys, const char *path, SIZE_T size, ULONG_PTR *base)
{
    ps_process *p;
    NTSTATUS s = space_of(sys, NtCurrentProcess(), 0, &p);
    if (!NT_SUCCESS(s))
        return s;
    const char *name = path;
    for (const char *c = path; *c; c++)
        if (*c == '\\' || *c == '/')
            name = c + 1;
    /* The names the notification needs first: once the image is mapped, nothing may fail. */
    ULONG_PTR at = 0;
    ps_unicode unicode;
    char *nt_path = ps_nt_path(path);
    if (nt_path && loaded_module(p, nt_path, &at)) { /* the loader's module list: nothing is mapped again */
        if (base)
            *base = at;
        rtl_free(nt_path);
        ob_dereference(sys, &p->header);
        return STATUS_SUCCESS;
    }
    mm_image_path *kept = nt_path ? mm_image_path_new(nt_path) : NULL;
    s = kept ? ps_unicode_init(&unicode, nt_path) : STATUS_INSUFFICIENT_RESOURCES;
    /* The DLL is on the volume from now on, as big as this load says. */
    mm_image_info file = { size ? (size + 0xFFF) & ~(SIZE_T)0xFFF : 0x10000, p->arch == NTSIM_ARCH_X64, true, false,
                           DLL_STACK_RESERVE, DLL_STACK_COMMIT };
    if (NT_SUCCESS(s))
        s = mm_image_file_record(ps_state(sys)->image_files, nt_path, &file);
    if (NT_SUCCESS(s)) {
        s = mm_map_image(p->vm, &at, size ? size : 0x10000, name);
        if (NT_SUCCESS(s)) {
            mm_image_path_adopt(p->vm, at, kept, true);
            kept = NULL;
            SIZE_T mapped = size ? (size + 0xFFF) & ~(SIZE_T)0xFFF : 0x10000;
            ps_notify_image_load(sys, p->pid, nt_path, &unicode.string, at, mapped, false, ps_current_thread(sys));
            if (base)
                *base = at;
        }
        ps_unicode_free(&unicode);
    }
    rtl_free(kept);
    rtl_free(nt_path);
    ob_dereference(sys, &p->header);
    return s;
}

NTSTATUS ntsim_walk_memory(ntsim_system *sys, ULONG pid, ntsim_region_cb cb, void *context)
{
    ps_process *p = ps_lookup_process(sys, pid);
    if (!p)
        return STATUS_INVALID_CID;
    if (!p->vm)
        return p->exited ? STATUS_PROCESS_IS_TERMINATING : STATUS_INVALID_PARAMETER;
    mm_walk(p->vm, (mm_region_cb)cb, context);
    return STATUS_SUCCESS;
}
