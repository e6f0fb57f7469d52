#!/usr/bin/env python3
"""What `cmake --install` gives a user of the command, checked from outside.

usage: test_install.py install BUILD_DIR SOURCE_DIR   the tree: program, scenarios, docs, man, completion;
                                                      the installed ntsim replays an installed scenario
       test_install.py man NTSIM SOURCE_DIR           the man pages render without warnings, with their sections
       test_install.py completion NTSIM SOURCE_DIR    bash completion completes commands, options, files, drivers
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


def test_install(build, source):
    with tempfile.TemporaryDirectory() as prefix:
        p = run("cmake", "--install", build, "--prefix", prefix)
        check(p.returncode == 0, f"cmake --install failed: {p.stderr}")
        want = ["bin/ntsim", "share/ntsim/scenarios/hello.scn", "share/doc/ntsim/README.md",
                "share/doc/ntsim/getting-started.md", "share/doc/ntsim/scenario-language.md",
                "share/man/man1/ntsim.1", "share/man/man5/ntsim-scenario.5",
                "share/bash-completion/completions/ntsim"]
        for path in want:
            check(os.path.isfile(os.path.join(prefix, path)), f"not installed: {path}")
        zsh = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(prefix, "share", "zsh")) for f in fs]
        check([os.path.basename(z) for z in zsh] == ["_ntsim"], f"zsh completion installed as {zsh}")
        shipped = sorted(f for f in os.listdir(os.path.join(source, "sim", "scenarios")) if f.endswith(".scn"))
        installed = sorted(os.listdir(os.path.join(prefix, "share", "ntsim", "scenarios")))
        check(shipped == installed, f"installed scenarios {installed} differ from the shipped {shipped}")
        # The installed program on an installed scenario: what the golden file says.
        p = run(os.path.join(prefix, "bin", "ntsim"), "run", os.path.join(prefix, "share/ntsim/scenarios/hello.scn"))
        with open(os.path.join(source, "tests", "golden", "hello.txt")) as f:
            check(p.returncode == 0 and p.stdout == f.read(), f"installed ntsim on hello.scn: {p.returncode} {p.stderr}")


def render(page):
    """The page as text and its warnings, with man -l where there is man, else groff."""
    env = dict(os.environ, MANWIDTH="80", LANG="C.UTF-8")
    if shutil.which("man"):
        p = run("man", "--warnings", "-l", page, env=env)
    else:
        p = run("groff", "-man", "-ww", "-Tutf8", "-P-cbou", page, env=env)
    return p.returncode, p.stdout, p.stderr


def test_man(ntsim, source):
    if not shutil.which("man") and not shutil.which("groff"):
        print("test_install: neither man nor groff: the man pages are not rendered")
        return
    pages = {"docs/man/ntsim.1": ["NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "EXIT STATUS",
                                  "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"],
             "docs/man/ntsim-scenario.5": ["NAME", "SYNOPSIS", "DESCRIPTION", "VALUES", "COMMANDS", "OUTPUT",
                                           "EXAMPLES", "FILES", "SEE ALSO"]}
    for page, sections in pages.items():
        rc, text, warnings = render(os.path.join(source, page))
        check(rc == 0 and text.strip(), f"{page} does not render: {warnings}")
        check(warnings.strip() == "", f"{page} renders with warnings: {warnings}")
        found = [line.strip() for line in text.splitlines() if line and not line[0].isspace()]
        for s in sections:
            check(s in found, f"{page} has no section {s}")
    # Every option the command's own help names is in ntsim(1) (its source, where no line break splits one).
    with open(os.path.join(source, "docs/man/ntsim.1")) as f:
        man1 = f.read().replace("\\-", "-")
    helps = (run(ntsim, "--help").stdout + run(ntsim, "run", "--help").stdout + run(ntsim, "check", "--help").stdout +
             run(ntsim, "debug", "--help").stdout)
    options = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", helps))
    check("--check-first" in options and "-q" in options, f"options read from the help: {options}")
    for o in sorted(options):
        check(re.search(r"(?<![\w-])" + re.escape(o) + r"(?![\w-])", man1), f"ntsim(1) does not mention {o}")


def complete(script, words, cwd=None):
    """What bash completion offers for the command line `words` (the last one being typed)."""
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    prog = (f"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; _ntsim; "
            "printf '%s\\n' \"${COMPREPLY[@]}\"")
    p = run("bash", "-c", prog, cwd=cwd)
    check(p.returncode == 0 and p.stderr == "", f"completing {words}: {p.stderr}")
    return sorted(x for x in p.stdout.split("\n") if x)


def test_completion(ntsim, source):
    bash = os.path.join(source, "sim/completion/ntsim.bash")
    got = complete(bash, [ntsim, ""])
    check(got == sorted(["run", "check", "report", "debug", "help", "version", "--help", "--version"]), f"commands: {got}")
    check(complete(bash, [ntsim, "debug", "-"]) == ["--help", "--seed", "-c"], "debug's options")
    check(complete(bash, [ntsim, "run", "--f"]) == ["--format"], "run --f completes to --format")
    check(complete(bash, [ntsim, "run", "--format", ""]) == ["jsonl", "sysmon", "text"], "--format's values")
    check(complete(bash, [ntsim, "run", "--trace", "s"]) == ["sched", "syscalls"], "--trace's values")
    check(complete(bash, [ntsim, "run", "--color", "a"]) == ["always", "auto"], "--color's values")
    drivers = run(ntsim, "--list-drivers").stdout.split()
    check("sysmon" in drivers and "melody" in drivers, f"ntsim --list-drivers: {drivers}")
    check(complete(bash, [ntsim, "help", ""]) == sorted(["drivers", *drivers]), "help completes the driver names")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("a.scn", "b.txt"):
            open(os.path.join(tmp, name), "w").close()
        os.mkdir(os.path.join(tmp, "sub"))
        got = complete(bash, [ntsim, "run", ""], cwd=tmp)
        check(got == ["a.scn", "sub"], f"run completes scenario files and folders: {got}")
        got = complete(bash, [ntsim, "check", ""], cwd=tmp)
        check(got == ["a.scn", "sub"], f"check completes scenario files: {got}")
    zsh = shutil.which("zsh")
    if zsh:
        p = run(zsh, "-n", os.path.join(source, "sim/completion/_ntsim"))
        check(p.returncode == 0, f"_ntsim is not valid zsh: {p.stderr}")


mode, target, source = sys.argv[1:4]
{"install": test_install, "man": test_man, "completion": test_completion}[mode](target, source)
for f in failures:
    print("FAIL:", f)
print(f"test_install {mode}: {len(failures)} check(s) failed" if failures else f"test_install {mode}: all checks passed")
sys.exit(1 if failures else 0)
