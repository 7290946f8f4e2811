//! Reading inputs: walking directories in a stable order, reading files and stdin, parsing all
//! documents in parallel, and grouping objects into lint contexts (one per directory, as
//! KubeLinter does; stdin is its own context).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use kubeguard_engine::{InputError, Skipped};
use kubeguard_model::Object;
use kubeguard_source::{
    Chunk, Document, Limits, LoadError, SourceFile, parse_chunk, split_documents,
};
use rayon::prelude::*;

use crate::cli::InputArgs;
use crate::render::{self, HelmOptions, Origins, Renderers};

/// How to read inputs.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Paths matching these globs are skipped.
    pub ignore: GlobSet,
    /// Parser limits (and the largest file accepted).
    pub limits: Limits,
    /// External renderers (Kustomize, Helm) found on `PATH`.
    pub renderers: Renderers,
    /// Options of `helm template`.
    pub helm: HelmOptions,
}

impl LoadOptions {
    /// The options of `lint` and `pss`: the input flags, `ignore_paths` globs and the
    /// renderers found on `PATH`.
    pub fn new(input: &InputArgs, ignore_paths: &[String]) -> Result<LoadOptions, String> {
        Ok(LoadOptions {
            ignore: compile_ignore(ignore_paths)?,
            limits: Limits {
                max_file_size: input.max_file_size,
                ..Limits::default()
            },
            renderers: Renderers::from_path(),
            helm: HelmOptions {
                release: input.release_name.clone(),
                values: input.values.clone(),
                set: input.set.clone(),
                namespace: input.namespace.clone(),
            },
        })
    }
}

/// Compiles `--ignore-paths` globs (`**` crosses directories, `*` does not).
pub fn compile_ignore(globs: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        let glob = GlobBuilder::new(g)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("invalid ignore path `{g}`: {e}"))?;
        b.add(glob);
    }
    b.build().map_err(|e| e.to_string())
}

/// Everything read, ready to lint.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Lint contexts in path order: (context key, objects in load order).
    pub contexts: Vec<(String, Vec<Object>)>,
    /// Inputs that could not be read or parsed.
    pub errors: Vec<InputError>,
    /// Files and documents passed over.
    pub skipped: Vec<Skipped>,
    /// Source texts by display path.
    pub sources: BTreeMap<Arc<str>, Arc<SourceFile>>,
    /// Files read.
    pub files: usize,
    /// Documents parsed (or attempted).
    pub documents: usize,
    /// Source files of rendered Kustomize objects.
    pub origins: Origins,
}

impl Loaded {
    /// Every object of every context, in path order, as one list (the analyzers that look at
    /// the inputs as one cluster: `pss`, `rbac`, `netpol`). The contexts are left empty.
    pub fn take_objects(&mut self) -> Vec<Object> {
        std::mem::take(&mut self.contexts)
            .into_iter()
            .flat_map(|(_, objects)| objects)
            .collect()
    }
}

enum Origin {
    Stdin,
    File(PathBuf),
    /// Output of a renderer (Kustomize, Helm).
    Rendered(String),
}

struct Input {
    display: String,
    context: String,
    origin: Origin,
}

/// Reads, parses and groups every input.
pub fn load(paths: &[String], opts: &LoadOptions) -> Loaded {
    let mut loaded = Loaded::default();
    let mut inputs = Vec::new();
    let mut seen_stdin = false;
    for arg in paths {
        if arg == "-" {
            if !seen_stdin {
                seen_stdin = true;
                inputs.push(Input {
                    display: "<stdin>".into(),
                    context: "-".into(),
                    origin: Origin::Stdin,
                });
            }
            continue;
        }
        let path = Path::new(arg);
        if is_ignored(&opts.ignore, path) {
            loaded.skipped.push(Skipped {
                path: arg.clone(),
                reason: "matches --ignore-paths".into(),
            });
            continue;
        }
        match std::fs::metadata(path) {
            Err(e) => loaded.errors.push(InputError {
                path: arg.clone(),
                line: None,
                column: None,
                message: format!("cannot read: {e}"),
            }),
            Ok(m) if m.is_dir() => walk(path, 0, opts, &mut inputs, &mut loaded),
            Ok(_) if is_tgz(path) => helm_chart(path, arg, opts, &mut inputs, &mut loaded),
            Ok(_) => inputs.push(Input {
                display: arg.clone(),
                context: parent_key(path),
                origin: Origin::File(path.to_path_buf()),
            }),
        }
    }
    // Read every file (in parallel), then cut every text into documents.
    let max = opts.limits.max_file_size;
    let texts: Vec<Result<String, String>> = inputs
        .par_iter_mut()
        .map(|i| match &mut i.origin {
            Origin::Rendered(text) => Ok(std::mem::take(text)),
            _ => read_input(i, max),
        })
        .collect();
    let mut files = Vec::new();
    for (input, text) in inputs.into_iter().zip(texts) {
        match text {
            Ok(text) => {
                loaded.files += 1;
                let source = SourceFile::new(input.display.clone(), text);
                let path: Arc<str> = Arc::from(input.display.as_str());
                loaded.sources.insert(path.clone(), source.clone());
                files.push((input, source, path));
            }
            Err(message) => loaded.errors.push(InputError {
                path: input.display,
                line: None,
                column: None,
                message,
            }),
        }
    }
    let tasks: Vec<(usize, usize, Chunk)> = files
        .iter()
        .enumerate()
        .flat_map(|(fi, (_, src, _))| {
            split_documents(src.text())
                .into_iter()
                .enumerate()
                .map(move |(di, c)| (fi, di, c))
        })
        .collect();
    loaded.documents = tasks.len();
    let limits = opts.limits;
    let parsed: Vec<Result<Document, LoadError>> = tasks
        .par_iter()
        .with_min_len(8)
        .map(|&(fi, di, chunk)| {
            let src = &files[fi].1;
            parse_chunk(src.text(), src.lines(), chunk, di, &limits)
        })
        .collect();
    let mut by_context: BTreeMap<String, Vec<Object>> = BTreeMap::new();
    for ((fi, _, _), result) in tasks.iter().zip(parsed) {
        let (input, source, path) = &files[*fi];
        match result {
            Ok(doc) => {
                let (objects, not_objects) = Object::from_document(source, path, doc);
                for n in not_objects {
                    loaded.skipped.push(Skipped {
                        path: format!("{}#{}", input.display, n.doc_index + 1),
                        reason: n.reason,
                    });
                }
                by_context
                    .entry(input.context.clone())
                    .or_default()
                    .extend(objects);
            }
            Err(e) => {
                let lc = source.line_col(e.offset);
                loaded.errors.push(InputError {
                    path: input.display.clone(),
                    line: Some(lc.line),
                    column: Some(lc.column),
                    message: e.message,
                });
            }
        }
    }
    loaded.contexts = by_context.into_iter().collect();
    loaded
}

fn read_input(input: &Input, max: u64) -> Result<String, String> {
    let mut bytes = Vec::new();
    match &input.origin {
        Origin::Stdin => {
            std::io::stdin()
                .lock()
                .take(max + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
        }
        Origin::Rendered(text) => bytes.extend_from_slice(text.as_bytes()),
        Origin::File(p) => {
            let f = std::fs::File::open(p).map_err(|e| format!("cannot read: {e}"))?;
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            if len > max {
                return Err(format!(
                    "larger than the --max-file-size limit of {max} bytes; raise the limit to lint it"
                ));
            }
            bytes.reserve_exact(len as usize + 1);
            f.take(max + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read: {e}"))?;
        }
    }
    if bytes.len() as u64 > max {
        return Err(format!(
            "larger than the --max-file-size limit of {max} bytes; raise the limit to lint it"
        ));
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (invalid byte at offset {}); Kubernetes manifests must be UTF-8",
            e.utf8_error().valid_up_to()
        )
    })?;
    if text.starts_with('\u{feff}') {
        // A byte-order mark is allowed by YAML; editors do not count it as a column.
        text.drain(..3);
    }
    Ok(text)
}

fn parent_key(path: &Path) -> String {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_string_lossy().into_owned(),
        _ => ".".into(),
    }
}

fn is_ignored(ignore: &GlobSet, path: &Path) -> bool {
    if ignore.is_empty() {
        return false;
    }
    let matches = |p: &Path| {
        let trimmed = p.strip_prefix("./").unwrap_or(p);
        ignore.is_match(p)
            || ignore.is_match(trimmed)
            || std::path::absolute(p).is_ok_and(|abs| ignore.is_match(abs))
    };
    // A directory is ignored when a glob covers everything in it (`dir/**`).
    matches(path) || (path.is_dir() && matches(&path.join("\u{0}")))
}

fn has_yaml_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"))
}

fn is_tgz(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("tgz"))
}

/// Queues rendered documents as inputs of one lint context.
fn push_rendered(docs: render::Rendered, context: &str, inputs: &mut Vec<Input>) {
    for (display, text) in docs {
        inputs.push(Input {
            display,
            context: context.to_owned(),
            origin: Origin::Rendered(text),
        });
    }
}

/// Renders a Helm chart (directory or `.tgz`) as its own lint context, or reports why not.
fn helm_chart(
    chart: &Path,
    display: &str,
    opts: &LoadOptions,
    inputs: &mut Vec<Input>,
    loaded: &mut Loaded,
) {
    match render::helm(&opts.renderers, &opts.helm, chart, display) {
        Ok(mut docs) => {
            // `--ignore-paths` applies to the rendered templates too (`chart/charts/**` leaves
            // the subcharts out), as KubeLinter applies it to the chart's files.
            docs.retain(|(shown, _)| {
                let ignored = is_ignored(&opts.ignore, Path::new(shown));
                if ignored {
                    loaded.skipped.push(Skipped {
                        path: shown.clone(),
                        reason: "matches --ignore-paths".into(),
                    });
                }
                !ignored
            });
            push_rendered(docs, &format!("{display}#helm"), inputs)
        }
        Err(message) => loaded.errors.push(InputError {
            path: display.to_owned(),
            line: None,
            column: None,
            message,
        }),
    }
}

/// Walks `dir` depth-first in lexical order (as `filepath.Walk`), not following directory
/// symlinks. Helm charts (directories with `Chart.yaml`, `.tgz` files) and Kustomize
/// directories are rendered as their own lint contexts, not descended.
fn walk(
    dir: &Path,
    depth: usize,
    opts: &LoadOptions,
    inputs: &mut Vec<Input>,
    loaded: &mut Loaded,
) {
    let display = dir.to_string_lossy();
    if depth > 64 {
        loaded.errors.push(InputError {
            path: display.into_owned(),
            line: None,
            column: None,
            message: "directory nesting deeper than 64 levels".into(),
        });
        return;
    }
    if dir.join("Chart.yaml").is_file() {
        helm_chart(dir, &display, opts, inputs, loaded);
        return;
    }
    if render::is_kustomize_dir(dir) {
        let display = display.into_owned();
        match render::kustomize(&opts.renderers, dir, &display, &mut loaded.origins) {
            Ok(docs) => push_rendered(docs, &format!("{display}#kustomize"), inputs),
            Err(message) => loaded.errors.push(InputError {
                path: display,
                line: None,
                column: None,
                message,
            }),
        }
        return;
    }
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(e) => {
            loaded.errors.push(InputError {
                path: display.into_owned(),
                line: None,
                column: None,
                message: format!("cannot read directory: {e}"),
            });
            return;
        }
    };
    entries.sort();
    for path in entries {
        let shown = path.to_string_lossy().into_owned();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if is_ignored(&opts.ignore, &path) {
            loaded.skipped.push(Skipped {
                path: shown,
                reason: "matches --ignore-paths".into(),
            });
            continue;
        }
        if meta.is_dir() {
            walk(&path, depth + 1, opts, inputs, loaded);
        } else if meta.is_symlink() && path.is_dir() {
            loaded.skipped.push(Skipped {
                path: shown,
                reason: "symbolic link to a directory (not followed)".into(),
            });
        } else if is_tgz(&path) {
            helm_chart(&path, &shown, opts, inputs, loaded);
        } else if has_yaml_extension(&path) {
            inputs.push(Input {
                display: shown,
                context: parent_key(&path),
                origin: Origin::File(path),
            });
        } else {
            loaded.skipped.push(Skipped {
                path: shown,
                reason: "not a .yaml, .yml or .json file".into(),
            });
        }
    }
}
