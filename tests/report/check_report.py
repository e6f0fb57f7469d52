#!/usr/bin/env python3
"""`ntsim report`: the page of each scenario given is self-contained and
deterministic, and, in a real headless browser (Debian's chromium), it
renders what the replay holds: a table row per record, a process per
process_create event, a lane per thread whose states the timeline follows,
a map block per region of each live process. A screenshot of each page is
kept in OUT_DIR (a CI artifact).

usage: check_report.py NTSIM CHROMIUM OUT_DIR SCENARIO...
"""
import json
import os
import re
import subprocess
import sys

ntsim, chromium, out_dir, scenarios = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
os.makedirs(out_dir, exist_ok=True)
failures = []


def run(args, cwd):
    return subprocess.run(args, cwd=cwd, capture_output=True)


def browser(args, page):
    return subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--user-data-dir=" + os.path.join(out_dir, "profile"), *args, "file://" + page],
                          capture_output=True, timeout=120)


for scenario in scenarios:
    scenario = os.path.abspath(scenario)
    folder, name = os.path.dirname(scenario), os.path.basename(scenario)
    stem = os.path.splitext(name)[0]
    page = os.path.join(out_dir, stem + ".html")
    again = os.path.join(out_dir, stem + ".again.html")
    for target in (page, again):
        p = run([ntsim, "report", name, "-o", target], folder)
        if p.returncode not in (0, 1):
            failures.append(f"{name}: ntsim report exited with {p.returncode}: {p.stderr.decode(errors='replace')}")
            break
    else:
        html = open(page, encoding="utf-8").read()
        if html != open(again, encoding="utf-8").read():
            failures.append(f"{name}: two reports differ")
        os.remove(again)
        outside = re.findall(r'(?:src|href)\s*=\s*"(?:https?:)?//[^"]*"|<link\b|<script\s+src', html)
        if outside:
            failures.append(f"{name}: the page reaches outside itself: {outside[:3]}")
        # What the replay holds, from ntsim's own outputs.
        records = [json.loads(l) for l in run([ntsim, "run", "--format", "jsonl", name], folder).stdout.splitlines()]
        timeline = os.path.join(out_dir, stem + ".json")
        run([ntsim, "run", "--timeline", timeline, name], folder)
        trace = json.load(open(timeline))["traceEvents"]
        lanes = {(e["pid"], e["tid"]) for e in trace if e.get("ph") == "X" and e.get("cat") == "state"}
        maps = json.loads("[" + html.split("const MAPS = [", 1)[1].split("];\n", 1)[0] + "]")
        want = {
            "record": len(records),
            "proc": sum(1 for r in records if r.get("event") == "process_create"),
            "lane": len(lanes),
            "block": sum(1 for m in maps for r in m["regions"] if r["state"] != "MEM_FREE"),
        }
        dom = browser(["--dump-dom"], page).stdout.decode("utf-8", "replace")
        got = {k: len(re.findall(r'class="%s[" ]' % k, dom)) for k in want}
        if got != want:
            failures.append(f"{name}: the browser drew {got}, the replay holds {want}")
        browser(["--window-size=1200,1800", "--screenshot=" + os.path.join(out_dir, stem + ".png")], page)

for f in failures:
    print("FAIL:", f)
print(f"{len(scenarios)} report(s), {len(failures)} failing")
sys.exit(1 if failures else 0)
