#!/usr/bin/env python3
"""check_messages.py - a failed check says, in words, what was expected and
what came back: every starter grader (each check fails on the starter) is
run, and no failure may be cmocka's bare "A != B"; one message is pinned.

    check_messages.py BIN_DIR"""
import glob
import os
import re
import subprocess
import sys

TERSE = re.compile(r"\[  ERROR   \] --- \S+ != \S+|\[  ERROR   \] --- [^\[\n]*(==|!=)")
PINNED = ("grade-01-first-steps-starter", "ex01_count_children(sys, 4) returned 0, expected 5")


def main():
    bindir = sys.argv[1]
    graders = sorted(glob.glob(os.path.join(bindir, "grade-*-starter")))
    bad = 0
    outputs = {}
    for g in graders:
        run = subprocess.run([g], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        text = run.stdout.decode("utf-8", "replace")
        outputs[os.path.basename(g)] = text
        for m in TERSE.finditer(text):
            bad += 1
            print(f"{os.path.basename(g)}: a check failed without words: {m.group(0)!r}")
    name, message = PINNED
    if message not in outputs.get(name, ""):
        bad += 1
        print(f"{name}: no line '{message}' in:\n{outputs.get(name, '(not built)')}")
    if not graders:
        print(f"no starter graders in {bindir}")
        return 1
    print(f"exercise messages: {len(graders)} starter graders, {bad} problem(s)")
    return 1 if bad else 0


sys.exit(main())
