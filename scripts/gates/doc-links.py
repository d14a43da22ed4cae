#!/usr/bin/env python3
"""Every relative link of the repository's Markdown pages leads somewhere.

  doc-links.py [ROOT]   checks README.md, docs/*.md and every other tracked-looking *.md under ROOT
                        (default: the repository), outside node_modules, build and tool folders.

A link `[text](path)` or `[text](path#anchor)` must name a file or folder that exists, relative to the
page; an anchor must be a heading of the target page (GitHub's rule: lower case, punctuation dropped,
spaces to hyphens). Links with a scheme (https:, mailto:) are not followed. Pages move (the README was
split into docs/): a link left pointing at the old place fails here, naming page, line and link.
Exit code 1 with one `FAIL <page>:<line>: <link>: <reason>` line per broken link.
"""
import os
import re
import sys

SKIP_DIRS = {".git", "node_modules", "bin", "obj", ".tools", ".build", ".run", "artifacts", "files"}
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def pages(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for f in filenames:
            if f.endswith(".md"):
                yield os.path.join(dirpath, f)


def lines_outside_fences(path):
    fenced = False
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if FENCE.match(line):
                fenced = not fenced
                continue
            if not fenced:
                yield number, line


def slug(heading):
    text = re.sub(r"`|\*\*|\*", "", heading.strip()).lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path, cache={}):
    if path not in cache:
        seen, found = {}, set()
        for _, line in lines_outside_fences(path):
            m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if m:
                base = slug(m.group(1))
                n = seen.get(base, 0)
                seen[base] = n + 1
                found.add(base if n == 0 else f"{base}-{n}")
        cache[path] = found
    return cache[path]


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
    problems, links = [], 0
    for page in sorted(pages(root)):
        rel_page = os.path.relpath(page, root)
        for number, line in lines_outside_fences(page):
            for target in LINK.findall(line):
                if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
                    continue
                links += 1
                path, _, anchor = target.partition("#")
                dest = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
                if not os.path.exists(dest):
                    problems.append(f"FAIL {rel_page}:{number}: {target}: {os.path.relpath(dest, root)} does not exist")
                elif anchor and dest.endswith(".md") and anchor not in anchors(dest):
                    problems.append(f"FAIL {rel_page}:{number}: {target}: no heading #{anchor} in {os.path.relpath(dest, root)}")
    for p in problems:
        print(p)
    print(f"doc links: {links} checked, {len(problems)} broken")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
