#!/usr/bin/env python3
"""test_debug.py - `ntsim debug` from the outside: golden sessions of the
shipped scenarios (sessions.txt, golden/), the same bytes twice and another
seed's other addresses, errors said as WinDbg says them, and the interactive
prompt driven through a pseudo-terminal.

    test_debug.py NTSIM SCENARIOS_DIR [--update]
"""
import os
import pty
import re
import select
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def debug(ntsim, scenario, commands, *extra):
    p = subprocess.run([ntsim, "debug", *extra, "-c", commands, scenario], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    # A sanitizer build's note about fibers is the build's, not the session's.
    err = "".join(l for l in p.stderr.decode().splitlines(True) if "ASan doesn't fully support makecontext" not in l)
    return p.returncode, p.stdout.decode(), err


def sessions():
    with open(os.path.join(HERE, "sessions.txt")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, scenario, commands = (x.strip() for x in line.split("|", 2))
                yield name, scenario, commands


def test_golden(ntsim, scenarios, update):
    for name, scenario, commands in sessions():
        rc, out, err = debug(ntsim, os.path.join(scenarios, scenario), commands)
        check(rc == 0 and err == "", f"{name}: exit {rc}, stderr {err!r}")
        path = os.path.join(HERE, "golden", name + ".txt")
        if update:
            with open(path, "w") as f:
                f.write(out)
            continue
        with open(path) as f:
            want = f.read()
        if out != want:
            a, b = want.splitlines(), out.splitlines()
            i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            check(False, f"{name}: differs from golden/{name}.txt at line {i + 1}:\n  want {a[i:i+1]}\n  got  {b[i:i+1]}")


def test_determinism(ntsim, scenarios):
    injection = os.path.join(scenarios, "book-injection.scn")
    cmds = "bp 17; g; !process 0 7; !handle 0 f 1c; lm; !poolused; q"
    one, two = debug(ntsim, injection, cmds)[1], debug(ntsim, injection, cmds)[1]
    check(one == two, "two sessions give the same bytes")
    other = debug(ntsim, injection, cmds, "--seed", "7")[1]
    procs = lambda text: re.findall(r"^PROCESS (\S+)", text, re.M)
    check(procs(one) and procs(one) != procs(other), "another seed places the objects elsewhere")
    check(len(set(procs(one))) == len(set(re.findall(r"\bCid: (\w+)", one))), "every process has an address of its own")
    # Every address !process shows leads back to its process.
    for addr in procs(one):
        out = debug(ntsim, injection, f"bp 17; g; !process {addr} 0; q")[1]
        check(f"PROCESS {addr}" in out, f"!process {addr} finds the process it named")
    # No host pointer: every 64-bit value printed is a simulated one (user space, or ntsim's system space).
    for v in re.findall(r"\b(?:0x)?([0-9a-f]{8}`[0-9a-f]{8})\b", one):
        n = int(v.replace("`", ""), 16)
        check(n < 0x800000000000 or n >= 0xffff800000000000, f"{v} is neither a user nor a system address")


def test_errors(ntsim, scenarios):
    injection = os.path.join(scenarios, "book-injection.scn")
    rc, out, err = debug(ntsim, injection, "frobnicate; !frobnicate; !process ffffdead`00000080 0; "
                         "dt nt!_EPROCESS ffffdead`00000080; dt nt!_NOPE; !irp 1234; bp nowhere; .process 42; "
                         "!pool 0; !drvobj nosuch; q")
    check(rc == 0, f"errors end no session: exit {rc}")
    for want in ["       ^ Syntax error in 'frobnicate'", "No export frobnicate found",
                 "Unable to get process ffffdead`00000080", "Memory read error ffffdead`00000080",
                 "Symbol nt!_NOPE not found.", "IRP 1234 not found", "Couldn't resolve error at 'nowhere'",
                 "42 is not a valid process", "is not a valid small pool allocation", "Driver object nosuch not found"]:
        check(want in out, f"says {want!r}")
    # q ends the replay: nothing of the lines after it is printed.
    out = debug(ntsim, injection, "bp 12; g; q")[1]
    check("   12  process create" not in out and "   29  driver unload" not in out, "q stops the replay's output")
    # Without q, -c's last command ends the session too; g to the end shows the end's stop.
    out = debug(ntsim, injection, "g; !process 0 0")[1]
    check("The replay reached its end after line 29" in out and "Image: notepad.exe" in out,
          "the end is a stop with the system still up")
    rc, out, err = subprocess.run([ntsim, "debug"], capture_output=True, text=True).returncode, "", ""
    check(rc == 2, "no scenario: exit 2")
    p = subprocess.run([ntsim, "debug", "-c", "q", "/nonexistent.scn"], capture_output=True, text=True)
    check(p.returncode == 2 and "cannot read" in p.stderr, f"an unreadable file: exit 2 ({p.stderr!r})")


def read_until(fd, pattern, timeout=20):
    data = b""
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
            if re.search(pattern, data):
                return data
    return data


def test_pty(ntsim, scenarios):
    """The interactive prompt on a terminal: kd>, commands typed (one with a
    correction made by backspacing), g to a breakpoint, q."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(ntsim, [ntsim, "debug", os.path.join(scenarios, "book-injection.scn")])
    try:
        out = read_until(fd, rb"kd> ")
        check(b"Break before line 7" in out and out.rstrip().endswith(b"kd>"), f"the first prompt: {out[-200:]!r}")
        os.write(fd, b"bp 17\r")
        read_until(fd, rb"kd> ")
        os.write(fd, b"g\r")
        out = read_until(fd, rb"kd> ")
        check(b"Breakpoint 0 hit" in out and b"Break before line 17" in out, f"g stops at bp 17: {out[-300:]!r}")
        os.write(fd, b"!procesz\x7fs 0 0\r")  # a typo, erased with backspace
        out = read_until(fd, rb"Image: injector\.exe[\s\S]*kd> ")
        check(b"**** NT ACTIVE PROCESS DUMP ****" in out and b"Image: injector.exe" in out,
              f"the corrected command ran: {out[-300:]!r}")
        os.write(fd, b"q\r")
        read_until(fd, rb"$^", timeout=5)
    finally:
        _, status = os.waitpid(pid, 0)
    check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"q ends the session: status {status}")


def main(argv):
    ntsim, scenarios = argv[0], argv[1]
    update = "--update" in argv
    test_golden(ntsim, scenarios, update)
    if not update:
        test_determinism(ntsim, scenarios)
        test_errors(ntsim, scenarios)
        test_pty(ntsim, scenarios)
    for f in failures:
        print("FAIL:", f)
    print(f"test_debug: {len(failures)} check(s) failed" if failures else "test_debug: all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
