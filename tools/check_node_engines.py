#!/usr/bin/env python3
"""Fails when an npm package the project installs does not accept Debian 12's Node.js.

A fresh Debian 12 machine has Node.js 18.20 (package `nodejs`); the browser tests and every npm
dependency the project adds must run there. This reads every package-lock.json in the tree
(outside node_modules) and checks the `engines.node` range of each locked package against that
version, with npm's semver range rules (https://github.com/npm/node-semver#ranges: comparators,
hyphen ranges, X-ranges, tilde and caret ranges, `||`).

  check_node_engines.py [--root DIR] [--node VERSION]
  check_node_engines.py --self-test
Exit 0 when every package accepts VERSION, 1 otherwise (each offender printed), 2 on bad input.
"""
import argparse
import json
import os
import re
import sys

# Debian 12 (bookworm) ships nodejs 18.20.4+dfsg-1~deb12u3.
DEBIAN12_NODE = "18.20.4"

_PARTIAL = re.compile(r"^v?(?P<major>[0-9xX*]+)(?:\.(?P<minor>[0-9xX*]+)"
                      r"(?:\.(?P<patch>[0-9xX*]+)(?:-(?P<pre>[0-9A-Za-z.-]+))?"
                      r"(?:\+[0-9A-Za-z.-]+)?)?)?$")


class RangeError(ValueError):
    pass


def _wild(part):
    return part is None or part in ("x", "X", "*")


def _parse_partial(text):
    """Returns (major, minor, patch, prerelease) with None for a wildcard or absent part."""
    m = _PARTIAL.match(text)
    if not m:
        raise RangeError(f"not a version: {text!r}")
    parts = [None if _wild(m.group(k)) else int(m.group(k)) for k in ("major", "minor", "patch")]
    # A wildcard makes every later part a wildcard too ("1.x.3" is "1.x").
    for i in range(1, 3):
        if parts[i - 1] is None:
            parts[i] = None
    return parts[0], parts[1], parts[2], m.group("pre")


def _key(version):
    return tuple(version[:3])


def _comparators(simple):
    """Turns one simple range term into a list of (operator, (major, minor, patch))."""
    m = re.match(r"^(<=|>=|<|>|=|~>|~|\^)?\s*(.*)$", simple)
    op, rest = m.group(1) or "", m.group(2)
    major, minor, patch, _pre = _parse_partial(rest) if rest not in ("", "*") else (None,) * 4
    if op in ("", "="):
        if major is None:
            return []
        if minor is None:
            return [(">=", (major, 0, 0)), ("<", (major + 1, 0, 0))]
        if patch is None:
            return [(">=", (major, minor, 0)), ("<", (major, minor + 1, 0))]
        return [("=", (major, minor, patch))]
    if op in ("~", "~>"):
        if major is None:
            return []
        if minor is None:
            return [(">=", (major, 0, 0)), ("<", (major + 1, 0, 0))]
        return [(">=", (major, minor, patch or 0)), ("<", (major, minor + 1, 0))]
    if op == "^":
        if major is None:
            return []
        lo = (major, minor or 0, patch or 0)
        if major > 0 or minor is None:
            return [(">=", lo), ("<", (major + 1, 0, 0))]
        if minor > 0 or patch is None:
            return [(">=", lo), ("<", (0, minor + 1, 0))]
        return [(">=", lo), ("<", (0, 0, patch + 1))]
    # Primitive comparators with a partial version.
    if major is None:
        return [] if op in (">=", "<=") else [("<", (0, 0, 0))]
    if op == ">":
        if minor is None:
            return [(">=", (major + 1, 0, 0))]
        if patch is None:
            return [(">=", (major, minor + 1, 0))]
        return [(">", (major, minor, patch))]
    if op == "<=":
        if minor is None:
            return [("<", (major + 1, 0, 0))]
        if patch is None:
            return [("<", (major, minor + 1, 0))]
        return [("<=", (major, minor, patch))]
    return [(op, (major, minor or 0, patch or 0))]


def _holds(op, have, want):
    return {"=": have == want, "<": have < want, "<=": have <= want,
            ">": have > want, ">=": have >= want}[op]


def satisfies(version, range_text):
    """Returns whether VERSION (x.y.z) lies in the npm semver range RANGE_TEXT."""
    have = _key(_parse_partial(version))
    if None in have:
        raise RangeError(f"not a full version: {version!r}")
    for alternative in range_text.split("||"):
        alternative = alternative.strip()
        hyphen = re.match(r"^(\S+)\s+-\s+(\S+)$", alternative)
        if hyphen:
            terms = [">=" + hyphen.group(1), "<=" + hyphen.group(2)]
        else:
            # "> = 1.2" is written ">=1.2": glue operators to their versions first.
            terms = re.sub(r"(<=|>=|<|>|=|~>|~|\^)\s+", r"\1", alternative).split()
        comparators = [c for term in terms for c in _comparators(term)]
        if all(_holds(op, have, want) for op, want in comparators):
            return True
    return False


def _engine_range(meta):
    engines = meta.get("engines")
    if isinstance(engines, dict):
        return engines.get("node")
    if isinstance(engines, list):  # an old form: ["node >= 0.8"]
        for entry in engines:
            if isinstance(entry, str) and entry.strip().startswith("node"):
                return entry.strip()[len("node"):].strip()
    return None


def check_lock(path, node_version):
    """Returns the offending packages of one package-lock.json, as printable lines."""
    with open(path, encoding="utf-8") as f:
        lock = json.load(f)
    packages = lock.get("packages")
    if not isinstance(packages, dict):
        raise RangeError(f"{path}: no 'packages' object (lockfileVersion 2 or 3 expected)")
    offenders = []
    for name, meta in sorted(packages.items()):
        wanted = _engine_range(meta) if isinstance(meta, dict) else None
        if wanted is None:
            continue
        label = name or "(the project itself)"
        try:
            ok = satisfies(node_version, wanted)
        except RangeError as e:
            offenders.append(f"{path}: {label}: engines.node {wanted!r} unreadable: {e}")
            continue
        if not ok:
            version = meta.get("version", "?")
            offenders.append(f"{path}: {label}@{version} requires node {wanted!r}, "
                             f"which excludes Debian 12's Node.js {node_version}")
    return offenders


def find_locks(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ("node_modules", ".git", "build")]
        if "package-lock.json" in filenames:
            yield os.path.join(dirpath, "package-lock.json")


def self_test():
    table = [
        ("18.20.4", ">=18", True), ("18.20.4", ">=20", False), ("18.20.4", ">= 18.0.0", True),
        ("18.20.4", "^18.17.0 || >=20.3.0", True), ("18.20.4", "^20.0.0 || >=22", False),
        ("18.20.4", "^14.18.0 || ^16.14.0 || >=18.0.0", True), ("18.20.4", "18.x", True),
        ("18.20.4", "~18.20.5", False), ("18.20.4", "~18.20", True), ("18.20.4", "*", True),
        ("18.20.4", "", True), ("18.20.4", ">=16 <19", True), ("18.20.4", ">=16 <18", False),
        ("18.20.4", "16 - 18", True), ("18.20.4", "16 - 18.19", False), ("18.20.4", "<=18", True),
        ("18.20.4", ">18", False), ("18.20.4", ">17", True), ("18.20.4", "=18.20.4", True),
        ("0.2.5", "^0.2.3", True), ("0.3.0", "^0.2.3", False), ("0.0.4", "^0.0.3", False),
        ("18.20.4", "> = 18", True), ("18.20.4", ">=0.10.0", True), ("18.20.4", "^18 || ^20", True),
    ]
    failed = 0
    for version, wanted, expected in table:
        got = satisfies(version, wanted)
        if got != expected:
            print(f"FAIL satisfies({version!r}, {wanted!r}) = {got}, expected {expected}")
            failed += 1
    print(f"{len(table) - failed} passed, {failed} failed")
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    parser.add_argument("--node", default=DEBIAN12_NODE, help="the Node.js version to accept")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    locks = list(find_locks(args.root))
    if not locks:
        print(f"check_node_engines: no package-lock.json under {args.root}", file=sys.stderr)
        return 2
    offenders = []
    try:
        for lock in locks:
            offenders += check_lock(lock, args.node)
    except (OSError, ValueError) as e:
        print(f"check_node_engines: {e}", file=sys.stderr)
        return 2
    for line in offenders:
        print(line)
    print(f"check_node_engines: {len(locks)} lock files, {len(offenders)} packages that "
          f"exclude Node.js {args.node}")
    return 1 if offenders else 0


if __name__ == "__main__":
    sys.exit(main())
