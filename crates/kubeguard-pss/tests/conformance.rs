//! Conformance with upstream Pod Security Admission: replays every fixture of
//! kubernetes/pod-security-admission (`test/testdata/<level>/<version>/{pass,fail}`) listed in
//! `cases.tsv` of the shared conformance data, at the level and version the row names.
//!
//! - `pass` rows (including the `(minimal-valid:…)` base pods) must yield no violation;
//! - `fail` rows must yield at least one violation, one of them of the control named by
//!   `check_id` — or of the Restricted control that upstream evaluates in that control's place
//!   at this level and version (a Baseline fixture replayed at Restricted, e.g.
//!   `hostPathVolumes` → `restrictedVolumes`).
//!
//! Skips (with a note) when the shared data is absent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kubeguard_model::Object;
use kubeguard_pss::{Control, Level, Version, evaluate};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/pod-security-admission")
}

/// Upstream's `OverrideCheckIDs`: Baseline check, the Restricted check replacing it, and the
/// first minor version the replacement applies at. Written out here (not taken from the crate)
/// so the test states the expectation independently; it is also checked against the crate.
const OVERRIDES: [(&str, &str, u32); 4] = [
    ("hostPathVolumes", "restrictedVolumes", 0),
    ("seccompProfile_baseline", "seccompProfile_restricted", 19),
    ("capabilities_baseline", "capabilities_restricted", 22),
    ("procMount", "procMount_restricted", 35),
];

struct Case {
    file: String,
    level: Level,
    version: Version,
    pass: bool,
    check_id: String,
}

fn read_cases(dir: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(dir.join("cases.tsv")).expect("cases.tsv is readable");
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    assert_eq!(
        header.split('\t').collect::<Vec<_>>(),
        ["file", "level", "version", "expected", "check_id"]
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 5, "malformed row {l:?}");
            Case {
                file: cols[0].to_string(),
                level: cols[1].parse().expect("level"),
                version: cols[2].parse().expect("version"),
                pass: match cols[3] {
                    "pass" => true,
                    "fail" => false,
                    other => panic!("unknown expectation {other:?}"),
                },
                check_id: cols[4].to_string(),
            }
        })
        .collect()
}

/// The control IDs a failing case may be reported under.
fn accepted(check_id: &str, level: Level, version: Version) -> Vec<&str> {
    let mut ids = vec![check_id];
    if level == Level::Restricted {
        for (baseline, restricted, since) in OVERRIDES {
            if baseline == check_id && version.minor() >= since {
                ids.push(restricted);
            }
        }
    }
    ids
}

#[test]
fn override_table_matches_the_crate() {
    for (baseline, restricted, since) in OVERRIDES {
        let b = Control::from_id(baseline).expect("known control");
        let r = Control::from_id(restricted).expect("known control");
        assert_eq!(r.overrides(), Some(b));
        assert_eq!(r.since(), since);
        if since > 0 {
            assert_eq!(
                b.overridden_by(Level::Restricted, Version::V(since - 1)),
                None
            );
        }
        assert_eq!(
            b.overridden_by(Level::Restricted, Version::V(since)),
            Some(r)
        );
    }
}

#[test]
fn pod_security_admission_fixtures() {
    let dir = data_dir();
    if !dir.join("cases.tsv").exists() {
        println!(
            "note: {} not found; skipping the Pod Security Admission conformance test",
            dir.display()
        );
        return;
    }
    let cases = read_cases(&dir);
    assert!(!cases.is_empty(), "cases.tsv lists no case");

    let mut mismatches = Vec::new();
    // check_id -> (agreeing, total)
    let mut per_check: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut pass_ok, mut pass_total, mut fail_ok, mut fail_total) = (0, 0, 0, 0);
    // Failing cases recognised only through the replacing Restricted control.
    let mut via_override = 0;
    for case in &cases {
        let path = dir.join(&case.file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (objects, errors) = Object::parse_all(&case.file, &text);
        assert!(errors.is_empty(), "{}: {errors:?}", case.file);
        assert_eq!(objects.len(), 1, "{}: one object expected", case.file);
        let violations = evaluate(&objects[0], case.level, case.version)
            .unwrap_or_else(|| panic!("{}: no pod spec", case.file));

        let problem = if case.pass {
            pass_total += 1;
            (!violations.is_empty()).then(|| {
                let found: Vec<String> = violations
                    .iter()
                    .map(|v| format!("{}: {}", v.control, v.message))
                    .collect();
                format!("expected no violation, got {found:?}")
            })
        } else {
            fail_total += 1;
            let ids = accepted(&case.check_id, case.level, case.version);
            let found: Vec<&str> = violations.iter().map(|v| v.control.id()).collect();
            if !found.contains(&case.check_id.as_str()) && found.iter().any(|f| ids.contains(f)) {
                via_override += 1;
            }
            (!found.iter().any(|f| ids.contains(f)))
                .then(|| format!("expected a violation of {ids:?}, got {found:?}"))
        };
        let entry = per_check.entry(case.check_id.clone()).or_default();
        entry.1 += 1;
        match problem {
            None => {
                entry.0 += 1;
                if case.pass {
                    pass_ok += 1;
                } else {
                    fail_ok += 1;
                }
            }
            Some(p) => mismatches.push(format!(
                "{} [{} {}]: {p}",
                case.file, case.level, case.version
            )),
        }
    }

    println!(
        "Pod Security Admission conformance: {}/{} cases agree ({pass_ok}/{pass_total} pass, {fail_ok}/{fail_total} fail)",
        pass_ok + fail_ok,
        cases.len()
    );
    println!(
        "  ({via_override} fail cases matched through the Restricted control replacing check_id)"
    );
    for (check, (ok, total)) in &per_check {
        println!("  {check:<32} {ok:>4}/{total}");
    }
    if !mismatches.is_empty() {
        for m in mismatches.iter().take(25) {
            println!("MISMATCH {m}");
        }
        panic!(
            "{} of {} cases disagree with upstream (first ones listed above)",
            mismatches.len(),
            cases.len()
        );
    }
}
