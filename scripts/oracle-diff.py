#!/usr/bin/env python3
"""Differential test against KubeLinter's real findings on the shared corpus.

usage: oracle-diff.py ORACLE.tsv KUBEGUARD.json CORPUS_DIR [--min-recall R] [--min-precision P] [--show N]

Compares (file, check, kind, namespace, name, message) multisets for the checks KubeLinter ran,
prints agreement per check, and fails when recall or precision (exact messages) fall below the
thresholds. Known, documented differences are listed in docs/kube-linter-compat.md.
"""
import argparse
import collections
import csv
import json
import sys

ap = argparse.ArgumentParser()
ap.add_argument("oracle")
ap.add_argument("ours")
ap.add_argument("corpus")
ap.add_argument("--min-recall", type=float, default=0.999)
ap.add_argument("--min-precision", type=float, default=0.985)
ap.add_argument("--show", type=int, default=0)
a = ap.parse_args()

prefix = a.corpus.rstrip("/") + "/"
oracle = collections.Counter()
with open(a.oracle, newline="") as f:
    rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(rows)
    for r in rows:
        row = dict(zip(header, r))
        oracle[(row["file"], row["check"], row["kind"], row["namespace"], row["name"], row["message"])] += 1
checks = {k[1] for k in oracle}

ours = collections.Counter()
for f in json.load(open(a.ours))["findings"]:
    if f["check"] not in checks or f.get("suppressed"):
        continue
    path = f["location"]["path"] if f.get("location") else ""
    if path.startswith(prefix):
        path = path[len(prefix):]
    o = f["object"]
    ours[(path, f["check"], o["kind"], o["namespace"] or "", o["name"], f["message"])] += 1

both = oracle & ours
missing = oracle - ours
extra = ours - oracle
n_o, n_b, n_u = sum(oracle.values()), sum(both.values()), sum(ours.values())
recall = n_b / n_o if n_o else 1.0
precision = n_b / n_u if n_u else 1.0
print(f"oracle-diff: KubeLinter {n_o}, kubeguard {n_u}, identical {n_b} "
      f"(recall {recall:.4f}, precision {precision:.4f})")
per = collections.defaultdict(lambda: [0, 0, 0])
for k, v in oracle.items():
    per[k[1]][0] += v
for k, v in both.items():
    per[k[1]][1] += v
for k, v in ours.items():
    per[k[1]][2] += v
for c in sorted(per):
    o, b, u = per[c]
    if o != b or u != b:
        print(f"  {c:36} kubelinter={o:5} kubeguard={u:5} identical={b:5}")
for label, diff in (("only KubeLinter", missing), ("only kubeguard", extra)):
    for k in list(sorted(diff))[: a.show]:
        print(f"  {label}: {k}")
if recall < a.min_recall or precision < a.min_precision:
    print("oracle-diff: agreement below threshold", file=sys.stderr)
    sys.exit(1)
