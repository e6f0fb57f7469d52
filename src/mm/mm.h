/*
 * mm.h - the memory manager (Mm): one user address space per process, with
 * Windows' native virtual-memory calls bit for bit, process layouts, stacks
 * and guard pages, and system-wide commit accounting.
 *
 * The interface the rest of ntsim calls (ps/ for processes and threads, the
 * system service layer for NtAllocateVirtualMemory & co). Addresses are
 * simulated (ULONG_PTR), never host pointers. Nothing here is global: every
 * call takes the space it works on. docs/memory-manager.md explains the model.
 */
#ifndef NTSIM_MM_H
#define NTSIM_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntsim/nt.h"
#include "rtl/random.h"

#define MM_PAGE_SIZE        0x1000ull
#define MM_ALLOC_GRANULARITY 0x10000ull   /* 64 KiB: reservations start here */
#define MM_LARGE_PAGE_SIZE  0x200000ull   /* 2 MiB: GetLargePageMinimum() on x64 */

typedef struct mm_space mm_space; /* one process's user address space (VAD tree) */

/* Small pool chunks that destroyed spaces gave back, kept for the next
 * spaces: a process's VADs, runs and index nodes then cost no host malloc.
 * Owned by the system; bounded by MM_CHUNK_BUDGET bytes in all. */
#define MM_CHUNK_CLASSES 8
#define MM_CHUNK_MAX_BYTES 8192
#define MM_CHUNK_BUDGET (1u << 20)
typedef struct mm_chunk_cache {
    size_t bytes_kept;
    struct {
        size_t bytes; /* 0: class unused */
        unsigned count;
        void *list;   /* chunks linked through their first word */
    } cls[MM_CHUNK_CLASSES];
} mm_chunk_cache;
void mm_chunk_cache_free(mm_chunk_cache *c); /* after every space using it */
unsigned mm_chunk_cache_count(const mm_chunk_cache *c);

/* System-wide commit accounting, owned by the system; spaces charge it. */
struct mm_section;
typedef struct mm_commit {
    uint64_t limit;   /* bytes; system memory + pagefile */
    uint64_t charged; /* bytes */
    uint64_t sections; /* bytes of charged that sections' pages hold (the system check) */
} mm_commit;

typedef enum mm_arch { MM_ARCH_X64, MM_ARCH_X86 } mm_arch;

/*
 * The boot-wide image-base registry, owned by the system: with ASLR an
 * image's base is drawn once per boot and shared by every process that maps
 * it (ntdll.dll at one address everywhere, two processes of one exe at one
 * base). Keyed by file name without case, and by arch. rng is the system's
 * generator, drawn from for DLL loads (mm_map_image with *base 0); NULL when
 * ASLR is off (a DLL then takes the first place found, and keeps it).
 */
typedef struct mm_image_bases mm_image_bases;
NTSTATUS mm_image_bases_create(rtl_random *rng, mm_image_bases **out);
void mm_image_bases_destroy(mm_image_bases *b); /* NULL is fine; after the spaces using it */
uint64_t mm_image_bases_count(const mm_image_bases *b); /* images with a base this boot */

/*
 * The image files the system volume holds (image_files.c), as the memory
 * manager knows them: an image's facts as its PE headers give them (ntsim's
 * images carry no bytes), by NT path without case. Every process's image,
 * every DLL loaded and ntdll.dll are recorded; NtOpenFile opens them and
 * NtCreateSection(SEC_IMAGE) makes image sections of them. O(log n).
 */
typedef struct mm_image_info {
    SIZE_T size;                  /* SizeOfImage, whole pages */
    bool is64;                    /* PE32+ for AMD64; else PE32 for I386 */
    bool dll;                     /* IMAGE_FILE_DLL */
    bool large_address_aware;     /* IMAGE_FILE_LARGE_ADDRESS_AWARE (always on PE32+) */
    SIZE_T stack_reserve, stack_commit;
} mm_image_info;
typedef struct mm_image_files mm_image_files;
NTSTATUS mm_image_files_create(mm_image_files **out);
void mm_image_files_destroy(mm_image_files *f); /* NULL is fine */
/* Records the file at nt_path, or what changed of it. STATUS_NO_MEMORY only if the host is out. */
NTSTATUS mm_image_file_record(mm_image_files *f, const char *nt_path, const mm_image_info *info);
/* The file at nt_path; NULL if the volume has none. *stored (may be NULL): its path as recorded. */
const mm_image_info *mm_image_file_find(const mm_image_files *f, const char *nt_path, const char **stored);

typedef struct mm_space_params {
    mm_arch arch;                /* the process's arch */
    bool system_is_x64;          /* x86 process on x64 = WOW64 */
    bool large_address_aware;    /* image flag */
    uint64_t increase_uva;       /* 32-bit boot option in bytes (0 = off; 3G typical) */
    bool lock_memory_privilege;  /* SeLockMemoryPrivilege: MEM_LARGE_PAGES allowed */
    /* When set, asked at each MEM_LARGE_PAGES allocation in place of
       lock_memory_privilege: is the caller's SeLockMemoryPrivilege enabled
       now (SeSinglePrivilegeCheck; ps answers from the token). */
    bool (*lock_memory_held)(void *ctx);
    void *privilege_ctx;
    mm_commit *commit;           /* may be NULL = unlimited */
    mm_image_bases *image_bases; /* may be NULL = every process draws its own bases */
    mm_chunk_cache *chunks;      /* may be NULL = pools use the host heap only */
} mm_space_params;

/* Creates an empty space. STATUS_INVALID_PARAMETER for a layout that cannot
 * exist (x64 process on an x86 system), STATUS_NO_MEMORY if the host is out. */
NTSTATUS mm_space_create(const mm_space_params *p, mm_space **out);
/* Releases everything and returns the space's commit charge. NULL is fine. */
void mm_space_destroy(mm_space *s);
ULONG_PTR mm_lowest_user_address(const mm_space *s);  /* 0x10000 */
ULONG_PTR mm_highest_user_address(const mm_space *s); /* e.g. 0x7FFFFFFEFFFF on x64 */

/*
 * The user range a call's arguments are checked against: Windows'
 * MM_LOWEST_USER_ADDRESS and MM_HIGHEST_USER_ADDRESS, and whether ZeroBits
 * above 31 is a mask (64-bit Windows, WOW64 processes too).
 */
typedef struct mm_limits {
    ULONG_PTR lowest, highest;
    bool wide_zero_bits;
} mm_limits;
mm_limits mm_space_limits(const mm_space *s);
/* A system's, before any process is known: the widest user range it gives
 * (x64: 0x7FFFFFFEFFFF; x86: 2 GB, or the increase_uva boot option's). */
mm_limits mm_system_limits(bool system_is_x64, uint64_t increase_uva);

/*
 * The argument checks of the native calls (arguments.c), each the status
 * Windows returns, in Windows' order. The service layer runs the first of
 * each pair before it reads the caller's pointers or opens the process
 * handle, the second after capturing *BaseAddress and *RegionSize and still
 * before the handle; mm_allocate & co run them again on the space's limits.
 *   allocate: ZeroBits _3; type _5 (placeholder flags: plain
 *     STATUS_INVALID_PARAMETER); MEM_PHYSICAL without PAGE_READWRITE _6;
 *     protection STATUS_INVALID_PAGE_PROTECTION. Then base _2 (above the
 *     top, or below 0x10000 when not 0), size _4 (0, or past the top).
 *   free: type _4. Then base _2, size _3.
 *   protect: protection STATUS_INVALID_PAGE_PROTECTION. Then base _2,
 *     size _3 (0 too).
 *   query: an address above the top is plain STATUS_INVALID_PARAMETER.
 */
NTSTATUS mm_check_protection(ULONG protect);
bool mm_zero_bits_valid(const mm_limits *l, ULONG_PTR zero_bits);
NTSTATUS mm_check_allocate_flags(const mm_limits *l, ULONG_PTR zero_bits, ULONG type, ULONG protect);
NTSTATUS mm_check_allocate_range(const mm_limits *l, ULONG_PTR base, SIZE_T size);
NTSTATUS mm_check_free_type(ULONG free_type);
NTSTATUS mm_check_free_range(const mm_limits *l, ULONG_PTR base, SIZE_T size, ULONG free_type);
NTSTATUS mm_check_protect_range(const mm_limits *l, ULONG_PTR base, SIZE_T size);
NTSTATUS mm_check_query_address(const mm_limits *l, ULONG_PTR address);
/* MEM_RELEASE with MEM_COALESCE_PLACEHOLDERS or MEM_PRESERVE_PLACEHOLDER. */
bool mm_free_type_is_placeholder(ULONG free_type);

/*
 * The four native calls, in/out like the real ones (NtAllocateVirtualMemory,
 * NtFreeVirtualMemory, NtProtectVirtualMemory, NtQueryVirtualMemory with
 * MemoryBasicInformation): on success *base and *size hold the range as the
 * call rounded it. On failure nothing changed and the outputs are untouched,
 * except mm_protect's *old_protect: PAGE_NOACCESS once the arguments passed
 * their checks (NtProtectVirtualMemory writes it back on those failures).
 * Each is O(log n) in the number of allocations and page runs touched.
 */
NTSTATUS mm_allocate(mm_space *s, ULONG_PTR *base, ULONG_PTR zero_bits, SIZE_T *size, ULONG type,
                     ULONG protect);
NTSTATUS mm_free(mm_space *s, ULONG_PTR *base, SIZE_T *size, ULONG free_type);
NTSTATUS mm_protect(mm_space *s, ULONG_PTR *base, SIZE_T *size, ULONG new_protect, ULONG *old_protect);
NTSTATUS mm_query(mm_space *s, ULONG_PTR address, MEMORY_BASIC_INFORMATION *mbi);

/*
 * NtAllocateVirtualMemoryEx (placeholder.c), on the space's limits: the
 * flags of NtAllocateVirtualMemory plus MEM_RESERVE_PLACEHOLDER (with
 * MEM_RESERVE and PAGE_NOACCESS only) and MEM_REPLACE_PLACEHOLDER (with
 * MEM_RESERVE; [*base, *base + *size) exactly one placeholder, else
 * STATUS_CONFLICTING_ADDRESSES), and address requirements (req may be
 * NULL): the system's choice lies in [lowest, highest] at a multiple of
 * alignment (0: 64 KiB). Flag errors are plain STATUS_INVALID_PARAMETER, as
 * Windows answers the Ex call. mm_check_requirements validates them first.
 */
typedef struct mm_address_requirements {
    ULONG_PTR lowest, highest; /* highest: the last byte allowed, 0 = the top */
    uint64_t alignment;
} mm_address_requirements;
NTSTATUS mm_check_allocate_ex_flags(ULONG type, ULONG protect);
NTSTATUS mm_check_requirements(const mm_limits *l, const mm_address_requirements *req, ULONG_PTR base, ULONG type);
NTSTATUS mm_allocate_ex(mm_space *s, ULONG_PTR *base, SIZE_T *size, ULONG type, ULONG protect,
                        const mm_address_requirements *req);

/*
 * The other NtQueryVirtualMemory classes (query_info.c); an address in no
 * allocation is STATUS_INVALID_ADDRESS. MemoryRegionInformation: the whole
 * allocation holding address, its RegionType bits (phnt's ntmmapi.h names
 * them) and its committed bytes. MemoryWorkingSetExInformation: the page's
 * MEMORY_WORKING_SET_EX_BLOCK (0 when not valid: not committed, no access,
 * or guarded). MemoryImageInformation: the image view holding address and
 * its VAD's name (the file name). Each O(log n + runs).
 */
#define MM_REGION_PRIVATE          0x001u
#define MM_REGION_MAPPED_IMAGE     0x004u
#define MM_REGION_MAPPED_PAGE_FILE 0x008u
#define MM_REGION_PLACEHOLDER      0x100u /* PlaceholderReservation */
#define MM_REGION_WRITE_WATCH      0x400u /* MappedWriteWatch */
#define MM_REGION_PAGE_SIZE_LARGE  0x800u
typedef struct mm_region_info {
    ULONG_PTR base;
    ULONG alloc_protect, type;
    uint64_t size, commit;
} mm_region_info;
NTSTATUS mm_query_region(mm_space *s, ULONG_PTR address, mm_region_info *out);
#define MM_WSEX_VALID      0x1ull       /* bit 0; ShareCount bits 1-3; Win32Protection 4-14; Shared 15 */
#define MM_WSEX_LARGE_PAGE (1ull << 23)
uint64_t mm_query_working_set_ex(mm_space *s, ULONG_PTR address);
NTSTATUS mm_query_image(mm_space *s, ULONG_PTR address, ULONG_PTR *base, SIZE_T *size, const char **name);

/* An image's NT path (image_path.c), kept by the space for
 * MemoryMappedFilenameInformation: taken before the image is mapped (NULL
 * when the host is out), adopted once it is; dropped when it is unmapped. */
typedef struct mm_image_path mm_image_path;
mm_image_path *mm_image_path_new(const char *path);
/* module: the loader's (LoadLibrary's), which a second load finds; a
   section's view is none. */
void mm_image_path_adopt(mm_space *s, ULONG_PTR start, mm_image_path *p, bool module);
const char *mm_image_path_of(const mm_space *s, ULONG_PTR start); /* NULL: none kept */
/* The base of the loader's module from path (without case); false if none. O(modules). */
bool mm_image_module_find(const mm_space *s, const char *path, ULONG_PTR *base);

/*
 * Write watches (write_watch.c). mm_watch_add starts watching a
 * reservation just made with MEM_WRITE_WATCH (its bitmap charged to
 * commit: STATUS_COMMITMENT_LIMIT, or STATUS_NO_MEMORY when the host is
 * out; the caller then releases the reservation). mm_watch_forget after a
 * decommit or release: those pages are no longer written, and a watch
 * whose allocation is gone goes too. NtGetWriteWatch's work: the written
 * pages of [base, base + size) in order, at most *count of them (*count
 * then the number found), cleared when reset; NtResetWriteWatch's: all
 * of them cleared. A range empty, or not inside one watched allocation, is
 * STATUS_INVALID_PARAMETER. O(pages of the range).
 */
NTSTATUS mm_watch_add(mm_space *s, ULONG_PTR start, SIZE_T size);
void mm_watch_forget(mm_space *s, ULONG_PTR base, SIZE_T size);
NTSTATUS mm_get_write_watch(mm_space *s, bool reset, ULONG_PTR base, SIZE_T size, ULONG_PTR *pages, uint64_t *count);
NTSTATUS mm_reset_write_watch(mm_space *s, ULONG_PTR base, SIZE_T size);

/* One user-mode access: STATUS_SUCCESS, STATUS_ACCESS_VIOLATION, or
 * STATUS_GUARD_PAGE_VIOLATION (the page's guard is then gone), or whatever
 * the guard hook turns the latter into. DEP is on: no execute without EXECUTE. */
typedef enum mm_access { MM_READ, MM_WRITE, MM_EXECUTE } mm_access;
NTSTATUS mm_touch(mm_space *s, ULONG_PTR address, mm_access access);

/* Called when a touch hits a guard page, after the guard was removed, with the
 * page's address; returns the status the touch reports (default:
 * STATUS_GUARD_PAGE_VIOLATION). The hook for user-stack growth (MiCheckForUserStackOverflow). */
typedef NTSTATUS (*mm_guard_hook)(void *ctx, mm_space *s, ULONG_PTR page);
void mm_set_guard_hook(mm_space *s, mm_guard_hook hook, void *ctx);

/* Walks every region from address 0 to the top of user space, free ones
 * included, exactly as query reports them, with the detail of its allocation
 * (NULL if none; valid only during the call). cb returns false to stop.
 * O(regions). */
typedef bool (*mm_region_cb)(void *ctx, const MEMORY_BASIC_INFORMATION *mbi, const char *detail);
void mm_walk(mm_space *s, mm_region_cb cb, void *ctx);

/* Maps an image view (MEM_IMAGE): headers PAGE_READONLY, .text
 * PAGE_EXECUTE_READ, .rdata PAGE_READONLY, .data PAGE_WRITECOPY, alloc_protect
 * PAGE_EXECUTE_WRITECOPY, all committed. *base 0: the system picks: with an
 * image-base registry (mm_space_params) the image's boot-wide base, drawn on
 * its first mapping (x64: in [0x7FF800000000, 0x7FFF00000000), x86: in
 * [0x50000000, 0x78000000)) and reused after; another place only when that
 * range is taken in this space; without a registry the highest free 64 KiB.
 * Otherwise *base must be 64 KiB aligned and free
 * (STATUS_CONFLICTING_ADDRESSES). size is rounded up to pages. */
NTSTATUS mm_map_image(mm_space *s, ULONG_PTR *base, SIZE_T size, const char *name);
/*
 * NtUnmapViewOfSection: unmaps the view (an image or a section's) holding
 * address, wherever in it, as MiUnmapViewOfSection finds it by its VAD;
 * STATUS_NOT_MAPPED_VIEW for private or free memory or an address above the
 * top. *start and *size (may be NULL) receive the view's range.
 */
NTSTATUS mm_unmap_view(mm_space *s, ULONG_PTR address, ULONG_PTR *start, SIZE_T *size);
/* NtUnmapViewOfSectionEx: as mm_unmap_view; with preserve
 * (MEM_PRESERVE_PLACEHOLDER) a view that replaced a placeholder becomes that
 * placeholder again, and any other view is STATUS_CONFLICTING_ADDRESSES
 * (nothing unmapped). */
NTSTATUS mm_unmap_view_ex(mm_space *s, ULONG_PTR address, bool preserve, ULONG_PTR *start, SIZE_T *size);

/*
 * Sections (section.c, view.c): page-file-backed sections, the Section
 * object type, and views of them. A section's pages are its segment's,
 * shared by reference: a write through one view is read through every other,
 * in any process. docs/memory-manager.md ("Sections and views") has the
 * sources for each status.
 */
struct ob_header;
struct ob_type;
extern const struct ob_type mm_section_type;
struct _LIST_ENTRY;
/* An image section's file and where its views go (image_section.c). */
typedef struct mm_image_section {
    mm_image_info info;
    ULONG_PTR based;     /* its base for the boot, chosen when the section was made */
    bool relocated;      /* ASLR chose that base (ImageDynamicallyRelocated) */
    bool no_execute;     /* SEC_IMAGE_NO_EXECUTE: its views are not told to the load-image routines */
    ULONG protect;       /* SectionPageProtection, as created (InitialPageProtection) */
    char path[];         /* the file's NT path */
} mm_image_section;
/* NtCreateSection(SEC_IMAGE) of the file at nt_path: Size as maximum asks
 * (0: SizeOfImage), STATUS_SECTION_TOO_BIG past SizeOfImage, attributes
 * SEC_IMAGE | SEC_FILE (no_execute: SEC_IMAGE_NO_EXECUTE too). Its based address is the image's boot-wide one in
 * bases (NULL: none kept), drawn there when the image has none yet. */
NTSTATUS mm_section_create_image(struct _LIST_ENTRY *live, mm_image_bases *bases, const char *nt_path,
                                 const mm_image_info *info, uint64_t maximum, ULONG protect, bool no_execute,
                                 struct ob_header **out);
/* The image a section maps; NULL for a page-file-backed one. */
const mm_image_section *mm_section_image(struct ob_header *section);
/* SectionImageInformation (x64 layout, 0x40 bytes) as the image's headers give it. */
#define MM_SECTION_IMAGE_INFORMATION_SIZE 0x40
void mm_section_image_information(const mm_image_section *img, unsigned char out[MM_SECTION_IMAGE_INFORMATION_SIZE]);
/* The file access a section of that page protection needs on its file
 * (MmMakeFileAccess): FILE_READ_DATA, FILE_EXECUTE, FILE_WRITE_DATA as the protection reads, runs, writes. */
ACCESS_MASK mm_file_access_for(ULONG protect);
/* NtCreateSection's checks that need no memory: AllocationAttributes
 * (STATUS_INVALID_PARAMETER_6), then the protection (NOACCESS, GUARD,
 * NOCACHE or WRITECOMBINE, or an invalid one: STATUS_INVALID_PAGE_PROTECTION). */
NTSTATUS mm_check_section_attributes(ULONG attributes, ULONG protect);
/* A page-file-backed section of size bytes (not 0), referenced once (the
 * caller inserts a handle, then dereferences). STATUS_SECTION_TOO_BIG at
 * 128 TB and over, STATUS_INSUFFICIENT_RESOURCES when its prototype PTEs (8
 * bytes a page) would not fit in the commit left, STATUS_COMMITMENT_LIMIT
 * when SEC_COMMIT's charge of every page does not. commit may be NULL.
 * live: the system's list of section objects (NULL: none), which teardown
 * frees whatever their counts (mm_sections_free). */
struct _LIST_ENTRY;
NTSTATUS mm_section_create(mm_commit *commit, struct _LIST_ENTRY *live, uint64_t size, ULONG protect, ULONG attributes,
                           struct ob_header **out);
/* Teardown: every section object of the list goes, whatever its counts (handle tables are freed unswept). */
void mm_sections_free(struct _LIST_ENTRY *live);
/* The handles to the list's sections, as their objects count them (the system check). */
uint64_t mm_sections_handle_counts(const struct _LIST_ENTRY *live);
/* NtQuerySection(SectionBasicInformation): attributes and size as created. */
void mm_section_basic(struct ob_header *section, ULONG *attributes, uint64_t *size);
/* The right a handle needs to map a view with protect (MmMakeSectionAccess). */
ACCESS_MASK mm_section_access_for(ULONG protect);
/* NtMapViewOfSection's checks before it captures anything: AllocationType
 * _9 (anything but MEM_TOP_DOWN, MEM_LARGE_PAGES, SEC_NO_CHANGE,
 * MEM_RESERVE; AT_ROUND_TO_PAGE on x64 too), ZeroBits _4, InheritDisposition
 * _8, the protection STATUS_INVALID_PAGE_PROTECTION. Then on the captured
 * values: base above the top, or a view size past it, _3; a base whose view
 * would end above the ZeroBits limit _4. */
NTSTATUS mm_check_map_flags(const mm_limits *l, ULONG_PTR zero_bits, ULONG inherit, ULONG type, ULONG protect);
NTSTATUS mm_check_map_range(const mm_limits *l, ULONG_PTR base, SIZE_T view_size, ULONG_PTR zero_bits);
/*
 * MmMapViewOfSection of a page-file-backed section: a protection the
 * section's does not allow is STATUS_SECTION_PROTECTION; MEM_RESERVE _9; an
 * offset that is not a multiple of 64 KiB, or a base that is not,
 * STATUS_MAPPED_ALIGNMENT; a view past the section's end (or an offset at or
 * past it with size 0) STATUS_INVALID_VIEW_SIZE; a taken range
 * STATUS_CONFLICTING_ADDRESSES; no room STATUS_NO_MEMORY. *view_size 0 maps
 * to the section's end; the size comes back rounded to pages. *base 0:
 * the lowest free 64 KiB under the ZeroBits limit (MEM_TOP_DOWN: the
 * highest). A SEC_RESERVE view commits its first commit_size bytes
 * (charged: STATUS_COMMITMENT_LIMIT). O(log n + views of the section).
 */
NTSTATUS mm_map_section(mm_space *s, struct ob_header *section, ULONG_PTR *base, ULONG_PTR zero_bits,
                        SIZE_T commit_size, uint64_t *offset, SIZE_T *view_size, ULONG inherit, ULONG type,
                        ULONG protect);
/* NtMapViewOfSectionEx's AllocationType and protection: MEM_REPLACE_PLACEHOLDER
 * besides the plain call's types (not with MEM_TOP_DOWN); anything else is
 * plain STATUS_INVALID_PARAMETER, as the Ex calls answer. */
NTSTATUS mm_check_map_ex_flags(ULONG type, ULONG protect);
/* NtMapViewOfSectionEx's view (Windows 10 1803): as mm_map_section without
 * ZeroBits or CommitSize; MEM_REPLACE_PLACEHOLDER puts it in place of the
 * placeholder at *base, which it must cover exactly (its 64 KiB-aligned
 * start, its page-rounded size), else STATUS_CONFLICTING_ADDRESSES; with
 * *base 0, req (NULL: none) bounds the system's choice as for
 * mm_allocate_ex (STATUS_NO_MEMORY without room). O(log n). */
NTSTATUS mm_map_section_ex(mm_space *s, struct ob_header *section, ULONG_PTR *base, uint64_t *offset,
                           SIZE_T *view_size, ULONG type, ULONG protect, const mm_address_requirements *req);

/* Lays out a new process as Windows does: KUSER_SHARED_DATA at 0x7FFE0000,
 * the image (MEM_IMAGE, at a base drawn from rng when aslr, else its
 * preferred base 0x140000000 for x64 / 0x400000 for x86), ntdll.dll and the
 * PEB. With an image-base registry the image and ntdll take their boot-wide
 * bases (drawn from rng on the first process that maps them). On x64 with
 * aslr nothing lands in [0x100000000, 0x400000000). image_name must outlive
 * the space: it names the image's VAD without a copy (the process's own). */
typedef struct mm_process_layout {
    ULONG_PTR image_base;
    SIZE_T image_size;
    ULONG_PTR ntdll_base;
    SIZE_T ntdll_size;
    ULONG_PTR peb;
} mm_process_layout;
NTSTATUS mm_initialize_process(mm_space *s, const char *image_name, SIZE_T image_size, bool aslr,
                               rtl_random *rng, mm_process_layout *out);

/* A TEB for a new thread (committed read/write, next to the PEB, page
 * granular as MiCreatePebOrTeb places them); detail "TEB of thread N". */
NTSTATUS mm_create_teb(mm_space *s, uint32_t tid, ULONG_PTR *teb);
NTSTATUS mm_delete_teb(mm_space *s, ULONG_PTR teb);

/*
 * User stacks (docs/stacks.md). mm_create_stack builds one as
 * RtlCreateUserStack does: reserve 0 = 1 MiB, commit 0 = 1 page; if commit >=
 * reserve the reserve becomes commit rounded up to 1 MiB; commit rounds to
 * pages, reserve to 64 KiB. The top `commit` bytes are committed read/write,
 * the guard region below them PAGE_READWRITE|PAGE_GUARD (3 pages on x64, 1
 * on x86 and WOW64; less if the reserve has no more room), the rest
 * reserved. Placed bottom-up; detail "stack of thread N".
 *
 * A touch of one of its guard pages (mm_touch, mm_touch_stack) grows it as
 * MiCheckForUserStackOverflow does: the page loses its guard, a new guard
 * region is committed just below it, StackLimit moves down to the page and
 * the access succeeds; when that region would reach the reservation's last
 * page, the pages above the last one are committed read/write, StackLimit
 * becomes the page above the last, and the access fails with
 * STATUS_STACK_OVERFLOW. The last page is never usable. A guard page that is
 * no stack's stays one-shot (STATUS_GUARD_PAGE_VIOLATION, or the guard hook).
 */
typedef struct mm_stack {
    ULONG_PTR stack_base;         /* top (exclusive), TEB.StackBase */
    ULONG_PTR stack_limit;        /* TEB.StackLimit: the lowest page the stack has grown to */
    ULONG_PTR deallocation_stack; /* the reservation's base, TEB.DeallocationStack */
    SIZE_T reserve;               /* stack_base - deallocation_stack */
    SIZE_T commit;                /* stack_base - stack_limit */
    SIZE_T committed;             /* bytes committed in the reservation, guard pages included */
    ULONG_PTR guard_start, guard_end; /* the PAGE_GUARD pages just below StackLimit (equal: none) */
} mm_stack;
NTSTATUS mm_create_stack(mm_space *s, uint32_t tid, SIZE_T reserve, SIZE_T commit, mm_stack *out);
/* At thread exit: releases the reservation and forgets the stack. */
NTSTATUS mm_delete_stack(mm_space *s, const mm_stack *st);
/* The stack's current state (what `thread query` shows). STATUS_INVALID_PARAMETER
 * if no stack has that deallocation stack. O(log stacks + log n). */
NTSTATUS mm_query_stack(mm_space *s, ULONG_PTR deallocation_stack, mm_stack *out);
/* `stack touch THREAD BYTES`: the thread's stack now holds BYTES. Writes every
 * page from StackBase down to StackBase - BYTES, top first, growing the stack
 * as needed. STATUS_SUCCESS, STATUS_STACK_OVERFLOW (stops there), or
 * STATUS_ACCESS_VIOLATION (a page that cannot be written: the reservation's
 * last page after an overflow, or one the program protected). *after (may be
 * NULL) receives the stack's state. O(pages touched * log n). */
NTSTATUS mm_touch_stack(mm_space *s, ULONG_PTR deallocation_stack, SIZE_T bytes, mm_stack *after);

/*
 * System space, owned by the system: the range kernel stacks come from.
 * Every thread gets a kernel stack (MmCreateKernelStack) of KERNEL_STACK_SIZE
 * bytes, 12 KB on x86, 24 KB on x64, resident and charged to commit (NULL:
 * unlimited), with one never-mapped guard page below it. A freed stack's
 * place is reused first. O(1) each.
 */
typedef struct mm_system_space mm_system_space;
typedef struct mm_kernel_stack {
    ULONG_PTR base;   /* top (exclusive): KTHREAD.InitialStack / StackBase */
    ULONG_PTR limit;  /* lowest usable byte: KTHREAD.StackLimit */
    ULONG_PTR guard;  /* the guard page [guard, limit), never mapped */
    SIZE_T size;      /* base - limit */
} mm_kernel_stack;
typedef struct mm_system_info {
    ULONG_PTR kernel_stack_lo, kernel_stack_hi; /* the range kernel stacks come from */
    SIZE_T kernel_stack_size;                   /* KERNEL_STACK_SIZE of the arch */
    uint64_t kernel_stacks;                     /* live ones */
    uint64_t bytes_in_use;                      /* committed system-space bytes (guard pages are not) */
} mm_system_info;
NTSTATUS mm_system_space_create(mm_arch arch, mm_commit *commit, mm_system_space **out);
void mm_system_space_destroy(mm_system_space *ss); /* returns the charge of stacks still live; NULL is fine */
/* STATUS_INSUFFICIENT_RESOURCES when commit or the range is exhausted. */
NTSTATUS mm_create_kernel_stack(mm_system_space *ss, mm_kernel_stack *out);
void mm_delete_kernel_stack(mm_system_space *ss, const mm_kernel_stack *ks); /* at thread deletion */
void mm_system_query(const mm_system_space *ss, mm_system_info *out);

/* Bytes of commit this space charges (private committed pages, writable image pages). */
uint64_t mm_commit_charge(const mm_space *s);

/* Host-side figures, for benchmarks and tests. */
typedef struct mm_stats {
    uint64_t allocations;  /* VADs */
    uint64_t runs;         /* extra page-run nodes (uniform allocations have none) */
    uint64_t host_bytes;   /* heap bytes the space holds (pools, tree nodes, details) */
} mm_stats;
void mm_get_stats(const mm_space *s, mm_stats *out);

/* Full invariant check (tree shape, order, gaps, runs, commit counts). O(n).
 * Run after every operation when built with NTSIM_DEBUG_CHECKS. */
bool mm_check(const mm_space *s);

#endif
