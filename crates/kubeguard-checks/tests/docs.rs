//! `docs/checks/` must match the check definitions. Regenerate with
//! `UPDATE_DOCS=1 cargo test -p kubeguard-checks --test docs`.

use std::path::Path;

#[test]
fn check_pages_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks");
    let specs = kubeguard_checks::builtin_checks();
    let mut pages: Vec<(String, String)> = specs
        .iter()
        .map(|s| {
            (
                format!("{}.md", s.name),
                kubeguard_checks::docs::check_page(s),
            )
        })
        .collect();
    pages.push((
        "README.md".into(),
        kubeguard_checks::docs::index_page(specs),
    ));
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).expect("create docs/checks");
        for entry in std::fs::read_dir(&dir).expect("read docs/checks").flatten() {
            std::fs::remove_file(entry.path()).expect("remove stale page");
        }
        for (name, text) in &pages {
            std::fs::write(dir.join(name), text).expect("write page");
        }
    }
    let mut stale = Vec::new();
    for (name, text) in &pages {
        if std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    let on_disk = std::fs::read_dir(&dir).map(|rd| rd.count()).unwrap_or(0);
    assert!(
        stale.is_empty(),
        "docs/checks is out of date for {stale:?}: run UPDATE_DOCS=1 cargo test -p kubeguard-checks --test docs"
    );
    assert_eq!(
        on_disk,
        pages.len(),
        "docs/checks has pages for checks that no longer exist: regenerate it"
    );
}

#[test]
fn every_check_documents_an_example() {
    for s in kubeguard_checks::builtin_checks() {
        assert!(
            s.example.is_some() && s.use_instead.is_some(),
            "{}: add `example` and `useInstead`",
            s.name
        );
    }
}
