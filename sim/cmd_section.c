/*
 * cmd_section.c - `section` commands: a page-file-backed section created by
 * a process (NtCreateSection, the handle in its table under a scenario
 * name), views of it mapped into that process or another
 * (NtMapViewOfSection, made by the creator with a handle to the other
 * process, as a program passing memory to another does), unmapped by the
 * process that holds them (NtUnmapViewOfSection), queried, extended and
 * closed. `vm map` stays the region listing; views show there as
 * MEM_MAPPED, "Shareable" as VMMap calls them.
 */
#include <string.h>

#include "command.h"

static HANDLE to_handle(ULONG v)
{
    return (HANDLE)(uintptr_t)v;
}

/* The section a scenario name stands for; NULL if none. */
static struct sim_section *find_section(sim_context *ctx, const sim_value *v)
{
    for (size_t i = 0; i < sizeof ctx->sections / sizeof ctx->sections[0]; i++) {
        struct sim_section *e = &ctx->sections[i];
        if (e->name[0] && strlen(e->name) == v->len && memcmp(e->name, v->text, v->len) == 0)
            return e;
    }
    return NULL;
}

/* Acts as the process holding the section's handle. */
static NTSTATUS as_owner(sim_context *ctx, const sim_value *v, struct sim_section **out)
{
    *out = find_section(ctx, v);
    if (!*out)
        return STATUS_OBJECT_NAME_NOT_FOUND; /* no section has that scenario name */
    return sim_act_as_process(ctx, (*out)->pid);
}

/* `image=PATH`: the image file opened as the loader opens it (NtOpenFile
   for FILE_EXECUTE and FILE_READ_DATA), the section made of it, the file's
   handle closed (the section keeps what it needs). */
static NTSTATUS create_image_section(sim_context *ctx, const sim_value *path, const LONG64 *maximum, ULONG protect,
                                     HANDLE *section)
{
    WCHAR w[300];
    if (path->len > 260)
        return STATUS_OBJECT_NAME_INVALID;
    size_t n = 0;
    for (const char *p = "\\??\\"; *p; p++)
        w[n++] = (WCHAR)*p;
    for (size_t i = 0; i < path->len; i++)
        w[n++] = (WCHAR)(unsigned char)path->text[i]; /* paths are ASCII here; others do not name an image */
    UNICODE_STRING name = { (USHORT)(n * sizeof(WCHAR)), (USHORT)(n * sizeof(WCHAR)), w };
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, 0, NULL, NULL);
    IO_STATUS_BLOCK iosb;
    HANDLE file;
    NTSTATUS s = NtOpenFile(ctx->sys, &file, FILE_EXECUTE | FILE_READ_DATA | SYNCHRONIZE, &oa, &iosb,
                            1 /* FILE_SHARE_READ */, 0);
    if (!NT_SUCCESS(s))
        return s;
    s = NtCreateSection(ctx->sys, section, SECTION_ALL_ACCESS, NULL, maximum, protect, SEC_IMAGE, file);
    NtClose(ctx->sys, file);
    return s;
}

NTSTATUS sim_cmd_section_create(sim_context *ctx, const sim_args *a, sim_record *r)
{
    const sim_value *name = &a->pos[0];
    if (name->len == 0 || name->len >= sizeof ctx->sections[0].name)
        return STATUS_OBJECT_NAME_INVALID;
    if (find_section(ctx, name))
        return STATUS_OBJECT_NAME_COLLISION;
    struct sim_section *slot = NULL;
    for (size_t i = 0; !slot && i < sizeof ctx->sections / sizeof ctx->sections[0]; i++)
        if (!ctx->sections[i].name[0])
            slot = &ctx->sections[i];
    if (!slot)
        return STATUS_INSUFFICIENT_RESOURCES; /* the scenario's table of section names is full */
    ULONG pid;
    NTSTATUS s = sim_process_id(ctx, &a->pos[1], &pid);
    if (!NT_SUCCESS(s) || !NT_SUCCESS(s = sim_act_as_process(ctx, pid)))
        return s;
    const sim_value *prot = sim_option(a, "protect"), *reserve = sim_option(a, "reserve");
    const sim_value *size_opt = sim_option(a, "size"), *image = sim_option(a, "image");
    LONG64 size = (LONG64)size_opt->number;
    HANDLE h;
    if (image->present)
        s = create_image_section(ctx, image, size_opt->present ? &size : NULL,
                                 prot->present ? (ULONG)prot->number : PAGE_EXECUTE, &h);
    else
        s = NtCreateSection(ctx->sys, &h, SECTION_ALL_ACCESS, NULL, size_opt->present ? &size : NULL,
                            prot->present ? (ULONG)prot->number : PAGE_READWRITE,
                            reserve->present && reserve->number ? SEC_RESERVE : SEC_COMMIT, NULL);
    if (!NT_SUCCESS(s))
        return s;
    if (image->present) { /* the size as the section keeps it */
        SECTION_BASIC_INFORMATION info;
        if (NT_SUCCESS(NtQuerySection(ctx->sys, h, SectionBasicInformation, &info, sizeof info, NULL)))
            size = info.MaximumSize;
    }
    memcpy(slot->name, name->text, name->len);
    slot->name[name->len] = '\0';
    slot->pid = pid;
    slot->handle = (ULONG)(uintptr_t)h;
    sim_put_int(r, "handle", slot->handle);
    sim_put_hex(r, "size", (uint64_t)size);
    return s;
}

/* The process a view goes into, as the section's creator sees it: itself, or
   a handle opened for PROCESS_VM_OPERATION (closed by close_target). */
static NTSTATUS open_target(sim_context *ctx, const sim_value *proc, const sim_value *name, struct sim_section **sec,
                            HANDLE *process)
{
    ULONG pid;
    NTSTATUS s = sim_process_id(ctx, proc, &pid);
    if (!NT_SUCCESS(s) || !NT_SUCCESS(s = as_owner(ctx, name, sec)))
        return s;
    *process = NtCurrentProcess();
    if (pid == (*sec)->pid)
        return STATUS_SUCCESS;
    CLIENT_ID cid = { pid, 0 };
    return NtOpenProcess(ctx->sys, process, PROCESS_VM_OPERATION, &cid);
}

static void close_target(sim_context *ctx, HANDLE process)
{
    if (process != NtCurrentProcess())
        NtClose(ctx->sys, process);
}

static void put_view(sim_record *r, ULONG_PTR base, SIZE_T size, LONG64 offset)
{
    sim_put_hex(r, "base", base);
    sim_put_hex(r, "size", size);
    sim_put_hex(r, "offset", (uint64_t)offset);
}

NTSTATUS sim_cmd_section_map(sim_context *ctx, const sim_args *a, sim_record *r)
{
    struct sim_section *sec;
    HANDLE process;
    NTSTATUS s = open_target(ctx, &a->pos[0], &a->pos[1], &sec, &process);
    if (!NT_SUCCESS(s))
        return s;
    const sim_value *prot = sim_option(a, "protect"), *top = sim_option(a, "top_down");
    ULONG_PTR base = sim_option(a, "base")->number;
    SIZE_T size = sim_option(a, "size")->number;
    LONG64 offset = (LONG64)sim_option(a, "offset")->number;
    s = NtMapViewOfSection(ctx->sys, to_handle(sec->handle), process, &base, 0, sim_option(a, "commit")->number,
                           &offset, &size, ViewShare, top->present && top->number ? MEM_TOP_DOWN : 0,
                           prot->present ? (ULONG)prot->number : PAGE_READWRITE);
    close_target(ctx, process);
    if (NT_SUCCESS(s))
        put_view(r, base, size, offset);
    return s;
}

/* `section mapex`: NtMapViewOfSectionEx, AllocationType from type= (MEM_REPLACE_PLACEHOLDER
   puts the view in a placeholder), address requirements from lowest=, highest=, align=. */
NTSTATUS sim_cmd_section_mapex(sim_context *ctx, const sim_args *a, sim_record *r)
{
    struct sim_section *sec;
    HANDLE process;
    NTSTATUS s = open_target(ctx, &a->pos[0], &a->pos[1], &sec, &process);
    if (!NT_SUCCESS(s))
        return s;
    const sim_value *prot = sim_option(a, "protect");
    const sim_value *lo = sim_option(a, "lowest"), *hi = sim_option(a, "highest"), *al = sim_option(a, "align");
    MEM_ADDRESS_REQUIREMENTS req = { lo->number, hi->number, al->number };
    MEM_EXTENDED_PARAMETER p = { .Type = MemExtendedParameterAddressRequirements };
    p.Pointer = &req;
    bool with = lo->present || hi->present || al->present;
    ULONG_PTR base = sim_option(a, "base")->number;
    SIZE_T size = sim_option(a, "size")->number;
    LONG64 offset = (LONG64)sim_option(a, "offset")->number;
    s = NtMapViewOfSectionEx(ctx->sys, to_handle(sec->handle), process, &base, &offset, &size,
                             (ULONG)sim_option(a, "type")->number, prot->present ? (ULONG)prot->number : PAGE_READWRITE,
                             with ? &p : NULL, with ? 1 : 0);
    close_target(ctx, process);
    if (NT_SUCCESS(s))
        put_view(r, base, size, offset);
    return s;
}

NTSTATUS sim_cmd_section_unmap(sim_context *ctx, const sim_args *a, sim_record *r)
{
    ULONG pid;
    NTSTATUS s = sim_process_id(ctx, &a->pos[0], &pid);
    if (!NT_SUCCESS(s) || !NT_SUCCESS(s = sim_act_as_process(ctx, pid)))
        return s;
    const sim_value *preserve = sim_option(a, "preserve");
    if (preserve->present) /* NtUnmapViewOfSectionEx: preserve=on gives the view's placeholder back */
        s = NtUnmapViewOfSectionEx(ctx->sys, NtCurrentProcess(), a->pos[1].number,
                                   preserve->number ? MEM_PRESERVE_PLACEHOLDER : 0);
    else
        s = NtUnmapViewOfSection(ctx->sys, NtCurrentProcess(), a->pos[1].number);
    sim_put_hex(r, "address", a->pos[1].number);
    return s;
}

NTSTATUS sim_cmd_section_query(sim_context *ctx, const sim_args *a, sim_record *r)
{
    struct sim_section *sec;
    NTSTATUS s = as_owner(ctx, &a->pos[0], &sec);
    if (!NT_SUCCESS(s))
        return s;
    SECTION_BASIC_INFORMATION info;
    s = NtQuerySection(ctx->sys, to_handle(sec->handle), SectionBasicInformation, &info, sizeof info, NULL);
    if (!NT_SUCCESS(s))
        return s;
    sim_put_flags(r, "attributes", NTSIM_FLAGS_SEC, info.AllocationAttributes);
    sim_put_hex(r, "size", (uint64_t)info.MaximumSize);
    if (!(info.AllocationAttributes & SEC_IMAGE))
        return s;
    SECTION_IMAGE_INFORMATION i; /* an image's: what its headers say */
    s = NtQuerySection(ctx->sys, to_handle(sec->handle), SectionImageInformation, &i, sizeof i, NULL);
    if (NT_SUCCESS(s)) {
        sim_put_hex(r, "entry", i.TransferAddress);
        sim_put_hex(r, "stack_reserve", i.MaximumStackSize);
        sim_put_hex(r, "stack_commit", i.CommittedStackSize);
        sim_put_hex(r, "machine", i.Machine);
        sim_put_int(r, "subsystem", i.SubSystemType);
        sim_put_hex(r, "characteristics", i.ImageCharacteristics);
        sim_put_hex(r, "dll_characteristics", i.DllCharacteristics);
        sim_put_hex(r, "image_flags", i.ImageFlags);
        sim_put_hex(r, "file_size", i.ImageFileSize);
    }
    return s;
}

NTSTATUS sim_cmd_section_extend(sim_context *ctx, const sim_args *a, sim_record *r)
{
    struct sim_section *sec;
    NTSTATUS s = as_owner(ctx, &a->pos[0], &sec);
    if (!NT_SUCCESS(s))
        return s;
    LONG64 size = (LONG64)sim_option(a, "size")->number;
    s = NtExtendSection(ctx->sys, to_handle(sec->handle), &size);
    sim_put_hex(r, "size", (uint64_t)size);
    return s;
}

NTSTATUS sim_cmd_section_close(sim_context *ctx, const sim_args *a, sim_record *r)
{
    struct sim_section *sec;
    NTSTATUS s = as_owner(ctx, &a->pos[0], &sec);
    if (!NT_SUCCESS(s))
        return s;
    s = NtClose(ctx->sys, to_handle(sec->handle));
    sim_put_int(r, "handle", sec->handle);
    sec->name[0] = '\0'; /* the name may be defined again */
    return s;
}
