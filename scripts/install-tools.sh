#!/usr/bin/env bash
# Usage: install-tools.sh DIR
# Installs the npm tools (Cerbos, cerbosctl, grpc-js...) into DIR exactly as tools/package-lock.json
# pins them (`npm ci`: fails if the lockfile and tools/package.json disagree), then verifies the
# binaries against tools/tool-checksums.sha256. A DIR whose installed tree already matches the
# lockfile is not reinstalled (npm ci deletes node_modules first, which would pull the Cerbos binary
# from under a running test); its binaries are verified all the same.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: install-tools.sh DIR}
mkdir -p "$dir"
cp "$repo/tools/package.json" "$repo/tools/package-lock.json" "$dir/"
# npm writes node_modules/.package-lock.json (what is installed) on every install: compare it with
# the lockfile, package by package (version and integrity).
if node -e '
  const fs = require("fs");
  const [want, have] = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f, "utf8")).packages);
  const keys = (o) => Object.keys(o).filter((k) => k !== "").sort();
  const same = JSON.stringify(keys(want)) === JSON.stringify(keys(have)) &&
    keys(want).every((k) => want[k].version === have[k].version && want[k].integrity === have[k].integrity);
  process.exit(same ? 0 : 1);
' "$dir/package-lock.json" "$dir/node_modules/.package-lock.json" 2>/dev/null; then
    echo "npm tools: $dir already matches tools/package-lock.json"
else
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
"$repo/scripts/gates/verify-checksums.sh" "$dir"
