#!/usr/bin/env python3
"""Licence gate: every NuGet and npm package we ship or run has a licence on the allow-list.

Packages are found, never listed by hand:
  - NuGet: every package in the restore graph (obj/project.assets.json) of every project of the
    solution, plus the local dotnet tools of .config/dotnet-tools.json and the MSBuild SDKs of
    global.json. The licence is read from the
    package's .nuspec in the global packages folder: <license type="expression"> (an SPDX expression),
    else <licenseUrl> mapped by tools/licences/urls.txt.
  - npm: every package installed under node_modules/ of the npm tools (the tools directory, the Helm
    chart checker), read from each package.json ("license"/"licenses"); a project not installed yet
    is read from its package-lock.json, where npm records the same field.

Policy (tools/licences/):
  allowed.txt     SPDX ids allowed for every package.
  urls.txt        "URL LICENCE-ID": what a legacy <licenseUrl> was read to be.
  exceptions.txt  "ECOSYSTEM NAME VERSION LICENCE-ID  # why": one package version accepted with a
                  licence that is not (or cannot be read as) on the allow-list. Exact versions, so an
                  upgrade is looked at again.

Exit code 0 when every package passes, 1 otherwise; each failure names the package, its version,
the licence found, and the projects that use it.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Package:
    ecosystem: str
    name: str
    version: str
    users: set[str] = field(default_factory=set)
    licence: str | None = None  # SPDX expression, or None when none could be read
    source: str = ""  # where the licence came from (for the message)


def read_list(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = re.split(r"(?:^|\s)#", raw, maxsplit=1)[0].strip()
        if line:
            lines.append(line)
    return lines


def norm_url(url: str) -> str:
    url = url.strip()
    url = re.sub(r"^https?://", "", url, flags=re.I)
    return url.rstrip("/").lower()


class Policy:
    def __init__(self, policy_dir: Path):
        self.dir = policy_dir
        self.name = str(policy_dir.relative_to(REPO)) if policy_dir.is_relative_to(REPO) else str(policy_dir)
        self.allowed = {x.lower() for x in read_list(policy_dir / "allowed.txt")}
        if not self.allowed:
            raise SystemExit(f"licences: {policy_dir / 'allowed.txt'} is missing or empty")
        self.urls: dict[str, str] = {}
        for line in read_list(policy_dir / "urls.txt"):
            parts = line.split()
            if len(parts) != 2:
                raise SystemExit(f"licences: bad line in urls.txt (want 'URL LICENCE'): {line}")
            self.urls[norm_url(parts[0])] = parts[1]
        self.exceptions: dict[tuple[str, str, str], str] = {}
        for line in read_list(policy_dir / "exceptions.txt"):
            parts = line.split()
            if len(parts) != 4:
                raise SystemExit(f"licences: bad line in exceptions.txt (want 'ECOSYSTEM NAME VERSION LICENCE'): {line}")
            self.exceptions[(parts[0].lower(), parts[1].lower(), parts[2])] = parts[3]
        self.used_exceptions: set[tuple[str, str, str]] = set()

    def allows(self, expression: str) -> bool:
        return SpdxExpression(expression).evaluate(lambda lid: lid.lower() in self.allowed)


class SpdxExpression:
    """A small SPDX expression evaluator: ids, AND, OR, WITH, parentheses."""

    def __init__(self, text: str):
        self.tokens = re.findall(r"\(|\)|[^\s()]+", text)
        self.pos = 0
        if not self.tokens:
            raise ValueError("empty licence expression")

    def evaluate(self, allowed) -> bool:
        try:
            result = self._or(allowed)
        except IndexError:
            return False
        return result if self.pos == len(self.tokens) else False

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _or(self, allowed) -> bool:
        value = self._and(allowed)
        while (self._peek() or "").upper() == "OR":
            self.pos += 1
            right = self._and(allowed)
            value = value or right
        return value

    def _and(self, allowed) -> bool:
        value = self._atom(allowed)
        while (self._peek() or "").upper() == "AND":
            self.pos += 1
            right = self._atom(allowed)
            value = value and right
        return value

    def _atom(self, allowed) -> bool:
        token = self.tokens[self.pos]
        self.pos += 1
        if token == "(":
            value = self._or(allowed)
            if self._peek() != ")":
                return False
            self.pos += 1
            return value
        if token.upper() in ("AND", "OR", "WITH", ")"):
            raise IndexError(token)
        # An exception (e.g. "Apache-2.0 WITH LLVM-exception") only adds permissions: judge the licence.
        if (self._peek() or "").upper() == "WITH":
            self.pos += 2
        return allowed(token)


# ---------------------------------------------------------------- NuGet

def solution_projects(solution: Path) -> list[Path]:
    text = solution.read_text(encoding="utf-8-sig")
    projects = []
    for rel in re.findall(r'^Project\("[^"]+"\)\s*=\s*"[^"]*",\s*"([^"]+\.(?:cs|fs|vb)proj)"', text, flags=re.M):
        projects.append((solution.parent / rel.replace("\\", "/")).resolve())
    return projects


def nuget_packages(assets_files: list[Path], tool_manifest: Path | None, packages_dir: Path | None,
                   global_json: Path | None = None) -> tuple[list[Package], list[str]]:
    found: dict[tuple[str, str], Package] = {}
    problems: list[str] = []
    folders: list[Path] = [packages_dir] if packages_dir else []
    for assets in assets_files:
        if not assets.exists():
            problems.append(f"{assets} is missing: restore first (dotnet restore AuthzService.sln)")
            continue
        data = json.loads(assets.read_text(encoding="utf-8-sig"))
        if not packages_dir:
            folders.extend(Path(p) for p in data.get("packageFolders", {}))
        user = data.get("project", {}).get("restore", {}).get("projectName") or assets.parent.parent.name
        for key, lib in data.get("libraries", {}).items():
            if lib.get("type") != "package":
                continue
            name, version = key.split("/", 1)
            pkg = found.setdefault((name.lower(), version), Package("nuget", name, version))
            pkg.users.add(user)
    if tool_manifest and str(tool_manifest) not in ("", ".") and tool_manifest.exists():
        tools = json.loads(tool_manifest.read_text(encoding="utf-8")).get("tools", {})
        for name, spec in tools.items():
            pkg = found.setdefault((name.lower(), spec["version"]), Package("nuget", name, spec["version"]))
            pkg.users.add(f"dotnet tool ({tool_manifest.name})")
    if global_json and global_json.is_file():
        # MSBuild project SDKs (e.g. MSTest.Sdk) are NuGet packages too, resolved outside project.assets.json.
        for name, version in json.loads(global_json.read_text(encoding="utf-8")).get("msbuild-sdks", {}).items():
            pkg = found.setdefault((name.lower(), version), Package("nuget", name, version))
            pkg.users.add(f"MSBuild SDK ({global_json.name})")
    if not folders:
        folders.append(Path(os.environ.get("NUGET_PACKAGES") or Path.home() / ".nuget" / "packages"))
    unique_folders = list(dict.fromkeys(folders))
    for pkg in found.values():
        read_nuspec(pkg, unique_folders)
    return sorted(found.values(), key=lambda p: (p.name.lower(), p.version)), problems


def read_nuspec(pkg: Package, folders: list[Path]) -> None:
    lower = pkg.name.lower()
    nuspec = None
    for folder in folders:
        # The file keeps the package's own casing (CycloneDX.nuspec); the folders are lower case.
        nuspec = next(iter(sorted((folder / lower / pkg.version.lower()).glob("*.nuspec"))), None)
        if nuspec:
            break
    if nuspec is None:
        pkg.source = f"no .nuspec in {', '.join(map(str, folders))} (not restored?)"
        return
    root = ET.parse(nuspec).getroot()
    metadata = next((el for el in root if el.tag.endswith("metadata")), None)
    licence = url = None
    licence_type = ""
    for el in metadata if metadata is not None else []:
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "license":
            licence = (el.text or "").strip()
            licence_type = el.get("type", "")
        elif tag == "licenseUrl":
            url = (el.text or "").strip()
    if licence and licence_type == "expression":
        pkg.licence, pkg.source = licence, "nuspec <license type=\"expression\">"
    elif licence:
        pkg.source = f"nuspec <license type=\"{licence_type}\">{licence}</license> (a file: read it, then add an exception)"
    elif url:
        pkg.source = f"nuspec <licenseUrl>{url}</licenseUrl>"
        m = re.match(r"^https?://licenses\.nuget\.org/(.+)$", url)
        pkg.licence = m.group(1) if m else None
        pkg.url = url  # type: ignore[attr-defined]
    else:
        pkg.source = "nuspec names no licence"


# ---------------------------------------------------------------- npm

def npm_packages(projects: list[Path]) -> tuple[list[Package], list[str]]:
    """Packages of each npm project directory: its node_modules when installed, else its lockfile."""
    found: dict[tuple[str, str], Package] = {}
    problems: list[str] = []

    def add(name, version, data, where):
        pkg = found.setdefault((name.lower(), version), Package("npm", name, version))
        pkg.users.add(where)
        pkg.licence, pkg.source = npm_licence(data)

    for project in projects:
        where = str(project.relative_to(REPO)) if project.is_relative_to(REPO) else str(project)
        if (project / "node_modules").is_dir():
            for manifest in npm_manifests(project / "node_modules"):
                try:
                    data = json.loads(manifest.read_text(encoding="utf-8"))
                except (OSError, ValueError) as e:
                    problems.append(f"{manifest}: unreadable ({e})")
                    continue
                if not data.get("name") or not data.get("version"):
                    problems.append(f"{manifest}: no name or version")
                    continue
                add(data["name"], data["version"], data, where)
        elif (project / "package-lock.json").is_file():
            # Not installed (yet): npm records each package's "license" in the lockfile.
            print(f"licences: note: {where} is not installed; reading its package-lock.json")
            lock = json.loads((project / "package-lock.json").read_text(encoding="utf-8"))
            for key, entry in lock.get("packages", {}).items():
                if key and not entry.get("link"):
                    add(entry.get("name") or key.rsplit("node_modules/", 1)[-1], entry.get("version", "?"), entry, where)
        else:
            problems.append(f"{where}: neither node_modules/ nor package-lock.json: install the npm tools first (make tools)")
    return sorted(found.values(), key=lambda p: (p.name.lower(), p.version)), problems


def npm_manifests(node_modules: Path):
    """package.json of every package under node_modules/ (scoped and nested node_modules included)."""
    for entry in sorted(node_modules.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        candidates = sorted(entry.iterdir()) if entry.name.startswith("@") else [entry]
        for package_dir in candidates:
            if (package_dir / "package.json").is_file():
                yield package_dir / "package.json"
            if (package_dir / "node_modules").is_dir():
                yield from npm_manifests(package_dir / "node_modules")


def npm_licence(data: dict) -> tuple[str | None, str]:
    lic = data.get("license")
    if isinstance(lic, dict):
        lic = lic.get("type")
    if isinstance(lic, str) and lic.strip():
        text = lic.strip()
        if text.upper() == "UNLICENSED" or text.upper().startswith("SEE LICENSE IN"):
            return None, f"package.json \"license\": \"{text}\""
        return text, "package.json \"license\""
    legacy = data.get("licenses")
    if isinstance(legacy, list) and legacy:
        ids = [(x.get("type") if isinstance(x, dict) else str(x)) for x in legacy]
        ids = [x for x in ids if x]
        if ids:
            return " OR ".join(ids), "package.json \"licenses\""
    return None, "package.json names no licence"


# ---------------------------------------------------------------- main

def judge(pkg: Package, policy: Policy) -> str | None:
    key = (pkg.ecosystem, pkg.name.lower(), pkg.version)
    if key in policy.exceptions:
        policy.used_exceptions.add(key)
        pkg.source = f"exception in {policy.name}/exceptions.txt"
        pkg.licence = policy.exceptions[key]
        return None
    if pkg.licence is None and getattr(pkg, "url", None):
        mapped = policy.urls.get(norm_url(pkg.url))  # type: ignore[attr-defined]
        if mapped:
            pkg.licence = mapped
            pkg.source += f" -> {mapped} (urls.txt)"
    users = ", ".join(sorted(pkg.users))
    if pkg.licence is None:
        return (f"{pkg.ecosystem} {pkg.name} {pkg.version}: no licence we can read ({pkg.source}); used by {users}. "
                f"Read its licence, then add it to {policy.name}/urls.txt or exceptions.txt")
    if not policy.allows(pkg.licence):
        return (f"{pkg.ecosystem} {pkg.name} {pkg.version}: licence '{pkg.licence}' is not on the allow-list "
                f"{policy.name}/allowed.txt (from {pkg.source}); used by {users}")
    return None


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--solution", type=Path, default=REPO / "AuthzService.sln")
    ap.add_argument("--assets", type=Path, nargs="*", help="project.assets.json files (default: every project of --solution)")
    ap.add_argument("--tool-manifest", type=Path, default=REPO / ".config" / "dotnet-tools.json",
                    help="local dotnet tools manifest ('' for none)")
    ap.add_argument("--global-json", type=Path, default=REPO / "global.json", help="for its msbuild-sdks ('' for none)")
    ap.add_argument("--packages-dir", type=Path, help="global packages folder (default: from project.assets.json)")
    ap.add_argument("--npm", type=Path, nargs="*",
                    default=[Path(os.environ.get("AUTHZ_TOOLS_DIR") or REPO / ".tools"), REPO / "helm" / "tools" / "check"],
                    help="npm project directories (default: the tools directory and the Helm checker)")
    ap.add_argument("--policy", type=Path, default=REPO / "tools" / "licences")
    ap.add_argument("--list", action="store_true", help="print every package and its licence")
    args = ap.parse_args(argv)

    policy = Policy(args.policy)
    assets = args.assets if args.assets is not None else [p.parent / "obj" / "project.assets.json" for p in solution_projects(args.solution)]
    nuget, problems = nuget_packages(assets, args.tool_manifest, args.packages_dir, args.global_json)
    npm, npm_problems = npm_packages(args.npm)
    problems += npm_problems

    failures = [f for f in (judge(p, policy) for p in nuget + npm) if f]
    if args.list:
        for p in nuget + npm:
            print(f"  {p.ecosystem:5} {p.name} {p.version}: {p.licence or '?'}  [{p.source}]")
    for problem in problems:
        print(f"licences: ERROR {problem}")
    for failure in failures:
        print(f"licences: FAIL {failure}")
    stale = sorted(set(policy.exceptions) - policy.used_exceptions)
    for eco, name, version in stale:
        print(f"licences: note: exception '{eco} {name} {version}' matches no package in use (remove it?)")
    bad = len(failures) + len(problems)
    print(f"licences: {len(nuget)} NuGet and {len(npm)} npm packages checked, {bad} failed")
    if not nuget and not npm:
        print("licences: ERROR found no package at all: nothing was checked")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
