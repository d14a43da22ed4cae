#!/usr/bin/env bash
# Usage: verify-checksums.sh DIR [CHECKSUM_FILE]
# Checks every "SHA256  PATH" line of CHECKSUM_FILE (default tools/tool-checksums.sha256; '#' lines
# are comments) against DIR/PATH. Prints one line per file; exits 1 naming each missing or
# mismatched file.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:?usage: verify-checksums.sh DIR [CHECKSUM_FILE]}
sums=${2:-$repo/tools/tool-checksums.sha256}
failed=0; checked=0
while read -r want path; do
    [[ -z "$want" || "$want" == \#* ]] && continue
    checked=$((checked + 1))
    if [[ ! -f "$dir/$path" ]]; then
        echo "checksum: FAIL $path: missing in $dir"; failed=$((failed + 1)); continue
    fi
    got=$(sha256sum "$dir/$path" | cut -d' ' -f1)
    if [[ "$got" == "$want" ]]; then
        echo "checksum: ok   $path"
    else
        echo "checksum: FAIL $path: sha256 $got, expected $want (${sums#"$repo/"})"; failed=$((failed + 1))
    fi
done < "$sums"
if [[ $checked -eq 0 ]]; then echo "checksum: FAIL no checksum in $sums"; exit 1; fi
[[ $failed -eq 0 ]]
