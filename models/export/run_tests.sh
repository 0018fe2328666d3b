#!/usr/bin/env bash
# Runs the export-tooling tests with Debian's system python (torch 1.13 + onnx), installing the Debian
# packages first if an import fails. Prints "N passed, M failed" last; exits non-zero on any failure.
set -u
cd "$(dirname "$0")"
PY=/usr/bin/python3
if ! "$PY" -c "import torch, onnx, numpy" >/dev/null 2>&1; then
    echo "installing python3-torch python3-onnx python3-numpy from Debian ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq python3-torch python3-onnx python3-numpy; } >/dev/null 2>&1 || {
        echo "error: expected python3-torch, python3-onnx and python3-numpy to install with apt-get, found a failure" >&2
        echo "0 passed, 1 failed"
        exit 1
    }
fi
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
PYTHONWARNINGS=ignore "$PY" -m unittest discover -s tests -t . -v >"$LOG" 2>&1
STATUS=$?
cat "$LOG" >&2
TOTAL=$(sed -n 's/^Ran \([0-9][0-9]*\) tests\{0,1\} in .*/\1/p' "$LOG" | tail -1)
TOTAL=${TOTAL:-0}
BAD=0
LINE=$(grep -E '^FAILED \(' "$LOG" | tail -1)
if [ -n "$LINE" ]; then
    for key in failures errors; do
        n=$(echo "$LINE" | sed -n "s/.*$key=\([0-9][0-9]*\).*/\1/p")
        BAD=$((BAD + ${n:-0}))
    done
fi
if [ "$STATUS" -ne 0 ] && [ "$BAD" -eq 0 ]; then
    BAD=1
fi
echo "$((TOTAL - BAD < 0 ? 0 : TOTAL - BAD)) passed, $BAD failed"
[ "$STATUS" -eq 0 ] && [ "$BAD" -eq 0 ]
