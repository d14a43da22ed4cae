#!/usr/bin/env python3
"""Checks a CycloneDX SBOM against what the project really ships.

Usage: sbom-check.py --sbom BOM.json --project X.csproj --deps X.deps.json [--props Directory.Packages.props]

Nothing is listed by hand; the packages come from the build:
  1. every package of the build output's .deps.json (what the runtime loads: the image's, or the
     library package's, contents) must be a component of the SBOM, at that version;
  2. every package of Directory.Packages.props that the project or one of the projects it references
     uses at run time (a PackageReference that is not build-only, i.e. not PrivateAssets="all"; read
     from obj/project.assets.json) must be a component, at the version Directory.Packages.props pins.
Exits 1 naming each missing or mismatched package.
"""
import argparse
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote


def sbom_components(path):
    bom = json.loads(Path(path).read_text(encoding="utf-8"))
    if bom.get("bomFormat") != "CycloneDX":
        raise SystemExit(f"sbom: FAIL {path} is not a CycloneDX JSON document")
    found = {}

    def walk(components):
        for c in components or []:
            if c.get("scope") != "excluded":
                purl = c.get("purl", "")
                if purl.startswith("pkg:nuget/"):
                    name, _, version = unquote(purl[len("pkg:nuget/"):].split("?")[0]).partition("@")
                else:
                    name, version = c.get("name", ""), c.get("version", "")
                found.setdefault(name.lower(), set()).add(version)
            walk(c.get("components"))

    walk(bom.get("components"))
    return bom, found


def deps_json_packages(path):
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    out = {}
    for key, lib in data.get("libraries", {}).items():
        if lib.get("type") == "package":
            name, _, version = key.partition("/")
            out[name] = version
    return out


def props_versions(path):
    root = ET.parse(path).getroot()
    return {el.get("Include"): el.get("Version") for el in root.iter() if el.tag.endswith("PackageVersion") and el.get("Include")}


def runtime_references(project):
    """Direct, not build-only package references of the project and every project it references."""
    seen, refs, todo = set(), {}, [Path(project).resolve()]
    while todo:
        proj = todo.pop()
        if proj in seen:
            continue
        seen.add(proj)
        assets = proj.parent / "obj" / "project.assets.json"
        if not assets.exists():
            raise SystemExit(f"sbom: FAIL {assets} is missing: restore first")
        data = json.loads(assets.read_text(encoding="utf-8-sig"))
        for tfm in data.get("project", {}).get("frameworks", {}).values():
            for name, dep in tfm.get("dependencies", {}).items():
                if dep.get("target") == "Package" and dep.get("suppressParent") != "All" and not dep.get("autoReferenced"):
                    refs.setdefault(name, set()).add(proj.stem)
        for tfm in data.get("project", {}).get("restore", {}).get("frameworks", {}).values():
            for ref in tfm.get("projectReferences", {}):
                todo.append(Path(ref).resolve())
    return refs


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sbom", required=True)
    ap.add_argument("--project", required=True)
    ap.add_argument("--deps", required=True)
    ap.add_argument("--props", default=str(Path(__file__).resolve().parents[2] / "Directory.Packages.props"))
    args = ap.parse_args(argv)

    bom, components = sbom_components(args.sbom)
    label = Path(args.sbom).name
    problems = []

    def require(name, version, why):
        have = components.get(name.lower())
        if not have:
            problems.append(f"{label} lacks {name} {version} ({why})")
        elif version not in have:
            problems.append(f"{label} lists {name} {', '.join(sorted(have))}, not {version} ({why})")

    shipped = deps_json_packages(args.deps)
    for name, version in sorted(shipped.items()):
        require(name, version, f"in {Path(args.deps).name}")

    pinned = props_versions(args.props)
    refs = runtime_references(args.project)
    used = sorted(n for n in pinned if n in refs or n in shipped)
    for name in used:
        users = ", ".join(sorted(refs.get(name, []))) or Path(args.deps).name
        require(name, pinned[name], f"Directory.Packages.props pins it; used by {users}")

    if not shipped and not used:
        problems.append(f"found no package that {Path(args.project).name} ships: nothing was checked")
    if not (bom.get("metadata", {}).get("component") or {}).get("name"):
        problems.append(f"{label} names no component in metadata")

    for p in problems:
        print(f"sbom: FAIL {p}")
    print(f"sbom: {label}: {len(shipped)} shipped packages ({Path(args.deps).name}) and "
          f"{len(used)} of Directory.Packages.props checked against {sum(len(v) for v in components.values())} components, "
          f"{len(problems)} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
