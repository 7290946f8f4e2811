//! Rendering Kustomize directories and Helm charts with the external tools, and pointing
//! findings on rendered Kustomize objects back at the source files they came from.
//!
//! Kustomize: `kustomize build DIR` (else `kubectl kustomize DIR`) renders what is linted. A
//! second, best-effort render of a throw-away kustomization in a temporary directory that only
//! lists `DIR` as a resource and turns on `buildMetadata: [originAnnotations]` tells, for each
//! rendered object, the file it came from (the user's directory is never written to). A
//! finding's field is then looked up in that source document: when it exists there with the
//! same value (or is missing in both the source and the rendered object), the finding moves to
//! the source file and line; otherwise (a patch or a transformer set it) it stays on the
//! rendered object, shown as `<dir>/kustomize:<Kind>-<name>`.
//!
//! Helm: `helm template <release> <chart> [--values F]... [--set K=V]... [--namespace NS]`,
//! split on Helm's `# Source: <chart>/templates/x.yaml` comments into one input per template,
//! shown as `<chart dir>/templates/x.yaml` (the chart-name segment replaced by the chart path,
//! as KubeLinter does).

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use kubeguard_engine::Finding;
use kubeguard_model::{Context, Object, locate, parse_path};
use kubeguard_source::{Location, SourceFile};

/// The external renderers found on `PATH` (resolved once, so tests can inject fakes via `PATH`).
#[derive(Debug, Clone, Default)]
pub struct Renderers {
    /// `kustomize`.
    pub kustomize: Option<PathBuf>,
    /// `kubectl` (for `kubectl kustomize` when `kustomize` is absent).
    pub kubectl: Option<PathBuf>,
    /// `helm`.
    pub helm: Option<PathBuf>,
}

impl Renderers {
    /// Looks the tools up on `PATH`.
    pub fn from_path() -> Renderers {
        Renderers {
            kustomize: which("kustomize"),
            kubectl: which("kubectl"),
            helm: which("helm"),
        }
    }
}

/// The first executable file named `name` on `PATH`.
fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file() || p.with_extension("exe").is_file()
}

/// Options of `helm template`.
#[derive(Debug, Clone)]
pub struct HelmOptions {
    /// The release name (`test-release`, as KubeLinter).
    pub release: String,
    /// `--values` files, in order.
    pub values: Vec<PathBuf>,
    /// `--set K=V` values, in order.
    pub set: Vec<String>,
    /// `--namespace`.
    pub namespace: Option<String>,
}

impl Default for HelmOptions {
    fn default() -> Self {
        HelmOptions {
            release: "test-release".into(),
            values: Vec::new(),
            set: Vec::new(),
            namespace: None,
        }
    }
}

/// The kustomization file names that make a directory a Kustomize directory.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Whether `dir` holds a kustomization file.
pub fn is_kustomize_dir(dir: &Path) -> bool {
    KUSTOMIZATION_FILES.iter().any(|f| dir.join(f).is_file())
}

/// One rendered document stream, ready to be parsed: (display path, text).
pub type Rendered = Vec<(String, String)>;

/// Where the rendered Kustomize objects came from: rendered display path → source file.
#[derive(Debug, Default)]
pub struct Origins {
    /// Rendered display path → (source file, its display path).
    by_display: HashMap<String, (PathBuf, String)>,
}

impl Origins {
    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        self.by_display.is_empty()
    }
}

fn run(cmd: &mut Command, what: &str) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!("{what} failed ({}): {}", out.status, stderr.trim()));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("{what} wrote output that is not UTF-8"))
}

fn kustomize_command(tools: &Renderers, dir: &Path) -> Option<(Command, &'static str)> {
    if let Some(k) = &tools.kustomize {
        let mut c = Command::new(k);
        c.arg("build").arg(dir);
        return Some((c, "kustomize build"));
    }
    let k = tools.kubectl.as_ref()?;
    let mut c = Command::new(k);
    c.arg("kustomize").arg(dir);
    Some((c, "kubectl kustomize"))
}

/// Identity of an object in a rendered stream.
type Key = (String, String, Option<String>, String);

fn key_of(o: &Object) -> Key {
    (
        o.api_version.clone(),
        o.kind.clone(),
        o.namespace.clone(),
        o.name.clone(),
    )
}

/// Renders the Kustomize directory `dir` (shown as `display`): one text per rendered object.
pub fn kustomize(
    tools: &Renderers,
    dir: &Path,
    display: &str,
    origins: &mut Origins,
) -> Result<Rendered, String> {
    let Some((mut cmd, what)) = kustomize_command(tools, dir) else {
        return Err(format!(
            "is a Kustomize directory, but neither `kustomize` nor `kubectl` is on PATH: install one, or render it first, e.g. `kustomize build {} | kubeguard lint -`",
            dir.display()
        ));
    };
    let text = run(&mut cmd, what)?;
    let sources = kustomize_origins(tools, dir);
    let display = trim_slash(display);
    let mut out: Rendered = Vec::new();
    let mut used: HashMap<String, usize> = HashMap::new();
    for chunk in kubeguard_source::split_documents(&text) {
        let doc = &text[chunk.start as usize..chunk.end as usize];
        let (objects, _) = Object::parse_all("", doc);
        let base = match objects.first() {
            Some(o) => format!("{display}/kustomize:{}-{}", o.kind, o.name),
            None => format!("{display}/kustomize"),
        };
        let n = used.entry(base.clone()).or_default();
        *n += 1;
        let shown = if *n == 1 { base } else { format!("{base}#{n}") };
        if let [o] = objects.as_slice()
            && let Some(src) = sources.get(&key_of(o))
        {
            let src_shown = match std::fs::canonicalize(dir)
                .ok()
                .and_then(|d| src.strip_prefix(d).ok().map(Path::to_path_buf))
            {
                Some(rel) => format!("{display}/{}", rel.to_string_lossy()),
                None => shown_path(src),
            };
            origins
                .by_display
                .insert(shown.clone(), (src.clone(), src_shown));
        }
        out.push((shown, doc.to_owned()));
    }
    Ok(out)
}

/// Best effort: the source file of every rendered object, from a second render with origin
/// annotations of a temporary kustomization that lists `dir` as its only resource.
fn kustomize_origins(tools: &Renderers, dir: &Path) -> HashMap<Key, PathBuf> {
    let mut map = HashMap::new();
    let Ok(abs_dir) = std::fs::canonicalize(dir) else {
        return map;
    };
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let Ok(tmp_root) = std::fs::canonicalize(std::env::temp_dir()) else {
        return map;
    };
    let tmp = tmp_root.join(format!("kubeguard-kustomize-{}-{n}", std::process::id()));
    if std::fs::create_dir_all(&tmp).is_err() {
        return map;
    }
    // Kustomize refuses absolute resource paths: climb from the temporary directory to `/`.
    let ups = tmp
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .count();
    let rest: PathBuf = abs_dir
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .collect();
    let rel = format!("{}{}", "../".repeat(ups), rest.to_string_lossy());
    let quoted = serde_json::Value::String(rel).to_string();
    let written = std::fs::write(
        tmp.join("kustomization.yaml"),
        format!("resources:\n  - {quoted}\nbuildMetadata: [originAnnotations]\n"),
    );
    if written.is_ok()
        && let Some((mut cmd, what)) = kustomize_command(tools, &tmp)
        && let Ok(text) = run(&mut cmd, what)
    {
        let (objects, _) = Object::parse_all("", &text);
        for o in &objects {
            let Some(origin) = o.annotation("config.kubernetes.io/origin") else {
                continue;
            };
            if origin.lines().any(|l| l.trim_start().starts_with("repo:")) {
                continue;
            }
            let Some(path) = origin
                .lines()
                .find_map(|l| l.trim().strip_prefix("path:"))
                .map(|p| p.trim().trim_matches(|c| c == '"' || c == '\''))
            else {
                continue;
            };
            let src = normalize(&tmp.join(path));
            if src.is_file() {
                map.insert(key_of(o), src);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    map
}

/// `display` without trailing slashes (`k/overlay/` → `k/overlay`), so that rendered paths
/// do not get a double slash.
fn trim_slash(display: &str) -> &str {
    match display.trim_end_matches('/') {
        "" => display,
        t => t,
    }
}

/// Removes `.` and `..` components without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// `path` relative to the working directory when under it, else as is (for source files
/// outside the Kustomize directory; those inside are shown under the directory as given).
fn shown_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| std::fs::canonicalize(cwd).ok())
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// Renders the Helm chart `chart` (a directory or a `.tgz`, shown as `display`).
pub fn helm(
    tools: &Renderers,
    opts: &HelmOptions,
    chart: &Path,
    display: &str,
) -> Result<Rendered, String> {
    let Some(helm) = &tools.helm else {
        return Err(format!(
            "is a Helm chart, but `helm` is not on PATH: install Helm, or render it first, e.g. `helm template {} | kubeguard lint -`",
            chart.display()
        ));
    };
    let mut cmd = Command::new(helm);
    cmd.arg("template").arg(&opts.release).arg(chart);
    for v in &opts.values {
        cmd.arg("--values").arg(v);
    }
    for s in &opts.set {
        cmd.arg("--set").arg(s);
    }
    if let Some(ns) = &opts.namespace {
        cmd.arg("--namespace").arg(ns);
    }
    let text = run(&mut cmd, "helm template")?;
    let display = trim_slash(display);
    // A chart directory's templates are shown under it; a packaged chart keeps the chart name.
    Ok(split_helm(&text, display, chart.is_dir()))
}

/// Groups Helm's output by its `# Source: <chart>/<path>` comments (without the `<chart>/`
/// segment when `strip_chart`); documents without such a comment are shown as
/// `<display>/rendered.yaml`.
fn split_helm(text: &str, display: &str, strip_chart: bool) -> Rendered {
    let mut groups: BTreeMap<String, String> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for chunk in kubeguard_source::split_documents(text) {
        let doc = &text[chunk.start as usize..chunk.end as usize];
        let source = doc
            .lines()
            .find_map(|l| l.strip_prefix("# Source: "))
            .map(|s| {
                let s = s.trim();
                if strip_chart {
                    s.split_once('/').map_or(s, |(_, rest)| rest)
                } else {
                    s
                }
            });
        let shown = format!("{display}/{}", source.unwrap_or("rendered.yaml"));
        let entry = groups.entry(shown.clone()).or_insert_with(|| {
            order.push(shown.clone());
            String::new()
        });
        if !entry.is_empty() {
            entry.push_str("---\n");
        }
        // Without Helm's `---` and `# Source:` lines, the first document of a template keeps
        // the template's line numbers wherever the template adds or removes no lines above.
        let mut body = doc;
        while let Some(first) = body.lines().next() {
            let header = first.trim_end() == "---" || first.starts_with("# Source: ");
            if !header {
                break;
            }
            body = body.get(first.len() + 1..).unwrap_or("");
        }
        entry.push_str(body);
        if !doc.ends_with('\n') {
            entry.push('\n');
        }
    }
    order
        .into_iter()
        .map(|k| {
            let t = groups.remove(&k).unwrap_or_default();
            (k, t)
        })
        .collect()
}

/// A source file of rendered objects: display path, text and objects.
type ParsedSource = (Arc<str>, Arc<SourceFile>, Vec<Object>);

/// Moves findings on rendered Kustomize objects to the source file and line they came from,
/// when the finding's field is found unchanged in the source document (see the module docs).
/// Source texts used are added to `sources` for code frames.
pub fn remap(
    findings: &mut [Finding],
    ctx: &Context,
    origins: &Origins,
    sources: &mut BTreeMap<Arc<str>, Arc<SourceFile>>,
) {
    if origins.is_empty() {
        return;
    }
    let mut remapper = Remapper::new(origins);
    for f in findings.iter_mut() {
        let Some(loc) = &f.location else { continue };
        if !remapper.covers(&loc.path) {
            continue;
        }
        let Some(rendered) = ctx.objects.iter().find(|o| {
            o.path == loc.path
                && o.kind == f.object.kind
                && o.name == f.object.name
                && o.namespace == f.object.namespace
        }) else {
            continue;
        };
        if let Some(moved) = remapper.field(rendered, &f.field, sources) {
            f.location = Some(moved);
        }
    }
}

/// Looks fields of rendered Kustomize objects up in the source files they came from, reading
/// and parsing each source file once.
pub struct Remapper<'o> {
    origins: &'o Origins,
    parsed: HashMap<PathBuf, Option<ParsedSource>>,
}

impl<'o> Remapper<'o> {
    /// A remapper over the origins of one load.
    pub fn new(origins: &'o Origins) -> Self {
        Remapper {
            origins,
            parsed: HashMap::new(),
        }
    }

    /// Whether objects shown as `path` came from a source file that is known.
    pub fn covers(&self, path: &str) -> bool {
        self.origins.by_display.contains_key(path)
    }

    /// The source document of `rendered`, with its display path and text.
    fn source_of(&mut self, rendered: &Object) -> Option<(&Arc<str>, &Arc<SourceFile>, &Object)> {
        let (src_path, src_shown) = self.origins.by_display.get(&*rendered.path)?;
        let entry = self.parsed.entry(src_path.clone()).or_insert_with(|| {
            let text = std::fs::read_to_string(src_path).ok()?;
            let shown: Arc<str> = Arc::from(src_shown.as_str());
            let (objects, _) = Object::parse_all(&shown, &text);
            let source = objects.first().map(|o| o.source.clone())?;
            Some((shown, source, objects))
        });
        let (shown, source, objects) = entry.as_ref()?;
        Some((shown, source, pick_source(objects, rendered)?))
    }

    /// Where `field` (a dotted path) of the rendered object is in its source file, when it
    /// has the same value there (or is missing in both); the source text is added to
    /// `sources`.
    pub fn field(
        &mut self,
        rendered: &Object,
        field: &str,
        sources: &mut BTreeMap<Arc<str>, Arc<SourceFile>>,
    ) -> Option<Location> {
        let (shown, source, src_obj) = self.source_of(rendered)?;
        let segs = parse_path(field);
        let in_src = locate(&src_obj.root, "", &segs);
        let in_rendered = locate(&rendered.root, "", &segs);
        let same = match (in_src.present, in_rendered.present) {
            (true, true) => {
                unquote(source.slice(in_src.span))
                    == unquote(rendered.source.slice(in_rendered.span))
            }
            (false, false) => true,
            _ => false,
        };
        if !same {
            return None;
        }
        sources
            .entry(shown.clone())
            .or_insert_with(|| source.clone());
        Some(source.location(shown, in_src.span))
    }

    /// Where the source document of the rendered object is (its `kind:`); the source text
    /// is added to `sources`.
    pub fn object(
        &mut self,
        rendered: &Object,
        sources: &mut BTreeMap<Arc<str>, Arc<SourceFile>>,
    ) -> Option<Location> {
        let (shown, source, src_obj) = self.source_of(rendered)?;
        let location = source.location(shown, src_obj.anchor_span());
        sources
            .entry(shown.clone())
            .or_insert_with(|| source.clone());
        Some(location)
    }
}

fn unquote(s: &str) -> &str {
    s.trim().trim_matches(|c| c == '"' || c == '\'')
}

/// The source document of `rendered` in its source file: the only one of its kind, else the
/// only one whose name the rendered name contains (name prefixes and suffixes), preferring an
/// exact name.
fn pick_source<'a>(objects: &'a [Object], rendered: &Object) -> Option<&'a Object> {
    let same_kind: Vec<&Object> = objects.iter().filter(|o| o.kind == rendered.kind).collect();
    if let [one] = same_kind.as_slice() {
        return Some(one);
    }
    if let Some(exact) = same_kind.iter().find(|o| o.name == rendered.name) {
        return Some(exact);
    }
    let containing: Vec<&&Object> = same_kind
        .iter()
        .filter(|o| !o.name.is_empty() && rendered.name.contains(&o.name))
        .collect();
    let longest = containing.iter().map(|o| o.name.len()).max()?;
    let mut best = containing.into_iter().filter(|o| o.name.len() == longest);
    let first = best.next()?;
    best.next().is_none().then_some(*first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_output_is_grouped_by_source() {
        let text = "---\n# Source: web/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n# Source: web/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\n---\n# Source: web/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: c\n";
        let r = split_helm(text, "charts/web", true);
        let names: Vec<&str> = r.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "charts/web/templates/svc.yaml",
                "charts/web/templates/deploy.yaml"
            ]
        );
        assert!(
            r[0].1.contains("name: a") && r[0].1.contains("---\n") && r[0].1.contains("name: c")
        );
        // Helm's header lines are dropped, so the template's own lines line up.
        assert!(r[1].1.starts_with("apiVersion: apps/v1\n"), "{}", r[1].1);
        assert!(r[0].1.starts_with("apiVersion: v1\n"), "{}", r[0].1);
        let r = split_helm(text, "web-1.0.tgz", false);
        assert_eq!(r[0].0, "web-1.0.tgz/web/templates/svc.yaml");
    }

    #[test]
    fn trailing_slashes_are_trimmed() {
        assert_eq!(trim_slash("k/overlay/"), "k/overlay");
        assert_eq!(trim_slash("k"), "k");
        assert_eq!(trim_slash("/"), "/");
    }

    #[test]
    fn normalizes_lexically() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
    }

    #[test]
    fn picks_the_source_document() {
        let (src, _) = Object::parse_all(
            "s.yaml",
            "kind: Deployment\napiVersion: apps/v1\nmetadata:\n  name: web\n---\nkind: Deployment\napiVersion: apps/v1\nmetadata:\n  name: api\n---\nkind: Service\napiVersion: v1\nmetadata:\n  name: web\n",
        );
        let (r, _) = Object::parse_all(
            "r.yaml",
            "kind: Deployment\napiVersion: apps/v1\nmetadata:\n  name: prod-web-v2\n",
        );
        assert_eq!(
            pick_source(&src, &r[0]).map(|o| o.name.as_str()),
            Some("web")
        );
        let (r, _) = Object::parse_all(
            "r.yaml",
            "kind: Service\napiVersion: v1\nmetadata:\n  name: other\n",
        );
        assert_eq!(
            pick_source(&src, &r[0]).map(|o| o.name.as_str()),
            Some("web")
        );
        let (r, _) = Object::parse_all(
            "r.yaml",
            "kind: Deployment\napiVersion: apps/v1\nmetadata:\n  name: other\n",
        );
        assert!(pick_source(&src, &r[0]).is_none());
    }

    #[test]
    fn missing_tools_give_clear_errors() {
        let tools = Renderers::default();
        let mut o = Origins::default();
        let e = kustomize(&tools, Path::new("k"), "k", &mut o).unwrap_err();
        assert!(e.contains("kustomize build k"), "{e}");
        let e = helm(&tools, &HelmOptions::default(), Path::new("c"), "c").unwrap_err();
        assert!(e.contains("helm template c"), "{e}");
    }
}
