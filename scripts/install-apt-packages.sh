#!/usr/bin/env bash
# Installs the Debian packages of tools/apt-packages.txt (the one list) that are missing.
# Used by .ci/run, and by scripts that need one of them when run on their own (helm/tests/run.sh).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
need=()
while read -r pkg _; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done < "$repo/tools/apt-packages.txt"
[[ ${#need[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
    echo "missing Debian packages (tools/apt-packages.txt): ${need[*]}; install them as root" >&2
    exit 1
fi
echo "Installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
