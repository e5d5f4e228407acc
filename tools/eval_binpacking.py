#!/usr/bin/env python3
"""Evaluates `crescendo optimize placement` on the vector bin-packing benchmark of Mommessin,
Erlebach and Shakhlevich, "Classification and evaluation of the algorithms for vector bin
packing", Computers & Operations Research (2025) (../shared/binpacking/vector_vbp_mommessin2024,
see its SOURCE.txt): Panigrahy's classes and the paper's "New" classes, 3, 5 or 10 resources.

For every selected instance whose optimum is known, the instance (.vbp, VPSolver format) is
written as the command's CSV files (resources r0..r<d-1>, one node type `bin` of price 1), the
command runs with --time-limit, and its node count is compared with the optimum and with the
best of the paper's greedy heuristics (column best_overall). Prints a Markdown table: per family
and class, the instances, the mean gap to the optimum of the solver and of the best greedy, and
how often each reached the optimum.

  tools/eval_binpacking.py --family Panigrahy --seeds 2 --time-limit 1s

The archives are read in place (nothing is copied into the repository).
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict


def default_dir():
    shared = os.environ.get("CRESCENDO_SHARED_DIR", "../shared")
    return os.path.join(shared, "binpacking", "vector_vbp_mommessin2024")


def read_table(path):
    with open(path, newline="") as f:
        return {row["instance_name"]: row for row in csv.DictReader(f, delimiter="\t")}


def parse_vbp(text):
    tokens = text.split()
    pos = 0

    def take():
        nonlocal pos
        pos += 1
        return int(tokens[pos - 1])

    d = take()
    caps = [take() for _ in range(d)]
    m = take()
    items = []
    for _ in range(m):
        sizes = [take() for _ in range(d)]
        items.extend([sizes] * take())
    return caps, items


def write_csv(directory, caps, items):
    names = ",".join(f"r{k}" for k in range(len(caps)))
    pods = os.path.join(directory, "pods.csv")
    nodes = os.path.join(directory, "nodes.csv")
    with open(pods, "w") as f:
        f.write(f"name,{names}\n")
        for i, sizes in enumerate(items):
            f.write(f"i{i}," + ",".join(map(str, sizes)) + "\n")
    with open(nodes, "w") as f:
        f.write(f"type,{names},price\nbin," + ",".join(map(str, caps)) + ",1\n")
    return pods, nodes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", default=default_dir(), help="the benchmark folder")
    ap.add_argument("--family", choices=["Panigrahy", "New", "all"], default="all")
    ap.add_argument("--seeds", type=int, default=2,
                    help="instances per class, size and dimension (seeds 0..N-1 of 10)")
    ap.add_argument("--max-items", type=int, default=500)
    ap.add_argument("--time-limit", default="1s")
    ap.add_argument("--binary", default="build/release/app/crescendo")
    args = ap.parse_args()
    if not os.path.isdir(args.dir):
        print(f"SKIPPED: {args.dir} not found (set CRESCENDO_SHARED_DIR)", file=sys.stderr)
        return 77
    families = ["Panigrahy", "New"] if args.family == "all" else [args.family]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for family in families:
            table = read_table(os.path.join(args.dir, f"{family}_summary_known.csv"))
            with tarfile.open(os.path.join(args.dir, f"{family}_instances.tar.gz")) as tar:
                for member in sorted(tar.getmembers(), key=lambda m: m.name):
                    if not member.name.endswith(".vbp"):
                        continue
                    name = os.path.basename(member.name)[:-4]
                    cls, n, d, seed = name.split("_")
                    row = table.get(name)
                    if row is None or int(row["OPT"]) < 0:
                        continue
                    if int(seed) >= args.seeds or int(n) > args.max_items:
                        continue
                    caps, items = parse_vbp(tar.extractfile(member).read().decode())
                    pods, nodes = write_csv(tmp, caps, items)
                    out = os.path.join(tmp, "out.json")
                    subprocess.run([args.binary, "optimize", "placement", "--pods", pods,
                                    "--nodes", nodes, "--time-limit", args.time_limit,
                                    "--json", out], check=True, stdout=subprocess.DEVNULL)
                    with open(out) as f:
                        got = json.load(f)["node_count"]
                    opt = int(row["OPT"])
                    greedy = int(row["best_overall"])
                    rows.append((family, cls, got, opt, greedy))
                    print(f"{family} {name}: solver {got}, optimum {opt}, best greedy {greedy}",
                          file=sys.stderr, flush=True)
    groups = defaultdict(list)
    for family, cls, got, opt, greedy in rows:
        groups[(family, cls)].append((got, opt, greedy))
        groups[(family, "all")].append((got, opt, greedy))
    print(f"time limit {args.time_limit}, seeds 0..{args.seeds - 1}, n <= {args.max_items}\n")
    print("| family | class | instances | solver gap | solver = OPT | best greedy gap |"
          " best greedy = OPT |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for (family, cls), g in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] == "all",
                                                                   kv[0][1])):
        k = len(g)
        gap = 100 * sum((a - o) / o for a, o, _ in g) / k
        ggap = 100 * sum((b - o) / o for _, o, b in g) / k
        hits = sum(a == o for a, o, _ in g)
        ghits = sum(b == o for _, o, b in g)
        label = f"**{cls}**" if cls == "all" else cls
        print(f"| {family} | {label} | {k} | {gap:.2f}% | {hits} | {ggap:.2f}% | {ghits} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
