#!/usr/bin/env bash
# make lint: `dotnet format --verify-no-changes` (whitespace, code style and analyzers, each rule at the
# level .editorconfig and Directory.Build.props give it). On failure: one line per problem,
#   lint: FAIL <file>:<line>:<column> <RULE> <message>
# then a count per rule. Usage: lint.sh [SOLUTION-OR-PROJECT] [extra dotnet format options]
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:-$repo/AuthzService.sln}
[[ $# -gt 0 ]] && shift
# From the target's folder: dotnet format matches --include/--exclude against paths relative to the
# current directory, and a file outside it is silently left out once --exclude is given.
target=$(cd "$(dirname "$target")" && pwd)/$(basename "$target")
cd "$(dirname "$target")"
out=$(dotnet format "$target" --verify-no-changes --exclude '**/obj/**' "$@" 2>&1)
rc=$?
if [[ $rc -eq 0 ]]; then
    echo "lint: ok ($(basename "$target"): formatting, code style and analyzers)"
    exit 0
fi
# "<path>(<line>,<col>): error <RULE>: <message> [<project>]"; a file in several projects repeats.
problems=$(grep -E '^.+\([0-9]+,[0-9]+\): (error|warning|info) [A-Za-z]+[A-Za-z0-9]*: ' <<<"$out" \
    | sed -E 's#^(.+)\(([0-9]+),([0-9]+)\): (error|warning|info) ([A-Za-z0-9]+): (.*) \[[^]]*\]$#\1:\2:\3 \5 \6#' \
    | sed -e "s#^$repo/##" -e "s#^$PWD/##" | sort -u)
if [[ -z $problems ]]; then
    tail -30 <<<"$out"
    echo "lint: FAIL dotnet format exited $rc without naming a file (see above)"
    exit 1
fi
sed 's/^/lint: FAIL /' <<<"$problems"
echo "lint: $(grep -c . <<<"$problems") problems; by rule: $(awk '{print $2}' <<<"$problems" | sort | uniq -c | awk '{printf "%s %s, ", $2, $1}' | sed 's/, $//')"
echo "lint: \`dotnet format AuthzService.sln --exclude '**/obj/**'\` fixes formatting and most style rules; analyzer rules (CAxxxx) need a code change"
exit 1
