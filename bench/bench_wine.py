#!/usr/bin/env python3
"""bench_wine.py - ntsim against Wine's real memory manager on the same VM
operation streams: the random scenarios of ../shared/vm-oracle/vmdiff.py,
run by ntsim and by winvm.exe under Wine (each call a real NtAllocate/Free/
Protect/QueryVirtualMemory of Wine's ntdll, with its mmap and mprotect).

Two figures, each the minimum / median of RUNS runs:
- whole runs: vmdiff's own cases (60 operations and 128 queries each), the
  time of every case run by each, start-up included: what a differential
  run costs;
- per operation: one stream of OPS operations minus the same scenario with
  none, so the start-up of either side drops out.

Usage: bench_wine.py NTSIM [--cases 20] [--ops 200000] [--runs 3]
Needs: wine (apt-get install wine wine64); a persistent wineserver is started.
"""
import argparse, os, random, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.join(HERE, "..", "..", "shared", "vm-oracle")


def timed(cmd, env=None):
    # Output to a file for both: Wine writes to a character device such as
    # /dev/null through its server, a line at a time, many times slower.
    with tempfile.TemporaryFile() as out:
        t = time.perf_counter()
        r = subprocess.run(cmd, stdout=out, stderr=subprocess.DEVNULL, env=env)
        t = time.perf_counter() - t
    if r.returncode not in (0, 3):  # 3: a scenario's expect failed, still a full run
        sys.exit(f"{cmd[0]} failed ({r.returncode})")
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ntsim")
    ap.add_argument("--cases", type=int, default=20)
    ap.add_argument("--ops", type=int, default=200000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    if not shutil.which("wine"):
        sys.exit("wine is not installed: apt-get install wine wine64")
    sys.path.insert(0, ORACLE)
    import vmdiff  # the differential's own generator: the same streams
    exe = os.path.join(ORACLE, "winvm.exe")
    env = dict(os.environ, WINEDEBUG="-all")
    subprocess.run(["wineserver", "-p"], env=env)
    tmp = tempfile.mkdtemp()
    cases = []
    for c in range(a.cases):
        path = os.path.join(tmp, f"case{c}.scn")
        with open(path, "w") as f:
            f.write(vmdiff.gen(random.Random(1000 + c), 60))
        cases.append(path)
    streams = {}
    for name, ops in (("empty", 0), ("long", a.ops)):
        streams[name] = os.path.join(tmp, f"{name}.scn")
        with open(streams[name], "w") as f:
            f.write(vmdiff.gen(random.Random(7), ops))
    timed(["wine", exe, cases[0], "0"], env)  # the prefix and server warmed up

    whole_wine, whole_sim, per_wine, per_sim = [], [], [], []
    for _ in range(a.runs):  # the two sides in turn, so both see the same load
        whole_wine.append(sum(timed(["wine", exe, p, "0"], env) for p in cases))
        whole_sim.append(sum(timed([a.ntsim, "run", "--format", "jsonl", p]) for p in cases))
        w = timed(["wine", exe, streams["long"], "0"], env) - timed(["wine", exe, streams["empty"], "0"], env)
        s = timed([a.ntsim, "run", "--format", "jsonl", streams["long"]]) - \
            timed([a.ntsim, "run", "--format", "jsonl", streams["empty"]])
        per_wine.append(w / a.ops * 1e6)
        per_sim.append(s / a.ops * 1e6)
    shutil.rmtree(tmp)

    def mm(xs, fmt):
        return f"{fmt.format(min(xs))} / {fmt.format(statistics.median(xs))}"
    print(f"whole runs, {a.cases} vmdiff cases: wine {mm(whole_wine, '{:.3f}')} s, "
          f"ntsim {mm(whole_sim, '{:.3f}')} s, ntsim faster {statistics.median(whole_wine) / statistics.median(whole_sim):.0f}x")
    print(f"per operation, {a.ops} operations: wine {mm(per_wine, '{:.2f}')} us, "
          f"ntsim {mm(per_sim, '{:.2f}')} us, ntsim faster {statistics.median(per_wine) / statistics.median(per_sim):.1f}x")


if __name__ == "__main__":
    main()
