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
import shutil
import subprocess
import sys
import tempfile

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
    elif test.startswith("flag-") or test == "template-check-installed-bash-version":
        continue  # replayed below / not a KubeLinter assertion
    elif "--include" not in args or args[args.index("--include") + 1] not in known:
        skipped += len(rows)
        continue
    before = (passed, failed)
    proc = subprocess.run([binary, "lint", *args, fixture], cwd=root, capture_output=True, text=True)
    try:
        findings = json.loads(proc.stdout)["findings"]
    except (json.JSONDecodeError, KeyError):
        findings = []
    got = collections.Counter((f["object"]["kind"], f["object"]["name"], f["message"]) for f in findings)
    for row in rows:
        kind, expected, assertion = row["object_kind"], row["expected"], row["assertion"]
        name = row["object_name"]
        # Which object each report is about: kind always, name where known (asserted or derived).
        same = lambda k, n: k == kind and (not name or n == name)  # noqa: E731
        if assertion == "exit_status":
            ok = str(proc.returncode) == expected
            detail = f"exit {proc.returncode}, expected {expected}"
        elif assertion == "report_count":
            ok = str(len(findings)) == expected
            detail = f"{len(findings)} reports, expected {expected}"
        elif assertion in ("object_name", "object_kind"):
            # `.Reports[i].Object.K8sObject.Name` (or Kind): some report is about that object.
            field = "name" if assertion == "object_name" else "kind"
            ok = any(f["object"][field] == expected for f in findings)
            detail = f"a report about {field} {expected}"
        elif assertion == "message":
            if row["match"].startswith("glob"):
                ok = any(same(k, n) and fnmatch.fnmatchcase(m, expected) for (k, n, m) in got)
            elif row["match"].startswith(("contains", "substring")):
                ok = any(same(k, n) and expected in m for (k, n, m) in got)
            else:
                ok = any(same(k, n) and m == expected for (k, n, m) in got)
            detail = f"{kind} {name}: {expected}"
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


def flag_test(test, ok, detail):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        failures.append(f"{test}: {detail}")


# The flag tests of the bats suite, replayed one by one.
proc = subprocess.run([binary, "lint", "--ignore-paths", "tests/**", "--ignore-paths", "e2etests/**",
                       "--ignore-paths", "pkg/**/testdata/**", "."], cwd=root, capture_output=True, text=True)
flag_test("flag-ignore-paths", proc.returncode == 0, f"exit {proc.returncode}, expected 0")
proc = subprocess.run([binary, "lint", "-"], cwd=root, input="---\n", capture_output=True, text=True)
flag_test("flag-read-from-stdin", proc.returncode == 0 and "no valid Kubernetes objects" in proc.stderr,
          f"exit {proc.returncode}, stderr {proc.stderr!r}")
if shutil.which("kustomize") or shutil.which("kubectl"):
    proc = subprocess.run([binary, "lint", "--format", "json", "tests/testdata/mykustomize"], cwd=root,
                          capture_output=True, text=True)
    reports = json.loads(proc.stdout or "{}").get("findings", [])
    flag_test("flag-kustomize-support exit", proc.returncode == 1, f"exit {proc.returncode}")
    flag_test("flag-kustomize-support count", len(reports) >= 1, f"{len(reports)} reports")
    flag_test("flag-kustomize-support object", bool(reports) and reports[0]["object"]["kind"] == "Deployment"
              and reports[0]["object"]["name"] == "kustomize-test-deployment", "first report's object")
else:
    skipped += 4
with tempfile.TemporaryDirectory() as tmp:
    # KubeLinter's `--format json` is kubeguard's `--format kube-linter-json`.
    js, sarif = os.path.join(tmp, "out.json"), os.path.join(tmp, "out.sarif")
    subprocess.run([binary, "lint", "--format", "kube-linter-json", "--output", js, "--format", "sarif", "--output",
                    sarif, "tests/checks/run-as-non-root.yml"], cwd=root, capture_output=True, text=True)
    flag_test("flag-multi-format-output json", os.path.isfile(js), "json output written")
    flag_test("flag-multi-format-output sarif", os.path.isfile(sarif), "sarif output written")
    flag_test("flag-multi-format-output Reports", os.path.isfile(js) and "Reports" in json.load(open(js)),
              "json output has Reports")
    flag_test("flag-multi-format-output version", os.path.isfile(sarif) and json.load(open(sarif)).get("version") == "2.1.0",
              "sarif version 2.1.0")

# Go unit tests of the sorted-keys template that read fixture files.
go_tests = collections.OrderedDict()
with open(os.path.join(root, "expected.tsv"), newline="") as f:
    for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
        if row["source"] == "go" and row["test"].startswith("TestSortedKeys"):
            go_tests.setdefault((row["test"], row["fixture"], row["flags"]), []).append(row)
for (test, fixture, flags), rows in go_tests.items():
    recursive = "recursive: true" in flags
    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "cfg.yaml")
        with open(cfg, "w") as c:
            c.write("checks: {doNotAutoAddDefaults: true}\ncustomChecks:\n- name: sk\n  template: sorted-keys\n"
                    f"  params: {{recursive: {'true' if recursive else 'false'}}}\n  scope: {{objectKinds: [Any]}}\n")
        proc = subprocess.run([binary, "lint", "--config", cfg, "--format", "json", fixture], cwd=root,
                              capture_output=True, text=True)
    messages = [f["message"] for f in json.loads(proc.stdout or "{}").get("findings", [])]
    for row in rows:
        if row["assertion"] == "diagnostic_count":
            flag_test(f"{test} count", str(len(messages)) == row["expected"], f"{len(messages)} != {row['expected']}")
        elif row["assertion"] == "message":
            flag_test(f"{test} message", row["expected"] in messages, row["expected"])

# Go tests of KubeLinter's lint command: which invocations are errors (exit 2 in kubeguard) and
# which succeed (exit 0 on a valid pod).
with tempfile.TemporaryDirectory() as tmp:
    valid = "pkg/command/lint/testdata/valid-pod.yaml"
    commands = [
        ("InvalidYAML", ["--fail-on-invalid-resource", "pkg/command/lint/testdata/invalid.yaml"], "error"),
        ("NonexistentFile", ["--fail-on-invalid-resource", "pkg/command/lint/testdata/foo-bar.yaml"], "error"),
        ("ValidPod", ["--fail-on-invalid-resource", valid], "nil"),
        ("FormatOutputMismatch", ["--format", "json", "--format", "sarif", "--output", os.path.join(tmp, "one.json"), valid], "error"),
        ("InvalidOutputDirectory", ["--format", "json", "--output", "/nonexistent/dir/output.json", valid], "error"),
        ("MultipleFormatsToFiles", ["--format", "json", "--output", os.path.join(tmp, "a.json"), "--format", "sarif",
                                    "--output", os.path.join(tmp, "b.sarif"), valid], "nil"),
        ("PartialFailureHandling", ["--format", "json", "--output", os.path.join(tmp, "v.json"), "--format", "sarif",
                                    "--output", "/nonexistent/invalid.sarif", valid], "error"),
    ]
    for name, args, want in commands:
        proc = subprocess.run([binary, "lint", *args], cwd=root, capture_output=True, text=True)
        ok = proc.returncode == 2 if want == "error" else proc.returncode == 0
        flag_test(f"TestCommand {name}", ok, f"exit {proc.returncode}, expected {want}")
# Go tests of Kustomize contexts.
if shutil.which("kustomize") or shutil.which("kubectl"):
    for name, args, want in [
        ("TestKustomizeContextCreation", ["tests/testdata/mykustomize"], 2),
        ("TestKustomizeWithDeprecatedSyntax", ["tests/testdata/mykustomize-deprecated"], 2),
        ("TestKustomizeWithIgnorePaths", ["--ignore-paths", "tests/testdata/mykustomize/**", "tests/testdata/mykustomize"], 0),
    ]:
        proc = subprocess.run([binary, "lint", "--format", "json", *args], cwd=root, capture_output=True, text=True)
        objects = json.loads(proc.stdout or "{}").get("summary", {}).get("objects")
        flag_test(name, objects == want, f"{objects} objects, expected {want}")
# The Helm Go tests (object paths in charts, subcharts, malformed dependencies) need a helm binary
# (scripts/install-helm.sh provides one).
helm_rows = collections.OrderedDict()
with open(os.path.join(root, "expected.tsv"), newline="") as f:
    for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
        if row["source"] == "go" and row["test"] in (
                "TestCreateContextsObjectPaths", "TestIgnoreSubchartManifests", "TestHelmChartWithMalformedDependencies"):
            helm_rows.setdefault(row["test"], []).append(row)
if not shutil.which("helm"):
    skipped += sum(len(r) for r in helm_rows.values())
else:
    with tempfile.TemporaryDirectory() as tmp:
        # A check that reports every object: the set of finding paths is the set of object paths.
        every = os.path.join(tmp, "every.yaml")
        with open(every, "w") as c:
            c.write("checks: {doNotAutoAddDefaults: true}\ncustomChecks:\n- name: every-object\n"
                    "  template: cel-expression\n  params: {check: \"'x'\"}\n  scope: {objectKinds: [Any]}\n")

        def object_paths(*args):
            proc = subprocess.run([binary, "lint", "--config", every, "--format", "json", *args], cwd=root,
                                  capture_output=True, text=True)
            report = json.loads(proc.stdout or "{}")
            return {f["location"]["path"] for f in report.get("findings", []) if f.get("location")}, report

        for chart, prefix in [("tests/testdata/mychart", "tests/testdata/mychart"),
                              ("tests/testdata/mychart-0.1.0.tgz", "tests/testdata/mychart-0.1.0.tgz/mychart")]:
            got, _ = object_paths(chart)
            want = {r["expected"].replace("<chart path>", prefix) for r in helm_rows["TestCreateContextsObjectPaths"]}
            for r in helm_rows["TestCreateContextsObjectPaths"]:
                path = r["expected"].replace("<chart path>", prefix)
                flag_test(f"TestCreateContextsObjectPaths {chart} {path}", path in got, f"not among {sorted(got)}")
            flag_test(f"TestCreateContextsObjectPaths {chart} set-equal", got == want, f"{sorted(got ^ want)}")
        got, _ = object_paths("--ignore-paths", "tests/testdata/mychart/charts/**", "tests/testdata/mychart")
        want = {r["expected"].replace("../../", "") for r in helm_rows["TestIgnoreSubchartManifests"]}
        for path in sorted(want):
            flag_test(f"TestIgnoreSubchartManifests {path}", path in got, f"not among {sorted(got)}")
        flag_test("TestIgnoreSubchartManifests set-equal", got == want, f"{sorted(got ^ want)}")
        _, report = object_paths("tests/testdata/malformed-deps-chart")
        errors = report.get("errors", [])
        flag_test("TestHelmChartWithMalformedDependencies count", len(errors) == 1, f"{len(errors)} errors")
        # Helm 3 says "processing dependencies", Helm 4 "dependencies processing failed": same meaning.
        flag_test("TestHelmChartWithMalformedDependencies error",
                  any("dependencies" in e["message"] and "processing" in e["message"] for e in errors),
                  f"{errors}")

print(f"kube-linter-conformance: {passed} passed, {failed} failed, {skipped} skipped")
for r in config_results:
    print("  config test", r)
for f in failures:
    print("  FAIL", f)
sys.exit(1 if failed else 0)
