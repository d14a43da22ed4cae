#!/usr/bin/env bash
# Runs every suite and ends with one line "N passed, N failed" summing them all.
# Suites: each tests/*/ MSTest project (unit, integration, interop), the Cerbos policy tests, the Helm
# chart checks, the CI gates' self-checks and the fuzz smoke run (one count per fuzz target).
set -uo pipefail
config="${1:-Release}"
cd "$(dirname "$0")/.."
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT
total_passed=0; total_failed=0; total_skipped=0; broken=0
summary=()

add() { # name passed failed skipped
    total_passed=$((total_passed + $2)); total_failed=$((total_failed + $3)); total_skipped=$((total_skipped + $4))
    summary+=("$(printf '  %-34s %5s passed, %s failed, %s skipped' "$1" "$2" "$3" "$4")")
}

# Policy tests (cerbos compile).
if out=$(scripts/policies-test.sh "$AUTHZ_TOOLS_DIR/node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64" cerbos-policies 2>&1); then :; else broken=1; fi
echo "$out"
line=$(grep -E '^policy tests: ' <<<"$out" | tail -1)
if [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped ]]; then
    add "cerbos-policies" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
else
    add "cerbos-policies" 0 1 0
fi

# Helm chart: rendered offline and checked object by object.
if helm_out=$(bash helm/tests/run.sh 2>&1); then :; else broken=1; fi
grep -E 'FAIL|^helm (checks|tests):' <<<"$helm_out"
line=$(grep -E '^helm checks: ' <<<"$helm_out" | tail -1)
if [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    add "helm-chart" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" 0
else
    echo "$helm_out" | tail -40
    add "helm-chart" 0 1 0
fi

# CI gates: each gate's self-check (it must refuse a bad fixture) and the gate checks that are cheap
# enough to run on the repository itself (scripts/gates/selftest.sh).
if gates_out=$(bash scripts/gates/selftest.sh 2>&1); then :; else broken=1; fi
echo "$gates_out"
line=$(grep -E '^gate checks: ' <<<"$gates_out" | tail -1)
if [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    add "ci-gates" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" 0
else
    echo "$gates_out" | tail -40
    add "ci-gates" 0 1 0
fi

# The randomized suites (revocation race, differential oracle) write what they tried here (SuiteReport.cs);
# the fuzz smoke run adds its per-target lines.
export AUTHZ_SUITE_REPORT="$logdir/suite-report.txt"

# Fuzz smoke (issue 14 point 4): the committed corpus plus seeded mutations through every fuzz target of
# tests/AuthzService.Fuzz, one "FUZZ: target=..." line each (`make fuzz` is the coverage-guided AFL++ run).
fuzz_dll="tests/AuthzService.Fuzz/bin/$config/net10.0/AuthzService.Fuzz.dll"
if fuzz_out=$(dotnet "$fuzz_dll" smoke 2>&1); then :; else broken=1; fi
head -200 <<<"$fuzz_out"
grep -E '^FUZZ: target=' <<<"$fuzz_out" >>"$AUTHZ_SUITE_REPORT" || true
line=$(grep -E '^fuzz smoke: ' <<<"$fuzz_out" | tail -1)
if [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    add "fuzz-smoke" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" 0
else
    add "fuzz-smoke" 0 1 0
fi

for proj in tests/*/*.csproj; do
    name=$(basename "$proj" .csproj)
    [[ $name == AuthzService.Testing ]] && continue
    # A project with no test classes yet is not a suite.
    grep -rqs --include='*.cs' -E '\[TestClass\]' "$(dirname "$proj")" || continue
    log="$logdir/$name.log"
    echo "::: $name"
    dotnet test "$proj" -c "$config" --no-build --nologo >"$log" 2>&1
    rc=$?
    grep -E '^\s+(Failed|Skipped) |Error Message|^\s+at |Passed!|Failed!|error' "$log" | head -200
    res=$(grep -E '(Passed|Failed)!\s+-' "$log" | tail -1)
    if [[ $res =~ Failed:\ +([0-9]+),\ Passed:\ +([0-9]+),\ Skipped:\ +([0-9]+) ]]; then
        add "$name" "${BASH_REMATCH[2]}" "${BASH_REMATCH[1]}" "${BASH_REMATCH[3]}"
        [[ $rc -ne 0 && ${BASH_REMATCH[1]} -eq 0 ]] && { tail -50 "$log"; add "$name (host crash)" 0 1 0; }
    else
        tail -80 "$log"
        add "$name (did not run)" 0 1 0
    fi
done

if [[ -s $AUTHZ_SUITE_REPORT ]]; then
    echo
    echo "Randomized and fault suites (seeds replay with AUTHZ_RACE_SEED / AUTHZ_ORACLE_SEED / FUZZ_SEED, docs/testing.md):"
    cat "$AUTHZ_SUITE_REPORT"
fi

echo
echo "Suites:"
printf '%s\n' "${summary[@]}"
echo
if [[ $broken -ne 0 && $total_failed -eq 0 ]]; then total_failed=1; fi
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
[[ $total_failed -eq 0 ]]
