#!/usr/bin/env python3
"""Refuses a Dockerfile FROM that names a base image by tag only.

Usage: dockerfile-pins.py [DOCKERFILE...]   (default: every Dockerfile* tracked by git)

Each FROM must name its image by digest (image[:tag]@sha256:<64 hex>), or an earlier build stage,
or `scratch`. An image built from an ARG is refused too: what it resolves to cannot be checked here.
Prints one line per FROM; exits 1 naming the file, line and image of each refusal.
"""
import re
import subprocess
import sys
from pathlib import Path

DIGEST = re.compile(r"^[^\s@$]+@sha256:[0-9a-f]{64}$")


def instructions(text):
    """(line number, instruction) pairs: continuation lines joined, comments and blanks dropped."""
    number, pending, start = 0, "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield start, pending + line
        pending = ""
    if pending:
        yield start, pending


def check(path):
    stages, problems, froms = set(), [], 0
    for number, instruction in instructions(Path(path).read_text(encoding="utf-8")):
        words = instruction.split()
        if words[0].upper() != "FROM":
            continue
        froms += 1
        args = [w for w in words[1:] if not w.startswith("--")]
        image = args[0] if args else ""
        where = f"{path}:{number}"
        if image.lower() in stages or image == "scratch":
            print(f"dockerfile: ok   {where}: FROM {image} (a build stage)")
        elif "$" in image:
            problems.append(f"{where}: FROM {image} is built from an ARG; write the image with its digest "
                            "(image:tag@sha256:...) so the check can see what is pulled")
        elif DIGEST.match(image):
            print(f"dockerfile: ok   {where}: FROM {image}")
        else:
            problems.append(f"{where}: FROM {image} is pinned by tag only; pin it by digest, tag kept "
                            "(image:tag@sha256:..., from `docker buildx imagetools inspect IMAGE:TAG`)")
        if len(args) >= 3 and args[1].upper() == "AS":
            stages.add(args[2].lower())
    if froms == 0:
        problems.append(f"{path}: no FROM instruction")
    return problems


def main(argv):
    files = argv or subprocess.run(
        ["git", "ls-files", "--", "Dockerfile", "*/Dockerfile", "Dockerfile.*", "*/Dockerfile.*", "*.Dockerfile"],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[2]).stdout.split()
    if not files:
        print("dockerfile: FAIL no Dockerfile found")
        return 1
    problems = []
    for f in files:
        problems += check(f)
    for p in problems:
        print(f"dockerfile: FAIL {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
