#!/usr/bin/env python3
"""test_recipes.py - runs every recipe of docs/jq-recipes.md and compares
its output with the one the page shows.

    test_recipes.py NTSIM_BIN_DIR ROOT

A recipe is a ```jq-recipe block: a `$ COMMAND` line (a shell pipeline, run
by bash from ROOT with NTSIM_BIN_DIR first on PATH), then its output.
Without jq the test is skipped (exit 77, ctest's SKIP_RETURN_CODE)."""
import os
import shutil
import subprocess
import sys

SKIP = 77


def recipes(page):
    """(line number, command, expected output lines) of every recipe block."""
    lines = open(page, encoding="utf-8").read().split("\n")
    found, i = [], 0
    while i < len(lines):
        if lines[i].strip() == "```jq-recipe":
            start = i + 1
            i += 1
            while lines[i] != "```":
                i += 1
            block = lines[start:i]
            if not block or not block[0].startswith("$ "):
                found.append((start, None, block))
            else:
                found.append((start, block[0][2:], block[1:]))
        i += 1
    return found


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    bindir, root = sys.argv[1], sys.argv[2]
    if not shutil.which("jq"):
        print("jq_recipes: SKIPPED: jq is not installed (apt-get install jq)")
        return SKIP
    page = os.path.join(root, "docs", "jq-recipes.md")
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    found = recipes(page)
    bad = 0
    for line, command, want in found:
        if command is None:
            print(f"{page}:{line}: a jq-recipe block must start with a '$ COMMAND' line")
            bad += 1
            continue
        run = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=root, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        got = run.stdout.decode("utf-8", "replace").rstrip("\n").split("\n")
        if run.returncode != 0 or got != want:
            bad += 1
            print(f"{page}:{line}: recipe differs (exit {run.returncode})\n  $ {command}\n  want: {want}\n  got:  {got}")
            if run.stderr:
                print("  " + run.stderr.decode("utf-8", "replace"))
    if not found:
        print(f"{page}: no recipes")
        return 1
    print(f"jq_recipes: {len(found) - bad}/{len(found)} recipes give the documented output")
    return 1 if bad else 0


sys.exit(main())
