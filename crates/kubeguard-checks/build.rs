//! Embeds every built-in check definition in `builtin/*.yaml` (sorted by file name).
use std::fmt::Write;

fn main() {
    // The manifest directory of this build, read when the script runs: `env!` would bake in the
    // directory the script was compiled in, and a build script binary can be reused by another
    // checkout sharing the target directory.
    let root = std::path::PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let dir = root.join("builtin");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                .collect()
        })
        .expect("builtin/ is readable");
    assert!(!files.is_empty(), "no built-in checks in {}", dir.display());
    files.sort();
    let mut out = String::from(
        "/// Built-in check definitions: (file name, YAML text).\npub static BUILTIN_FILES: &[(&str, &str)] = &[\n",
    );
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            f.display().to_string()
        );
    }
    out.push_str("];\n");
    // Templates: one module per file in src/templates (other than mod.rs), each defining
    // `pub(crate) static TEMPLATE`.
    let tdir = root.join("src/templates");
    println!("cargo:rerun-if-changed={}", tdir.display());
    let mut tfiles: Vec<_> = std::fs::read_dir(&tdir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "rs") && !p.ends_with("mod.rs"))
                .collect()
        })
        .expect("src/templates is readable");
    tfiles.sort();
    let mut mods = String::new();
    let mut all = String::from(
        "/// Every template.\npub static ALL: &[&dyn kubeguard_engine::Template] = &[\n",
    );
    for f in &tfiles {
        let stem = f
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let _ = writeln!(
            mods,
            "#[path = {:?}]\npub mod {stem};",
            f.display().to_string()
        );
        let _ = writeln!(all, "    &{stem}::TEMPLATE,");
    }
    all.push_str("];\n");
    let tdest = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("templates.rs");
    std::fs::write(tdest, format!("{mods}\n{all}")).expect("write generated file");
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("builtin_files.rs");
    std::fs::write(dest, out).expect("write generated file");
}
