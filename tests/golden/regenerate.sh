#!/bin/sh
# regenerate.sh - rebuilds every golden output from the current build, for
# a change of the output format (or a merge of two branches that each moved
# them): the scenarios' goldens (tests/golden), the docs' checked blocks
# (check_docs.py --fix) and the debugger's sessions (test_debug.py
# --update). Review `git diff` afterwards: every change must be intended.
#
#   tests/golden/regenerate.sh [BUILD_DIR]      (default: build)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
ntsim=$build/bin/ntsim
drivers=$build/tests/drivers
cd "$root"

# One golden: NAME SCENARIO FORMAT (txt|jsonl), with NAME.args when present.
golden() {
    name=$1 scenario=$2 ext=$3 args=""
    fmt=$ext
    [ "$ext" = txt ] && fmt=text
    [ -f "tests/golden/$name.args" ] && args=$(cat "tests/golden/$name.args")
    # shellcheck disable=SC2086 # args are words
    "$ntsim" run --format "$fmt" $args "$scenario" >"tests/golden/$name.$ext" ||
        echo "regenerate.sh: $scenario exited with $? ($fmt)" >&2
}

for g in tests/golden/*.txt tests/golden/*.jsonl; do
    file=$(basename "$g")
    name=${file%.*} ext=${file##*.}
    if [ -f "sim/scenarios/$name.scn" ]; then
        golden "$name" "$root/sim/scenarios/$name.scn" "$ext"
    elif [ -f "$drivers/$name.scn" ]; then
        golden "$name" "$drivers/$name.scn" "$ext"
    else
        echo "regenerate.sh: no scenario for $g" >&2
    fi
done
rm -f tests/golden/*.actual

python3 docs/tools/check_docs.py --fix --built "$build" "$ntsim" "$root" docs/*.md README.md \
    exercises/*.md exercises/*/README.md examples/*/README.md >/dev/null || true
python3 tests/debug/test_debug.py "$ntsim" sim/scenarios --update >/dev/null || true
echo "regenerate.sh: done; review git diff"
