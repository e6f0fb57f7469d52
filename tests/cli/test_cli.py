#!/usr/bin/env python3
"""The `ntsim` command line as a user meets it: options that change how a
run goes, checked from the outside (exit status, standard output and error).

usage: test_cli.py NTSIM SCENARIO_DIR
"""
import os
import subprocess
import sys
import tempfile

NTSIM, SCENARIOS = sys.argv[1], sys.argv[2]
failures = []


def ntsim(*args, stdin=None):
    p = subprocess.run([NTSIM, *args], input=stdin, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    if not cond:
        failures.append(what)


BAD = ("process create a image=C:\\a.exe\n"
       "process bogus\n"
       "vm alloc a 4K PAGE_READWRITE zz=1\n")

with tempfile.TemporaryDirectory() as tmp:
    bad = os.path.join(tmp, "bad.scn")
    with open(bad, "w") as f:
        f.write(BAD)

    # Streaming (the contract): the first line runs, the run stops at line 2's error.
    rc, out, err = ntsim("run", bad)
    check(rc == 2, f"plain run of a bad file: exit {rc}, not 2")
    check("process create" in out, "plain run: line 1's result is written before the error")
    check(err.count("error:") == 1 and f"{bad}:2:9: error:" in err, f"plain run: one error at 2:9, got {err!r}")

    # --check-first: every error, nothing run.
    rc, out, err = ntsim("run", "--check-first", bad)
    check(rc == 2, f"--check-first on a bad file: exit {rc}, not 2")
    check(out == "", f"--check-first on a bad file ran something: {out!r}")
    check(f"{bad}:2:9: error:" in err and f"{bad}:3:" in err, f"--check-first reports every error: {err!r}")

    # A bad file after a good one: nothing of the good one runs either.
    good = os.path.join(SCENARIOS, "hello.scn")
    rc, out, err = ntsim("run", "--check-first", good, bad)
    check(rc == 2 and out == "", "--check-first validates every FILE before running any")

    # On valid files it changes nothing.
    plain = ntsim("run", "--format", "jsonl", good)
    first = ntsim("run", "--check-first", "--format", "jsonl", good)
    check(plain == first and plain[0] == 0, "--check-first on a valid file: the same bytes and status as a plain run")

    # Standard input is never read twice: it streams, as without the option.
    rc, out, err = ntsim("run", "--check-first", "-", stdin=BAD)
    check(rc == 2 and "process create" in out and err.count("error:") == 1,
          f"--check-first with '-' streams standard input: {rc} {out!r} {err!r}")

for f in failures:
    print("FAIL:", f)
print(f"test_cli: {len(failures)} check(s) failed" if failures else "test_cli: all checks passed")
sys.exit(1 if failures else 0)
