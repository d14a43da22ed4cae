#!/usr/bin/env python3
"""Vulnerability gate: known advisories against the NuGet and npm packages we use.

  NuGet  `dotnet list AuthzService.sln package --vulnerable --include-transitive --format json`
  npm    `npm audit --package-lock-only --json` against each committed lockfile (tools/,
         helm/tools/check/), in a scratch copy so nothing installed is touched

Any finding fails, naming the package, version, severity and advisory. A feed that cannot answer is
never taken for "no vulnerabilities": `dotnet list` reports nothing, silently, when no package source
publishes vulnerability data (a NuGet service index without a VulnerabilityInfo resource), so each
source's index is read first; and `npm audit` errors out when the registry has no audit endpoint.
Either is printed as UNCHECKED, in capitals, with the reason.

Exit codes: 0 checked and clean; 1 a finding or an error; 3 nothing found but something could not be
checked (.ci/run counts that gate as skipped). AUTHZ_REQUIRE_VULN_FEED=1 turns 3 into 1, for a CI
that reaches feeds which do publish vulnerability data.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 30


class Report:
    def __init__(self):
        self.findings: list[str] = []
        self.errors: list[str] = []
        self.unchecked: list[str] = []
        self.notes: list[str] = []


# ---------------------------------------------------------------- NuGet

def fetch_json(url: str):
    if "://" not in url:
        raise OSError("a local folder source, not a service index")
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 (our configured sources)
        return json.loads(response.read().decode("utf-8-sig"))


def vulnerability_feed(source: str) -> tuple[bool, str]:
    """Does this package source publish vulnerability data we can read? (yes/no, why)"""
    try:
        index = fetch_json(source)
    except (OSError, ValueError) as e:
        return False, f"its service index could not be read ({e})"
    urls = [r.get("@id") for r in index.get("resources", []) if str(r.get("@type", "")).startswith("VulnerabilityInfo")]
    if not urls:
        return False, "its service index has no VulnerabilityInfo resource (the source publishes no vulnerability data)"
    try:
        pages = fetch_json(urls[0])
    except (OSError, ValueError) as e:
        return False, f"its vulnerability index {urls[0]} could not be read ({e})"
    if not isinstance(pages, list) or not pages:
        return False, f"its vulnerability index {urls[0]} lists no pages"
    return True, f"vulnerability data at {urls[0]}"


def nuget_sources(solution: Path) -> list[str]:
    out = subprocess.run(["dotnet", "nuget", "list", "source", "--format", "short"], cwd=solution.parent,
                         capture_output=True, text=True, check=False).stdout
    # "E https://..." (enabled), "D ..." (disabled).
    return [line.split(None, 1)[1].strip() for line in out.splitlines() if line.startswith("E") and " " in line]


def check_nuget(report: Report, solution: Path, listing: Path | None, sources: list[str] | None) -> None:
    sources = sources if sources is not None else nuget_sources(solution)
    if not sources:
        report.errors.append("NuGet: no enabled package source (dotnet nuget list source)")
        return
    feeds = []
    for source in sources:
        ok, why = vulnerability_feed(source)
        (feeds.append(source) if ok else None)
        report.notes.append(f"NuGet source {source}: {why}")
    if not feeds:
        report.unchecked.append("NuGet: no package source publishes vulnerability data, so `dotnet list package "
                                "--vulnerable` could not find anything whatever we use (" + "; ".join(
                                    n.split(": ", 1)[1] for n in report.notes if n.startswith("NuGet source")) + ")")
        if listing is None:
            return  # Running it would only take minutes to say nothing.
    if listing is not None:
        data = json.loads(listing.read_text(encoding="utf-8"))
    else:
        proc = subprocess.run(["dotnet", "list", str(solution), "package", "--vulnerable", "--include-transitive",
                               "--format", "json"], capture_output=True, text=True, check=False)
        try:
            data = json.loads(proc.stdout)
        except ValueError:
            report.errors.append(f"NuGet: dotnet list package --vulnerable failed (exit {proc.returncode}): "
                                 f"{(proc.stderr or proc.stdout).strip()[-800:]}")
            return
    for problem in data.get("problems", []):
        text = f"NuGet: {problem.get('level', 'error')} in {problem.get('project', '?')}: {problem.get('text', '')}"
        report.errors.append(text) if problem.get("level", "error") == "error" else report.notes.append(text)
    seen: dict[tuple[str, str, str], set[str]] = {}
    for project in data.get("projects", []):
        name = Path(project.get("path", "?")).stem
        for framework in project.get("frameworks", []):
            for kind in ("topLevelPackages", "transitivePackages"):
                for package in framework.get(kind, []):
                    for vuln in package.get("vulnerabilities", []):
                        key = (package.get("id", "?"), package.get("resolvedVersion", "?"),
                               f"{vuln.get('severity', '?')} {vuln.get('advisoryurl', '?')}")
                        seen.setdefault(key, set()).add(name + ("" if kind == "topLevelPackages" else " (transitive)"))
    for (package, version, advisory), projects in sorted(seen.items()):
        report.findings.append(f"nuget {package} {version}: {advisory}; in {', '.join(sorted(projects))}")
    report.notes.append(f"NuGet: {len(data.get('projects', []))} projects listed, {len(seen)} vulnerable package advisories")


# ---------------------------------------------------------------- npm

def check_npm(report: Report, project: Path, audit_json: Path | None) -> None:
    where = str(project.relative_to(REPO)) if project.is_relative_to(REPO) else str(project)
    lock = project / "package-lock.json"
    if not lock.is_file():
        report.errors.append(f"npm {where}: no package-lock.json")
        return
    if audit_json is not None:
        text = audit_json.read_text(encoding="utf-8")
    else:
        with tempfile.TemporaryDirectory(prefix="authz-audit-") as scratch:
            shutil.copy(project / "package.json", scratch)
            shutil.copy(lock, scratch)
            proc = subprocess.run(["npm", "audit", "--package-lock-only", "--json", "--audit-level=low"], cwd=scratch,
                                  capture_output=True, text=True, check=False)
            text = proc.stdout
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError:
        data = {}
    if "vulnerabilities" not in data or "metadata" not in data:
        # npm prints the registry's refusal as JSON ({"message": ..., "statusCode": ...} or {"error": ...}).
        err = data.get("error") if isinstance(data.get("error"), dict) else {}
        reason = (data.get("message") or err.get("summary") or err.get("message") or err.get("code")
                  or " ".join(text.split())[:300] or "no output")
        report.unchecked.append(f"npm {where}: the registry did not answer the audit ({reason})")
        return
    packages = json.loads(lock.read_text(encoding="utf-8")).get("packages", {})
    for name, vuln in sorted(data["vulnerabilities"].items()):
        versions = sorted({packages.get(node, {}).get("version", "?") for node in vuln.get("nodes", [])}) or ["?"]
        advisories = [f"{v.get('severity', '?')} {v.get('url', '')} {v.get('title', '')}".strip()
                      for v in vuln.get("via", []) if isinstance(v, dict)]
        via = [v for v in vuln.get("via", []) if isinstance(v, str)]
        detail = "; ".join(advisories) if advisories else f"{vuln.get('severity', '?')} through {', '.join(via)}"
        report.findings.append(f"npm {name} {', '.join(versions)} ({where}): {detail}")
    total = data["metadata"].get("vulnerabilities", {}).get("total", len(data["vulnerabilities"]))
    report.notes.append(f"npm {where}: audited, {total} vulnerable packages")


# ---------------------------------------------------------------- main

def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--solution", type=Path, default=REPO / "AuthzService.sln")
    ap.add_argument("--nuget-sources", nargs="*", help="package sources to probe (default: dotnet nuget list source)")
    ap.add_argument("--nuget-listing", type=Path, help="a saved `dotnet list package --vulnerable --format json` (self-checks)")
    ap.add_argument("--npm", type=Path, nargs="*", default=[REPO / "tools", REPO / "helm" / "tools" / "check"],
                    help="npm project directories with a committed package-lock.json")
    ap.add_argument("--npm-audit-json", type=Path, help="a saved `npm audit --json` for the (single) --npm project (self-checks)")
    ap.add_argument("--skip-nuget", action="store_true")
    args = ap.parse_args(argv)

    report = Report()
    if not args.skip_nuget:
        check_nuget(report, args.solution, args.nuget_listing, args.nuget_sources)
    for project in args.npm:
        check_npm(report, project, args.npm_audit_json)

    for note in report.notes:
        print(f"vulnerabilities: {note}")
    for error in report.errors:
        print(f"vulnerabilities: ERROR {error}")
    for finding in report.findings:
        print(f"vulnerabilities: FAIL {finding}")
    if report.unchecked:
        print("vulnerabilities: " + "!" * 78)
        for item in report.unchecked:
            print(f"vulnerabilities: UNCHECKED {item}")
        print("vulnerabilities: these packages were NOT checked for known vulnerabilities.")
        print("vulnerabilities: " + "!" * 78)
    print(f"vulnerabilities: {len(report.findings)} findings, {len(report.errors)} errors, {len(report.unchecked)} unchecked")
    if report.findings or report.errors:
        return 1
    if report.unchecked:
        return 1 if os.environ.get("AUTHZ_REQUIRE_VULN_FEED") == "1" else 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
