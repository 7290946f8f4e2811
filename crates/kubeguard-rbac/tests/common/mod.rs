//! The shared corpus of real manifests for the corpus tests.

use std::path::{Path, PathBuf};

use kubeguard_model::Object;

/// `../shared/corpus/real`, when present.
pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real");
    dir.is_dir().then_some(dir)
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files(&p, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
        {
            out.push(p);
        }
    }
}

/// The objects of every YAML or JSON file under `dir` (in path order) that `keep` accepts,
/// shown with paths relative to `dir`. Unreadable files and unparsable documents are skipped.
pub fn load(dir: &Path, keep: impl Fn(&Object) -> bool) -> Vec<Object> {
    let mut paths = Vec::new();
    files(dir, &mut paths);
    let mut objects = Vec::new();
    for p in paths {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let shown = p
            .strip_prefix(dir)
            .unwrap_or(&p)
            .to_string_lossy()
            .into_owned();
        objects.extend(Object::parse_all(&shown, &text).0.into_iter().filter(&keep));
    }
    objects
}
