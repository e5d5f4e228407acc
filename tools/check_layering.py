#!/usr/bin/env python3
"""Checks that Crescendo's layers include only the layers they may depend on.

The rules are those of docs/architecture.md: dependencies point one way, and the peer layers
(metrics, forecast, horizontal, vertical, policy, tenancy, optimize, cluster, store, security)
never include each other; they meet in engine.

Usage: check_layering.py --root DIR     check the tree at DIR (exit 1 on a violation)
       check_layering.py --self-test    check that a forbidden include is caught
"""
import argparse
import os
import re
import sys
import tempfile

PEERS = ["metrics", "forecast", "horizontal", "vertical", "policy", "tenancy", "optimize",
         "cluster", "store", "security"]

ALLOWED = {"base": {"base"}, "model": {"base", "model"}}
ALLOWED["config"] = {"base", "model", "config"}
for peer in PEERS:
    ALLOWED[peer] = {"base", "model", peer}
ALLOWED["engine"] = {"base", "model", "config", "engine", *PEERS}
ALLOWED["sim"] = ALLOWED["engine"] | {"sim"}
ALLOWED["api"] = ALLOWED["engine"] | {"api"}
# cli sits above api: `crescendo run` and `crescendo serve` start the HTTP server and /metrics
# (ARCHITECTURE.md lists api before cli, and `run` "serves them too").
ALLOWED["cli"] = ALLOWED["sim"] | ALLOWED["api"] | {"cli"}
ALLOWED["testing"] = ALLOWED["cli"] | {"testing"}
LAYERS = set(ALLOWED)

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"](?:crescendo/)?([a-z_]+)/[^">]+[">]')
PUBLIC = re.compile(r'^\s*#\s*include\s*[<"]crescendo/([a-z_]+)/')


def layer_of(path, root):
    rel = os.path.relpath(path, root).split(os.sep)
    if len(rel) >= 3 and rel[0] == "include" and rel[1] == "crescendo":
        return rel[2]
    if len(rel) >= 2 and rel[0] == "src":
        return rel[1]
    return None


def check(root):
    violations = []
    for top in ("include/crescendo", "src"):
        base = os.path.join(root, top)
        for dirpath, _, files in os.walk(base):
            for name in files:
                if not name.endswith((".h", ".cc")):
                    continue
                path = os.path.join(dirpath, name)
                layer = layer_of(path, root)
                if layer not in ALLOWED:
                    continue
                with open(path, encoding="utf-8", errors="replace") as f:
                    for lineno, line in enumerate(f, 1):
                        m = PUBLIC.match(line) or INCLUDE.match(line)
                        if not m or m.group(1) not in LAYERS:
                            continue
                        target = m.group(1)
                        if target not in ALLOWED[layer]:
                            rel = os.path.relpath(path, root)
                            violations.append(
                                f"{rel}:{lineno}: layer '{layer}' includes '{target}' "
                                f"(allowed: {', '.join(sorted(ALLOWED[layer]))})")
    return violations


def self_test():
    with tempfile.TemporaryDirectory() as root:
        def write(rel, text):
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        write("src/engine/ok.cc", '#include "crescendo/horizontal/recommender.h"\n')
        write("src/horizontal/ok.cc", '#include "crescendo/model/ids.h"\n#include <vector>\n')
        if check(root):
            print("self-test: allowed includes were reported", check(root))
            return 1
        write("src/horizontal/bad.cc", '#include "crescendo/vertical/histogram.h"\n')
        write("include/crescendo/model/bad.h", '#include "crescendo/engine/engine.h"\n')
        found = check(root)
        expected = ["src/horizontal/bad.cc:1", "include/crescendo/model/bad.h:1"]
        for e in expected:
            if not any(v.startswith(e) for v in found):
                print(f"self-test: forbidden include {e} was not caught; found {found}")
                return 1
    print("self-test: forbidden includes are caught")
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=".")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    violations = check(args.root)
    for v in violations:
        print(v)
    if violations:
        print(f"{len(violations)} layering violation(s); see docs/architecture.md")
        return 1
    print("layering: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
