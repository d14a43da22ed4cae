#!/usr/bin/env bash
# Compiles the Cerbos policies and runs their tests (`cerbos compile` does both).
# Usage: scripts/policies-test.sh <cerbos binary> <policy dir>
# Prints failures, then one line "policy tests: N passed, N failed, N skipped"; exits non-zero on
# any failure. A policy that does not load or compile counts as one failed test, so the summary
# line is always there for scripts/run-tests.sh to add up.
#
# Output shape of `cerbos compile --output=json` (checked against Cerbos 0.55.0):
#   tests ran:        {"suites": [...], "summary": {"overallResult", "testsCount", "resultCounts": [{"result", "count"}]}}
#   suite not loaded: that suite's summary is {"overallResult": "RESULT_ERRORED"} with an "error" string, no counts
#   compile errors:   {"compileErrors": {"errors": [{"file", "error", "description", "position"}]}}
#   load/lint errors: {"lintErrors": {"load_failures": [...], ...}}
# Exit status: 0 ok, 3 compile/lint failure, 4 test failure. Diagnostics ("cerbos: error: ...") go to stderr.
set -euo pipefail
if [[ $# -ne 2 ]]; then
    echo "usage: $0 <cerbos binary> <policy dir>" >&2
    exit 2
fi
cerbos="$1"; dir="$2"
out=$(mktemp); err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
status=0
"$cerbos" compile --output=json --no-color "$dir" >"$out" 2>"$err" || status=$?

python3 - "$out" "$err" "$status" <<'PY'
import json, sys

out_path, err_path, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
raw = open(out_path).read()
stderr = open(err_path).read().strip()

def finish(passed, failed, skipped):
    print(f"policy tests: {passed} passed, {failed} failed, {skipped} skipped")
    sys.exit(1 if failed else 0)

try:
    doc = json.loads(raw) if raw.strip() else {}
except ValueError:
    print(raw)
    print(stderr)
    print("cerbos compile printed something that is not JSON")
    finish(0, 1, 0)

problems = []
for e in (doc.get("compileErrors") or {}).get("errors") or []:
    pos = e.get("position") or {}
    problems.append(f"compile error: {e.get('file')}:{pos.get('line', '?')}: {e.get('error')}: {e.get('description', '')}")
for kind, items in (doc.get("lintErrors") or {}).items():
    for e in items or []:
        detail = e.get("error") or e.get("description") or json.dumps(e)
        problems.append(f"{kind}: {e.get('file', '')}: {detail}")
if problems:
    print("\n".join(problems))
    print(stderr)
    finish(0, 1, 0)

passed = failed = skipped = 0
for suite in doc.get("suites") or []:
    summary = suite.get("summary") or {}
    counts = {c.get("result"): c.get("count", 0) for c in summary.get("resultCounts") or []}
    passed += counts.get("RESULT_PASSED", 0)
    skipped += counts.get("RESULT_SKIPPED", 0)
    failed += counts.get("RESULT_FAILED", 0) + counts.get("RESULT_ERRORED", 0)
    if summary.get("overallResult") == "RESULT_ERRORED" and not counts:
        # The suite did not load (e.g. it names an unknown principal): one failure, with the reason.
        failed += 1
        print(f"suite error: {suite.get('file')}: {suite.get('error', '')}")
        continue
    for case in suite.get("testCases") or []:
        for p in case.get("principals") or []:
            for r in p.get("resources") or []:
                for a in r.get("actions") or []:
                    d = a.get("details") or {}
                    if d.get("result") in ("RESULT_FAILED", "RESULT_ERRORED"):
                        why = d.get("failure") or d.get("error") or ""
                        print(f"FAILED {suite.get('file')} / {case.get('name')}: "
                              f"{p.get('name')} {a.get('name')} {r.get('name')}: {json.dumps(why)}")

if status != 0 and failed == 0:
    # Cerbos said no but nothing above explains it: show everything rather than pass silently.
    print(raw)
    print(stderr)
    failed = 1
finish(passed, failed, skipped)
PY
