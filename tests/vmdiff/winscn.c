/*
 * winscn.c - runs the memory lines of an ntsim scenario against a real NT
 * memory manager (Wine's, or Windows') through the native API, and prints
 * one contract-shaped JSON result per line, for vmdiff.py to compare with
 * `ntsim run --format jsonl`. The scenario's one process is this process.
 *
 * Lines understood: vm alloc|allocex|free|protect|query|read|write|watch,
 * section create|map|mapex|unmap [preserve=]|query|extend|close (`section
 * create NAME PROC image=PATH`: an image section of the file at PATH, which
 * must exist; `section query` of one adds SectionImageInformation), and
 * `syscall THREAD NtReadVirtualMemory|NtWriteVirtualMemory HANDLE BASE BUFFER
 * SIZE COUNTPTR` (THREAD is ignored: this process's thread calls the service;
 * HANDLE -1 is the process itself). Flag fields print as
 * numbers ("0x1000"): vmdiff.py turns ntsim's names into numbers to compare.
 * `vm read`/`vm write` are the process's own loads and stores; a fault is
 * caught by a vectored handler and becomes the line's status. Other lines
 * (`process create`, `image load`: how ntsim's volume gets an image file)
 * are skipped: vmdiff.py writes the files into Wine's C: drive itself.
 *
 * Build: x86_64-w64-mingw32-gcc -O2 -Wall -o winscn.exe winscn.c
 * Run:   wine winscn.exe FILE.scn
 */
#include <windows.h>
#include <winternl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef LONG NTST;
typedef struct { DWORD64 type_and_reserved; union { DWORD64 u64; PVOID ptr; } v; } ext_param;
typedef struct { PVOID lowest, highest; SIZE_T align; } addr_req;

static NTST (NTAPI *p_alloc)(HANDLE, PVOID *, ULONG_PTR, SIZE_T *, ULONG, ULONG);
static NTST (NTAPI *p_allocex)(HANDLE, PVOID *, SIZE_T *, ULONG, ULONG, ext_param *, ULONG);
static NTST (NTAPI *p_free)(HANDLE, PVOID *, SIZE_T *, ULONG);
static NTST (NTAPI *p_protect)(HANDLE, PVOID *, SIZE_T *, ULONG, ULONG *);
static NTST (NTAPI *p_query)(HANDLE, PVOID, int, PVOID, SIZE_T, SIZE_T *);
static NTST (NTAPI *p_getww)(HANDLE, ULONG, PVOID, SIZE_T, PVOID *, ULONG_PTR *, ULONG *);
static NTST (NTAPI *p_csection)(HANDLE *, ACCESS_MASK, PVOID, LARGE_INTEGER *, ULONG, ULONG, HANDLE);
static NTST (NTAPI *p_map)(HANDLE, HANDLE, PVOID *, ULONG_PTR, SIZE_T, LARGE_INTEGER *, SIZE_T *, int, ULONG, ULONG);
static NTST (NTAPI *p_mapex)(HANDLE, HANDLE, PVOID *, LARGE_INTEGER *, SIZE_T *, ULONG, ULONG, ext_param *, ULONG);
static NTST (NTAPI *p_unmap)(HANDLE, PVOID);
static NTST (NTAPI *p_unmapex)(HANDLE, PVOID, ULONG);
static NTST (NTAPI *p_qsection)(HANDLE, int, PVOID, SIZE_T, SIZE_T *);
static NTST (NTAPI *p_extend)(HANDLE, LARGE_INTEGER *);
static NTST (NTAPI *p_close)(HANDLE);
static NTST (NTAPI *p_readvm)(HANDLE, PVOID, PVOID, SIZE_T, SIZE_T *);
static NTST (NTAPI *p_writevm)(HANDLE, PVOID, PVOID, SIZE_T, SIZE_T *);
static NTST (NTAPI *p_openfile)(HANDLE *, ACCESS_MASK, OBJECT_ATTRIBUTES *, IO_STATUS_BLOCK *, ULONG, ULONG);

/* Names a scenario may use (the SDK's); MEM_ and SEC_ share one table, as in ntsim. */
struct name { const char *n; unsigned long v; };
static const struct name names[] = {
    {"MEM_COALESCE_PLACEHOLDERS", 0x1}, {"MEM_PRESERVE_PLACEHOLDER", 0x2}, {"MEM_COMMIT", 0x1000},
    {"MEM_RESERVE", 0x2000}, {"MEM_DECOMMIT", 0x4000}, {"MEM_REPLACE_PLACEHOLDER", 0x4000},
    {"MEM_RELEASE", 0x8000}, {"MEM_FREE", 0x10000}, {"MEM_PRIVATE", 0x20000}, {"MEM_MAPPED", 0x40000},
    {"MEM_RESERVE_PLACEHOLDER", 0x40000}, {"MEM_RESET", 0x80000}, {"MEM_TOP_DOWN", 0x100000},
    {"MEM_WRITE_WATCH", 0x200000}, {"MEM_IMAGE", 0x1000000}, {"MEM_LARGE_PAGES", 0x20000000},
    {"SEC_RESERVE", 0x4000000}, {"SEC_COMMIT", 0x8000000}, {"SEC_IMAGE", 0x1000000},
    {"PAGE_NOACCESS", 0x01}, {"PAGE_READONLY", 0x02}, {"PAGE_READWRITE", 0x04}, {"PAGE_WRITECOPY", 0x08},
    {"PAGE_EXECUTE", 0x10}, {"PAGE_EXECUTE_READ", 0x20}, {"PAGE_EXECUTE_READWRITE", 0x40},
    {"PAGE_EXECUTE_WRITECOPY", 0x80}, {"PAGE_GUARD", 0x100}, {"PAGE_NOCACHE", 0x200},
    {"PAGE_WRITECOMBINE", 0x400}, {0, 0}};

static const struct name statuses[] = {
    {"STATUS_SUCCESS", 0}, {"STATUS_GUARD_PAGE_VIOLATION", 0x80000001}, {"STATUS_ACCESS_VIOLATION", 0xC0000005},
    {"STATUS_INVALID_HANDLE", 0xC0000008}, {"STATUS_INVALID_PARAMETER", 0xC000000D},
    {"STATUS_NO_MEMORY", 0xC0000017}, {"STATUS_CONFLICTING_ADDRESSES", 0xC0000018},
    {"STATUS_NOT_MAPPED_VIEW", 0xC0000019}, {"STATUS_UNABLE_TO_FREE_VM", 0xC000001A},
    {"STATUS_UNABLE_TO_DELETE_SECTION", 0xC000001B}, {"STATUS_ALREADY_COMMITTED", 0xC0000021},
    {"STATUS_ACCESS_DENIED", 0xC0000022}, {"STATUS_OBJECT_TYPE_MISMATCH", 0xC0000024},
    {"STATUS_NOT_COMMITTED", 0xC000002D}, {"STATUS_INVALID_PAGE_PROTECTION", 0xC0000045},
    {"STATUS_SECTION_NOT_EXTENDED", 0xC0000087}, {"STATUS_INVALID_VIEW_SIZE", 0xC000001F},
    {"STATUS_SECTION_TOO_BIG", 0xC0000040}, {"STATUS_SECTION_PROTECTION", 0xC000004E},
    {"STATUS_FREE_VM_NOT_AT_BASE", 0xC000009F}, {"STATUS_MEMORY_NOT_ALLOCATED", 0xC00000A0},
    {"STATUS_MAPPED_ALIGNMENT", 0xC0000220}, {"STATUS_COMMITMENT_LIMIT", 0xC000012D},
    {"STATUS_INVALID_PARAMETER_1", 0xC00000EF}, {"STATUS_INVALID_PARAMETER_2", 0xC00000F0},
    {"STATUS_INVALID_PARAMETER_3", 0xC00000F1}, {"STATUS_INVALID_PARAMETER_4", 0xC00000F2},
    {"STATUS_INVALID_PARAMETER_5", 0xC00000F3}, {"STATUS_INVALID_PARAMETER_6", 0xC00000F4},
    {"STATUS_INVALID_PARAMETER_7", 0xC00000F5}, {"STATUS_INVALID_PARAMETER_8", 0xC00000F6},
    {"STATUS_INVALID_PARAMETER_9", 0xC00000F7}, {"STATUS_INVALID_ADDRESS", 0xC0000141},
    {"STATUS_NOT_SUPPORTED", 0xC00000BB}, {"STATUS_INVALID_INFO_CLASS", 0xC0000003},
    {"STATUS_SECTION_NOT_IMAGE", 0xC0000049}, {"STATUS_OBJECT_NAME_NOT_FOUND", 0xC0000034}, {"STATUS_NOT_IMPLEMENTED", 0xC0000002}, {"STATUS_OBJECT_NAME_COLLISION", 0xC0000035},
    {"STATUS_PARTIAL_COPY", 0x8000000D}, {"STATUS_INVALID_SYSTEM_SERVICE", 0xC000001C},
    {"STATUS_IMAGE_NOT_AT_BASE", 0x40000003}, {"STATUS_IMAGE_MACHINE_TYPE_MISMATCH", 0x4000000E},
    {"STATUS_INVALID_IMAGE_FORMAT", 0xC000007B}, {"STATUS_INVALID_FILE_FOR_SECTION", 0xC0000020},
    {"STATUS_OBJECT_PATH_NOT_FOUND", 0xC000003A}, {"STATUS_SHARING_VIOLATION", 0xC0000043},
    {"STATUS_INVALID_IMAGE_NOT_MZ", 0xC000012F}, {"STATUS_IMAGE_ALREADY_LOADED", 0xC000010E},
    {0, 0}};

/* The scenario's numbers: decimal or 0x hex, an optional K/M/G/T suffix. */
static unsigned long long num(const char *s)
{
    char *e;
    unsigned long long v = strtoull(s, &e, 0);
    switch (*e) {
    case 'K': return v << 10;
    case 'M': return v << 20;
    case 'G': return v << 30;
    case 'T': return v << 40;
    }
    return v;
}

static unsigned long flags(const char *s)
{
    if (s[0] >= '0' && s[0] <= '9')
        return (unsigned long)num(s);
    unsigned long v = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *save, *p = strtok_r(buf, "|", &save); p; p = strtok_r(0, "|", &save)) {
        const struct name *n = names;
        while (n->n && strcmp(n->n, p))
            n++;
        if (!n->n) {
            fprintf(stderr, "winscn: unknown name %s\n", p);
            exit(2);
        }
        v |= n->v;
    }
    return v;
}

/* A line's tokens: positional ones in order, key=value options looked up by key. */
struct line { char *tok[24]; int n; };

static const char *opt(const struct line *l, const char *key)
{
    size_t k = strlen(key);
    for (int i = 0; i < l->n; i++)
        if (!strncmp(l->tok[i], key, k) && l->tok[i][k] == '=')
            return l->tok[i] + k + 1;
    return NULL;
}

static unsigned long long opt_num(const struct line *l, const char *key, unsigned long long dflt)
{
    const char *v = opt(l, key);
    return v ? num(v) : dflt;
}

static int opt_on(const struct line *l, const char *key)
{
    const char *v = opt(l, key);
    return v && !strcmp(v, "on");
}

static void put_status(NTST st)
{
    for (const struct name *n = statuses; n->n; n++)
        if (n->v == (unsigned long)st) {
            printf(",\"status\":\"%s\"", n->n);
            return;
        }
    printf(",\"status\":\"0x%08lx\"", (unsigned long)st);
}

static void hex(const char *key, unsigned long long v)
{
    printf(",\"%s\":\"0x%llx\"", key, v);
}

/* Sections by scenario name. */
static struct { char name[32]; HANDLE h; } sections[16];

static HANDLE *section_slot(const char *name, int create)
{
    for (int i = 0; i < 16; i++)
        if (sections[i].h && !strcmp(sections[i].name, name))
            return create ? NULL : &sections[i].h;
    if (!create)
        return NULL;
    for (int i = 0; i < 16; i++)
        if (!sections[i].h) {
            snprintf(sections[i].name, sizeof sections[i].name, "%s", name);
            return &sections[i].h;
        }
    return NULL;
}

/* Guarded one-byte load and store: a fault in them resumes at their ret with the exception code in eax. */
int probe_load(const volatile unsigned char *p, unsigned char *out);
int probe_store(volatile unsigned char *p, unsigned value);
extern char probe_load_at[], probe_load_ret[], probe_store_at[], probe_store_ret[];
__asm__(".text\n"
        ".globl probe_load\nprobe_load:\n  xorl %eax, %eax\n"
        ".globl probe_load_at\nprobe_load_at:\n  movb (%rcx), %r8b\n  movb %r8b, (%rdx)\n"
        ".globl probe_load_ret\nprobe_load_ret:\n  ret\n"
        ".globl probe_store\nprobe_store:\n  xorl %eax, %eax\n"
        ".globl probe_store_at\nprobe_store_at:\n  movb %dl, (%rcx)\n"
        ".globl probe_store_ret\nprobe_store_ret:\n  ret\n");

static LONG CALLBACK on_fault(EXCEPTION_POINTERS *e)
{
    char *at = (char *)e->ExceptionRecord->ExceptionAddress;
    if (at != probe_load_at && at != probe_store_at)
        return EXCEPTION_CONTINUE_SEARCH;
    e->ContextRecord->Rax = e->ExceptionRecord->ExceptionCode;
    e->ContextRecord->Rip = (DWORD64)(at == probe_load_at ? probe_load_ret : probe_store_ret);
    return EXCEPTION_CONTINUE_EXECUTION;
}

/* `vm read|write`: byte by byte, lowest first, stopping at the first fault. */
static NTST access_bytes(unsigned char *at, unsigned long long *value, int n, int write)
{
    for (int i = 0; i < n; i++) {
        unsigned char b = 0;
        NTST st = write ? probe_store(at + i, (unsigned)(*value >> (8 * i)) & 0xFF) : probe_load(at + i, &b);
        if (st)
            return st;
        if (!write)
            *value |= (unsigned long long)b << (8 * i);
    }
    return 0;
}

static ext_param requirements(const struct line *l, addr_req *r, ULONG *count)
{
    ext_param p = { 1 /* MemExtendedParameterAddressRequirements */, { 0 } };
    r->lowest = (PVOID)(ULONG_PTR)opt_num(l, "lowest", 0);
    r->highest = (PVOID)(ULONG_PTR)opt_num(l, "highest", 0);
    r->align = (SIZE_T)opt_num(l, "align", 0);
    p.v.ptr = r;
    *count = opt(l, "lowest") || opt(l, "highest") || opt(l, "align");
    return p;
}

static void vm_line(const struct line *l)
{
    const char *c = l->tok[1];
    HANDLE self = GetCurrentProcess();
    PVOID addr = (PVOID)(ULONG_PTR)num(l->tok[3]);
    SIZE_T size = l->n > 4 ? (SIZE_T)num(l->tok[4]) : 0;
    NTST st;
    if (!strcmp(c, "alloc") || !strcmp(c, "allocex") || !strcmp(c, "free")) {
        if (!strcmp(c, "alloc")) {
            st = p_alloc(self, &addr, 0, &size, flags(l->tok[5]), flags(l->tok[6]));
        } else if (!strcmp(c, "allocex")) {
            addr_req r;
            ULONG count;
            ext_param p = requirements(l, &r, &count);
            st = !p_allocex ? (NTST)0xC0000002 : p_allocex(self, &addr, &size, flags(l->tok[5]), flags(l->tok[6]), count ? &p : NULL, count);
        } else {
            st = p_free(self, &addr, &size, flags(l->tok[5]));
        }
        put_status(st);
        if (st >= 0) {
            hex("base", (ULONG_PTR)addr);
            hex("size", size);
        }
    } else if (!strcmp(c, "protect")) {
        ULONG old = 0;
        st = p_protect(self, &addr, &size, flags(l->tok[5]), &old);
        put_status(st);
        if (st >= 0) {
            hex("base", (ULONG_PTR)addr);
            hex("size", size);
            hex("old_protect", old);
        }
    } else if (!strcmp(c, "query")) {
        MEMORY_BASIC_INFORMATION m;
        SIZE_T ret;
        st = p_query(self, addr, 0, &m, sizeof m, &ret);
        put_status(st);
        if (st >= 0) {
            hex("base", (ULONG_PTR)m.BaseAddress);
            hex("alloc_base", (ULONG_PTR)m.AllocationBase);
            hex("alloc_protect", m.AllocationProtect);
            hex("size", m.RegionSize);
            hex("state", m.State);
            hex("protect", m.Protect);
            hex("type", m.Type);
        }
    } else if (!strcmp(c, "read") || !strcmp(c, "write")) {
        int write = !strcmp(c, "write");
        unsigned long long v = write ? num(l->tok[4]) : 0;
        st = access_bytes(addr, &v, (int)opt_num(l, "size", 8), write);
        put_status(st);
        if (st >= 0) {
            hex("address", (ULONG_PTR)addr);
            if (!write)
                hex("value", v);
        }
    } else if (!strcmp(c, "watch")) {
        PVOID pages[4096];
        ULONG_PTR count = 4096;
        ULONG gran;
        st = p_getww(self, opt_on(l, "reset") ? 1 : 0, addr, size, pages, &count, &gran);
        put_status(st);
        if (st >= 0) {
            printf(",\"pages\":[");
            for (ULONG_PTR i = 0; i < count; i++)
                printf("%s{\"address\":\"0x%llx\"}", i ? "," : "", (unsigned long long)(ULONG_PTR)pages[i]);
            printf("],\"count\":%llu", (unsigned long long)count);
        }
    } else {
        put_status((NTST)0xC0000002);
    }
}

static unsigned long long get64(const unsigned char *b, size_t at)
{
    unsigned long long v;
    memcpy(&v, b + at, 8);
    return v;
}

static unsigned get32(const unsigned char *b, size_t at)
{
    unsigned v;
    memcpy(&v, b + at, 4);
    return v;
}

static unsigned get16(const unsigned char *b, size_t at)
{
    unsigned short v;
    memcpy(&v, b + at, 2);
    return v;
}

/* `section create ... image=PATH`, as ntsim's scenario command makes it: the
 * file opened as a loader opens it, an image section of it, the file's handle
 * closed (the section keeps the file). */
static NTST image_section(HANDLE *h, const char *path, LARGE_INTEGER *size, ULONG protect)
{
    WCHAR w[300];
    size_t n = 0;
    if (strlen(path) > 260)
        return (NTST)0xC0000033; /* STATUS_OBJECT_NAME_INVALID, as ntsim answers */
    for (const char *p = "\\??\\"; *p; p++)
        w[n++] = (WCHAR)*p;
    for (const char *p = path; *p; p++)
        w[n++] = (WCHAR)(unsigned char)*p; /* the scenario's paths are ASCII */
    UNICODE_STRING name = { (USHORT)(n * sizeof(WCHAR)), (USHORT)(n * sizeof(WCHAR)), w };
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, 0, NULL, NULL);
    IO_STATUS_BLOCK iosb;
    HANDLE file;
    NTST st = p_openfile(&file, FILE_EXECUTE | FILE_READ_DATA | SYNCHRONIZE, &oa, &iosb, FILE_SHARE_READ, 0);
    if (st < 0)
        return st;
    st = p_csection(h, SECTION_ALL_ACCESS, NULL, size, protect, SEC_IMAGE, file);
    p_close(file);
    return st;
}

static void section_line(const struct line *l)
{
    const char *c = l->tok[1];
    NTST st;
    if (!strcmp(c, "create")) {
        HANDLE *slot = section_slot(l->tok[2], 1);
        LARGE_INTEGER size = { .QuadPart = (LONGLONG)opt_num(l, "size", 0) };
        HANDLE h = 0;
        if (!slot)
            st = (NTST)0xC0000035; /* the name is taken, as ntsim answers */
        else if (opt(l, "image"))
            st = image_section(&h, opt(l, "image"), opt(l, "size") ? &size : NULL,
                               (ULONG)(opt(l, "protect") ? flags(opt(l, "protect")) : PAGE_EXECUTE));
        else
            st = p_csection(&h, SECTION_ALL_ACCESS, NULL, &size, (ULONG)(opt(l, "protect") ? flags(opt(l, "protect")) : PAGE_READWRITE),
                            opt_on(l, "reserve") ? SEC_RESERVE : SEC_COMMIT, NULL);
        if (st >= 0 && opt(l, "image")) { /* the size as the section keeps it, as ntsim prints it */
            struct { PVOID base; ULONG attributes; LARGE_INTEGER size; } info;
            if (p_qsection(h, 0, &info, sizeof info, NULL) >= 0)
                size = info.size;
        }
        put_status(st);
        if (st >= 0) {
            *slot = h;
            printf(",\"handle\":%llu", (unsigned long long)(ULONG_PTR)h);
            hex("size", (unsigned long long)size.QuadPart);
        }
        return;
    }
    if (!strcmp(c, "unmap")) {
        unsigned long long a = num(l->tok[3]);
        const char *preserve = opt(l, "preserve");
        if (!preserve)
            st = p_unmap(GetCurrentProcess(), (PVOID)(ULONG_PTR)a);
        else /* NtUnmapViewOfSectionEx, MEM_PRESERVE_PLACEHOLDER with preserve=on */
            st = p_unmapex ? p_unmapex(GetCurrentProcess(), (PVOID)(ULONG_PTR)a, !strcmp(preserve, "on") ? 2 : 0)
                           : (NTST)0xC0000002;
        put_status(st);
        if (st >= 0)
            hex("address", a);
        return;
    }
    int mapping = !strcmp(c, "map") || !strcmp(c, "mapex");
    HANDLE *h = section_slot(l->tok[mapping ? 3 : 2], 0);
    if (!h) {
        put_status((NTST)0xC0000034); /* STATUS_OBJECT_NAME_NOT_FOUND, as ntsim answers */
        return;
    }
    if (mapping) {
        PVOID base = (PVOID)(ULONG_PTR)opt_num(l, "base", 0);
        SIZE_T size = (SIZE_T)opt_num(l, "size", 0);
        LARGE_INTEGER off = { .QuadPart = (LONGLONG)opt_num(l, "offset", 0) };
        ULONG prot = opt(l, "protect") ? flags(opt(l, "protect")) : PAGE_READWRITE;
        if (!strcmp(c, "map")) {
            st = p_map(*h, GetCurrentProcess(), &base, 0, (SIZE_T)opt_num(l, "commit", 0), &off, &size, 1 /* ViewShare */,
                       opt_on(l, "top_down") ? MEM_TOP_DOWN : 0, prot);
        } else {
            addr_req r;
            ULONG count;
            ext_param p = requirements(l, &r, &count);
            ULONG type = opt(l, "type") ? flags(opt(l, "type")) : 0;
            st = p_mapex ? p_mapex(*h, GetCurrentProcess(), &base, &off, &size, type, prot, count ? &p : NULL, count)
                         : (NTST)0xC0000002;
        }
        put_status(st);
        if (st >= 0) {
            hex("base", (ULONG_PTR)base);
            hex("size", size);
            hex("offset", (unsigned long long)off.QuadPart);
        }
    } else if (!strcmp(c, "query")) {
        struct { PVOID base; ULONG attributes; LARGE_INTEGER size; } info;
        st = p_qsection(*h, 0, &info, sizeof info, NULL);
        put_status(st);
        if (st >= 0) {
            hex("attributes", info.attributes);
            hex("size", (unsigned long long)info.size.QuadPart);
        }
        if (st >= 0 && (info.attributes & SEC_IMAGE)) {
            /* SECTION_IMAGE_INFORMATION, x64 layout (0x40 bytes): the fields ntsim prints */
            unsigned char i[0x40];
            st = p_qsection(*h, 1 /* SectionImageInformation */, i, sizeof i, NULL);
            if (st < 0) {
                put_status(st);
                return;
            }
            hex("entry", get64(i, 0x00));
            hex("stack_reserve", get64(i, 0x10));
            hex("stack_commit", get64(i, 0x18));
            hex("machine", get16(i, 0x30));
            printf(",\"subsystem\":%u", (unsigned)get32(i, 0x20));
            hex("characteristics", get16(i, 0x2C));
            hex("dll_characteristics", get16(i, 0x2E));
            hex("image_flags", i[0x33]);
            hex("file_size", get32(i, 0x38));
        }
    } else if (!strcmp(c, "extend")) {
        LARGE_INTEGER size = { .QuadPart = (LONGLONG)opt_num(l, "size", 0) };
        st = p_extend ? p_extend(*h, &size) : (NTST)0xC0000002; /* STATUS_NOT_IMPLEMENTED: Wine 8 lacks it */
        put_status(st);
        if (st >= 0)
            hex("size", (unsigned long long)size.QuadPart);
    } else if (!strcmp(c, "close")) {
        HANDLE v = *h;
        st = p_close(v);
        *h = 0;
        put_status(st);
        if (st >= 0)
            printf(",\"handle\":%llu", (unsigned long long)(ULONG_PTR)v);
    } else {
        put_status((NTST)0xC0000002);
    }
}

/* `syscall THREAD SERVICE ARG...` for the two copy services: the numbers are
 * Windows 10 x64's (as ntsim's table); the arguments are numbers, -1 the process. */
static void syscall_line(const struct line *l)
{
    ULONG_PTR arg[5] = { 0 };
    for (int i = 0; i < 5 && 3 + i < l->n; i++)
        arg[i] = l->tok[3 + i][0] == '-' ? (ULONG_PTR)0 - (ULONG_PTR)num(l->tok[3 + i] + 1) : (ULONG_PTR)num(l->tok[3 + i]);
    int read = !strcmp(l->tok[2], "NtReadVirtualMemory");
    if (!read && strcmp(l->tok[2], "NtWriteVirtualMemory")) {
        put_status((NTST)0xC000001C); /* STATUS_INVALID_SYSTEM_SERVICE: not driven here */
        return;
    }
    NTST st = (read ? p_readvm : p_writevm)((HANDLE)arg[0], (PVOID)arg[1], (PVOID)arg[2], (SIZE_T)arg[3], (SIZE_T *)arg[4]);
    put_status(st);
    if (st >= 0)
        printf(",\"service\":\"%s\",\"number\":%d", l->tok[2], read ? 0x3F : 0x3A);
}

/* A FARPROC copied into the typed pointer (memcpy: no aliasing of function pointer types). */
#define RESOLVE(var, name) do { FARPROC f_ = GetProcAddress(nt, name); memcpy(&(var), &f_, sizeof f_); } while (0)

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: winscn FILE.scn\n");
        return 2;
    }
    HMODULE nt = GetModuleHandleA("ntdll.dll");
    RESOLVE(p_alloc, "NtAllocateVirtualMemory");
    RESOLVE(p_allocex, "NtAllocateVirtualMemoryEx");
    RESOLVE(p_free, "NtFreeVirtualMemory");
    RESOLVE(p_protect, "NtProtectVirtualMemory");
    RESOLVE(p_query, "NtQueryVirtualMemory");
    RESOLVE(p_getww, "NtGetWriteWatch");
    RESOLVE(p_csection, "NtCreateSection");
    RESOLVE(p_map, "NtMapViewOfSection");
    RESOLVE(p_mapex, "NtMapViewOfSectionEx");
    RESOLVE(p_unmap, "NtUnmapViewOfSection");
    RESOLVE(p_unmapex, "NtUnmapViewOfSectionEx");
    RESOLVE(p_qsection, "NtQuerySection");
    RESOLVE(p_extend, "NtExtendSection");
    RESOLVE(p_close, "NtClose");
    RESOLVE(p_readvm, "NtReadVirtualMemory");
    RESOLVE(p_writevm, "NtWriteVirtualMemory");
    RESOLVE(p_openfile, "NtOpenFile");
    AddVectoredExceptionHandler(1, on_fault);
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    char text[1024];
    for (int lineno = 1; fgets(text, sizeof text, f); lineno++) {
        char *hash = strchr(text, '#');
        if (hash)
            *hash = 0;
        struct line l = { .n = 0 };
        for (char *save, *p = strtok_r(text, " \t\r\n", &save); p && l.n < 24; p = strtok_r(0, " \t\r\n", &save))
            l.tok[l.n++] = p;
        int vm = l.n >= 4 && !strcmp(l.tok[0], "vm");
        int section = l.n >= 3 && !strcmp(l.tok[0], "section");
        int sys = l.n >= 3 && !strcmp(l.tok[0], "syscall");
        if (!vm && !section && !sys)
            continue;
        if (sys)
            printf("{\"kind\":\"result\",\"line\":%d,\"cmd\":\"syscall\"", lineno);
        else
            printf("{\"kind\":\"result\",\"line\":%d,\"cmd\":\"%s %s\"", lineno, l.tok[0], l.tok[1]);
        if (vm)
            vm_line(&l);
        else if (sys)
            syscall_line(&l);
        else
            section_line(&l);
        printf("}\n");
        fflush(stdout);
    }
    return 0;
}
