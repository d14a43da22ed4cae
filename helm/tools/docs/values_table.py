"""Prints the values table of docs/deploy.md (section Values) from helm/authz-service/values.yaml.

Each documented key is a line `key: ...` preceded by a `# -- description` comment.
  python3 values_table.py VALUES                 print the Markdown table
  python3 values_table.py VALUES --check DOC     exit 1 unless every leaf key of VALUES
                                                 is documented and DOC holds the table
"""
import json
import re
import sys

import yaml


def rows(path):
    text = open(path, encoding="utf-8").read()
    values = yaml.safe_load(text)
    stack, desc, out = [], None, []
    for line in text.split("\n"):
        m = re.match(r"^(\s*)# -- (.*)$", line)
        if m:
            desc = m.group(2)
            continue
        m = re.match(r"^(\s*)([A-Za-z0-9_]+):(.*)$", line)
        if not m:
            continue
        indent, key = len(m.group(1)), m.group(2)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
        keys = [k for _, k in stack]
        if desc is not None:
            v = values
            for k in keys:
                v = v[k]
            default = f'"{v}"' if isinstance(v, str) else json.dumps(v)
            if len(default) > 60:
                default = "see values.yaml"
            out.append((".".join(keys), f"| `{'.'.join(keys)}` | `{default}` | {desc} |"))
            desc = None
    return values, out


def leaves(v, prefix=""):
    if isinstance(v, dict) and v:
        for k, x in v.items():
            yield from leaves(x, f"{prefix}.{k}" if prefix else k)
    else:
        yield prefix


def main():
    values, table = rows(sys.argv[1])
    text = "| key | default | meaning |\n| --- | --- | --- |\n" + "\n".join(r for _, r in table) + "\n"
    if len(sys.argv) == 2:
        sys.stdout.write(text)
        return 0
    documented = [p for p, _ in table]
    missing = [l for l in leaves(values) if not any(l == p or l.startswith(p + ".") for p in documented)]
    ok = True
    if missing:
        print("undocumented values keys:", ", ".join(missing), file=sys.stderr)
        ok = False
    if text not in open(sys.argv[3], encoding="utf-8").read():
        print(f"{sys.argv[3]}: values table is stale; regenerate with: python3 helm/tools/docs/values_table.py helm/authz-service/values.yaml", file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
