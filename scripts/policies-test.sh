#!/usr/bin/env bash
# Compiles the Cerbos policies and runs their tests; prints how many ran and a summary line.
set -euo pipefail
cerbos="$1"; dir="$2"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
"$cerbos" compile --output=json "$dir" >"$out" 2>&1 || status=$?
if ! python3 - "$out" "$status" <<'PY'
import json, sys
path, status = sys.argv[1], int(sys.argv[2])
raw = open(path).read()
try:
    doc = json.loads(raw)
except ValueError:
    print(raw)
    print("policy tests: compile failed")
    sys.exit(1)
summary = (doc.get("testResults") or {}).get("summary") or {}
counts = {c.get("result", ""): c.get("count", 0) for c in summary.get("resultCounts", [])}
passed = counts.get("RESULT_PASSED", 0)
failed = sum(v for k, v in counts.items() if k in ("RESULT_FAILED", "RESULT_ERRORED"))
skipped = counts.get("RESULT_SKIPPED", 0)
errors = doc.get("compileErrors") or []
for e in errors:
    print("compile error:", e)
if status != 0 and failed == 0 and not errors:
    print(raw)
    failed = 1
print(f"policy tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or errors else 0)
PY
then exit 1; fi
