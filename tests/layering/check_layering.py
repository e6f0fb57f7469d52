#!/usr/bin/env python3
"""The one direction of use between ntsim's components (docs/architecture.md).

    rtl <- ob <- mm <- ke <- ex <- ps <- io <- system <- ntdll <- win32   (src/)
    include/ntsim/ (the public API) below them all; sim/ above them all.

Two readings, each a check:
  includes  - a file of src/X may #include "Y/..." only for Y == X or Y below X;
              public headers include only public headers.
  symbols   - (given the library's object files) an object file of component X may
              take an undefined symbol only from X's own objects or those of a
              component below it: no call runs back up.
Usage: check_layering.py SOURCE_DIR [OBJECT_FILE...]  (a ;-list, as CMake gives it, is fine)
"""
import os
import re
import subprocess
import sys

ORDER = ["rtl", "ob", "mm", "ke", "ex", "se", "ps", "io", "system", "ntdll", "win32"]
RANK = {c: i for i, c in enumerate(ORDER)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)


def check_includes(root):
    errors = []
    src = os.path.join(root, "src")
    for comp in sorted(os.listdir(src)):
        folder = os.path.join(src, comp)
        if not os.path.isdir(folder):
            continue
        if comp not in RANK:
            errors.append(f"src/{comp}/: a folder that is no component of {ORDER}")
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".c", ".h")):
                continue
            text = open(os.path.join(folder, name), encoding="utf-8").read()
            for m in INCLUDE.finditer(text):
                target = m.group(1)
                line = text.count("\n", 0, m.start()) + 1
                if target == "ntsim":
                    continue
                if target not in RANK:
                    errors.append(f"src/{comp}/{name}:{line}: includes {m.group(0).strip()} (no component)")
                elif RANK[target] > RANK[comp]:
                    errors.append(f"src/{comp}/{name}:{line}: {comp} includes {target}/, a component above it")
    public = os.path.join(root, "include")
    for dirpath, _, names in sorted(os.walk(public)):
        for name in sorted(n for n in names if n.endswith(".h")):
            path = os.path.join(dirpath, name)
            text = open(path, encoding="utf-8").read()
            for m in INCLUDE.finditer(text):
                if m.group(1) == "ntsim":
                    continue
                line = text.count("\n", 0, m.start()) + 1
                errors.append(f"{os.path.relpath(path, root)}:{line}: a public header includes {m.group(0).strip()}")
    return errors


def nm(paths, *flags):
    """`nm -A` over every file at once: lines "path: [value] kind symbol"."""
    out = subprocess.run(["nm", "-A", *flags, *paths], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        m = re.match(r"^(.*\.c\.o):\s*(?:[0-9a-fA-F]+\s+)?[A-Za-z]\s+(\S+)$", line)
        if m:
            yield m.group(1), m.group(2)


def check_symbol_direction(objects):
    """objects: the library's object files, each named .../src/<comp>/<file>.c.o as CMake names them."""
    comp = {}
    for path in objects:
        m = re.search(r"(?:^|/)src/([a-z]+)/[^/]+\.c\.o$", path)
        if m and m.group(1) in RANK:
            comp[path] = m.group(1)
    if not comp:
        return ["no object files of src/ given"]
    paths = sorted(comp)
    defined = {symbol: path for path, symbol in nm(paths, "--defined-only", "-g")}
    uses = [(comp[path], path, symbol) for path, symbol in nm(paths, "-u")]
    errors = []
    for c, path, symbol in uses:
        owner = defined.get(symbol)
        if owner and RANK[comp[owner]] > RANK[c]:
            errors.append(f"{c}/{os.path.basename(path)[:-4]} uses {symbol}, defined in "
                          f"{comp[owner]}/{os.path.basename(owner)[:-4]}, a component above it")
    return sorted(set(errors))


def main():
    root = sys.argv[1]
    errors = check_includes(root)
    if len(sys.argv) > 2:
        errors += check_symbol_direction([a for arg in sys.argv[2:] for a in arg.split(";") if a])
    for e in errors:
        print(e)
    if errors:
        print(f"{len(errors)} use(s) against the one direction {' <- '.join(ORDER)}")
        return 1
    print(f"one direction holds: {' <- '.join(ORDER)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
