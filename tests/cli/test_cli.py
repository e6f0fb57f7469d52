#!/usr/bin/env python3
"""The `ntsim` command line as a user meets it: options that change how a
run goes, checked from the outside (exit status, standard output and error).

usage: test_cli.py NTSIM SCENARIO_DIR
"""
import os
import pty
import re
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

# ---- help, typos, version, check's verdict, sizes, --audio (issue 23) ----------

# `ntsim run --help` lists every command of the parser's own table.
table = os.path.join(os.path.dirname(os.path.abspath(SCENARIOS)), "command_table.c")
with open(table) as f:
    names = re.findall(r'^\s*\{ "([a-z][a-z ]*)",', f.read(), re.M)
check(len(names) > 40 and "vm read" in names and "system query" in names, f"commands read from the table: {names}")
rc, helptext, _ = ntsim("run", "--help")
listed = {line.strip() for line in helptext.splitlines() if line.startswith("  ")}
for name in names:
    check(any(l == name or l.startswith(name + " ") for l in listed), f"ntsim run --help lacks the command '{name}'")
rc, top, _ = ntsim("--help")
for stale in ("as they land", "SCENARIO.md", "docs/"):
    check(stale not in top + helptext, f"the help still says '{stale}'")

# A mistyped option or command: one error line, one hint, exit 2, not the usage.
for args, hint in ((["run", "--fromat", "jsonl", "x.scn"], "did you mean --format?"),
                   (["run", "--sed", "1", "x.scn"], "did you mean --seed?"),
                   (["rnu", "x.scn"], "did you mean run?"),
                   (["--verison"], "did you mean --version?"),
                   (["run", "--format", "josnl", "x.scn"], "did you mean jsonl?"),
                   (["check", "--quite", "x.scn"], "did you mean --quiet?")):
    rc, out, err = ntsim(*args)
    lines = err.splitlines()
    check(rc == 2 and out == "" and len(lines) == 2 and hint in lines[1] and "usage" not in err,
          f"ntsim {' '.join(args)}: want one error line and '{hint}', exit 2; got {rc} {err!r}")
rc, out, err = ntsim("run", "--format")
check(rc == 2 and "--format needs a value" in err and len(err.splitlines()) == 2, f"run --format with no value: {err!r}")

# --version, -V and version say the same.
versions = [ntsim(v) for v in ("--version", "-V", "version")]
check(all(v == versions[0] for v in versions) and versions[0][0] == 0 and versions[0][1].startswith("ntsim "),
      f"--version, -V, version: {versions}")

# Options also as --NAME=VALUE.
hello = os.path.join(SCENARIOS, "hello.scn")
check(ntsim("run", "--format=jsonl", "--seed=3", hello) == ntsim("run", "--format", "jsonl", "--seed", "3", hello),
      "--format=jsonl --seed=3 is --format jsonl --seed 3")

# check: FILE: ok (N lines) for a valid file, nothing with -q; errors as before.
with open(hello) as f:
    n = len(f.read().splitlines())
rc, out, err = ntsim("check", hello)
check(rc == 0 and out == f"{hello}: ok ({n} lines)\n" and err == "", f"check on a valid file: {rc} {out!r} {err!r}")
for q in ("-q", "--quiet"):
    rc, out, err = ntsim("check", q, hello)
    check(rc == 0 and out == "" and err == "", f"check {q} on a valid file: {rc} {out!r} {err!r}")
rc, out, err = ntsim("check", "-", stdin="sleep 1\n")
check(rc == 0 and out == "<stdin>: ok (1 line)\n", f"check - : {out!r}")

# Sizes with lowercase suffixes replay exactly as the uppercase ones.
SIZES = ("process create p image=C:\\p.exe\n"
         "vm alloc p 0x200000000 {k} MEM_RESERVE PAGE_READWRITE\nexpect size=0x10000\n"
         "vm alloc p 0x300000000 {m} MEM_RESERVE PAGE_READWRITE\nexpect size={m}\n"
         "vm alloc p 0 {g} MEM_RESERVE PAGE_READWRITE\nexpect size=0x40000000\n")
upper = ntsim("run", "--format", "jsonl", "-", stdin=SIZES.format(k="64K", m="1M", g="1G"))
lower = ntsim("run", "--format", "jsonl", "-", stdin=SIZES.format(k="64k", m="1m", g="1g"))
check(upper[0] == 0 and lower == upper, f"64k/1m/1g replay as 64K/1M/1G: {lower[0]} {lower[2]!r}")
rc, _, err = ntsim("check", "-", stdin="sleep 10m\n")
check(rc == 2 and "error" in err, "a duration keeps uppercase suffixes: 'sleep 10m' is refused")

# --audio on a scenario that plays no tone says so; one that plays tones does not.
with tempfile.TemporaryDirectory() as tmp:
    wav = os.path.join(tmp, "out.wav")
    rc, _, err = ntsim("run", "--audio", wav, hello)
    check(rc == 0 and "no tone" in err and os.path.exists(wav), f"--audio with no tone: {rc} {err!r}")
    rc, _, err = ntsim("run", "--audio", wav, os.path.join(SCENARIOS, "book-melody.scn"))
    check(rc == 0 and "no tone" not in err, f"--audio with tones says nothing of it: {rc} {err!r}")

# help drivers / help DRIVER from the driver table.
drivers = ntsim("--list-drivers")[1].split()
rc, out, _ = ntsim("help", "drivers")
check(rc == 0 and len(drivers) >= 7 and all(f"  {d}\n" in out for d in drivers), f"help drivers: {out!r}")
rc, out, _ = ntsim("help", "booster")
check(rc == 0 and "client write booster thread=THREAD priority=N" in out, f"help booster: {out!r}")
rc, _, err = ntsim("help", "nosuch")
check(rc == 2 and len(err.splitlines()) == 2, f"help with an unknown topic: {rc} {err!r}")

# ---- colour: on a terminal, off when piped, with NO_COLOR or --color=never ----

def on_terminal(*args, env=None):
    """Runs ntsim with its standard output on a pseudo-terminal; what it wrote there."""
    master, slave = pty.openpty()
    p = subprocess.Popen([NTSIM, *args], stdout=slave, stderr=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    p.wait()
    os.close(master)
    return p.returncode, b"".join(chunks).decode().replace("\r\n", "\n")


ESC = "\x1b["
EXPECT_BAD = ("process create p image=C:\\p.exe\n"
              "vm free p 0x200000000 0 MEM_RELEASE\n"  # a failing status
              "expect status STATUS_SUCCESS\n")        # and a failed expect
with tempfile.TemporaryDirectory() as tmp:
    colourful = os.path.join(tmp, "colourful.scn")
    with open(colourful, "w") as f:
        f.write(EXPECT_BAD)
    plain_env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    plain_env["TERM"] = "xterm"
    rc, tty = on_terminal("run", colourful, env=plain_env)
    piped = ntsim("run", colourful)
    check(rc == 1 and ESC + "36mprocess_create" in tty, f"on a terminal event kinds are coloured: {tty!r}")
    check(ESC + "1;31mSTATUS_" in tty and ESC + "1;31mEXPECT FAILED" in tty,
          f"on a terminal failed statuses and EXPECT FAILED are red: {tty!r}")
    check(ESC + "1;31mSTATUS_SUCCESS" not in tty, "a success is not red")
    check(re.sub(r"\x1b\[[0-9;]*m", "", tty) == piped[1], "coloured text is the plain text, escapes aside (alignment kept)")
    check(ESC not in piped[1] and piped[0] == 1, "piped output has no colour")
    rc, tty = on_terminal("run", colourful, env=dict(plain_env, NO_COLOR="1"))
    check(rc == 1 and ESC not in tty and tty == piped[1], "NO_COLOR turns colour off on a terminal")
    for never in (["--color=never"], ["--color", "never"]):
        rc, tty = on_terminal("run", *never, colourful, env=plain_env)
        check(rc == 1 and ESC not in tty, f"{' '.join(never)} turns colour off on a terminal")
    rc, tty = on_terminal("run", "--format", "jsonl", colourful, env=plain_env)
    check(ESC not in tty, "jsonl is never coloured")
    rc, out, _ = ntsim("run", "--color=always", colourful)
    check(ESC + "36m" in out, "--color=always colours piped output")
    rc, out, err = ntsim("run", "--color=sometimes", colourful)
    check(rc == 2 and len(err.splitlines()) == 2, f"--color with a bad value: {err!r}")

for f in failures:
    print("FAIL:", f)
print(f"test_cli: {len(failures)} check(s) failed" if failures else "test_cli: all checks passed")
sys.exit(1 if failures else 0)
