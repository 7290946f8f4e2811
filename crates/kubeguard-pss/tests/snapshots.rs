//! Snapshots of the violations found in the fixtures, with their fields and locations, at
//! Baseline and Restricted for `latest` and for an older version.

use std::fmt::Write as _;

use kubeguard_model::Object;
use kubeguard_pss::{Level, Version, evaluate_all};

fn render(path: &str, text: &str) -> String {
    let (objects, errors) = Object::parse_all(path, text);
    assert!(errors.is_empty(), "{errors:?}");
    let mut out = String::new();
    for obj in &objects {
        for version in [Version::Latest, Version::V(24)] {
            let Some(eval) = evaluate_all(obj, version) else {
                let _ = writeln!(out, "{} {}: no pod spec", obj.kind, obj.name);
                continue;
            };
            let _ = writeln!(
                out,
                "{} {} @ {version}: highest level {}",
                obj.kind,
                obj.name,
                eval.highest_level()
            );
            for level in [Level::Baseline, Level::Restricted] {
                let _ = writeln!(out, "  {level}:");
                for v in eval.violations(level) {
                    let at = v.location.as_ref().map_or("-".to_string(), |l| {
                        format!("{}:{}:{}", l.path, l.start.line, l.start.column)
                    });
                    let _ = writeln!(
                        out,
                        "    {at} [{} {}] {}\n      {}",
                        v.level, v.control, v.field, v.message
                    );
                }
            }
        }
    }
    out
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.yaml", |path| {
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("fixture.yaml");
        insta::assert_snapshot!(render(name, &text));
    });
}
