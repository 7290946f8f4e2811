//! Scenario fixtures (`tests/fixtures/*.yaml`): each file holds RBAC objects and, in comments
//! at its top, the queries to ask about them (`# query: who-can VERB TARGET [-n NS | -A]
//! [--name NAME]`, `# query: can-i SUBJECT VERB TARGET ...`, `# query: permissions SUBJECT`).
//! The diagnostics and every answer, with the file:line:column of each binding, subject and
//! rule, are snapshotted per fixture.

use std::fmt::Write as _;
use std::path::Path;

use kubeguard_model::{Context, Object};
use kubeguard_rbac::{
    Discovery, Grant, Options, Permission, Rbac, Request, Scope, Subject, Target,
};
use kubeguard_source::Location;

fn at(l: Option<&Location>) -> String {
    l.map_or_else(
        || "-".to_string(),
        |l| format!("{}:{}:{}", l.path, l.start.line, l.start.column),
    )
}

fn grant(g: &Grant<'_>) -> String {
    let via = if g.rule_role.id == g.role.id {
        String::new()
    } else {
        format!(" (aggregated from {})", g.rule_role.label())
    };
    format!(
        "{} [{} at {}] -> {}{via}: {} at {}",
        g.binding.label(),
        g.subject.field,
        at(g.subject.location.as_ref()),
        g.role.label(),
        g.rule.field,
        at(g.rule.location.as_ref()),
    )
}

fn permission(p: &Permission<'_>) -> String {
    let name = match &p.target {
        Target::Resource {
            resource_name: Some(n),
            ..
        } => format!(" named {n}"),
        _ => String::new(),
    };
    format!(
        "{}{name} [{}] <- {}",
        p.target.display_resource(),
        p.verbs.join(" "),
        p.grants
            .iter()
            .map(|g| format!("{} {}", g.binding.label(), g.rule.field))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// `VERB TARGET [-n NS | -A] [--name NAME]` to a request.
fn request(words: &[&str], discovery: &Discovery, out: &mut String) -> Request {
    let (verb, target) = (words[0], words[1]);
    let mut scope = Scope::Cluster;
    let mut name = "";
    let mut rest = words[2..].iter();
    while let Some(w) = rest.next() {
        match *w {
            "-n" => scope = Scope::Namespace(rest.next().expect("-n NS").to_string()),
            "-A" => scope = Scope::AnyNamespace,
            "--name" => name = rest.next().expect("--name NAME"),
            other => panic!("unknown query word {other}"),
        }
    }
    let parsed = Request::parse(verb, target, name, scope, discovery).expect("valid query");
    for w in &parsed.warnings {
        let _ = writeln!(out, "  warning: {w}");
    }
    parsed.request
}

fn report(name: &str, text: &str) -> String {
    let (objects, errors) = Object::parse_all(name, text);
    assert!(errors.is_empty(), "{name}: {errors:?}");
    let ctx = Context::new(objects);
    let rbac = Rbac::new(&ctx, &Options::default());
    let discovery = Discovery::with_objects(&ctx.objects);
    let mut out = String::new();
    let _ = writeln!(out, "== diagnostics");
    for d in rbac.diagnostics() {
        let _ = writeln!(
            out,
            "{} at {} ({}): {}",
            d.kind.id(),
            at(d.location.as_ref()),
            d.field,
            d.message
        );
    }
    for line in text.lines() {
        let Some(query) = line.strip_prefix("# query: ") else {
            continue;
        };
        let words: Vec<&str> = query.split_whitespace().collect();
        let _ = writeln!(out, "\n== {query}");
        match words[0] {
            "who-can" => {
                let req = request(&words[1..], &discovery, &mut out);
                let who = rbac.who_can(&req);
                let _ = writeln!(out, "{} subjects can {req}", who.len());
                for s in who {
                    let _ = writeln!(out, "{}", s.subject);
                    for g in &s.grants {
                        let _ = writeln!(out, "  {}", grant(g));
                    }
                }
            }
            "can-i" => {
                let subject = Subject::parse(words[1]).expect("subject");
                let req = request(&words[2..], &discovery, &mut out);
                let grants = rbac.can_i(&subject.identity(), &req);
                let _ = writeln!(
                    out,
                    "{}: {subject} {req}",
                    if grants.is_empty() { "no" } else { "yes" }
                );
                for g in &grants {
                    let _ = writeln!(out, "  {}", grant(g));
                }
            }
            "permissions" => {
                let subject = Subject::parse(words[1]).expect("subject");
                let p = rbac.permissions(&subject.identity());
                let _ = writeln!(out, "{subject} (groups: {})", p.identity.groups.join(", "));
                let _ = writeln!(out, "cluster-wide:");
                for x in &p.cluster {
                    let _ = writeln!(out, "  {}", permission(x));
                }
                for (ns, ps) in &p.namespaces {
                    let _ = writeln!(out, "namespace {ns}:");
                    for x in ps {
                        let _ = writeln!(out, "  {}", permission(x));
                    }
                }
            }
            other => panic!("unknown query {other}"),
        }
    }
    out
}

#[test]
fn scenarios() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 8, "{names:?}");
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).expect("readable");
        assert!(text.contains("# query: "), "{name} asks nothing");
        let out = report(&name, &text);
        // Answers do not depend on anything but the input.
        assert_eq!(out, report(&name, &text));
        insta::assert_snapshot!(name.trim_end_matches(".yaml").to_string(), out);
    }
}
