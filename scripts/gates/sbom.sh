#!/usr/bin/env bash
# make sbom: CycloneDX SBOMs (JSON) of the service (src/AuthzService.Api, what the image ships) and of
# the client library package (src/AuthzService.Client, with the project assemblies it bundles), into
# artifacts/sbom/, then checks each against the build output (scripts/gates/sbom-check.py).
# Needs a restored and built solution (CONFIG, default Release) and the local dotnet tools
# (.config/dotnet-tools.json: CycloneDX).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
config=${CONFIG:-Release}
out=${SBOM_DIR:-$repo/artifacts/sbom}
mkdir -p "$out"
dotnet tool restore >/dev/null

chart_version=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' helm/authz-service/Chart.yaml)
failed=0
sbom() { # NAME PROJECT VERSION TYPE
    local name=$1 project=$2 version=$3 type=$4 dir deps
    dir=$(dirname "$project"); deps="$dir/bin/$config/net10.0/$(basename "$project" .csproj).deps.json"
    [[ -f $deps ]] || { echo "sbom: FAIL $deps is missing: build first (make build)"; failed=1; return; }
    # --disable-package-restore: the solution is restored already (and the SBOM must describe that restore).
    if ! log=$(dotnet CycloneDX "$project" --output "$out" --filename "$name.cdx.json" --output-format Json \
            --spec-version 1.6 --recursive --disable-package-restore \
            --set-name "$name" --set-version "$version" --set-type "$type" 2>&1); then
        echo "$log" | tail -20; echo "sbom: FAIL CycloneDX could not describe $project"; failed=1; return
    fi
    echo "sbom: wrote ${out#"$repo/"}/$name.cdx.json"
    scripts/gates/sbom-check.py --sbom "$out/$name.cdx.json" --project "$project" --deps "$deps" || failed=1
}
sbom authz-service src/AuthzService.Api/AuthzService.Api.csproj "$chart_version" Application
client_version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/AuthzService.Client/AuthzService.Client.csproj | head -1)
sbom AuthzService.Client src/AuthzService.Client/AuthzService.Client.csproj "${client_version:-0.0.0}" Library
exit $failed
