#!/usr/bin/env bash
# Self-checks of the CI gates (docs/testing.md, CI and supply-chain gates): each gate is run on a fixture it must
# refuse (a disallowed licence, a tag-only FROM, an edited migration...) and, where that is cheap,
# on the repository itself, which it must accept. Part of `make test` (scripts/run-tests.sh).
# Usage: selftest.sh [SECTION...]   (sections: tools docker docs licences sbom vulnerabilities lint migrations)
# Ends with "gate checks: N passed, N failed".
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
gates="$repo/scripts/gates"
work=$(mktemp -d "${TMPDIR:-/tmp}/authz-gates.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0; failed=0

# check NAME pass|fail|exit:N PATTERN -- CMD...: runs CMD; it must exit 0 (pass), non-zero (fail) or N, and its
# output must match the extended regex PATTERN (when not empty): a refusal must name what it refuses.
check() {
    local name=$1 expect=$2 pattern=$3 out rc ok=1
    shift 4
    out=$("$@" 2>&1); rc=$?
    case $expect in
        fail) [[ $rc -ne 0 ]] || ok=0 ;;
        pass) [[ $rc -eq 0 ]] || ok=0 ;;
        exit:*) [[ $rc -eq ${expect#exit:} ]] || ok=0 ;;
    esac
    if [[ -n $pattern ]] && ! grep -qE -- "$pattern" <<<"$out"; then ok=0; fi
    if [[ $ok -eq 1 ]]; then
        echo "  ok   $name"; passed=$((passed + 1))
    else
        echo "  FAIL $name (exit $rc; expected: $expect${pattern:+, with output matching /$pattern/})"
        tail -25 <<<"$out" | sed 's/^/       | /'
        failed=$((failed + 1))
    fi
}

want() { [[ $# -eq 0 ]] || [[ " ${sections[*]} " == *" $1 "* ]]; }
sections=("$@")
[[ ${#sections[@]} -eq 0 ]] && sections=(tools docker docs licences sbom vulnerabilities lint migrations)
tools_dir=${AUTHZ_TOOLS_DIR:-$repo/.tools}

# ------------------------------------------------------------------ pinned tools
if want tools; then
    echo "pinned tools:"
    check "the installed npm tools match tools/tool-checksums.sha256" pass 'ok +node_modules/@cerbos/cerbos-linux-x64' -- \
        "$gates/verify-checksums.sh" "$tools_dir"
    mkdir -p "$work/tools-bad/node_modules/@cerbos/cerbos-linux-x64" "$work/tools-bad/node_modules/@cerbos/cerbosctl-linux-x64"
    echo "not the cerbos binary" >"$work/tools-bad/node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64"
    cp "$tools_dir/node_modules/@cerbos/cerbosctl-linux-x64/cerbosctl-linux-x64" "$work/tools-bad/node_modules/@cerbos/cerbosctl-linux-x64/" 2>/dev/null
    check "a Cerbos binary with another checksum is refused, by name" fail 'FAIL node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64: sha256' -- \
        "$gates/verify-checksums.sh" "$work/tools-bad"
    rm "$work/tools-bad/node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64"
    check "a missing Cerbos binary is refused, by name" fail 'FAIL node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64: missing' -- \
        "$gates/verify-checksums.sh" "$work/tools-bad"
    lock_in_sync() { # DIR: DIR/package-lock.json pins exactly DIR/package.json's versions, each with an integrity hash
        node -e 'const fs=require("fs"), dir=process.argv[1];
                 const p=JSON.parse(fs.readFileSync(dir+"/package.json")).dependencies;
                 const l=JSON.parse(fs.readFileSync(dir+"/package-lock.json")), d=l.packages[""].dependencies; let bad=0;
                 for (const [k,v] of Object.entries(p)) { const got=(l.packages["node_modules/"+k]||{}).version;
                   if (d[k]!==v||got!==v) { console.log(`${dir}: ${k}: package.json ${v}, lockfile ${d[k]} -> ${got}`); bad=1; } }
                 for (const k of Object.keys(d)) if (!(k in p)) { console.log(`${dir}: ${k}: in the lockfile, not in package.json`); bad=1; }
                 for (const [k,v] of Object.entries(l.packages)) if (k && !v.integrity) { console.log(`${dir}: ${k}: no integrity hash`); bad=1; }
                 process.exit(bad)' "$1"
    }
    check "tools/package-lock.json pins exactly what tools/package.json asks for" pass '' -- lock_in_sync tools
    check "helm/tools/check/package-lock.json pins exactly what its package.json asks for" pass '' -- lock_in_sync helm/tools/check
    mkdir -p "$work/lock"
    cp tools/package-lock.json "$work/lock/"
    node -e 'const fs=require("fs");const p=JSON.parse(fs.readFileSync("tools/package.json"));
             p.dependencies["@cerbos/cerbos-linux-x64"]="0.54.0"; fs.writeFileSync(process.argv[1], JSON.stringify(p));' "$work/lock/package.json"
    check "a package.json the lockfile does not pin is refused, by name" fail 'cerbos-linux-x64: package.json 0.54.0, lockfile 0.55.0' -- lock_in_sync "$work/lock"
    # The one list of Debian packages: nothing but scripts/install-apt-packages.sh runs apt-get install.
    apt_one_list() {
        local root=$1 hits
        hits=$(cd "$root" && grep -rlE "apt-get( -[a-z]+)* install -y|apt install -y" .ci Makefile scripts helm/tests tests 2>/dev/null \
            | grep -vxE "scripts/install-apt-packages.sh|scripts/gates/selftest.sh")
        [[ -z $hits ]] || { echo "installs Debian packages outside tools/apt-packages.txt: $hits"; return 1; }
        grep -q "^scripts/install-apt-packages.sh" "$root/.ci/run" || { echo ".ci/run does not run scripts/install-apt-packages.sh"; return 1; }
    }
    check "Debian packages: only scripts/install-apt-packages.sh installs, from tools/apt-packages.txt" pass '' -- apt_one_list "$repo"
    mkdir -p "$work/apt/.ci" "$work/apt/scripts"
    cp .ci/run "$work/apt/.ci/run"
    printf '#!/bin/sh\napt-get install -y -qq jq\n' >"$work/apt/scripts/extra.sh"
    check "a script installing a Debian package of its own is refused, by name" fail 'outside tools/apt-packages.txt: scripts/extra.sh' -- apt_one_list "$work/apt"
fi

# ------------------------------------------------------------------ Dockerfile base images
if want docker; then
    echo "Dockerfile pins:"
    check "the repository's Dockerfiles pin every base image by digest" pass 'ok +Dockerfile:[0-9]+: FROM .*@sha256:' -- \
        "$gates/dockerfile-pins.py"
    d="$work/docker"; mkdir -p "$d"
    digest=sha256:ea8bde36c11b6e7eec2656d0e59101d4462f6bd630730f2c8201ed0572b295d5
    printf 'FROM mcr.microsoft.com/dotnet/sdk:10.0@%s AS build\nRUN true\nFROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled\n' "$digest" >"$d/tag-only"
    check "a tag-only FROM is refused, with file and line" fail "FAIL $d/tag-only:3: FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled is pinned by tag only" -- \
        "$gates/dockerfile-pins.py" "$d/tag-only"
    printf 'FROM debian\n' >"$d/bare"
    check "a FROM with neither tag nor digest is refused" fail "FAIL $d/bare:1: FROM debian is pinned by tag only" -- "$gates/dockerfile-pins.py" "$d/bare"
    printf 'ARG BASE=debian:12\nFROM --platform=linux/amd64 ${BASE} AS x\n' >"$d/arg"
    check "a FROM built from an ARG is refused" fail "FAIL $d/arg:2: .* built from an ARG" -- "$gates/dockerfile-pins.py" "$d/arg"
    printf '# a comment\nFROM \\\n  mcr.microsoft.com/dotnet/sdk:10.0@%s AS build\nFROM build AS test\nFROM scratch\nCOPY --from=build /x /x\n' "$digest" >"$d/good"
    check "digests, earlier stages and scratch are accepted (continuation lines too)" pass '' -- "$gates/dockerfile-pins.py" "$d/good"
    printf 'FROM mcr.microsoft.com/dotnet/sdk:10.0@sha256:abc AS build\n' >"$d/short"
    check "a truncated digest is refused" fail 'pinned by tag only' -- "$gates/dockerfile-pins.py" "$d/short"
fi

# ------------------------------------------------------------------ documentation
if want docs; then
    echo "Documentation:"
    check "every relative link of the Markdown pages leads to a file and heading that exist" pass 'doc links: [0-9]+ checked, 0 broken' -- \
        "$gates/doc-links.py"
    check "the README keeps the two commands of its quick start" pass '' -- \
        bash -c "grep -qE '^make run +#' README.md && grep -qE '^make test +#' README.md"
    d="$work/docs"; mkdir -p "$d/docs"
    printf '# Top\n\nSee [moved](docs/gone.md) and [here](docs/page.md#no-such-heading) and [ok](docs/page.md#a-heading).\n' >"$d/README.md"
    printf '# Page\n\n## A heading\n\n```\n[not a link](nowhere.md)\n```\n' >"$d/docs/page.md"
    check "a link to a page that moved is refused, with page and line" fail 'FAIL README.md:3: docs/gone.md: docs/gone.md does not exist' -- "$gates/doc-links.py" "$d"
    check "a link to a heading that is not there is refused" fail 'FAIL README.md:3: docs/page.md#no-such-heading: no heading' -- "$gates/doc-links.py" "$d"
fi

# ------------------------------------------------------------------ licences
if want licences; then
    echo "licences:"
    check "every NuGet and npm package in use has an allowed licence" pass 'licences: [0-9]+ NuGet and [0-9]+ npm packages checked, 0 failed' -- \
        "$gates/licences.py"
    # Fixtures: a global packages folder and a project.assets.json naming its packages, an npm tree.
    f="$work/licences"; mkdir -p "$f/packages" "$f/npm/node_modules" "$f/policy"
    cp tools/licences/*.txt "$f/policy/"
    nuspec() { # ID VERSION LICENCE-XML
        mkdir -p "$f/packages/${1,,}/$2"
        printf '<?xml version="1.0"?>\n<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata><id>%s</id><version>%s</version>%s</metadata></package>\n' \
            "$1" "$2" "$3" >"$f/packages/${1,,}/$2/${1,,}.nuspec"
    }
    assets() { # ID/VERSION...: a project.assets.json naming these packages
        local libs="" p
        for p in "$@"; do libs+="\"$p\": {\"type\": \"package\"},"; done
        printf '{"version": 3, "libraries": {%s "Fixture.Project/1.0.0": {"type": "project"}}, "packageFolders": {"%s/packages/": {}}, "project": {"restore": {"projectName": "Fixture.App"}}}\n' \
            "$libs" "$f" >"$f/project.assets.json"
    }
    npmpkg() { # NAME VERSION LICENCE-JSON
        mkdir -p "$f/npm/node_modules/$1"
        printf '{"name": "%s", "version": "%s", %s}\n' "$1" "$2" "$3" >"$f/npm/node_modules/$1/package.json"
    }
    lic() { "$gates/licences.py" --assets "$f/project.assets.json" --tool-manifest '' --global-json '' --npm "$f/npm" --policy "$f/policy" "$@"; }
    nuspec Fixture.Mit 1.0.0 '<license type="expression">MIT</license>'
    nuspec Fixture.Gpl 2.1.0 '<license type="expression">GPL-3.0-only</license><licenseUrl>https://licenses.nuget.org/GPL-3.0-only</licenseUrl>'
    nuspec Fixture.Dual 1.0.0 '<license type="expression">(MIT OR GPL-2.0-only)</license>'
    nuspec Fixture.Both 1.0.0 '<license type="expression">MIT AND LGPL-2.1-only</license>'
    nuspec Fixture.File 1.0.0 '<license type="file">LICENSE.txt</license>'
    nuspec Fixture.OldUrl 1.0.0 '<licenseUrl>https://example.invalid/eula.html</licenseUrl>'
    nuspec Fixture.LegacyMit 1.0.0 '<licenseUrl>https://licenses.nuget.org/MIT</licenseUrl>'
    npmpkg ok-pkg 1.0.0 '"license": "ISC"'
    assets Fixture.Mit/1.0.0 Fixture.Dual/1.0.0 Fixture.LegacyMit/1.0.0
    check "fixture: MIT, 'MIT OR GPL-2.0-only' and a licenses.nuget.org URL pass" pass 'checked, 0 failed' -- lic
    assets Fixture.Mit/1.0.0 Fixture.Gpl/2.1.0
    check "a NuGet package under GPL-3.0-only is refused, named with its version and user" fail \
        "FAIL nuget Fixture.Gpl 2.1.0: licence 'GPL-3.0-only' is not on the allow-list .*used by Fixture.App" -- lic
    assets Fixture.Both/1.0.0
    check "'MIT AND LGPL-2.1-only' is refused (every part of an AND must be allowed)" fail "FAIL nuget Fixture.Both 1.0.0: licence 'MIT AND LGPL-2.1-only'" -- lic
    assets Fixture.File/1.0.0
    check "a licence file (not an expression) is refused until someone reads it" fail 'FAIL nuget Fixture.File 1.0.0: no licence we can read .*type="file"' -- lic
    assets Fixture.OldUrl/1.0.0
    check "an unknown legacy licenseUrl is refused" fail 'FAIL nuget Fixture.OldUrl 1.0.0: no licence we can read .*example.invalid' -- lic
    echo "nuget Fixture.OldUrl 1.0.0 MIT" >>"$f/policy/exceptions.txt"
    check "... and accepted once an exception names that exact version" pass 'checked, 0 failed' -- lic
    assets Fixture.Mit/1.0.0
    npmpkg bad-pkg 3.0.0 '"license": "AGPL-3.0-only"'
    check "an npm package under AGPL-3.0-only is refused, by name" fail "FAIL npm bad-pkg 3.0.0: licence 'AGPL-3.0-only'" -- lic
    rm -r "$f/npm/node_modules/bad-pkg"; mkdir -p "$f/npm/node_modules/@scope/nested/node_modules"
    printf '{"name": "@scope/nested", "version": "1.0.0", "license": "MIT"}' >"$f/npm/node_modules/@scope/nested/package.json"
    mkdir -p "$f/npm/node_modules/@scope/nested/node_modules/deep"
    printf '{"name": "deep", "version": "0.1.0", "license": "SEE LICENSE IN LICENSE"}' >"$f/npm/node_modules/@scope/nested/node_modules/deep/package.json"
    check "a nested npm package without an SPDX licence is refused, by name" fail 'FAIL npm deep 0.1.0: no licence we can read' -- lic
fi

# ------------------------------------------------------------------ SBOM
if want sbom; then
    echo "SBOM:"
    config=${CONFIG:-Release}
    api=src/AuthzService.Api/AuthzService.Api.csproj
    deps=src/AuthzService.Api/bin/$config/net10.0/AuthzService.Api.deps.json
    f="$work/sbom"; mkdir -p "$f"
    # A fixture SBOM listing exactly what the build says the service ships (deps.json) and every
    # package Directory.Packages.props pins; then the same with one shipped package left out.
    fixture_bom() { # OUT [LEAVE-OUT] [NAME=VERSION override]
        python3 - "$deps" Directory.Packages.props "$@" <<'PY'
import json, sys, xml.etree.ElementTree as ET
deps, props, out = sys.argv[1:4]
leave = sys.argv[4] if len(sys.argv) > 4 else ""
override = dict([sys.argv[5].split("=")]) if len(sys.argv) > 5 else {}
pkgs = {k.split("/")[0]: k.split("/")[1] for k, v in json.load(open(deps))["libraries"].items() if v["type"] == "package"}
for el in ET.parse(props).getroot().iter():
    if el.tag.endswith("PackageVersion"):
        pkgs.setdefault(el.get("Include"), el.get("Version"))
pkgs.update(override)
comps = [{"type": "library", "name": n, "version": v, "purl": f"pkg:nuget/{n}@{v}", "scope": "required"}
         for n, v in sorted(pkgs.items()) if n != leave]
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"component": {"type": "application", "name": "authz-service"}},
           "components": comps}, open(out, "w"))
PY
    }
    if [[ ! -f $deps ]]; then
        check "the service is built ($deps)" pass '' -- test -f "$deps"
    else
        shipped=$(python3 -c 'import json,sys; print(sorted(k.split("/")[0] for k,v in json.load(open(sys.argv[1]))["libraries"].items() if v["type"]=="package")[0])' "$deps")
        fixture_bom "$f/full.json"
        check "an SBOM listing everything the service ships passes" pass 'checked against .* 0 failed' -- \
            "$gates/sbom-check.py" --sbom "$f/full.json" --project "$api" --deps "$deps"
        fixture_bom "$f/missing.json" "$shipped"
        check "an SBOM missing a shipped package ($shipped) is refused, by name" fail "FAIL missing.json lacks $shipped " -- \
            "$gates/sbom-check.py" --sbom "$f/missing.json" --project "$api" --deps "$deps"
        fixture_bom "$f/stale.json" "" "$shipped=0.0.1-stale"
        check "an SBOM with another version of a shipped package is refused" fail "FAIL stale.json lists $shipped 0.0.1-stale, not " -- \
            "$gates/sbom-check.py" --sbom "$f/stale.json" --project "$api" --deps "$deps"
        python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); [c.update(scope="excluded") for c in b["components"]]; json.dump(b, open(sys.argv[2],"w"))' \
            "$f/full.json" "$f/excluded.json"
        check "components marked scope=excluded (build-only) do not count as shipped" fail 'FAIL excluded.json lacks' -- \
            "$gates/sbom-check.py" --sbom "$f/excluded.json" --project "$api" --deps "$deps"
        # A package that Directory.Packages.props pins and a referenced project uses, but that the
        # runtime does not load (the shared framework wins): still required in the SBOM.
        printf '{"libraries": {}}' >"$f/empty.deps.json"
        check "a pinned package referenced by the service's projects is required even when deps.json omits it" fail \
            'FAIL full.json lacks .* \(Directory.Packages.props pins it; used by ' -- \
            bash -c "python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); b[\"components\"]=[]; json.dump(b, open(sys.argv[1],\"w\"))' '$f/full.json' &&
                     '$gates/sbom-check.py' --sbom '$f/full.json' --project '$api' --deps '$f/empty.deps.json'"
    fi
fi

# ------------------------------------------------------------------ vulnerabilities
if want vulnerabilities; then
    echo "vulnerabilities:"
    f="$work/vuln"; mkdir -p "$f/feed" "$f/nofeed" "$f/npm"
    # Package sources as file:// service indexes: one publishing vulnerability data, one not.
    printf '{"version": "3.0.0", "resources": [{"@id": "file://%s/feed/vulnerabilities.json", "@type": "VulnerabilityInfo/6.7.0"}]}' "$f" >"$f/feed/index.json"
    printf '[{"@name": "base", "@id": "file://%s/feed/base.json", "@updated": "2026-12-01T00:00:00Z"}]' "$f" >"$f/feed/vulnerabilities.json"
    printf '{"version": "3.0.0", "resources": [{"@id": "https://example.invalid/v3-flatcontainer/", "@type": "PackageBaseAddress/3.0.0"}]}' >"$f/nofeed/index.json"
    # `dotnet list package --vulnerable --include-transitive --format json` outputs, in its documented shape.
    listing() { # FILE [PACKAGES-JSON]
        printf '{"version": 1, "parameters": "--vulnerable --include-transitive", "sources": [], "projects": [{"path": "/x/src/AuthzService.Api/AuthzService.Api.csproj", "frameworks": [{"framework": "net10.0", "topLevelPackages": [], "transitivePackages": [%s]}]}, {"path": "/x/tests/T/T.csproj"}]}' "${2:-}" >"$1"
    }
    listing "$f/clean.json"
    listing "$f/vulnerable.json" '{"id": "Fixture.Json", "resolvedVersion": "12.0.1", "vulnerabilities": [{"severity": "High", "advisoryurl": "https://github.com/advisories/GHSA-0000-fixt-ure0"}]}'
    printf '{"version": 1, "parameters": "--vulnerable", "problems": [{"project": "/x/A.csproj", "level": "error", "text": "No assets file was found"}], "projects": []}' >"$f/problem.json"
    vuln() { "$gates/vulnerabilities.py" --npm "$@"; }
    check "a NuGet finding fails, naming package, version, severity, advisory and project" fail \
        'FAIL nuget Fixture.Json 12.0.1: High https://github.com/advisories/GHSA-0000-fixt-ure0; in AuthzService.Api \(transitive\)' -- \
        vuln --nuget-sources "file://$f/feed/index.json" --nuget-listing "$f/vulnerable.json"
    check "a clean listing from a source with vulnerability data passes" pass '0 findings, 0 errors, 0 unchecked' -- \
        vuln --nuget-sources "file://$f/feed/index.json" --nuget-listing "$f/clean.json"
    check "a source without vulnerability data is UNCHECKED (exit 3), not a pass" exit:3 'UNCHECKED NuGet: no package source publishes vulnerability data' -- \
        vuln --nuget-sources "file://$f/nofeed/index.json" --nuget-listing "$f/clean.json"
    check "... and fails with AUTHZ_REQUIRE_VULN_FEED=1" fail 'UNCHECKED NuGet' -- \
        env AUTHZ_REQUIRE_VULN_FEED=1 "$gates/vulnerabilities.py" --npm --nuget-sources "file://$f/nofeed/index.json" --nuget-listing "$f/clean.json"
    check "an unreadable source is UNCHECKED too" fail 'UNCHECKED NuGet.*could not be read' -- \
        env AUTHZ_REQUIRE_VULN_FEED=1 "$gates/vulnerabilities.py" --npm --nuget-sources "file://$f/missing/index.json" --nuget-listing "$f/clean.json"
    check "an error reported by dotnet list fails" fail 'ERROR NuGet: error in /x/A.csproj: No assets file was found' -- \
        vuln --nuget-sources "file://$f/feed/index.json" --nuget-listing "$f/problem.json"
    # npm audit outputs (npm 7+ report format) against a fixture lockfile.
    cp tools/package.json "$f/npm/"
    printf '{"name": "x", "lockfileVersion": 3, "packages": {"": {}, "node_modules/fixture-minimist": {"version": "0.2.0", "integrity": "sha512-x"}}}' >"$f/npm/package-lock.json"
    printf '{"auditReportVersion": 2, "vulnerabilities": {"fixture-minimist": {"name": "fixture-minimist", "severity": "critical", "isDirect": false, "via": [{"source": 1, "name": "fixture-minimist", "title": "Prototype Pollution", "url": "https://github.com/advisories/GHSA-0000-fixt-npm0", "severity": "critical", "range": "<0.2.4"}], "effects": [], "range": "<0.2.4", "nodes": ["node_modules/fixture-minimist"], "fixAvailable": true}}, "metadata": {"vulnerabilities": {"total": 1}}}' >"$f/audit-found.json"
    printf '{"message": "405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk", "statusCode": 405, "error": {"summary": "", "detail": ""}}' >"$f/audit-405.json"
    printf '{"auditReportVersion": 2, "vulnerabilities": {}, "metadata": {"vulnerabilities": {"total": 0}}}' >"$f/audit-clean.json"
    check "an npm advisory fails, naming package, locked version and advisory" fail \
        'FAIL npm fixture-minimist 0.2.0 .*critical https://github.com/advisories/GHSA-0000-fixt-npm0 Prototype Pollution' -- \
        vuln "$f/npm" --skip-nuget --npm-audit-json "$f/audit-found.json"
    check "an npm registry that refuses the audit is UNCHECKED, with its answer" fail 'UNCHECKED npm .*405 Method Not Allowed' -- \
        env AUTHZ_REQUIRE_VULN_FEED=1 "$gates/vulnerabilities.py" --npm "$f/npm" --skip-nuget --npm-audit-json "$f/audit-405.json"
    check "a clean npm audit passes" pass '0 findings, 0 errors, 0 unchecked' -- vuln "$f/npm" --skip-nuget --npm-audit-json "$f/audit-clean.json"
fi

# ------------------------------------------------------------------ migrations
if want migrations; then
    echo "migrations:"
    f="$work/migrations"; mkdir -p "$f"
    mig=src/AuthzService.Infrastructure/Postgres/Migrations
    snap=src/AuthzService.Infrastructure/Postgres/schema.snapshot.sql
    check "every migration, applied to an empty PostgreSQL by \`migrate\`, builds exactly the snapshot" pass 'migrations: ok: ' -- \
        "$gates/migrations.sh" --save-dump "$f/dump.sql"
    if [[ -s $f/dump.sql ]]; then
        m() { "$gates/migrations.sh" --dump "$f/dump.sql" "$@"; }
        { cat "$f/dump.sql"; echo "CREATE TABLE public.sneaky (id integer);"; } >"$f/drift.sql"
        check "a schema that differs from the snapshot (no migration for it) is refused, with the diff" fail \
            '^migrations: +\+CREATE TABLE public.sneaky' -- "$gates/migrations.sh" --dump "$f/drift.sql"
        cp -r "$mig" "$f/edited"; first=$(ls "$f/edited" | head -1)
        echo "-- an edit after release" >>"$f/edited/$first"
        check "a migration edited after it was recorded is refused, by name" fail "FAIL migration $first was edited after it was recorded" -- \
            m --migrations "$f/edited"
        cp -r "$mig" "$f/added"; printf 'ALTER TABLE tenants ADD COLUMN note text;\n' >"$f/added/9999_added_later.sql"
        check "a new migration missing from the snapshot is refused, by name" fail 'FAIL migration 9999_added_later.sql is not in the snapshot' -- \
            m --migrations "$f/added"
        { cat "$snap"; echo "--! migration 9998 gone 0000000000000000000000000000000000000000000000000000000000000000"; } >"$f/removed.sql"
        check "a recorded migration that disappeared is refused, by name" fail 'FAIL migration 9998_gone.sql is in the snapshot but not in' -- \
            m --snapshot "$f/removed.sql"
        cp -r "$mig" "$f/badname"; touch "$f/badname/2_oops.sql"
        check "a migration file not named NNNN_name.sql is refused" fail 'not named NNNN_name.sql: 2_oops.sql' -- m --migrations "$f/badname"
        cp "$snap" "$f/update.sql"
        sed -E 's/^(--! migration [0-9]+ [a-z0-9_]+ )[0-9a-f]{64}$/\1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff/' "$f/dump.sql" >"$f/dump-edited.sql"
        check "make schema-snapshot refuses to record an edited migration's new checksum" fail 'was edited after it was recorded .*never edited' -- \
            "$gates/migrations.sh" --update --snapshot "$f/update.sql" --dump "$f/dump-edited.sql"
        check "... and leaves the snapshot as it was" pass '' -- cmp "$snap" "$f/update.sql"
    fi
fi

# ------------------------------------------------------------------ lint
if want lint; then
    echo "lint:"
    # The whole solution is linted by CI's lint gate (minutes); here a small project with the
    # repository's .editorconfig and Directory.Build.props, and two violations, must be refused.
    f="$work/lint"; mkdir -p "$f"
    cp .editorconfig Directory.Build.props "$f/"
    printf '<Project Sdk="Microsoft.NET.Sdk">\n  <PropertyGroup>\n    <OutputType>Library</OutputType>\n  </PropertyGroup>\n</Project>\n' >"$f/Fixture.csproj"
    printf 'namespace Fixture\n{\n    public static class Bad\n    {\n      public static int Two() => 2;\n    }\n}\n' >"$f/Bad.cs"
    check "a block-scoped namespace (IDE0161, a warning in .editorconfig) is refused with file, line and rule" fail \
        'lint: FAIL Bad.cs:1:11 IDE0161 ' -- bash -c "set -o pipefail; '$gates/lint.sh' '$f/Fixture.csproj' | tee '$f/out'"
    check "a mis-indented line is refused with file, line and rule (WHITESPACE)" pass 'lint: FAIL Bad.cs:5:7 WHITESPACE ' -- cat "$f/out"
    # The build enforces the same code-style rules (EnforceCodeStyleInBuild): not only `make lint` refuses them.
    b="$work/build-style"; mkdir -p "$b"
    cp .editorconfig Directory.Build.props "$f/Fixture.csproj" "$b/"
    printf 'using System.Text;\n\nnamespace Fixture;\n\npublic static class Bad\n{\n    public static int Two(int x)\n    {\n        if (x > 0) return 2;\n        return 3;\n    }\n}\n' >"$b/Bad.cs"
    check "the build refuses an unnecessary using (IDE0005)" fail 'Bad.cs\(1,1\): error IDE0005' -- \
        bash -c "set -o pipefail; dotnet build '$b/Fixture.csproj' -nologo -clp:ErrorsOnly 2>&1 | tee '$b/out'"
    check "the build refuses an if without braces (IDE0011)" pass 'Bad.cs\(9,9\): error IDE0011' -- cat "$b/out"
fi

echo
echo "gate checks: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
