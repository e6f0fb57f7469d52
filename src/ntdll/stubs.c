/*
 * stubs.c - the ntdll layer: every Nt* function of the public API is a
 * user-mode stub. It puts the caller's arguments where a real program's
 * would be (on the calling thread's user stack, in its process's memory),
 * loads the service number and enters the dispatcher (the syscall
 * instruction), then copies the results back to the caller's variables.
 *
 * A thread with no user space (the System process's) is a kernel thread: its
 * calls enter the services with previous mode KernelMode and plain pointers.
 * Buffers larger than the stack frame go to a temporary committed region
 * (where a real program would use its heap), released after the call.
 */
#include <stdlib.h>
#include <string.h>

#include "ntsim/ntsim.h"
#include "system/service_list.h"
#include "system/system.h"
#include "mm/user_memory.h"
#include "ps/ps.h"

#define FRAME_TOP 0x80    /* bytes left above the frame at the stack's top */
#define FRAME_SIZE 0xF00  /* inside the first committed page of the stack */

typedef struct frame {
    ntsim_system *sys;
    ps_process *process;
    bool kernel;
    ULONG_PTR next, limit;     /* free part of the stack frame */
    ULONG_PTR temp;            /* a temporary region, if one was needed */
    SIZE_T temp_size, temp_used;
    NTSTATUS failed;           /* an argument could not be written: the call is not made */
} frame;

static void frame_begin(frame *f, ntsim_system *sys)
{
    ps_thread *t = ps_current_thread(sys);
    *f = (frame){ .sys = sys, .process = t->process };
    f->kernel = !t->process->vm || !t->stack_base;
    if (!f->kernel) {
        f->next = t->stack_base - FRAME_TOP;
        f->limit = f->next - FRAME_SIZE;
    }
}

static void frame_end(frame *f)
{
    if (f->temp) {
        ULONG_PTR base = f->temp;
        SIZE_T size = 0;
        mm_free(f->process->vm, &base, &size, MEM_RELEASE);
        mm_page_store_discard(f->process->pages, f->temp, f->temp_size);
    }
}

/* Room for n bytes in user memory, 16-byte aligned. 0 if none can be had. */
static ULONG_PTR reserve(frame *f, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (f->next - f->limit >= n) {
        f->next -= n;
        return f->next;
    }
    if (!f->temp) {
        SIZE_T size = n < 0x10000 ? 0x10000 : n;
        ULONG_PTR base = 0;
        if (!NT_SUCCESS(mm_allocate(f->process->vm, &base, 0, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)))
            return 0;
        f->temp = base;
        f->temp_size = size;
    }
    if (f->temp_size - f->temp_used < n)
        return 0;
    f->temp_used += n;
    return f->temp + f->temp_used - n;
}

/* An input the service will read: its address as the service sees it. */
static ULONG64 put(frame *f, const void *host, size_t n)
{
    if (!host)
        return 0;
    if (f->kernel)
        return (ULONG64)(uintptr_t)host;
    ULONG_PTR at = reserve(f, n);
    if (at) {
        /* A page of the frame written for the first time takes host memory. */
        NTSTATUS s = mm_copy_to_user(f->process->vm, f->process->pages, at, host, n);
        if (s == STATUS_NO_MEMORY && NT_SUCCESS(f->failed))
            f->failed = s;
    }
    return at;
}

/* An output the service will write (an in/out parameter starts with the caller's value). */
static ULONG64 slot(frame *f, void *host, size_t n)
{
    return put(f, host, n);
}

static void get(frame *f, ULONG64 at, void *host, size_t n)
{
    if (!host || !at || f->kernel)
        return;
    mm_copy_from_user(f->process->vm, f->process->pages, at, host, n);
}

static NTSTATUS call(frame *f, ULONG number, const ULONG64 *args, ULONG argc)
{
    if (!NT_SUCCESS(f->failed))
        return f->failed;
    return sys_system_service(f->sys, f->kernel ? KernelMode : UserMode, number, args, argc);
}

static ULONG64 hv(HANDLE h)
{
    return (ULONG64)(uintptr_t)h;
}


/* ---- the stubs ----------------------------------------------------------- */

NTSTATUS NtClose(ntsim_system *sys, HANDLE Handle)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 a[] = { hv(Handle) };
    NTSTATUS s = call(&f, SYS_NR(NtClose), a, SYS_ARGC(NtClose));
    frame_end(&f);
    return s;
}

NTSTATUS NtAllocateVirtualMemory(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, ULONG_PTR ZeroBits,
                                 SIZE_T *RegionSize, ULONG AllocationType, ULONG Protect)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pb = slot(&f, BaseAddress, 8), ps = slot(&f, RegionSize, 8);
    ULONG64 a[] = { hv(ProcessHandle), pb, ZeroBits, ps, AllocationType, Protect };
    NTSTATUS s = call(&f, SYS_NR(NtAllocateVirtualMemory), a, SYS_ARGC(NtAllocateVirtualMemory));
    get(&f, pb, BaseAddress, 8);
    get(&f, ps, RegionSize, 8);
    frame_end(&f);
    return s;
}

NTSTATUS NtFreeVirtualMemory(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, SIZE_T *RegionSize,
                             ULONG FreeType)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pb = slot(&f, BaseAddress, 8), ps = slot(&f, RegionSize, 8);
    ULONG64 a[] = { hv(ProcessHandle), pb, ps, FreeType };
    NTSTATUS s = call(&f, SYS_NR(NtFreeVirtualMemory), a, SYS_ARGC(NtFreeVirtualMemory));
    get(&f, pb, BaseAddress, 8);
    get(&f, ps, RegionSize, 8);
    frame_end(&f);
    return s;
}

NTSTATUS NtProtectVirtualMemory(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress, SIZE_T *RegionSize,
                                ULONG NewProtect, ULONG *OldProtect)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pb = slot(&f, BaseAddress, 8), ps = slot(&f, RegionSize, 8), po = slot(&f, OldProtect, 4);
    ULONG64 a[] = { hv(ProcessHandle), pb, ps, NewProtect, po };
    NTSTATUS s = call(&f, SYS_NR(NtProtectVirtualMemory), a, SYS_ARGC(NtProtectVirtualMemory));
    get(&f, pb, BaseAddress, 8);
    get(&f, ps, RegionSize, 8);
    get(&f, po, OldProtect, 4);
    frame_end(&f);
    return s;
}

/* The classes other than the basic one: the caller's buffer as it is (the
   x64 layouts are the host's), in and out; a section name's Buffer then
   points into the caller's copy. */
static NTSTATUS query_raw(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, ULONG cls, void *info,
                          SIZE_T length, SIZE_T *ReturnLength)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pm = info ? slot(&f, info, length) : 0, pr = slot(&f, ReturnLength, 8);
    ULONG64 a[] = { hv(ProcessHandle), BaseAddress, cls, pm, length, pr };
    NTSTATUS s = call(&f, SYS_NR(NtQueryVirtualMemory), a, SYS_ARGC(NtQueryVirtualMemory));
    get(&f, pm, info, length);
    get(&f, pr, ReturnLength, 8);
    if (s == STATUS_SUCCESS && cls == MemoryMappedFilenameInformation && !f.kernel)
        ((MEMORY_SECTION_NAME *)info)->SectionFileName.Buffer = (PWSTR)((unsigned char *)info + 16);
    frame_end(&f);
    return s;
}

NTSTATUS NtQueryVirtualMemory(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress,
                              MEMORY_INFORMATION_CLASS MemoryInformationClass, void *MemoryInformation,
                              SIZE_T MemoryInformationLength, SIZE_T *ReturnLength)
{
    if (MemoryInformationClass != MemoryBasicInformation)
        return query_raw(sys, ProcessHandle, BaseAddress, MemoryInformationClass, MemoryInformation,
                         MemoryInformationLength, ReturnLength);
    frame f;
    frame_begin(&f, sys);
    unsigned char raw[48] = { 0 };
    bool want = MemoryInformation && MemoryInformationLength >= sizeof(MEMORY_BASIC_INFORMATION);
    ULONG64 pm = want ? slot(&f, raw, sizeof raw) : 0, pr = slot(&f, ReturnLength, 8);
    if (f.kernel && want)
        pm = (ULONG64)(uintptr_t)raw;
    ULONG64 a[] = { hv(ProcessHandle), BaseAddress, MemoryInformationClass, pm, want ? 48 : MemoryInformationLength,
                    pr };
    NTSTATUS s = call(&f, SYS_NR(NtQueryVirtualMemory), a, SYS_ARGC(NtQueryVirtualMemory));
    get(&f, pm, raw, sizeof raw);
    get(&f, pr, ReturnLength, 8);
    if (NT_SUCCESS(s)) {
        MEMORY_BASIC_INFORMATION *m = MemoryInformation;
        memcpy(&m->BaseAddress, raw + 0, 8);
        memcpy(&m->AllocationBase, raw + 8, 8);
        memcpy(&m->AllocationProtect, raw + 16, 4);
        memcpy(&m->RegionSize, raw + 24, 8);
        memcpy(&m->State, raw + 32, 4);
        memcpy(&m->Protect, raw + 36, 4);
        memcpy(&m->Type, raw + 40, 4);
        if (ReturnLength)
            *ReturnLength = sizeof(MEMORY_BASIC_INFORMATION);
    }
    frame_end(&f);
    return s;
}

NTSTATUS NtReadVirtualMemory(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, void *Buffer,
                             SIZE_T NumberOfBytesToRead, SIZE_T *NumberOfBytesRead)
{
    frame f;
    frame_begin(&f, sys);
    /* The caller's buffer: room in its memory the service fills, copied back after. */
    ULONG64 pb = (ULONG64)(uintptr_t)Buffer;
    if (!f.kernel)
        pb = Buffer && NumberOfBytesToRead ? reserve(&f, NumberOfBytesToRead) : 0;
    /* The count always: how much of the buffer to copy back (the stub's own
       variable if the caller has none), starting as the caller's, which a
       failure before the copy leaves as it was. */
    SIZE_T done = NumberOfBytesRead ? *NumberOfBytesRead : 0;
    ULONG64 pn = slot(&f, NumberOfBytesRead || !f.kernel ? &done : NULL, 8);
    ULONG64 a[] = { hv(ProcessHandle), BaseAddress, pb, NumberOfBytesToRead, pn };
    NTSTATUS s = call(&f, SYS_NR(NtReadVirtualMemory), a, SYS_ARGC(NtReadVirtualMemory));
    get(&f, pn, &done, 8);
    if (NT_SUCCESS(s) || s == STATUS_PARTIAL_COPY)
        get(&f, pb, Buffer, done < NumberOfBytesToRead ? done : NumberOfBytesToRead);
    if (NumberOfBytesRead)
        *NumberOfBytesRead = done;
    frame_end(&f);
    return s;
}

NTSTATUS NtWriteVirtualMemory(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, const void *Buffer,
                              SIZE_T NumberOfBytesToWrite, SIZE_T *NumberOfBytesWritten)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pb = put(&f, Buffer, NumberOfBytesToWrite);
    ULONG64 pn = slot(&f, NumberOfBytesWritten, 8);
    ULONG64 a[] = { hv(ProcessHandle), BaseAddress, pb, NumberOfBytesToWrite, pn };
    NTSTATUS s = call(&f, SYS_NR(NtWriteVirtualMemory), a, SYS_ARGC(NtWriteVirtualMemory));
    get(&f, pn, NumberOfBytesWritten, 8);
    frame_end(&f);
    return s;
}

/* OBJECT_ATTRIBUTES with nothing in it but its length (x64: 48 bytes). */
static ULONG64 empty_attributes(frame *f, unsigned char *oa)
{
    memset(oa, 0, 48);
    oa[0] = 48;
    return put(f, oa, 48);
}

static NTSTATUS open_by_id(ntsim_system *sys, ULONG service, HANDLE *Handle, ACCESS_MASK DesiredAccess,
                           const CLIENT_ID *ClientId)
{
    frame f;
    frame_begin(&f, sys);
    unsigned char oa[48];
    ULONG64 ids[2] = { ClientId ? ClientId->UniqueProcess : 0, ClientId ? ClientId->UniqueThread : 0 };
    ULONG64 out_handle = 0;
    ULONG64 ph = Handle ? slot(&f, &out_handle, 8) : 0;
    ULONG64 a[] = { ph, DesiredAccess, empty_attributes(&f, oa), ClientId ? put(&f, ids, sizeof ids) : 0 };
    NTSTATUS s = call(&f, service, a, 4);
    get(&f, ph, &out_handle, 8);
    if (Handle)
        *Handle = NT_SUCCESS(s) ? (HANDLE)(uintptr_t)out_handle : NULL;
    frame_end(&f);
    return s;
}

NTSTATUS NtOpenProcess(ntsim_system *sys, HANDLE *ProcessHandle, ACCESS_MASK DesiredAccess, const CLIENT_ID *ClientId)
{
    return open_by_id(sys, SYS_NR(NtOpenProcess), ProcessHandle, DesiredAccess, ClientId);
}

NTSTATUS NtOpenThread(ntsim_system *sys, HANDLE *ThreadHandle, ACCESS_MASK DesiredAccess, const CLIENT_ID *ClientId)
{
    return open_by_id(sys, SYS_NR(NtOpenThread), ThreadHandle, DesiredAccess, ClientId);
}

NTSTATUS NtDuplicateObject(ntsim_system *sys, HANDLE SourceProcessHandle, HANDLE SourceHandle,
                           HANDLE TargetProcessHandle, HANDLE *TargetHandle, ACCESS_MASK DesiredAccess,
                           ULONG HandleAttributes, ULONG Options)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 out_handle = 0;
    ULONG64 pt = TargetHandle ? slot(&f, &out_handle, 8) : 0;
    ULONG64 a[] = { hv(SourceProcessHandle), hv(SourceHandle), hv(TargetProcessHandle), pt, DesiredAccess,
                    HandleAttributes, Options };
    NTSTATUS s = call(&f, SYS_NR(NtDuplicateObject), a, SYS_ARGC(NtDuplicateObject));
    get(&f, pt, &out_handle, 8);
    if (TargetHandle)
        *TargetHandle = NT_SUCCESS(s) ? (HANDLE)(uintptr_t)out_handle : NULL;
    frame_end(&f);
    return s;
}

/* A service of a handle and one or two values (argc 2 or 3), nothing written back. */
static NTSTATUS handle_and_values(ntsim_system *sys, ULONG service, ULONG argc, HANDLE handle, ULONG64 v1, ULONG64 v2)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 a[] = { hv(handle), v1, v2 };
    NTSTATUS s = call(&f, service, a, argc);
    frame_end(&f);
    return s;
}

static NTSTATUS handle_and_value(ntsim_system *sys, ULONG service, HANDLE handle, ULONG64 value)
{
    return handle_and_values(sys, service, 2, handle, value, 0);
}

NTSTATUS NtTerminateProcess(ntsim_system *sys, HANDLE ProcessHandle, NTSTATUS ExitStatus)
{
    return handle_and_value(sys, SYS_NR(NtTerminateProcess), ProcessHandle, (ULONG)ExitStatus);
}

NTSTATUS NtTerminateThread(ntsim_system *sys, HANDLE ThreadHandle, NTSTATUS ExitStatus)
{
    return handle_and_value(sys, SYS_NR(NtTerminateThread), ThreadHandle, (ULONG)ExitStatus);
}

static NTSTATUS handle_and_count(ntsim_system *sys, ULONG service, HANDLE handle, ULONG *count)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pc = slot(&f, count, 4);
    ULONG64 a[] = { hv(handle), pc };
    NTSTATUS s = call(&f, service, a, 2);
    get(&f, pc, count, 4);
    frame_end(&f);
    return s;
}

NTSTATUS NtSuspendThread(ntsim_system *sys, HANDLE ThreadHandle, ULONG *PreviousSuspendCount)
{
    return handle_and_count(sys, SYS_NR(NtSuspendThread), ThreadHandle, PreviousSuspendCount);
}

NTSTATUS NtResumeThread(ntsim_system *sys, HANDLE ThreadHandle, ULONG *PreviousSuspendCount)
{
    return handle_and_count(sys, SYS_NR(NtResumeThread), ThreadHandle, PreviousSuspendCount);
}

NTSTATUS NtSetInformationThread(ntsim_system *sys, HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
                                const void *ThreadInformation, ULONG ThreadInformationLength)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pi = put(&f, ThreadInformation, ThreadInformationLength);
    ULONG64 a[] = { hv(ThreadHandle), ThreadInformationClass, pi, ThreadInformationLength };
    NTSTATUS s = call(&f, SYS_NR(NtSetInformationThread), a, SYS_ARGC(NtSetInformationThread));
    frame_end(&f);
    return s;
}

NTSTATUS NtQueryInformationProcess(ntsim_system *sys, HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
                                   void *ProcessInformation, ULONG ProcessInformationLength, ULONG *ReturnLength)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pi = slot(&f, ProcessInformation, ProcessInformationLength);
    ULONG64 pr = slot(&f, ReturnLength, 4);
    ULONG64 a[] = { hv(ProcessHandle), ProcessInformationClass, pi, ProcessInformationLength, pr };
    NTSTATUS s = call(&f, SYS_NR(NtQueryInformationProcess), a, SYS_ARGC(NtQueryInformationProcess));
    get(&f, pi, ProcessInformation, ProcessInformationLength);
    get(&f, pr, ReturnLength, 4);
    frame_end(&f);
    return s;
}

NTSTATUS NtQuerySystemInformation(ntsim_system *sys, SYSTEM_INFORMATION_CLASS SystemInformationClass,
                                  void *SystemInformation, ULONG SystemInformationLength, ULONG *ReturnLength)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pi = SystemInformation ? slot(&f, SystemInformation, SystemInformationLength) : 0;
    ULONG64 pr = slot(&f, ReturnLength, 4);
    ULONG64 a[] = { SystemInformationClass, pi, SystemInformationLength, pr };
    NTSTATUS s = call(&f, SYS_NR(NtQuerySystemInformation), a, SYS_ARGC(NtQuerySystemInformation));
    get(&f, pi, SystemInformation, SystemInformationLength);
    get(&f, pr, ReturnLength, 4);
    frame_end(&f);
    return s;
}

NTSTATUS NtCreateThreadEx(ntsim_system *sys, HANDLE *ThreadHandle, ACCESS_MASK DesiredAccess, void *ObjectAttributes,
                          HANDLE ProcessHandle, ULONG_PTR StartRoutine, ULONG_PTR Argument, ULONG CreateFlags,
                          SIZE_T ZeroBits, SIZE_T StackSize, SIZE_T MaximumStackSize, void *AttributeList)
{
    (void)ObjectAttributes;
    (void)AttributeList;
    frame f;
    frame_begin(&f, sys);
    ULONG64 out_handle = 0;
    ULONG64 ph = slot(&f, &out_handle, 8);
    ULONG64 a[] = { ph, DesiredAccess, 0, hv(ProcessHandle), StartRoutine, Argument, CreateFlags, ZeroBits, StackSize,
                    MaximumStackSize, 0 };
    NTSTATUS s = call(&f, SYS_NR(NtCreateThreadEx), a, SYS_ARGC(NtCreateThreadEx));
    get(&f, ph, &out_handle, 8);
    if (ThreadHandle)
        *ThreadHandle = NT_SUCCESS(s) ? (HANDLE)(uintptr_t)out_handle : NULL;
    frame_end(&f);
    return s;
}

NTSTATUS NtDelayExecution(ntsim_system *sys, bool Alertable, const LONG64 *DelayInterval)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 a[] = { Alertable, put(&f, DelayInterval, 8) };
    NTSTATUS s = call(&f, SYS_NR(NtDelayExecution), a, SYS_ARGC(NtDelayExecution));
    frame_end(&f);
    return s;
}

NTSTATUS NtWaitForSingleObject(ntsim_system *sys, HANDLE Handle, bool Alertable, const LONG64 *Timeout)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 a[] = { hv(Handle), Alertable, put(&f, Timeout, 8) };
    NTSTATUS s = call(&f, SYS_NR(NtWaitForSingleObject), a, SYS_ARGC(NtWaitForSingleObject));
    frame_end(&f);
    return s;
}

/* ---- files ----------------------------------------------------------------- */

/* OBJECT_ATTRIBUTES and its name as the x64 kernel reads them, in user memory. */
static ULONG64 put_attributes(frame *f, const OBJECT_ATTRIBUTES *oa)
{
    if (!oa)
        return 0;
    if (f->kernel)
        return (ULONG64)(uintptr_t)oa;
    ULONG64 name = 0;
    if (oa->ObjectName) {
        const UNICODE_STRING *u = oa->ObjectName;
        unsigned char us[16] = { 0 };
        ULONG64 buffer = u->Length ? put(f, u->Buffer, u->Length) : 0;
        memcpy(us, &u->Length, 2);
        memcpy(us + 2, &u->MaximumLength, 2);
        memcpy(us + 8, &buffer, 8);
        name = put(f, us, sizeof us);
    }
    unsigned char a[48] = { 0 };
    ULONG len = 48;
    memcpy(a, &len, 4);
    memcpy(a + 16, &name, 8);
    memcpy(a + 24, &oa->Attributes, 4);
    return put(f, a, sizeof a);
}

/* IO_STATUS_BLOCK back from user memory (x64: status, then information at 8). */
static void get_iosb(frame *f, ULONG64 at, PIO_STATUS_BLOCK iosb)
{
    unsigned char b[16];
    if (!iosb || !at || f->kernel)
        return;
    if (NT_SUCCESS(mm_copy_from_user(f->process->vm, f->process->pages, at, b, sizeof b))) {
        ULONG64 info;
        memcpy(&iosb->Status, b, 4);
        memcpy(&info, b + 8, 8);
        iosb->Information = info;
    }
}

static ULONG64 iosb_slot(frame *f, PIO_STATUS_BLOCK iosb)
{
    unsigned char zero[16] = { 0 };
    if (!iosb)
        return 0;
    return f->kernel ? (ULONG64)(uintptr_t)iosb : put(f, zero, sizeof zero);
}

NTSTATUS NtCreateFile(ntsim_system *sys, HANDLE *FileHandle, ACCESS_MASK DesiredAccess,
                      POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock, void *AllocationSize,
                      ULONG FileAttributes, ULONG ShareAccess, ULONG CreateDisposition, ULONG CreateOptions,
                      void *EaBuffer, ULONG EaLength)
{
    (void)AllocationSize;
    (void)EaBuffer;
    frame f;
    frame_begin(&f, sys);
    ULONG64 out_handle = 0;
    ULONG64 ph = FileHandle ? slot(&f, &out_handle, 8) : 0;
    ULONG64 pi = iosb_slot(&f, IoStatusBlock);
    ULONG64 a[] = { ph, DesiredAccess, put_attributes(&f, ObjectAttributes), pi, 0, FileAttributes, ShareAccess,
                    CreateDisposition, CreateOptions, 0, EaLength };
    NTSTATUS s = call(&f, SYS_NR(NtCreateFile), a, SYS_ARGC(NtCreateFile));
    get(&f, ph, &out_handle, 8);
    get_iosb(&f, pi, IoStatusBlock);
    if (FileHandle)
        *FileHandle = NT_SUCCESS(s) ? (HANDLE)(uintptr_t)out_handle : NULL;
    frame_end(&f);
    return s;
}

NTSTATUS NtOpenFile(ntsim_system *sys, HANDLE *FileHandle, ACCESS_MASK DesiredAccess,
                    POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock, ULONG ShareAccess,
                    ULONG OpenOptions)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 out_handle = 0;
    ULONG64 ph = FileHandle ? slot(&f, &out_handle, 8) : 0;
    ULONG64 pi = iosb_slot(&f, IoStatusBlock);
    ULONG64 a[] = { ph, DesiredAccess, put_attributes(&f, ObjectAttributes), pi, ShareAccess, OpenOptions };
    NTSTATUS s = call(&f, SYS_NR(NtOpenFile), a, SYS_ARGC(NtOpenFile));
    get(&f, ph, &out_handle, 8);
    get_iosb(&f, pi, IoStatusBlock);
    if (FileHandle)
        *FileHandle = NT_SUCCESS(s) ? (HANDLE)(uintptr_t)out_handle : NULL;
    frame_end(&f);
    return s;
}

NTSTATUS NtReadFile(ntsim_system *sys, HANDLE FileHandle, HANDLE Event, void *ApcRoutine, void *ApcContext,
                    PIO_STATUS_BLOCK IoStatusBlock, void *Buffer, ULONG Length, LONG64 *ByteOffset, ULONG *Key)
{
    (void)ApcRoutine;
    (void)ApcContext;
    (void)ByteOffset;
    (void)Key;
    frame f;
    frame_begin(&f, sys);
    ULONG64 pi = iosb_slot(&f, IoStatusBlock);
    ULONG64 pb = f.kernel ? (ULONG64)(uintptr_t)Buffer : (Length ? reserve(&f, Length) : 0);
    ULONG64 a[] = { hv(FileHandle), hv(Event), 0, 0, pi, pb, Length, 0, 0 };
    NTSTATUS s = call(&f, SYS_NR(NtReadFile), a, SYS_ARGC(NtReadFile));
    get(&f, pb, Buffer, Length);
    get_iosb(&f, pi, IoStatusBlock);
    frame_end(&f);
    return s;
}

NTSTATUS NtWriteFile(ntsim_system *sys, HANDLE FileHandle, HANDLE Event, void *ApcRoutine, void *ApcContext,
                     PIO_STATUS_BLOCK IoStatusBlock, const void *Buffer, ULONG Length, LONG64 *ByteOffset, ULONG *Key)
{
    (void)ApcRoutine;
    (void)ApcContext;
    (void)ByteOffset;
    (void)Key;
    frame f;
    frame_begin(&f, sys);
    ULONG64 pi = iosb_slot(&f, IoStatusBlock);
    ULONG64 a[] = { hv(FileHandle), hv(Event), 0, 0, pi, put(&f, Buffer, Length), Length, 0, 0 };
    NTSTATUS s = call(&f, SYS_NR(NtWriteFile), a, SYS_ARGC(NtWriteFile));
    get_iosb(&f, pi, IoStatusBlock);
    frame_end(&f);
    return s;
}

NTSTATUS NtDeviceIoControlFile(ntsim_system *sys, HANDLE FileHandle, HANDLE Event, void *ApcRoutine,
                               void *ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG IoControlCode,
                               const void *InputBuffer, ULONG InputBufferLength, void *OutputBuffer,
                               ULONG OutputBufferLength)
{
    (void)ApcRoutine;
    (void)ApcContext;
    frame f;
    frame_begin(&f, sys);
    ULONG64 pi = iosb_slot(&f, IoStatusBlock);
    ULONG64 po = f.kernel ? (ULONG64)(uintptr_t)OutputBuffer : (OutputBufferLength ? reserve(&f, OutputBufferLength) : 0);
    ULONG64 a[] = { hv(FileHandle), hv(Event), 0, 0, pi, IoControlCode, put(&f, InputBuffer, InputBufferLength),
                    InputBufferLength, po, OutputBufferLength };
    NTSTATUS s = call(&f, SYS_NR(NtDeviceIoControlFile), a, SYS_ARGC(NtDeviceIoControlFile));
    get(&f, po, OutputBuffer, OutputBufferLength);
    get_iosb(&f, pi, IoStatusBlock);
    frame_end(&f);
    return s;
}

/* ---- threads, waits and events ------------------------------------------------ */

NTSTATUS NtQueryInformationThread(ntsim_system *sys, HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
                                  void *ThreadInformation, ULONG ThreadInformationLength, ULONG *ReturnLength)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pi = slot(&f, ThreadInformation, ThreadInformationLength);
    ULONG64 pr = slot(&f, ReturnLength, 4);
    ULONG64 a[] = { hv(ThreadHandle), ThreadInformationClass, pi, ThreadInformationLength, pr };
    NTSTATUS s = call(&f, SYS_NR(NtQueryInformationThread), a, SYS_ARGC(NtQueryInformationThread));
    get(&f, pi, ThreadInformation, ThreadInformationLength);
    get(&f, pr, ReturnLength, 4);
    frame_end(&f);
    return s;
}

NTSTATUS NtWaitForMultipleObjects(ntsim_system *sys, ULONG Count, const HANDLE *Handles, WAIT_TYPE WaitType,
                                  bool Alertable, const LONG64 *Timeout)
{
    frame f;
    frame_begin(&f, sys);
    /* The array as the x64 kernel reads it: 8 bytes a handle. */
    ULONG64 values[NTSIM_MAX_WAIT_OBJECTS];
    ULONG n = Count <= NTSIM_MAX_WAIT_OBJECTS ? Count : 0;
    for (ULONG i = 0; Handles && i < n; i++)
        values[i] = hv(Handles[i]);
    ULONG64 ph = Handles && n ? put(&f, values, n * sizeof values[0]) : 0;
    ULONG64 a[] = { Count, ph, (ULONG64)WaitType, Alertable, put(&f, Timeout, 8) };
    NTSTATUS s = call(&f, SYS_NR(NtWaitForMultipleObjects), a, SYS_ARGC(NtWaitForMultipleObjects));
    frame_end(&f);
    return s;
}

NTSTATUS NtCreateEvent(ntsim_system *sys, HANDLE *EventHandle, ACCESS_MASK DesiredAccess,
                       const OBJECT_ATTRIBUTES *ObjectAttributes, EVENT_TYPE EventType, bool InitialState)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 out_handle = 0;
    ULONG64 ph = EventHandle ? slot(&f, &out_handle, 8) : 0;
    ULONG64 a[] = { ph, DesiredAccess, put_attributes(&f, ObjectAttributes), (ULONG64)EventType, InitialState };
    NTSTATUS s = call(&f, SYS_NR(NtCreateEvent), a, SYS_ARGC(NtCreateEvent));
    get(&f, ph, &out_handle, 8);
    if (EventHandle)
        *EventHandle = NT_SUCCESS(s) ? (HANDLE)(uintptr_t)out_handle : NULL;
    frame_end(&f);
    return s;
}

NTSTATUS NtSetEvent(ntsim_system *sys, HANDLE EventHandle, LONG *PreviousState)
{
    return handle_and_count(sys, SYS_NR(NtSetEvent), EventHandle, (ULONG *)PreviousState);
}

NTSTATUS NtResetEvent(ntsim_system *sys, HANDLE EventHandle, LONG *PreviousState)
{
    return handle_and_count(sys, SYS_NR(NtResetEvent), EventHandle, (ULONG *)PreviousState);
}

NTSTATUS NtClearEvent(ntsim_system *sys, HANDLE EventHandle)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 a[] = { hv(EventHandle) };
    NTSTATUS s = call(&f, SYS_NR(NtClearEvent), a, SYS_ARGC(NtClearEvent));
    frame_end(&f);
    return s;
}

/* ---- tokens ------------------------------------------------------------- */

NTSTATUS NtOpenProcessTokenEx(ntsim_system *sys, HANDLE ProcessHandle, ACCESS_MASK DesiredAccess,
                              ULONG HandleAttributes, HANDLE *TokenHandle)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 out = 0;
    ULONG64 ph = TokenHandle ? slot(&f, &out, 8) : 0;
    ULONG64 a[] = { hv(ProcessHandle), DesiredAccess, HandleAttributes, ph };
    NTSTATUS s = call(&f, SYS_NR(NtOpenProcessTokenEx), a, SYS_ARGC(NtOpenProcessTokenEx));
    get(&f, ph, &out, 8);
    if (TokenHandle && NT_SUCCESS(s))
        *TokenHandle = (HANDLE)(uintptr_t)out;
    frame_end(&f);
    return s;
}

NTSTATUS NtOpenProcessToken(ntsim_system *sys, HANDLE ProcessHandle, ACCESS_MASK DesiredAccess, HANDLE *TokenHandle)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 out = 0;
    ULONG64 ph = TokenHandle ? slot(&f, &out, 8) : 0;
    ULONG64 a[] = { hv(ProcessHandle), DesiredAccess, ph };
    NTSTATUS s = call(&f, SYS_NR(NtOpenProcessToken), a, SYS_ARGC(NtOpenProcessToken));
    get(&f, ph, &out, 8);
    if (TokenHandle && NT_SUCCESS(s))
        *TokenHandle = (HANDLE)(uintptr_t)out;
    frame_end(&f);
    return s;
}

/* The SID pointers the service wrote are the user buffer's addresses: make them the caller's. */
static void relocate(void *buffer, size_t at, ULONG64 user_base, ULONG length)
{
    ULONG64 p;
    memcpy(&p, (char *)buffer + at, 8);
    if (p >= user_base && p - user_base < length) {
        void *host = (char *)buffer + (p - user_base);
        memcpy((char *)buffer + at, &host, 8);
    }
}

NTSTATUS NtQueryInformationToken(ntsim_system *sys, HANDLE TokenHandle, TOKEN_INFORMATION_CLASS TokenInformationClass,
                                 void *TokenInformation, ULONG TokenInformationLength, ULONG *ReturnLength)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pi = slot(&f, TokenInformation, TokenInformationLength);
    ULONG64 pr = slot(&f, ReturnLength, 4);
    ULONG64 a[] = { hv(TokenHandle), TokenInformationClass, pi, TokenInformationLength, pr };
    NTSTATUS s = call(&f, SYS_NR(NtQueryInformationToken), a, SYS_ARGC(NtQueryInformationToken));
    get(&f, pi, TokenInformation, TokenInformationLength);
    get(&f, pr, ReturnLength, 4);
    if (NT_SUCCESS(s) && !f.kernel && TokenInformation) {
        if (TokenInformationClass == TokenUser || TokenInformationClass == TokenIntegrityLevel ||
            TokenInformationClass == TokenOwner) {
            relocate(TokenInformation, 0, pi, TokenInformationLength);
        } else if (TokenInformationClass == TokenGroups) {
            ULONG count;
            memcpy(&count, TokenInformation, 4);
            for (ULONG i = 0; i < count && 8 + 16 * (size_t)i + 8 <= TokenInformationLength; i++)
                relocate(TokenInformation, 8 + 16 * (size_t)i, pi, TokenInformationLength);
        }
    }
    frame_end(&f);
    return s;
}

NTSTATUS NtAdjustPrivilegesToken(ntsim_system *sys, HANDLE TokenHandle, bool DisableAllPrivileges,
                                 const TOKEN_PRIVILEGES *NewState, ULONG BufferLength, TOKEN_PRIVILEGES *PreviousState,
                                 ULONG *ReturnLength)
{
    frame f;
    frame_begin(&f, sys);
    /* NewState holds PrivilegeCount entries; a count the service refuses (over 64) is passed alone. */
    size_t in = NewState ? 4 + (NewState->PrivilegeCount > 64 ? 0 : 12 * (size_t)NewState->PrivilegeCount) : 0;
    ULONG64 pn = NewState ? put(&f, NewState, in) : 0;
    ULONG64 pp = PreviousState ? slot(&f, PreviousState, BufferLength) : 0;
    ULONG64 pr = slot(&f, ReturnLength, 4);
    ULONG64 a[] = { hv(TokenHandle), DisableAllPrivileges, pn, BufferLength, pp, pr };
    NTSTATUS s = call(&f, SYS_NR(NtAdjustPrivilegesToken), a, SYS_ARGC(NtAdjustPrivilegesToken));
    get(&f, pp, PreviousState, BufferLength);
    get(&f, pr, ReturnLength, 4);
    frame_end(&f);
    return s;
}

/* ---- sections ------------------------------------------------------------ */

NTSTATUS NtCreateSection(ntsim_system *sys, HANDLE *SectionHandle, ACCESS_MASK DesiredAccess,
                         const OBJECT_ATTRIBUTES *ObjectAttributes, const LONG64 *MaximumSize,
                         ULONG SectionPageProtection, ULONG AllocationAttributes, HANDLE FileHandle)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 out_handle = 0;
    ULONG64 ph = SectionHandle ? slot(&f, &out_handle, 8) : 0;
    ULONG64 a[] = { ph, DesiredAccess, put_attributes(&f, ObjectAttributes), put(&f, MaximumSize, 8),
                    SectionPageProtection, AllocationAttributes, hv(FileHandle) };
    NTSTATUS s = call(&f, SYS_NR(NtCreateSection), a, SYS_ARGC(NtCreateSection));
    get(&f, ph, &out_handle, 8);
    if (SectionHandle)
        *SectionHandle = NT_SUCCESS(s) ? (HANDLE)(uintptr_t)out_handle : NULL;
    frame_end(&f);
    return s;
}

NTSTATUS NtMapViewOfSection(ntsim_system *sys, HANDLE SectionHandle, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                            ULONG_PTR ZeroBits, SIZE_T CommitSize, LONG64 *SectionOffset, SIZE_T *ViewSize,
                            SECTION_INHERIT InheritDisposition, ULONG AllocationType, ULONG Win32Protect)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pb = slot(&f, BaseAddress, 8), po = slot(&f, SectionOffset, 8), ps = slot(&f, ViewSize, 8);
    ULONG64 a[] = { hv(SectionHandle), hv(ProcessHandle), pb, ZeroBits, CommitSize, po, ps,
                    (ULONG64)InheritDisposition, AllocationType, Win32Protect };
    NTSTATUS s = call(&f, SYS_NR(NtMapViewOfSection), a, SYS_ARGC(NtMapViewOfSection));
    get(&f, pb, BaseAddress, 8);
    get(&f, po, SectionOffset, 8);
    get(&f, ps, ViewSize, 8);
    frame_end(&f);
    return s;
}

NTSTATUS NtUnmapViewOfSection(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress)
{
    return handle_and_value(sys, SYS_NR(NtUnmapViewOfSection), ProcessHandle, BaseAddress);
}

NTSTATUS NtUnmapViewOfSectionEx(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, ULONG Flags)
{
    return handle_and_values(sys, SYS_NR(NtUnmapViewOfSectionEx), SYS_ARGC(NtUnmapViewOfSectionEx), ProcessHandle,
                             BaseAddress, Flags);
}

NTSTATUS NtExtendSection(ntsim_system *sys, HANDLE SectionHandle, LONG64 *NewSectionSize)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pn = slot(&f, NewSectionSize, 8);
    ULONG64 a[] = { hv(SectionHandle), pn };
    NTSTATUS s = call(&f, SYS_NR(NtExtendSection), a, SYS_ARGC(NtExtendSection));
    get(&f, pn, NewSectionSize, 8);
    frame_end(&f);
    return s;
}

NTSTATUS NtQuerySection(ntsim_system *sys, HANDLE SectionHandle, SECTION_INFORMATION_CLASS InformationClass,
                        void *Information, SIZE_T Length, SIZE_T *ResultLength)
{
    frame f;
    frame_begin(&f, sys);
    /* The service's x64 layouts: the basic answer is 24 bytes, the image one
       the public structure itself. */
    unsigned char raw[sizeof(SECTION_IMAGE_INFORMATION)] = { 0 };
    SIZE_T need = InformationClass == SectionImageInformation ? sizeof(SECTION_IMAGE_INFORMATION) : 24;
    bool want = Information && Length >= need;
    ULONG64 pi = want ? slot(&f, raw, need) : 0, pr = slot(&f, ResultLength, 8);
    ULONG64 a[] = { hv(SectionHandle), InformationClass, pi, want ? need : Length, pr };
    NTSTATUS s = call(&f, SYS_NR(NtQuerySection), a, SYS_ARGC(NtQuerySection));
    get(&f, pi, raw, need);
    get(&f, pr, ResultLength, 8);
    if (NT_SUCCESS(s) && want && InformationClass == SectionImageInformation) {
        memcpy(Information, raw, need);
    } else if (NT_SUCCESS(s) && want) {
        SECTION_BASIC_INFORMATION *b = Information;
        memcpy(&b->BaseAddress, raw, 8);
        memcpy(&b->AllocationAttributes, raw + 8, 4);
        memcpy(&b->MaximumSize, raw + 16, 8);
        if (ResultLength)
            *ResultLength = sizeof *b;
    }
    frame_end(&f);
    return s;
}

/* The MEM_EXTENDED_PARAMETER array copied into the caller's frame (an address
   requirement's pointer to a copy there too); raw and req live until the call,
   as a kernel caller's service reads them in place. Returns the array's address. */
static ULONG64 put_parameters(frame *f, const MEM_EXTENDED_PARAMETER *p, ULONG n, ULONG64 raw[32], ULONG64 req[16][3])
{
    if (!p || n > 16)
        return 0;
    for (ULONG i = 0; i < n; i++) {
        raw[2 * i] = p[i].Type;
        raw[2 * i + 1] = p[i].ULong64;
        if ((raw[2 * i] & 0xFF) == MemExtendedParameterAddressRequirements && p[i].Pointer) {
            const MEM_ADDRESS_REQUIREMENTS *r = p[i].Pointer;
            req[i][0] = r->LowestStartingAddress;
            req[i][1] = r->HighestEndingAddress;
            req[i][2] = r->Alignment;
            raw[2 * i + 1] = put(f, req[i], sizeof req[i]);
        }
    }
    return put(f, raw, 16 * (size_t)n);
}

NTSTATUS NtAllocateVirtualMemoryEx(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                                   SIZE_T *RegionSize, ULONG AllocationType, ULONG PageProtection,
                                   const MEM_EXTENDED_PARAMETER *ExtendedParameters, ULONG ExtendedParameterCount)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pb = slot(&f, BaseAddress, 8), ps = slot(&f, RegionSize, 8);
    ULONG64 raw[32], req[16][3];
    ULONG64 pp = put_parameters(&f, ExtendedParameters, ExtendedParameterCount, raw, req);
    ULONG64 a[] = { hv(ProcessHandle), pb, ps, AllocationType, PageProtection, pp, ExtendedParameterCount };
    NTSTATUS s = call(&f, SYS_NR(NtAllocateVirtualMemoryEx), a, SYS_ARGC(NtAllocateVirtualMemoryEx));
    get(&f, pb, BaseAddress, 8);
    get(&f, ps, RegionSize, 8);
    frame_end(&f);
    return s;
}

NTSTATUS NtMapViewOfSectionEx(ntsim_system *sys, HANDLE SectionHandle, HANDLE ProcessHandle, ULONG_PTR *BaseAddress,
                              LONG64 *SectionOffset, SIZE_T *ViewSize, ULONG AllocationType, ULONG Win32Protect,
                              const MEM_EXTENDED_PARAMETER *ExtendedParameters, ULONG ExtendedParameterCount)
{
    frame f;
    frame_begin(&f, sys);
    ULONG64 pb = slot(&f, BaseAddress, 8), po = slot(&f, SectionOffset, 8), ps = slot(&f, ViewSize, 8);
    ULONG64 raw[32], req[16][3];
    ULONG64 pp = put_parameters(&f, ExtendedParameters, ExtendedParameterCount, raw, req);
    ULONG64 a[] = { hv(SectionHandle), hv(ProcessHandle), pb, po, ps, AllocationType, Win32Protect, pp,
                    ExtendedParameterCount };
    NTSTATUS s = call(&f, SYS_NR(NtMapViewOfSectionEx), a, SYS_ARGC(NtMapViewOfSectionEx));
    get(&f, pb, BaseAddress, 8);
    get(&f, po, SectionOffset, 8);
    get(&f, ps, ViewSize, 8);
    frame_end(&f);
    return s;
}

NTSTATUS NtGetWriteWatch(ntsim_system *sys, HANDLE ProcessHandle, ULONG Flags, ULONG_PTR BaseAddress,
                         SIZE_T RegionSize, ULONG_PTR *UserAddressArray, ULONG_PTR *EntriesInUserAddressArray,
                         ULONG *Granularity)
{
    frame f;
    frame_begin(&f, sys);
    /* The array as big as the count says, capped: a program's array lives in its memory. */
    ULONG_PTR count = EntriesInUserAddressArray ? *EntriesInUserAddressArray : 0;
    size_t bytes = count < 0x10000 ? count * 8 : 0x80000;
    ULONG64 pa = UserAddressArray ? slot(&f, UserAddressArray, bytes) : 0;
    ULONG64 pc = slot(&f, EntriesInUserAddressArray, 8), pg = slot(&f, Granularity, 4);
    ULONG64 a[] = { hv(ProcessHandle), Flags, BaseAddress, RegionSize, pa, pc, pg };
    NTSTATUS s = call(&f, SYS_NR(NtGetWriteWatch), a, SYS_ARGC(NtGetWriteWatch));
    if (NT_SUCCESS(s)) {
        get(&f, pc, EntriesInUserAddressArray, 8);
        get(&f, pa, UserAddressArray, (size_t)*EntriesInUserAddressArray * 8);
        get(&f, pg, Granularity, 4);
    }
    frame_end(&f);
    return s;
}

NTSTATUS NtResetWriteWatch(ntsim_system *sys, HANDLE ProcessHandle, ULONG_PTR BaseAddress, SIZE_T RegionSize)
{
    return handle_and_values(sys, SYS_NR(NtResetWriteWatch), SYS_ARGC(NtResetWriteWatch), ProcessHandle, BaseAddress,
                             RegionSize);
}
