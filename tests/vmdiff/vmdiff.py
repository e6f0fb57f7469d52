#!/usr/bin/env python3
"""Random differential of ntsim's memory manager against a real one: Wine's native API, driven by
winscn.exe (winscn.c beside this file). Generates seeded random scenarios mixing the virtual-memory
calls (alloc, free, protect, query), the process's own loads and stores (`vm read`/`vm write`),
write watches (`vm watch`), sections and views (`section create|map|mapex|unmap|query|extend|close`),
NtReadVirtualMemory/NtWriteVirtualMemory on the process itself (`syscall p.main ... -1 ...`, checked
with `vm read` lines) and, where the Wine build has them, placeholders (`vm allocex`, MEM_PRESERVE_PLACEHOLDER and
MEM_COALESCE_PLACEHOLDERS frees, views replacing placeholders); runs each scenario through both and
compares every result record. Everything happens in the window [0x200000000, 0x200400000) and the
copies' scratch region at 0x200500000, free in both processes; the system's own choices of address
(base 0) are not generated.

Where Wine is known to answer differently from Windows, the pairs in EQUIV count as agreeing when
both sides fail (docs/memory-manager.md, "The random differential", lists them and the sources).

With --images, image sections too (see IMG_EXE below): the scenario's first lines put two image files
on ntsim's volume, and the same files are written into Wine's C: drive before the run.

Usage: vmdiff.py NTSIM_BIN [--cases N] [--ops N] [--seed S] [--keep DIR] [--show N] [--no-copies]
                 [--images all|plain]
Needs: wine (Debian: wine wine64) and, to build winscn.exe, gcc-mingw-w64-x86-64. Not a ctest
test: it needs Wine. docs/memory-manager.md says how to run it."""
import argparse, json, os, random, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
WINDOW, SPAN = 0x200000000, 0x400000
PAGE, GRAN = 0x1000, 0x10000
PROTS = ["PAGE_NOACCESS", "PAGE_READONLY", "PAGE_READWRITE", "PAGE_EXECUTE", "PAGE_EXECUTE_READ",
         "PAGE_EXECUTE_READWRITE", "PAGE_READWRITE|PAGE_GUARD", "PAGE_READONLY|PAGE_GUARD",
         "PAGE_WRITECOPY", "0x3", "0x0"]
GOOD_PROTS = PROTS[:8]
# A view's protection must be one its section allows (MmCompatibleProtectionMask); Wine does not
# check this, and a view Windows refuses would make every later answer differ, so only allowed ones
# are generated (tests/unit/test_mm_sections.c pins the refusal).
VIEW_PROTS = {
    "PAGE_READWRITE": ["PAGE_READWRITE", "PAGE_READONLY", "PAGE_WRITECOPY", "PAGE_NOACCESS"],
    "PAGE_READONLY": ["PAGE_READONLY", "PAGE_WRITECOPY", "PAGE_NOACCESS"],
    "PAGE_WRITECOPY": ["PAGE_READONLY", "PAGE_WRITECOPY", "PAGE_NOACCESS"],
    "PAGE_EXECUTE_READWRITE": ["PAGE_READWRITE", "PAGE_READONLY", "PAGE_WRITECOPY", "PAGE_NOACCESS",
                               "PAGE_EXECUTE_READ", "PAGE_EXECUTE_READWRITE", "PAGE_EXECUTE_WRITECOPY"],
}
SECTION_PROTS = ["PAGE_READWRITE", "PAGE_READWRITE", "PAGE_READONLY", "PAGE_EXECUTE_READWRITE",
                 "PAGE_WRITECOPY"]
NAMES = ["s0", "s1", "s2"]
# NtReadVirtualMemory / NtWriteVirtualMemory on the process itself (`syscall p.main ... -1 ...`): one
# side of each copy is in SCRATCH, a committed read/write region outside the window, the other in the
# window; COUNT (in SCRATCH too) receives the bytes copied. Marks written before a copy show, through
# `vm read`, which bytes it wrote.
SCRATCH, SCRATCH_SIZE = 0x200500000, 0x10000
COUNT = SCRATCH + 0xF000
MARK = 0x5A5A5A5A5A5A5A5A
COPY_SIZES = [1, 8, 0x10, 0x100, 0x200, 0x201, 0x800, 0x1000, 0x1008, 0x1800, 0x2000, 0x3000, 0x4000]

# Image sections (--images): an EXE and a DLL under C:\vmdiff\, on both volumes. ntsim's volume gets them
# from the scenario's first lines (`process create ldr image=EXE`, `image load ldr DLL size=SIZE`: a second
# process, so that nothing of the image is in `p`, as nothing is in winscn's process); Wine's from
# pe_image(), written into the prefix before the run, with headers giving ntsim's layout and
# SectionImageInformation, and ImageBase = the based address ntsim's ASLR drew for the image (probed):
# a view at its based address is then at the same address on both sides (Wine 8 maps a DLL at its
# ImageBase), and one placed elsewhere is compared by status and size, not by its base. Views at bases
# given go in IMG_AREA, outside the window.
IMG_EXE = "C:\\vmdiff\\imgdiff.exe"
IMG_EXE_SIZE = 0x30000  # a process image's SizeOfImage in ntsim
IMG_DLL_SIZES = [0x30000, 0x30000, 0x15000, 0x8000]
IMG_AREA, IMG_AREA_SPAN = 0x210000000, 0x800000
IMG_NAMES = ["i0", "i1", "i2"]
IMG_PROTS = ["PAGE_EXECUTE", "PAGE_EXECUTE_READ", "PAGE_READONLY", "PAGE_WRITECOPY", "PAGE_EXECUTE_WRITECOPY"]
IMG_BAD_PROTS = ["PAGE_READWRITE", "PAGE_EXECUTE_READWRITE", "PAGE_NOACCESS", "PAGE_READONLY|PAGE_GUARD", "0x3"]


def img_dll(size):
    return f"C:\\vmdiff\\imgdiff-{size:x}.dll"


def image_pieces(size):
    """ntsim's layout (src/mm/layout.c mm_image_pieces): headers, .text, .rdata, .data, in pages."""
    rest = size // PAGE - 1
    text = (rest + 1) // 2
    rdata = (rest - text + 1) // 2
    return text, rdata, rest - text - rdata


def pe_image(size, dll, image_base):
    """A minimal valid PE32+ whose headers give ntsim's layout and SectionImageInformation: sections at
    0x1000 alignment in the file and in memory (ImageFileSize = SizeOfImage), .text RX (the entry point
    at RVA 0x1000, a ret), .rdata R, .data RW; Windows 10 console subsystem, ASLR and DEP on."""
    import struct
    text, rdata, data = image_pieces(size)
    secs = [(b".text", text, 0x60000020), (b".rdata", rdata, 0x40000040), (b".data", data, 0xC0000040)]
    secs = [x for x in secs if x[1]]
    hdr = bytearray(PAGE)
    hdr[0:2] = b"MZ"
    struct.pack_into("<I", hdr, 0x3C, 0x40)  # e_lfanew
    struct.pack_into("<4sHHIIIHH", hdr, 0x40, b"PE\0\0", 0x8664, len(secs), 0, 0, 0, 0xF0,
                     0x2022 if dll else 0x22)  # EXECUTABLE_IMAGE|LARGE_ADDRESS_AWARE (|DLL)
    struct.pack_into("<HBBIIIIIQIIHHHHHHIIIIHHQQQQII", hdr, 0x58, 0x20B, 14, 0, text * PAGE, (rdata + data) * PAGE, 0,
                     PAGE, PAGE, image_base, PAGE, PAGE, 10, 0, 0, 0, 10, 0, 0, size, PAGE, 0, 3,
                     0x160 if dll else 0x8160,  # HIGH_ENTROPY_VA|DYNAMIC_BASE|NX_COMPAT (|TERMINAL_SERVER_AWARE)
                     0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
    at, rva = 0x58 + 0xF0, PAGE
    for name, n, ch in secs:
        struct.pack_into("<8sIIIIIIHHI", hdr, at, name, n * PAGE, rva, n * PAGE, rva, 0, 0, 0, 0, ch)
        at, rva = at + 40, rva + n * PAGE
    body = bytearray(size - PAGE)
    body[0] = 0xC3
    return bytes(hdr) + bytes(body)

# (Wine's status, Windows' status) pairs that agree when both fail: Wine's documented deviations.
EQUIV = {
    ("STATUS_NOT_MAPPED_VIEW", "STATUS_CONFLICTING_ADDRESSES"),
    ("STATUS_INVALID_PARAMETER", "STATUS_UNABLE_TO_FREE_VM"),
    ("STATUS_INVALID_PARAMETER", "STATUS_MEMORY_NOT_ALLOCATED"),
    ("STATUS_INVALID_PARAMETER", "STATUS_CONFLICTING_ADDRESSES"),
    ("STATUS_INVALID_PARAMETER", "STATUS_NOT_COMMITTED"),
    ("STATUS_INVALID_PARAMETER", "STATUS_UNABLE_TO_DELETE_SECTION"),
    ("STATUS_MAPPED_ALIGNMENT", "STATUS_INVALID_VIEW_SIZE"),
    ("STATUS_INVALID_PARAMETER", "STATUS_INVALID_VIEW_SIZE"),
    # Wine checks the protection after the range (docs: "Wine's, not in the oracle README's table")
    ("STATUS_NOT_MAPPED_VIEW", "STATUS_INVALID_PAGE_PROTECTION"),
    ("STATUS_INVALID_PARAMETER", "STATUS_INVALID_PAGE_PROTECTION"),
    ("STATUS_NOT_COMMITTED", "STATUS_INVALID_PAGE_PROTECTION"),
    # a view's protection change the section does not allow: Windows checks it first (ReactOS apitest)
    ("STATUS_INVALID_PAGE_PROTECTION", "STATUS_SECTION_PROTECTION"),
    ("STATUS_NOT_COMMITTED", "STATUS_SECTION_PROTECTION"),
}

# NtReadVirtualMemory / NtWriteVirtualMemory (`syscall` lines only): Wine's ntdll checks the caller's
# buffer before the server sees the handle, and the server copies through ptrace, failing the whole
# copy on an unmapped page (docs/memory-manager.md, "The project's own differential").
COPY_EQUIV = {
    ("STATUS_ACCESS_VIOLATION", "STATUS_PARTIAL_COPY"),  # a read: Windows before 1607's answer (Wine's test)
    ("STATUS_ACCESS_DENIED", "STATUS_PARTIAL_COPY"),     # a write to a range with an unmapped page
    ("STATUS_ACCESS_VIOLATION", "STATUS_INVALID_HANDLE"),  # no handle: NT looks at it before copying
    ("STATUS_PARTIAL_COPY", "STATUS_INVALID_HANDLE"),
    ("STATUS_ACCESS_VIOLATION", "STATUS_OBJECT_TYPE_MISMATCH"),
    ("STATUS_PARTIAL_COPY", "STATUS_OBJECT_TYPE_MISMATCH"),
}
# ... and a range reaching past the top of user space, an access violation before anything else in
# NT (WRK NtReadVirtualMemory), which Wine does not check: only for such a line.
PAST_USER_EQUIV = {(w, "STATUS_ACCESS_VIOLATION") for w in ("STATUS_PARTIAL_COPY", "STATUS_ACCESS_DENIED",
                                                            "STATUS_INVALID_PARAMETER", "STATUS_INVALID_HANDLE",
                                                            "STATUS_OBJECT_TYPE_MISMATCH")}
HIGHEST_USER = 0x7FFFFFFEFFFF


def copy_equiv(line):
    """The EQUIV pairs a `syscall` line of a copy service adds."""
    t = line.split()
    if len(t) < 7 or t[0] != "syscall":
        return set()
    base, buf, n = (int(x, 0) for x in t[4:7])
    past = base + n > HIGHEST_USER or buf + n > HIGHEST_USER
    return COPY_EQUIV | (PAST_USER_EQUIV if past else set())


# The flag names ntsim prints, as numbers (winscn.exe prints numbers).
FLAG_VALUES = {
    "MEM_COALESCE_PLACEHOLDERS": 0x1, "MEM_PRESERVE_PLACEHOLDER": 0x2, "MEM_COMMIT": 0x1000,
    "MEM_RESERVE": 0x2000, "MEM_DECOMMIT": 0x4000, "MEM_RELEASE": 0x8000, "MEM_FREE": 0x10000,
    "MEM_PRIVATE": 0x20000, "MEM_MAPPED": 0x40000, "MEM_RESET": 0x80000, "MEM_TOP_DOWN": 0x100000,
    "MEM_WRITE_WATCH": 0x200000, "MEM_PHYSICAL": 0x400000, "MEM_IMAGE": 0x1000000,
    "MEM_RESET_UNDO": 0x1000000, "MEM_LARGE_PAGES": 0x20000000, "SEC_BASED": 0x200000,
    "SEC_NO_CHANGE": 0x400000, "SEC_FILE": 0x800000, "SEC_IMAGE": 0x1000000, "SEC_RESERVE": 0x4000000,
    "SEC_COMMIT": 0x8000000, "SEC_NOCACHE": 0x10000000, "MEM_REPLACE_PLACEHOLDER": 0x4000,
    "MEM_RESERVE_PLACEHOLDER": 0x40000,
    "PAGE_NOACCESS": 0x1, "PAGE_READONLY": 0x2, "PAGE_READWRITE": 0x4, "PAGE_WRITECOPY": 0x8,
    "PAGE_EXECUTE": 0x10, "PAGE_EXECUTE_READ": 0x20, "PAGE_EXECUTE_READWRITE": 0x40,
    "PAGE_EXECUTE_WRITECOPY": 0x80, "PAGE_GUARD": 0x100, "PAGE_NOCACHE": 0x200, "PAGE_WRITECOMBINE": 0x400,
}
FLAG_KEYS = {"old_protect", "alloc_protect", "state", "protect", "type", "attributes"}
HEX_KEYS = {"base", "size", "alloc_base", "address", "value", "offset"}


def addr(rng, gran_bias=0.5):
    kind = rng.random()
    if kind < gran_bias:
        return WINDOW + rng.randrange(0, SPAN, GRAN)
    if kind < 0.95:
        return WINDOW + rng.randrange(0, SPAN, PAGE)
    return WINDOW + rng.randrange(0, SPAN)


def size(rng, zero_ok=True):
    kind = rng.random()
    if kind < 0.05 and zero_ok:
        return 0
    if kind < 0.6:
        return rng.choice([1, 2, 3, 4, 8, 16]) * PAGE
    if kind < 0.9:
        return rng.choice([1, 2, 4]) * GRAN
    return rng.randrange(1, 3 * GRAN)


def prot(rng, good):
    return rng.choice(good) if rng.random() < 0.9 else rng.choice(PROTS)


class Gen:
    """One random scenario; `placeholders` and `extend` say what the Wine build can answer."""

    def __init__(self, rng, placeholders, extend, copies=True, images=None, plain=False):
        self.rng, self.placeholders, self.extend, self.copies = rng, placeholders, extend, copies
        self.plain = plain  # image lines only of what Wine 8 implements (IMAGE_PLAIN)
        self.lines = ["system arch=x64", "process create p image=C:\\Windows\\notepad.exe"]
        self.live = {}  # section names created and not closed: their protection
        self.bases = []  # starts and ends of what alloc and map lines asked for: copies aim at them
        # images: {path: (SizeOfImage, based address)} of the two image files, or None (no image lines)
        self.images, self.ilive = images, {}  # ilive: image section names not closed -> their path
        if images:
            dll = next(p for p in images if p != IMG_EXE)
            self.lines += [f"process create ldr image={IMG_EXE}", f"image load ldr {dll} size={images[dll][0]:#x}"]

    def image_addr(self):
        """An address to look at: in or just past an image's based range (a page, a part's first or
        last page), or in IMG_AREA where views at a given base go."""
        rng = self.rng
        if rng.random() < 0.25:
            return IMG_AREA + rng.randrange(0, IMG_AREA_SPAN // GRAN) % 16 * GRAN + rng.choice([0, PAGE, 2 * PAGE, 0x8000])
        size, based = self.images[rng.choice(sorted(self.images))]
        text, rdata, _ = image_pieces(size)
        edges = [0, PAGE, PAGE + text * PAGE, PAGE + (text + rdata) * PAGE, size - PAGE, size, GRAN, 2 * GRAN]
        off = rng.choice(edges) if rng.random() < 0.6 else rng.randrange(0, size + GRAN, PAGE)
        return based + off + (rng.choice([-PAGE, 0]) if off else 0)

    def image(self):
        rng = self.rng
        names = sorted(self.ilive)
        r = rng.random()
        if r < 0.18 or not names:
            name = next((n for n in IMG_NAMES if n not in self.ilive), rng.choice(IMG_NAMES))
            path = rng.choice(sorted(self.images))
            isize = self.images[path][0]
            opts = ""
            k = rng.random()
            if k < 0.55:
                pass
            elif k < 0.7:
                opts += f" size={isize:#x}"
            else:
                # plain: no section smaller than its image (Wine's views take the whole image whatever
                # the section's size)
                sizes = [isize + 1, isize + PAGE] if self.plain else \
                    [1, PAGE, GRAN, isize - PAGE, isize + 1, isize + PAGE, 2 * isize]
                opts += f" size={rng.choice(sizes):#x}"
            k = rng.random()
            if k < 0.5:
                pass
            elif k < 0.9 or self.plain:
                opts += f" protect={rng.choice(IMG_PROTS)}"
            else:
                opts += f" protect={rng.choice(IMG_BAD_PROTS)}"
            self.ilive.setdefault(name, path)
            return [f"section create {name} p image={path}{opts}"]
        name = rng.choice(names) if rng.random() < 0.95 else rng.choice(IMG_NAMES)
        # the image the name was first created with: a create that failed leaves it (plain mode maps
        # with no size for this reason)
        size, based = self.images[self.ilive.get(name, IMG_EXE)]
        if r < 0.5:
            opts = ""
            k = rng.random()
            if k < 0.55 or self.plain:
                pass  # the system's choice: the based address when free
            elif k < 0.8:
                opts += f" base={IMG_AREA + rng.randrange(0, 16) * GRAN:#x}"  # free, or a view before
            elif k < 0.9:
                opts += f" base={based:#x}"  # taken when a view is at the based address
            else:
                a = addr(rng, 0.8)  # the window: maybe taken
                opts += f" base={a:#x}"
            if rng.random() < 0.25:
                opts += f" size={rng.choice([0] if self.plain else [0, PAGE, GRAN, 2 * GRAN, size - PAGE, size, size + PAGE, 3 * PAGE + 5]):#x}"
            if rng.random() < 0.2 and not self.plain:
                opts += f" offset={rng.choice([GRAN, PAGE, 2 * GRAN, size]):#x}"
            if rng.random() < 0.2:
                prots = ['PAGE_READONLY', 'PAGE_EXECUTE_READ', 'PAGE_READWRITE', 'PAGE_NOACCESS', 'PAGE_EXECUTE_WRITECOPY']
                if not self.plain and rng.random() < 0.3:  # modifiers: Wine refuses them all
                    prots = ['PAGE_READWRITE|PAGE_GUARD', 'PAGE_READONLY|PAGE_NOCACHE', 'PAGE_READWRITE|PAGE_WRITECOMBINE']
                opts += f" protect={rng.choice(prots)}"
            verb = "map"
            k = rng.random()
            if k < 0.1 and not self.plain:
                verb, opts = "mapex", opts + " type=MEM_RESERVE"
            elif k < 0.2:
                verb = "mapex"
            elif k < 0.35:
                opts += f" commit={rng.choice([PAGE] if self.plain else [PAGE, GRAN, size, size + GRAN]):#x}"
            if verb == "map" and rng.random() < 0.1:
                opts += " top_down=on"  # plays no part for an image (only the process's VmTopDown)
            return [f"section {verb} p {name}{opts}"]
        if r < 0.62:
            a = self.image_addr()
            return [f"section unmap p {a - a % PAGE if rng.random() < 0.5 else a - a % GRAN:#x}"]
        if r < 0.7:
            return [f"section query {name}"]
        if r < 0.76:
            self.ilive.pop(name, None)
            return [f"section close {name}"]
        a = self.image_addr()
        k = rng.random()
        if k < 0.6:
            return [f"vm query p {a:#x}"]
        if k < 0.7:
            return [f"vm protect p {a:#x} {rng.choice([PAGE, 2 * PAGE]):#x} {rng.choice(['PAGE_READWRITE', 'PAGE_READONLY', 'PAGE_EXECUTE_READ', 'PAGE_WRITECOPY', 'PAGE_NOACCESS', 'PAGE_EXECUTE_WRITECOPY'])}",
                    f"vm query p {a:#x}"]
        if k < 0.8:  # a store, then the byte and the page (copy-on-write)
            return [f"vm write p {a + 8:#x} {rng.randrange(1, 256):#x} size=1", f"vm read p {a + 8:#x} size=1",
                    f"vm query p {a:#x}"]
        if k < 0.85:  # a load (the bytes read are 0 in both: the file's are, off the headers' first bytes)
            return [f"vm read p {a + 8:#x} size=1"]
        if k < 0.9:
            return [f"vm free p {a:#x} {rng.choice([0, PAGE]):#x} {rng.choice(['MEM_DECOMMIT', 'MEM_RELEASE'])}"]
        t = rng.choice(["MEM_COMMIT", "MEM_COMMIT", "MEM_RESERVE"])
        return [f"vm alloc p {a:#x} {rng.choice([PAGE, 2 * PAGE]):#x} {t} {rng.choice(['PAGE_READWRITE', 'PAGE_READONLY', 'PAGE_EXECUTE_READ', 'PAGE_WRITECOPY'])}",
                f"vm query p {a:#x}"]

    def vm(self):
        rng, a = self.rng, addr(self.rng)
        r = rng.random()
        if r < 0.35:
            t = rng.choice(["MEM_RESERVE", "MEM_COMMIT", "MEM_RESERVE|MEM_COMMIT", "MEM_COMMIT",
                            "MEM_RESERVE|MEM_COMMIT", "MEM_RESERVE|MEM_COMMIT|MEM_WRITE_WATCH",
                            "MEM_RESERVE|MEM_WRITE_WATCH"])
            n = size(rng)
            self.bases += [a, a + n]  # its start and its end: copies aim across both
            return f"vm alloc p {a:#x} {n:#x} {t} {prot(rng, GOOD_PROTS)}"
        if r < 0.5:
            t = rng.choice(["MEM_RELEASE", "MEM_DECOMMIT"])
            s = 0 if t == "MEM_RELEASE" or rng.random() < 0.3 else size(rng)
            return f"vm free p {a:#x} {s:#x} {t}"
        if r < 0.62:
            return f"vm protect p {a:#x} {size(rng, zero_ok=False):#x} {prot(rng, GOOD_PROTS)}"
        if r < 0.72:
            width = rng.choice([1, 2, 4, 8])
            at = a - a % PAGE + rng.randrange(0, PAGE - 8, 8)  # one page: no access straddles two
            if rng.random() < 0.5:
                return f"vm write p {at:#x} {rng.randrange(1 << (8 * width)):#x} size={width}"
            return f"vm read p {at:#x} size={width}"
        if r < 0.8:
            return f"vm watch p {a - a % GRAN:#x} {rng.choice([1, 2, 4]) * GRAN:#x}"
        return f"vm query p {a:#x}"

    def section(self):
        rng = self.rng
        name = rng.choice(sorted(self.live)) if self.live and rng.random() < 0.9 else rng.choice(NAMES)
        r = rng.random()
        if r < 0.2 or not self.live:
            if name in self.live:
                name = next((n for n in NAMES if n not in self.live), name)
            sz = rng.choice([1, 2, 4]) * GRAN if rng.random() < 0.7 else rng.randrange(1, 3 * GRAN)
            extra = " reserve=on" if rng.random() < 0.3 else ""
            sp = rng.choice(SECTION_PROTS) if rng.random() < 0.3 else "PAGE_READWRITE"
            if sp != "PAGE_READWRITE" or rng.random() < 0.2:
                extra += f" protect={sp}"
            self.live.setdefault(name, sp)  # a name taken stays the section it was (the create fails)
            return f"section create {name} p size={sz:#x}{extra}"
        if r < 0.55:
            a = addr(rng, 0.85)
            self.bases.append(a)
            opts = f" base={a:#x}"
            if rng.random() < 0.5:
                opts += f" size={rng.choice([0, PAGE, 2 * PAGE, GRAN, 2 * GRAN, 3 * PAGE + 5]):#x}"
            if rng.random() < 0.2:
                opts += f" offset={rng.choice([GRAN, PAGE, 2 * GRAN]):#x}"
            allowed = VIEW_PROTS[self.live.get(name, "PAGE_EXECUTE_READWRITE")]
            if rng.random() < 0.5 or "PAGE_READWRITE" not in allowed:
                opts += f" protect={rng.choice(allowed)}"
            verb = "map"
            if rng.random() < 0.3:  # NtMapViewOfSectionEx: no CommitSize
                verb = "mapex"
                if self.placeholders and rng.random() < 0.7:
                    opts += " type=MEM_REPLACE_PLACEHOLDER"
            elif rng.random() < 0.2:
                opts += f" commit={rng.choice([PAGE, 2 * PAGE, GRAN]):#x}"
            return f"section {verb} p {name}{opts}"
        if r < 0.75:
            opt = ""
            if rng.random() < 0.3:  # NtUnmapViewOfSectionEx
                opt = " preserve=on" if self.placeholders and rng.random() < 0.7 else " preserve=off"
            return f"section unmap p {addr(rng, 0.7):#x}{opt}"
        if r < 0.85:
            return f"section query {name}"
        if r < 0.9 and self.extend:
            return f"section extend {name} size={rng.choice([GRAN, 2 * GRAN, 8 * GRAN]):#x}"
        self.live.pop(name, None)
        return f"section close {name}"

    def placeholder(self):
        rng, a = self.rng, addr(self.rng, 0.9)
        r = rng.random()
        if r < 0.45:
            return f"vm allocex p {a:#x} {rng.choice([1, 2, 3, 4, 8]) * GRAN:#x} MEM_RESERVE|MEM_RESERVE_PLACEHOLDER PAGE_NOACCESS"
        if r < 0.65:
            t = rng.choice(["MEM_RESERVE|MEM_REPLACE_PLACEHOLDER", "MEM_RESERVE|MEM_COMMIT|MEM_REPLACE_PLACEHOLDER"])
            return f"vm allocex p {a:#x} {rng.choice([1, 2, 4]) * GRAN:#x} {t} {rng.choice(GOOD_PROTS[:6])}"
        t = rng.choice(["MEM_RELEASE|MEM_PRESERVE_PLACEHOLDER", "MEM_RELEASE|MEM_COALESCE_PLACEHOLDERS"])
        return f"vm free p {a:#x} {rng.choice([1, 2, 3, 4]) * GRAN:#x} {t}"

    def copy(self):
        """One NtReadVirtualMemory or NtWriteVirtualMemory, with the lines that check what it did."""
        rng = self.rng
        # mostly inside or at the edge of something allocated or mapped before, else anywhere
        a = rng.choice(self.bases) if self.bases and rng.random() < 0.8 else addr(rng, 0.5)
        a += rng.choice([0, 0x1000, 0x2000, 0x3000, 0x10000]) if rng.random() < 0.4 else 0
        a += rng.choice([0, 0, -8, -0x10, -0x100, -0x800, 8, 0x800, -0x1000])  # across a boundary
        a = min(max(a, WINDOW), WINDOW + SPAN - 8)
        n = rng.choice(COPY_SIZES)
        s = SCRATCH + rng.choice([0, 0x8, 0x800, 0x1000])
        service = rng.choice(["NtReadVirtualMemory", "NtWriteVirtualMemory"])
        into_window = rng.random() < 0.5  # the window is the destination, the scratch the source
        src, dst = (s, a) if into_window else (a, s)
        if service == "NtReadVirtualMemory":  # NtReadVirtualMemory(process, base=source, buffer=destination)
            args = (src, dst)
        else:  # NtWriteVirtualMemory(process, base=destination, buffer=source)
            args = (dst, src)
        checks = sorted({dst, dst + n - 1, dst + (n // 2), dst + (n - n % PAGE if n > PAGE else 0)})
        checks = [c for c in checks if dst <= c < dst + n]
        out = []
        if into_window:  # the source (scratch) holds known values at the checked offsets
            for c in checks:
                out.append(f"vm write p {s + (c - dst):#x} {rng.randrange(1, 256):#x} size=1")
        else:
            for c in checks:
                out.append(f"vm write p {c:#x} {MARK & 0xFF:#x} size=1")
        count = COUNT if rng.random() < 0.9 else 0
        # now and then: no process handle (0, the thread pseudo-handle -2, a value not in the table),
        # a length of 0, or one side at the top of user space or in system space
        handle = rng.choice(["0", "-2", "0x9998"]) if rng.random() < 0.04 else "-1"
        if rng.random() < 0.03:
            n = 0
        args = list(args)
        if rng.random() < 0.04:
            args[rng.randrange(2)] = rng.choice([0x7FFFFFFEF000, 0x7FFFFFFFFFF8, 0xFFFF800000000000, 0])
            checks = []  # the destination may be elsewhere now: only the count tells
        out.append(f"vm write p {COUNT:#x} {MARK:#x}")
        out.append(f"syscall p.main {service} {handle} {args[0]:#x} {args[1]:#x} {n:#x} {count:#x}")
        out.append(f"vm read p {COUNT:#x}")
        for c in checks:
            out.append(f"vm read p {c:#x} size=1")
        return out

    def build(self, ops):
        if self.copies:
            self.lines.append(f"vm alloc p {SCRATCH:#x} {SCRATCH_SIZE:#x} MEM_RESERVE|MEM_COMMIT PAGE_READWRITE")
        for _ in range(ops):
            r = self.rng.random()
            if self.images and self.rng.random() < 0.35:
                self.lines.extend(self.image())
            elif self.copies and r < 0.2:
                self.lines.extend(self.copy())
            elif r < 0.55:
                self.lines.append(self.vm())
            elif r < 0.85 or not self.placeholders:
                self.lines.append(self.section())
            else:
                self.lines.append(self.placeholder())
        for off in range(0, SPAN, GRAN // 2):
            self.lines.append(f"vm query p {WINDOW + off:#x}")
        if self.images:  # every page of the based ranges, IMG_AREA every 32 KiB
            for size, based in sorted(self.images.values()):
                for off in range(0, size + PAGE, PAGE):
                    self.lines.append(f"vm query p {based + off:#x}")
            for off in range(0, IMG_AREA_SPAN // 4, GRAN // 2):
                self.lines.append(f"vm query p {IMG_AREA + off:#x}")
        return "\n".join(self.lines) + "\n"


def records(text):
    out = {}
    for raw in text.splitlines():
        if not raw.startswith("{"):
            continue
        try:
            r = json.loads(raw)
        except ValueError:
            continue
        if r.get("kind") == "result" and str(r.get("cmd", "")).split(" ")[0] in ("vm", "section", "syscall"):
            out[int(r["line"])] = r
    return out


def flag_value(v):
    if v is None or v == "0":
        return 0
    total = 0
    for part in str(v).split("|"):
        total |= int(part, 16) if part.startswith("0x") else FLAG_VALUES[part]
    return total


# Successes that are not STATUS_SUCCESS: an image view placed elsewhere than its based address.
SUCCESSES = {"STATUS_SUCCESS", "STATUS_IMAGE_NOT_AT_BASE", "STATUS_IMAGE_MACHINE_TYPE_MISMATCH"}
ZONES = [(WINDOW, WINDOW + SPAN)]  # where a free region's size is compared up to; --images adds theirs


def norm(r, line=""):
    st = r.get("status")
    if str(st).startswith("STATUS_INVALID_PARAMETER_"):
        st = "STATUS_INVALID_PARAMETER"  # Wine never numbers the parameter (docs: "Argument checks")
    if st not in SUCCESSES:
        return {"status": st}
    d = {"status": st}
    for k, v in r.items():
        if k in FLAG_KEYS:
            d[k] = flag_value(v)
        elif k in HEX_KEYS:
            d[k] = int(str(v), 16)
        elif k == "pages":
            d[k] = [int(p["address"], 16) for p in v]
        elif k == "count":
            d[k] = v
    if d.get("state") == 0x10000:  # free: up to the next allocation, or the end of the zone looked at
        zone = next((z for z in ZONES if z[0] <= d["base"] < z[1]), None)
        if zone:
            d["size"] = min(d["base"] + d["size"], zone[1]) - d["base"]
        else:
            d.pop("size", None)
        d.pop("alloc_base", None)
    t = line.split()
    if st == "STATUS_IMAGE_NOT_AT_BASE" and t[:2] in (["section", "map"], ["section", "mapex"]) and \
            not any(x.startswith("base=") for x in t):
        d.pop("base", None)  # the system's choice of another place: Wine's and ntsim's differ
    return d


def image_class(line, wine, sim):
    """The kind of an image line's disagreement: Wine 8's deviations from Windows (docs/memory-manager.md,
    "The project's own differential", image sections), or None (not an image line, or another kind)."""
    t = line.split()
    opt = {x.split("=", 1)[0]: x.split("=", 1)[1] for x in t if "=" in x}
    w, n = norm(wine, line), (norm(sim, line) if sim else {})
    if t[:2] == ["vm", "query"] and w.get("type") == n.get("type") == 0x1000000 and \
            (w.get("protect"), n.get("protect")) in ((0x8, 0x4), (0x80, 0x40)):
        return "query: a written copy-on-write page still WRITECOPY"
    if t[:2] == ["vm", "query"] and w.get("type") == n.get("type") == 0x1000000 and \
            {k for k in set(w) | set(n) if w.get(k) != n.get(k)} == {"size"}:
        return "query: an image region's size (follows one of these)"  # a written page cuts Windows' region
    ws, ns = w.get("status"), n.get("status")
    if t[:2] == ["section", "create"] and "image" in opt:
        p = opt.get("protect", "")
        if ns == "STATUS_INVALID_PAGE_PROTECTION" and ws in ("STATUS_SUCCESS", "STATUS_SECTION_TOO_BIG"):
            return "create: an invalid protection taken"
        if ns == "STATUS_ACCESS_DENIED" and "READWRITE" in p and ws in ("STATUS_SUCCESS", "STATUS_SECTION_TOO_BIG"):
            return "create: write access to the file not asked"
        return None  # otherwise a name one side holds and the other not, after one of these
    if t[:2] not in (["section", "map"], ["section", "mapex"]) or not t[3].startswith("i"):
        return None
    if ws == "STATUS_INVALID_PAGE_PROTECTION" and any(m in opt.get("protect", "") for m in ("GUARD", "NOCACHE", "WRITECOMBINE")):
        return "map: a view protection with a modifier refused"
    if ws not in SUCCESSES:
        return None
    if opt.get("type") == "MEM_RESERVE":
        return "map: MEM_RESERVE taken"
    if "base" in opt and w.get("base") != int(opt["base"], 0):
        return "map: the base given ignored"
    if int(opt.get("offset", "0"), 0) or int(opt.get("size", "0"), 0) or \
            (ns in SUCCESSES and w.get("size") != n.get("size")):  # or the section's size (made smaller)
        return "map: the view's size and offset ignored"
    if "commit" in opt and ns == "STATUS_INVALID_PARAMETER":
        return "map: a CommitSize above the view taken"
    return None


def is_image_line(line):
    """A line of the image mix: an image section's create, map, query, close, or a look at IMG_AREA or
    at an image's based range (where nothing but images is)."""
    t = line.split()
    if t[:2] == ["section", "create"]:
        return "image=" in line
    if t[0] == "section" and t[1] in ("map", "mapex"):
        return t[3][0] == "i"
    if t[0] == "section" and t[1] in ("query", "close"):
        return t[2][0] == "i"
    addr = t[3] if len(t) > 3 and (t[0] == "vm" or t[:2] == ["section", "unmap"]) else "0"
    return int(addr, 0) >= IMG_AREA


def agree(wine, sim, line=""):
    if sim is None:
        return False
    a, b = norm(wine, line), norm(sim, line)
    if a == b:
        return True
    return len(a) == 1 and len(b) == 1 and (a["status"], b["status"]) in EQUIV | copy_equiv(line)


def run_wine(exe, path, env):
    # Output to a file, not a pipe: Wine's service processes inherit the pipe and would hold it open.
    # Now and then a run prints nothing (wine failing to start, seen once in 1 200 runs): tried again.
    for _ in range(3):
        with open(path + ".wine.jsonl", "w+") as out:
            subprocess.run(["wine", exe, path], stdout=out, stderr=subprocess.DEVNULL, env=env)
            out.seek(0)
            r = records(out.read())
        if r:
            return r
    return r


def probe(exe, env, tmp):
    """What this Wine build implements: placeholders (Wine 9 and later), NtExtendSection."""
    path = os.path.join(tmp, "probe.scn")
    with open(path, "w") as f:
        f.write("vm allocex p 0x200000000 0x10000 MEM_RESERVE|MEM_RESERVE_PLACEHOLDER PAGE_NOACCESS\n"
                "vm free p 0x200000000 0 MEM_RELEASE\n"
                "section create s p size=0x10000\nsection extend s size=0x10000\nsection close s\n")
    r = run_wine(exe, path, env)
    placeholders = r.get(1, {}).get("status") == "STATUS_SUCCESS"
    extend = r.get(4, {}).get("status") != "STATUS_NOT_IMPLEMENTED"
    return placeholders, extend


def image_files(ntsim, tmp, dll_size, env):
    """{path: (SizeOfImage, based address)} of the EXE and of the DLL of that size: where ntsim's ASLR
    puts them after the scenarios' first lines (deterministic: the same lines, the same bases)."""
    global ZONES
    dll = img_dll(dll_size)
    path = os.path.join(tmp, f"based-{dll_size:x}.scn")
    with open(path, "w") as f:
        f.write(f"system arch=x64\nprocess create p image=C:\\Windows\\notepad.exe\n"
                f"process create ldr image={IMG_EXE}\nimage load ldr {dll} size={dll_size:#x}\nprocess query ldr\n")
    r = records_any(subprocess.run([ntsim, "run", "--format", "jsonl", path], capture_output=True, text=True).stdout)
    out = {IMG_EXE: (IMG_EXE_SIZE, int(r[5]["image_base"], 16)), dll: (dll_size, int(r[4]["base"], 16))}
    for size, b in out.values():
        ZONES = sorted(set(ZONES) | {(b, b + size + GRAN), (IMG_AREA, IMG_AREA + IMG_AREA_SPAN)})
    return out


def records_any(text):
    out = {}
    for raw in text.splitlines():
        if raw.startswith("{"):
            r = json.loads(raw)
            if r.get("kind") == "result":
                out[int(r["line"])] = r
    return out


def write_images(images, env):
    """The image files in Wine's C: drive (rewritten only when they change)."""
    prefix = env.get("WINEPREFIX") or os.path.join(os.path.expanduser("~"), ".wine")
    for path, (size, b) in images.items():
        host = os.path.join(prefix, "drive_c", *path[3:].split("\\"))
        data = pe_image(size, path != IMG_EXE, b)
        if os.path.exists(host) and open(host, "rb").read() == data:
            continue
        os.makedirs(os.path.dirname(host), exist_ok=True)
        with open(host, "wb") as f:
            f.write(data)


def relocated_views(recs, text):
    """{line: (base, size)} of the image views that a map line without base= put elsewhere than the
    image's based address (STATUS_IMAGE_NOT_AT_BASE): where, each side chose its own way."""
    out = {}
    for ln, r in recs.items():
        t = text[ln - 1].split()
        if r.get("status") == "STATUS_IMAGE_NOT_AT_BASE" and t[:2] in (["section", "map"], ["section", "mapex"]) \
                and not any(x.startswith("base=") for x in t):
            out[ln] = (int(r["base"], 16), int(r["size"], 16))
    return out


def rebase(r, b):
    """A query's addresses made relative to the view's base b."""
    for k in ("base", "alloc_base"):
        if r and k in r and int(r[k], 16) >= b:
            r[k] = f"{int(r[k], 16) - b:#x}"


def look_at_relocated(exe, env, ntsim, path, ref, got, text):
    """Runs the case again on both sides, each with `vm query` lines appended at every page of its own
    relocated views (they stay mapped: nothing unmaps there), the answers made relative to the view's
    base: the layouts compare though the bases differ. Returns the new records, the lines (the appended
    ones as offsets) and the appended lines' numbers."""
    rw, rn = relocated_views(ref, text), relocated_views(got, text)
    pairs = [ln for ln in sorted(rw) if ln in rn and rw[ln][1] == rn[ln][1]]
    if not pairs:
        return ref, got, text, set()
    wl, nl, shown, marks = list(text), list(text), list(text), {}
    for ln in pairs:
        (bw, size), (bn, _) = rw[ln], rn[ln]
        for off in range(0, size, PAGE):
            wl.append(f"vm query p {bw + off:#x}")
            nl.append(f"vm query p {bn + off:#x}")
            shown.append(f"vm query p VIEW+{off:#x}  # the view line {ln} mapped elsewhere")
            marks[len(wl)] = (bw, bn)
    wpath, npath = path[:-4] + ".wine2.scn", path[:-4] + ".ntsim2.scn"
    for p, lines in ((wpath, wl), (npath, nl)):
        with open(p, "w") as f:
            f.write("\n".join(lines) + "\n")
    ref2 = run_wine(exe, wpath, env)
    got2 = records(subprocess.run([ntsim, "run", "--format", "jsonl", npath], capture_output=True, text=True).stdout)
    for ln, (bw, bn) in marks.items():
        rebase(ref2.get(ln), bw)
        rebase(got2.get(ln), bn)
    return ref2, got2, shown, set(marks)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ntsim")
    ap.add_argument("--cases", type=int, default=20)
    ap.add_argument("--ops", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep")
    ap.add_argument("--show", type=int, default=10, help="disagreements to print")
    ap.add_argument("--no-copies", action="store_true", help="leave out NtReadVirtualMemory/NtWriteVirtualMemory")
    ap.add_argument("--all", action="store_true", help="print disagreeing queries too (they mostly follow another)")
    ap.add_argument("--images", choices=["all", "plain"],
                    help="add image sections (SEC_IMAGE) to the mix; plain: only what Wine 8 implements")
    a = ap.parse_args()
    tmp = a.keep or tempfile.mkdtemp()
    os.makedirs(tmp, exist_ok=True)
    exe = os.path.join(tmp, "winscn.exe")
    if not os.path.exists(exe):
        subprocess.run(["x86_64-w64-mingw32-gcc", "-O2", "-Wall", "-o", exe, os.path.join(HERE, "winscn.c")], check=True)
    env = dict(os.environ, WINEDEBUG="-all")
    subprocess.run(["wineserver", "-p"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # a persistent server: each run takes milliseconds
    placeholders, extend = probe(exe, env, tmp)
    print(f"wine implements placeholders: {placeholders}, NtExtendSection: {extend}")
    based = {}  # the image files' based addresses, by DLL size: ntsim's, written into Wine's files
    agreed = total = shown = 0
    by_cmd, firsts = {}, {}  # per command; the first disagreement of each case (later ones often follow from it)
    kinds = {}  # image lines' disagreements by kind
    images_agreed = images_total = relocated_agreed = relocated_total = 0
    for c in range(a.cases):
        rng = random.Random(a.seed * 1000 + c)
        path = os.path.join(tmp, f"case{c}.scn")
        images = None
        if a.images:
            dll_size = rng.choice(IMG_DLL_SIZES)
            if dll_size not in based:
                based[dll_size] = image_files(a.ntsim, tmp, dll_size, env)
            images = based[dll_size]
        with open(path, "w") as f:
            f.write(Gen(rng, placeholders, extend, not a.no_copies, images, a.images == "plain").build(a.ops))
        if images:
            write_images(images, env)
        ref = run_wine(exe, path, env)
        got = records(subprocess.run([a.ntsim, "run", "--format", "jsonl", path], capture_output=True, text=True).stdout)
        text = open(path).read().splitlines()
        appended = set()
        if images:
            ref, got, text, appended = look_at_relocated(exe, env, a.ntsim, path, ref, got, text)
        first = None
        for ln, r in sorted(ref.items()):
            total += 1
            cmd = r["cmd"]
            ok = agree(r, got.get(ln), text[ln - 1])
            agreed += ok
            if a.images and (ln in appended or is_image_line(text[ln - 1])):
                images_agreed += ok
                images_total += 1
            if ln in appended:
                relocated_agreed += ok
                relocated_total += 1
            n = by_cmd.setdefault(cmd, [0, 0])
            n[0] += ok
            n[1] += 1
            kind = None if ok else image_class(text[ln - 1], r, got.get(ln))
            if kind:
                kinds[kind] = kinds.get(kind, 0) + 1
            if not ok and first is None:
                g = got.get(ln)
                first = (cmd, norm(r, text[ln - 1])["status"], norm(g, text[ln - 1])["status"] if g else None)
                if kind:
                    first = (cmd, kind, "")
                firsts[first] = firsts.get(first, 0) + 1
            if not ok and shown < a.show and (a.all or cmd != "vm query"):
                shown += 1
                g = got.get(ln)
                print(f"case{c} line {ln}: {text[ln - 1]}\n  wine : {json.dumps(norm(r, text[ln - 1]))}\n"
                      f"  ntsim: {json.dumps(norm(g, text[ln - 1])) if g else None}")
    for cmd, (ok, n) in sorted(by_cmd.items()):
        print(f"  {cmd:16} {ok}/{n}")
    if a.images:
        print(f"image lines agree on {images_agreed}/{images_total} results, of which the pages of views "
              f"mapped elsewhere {relocated_agreed}/{relocated_total}")
    if kinds:
        print("image lines' disagreements, Wine's deviations:")
        for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
            print(f"  {n:5}  {k}")
    print(f"cases with a disagreement: {sum(firsts.values())}; their first one (command, Wine, ntsim):")
    for (cmd, w, g), n in sorted(firsts.items(), key=lambda kv: -kv[1]):
        print(f"  {n:4}  {cmd:16} {w} / {g}")
    print(f"memory semantics agree with Wine on {agreed}/{total} results ({a.cases} cases)")
    sys.exit(0 if total and agreed == total else 1)


if __name__ == "__main__":
    main()
