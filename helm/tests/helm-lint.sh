#!/usr/bin/env bash
# `helm lint --strict` and `helm template` for the default values and every example,
# when a helm binary is on PATH (CI machines here have none: then it says so and
# succeeds). Policies come from cerbos-policies/ (as `make helm-policies` does) or,
# failing that, the test fixtures.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/.." && pwd)
if ! command -v helm >/dev/null; then
    echo "helm-lint: skipped (no helm on PATH); helm/tests/run.sh covers rendering and schemas offline"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/authz-service" "$work/authz-service"
policies="$here/tests/fixtures/policies"
if compgen -G "$repo/cerbos-policies/*/*.yaml" >/dev/null; then policies="$repo/cerbos-policies"; fi
rm -rf "$work/authz-service/files/policies"
mkdir -p "$work/authz-service/files/policies"
cp -r "$policies"/. "$work/authz-service/files/policies/"
helm lint --strict "$work/authz-service"
for f in "$work"/authz-service/examples/*.yaml; do
    echo "helm lint --strict -f examples/$(basename "$f")"
    helm lint --strict "$work/authz-service" -f "$f"
    helm template authz "$work/authz-service" --namespace authz -f "$f" >/dev/null
done
for f in "$work"/authz-service/tests/bad-values/*.yaml; do
    if helm template authz "$work/authz-service" -f "$f" >/dev/null 2>&1; then
        echo "helm-lint: $(basename "$f") was accepted; values.schema.json should reject it" >&2
        exit 1
    fi
done
echo "helm-lint: ok"
