#!/usr/bin/env python3
"""test_interactive.py - `ntsim run -` on a terminal is a session: a prompt,
each line run as it is entered (its output there before the next prompt),
errors reported without ending it, `help`, `quit` and Ctrl-D. Driven
through a pseudo-terminal, as a person's terminal would.

    test_interactive.py NTSIM"""
import os
import pty
import select
import subprocess
import sys
import time

failures = 0


def check(ok, what):
    global failures
    if not ok:
        failures += 1
        print("FAIL: " + what)


class Session:
    def __init__(self, ntsim):
        env = dict(os.environ, TERM="dumb", NO_COLOR="1")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(ntsim, [ntsim, "run", "-"], env)
        self.seen = b""

    def until(self, want, timeout=10):
        """Reads until `want` has come; returns what came since the last call."""
        start = len(self.seen)
        end = time.time() + timeout
        while time.time() < end:
            if want.encode() in self.seen[start:]:
                return self.seen[start:].decode("utf-8", "replace")
            r, _, _ = select.select([self.fd], [], [], 0.1)
            if r:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                self.seen += chunk
        return None

    def type(self, line):
        os.write(self.fd, line.encode() + b"\n")

    def end(self, keys=b"\x04"):
        os.write(self.fd, keys)
        deadline = time.time() + 10
        while time.time() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            self.until("\0", timeout=0.1)
        os.kill(self.pid, 9)
        return None


def main():
    ntsim = sys.argv[1]

    s = Session(ntsim)
    check(s.until("ntsim> ") is not None, "no prompt at the start")
    s.type("process create p image=C:\\p.exe")
    out = s.until("ntsim> ")
    check(out is not None and "process create p image=C:\\p.exe" in out and "STATUS_SUCCESS  pid=12 tid=16" in out,
          f"the first line's result is not there before the next prompt: {out!r}")
    s.type("bogus")
    out = s.until("ntsim> ")
    check(out is not None and "<stdin>:2:1: error: unknown command 'bogus'" in out,
          f"an error is not reported at its line: {out!r}")
    s.type("help")
    out = s.until("ntsim> ")
    check(out is not None and "vm alloc PROC" in out and "expect status STATUS" in out,
          f"help does not list the commands: {out!r}")
    s.type("expect pid=12")
    out = s.until("ntsim> ")
    check(out is not None and "    3  expect pid=12" in out and " ok" in out,
          f"the session did not go on after the error (or help took a line number): {out!r}")
    code = s.end(b"\x04")
    check(code == 2, f"Ctrl-D after a scenario error: exit {code}, expected 2")

    s = Session(ntsim)
    s.until("ntsim> ")
    s.type("sleep 1500ms")
    out = s.until("ntsim> ")
    check(out is not None and "time=00:00:01.500" in out, f"sleep's result: {out!r}")
    s.type("expect time=134116992015000000")
    s.until("ntsim> ")
    code = s.end(b"quit\n")
    check(code == 0, f"quit after lines that all held: exit {code}, expected 0")

    # Piped standard input is a file as any other: no prompt, same output as the file.
    p = subprocess.run([ntsim, "run", "-"], input=b"sleep 1s\nbogus\nsleep 1s\n", capture_output=True)
    check(p.returncode == 2 and b"ntsim>" not in p.stdout + p.stderr and p.stdout.count(b"\n") == 1,
          f"piped input changed: exit {p.returncode}, out {p.stdout!r}, err {p.stderr!r}")

    print(f"interactive: {'ok' if failures == 0 else str(failures) + ' failure(s)'}")
    return 1 if failures else 0


sys.exit(main())
