#!/usr/bin/env python3
"""Random differential of ntsim's memory manager against a real one: Wine's native API, driven by
winscn.exe (winscn.c beside this file). Generates seeded random scenarios mixing the virtual-memory
calls (alloc, free, protect, query), the process's own loads and stores (`vm read`/`vm write`),
write watches (`vm watch`), sections and views (`section create|map|mapex|unmap|query|extend|close`)
and, where the Wine build has them, placeholders (`vm allocex`, MEM_PRESERVE_PLACEHOLDER and
MEM_COALESCE_PLACEHOLDERS frees, views replacing placeholders); runs each scenario through both and
compares every result record. Everything happens in the window [0x200000000, 0x200400000), free in
both processes; the system's own choices of address (base 0) are not generated.

Where Wine is known to answer differently from Windows, the pairs in EQUIV count as agreeing when
both sides fail (docs/memory-manager.md, "The random differential", lists them and the sources).

Usage: vmdiff.py NTSIM_BIN [--cases N] [--ops N] [--seed S] [--keep DIR] [--show N]
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

    def __init__(self, rng, placeholders, extend):
        self.rng, self.placeholders, self.extend = rng, placeholders, extend
        self.lines = ["system arch=x64", "process create p image=C:\\Windows\\notepad.exe"]
        self.live = {}  # section names created and not closed: their protection

    def vm(self):
        rng, a = self.rng, addr(self.rng)
        r = rng.random()
        if r < 0.35:
            t = rng.choice(["MEM_RESERVE", "MEM_COMMIT", "MEM_RESERVE|MEM_COMMIT", "MEM_COMMIT",
                            "MEM_RESERVE|MEM_COMMIT", "MEM_RESERVE|MEM_COMMIT|MEM_WRITE_WATCH",
                            "MEM_RESERVE|MEM_WRITE_WATCH"])
            return f"vm alloc p {a:#x} {size(rng):#x} {t} {prot(rng, GOOD_PROTS)}"
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

    def build(self, ops):
        for _ in range(ops):
            r = self.rng.random()
            if r < 0.55:
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
        if r.get("kind") == "result" and str(r.get("cmd", "")).split(" ")[0] in ("vm", "section"):
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


def agree(wine, sim):
    if sim is None:
        return False
    a, b = norm(wine), norm(sim)
    if a == b:
        return True
    return len(a) == 1 and len(b) == 1 and (a["status"], b["status"]) in EQUIV


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
            f.write(Gen(rng, placeholders, extend).build(a.ops))
        ref = run_wine(exe, path, env)
        got = records(subprocess.run([a.ntsim, "run", "--format", "jsonl", path], capture_output=True, text=True).stdout)
        text = open(path).read().splitlines()
        first = None
        for ln, r in sorted(ref.items()):
            total += 1
            cmd = r["cmd"]
            ok = agree(r, got.get(ln))
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
