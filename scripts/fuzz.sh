#!/usr/bin/env bash
# make fuzz: coverage-guided fuzzing of every target of tests/AuthzService.Fuzz with AFL++ (Debian afl++) and
# SharpFuzz (the pinned local dotnet tool sharpfuzz instruments our assemblies and the parsers they call).
#   FUZZ_SECONDS  seconds per target (default 120)      FUZZ_TARGETS  space-separated targets (default: all)
# Findings go to artifacts/fuzz/afl/<target>/default/{queue,crashes,hangs}; crashes are replayed with the
# uninstrumented build to show the exception. Exit 1 when any target saved a crash or a hang. docs/testing.md, "Fuzzing".
set -euo pipefail
config="${1:-Release}"
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-120}"
out=artifacts/fuzz
bin="$out/bin"
plain="tests/AuthzService.Fuzz/bin/$config/net10.0/AuthzService.Fuzz.dll"

if ! command -v afl-fuzz >/dev/null; then
    echo "fuzz: afl-fuzz not found; installing the Debian packages of tools/apt-packages.txt (afl++)"
    scripts/install-apt-packages.sh
fi
dotnet tool restore >/dev/null

dotnet build tests/AuthzService.Fuzz -c "$config" --nologo -clp:ErrorsOnly >/dev/null
targets="${FUZZ_TARGETS:-$(dotnet "$plain" list | awk '{print $1}' | tr '\n' ' ')}"

# A fresh publish every run: instrumenting rewrites the assemblies in place, and an instrumented one cannot be again.
rm -rf "$bin"
dotnet publish tests/AuthzService.Fuzz -c "$config" -o "$bin" --nologo -clp:ErrorsOnly >/dev/null
for dll in AuthzService.Api AuthzService.Contracts AuthzService.Core AuthzService.Infrastructure AuthzService.Tls Google.Protobuf FluentValidation; do
    dotnet sharpfuzz "$bin/$dll.dll" >/dev/null
done
echo "fuzz: instrumented our assemblies, Google.Protobuf and FluentValidation in $bin; ${seconds}s per target: $targets"

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
stat() { awk -v k="$2" '$1 == k { print $3 }' "$1"; }
summary=(); found=0
for target in $targets; do
    dir="$out/afl/$target"
    rm -rf "$dir"
    mkdir -p "$dir"
    dotnet "$plain" dict "$target" "$dir/dictionary.txt"
    echo "::: fuzz: $target"
    # -t: generous per-input limit (the first inputs JIT-compile); -m none: the .NET runtime reserves far more than it uses.
    afl-fuzz -i "tests/AuthzService.Fuzz/corpus/$target" -o "$dir" -V "$seconds" -t 5000 -m none -x "$dir/dictionary.txt" \
        -- dotnet "$bin/AuthzService.Fuzz.dll" afl "$target" >"$dir/afl.log" 2>&1 || { tail -30 "$dir/afl.log"; found=1; }
    if grep -q "No instrumentation detected" "$dir/afl.log"; then
        echo "fuzz: afl-fuzz saw no coverage from $target: were the assemblies in $bin rebuilt after instrumenting (a build running meanwhile)? Run make fuzz again."
    fi
    stats="$dir/default/fuzzer_stats"
    if [[ ! -f $stats ]]; then
        summary+=("FUZZ-AFL: target=$target did not run (see $dir/afl.log)"); found=1; continue
    fi
    crashes=$(stat "$stats" saved_crashes); hangs=$(stat "$stats" saved_hangs)
    summary+=("FUZZ-AFL: target=$target seconds=$seconds execs=$(stat "$stats" execs_done) execs_per_sec=$(stat "$stats" execs_per_sec) edges=$(stat "$stats" edges_found) corpus=$(stat "$stats" corpus_count) (seeds $(ls "tests/AuthzService.Fuzz/corpus/$target" | wc -l)) stability=$(stat "$stats" stability) crashes=$crashes hangs=$hangs")
    if [[ ${crashes:-0} -ne 0 || ${hangs:-0} -ne 0 ]]; then
        found=1
        shopt -s nullglob
        for input in "$dir"/default/crashes/id:* "$dir"/default/hangs/id:*; do
            echo "fuzz: $target: $input"
            FUZZ_HANG_SECONDS=10 dotnet "$plain" replay "$target" "$input" | head -12 || true
        done
        shopt -u nullglob
    fi
done

echo
printf '%s\n' "${summary[@]}"
if [[ $found -ne 0 ]]; then
    echo "fuzz: crashes or hangs found: add each input to tests/AuthzService.Fuzz/corpus/<target>/crash-<what>, fix, and give the fix its own test"
    exit 1
fi
echo "fuzz: no crashes, no hangs"
