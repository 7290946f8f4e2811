#!/usr/bin/env python3
"""End-to-end Pod Security Admission conformance through the `kubeguard pss` command.

Reads ../shared/conformance/pod-security-admission/cases.tsv (upstream's fixtures: file, level,
version, expected pass|fail, the check the fixture exercises) and runs `kubeguard pss --version V
--format json` once per version over all of that version's files. A pass case must meet its
level; a fail case must not, and one of its violations at that level must be of the exercised
control (or of the restricted control that replaces a baseline one at the restricted level, as
upstream evaluates). Also checks the `--level` gate's exit code on one pass and one fail file
per level and version. Skips cleanly when the shared data is absent.
    scripts/pss-conformance.py target/release/kubeguard
"""
import collections
import csv
import json
import os
import subprocess
import sys

binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/kubeguard")
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "conformance",
                    "pod-security-admission")
if not os.path.isfile(os.path.join(root, "cases.tsv")):
    print("pss-conformance: ../shared/conformance/pod-security-admission not found; skipped")
    sys.exit(0)

RANK = {"privileged": 0, "baseline": 1, "restricted": 2}
# Restricted checks that replace a baseline one at the restricted level (upstream's overrides).
REPLACED_BY = {
    "hostPathVolumes": {"restrictedVolumes"},
    "seccompProfile_baseline": {"seccompProfile_restricted"},
    "capabilities_baseline": {"capabilities_restricted"},
    "procMount": {"procMount_restricted"},
}
# Control names in kubeguard's output are upstream's check ids without the level suffix.
def control_of(check_id):
    return check_id.split("_")[0] if check_id.endswith(("_baseline", "_restricted")) else check_id

by_version = collections.defaultdict(list)
with open(os.path.join(root, "cases.tsv"), newline="") as f:
    for row in csv.DictReader(f, delimiter="\t"):
        by_version[row["version"]].append(row)

passed = failed = 0
failures = []
for version, rows in sorted(by_version.items()):
    files = sorted({r["file"] for r in rows})
    proc = subprocess.run([binary, "pss", "--version", version, "--format", "json", *files], cwd=root,
                          capture_output=True, text=True)
    report = json.loads(proc.stdout or "{}")
    workloads = {w["location"]["path"]: w for w in report.get("workloads", [])}
    for r in rows:
        w = workloads.get(r["file"])
        level = r["level"]
        ok = w is not None
        why = "no workload reported"
        if ok and r["expected"] == "pass":
            ok = RANK[w["level"]] >= RANK[level]
            why = f"meets only {w['level']}"
        elif ok:
            ok = RANK[w["level"]] < RANK[level]
            why = f"meets {w['level']}"
            if ok and not r["check_id"].startswith("("):
                wanted = {r["check_id"]} | (REPLACED_BY.get(r["check_id"], set()) if level == "restricted" else set())
                wanted = {control_of(c) for c in wanted} | wanted
                got = {v["control"] for v in w["violations"] if RANK[v["level"]] <= RANK[level]}
                ok = bool(wanted & got)
                why = f"violations {sorted(got)}, expected one of {sorted(wanted)}"
        if ok:
            passed += 1
        else:
            failed += 1
            failures.append(f"{r['file']} {level} {version} {r['expected']}: {why}")
    # The gate: exit 0 on a pass file, 1 on a fail file.
    for level in ("baseline", "restricted"):
        for expected, code in (("pass", 0), ("fail", 1)):
            sample = next((r["file"] for r in rows if r["level"] == level and r["expected"] == expected), None)
            if sample is None:
                continue
            proc = subprocess.run([binary, "pss", "--level", level, "--version", version, sample], cwd=root,
                                  capture_output=True, text=True)
            if proc.returncode == code:
                passed += 1
            else:
                failed += 1
                failures.append(f"gate {level} {version} {sample}: exit {proc.returncode}, expected {code}")

print(f"pss-conformance: {passed} passed, {failed} failed")
for f in failures[:40]:
    print("  FAIL", f)
sys.exit(1 if failed else 0)
