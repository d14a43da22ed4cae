#!/usr/bin/env bash
# Verifies the Helm chart without a cluster or a helm binary:
#   1. builds the offline renderer (Go text/template + sprig, GOPATH mode, Debian packages);
#   2. installs the checker's npm packages (npm ci from its lockfile) and, when .tools has no Cerbos,
#      the npm tools (scripts/install-tools.sh: lockfile and checksums) for `cerbos compile`;
#   3. renders the chart for values.yaml and every examples/*.yaml, checks each object
#      against Kubernetes schemas and the hardening rules, and checks values.schema.json
#      against good and bad values files.
# Everything it installs or builds goes to git-ignored folders (helm/.build, node_modules).
# Last line: "helm checks: N passed, N failed"; exit status non-zero on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)      # helm/
repo=$(cd "$here/.." && pwd)
build="$here/.build"
mkdir -p "$build"

die() { echo "helm tests: $*" >&2; echo "helm checks: 0 passed, 1 failed"; exit 1; }

# --- Go toolchain and libraries (Debian) --------------------------------------------
gopath=/usr/share/gocode
if ! command -v go >/dev/null || [[ ! -d $gopath/src/github.com/Masterminds/sprig || ! -d $gopath/src/gopkg.in/yaml.v3 ]]; then
    # Debian packages come from the one list, tools/apt-packages.txt.
    "$repo/scripts/install-apt-packages.sh" >&2 \
        || die "need golang-go, golang-github-masterminds-sprig-dev, golang-gopkg-yaml.v3-dev (tools/apt-packages.txt)"
fi

# --- renderer --------------------------------------------------------------------
render="$build/render"
if [[ ! -x $render ]] || [[ -n $(find "$here/tools/render" -name '*.go' -newer "$render") ]]; then
    echo "Building the offline renderer"
    (cd "$here/tools/render" && GO111MODULE=off GOPATH=$gopath GOCACHE="$build/gocache" GOFLAGS=-mod=mod \
        go build -o "$render" . ) || die "renderer build failed"
fi

# --- checker packages (pinned by helm/tools/check/package-lock.json) ----------------
check="$here/tools/check"
stamp="$check/node_modules/.installed"
if [[ ! -f $stamp || $check/package.json -nt $stamp || $check/package-lock.json -nt $stamp ]]; then
    echo "Installing checker packages"
    (cd "$check" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed"
    touch "$stamp"
fi

# --- Cerbos (same pinned version as tools/package.json) -----------------------------
cerbos=""
for c in "${AUTHZ_TOOLS_DIR:-$repo/.tools}/node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64" \
         "$build/tools/node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64"; do
    [[ -x $c ]] && { cerbos=$c; break; }
done
if [[ -z $cerbos ]]; then
    echo "Installing the npm tools (tools/package-lock.json) for policy compilation"
    "$repo/scripts/install-tools.sh" "$build/tools" >/dev/null || die "npm tools install failed"
    cerbos="$build/tools/node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64"
fi

# --- the chart as `make helm-policies` leaves it ------------------------------------
# The repository's policies when present, else a small fixture set (same layout).
policies="$here/tests/fixtures/policies"
if compgen -G "$repo/cerbos-policies/*/*.yaml" >/dev/null; then policies="$repo/cerbos-policies"; fi
chart="$build/chart"
rm -rf "$chart" "$build/work"
cp -r "$here/authz-service" "$chart"
rm -rf "$chart/files/policies"
mkdir -p "$chart/files/policies"
cp -r "$policies"/. "$chart/files/policies/"
echo "Chart checks with policies from ${policies#$repo/}"

node "$check/check.mjs" --render "$render" --chart "$chart" --cerbos "$cerbos" --work "$build/work" --repo "$repo"
