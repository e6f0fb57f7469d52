#!/usr/bin/env python3
"""`ntsim run --timeline`: every shipped scenario's trace keeps the Trace
Event Format's rules, as Perfetto and chrome://tracing read them.

usage: check_timeline.py NTSIM SCENARIO...

For each scenario: the file is a JSON object with a traceEvents array;
every event has a name, a known phase, integer pid and tid; timed events
have ts >= 0, complete events a dur >= 0; instant events a scope; every
flow id has one start and one end, the end bound to the enclosing slice
and not before the start; slices of one thread's states do not overlap;
every process and thread an event names has a name of its own (metadata);
two runs give the same bytes. One scenario is also checked with
--trace syscalls (system calls as slices).
"""
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

PHASES = {"M", "X", "i", "s", "f", "B", "E"}


def run(ntsim, scenario, extra, out):
    p = subprocess.run([ntsim, "run", "--timeline", out, *extra, os.path.basename(scenario)],
                       cwd=os.path.dirname(os.path.abspath(scenario)), capture_output=True)
    if p.returncode not in (0, 1):  # 1: an expect failed, which a scenario may show on purpose
        return f"ntsim exited with {p.returncode}: {p.stderr.decode(errors='replace')}"
    return None


def check(path):
    errors = []
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        return ["not a JSON object with a traceEvents array"]
    processes, threads = set(), set()
    used = set()
    flows = defaultdict(list)
    states = defaultdict(list)
    stack = defaultdict(int)
    for n, e in enumerate(doc["traceEvents"]):
        where = f"event {n}"
        if not isinstance(e.get("name"), str) or e.get("ph") not in PHASES:
            errors.append(f"{where}: no name or unknown phase {e.get('ph')!r}")
            continue
        if not isinstance(e.get("pid"), int) or not isinstance(e.get("tid"), int):
            errors.append(f"{where}: pid and tid must be integers")
            continue
        ph, key = e["ph"], (e["pid"], e["tid"])
        if ph == "M":
            if e["name"] == "process_name":
                processes.add(e["pid"])
            elif e["name"] == "thread_name":
                threads.add(key)
            if not isinstance(e.get("args", {}).get("name"), str):
                errors.append(f"{where}: metadata without args.name")
            continue
        ts = e.get("ts")
        if not isinstance(ts, (int, float)) or ts < 0:
            errors.append(f"{where}: ts {ts!r}")
            continue
        used.add(key)
        if ph == "X":
            dur = e.get("dur")
            if not isinstance(dur, (int, float)) or dur < 0:
                errors.append(f"{where}: dur {dur!r}")
            elif e.get("cat") == "state":
                states[key].append((ts, ts + dur))
        elif ph == "i" and e.get("s") not in ("t", "p", "g"):
            errors.append(f"{where}: instant without a scope")
        elif ph in ("s", "f"):
            flows[e.get("id")].append((ph, ts, e.get("bp")))
        elif ph == "B":
            stack[key] += 1
        elif ph == "E":
            stack[key] -= 1
            if stack[key] < 0:
                errors.append(f"{where}: an end without a begin")
    for fid, marks in flows.items():
        phases = sorted(m[0] for m in marks)
        if phases != ["f", "s"]:
            errors.append(f"flow {fid}: {phases}, not one start and one end")
            continue
        start = next(m for m in marks if m[0] == "s")
        end = next(m for m in marks if m[0] == "f")
        if end[2] != "e" or end[1] < start[1]:
            errors.append(f"flow {fid}: its end is not bound to its slice, or comes before its start")
    for key, n in stack.items():
        if n:
            errors.append(f"thread {key}: {n} slices begun and not ended")
    for key, spans in states.items():
        spans.sort()
        for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
            if b0 < a1 - 1e-6:
                errors.append(f"thread {key}: state slices overlap at {b0}")
                break
    for pid, tid in sorted(used):
        if pid not in processes:
            errors.append(f"process {pid}: events but no process_name")
        if (pid, tid) not in threads:
            errors.append(f"thread {(pid, tid)}: events but no thread_name")
    return errors


def main(argv):
    ntsim, scenarios = os.path.abspath(argv[0]), argv[1:]
    failures = 0
    events = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, scenario in enumerate(scenarios):
            extras = [[]] + ([["--trace", "syscalls"]] if i == 0 else [])
            for extra in extras:
                a, b = os.path.join(tmp, "a.json"), os.path.join(tmp, "b.json")
                err = run(ntsim, scenario, extra, a) or run(ntsim, scenario, extra, b)
                errs = [err] if err else check(a)
                if not err and open(a, "rb").read() != open(b, "rb").read():
                    errs.append("two runs gave different bytes")
                if not err:
                    events += len(json.load(open(a))["traceEvents"])
                for e in errs[:10]:
                    print(f"{scenario} {' '.join(extra)}: {e}")
                failures += bool(errs)
    print(f"{len(scenarios)} scenario(s), {events} trace events, {failures} failing")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
