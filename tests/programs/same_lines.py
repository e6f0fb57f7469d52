#!/usr/bin/env python3
"""A book client as a program prints what the built-in client prints.

usage: same_lines.py NTSIM BUILTIN.scn PROGRAM.scn CLIENT_IMAGE_NAME

Replays both scenarios (jsonl), takes the built-in client's `lines` from
every `client read` result of the first, and the console lines of the
process running CLIENT_IMAGE_NAME in the second; the program's lines, less
those about its own process (it sees itself start), must equal the
built-in lines, in order.
"""
import json
import os
import re
import subprocess
import sys

ntsim, builtin, program, image = sys.argv[1:5]
ntsim = os.path.abspath(ntsim)


def records(path):
    path = os.path.abspath(path)
    out = subprocess.run([ntsim, "run", "--format", "jsonl", os.path.basename(path)], capture_output=True,
                         text=True, cwd=os.path.dirname(path))
    if out.returncode != 0:
        sys.exit(f"{path}: ntsim exited with {out.returncode}\n{out.stderr}")
    return [json.loads(line) for line in out.stdout.splitlines()]


want = [l for r in records(builtin) if r.get("cmd") == "client read" for l in r.get("lines", [])]
recs = records(program)
client = next(r["pid"] for r in recs if r.get("event") == "process_create" and r["image"].endswith("\\" + image))
own = re.compile(r"\b(process|Process) %d\b" % client)
got = [r["text"] for r in recs if r.get("event") == "console" and r["pid"] == client]
got = [l for l in got if not own.search(l)]
if not want:
    sys.exit("the built-in client printed nothing: nothing to compare")
if got != want:
    print("built-in client:", *want, sep="\n  ")
    print("program:", *got, sep="\n  ")
    sys.exit("the program's lines differ from the built-in client's")
print(f"{len(want)} lines, the same from the program and the built-in client")
