#!/usr/bin/env python3
"""`ntsim run --format sysmon`: each Sysmon event against the scenario's own
records (the same run in JSON Lines).

usage: check_sysmon.py NTSIM SCENARIO...

Every line is an Event element of Sysmon's provider with a known ID and
record IDs 1, 2, 3...; event 1 for each process_create (ProcessId, Image,
CommandLine, ParentProcessId, UtcTime), 5 for each process_exit, 7 for each
image_load into a process (ImageLoaded as a Win32 path), 8 for each thread
created in a process by another process's thread (not its first), 10 for
each successful NtOpenProcess (the same run with --trace syscalls), by its
thread:
source, target, new thread, StartAddress in the target's image (its entry,
base + 0x1000) and StartModule that image; a process's GUID the same in all
its events and different from every other's; the same bytes twice. User
and IntegrityLevel of event 1 name the process's token: a known integrity
level, and what a `process query` of the process in the same run says.
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
ntsim = os.path.abspath(sys.argv[1])
failures = []


def run(scenario, fmt):
    folder, name = os.path.split(os.path.abspath(scenario))
    return subprocess.run([ntsim, "run", "--format", fmt, name], cwd=folder, capture_output=True, text=True).stdout


def utc(t):
    ms = (t - 116444736000000000) // 10000  # since 1970
    import datetime
    d = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=ms)
    return d.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (ms % 1000)


def dos(nt):
    return nt.replace("\\Device\\HarddiskVolume3", "C:", 1)


for scenario in sys.argv[2:]:
    name = os.path.basename(scenario)
    text = run(scenario, "sysmon")
    if text != run(scenario, "sysmon"):
        failures.append(f"{name}: two runs differ")
    records = [json.loads(l) for l in run(scenario, "jsonl").splitlines()]
    events = [r for r in records if r["kind"] == "event"]
    got = []
    for n, line in enumerate(text.splitlines(), 1):
        e = ET.fromstring(line)
        system = e.find(NS + "System")
        if system.find(NS + "Provider").get("Name") != "Microsoft-Windows-Sysmon":
            failures.append(f"{name}:{n}: not Sysmon's provider")
        if int(system.find(NS + "EventRecordID").text) != n:
            failures.append(f"{name}:{n}: EventRecordID is not {n}")
        fields = {d.get("Name"): d.text for d in e.find(NS + "EventData")}
        got.append((int(system.find(NS + "EventID").text), fields))
    want = []
    first_seen, exe_base = set(), {}
    for r in events:
        k = r["event"]
        if k == "process_create":
            want.append((1, {"ProcessId": str(r["pid"]), "Image": r["image"], "CommandLine": r["cmdline"],
                             "ParentProcessId": str(r["ppid"]), "UtcTime": utc(r["time"])}))
        elif k == "process_exit":
            want.append((5, {"ProcessId": str(r["pid"]), "UtcTime": utc(r["time"])}))
        elif k == "image_load" and r["pid"]:
            exe_base.setdefault(r["pid"], (int(r["base"], 16), dos(r["image"])))
            want.append((7, {"ProcessId": str(r["pid"]), "ImageLoaded": dos(r["image"])}))
        elif k == "thread_create":
            first = r["pid"] not in first_seen
            first_seen.add(r["pid"])
            if not first and r["creating_pid"] != r["pid"]:
                base, image = exe_base[r["pid"]]
                want.append((8, {"SourceProcessId": str(r["creating_pid"]), "TargetProcessId": str(r["pid"]),
                                 "NewThreadId": str(r["tid"]), "StartAddress": "0x%016X" % (base + 0x1000),
                                 "StartModule": image}))
    # Event 10: a process opened. In order, a successful NtOpenProcess of the same run, by the same thread.
    folder, base = os.path.split(os.path.abspath(scenario))
    traced = subprocess.run([ntsim, "run", "--format", "jsonl", "--trace", "syscalls", base], cwd=folder,
                            capture_output=True, text=True).stdout
    opens = [json.loads(l)["tid"] for l in traced.splitlines()
             if '"NtOpenProcess"' in l and '"status":"STATUS_SUCCESS"' in l]
    accesses = [int(g["SourceThreadId"]) for gid, g in got if gid == 10]
    if opens != accesses:
        failures.append(f"{name}: event 10 by threads {accesses}, NtOpenProcess succeeded for {opens}")
    got = [g for g in got if g[0] != 10]
    if [w[0] for w in want] != [g[0] for g in got]:
        failures.append(f"{name}: event IDs {[g[0] for g in got]}, the records say {[w[0] for w in want]}")
    else:
        for (wid, w), (gid, g) in zip(want, got):
            for key, value in w.items():
                if g.get(key) != value:
                    failures.append(f"{name}: event {gid} {key}: {g.get(key)!r}, the records say {value!r}")
    # The token: event 1's User and IntegrityLevel against the process's own query records.
    created = {}  # PID -> (User, IntegrityLevel) of its latest event 1
    token_of_query = {}
    for gid, g in got:
        if gid == 1:
            if g.get("IntegrityLevel") not in ("Untrusted", "Low", "Medium", "High", "System") or g.get("User") in (None, "-"):
                failures.append(f"{name}: process {g['ProcessId']} created with User {g.get('User')!r} IntegrityLevel {g.get('IntegrityLevel')!r}")
            created.setdefault(g["ProcessId"], []).append((g.get("User"), g.get("IntegrityLevel")))
    for r in records:
        if r.get("cmd") == "process query" and "integrity" in r:
            pid = str(r["pid"])
            if pid in created and (r["user"], r["integrity"]) not in created[pid]:
                failures.append(f"{name}: process {pid} queried as {r['user']} {r['integrity']}, its event 1 says {created[pid]}")
    guids, lives = {}, set()  # a PID's GUID while it lives; every (PID, GUID) seen
    for gid, g in got:
        for who, key in (("ProcessId", "ProcessGuid"), ("SourceProcessId", "SourceProcessGuid"),
                         ("TargetProcessId", "TargetProcessGuid")):
            if who in g and key in g:
                if guids.setdefault(g[who], g[key]) != g[key]:
                    failures.append(f"{name}: process {g[who]} has two GUIDs")
                lives.add((g[who], g[key]))
        if gid == 5:
            guids.pop(g["ProcessId"], None)  # the PID may name another process later
    if len({guid for _, guid in lives}) != len(lives):
        failures.append(f"{name}: two processes share a GUID")

for f in failures[:20]:
    print("FAIL:", f)
print(f"{len(sys.argv) - 2} scenario(s), {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
