#!/usr/bin/env python3
"""fault_sweep.py - out of memory is a status, and it is tested.

Replays scenarios with the N-th host allocation made to fail (NTSIM_FAIL_ALLOC,
a build with NTSIM_FAULT_INJECTION), for N over every allocation a clean run
makes (with a stride when there are many, but the first allocation of every
site always), and checks each run:

  - it ends by itself, with the contract's exit status (0, 1 or 2): no
    signal, no sanitizer report (AddressSanitizer, LeakSanitizer, UBSan), no
    failed invariant check (the engine checks the whole system after every
    command when a failure is armed, and Debug builds check more);
  - the failure shows: the run's output is the clean run's up to the command
    that met it, and that command reports STATUS_INSUFFICIENT_RESOURCES or
    STATUS_NO_MEMORY, or the engine reports FILE:LINE:COL: error: out of
    memory (a system the failure kept from booting: the system line's
    configuration was refused, with one of those statuses). Pool a driver asked for is the driver's to handle (a sample
    driver drops an event, fails a request): any outcome that passes the
    first check is accepted for it. A run whose output does not change at
    all is counted as absorbed (a cache that did without, a request that
    found another way).

usage: fault_sweep.py NTSIM SOURCE_DIR [--all | --scenario FILE...] [--drivers DIR] [--graders DIR] [--max-runs N]
                     [--jobs N] [--verbose]

SOURCE_DIR is the top of the tree; FILE a path below it. By default a
representative set of the shipped scenarios is swept, some with options that
reach more of the engine (--audio, --trace), one in `ntsim check` mode, and
tests/fault/more-sites.scn, written to reach what they do not.

With --drivers, the driver files of tests/drivers (built modules, loaded
and unloaded by own-drivers.scn beside them, and echo.so talked to by
generic-client.scn) are swept as two more scenarios.

With --graders, the exercises' graders found in DIR (grade-NN-name, run on
their reference solutions) are swept too, sampled (--grader-runs each, the
first allocation of every site included): their checks fail where they meet
the failure, and that is all; no crash, no exception caught by cmocka, no
sanitizer report (leaks aside: a failed cmocka check leaves its system
behind by design).

Exit status 0 when every run passed. The figures printed at the end (runs,
allocations, sites reached) are what docs/testing.md quotes.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

# A representative handful: drivers (the book's sysmon, melody with beep and
# system threads, detector, blocker), virtual memory, stacks, handles,
# processes and threads, services. (file, options; {tmp}: a directory of the run's own)
SCENARIOS = "sim/scenarios/"
DEFAULT_CASES = [
    (SCENARIOS + "book-sysmon-launch.scn", []),
    (SCENARIOS + "book-sysmon-local-thread.scn", []),
    (SCENARIOS + "book-sysmon-small-reads.scn", []),
    (SCENARIOS + "book-melody.scn", ["--audio", "{tmp}/melody.wav"]),
    (SCENARIOS + "book-detector-first-thread.scn", []),
    (SCENARIOS + "book-blocker.scn", []),
    (SCENARIOS + "book-injection.scn", []),
    (SCENARIOS + "vm-basics.scn", []),
    (SCENARIOS + "stack-growth.scn", []),
    (SCENARIOS + "handles.scn", []),
    (SCENARIOS + "pid-reuse.scn", []),
    (SCENARIOS + "sched-two-cpus.scn", ["--trace", "sched"]),
    (SCENARIOS + "guide-system-services.scn", ["--trace", "syscalls"]),
    (SCENARIOS + "guide-layouts.scn", []),
    (SCENARIOS + "book-sysmon-exit-codes.scn", ["check"]),
    ("tests/fault/more-sites.scn", []),
]

OOM_STATUSES = {"STATUS_INSUFFICIENT_RESOURCES", "STATUS_NO_MEMORY"}
# The same statuses as a driver prints them ("... returned error (0xC000009A)").
OOM_CODES = ("0xC000009A", "0xc000009a", "0xC0000017", "0xc0000017") + tuple(OOM_STATUSES)
# A system the host had no memory to boot: the engine's error at the line that
# boots it names the status (the clean run booted it, so the failure did this).
BOOT_REFUSED = re.compile(r"the system line's configuration was refused \((%s)\)" % "|".join(sorted(OOM_STATUSES)))
# Allocations a driver asked for, and what it does without them is its own affair.
DRIVER_SITES = ("src/ex/pool.c",)
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "AddressSanitizer:DEADLYSIGNAL",
                   "Assertion", "ntsim: invariant")
TIMEOUT = 120


def sanitizer_env():
    env = dict(os.environ)
    # Distinct exit codes: a sanitizer's report must never look like the contract's 1 or 2.
    env["ASAN_OPTIONS"] = "detect_leaks=1:exitcode=86:" + env.get("ASAN_OPTIONS", "")
    env["LSAN_OPTIONS"] = "exitcode=87:" + env.get("LSAN_OPTIONS", "")
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:exitcode=88:" + env.get("UBSAN_OPTIONS", "")
    env.pop("NTSIM_FAIL_ALLOC", None)
    env.pop("NTSIM_ALLOC_LOG", None)
    return env


def command(ntsim, scenario, options, tmp):
    """`ntsim check -q FILE` for the option "check" (errors alone), else `ntsim run --format jsonl OPTIONS FILE`."""
    if options == ["check"]:
        return [ntsim, "check", "-q", scenario]
    return [ntsim, "run", "--format", "jsonl"] + [o.replace("{tmp}", tmp) for o in options] + [scenario]


def run(ntsim, scenario, options, env, fail_at=None, log=None):
    env = dict(env)
    if fail_at is not None:
        env["NTSIM_FAIL_ALLOC"] = str(fail_at)
    if log is not None:
        env["NTSIM_ALLOC_LOG"] = log
    with tempfile.TemporaryDirectory() as tmp:
        try:
            p = subprocess.run(command(ntsim, scenario, options, tmp), env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=TIMEOUT)
            return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            return None, "", "timed out after %d s" % TIMEOUT


def records(text):
    out = []
    for line in text.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            out.append({"kind": "unparsable", "text": line})
    return out


def plan(sites, max_runs):
    """The allocation numbers to fail: all, or the first of each site plus a stride."""
    n = len(sites)
    if n <= max_runs:
        return list(range(1, n + 1))
    chosen, seen = set(), set()
    for i, site in enumerate(sites, 1):
        if site not in seen:
            seen.add(site)
            chosen.add(i)
    room = max(max_runs - len(chosen), 1)
    stride = max(n // room, 1)
    chosen.update(range(1, n + 1, stride))
    chosen.add(n)
    return sorted(chosen)


def judge(clean, rc, out, err, site):
    """'reported', 'absorbed', 'driver' (a driver's pool: its own handling), or a failure message."""
    if rc is None:
        return "FAIL: " + err
    for mark in SANITIZER_MARKS:
        if mark in err:
            lines = [l for l in err.splitlines() if mark in l or "#0" in l or "#1" in l or "#2" in l]
            return "FAIL: %s" % " | ".join(lines[:6])
    if rc < 0:
        return "FAIL: killed by signal %d" % -rc
    if rc not in (0, 1, 2):
        return "FAIL: exit status %d" % rc
    clean_rc, clean_out = clean
    if rc == clean_rc and out == clean_out:
        return "absorbed"
    if not clean_out and not out:
        # `ntsim check`: errors on standard error alone, the one that met the failure among them.
        return "reported" if rc == 2 and (re.search(r":\d+:\d+: error: out of memory", err) or BOOT_REFUSED.search(err)) else \
            "FAIL: exit %d without an out-of-memory error: %s" % (rc, err.strip()[:300])
    got, want = records(out), records(clean_out)
    i = 0
    while i < len(got) and i < len(want) and got[i] == want[i]:
        i += 1
    line = (got[i] if i < len(got) else want[i] if i < len(want) else {}).get("line")
    for r in got[i:]:
        if r.get("line") != line:
            continue
        if r.get("kind") == "result" and r.get("status") in OOM_STATUSES:
            return "reported"
        if r.get("kind") == "error" and ("out of memory" in r.get("message", "") or
                                         BOOT_REFUSED.search(r.get("message", ""))):
            return "reported"
        if r.get("kind") == "event" and any(c in r.get("text", "") for c in OOM_CODES):
            return "reported"  # a driver said so in its debug output
    for m in re.finditer(r":(\d+):(\d+): error: out of memory", err):
        # At the line that met it; before any line, at 1:1 (the engine's own start-up).
        if int(m.group(1)) == line or (i == 0 and m.group(1) == "1"):
            return "reported"
    if i == 0 and not got and "ntsim: out of memory" in err:
        return "reported"  # the command line's own (--audio's recording), before any line ran
    if site.startswith(DRIVER_SITES):
        return "driver"
    first = got[i] if i < len(got) else {"end of output": True}
    return "FAIL: line %s does not report the failure; first difference: %s" % (line, json.dumps(first)[:300])


def grader_run(grader, env, fail_at=None, log=None):
    env = dict(env)
    env["ASAN_OPTIONS"] = env["ASAN_OPTIONS"].replace("detect_leaks=1", "detect_leaks=0")
    if fail_at is not None:
        env["NTSIM_FAIL_ALLOC"] = str(fail_at)
    if log is not None:
        env["NTSIM_ALLOC_LOG"] = log
    try:
        p = subprocess.run([grader], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return None, "", "timed out after %d s" % TIMEOUT


def judge_grader(rc, out, err):
    if rc is None:
        return "FAIL: " + err
    for mark in SANITIZER_MARKS:
        if mark in err:
            return "FAIL: " + " | ".join([l for l in err.splitlines() if mark in l or "#0" in l or "#1" in l][:4])
    if rc < 0 or rc not in (0, 1):
        return "FAIL: exit status %d" % rc
    if "with exception" in out or "with exception" in err:
        return "FAIL: cmocka caught a signal: " + [l for l in (out + err).splitlines() if "exception" in l][0]
    return "checked" if rc == 0 else "reported"


def sweep_grader(grader, max_runs, jobs, env):
    name = os.path.basename(grader)
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "alloc.log")
        rc, out, err = grader_run(grader, env, log=log)
        with open(log) as f:
            sites = [line.split(" ", 1)[1].strip() for line in f if " " in line]
    if rc != 0:
        return name, len(sites), set(sites), {}, ["%s: the clean run failed (exit %s)" % (name, rc)]
    outcomes, failures = {}, []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for n, verdict in pool.map(lambda n: (n, judge_grader(*grader_run(grader, env, fail_at=n))),
                                   plan(sites, max_runs)):
            kind = verdict.split(":", 1)[0]
            outcomes[kind] = outcomes.get(kind, 0) + 1
            if kind == "FAIL":
                failures.append("%s: allocation %d (%s): %s" % (name, n, sites[n - 1], verdict[6:]))
    return name, len(sites), set(sites), outcomes, failures


def sweep(ntsim, scenario, options, max_runs, jobs, env, verbose):
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "alloc.log")
        rc, out, err = run(ntsim, scenario, options, env, log=log)
        with open(log) as f:
            sites = [line.split(" ", 1)[1].strip() for line in f if " " in line]
    name = " ".join([os.path.basename(scenario)] + options).replace("{tmp}/", "")
    if rc is None or rc not in (0, 1) or any(m in err for m in SANITIZER_MARKS):
        return name, len(sites), set(sites), {}, ["%s: the clean run failed (exit %s): %s" % (name, rc, err[:300])]
    numbers = plan(sites, max_runs)
    outcomes, failures = {}, []

    def one(n):
        frc, fout, ferr = run(ntsim, scenario, options, env, fail_at=n)
        return n, judge((rc, out), frc, fout, ferr, sites[n - 1])

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for n, verdict in pool.map(one, numbers):
            kind = verdict.split(":", 1)[0]
            outcomes[kind] = outcomes.get(kind, 0) + 1
            if kind == "FAIL":
                failures.append("%s: allocation %d (%s): %s" % (name, n, sites[n - 1], verdict[6:]))
            elif verbose:
                print("  %s %d %s %s" % (name, n, sites[n - 1], verdict))
    return name, len(sites), set(sites), outcomes, failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ntsim")
    ap.add_argument("source_dir")
    ap.add_argument("--scenario", action="append", help="a scenario file below SOURCE_DIR (default: a representative set)")
    ap.add_argument("--all", action="store_true", help="every shipped scenario (sim/scenarios/*.scn)")
    ap.add_argument("--drivers", help="a directory holding the test driver modules and their scenarios "
                    "(build/tests/drivers): driver files loaded and unloaded, swept too")
    ap.add_argument("--graders", help="a directory holding the exercises' graders (grade-NN-name)")
    ap.add_argument("--grader-runs", type=int, default=40, help="failing runs per grader at most (default 40)")
    ap.add_argument("--max-runs", type=int, default=400, help="failing runs per scenario at most (default 400)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    env = sanitizer_env()
    probe = subprocess.run([args.ntsim, "--version"], env=dict(env, NTSIM_FAIL_ALLOC="0"),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if probe.returncode != 0:
        print("fault_sweep: %s has no fault injection: %s" % (args.ntsim, probe.stderr.decode().strip()))
        return 1

    if args.all:
        cases = [(SCENARIOS + n, []) for n in sorted(os.listdir(os.path.join(args.source_dir, SCENARIOS)))
                 if n.endswith(".scn")]
    else:
        cases = [(n, []) for n in args.scenario] if args.scenario else list(DEFAULT_CASES)
    if args.drivers:
        for name in ("own-drivers.scn", "generic-client.scn"):
            cases.append((os.path.abspath(os.path.join(args.drivers, name)), []))
    all_sites, failures = set(), []
    total_runs = total_allocations = 0
    totals = {}
    print("%-44s %11s %6s %6s  %s" % ("scenario", "allocations", "sites", "runs", "outcomes"))
    for path, options in cases:
        scenario = os.path.join(args.source_dir, path)
        name, count, sites, outcomes, fails = sweep(args.ntsim, scenario, options, args.max_runs, args.jobs, env,
                                                    args.verbose)
        runs = sum(outcomes.values())
        total_runs += runs
        total_allocations += count
        all_sites |= sites
        for k, v in outcomes.items():
            totals[k] = totals.get(k, 0) + v
        print("%-44s %11d %6d %6d  %s" % (name, count, len(sites), runs,
                                          ", ".join("%s %d" % kv for kv in sorted(outcomes.items()))))
        sys.stdout.flush()
        failures += fails
    graders = []
    if args.graders:
        graders = sorted(os.path.join(args.graders, g) for g in os.listdir(args.graders)
                         if re.match(r"grade-\d\d-.*", g) and not g.endswith("-starter"))
    for grader in graders:
        name, count, sites, outcomes, fails = sweep_grader(grader, args.grader_runs, args.jobs, env)
        runs = sum(outcomes.values())
        total_runs += runs
        total_allocations += count
        all_sites |= sites
        for k, v in outcomes.items():
            totals[k] = totals.get(k, 0) + v
        print("%-44s %11d %6d %6d  %s" % (name, count, len(sites), runs,
                                          ", ".join("%s %d" % kv for kv in sorted(outcomes.items()))))
        sys.stdout.flush()
        failures += fails
    print("\n%d graders and %d runs of scenarios, %d allocations, %d failing runs, %d distinct allocation sites reached: %s" %
          (len(graders), len(cases), total_allocations, total_runs, len(all_sites),
           ", ".join("%s %d" % kv for kv in sorted(totals.items()))))
    if args.verbose:
        for site in sorted(all_sites):
            print("  site", site)
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
