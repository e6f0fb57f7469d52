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

Usage: vmdiff.py NTSIM_BIN [--cases N] [--ops N] [--seed S] [--keep DIR] [--show N] [--no-copies]
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

    def __init__(self, rng, placeholders, extend, copies=True):
        self.rng, self.placeholders, self.extend, self.copies = rng, placeholders, extend, copies
        self.lines = ["system arch=x64", "process create p image=C:\\Windows\\notepad.exe"]
        self.live = {}  # section names created and not closed: their protection
        self.bases = []  # starts and ends of what alloc and map lines asked for: copies aim at them

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
            if self.copies and r < 0.2:
                self.lines.extend(self.copy())
            elif r < 0.55:
                self.lines.append(self.vm())
            elif r < 0.85 or not self.placeholders:
                self.lines.append(self.section())
            else:
                self.lines.append(self.placeholder())
        for off in range(0, SPAN, GRAN // 2):
            self.lines.append(f"vm query p {WINDOW + off:#x}")
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


def norm(r):
    st = r.get("status")
    if str(st).startswith("STATUS_INVALID_PARAMETER_"):
        st = "STATUS_INVALID_PARAMETER"  # Wine never numbers the parameter (docs: "Argument checks")
    if st != "STATUS_SUCCESS":
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
    if d.get("state") == 0x10000:  # free: up to the next allocation, or the window's end
        d["size"] = min(d["base"] + d["size"], WINDOW + SPAN) - d["base"]
        d.pop("alloc_base", None)
    return d


def agree(wine, sim, line=""):
    if sim is None:
        return False
    a, b = norm(wine), norm(sim)
    if a == b:
        return True
    return len(a) == 1 and len(b) == 1 and (a["status"], b["status"]) in EQUIV | copy_equiv(line)


def run_wine(exe, path, env):
    # Output to a file, not a pipe: Wine's service processes inherit the pipe and would hold it open.
    with open(path + ".wine.jsonl", "w+") as out:
        subprocess.run(["wine", exe, path], stdout=out, stderr=subprocess.DEVNULL, env=env)
        out.seek(0)
        return records(out.read())


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
    agreed = total = shown = 0
    by_cmd, firsts = {}, {}  # per command; the first disagreement of each case (later ones often follow from it)
    for c in range(a.cases):
        rng = random.Random(a.seed * 1000 + c)
        path = os.path.join(tmp, f"case{c}.scn")
        with open(path, "w") as f:
            f.write(Gen(rng, placeholders, extend, not a.no_copies).build(a.ops))
        ref = run_wine(exe, path, env)
        got = records(subprocess.run([a.ntsim, "run", "--format", "jsonl", path], capture_output=True, text=True).stdout)
        text = open(path).read().splitlines()
        first = None
        for ln, r in sorted(ref.items()):
            total += 1
            cmd = r["cmd"]
            ok = agree(r, got.get(ln), text[ln - 1])
            agreed += ok
            n = by_cmd.setdefault(cmd, [0, 0])
            n[0] += ok
            n[1] += 1
            if not ok and first is None:
                g = got.get(ln)
                first = (cmd, norm(r)["status"], norm(g)["status"] if g else None)
                firsts[first] = firsts.get(first, 0) + 1
            if not ok and shown < a.show and (a.all or cmd != "vm query"):
                shown += 1
                g = got.get(ln)
                print(f"case{c} line {ln}: {text[ln - 1]}\n  wine : {json.dumps(norm(r))}\n"
                      f"  ntsim: {json.dumps(norm(g)) if g else None}")
    for cmd, (ok, n) in sorted(by_cmd.items()):
        print(f"  {cmd:16} {ok}/{n}")
    print(f"cases with a disagreement: {sum(firsts.values())}; their first one (command, Wine, ntsim):")
    for (cmd, w, g), n in sorted(firsts.items(), key=lambda kv: -kv[1]):
        print(f"  {n:4}  {cmd:16} {w} / {g}")
    print(f"memory semantics agree with Wine on {agreed}/{total} results ({a.cases} cases)")
    sys.exit(0 if total and agreed == total else 1)


if __name__ == "__main__":
    main()
