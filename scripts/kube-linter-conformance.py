#!/usr/bin/env python3
"""KubeLinter conformance: replays the assertions of KubeLinter's own end-to-end tests
(../shared/conformance/kube-linter/expected.tsv, from its bats suite) against kubeguard.

usage: kube-linter-conformance.py KUBEGUARD_BINARY [--strict]

For every bats test of a check kubeguard has, runs `kubeguard lint <same flags> <fixture>` from
the conformance folder and checks the exit status, the number of reports, and that each asserted
(kind, message) is among kubeguard's findings (kubeguard orders findings by location, KubeLinter
by object then check, so messages are matched as a multiset rather than by index). Tests of
checks kubeguard does not have yet are counted as skipped. Tests run with
`--config e2etests/testdata/<file>.yaml` (custom checks) run when every custom check's template
and every check the config includes are known to kubeguard, and are reported by name. Exits 1 on
any failed assertion.
"""
import collections
import csv
import fnmatch
import json
import os
import subprocess
import sys

binary = os.path.abspath(sys.argv[1])
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "conformance", "kube-linter")
root = os.path.normpath(root)
if not os.path.isdir(root):
    print("kube-linter-conformance: ../shared/conformance/kube-linter not found; skipped")
    sys.exit(0)

known = {c["name"] for c in json.loads(subprocess.run([binary, "checks", "list", "--format", "json"],
                                                        capture_output=True, text=True, check=True).stdout)}
known_templates = {t["key"] for t in json.loads(subprocess.run(
    [binary, "templates", "list", "--format", "json"], capture_output=True, text=True, check=True).stdout)}


def config_supported(path):
    """Whether every check a `--config` file defines or includes is known to kubeguard."""
    try:
        import yaml
        with open(os.path.join(root, path)) as f:
            cfg = yaml.safe_load(f) or {}
    except (ImportError, OSError):
        return False
    checks = cfg.get("checks") or {}
    if checks.get("addAllBuiltIn"):
        return False
    custom = cfg.get("customChecks") or []
    if not all(c.get("template") in known_templates for c in custom):
        return False
    names = {c.get("name") for c in custom}
    return all(n in known or n in names for n in checks.get("include") or [])


config_results = []
tests = collections.OrderedDict()
with open(os.path.join(root, "expected.tsv"), newline="") as f:
    for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
        if row["source"] != "bats":
            continue
        tests.setdefault((row["test"], row["fixture"], row["flags"]), []).append(row)

passed = failed = skipped = 0
failures = []
for (test, fixture, flags), rows in tests.items():
    args = flags.split()
    if "--config" in args:
        if not config_supported(args[args.index("--config") + 1]):
            skipped += len(rows)
            continue
    elif "--include" not in args or args[args.index("--include") + 1] not in known:
        skipped += len(rows)
        continue
    before = (passed, failed)
    proc = subprocess.run([binary, "lint", *args, fixture], cwd=root, capture_output=True, text=True)
    try:
        findings = json.loads(proc.stdout)["findings"]
    except (json.JSONDecodeError, KeyError):
        findings = []
    got = collections.Counter((f["object"]["kind"], f["message"]) for f in findings)
    for row in rows:
        kind, expected, assertion = row["object_kind"], row["expected"], row["assertion"]
        if assertion == "exit_status":
            ok = str(proc.returncode) == expected
            detail = f"exit {proc.returncode}, expected {expected}"
        elif assertion == "report_count":
            ok = str(len(findings)) == expected
            detail = f"{len(findings)} reports, expected {expected}"
        elif assertion == "message":
            if row["match"].startswith("glob"):
                ok = any(k == kind and fnmatch.fnmatchcase(m, expected) for (k, m) in got)
            elif row["match"].startswith(("contains", "substring")):
                ok = any(k == kind and expected in m for (k, m) in got)
            else:
                ok = got[(kind, expected)] > 0
            detail = f"{kind}: {expected}"
        else:
            skipped += 1
            continue
        if ok:
            passed += 1
        else:
            failed += 1
            failures.append(f"{test}: {assertion}: {detail}")
    if "--config" in args:
        config_results.append(f"{test}: {passed - before[0]} passed, {failed - before[1]} failed")

print(f"kube-linter-conformance: {passed} passed, {failed} failed, {skipped} skipped (checks not yet implemented)")
for r in config_results:
    print("  config test", r)
for f in failures:
    print("  FAIL", f)
sys.exit(1 if failed else 0)
