#!/usr/bin/env python3
"""check_docs.py - keeps the guides honest: every scenario and every output
a page shows is checked against the shipped file and a fresh run.

    check_docs.py [--built DIR] NTSIM ROOT PAGE.md...          check (ctest runs this)
    check_docs.py --fix [--built DIR] NTSIM ROOT PAGE.md...    rewrite the blocks from a run

Fenced blocks whose info string starts with one of these words are checked:

    ```ntsim-scenario NAME.scn [excerpt]
        the text of sim/scenarios/NAME.scn (all of it, or with `excerpt` a
        run of consecutive lines of it)
    ```ntsim-output NAME.scn [excerpt] [ARGS...]
        what `ntsim run ARGS sim/scenarios/NAME.scn` prints (text format
        unless ARGS say otherwise): all of it, or with `excerpt` a run of
        consecutive lines of it
    ```ntsim-debug NAME.scn [excerpt] -c CMD; CMD; ...
        what `ntsim debug -c "CMD; CMD; ..." sim/scenarios/NAME.scn` prints
        (everything after -c is the commands): all of it, or an excerpt

A NAME with a `/` is a path from ROOT (`examples/first-driver/first.scn`):
`ntsim-scenario` blocks then show any file of the repository (a
CMakeLists.txt, a driver's source), and `ntsim-output` blocks replay the
copy of that scenario in the build tree given by `--built DIR`, beside the
modules the build made (the examples' drivers).

Lines are compared without trailing spaces (editors strip them). Relative
links of every page ([text](file.md), [text](../sim/x.scn#part)) must name
files that exist. Exit status 0 when everything holds, 1 otherwise.
"""
import os
import re
import subprocess
import sys

FENCE = re.compile(r"^```(ntsim-scenario|ntsim-output|ntsim-debug)[ \t]+(\S+)(.*)$")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def norm(text):
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def contains_run(haystack, needle):
    if not needle:
        return True
    for i in range(len(haystack) - len(needle) + 1):
        if haystack[i:i + len(needle)] == needle:
            return True
    return False


def actual(kind, name, args, ntsim, root, built):
    if "/" in name:
        base = built if kind == "ntsim-output" else root
        if base is None:
            return None, "an ntsim-output block of %s needs --built DIR (the build tree)" % name
        path = os.path.join(base, name)
        if not os.path.isfile(path):
            return None, "no file %s in %s" % (name, base)
    else:
        path = os.path.join(root, "sim", "scenarios", name)
        if not os.path.isfile(path):
            return None, "no scenario sim/scenarios/%s" % name
    if kind == "ntsim-scenario":
        with open(path, encoding="utf-8") as f:
            return f.read(), None
    if kind == "ntsim-debug":
        run = subprocess.run([ntsim, "debug", "-c", args[0], path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             cwd=root)
        if run.returncode != 0:
            return None, "ntsim debug %s exited with %d\n%s" % (name, run.returncode,
                                                               run.stderr.decode("utf-8", "replace"))
        return run.stdout.decode("utf-8"), None
    run = subprocess.run([ntsim, "run"] + args + [path if "/" not in name else os.path.basename(path)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         cwd=root if "/" not in name else os.path.dirname(path))
    if run.returncode != 0:
        return None, "ntsim run %s exited with %d: a documented scenario must pass\n%s" % (
            name, run.returncode, run.stderr.decode("utf-8", "replace"))
    return run.stdout.decode("utf-8"), None


def first_difference(want, got):
    for i, (a, b) in enumerate(zip(want, got)):
        if a != b:
            return "block line %d:\n  page: %s\n  run:  %s" % (i + 1, a, b)
    if len(want) != len(got):
        return "the page has %d lines, the run %d" % (len(want), len(got))
    return "?"


def check_page(page, ntsim, root, fix, built):
    errors = []
    with open(page, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out = []
    i = 0
    checked = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        out.append(lines[i])
        if not m:
            i += 1
            continue
        kind, name, rest = m.group(1), m.group(2), m.group(3).split()
        excerpt = "excerpt" in rest
        args = [a for a in rest if a != "excerpt"]
        if kind == "ntsim-debug":
            commands = m.group(3).split(" -c ", 1)
            args = [commands[1].strip() if len(commands) == 2 else "q"]
        start = i + 1
        end = start
        while end < len(lines) and lines[end].rstrip() != "```":
            end += 1
        if end == len(lines):
            errors.append("%s:%d: unterminated ```%s block" % (page, i + 1, kind))
            break
        block = lines[start:end]
        text, err = actual(kind, name, args, ntsim, root, built)
        checked += 1
        if err:
            errors.append("%s:%d: %s" % (page, i + 1, err))
            out.extend(block)
        else:
            want, got = norm("\n".join(block)), norm(text)
            ok = contains_run(got, want) if excerpt else want == got
            if not ok and fix and not excerpt:
                out.extend(got)
            else:
                out.extend(block)
                if not ok:
                    errors.append("%s:%d: the ```%s %s block is stale (%s); run %s --fix to update it" % (
                        page, i + 1, kind, name,
                        "no such run of lines in the output" if excerpt else first_difference(want, got),
                        os.path.basename(sys.argv[0])))
        out.append(lines[end])
        i = end + 1
    for n, line in enumerate(lines):
        for target in LINK.findall(line):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue
            path = os.path.normpath(os.path.join(os.path.dirname(page), target.split("#")[0]))
            if not os.path.exists(path):
                errors.append("%s:%d: broken link %s" % (page, n + 1, target))
    if fix:
        with open(page, "w", encoding="utf-8") as f:
            f.write("\n".join(out))
    return errors, checked


def main(argv):
    fix = False
    built = None
    while argv and argv[0] in ("--fix", "--built"):
        if argv[0] == "--fix":
            fix = True
            argv = argv[1:]
        elif len(argv) > 1:
            built = os.path.abspath(argv[1])
            argv = argv[2:]
        else:
            break
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    ntsim, root, pages = os.path.abspath(argv[0]), argv[1], argv[2:]
    errors = []
    total = 0
    for page in pages:
        e, n = check_page(page, ntsim, root, fix, built)
        errors += e
        total += n
    for e in errors:
        print(e)
    print("%d page(s), %d checked block(s), %d problem(s)" % (len(pages), total, len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
