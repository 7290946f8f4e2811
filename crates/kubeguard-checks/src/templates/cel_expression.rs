//! Template `cel-expression`: objects for which a CEL expression returns a message.
//!
//! ## What it does
//! Evaluates the [CEL](https://cel.dev) expression of parameter `check` once per object in
//! scope. Two variables are bound:
//! - `object`: the object, as the JSON data model of its YAML (maps, lists, strings, integers,
//!   floats, booleans, null);
//! - `objects`: every object of the lint context (the same files or chart), as a list of such
//!   maps, in load order (the object itself included).
//!
//! The expression must return a string: `""` means the object passes; any other string is
//! reported as `CEL check expression returned: <string>`. An evaluation error (a missing map
//! key, a type error, a result that is not a string) is reported as
//! `error evaluating CEL check expression: <error>`. All findings point at the object's `kind:`.
//!
//! The expression is parsed once, when the check is built: a syntax error is a configuration
//! error reported at the check definition.
//!
//! ## Functions
//! The CEL standard library (`size`, `matches` with RE2 regexes, `startsWith`, `exists`,
//! `all`, `map`, `filter`, `has`, timestamps and durations, optionals with `a.?b`, `a[?k]`,
//! `optional.of`, `hasValue()`, `value()`, `orValue()`), the `strings` extension
//! (`lowerAscii`, `replace`, `split`, `join`, `format`, ...), `cel.bind(name, init, expr)`
//! (names a value, as cel-go's bindings extension does), plus the Kubernetes CEL
//! libraries (see [`crate::cel_k8s`] for their exact semantics):
//! - quantities: `isQuantity(s)`, `quantity(s)`, `sign(q)`, and on a quantity `isInteger()`,
//!   `asInteger()`, `asApproximateFloat()`, `sign()`, `add(q or int)`, `sub(q or int)`,
//!   `compareTo(q)`, `isGreaterThan(q)`, `isLessThan(q)`;
//! - IP addresses: `isIP(s)`, `ip(s)`, `ip.isCanonical(s)`, `string(ip)`, and on an IP
//!   `family()`, `isUnspecified()`, `isLoopback()`, `isLinkLocalMulticast()`,
//!   `isLinkLocalUnicast()`, `isGlobalUnicast()`;
//! - CIDRs: `isCIDR(s)`, `cidr(s)`, `string(cidr)`, and on a CIDR `ip()`, `prefixLength()`,
//!   `masked()`, `containsIP(ip or string)`, `containsCIDR(cidr or string)`;
//! - URLs: `isURL(s)`, `url(s)`, and on a URL `getScheme()`, `getHost()`, `getHostname()`,
//!   `getPort()`, `getEscapedPath()`, `getQuery()` (a map of each key to its values);
//! - semantic versions: `isSemver(s[, normalize])`, `semver(s[, normalize])`, and on a version
//!   `major()`, `minor()`, `patch()`, `compareTo(v)`, `isGreaterThan(v)`, `isLessThan(v)`;
//! - named formats: `format.named(name)` (an optional), `format.dns1123Label()`,
//!   `format.dns1123Subdomain()`, `format.dns1035Label()`, `format.qualifiedName()`,
//!   `format.dns1123LabelPrefix()`, `format.dns1123SubdomainPrefix()`,
//!   `format.dns1035LabelPrefix()`, `format.labelValue()`, `format.uri()`, `format.uuid()`,
//!   `format.byte()`, `format.date()`, `format.datetime()`, and on a format `validate(s)`:
//!   `optional.none()` when `s` is valid, else the list of Kubernetes' error messages;
//! - regexes: on a string `find(re)` (the first match, or `""`) and `findAll(re[, limit])`.
//!
//! Example: `object.spec.replicas < 2 ? "too few replicas" : ""`.
//!
//! ## Differences from KubeLinter
//! KubeLinter binds the JSON encoding of its typed Go objects, in which every non-pointer
//! struct field is present even when the file omits it (a ServiceMonitor always has
//! `spec.selector: {}`). kubeguard binds the manifest as written and, to give the same answers
//! to the guarded expressions such objects are written with, makes `has(a.b.c)` false (rather
//! than an error) when `a.b` itself is missing: `has()` tests each link of its chain. A plain
//! select of a missing key (`object.spec.x` without `has`) is still an error, as in KubeLinter.
//! Other differences: integers are CEL `int` (KubeLinter's are `double`, which matters only for
//! arithmetic); errors are worded by the Rust CEL interpreter, not cel-go; KubeLinter's
//! cel-go environment has neither the `strings` extension nor the Kubernetes libraries.
//!
//! ## Cost
//! The expression is parsed once. `object` is converted once per evaluation, and only the
//! paths of it the expression reads. `objects` is built only when the expression mentions it,
//! once per lint context, and shared by every CEL check of the run (`Context::derived`);
//! `object` is then taken from it. KubeLinter re-marshals the whole context for every object
//! (O(N²)). The expression itself may still be O(N) per object (`objects.exists`), so O(N²)
//! per context.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use cel::common::ast::{
    CallExpr, ComprehensionExpr, Expr, IdedExpr, LiteralValue, SelectExpr, operators,
};
use cel::common::types::{CelInt, CelNull};
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use cel::objects::{Key, Map, Value as CelValue};
use cel::{Env, Value};
use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::{Node, Value as NodeValue};

/// The template.
pub struct CelExpression;

/// Registered instance.
pub static TEMPLATE: CelExpression = CelExpression;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "check",
    ParamKind::String,
    "A CEL expression over `object` (the object) and `objects` (all objects of the context) returning \"\" when the object passes, else the message to report.",
)
.required()];

impl Template for CelExpression {
    fn key(&self) -> &'static str {
        "cel-expression"
    }
    fn name(&self) -> &'static str {
        "CEL"
    }
    fn description(&self) -> &'static str {
        "Flag objects with CEL expression"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["Any"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let source = params.str("check").unwrap_or_default();
        CelCheck::compile(source).map(|c| Box::new(c) as Box<dyn CheckFn>)
    }
}

struct CelCheck {
    env: Arc<Env>,
    expr: IdedExpr,
    uses_objects: bool,
    /// The parts of `object` the expression reads, when it only reads selection chains of it
    /// (`object.spec.x`, `object.?spec.?x`, `has(object.spec.x)`): only those subtrees are
    /// converted. `None`: the whole object.
    object_prune: Option<Prune>,
}

/// The `objects` list of a context: converted once, by the first CEL check that needs it, and
/// shared by every CEL check of the run (`Context::derived`).
struct ObjectsList(Box<dyn Val>);

fn objects_list(ctx: &Context) -> Arc<ObjectsList> {
    ctx.derived("cel-expression/objects", || {
        ObjectsList(value_to_val(Value::List(Arc::new(
            ctx.objects.iter().map(|o| to_cel(&o.root)).collect(),
        ))))
    })
}

impl CelCheck {
    fn compile(source: &str) -> Result<CelCheck, String> {
        let env = crate::cel_k8s::env();
        let mut expr = env
            .parser()
            .parse(source)
            .map_err(|e| format!("invalid CEL expression: {e}"))?;
        let uses_objects = expr.references().has_variable("objects");
        let object_prune = field_paths(&expr, "object").map(|p| Prune::from_paths(&p));
        let mut next_id = max_id(&expr) + 1;
        lenient_has(&mut expr, &mut next_id);
        Ok(CelCheck {
            env: Arc::new(env),
            expr,
            uses_objects,
            object_prune,
        })
    }

    /// The string the expression returns for `obj`, or the error text.
    fn evaluate(&self, ctx: &Context, obj: &Object) -> Result<String, String> {
        let list = self.uses_objects.then(|| objects_list(ctx));
        let all: Option<&dyn Val> = list.as_ref().map(|l| l.0.as_ref());
        // `object` is borrowed from `objects` when it is there, else converted.
        let own = all.and_then(|list| {
            let i = ctx.index_of(obj)?;
            list.as_indexer()?.get(&CelInt::from(i as i64)).ok()
        });
        let object = match (own, &self.object_prune) {
            (Some(v), _) => v,
            (None, Some(prune)) => CowVal::from(value_to_val(to_cel_pruned(&obj.root, prune))),
            (None, None) => CowVal::from(to_val(&obj.root)),
        };
        let vars = Vars {
            object: object.as_ref(),
            objects: all,
        };
        let mut cel_ctx = cel::Context::with_env(Arc::clone(&self.env));
        cel_ctx.set_variable_resolver(&vars);
        match Value::resolve(&self.expr, &cel_ctx) {
            Ok(Value::String(s)) => Ok(s.to_string()),
            Ok(other) => Err(format!("expected string, got {}", go_value(&other))),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// Binds `object` and `objects` without copying them.
struct Vars<'a> {
    object: &'a dyn Val,
    objects: Option<&'a dyn Val>,
}

impl VariableResolver for Vars<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        match variable {
            "object" => Some(CowVal::from(self.object)),
            "objects" => self.objects.map(CowVal::from),
            _ => None,
        }
    }
}

fn to_val(node: &Node) -> Box<dyn Val> {
    value_to_val(to_cel(node))
}

fn value_to_val(v: Value) -> Box<dyn Val> {
    // A JSON-model value always converts.
    let r: Result<Box<dyn Val>, _> = v.try_into();
    r.unwrap_or_else(|_| Box::new(CelNull))
}

impl CheckFn for CelCheck {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        match self.evaluate(ctx, obj) {
            Ok(s) if s.is_empty() => {}
            Ok(s) => out.push(Diagnostic::on_object(
                obj,
                format!("CEL check expression returned: {s}"),
            )),
            Err(e) => out.push(Diagnostic::on_object(
                obj,
                format!("error evaluating CEL check expression: {e}"),
            )),
        }
    }
}

/// A result value as Go's `%v` prints a scalar (other values in CEL's debug form).
fn go_value(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => kubeguard_source::format_float(*f),
        Value::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// Converts a YAML node to a CEL value (JSON data model).
fn to_cel(node: &Node) -> Value {
    match &node.value {
        NodeValue::Null => Value::Null,
        NodeValue::Bool(b) => Value::Bool(*b),
        NodeValue::Int(i) => Value::Int(*i),
        NodeValue::Float(f) => Value::Float(*f),
        NodeValue::Str(s) => Value::String(Arc::new(s.to_string())),
        NodeValue::Seq(items) => Value::List(Arc::new(items.iter().map(to_cel).collect())),
        NodeValue::Map(m) => {
            let map: std::collections::HashMap<Key, CelValue> = m
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.to_string())), to_cel(v)))
                .collect();
            Value::Map(Map { map: Arc::new(map) })
        }
    }
}

/// The field paths of a mapping-valued variable `var` that `e` reads, when every use of `var`
/// is a chain of field selections (`var.a.b`, `var.?a.?b`, `has(var.a.b)`): converting those
/// subtrees is enough. `None` when `var` is used any other way (passed whole, iterated,
/// shadowed by a comprehension variable).
fn field_paths(e: &IdedExpr, var: &str) -> Option<BTreeSet<Vec<String>>> {
    /// The path of `e` when it is a selection chain rooted at `var`.
    fn chain(e: &IdedExpr, var: &str) -> Option<Vec<String>> {
        let (operand, field) = match &e.expr {
            Expr::Ident(n) if n == var => return Some(Vec::new()),
            Expr::Select(s) => (&*s.operand, s.field.clone()),
            Expr::Call(c)
                if c.func_name == operators::OPT_SELECT
                    && c.target.is_none()
                    && c.args.len() == 2 =>
            {
                match &c.args[1].expr {
                    Expr::Literal(LiteralValue::String(f)) => (&c.args[0], f.inner().to_string()),
                    _ => return None,
                }
            }
            _ => return None,
        };
        let mut path = chain(operand, var)?;
        path.push(field);
        Some(path)
    }
    fn walk(e: &IdedExpr, var: &str, out: &mut BTreeSet<Vec<String>>) -> bool {
        if let Some(path) = chain(e, var) {
            if path.is_empty() {
                return false;
            }
            out.insert(path);
            return true;
        }
        match &e.expr {
            Expr::Comprehension(c)
                if c.iter_var == var
                    || c.accu_var == var
                    || c.iter_var2.as_deref() == Some(var) =>
            {
                false
            }
            _ => children(e).into_iter().all(|child| walk(child, var, out)),
        }
    }
    let mut paths = BTreeSet::new();
    walk(e, var, &mut paths).then_some(paths)
}

/// The fields to keep at one level of a pruned conversion: `None` keeps the whole subtree.
#[derive(Debug, Default, PartialEq)]
struct Prune(BTreeMap<String, Option<Prune>>);

impl Prune {
    fn from_paths(paths: &BTreeSet<Vec<String>>) -> Prune {
        let mut root = Prune::default();
        for path in paths {
            let mut level = &mut root;
            for (i, field) in path.iter().enumerate() {
                let last = i + 1 == path.len();
                let slot = level
                    .0
                    .entry(field.clone())
                    .or_insert_with(|| Some(Prune::default()));
                if last {
                    *slot = None;
                }
                match slot {
                    Some(next) => level = next,
                    None => break,
                }
            }
        }
        root
    }
}

/// Converts the parts of `node` that `prune` keeps (the rest is never read).
fn to_cel_pruned(node: &Node, prune: &Prune) -> Value {
    let Some(m) = node.as_map() else {
        return to_cel(node);
    };
    let map: std::collections::HashMap<Key, CelValue> = m
        .iter()
        .filter_map(|(k, v)| {
            let keep = prune.0.get(k)?;
            let value = match keep {
                None => to_cel(v),
                Some(p) => to_cel_pruned(v, p),
            };
            Some((Key::String(Arc::new(k.to_string())), value))
        })
        .collect();
    Value::Map(Map { map: Arc::new(map) })
}

/// The largest node id of `e`.
fn max_id(e: &IdedExpr) -> u64 {
    let mut m = e.id;
    for child in children(e) {
        m = m.max(max_id(child));
    }
    m
}

fn children(e: &IdedExpr) -> Vec<&IdedExpr> {
    match &e.expr {
        Expr::Call(c) => c.target.iter().map(|t| &**t).chain(c.args.iter()).collect(),
        Expr::Comprehension(c) => vec![
            &c.iter_range,
            &c.accu_init,
            &c.loop_cond,
            &c.loop_step,
            &c.result,
        ],
        Expr::List(l) => l.elements.iter().collect(),
        Expr::Map(m) => entry_children(&m.entries),
        Expr::Select(s) => vec![&*s.operand],
        Expr::Struct(s) => entry_children(&s.entries),
        _ => Vec::new(),
    }
}

/// Rewrites every `has(a.b.c)` into `has(a.b) && has(a.b.c)` (recursively), so that a missing
/// link of the chain makes `has()` false instead of an error.
fn lenient_has(e: &mut IdedExpr, next_id: &mut u64) {
    match &mut e.expr {
        Expr::Call(c) => {
            if let Some(t) = c.target.as_mut() {
                lenient_has(t, next_id);
            }
            c.args.iter_mut().for_each(|a| lenient_has(a, next_id));
        }
        Expr::Comprehension(c) => {
            let ComprehensionExpr {
                iter_range,
                accu_init,
                loop_cond,
                loop_step,
                result,
                ..
            } = &mut **c;
            for x in [iter_range, accu_init, loop_cond, loop_step, result] {
                lenient_has(x, next_id);
            }
        }
        Expr::List(l) => l.elements.iter_mut().for_each(|x| lenient_has(x, next_id)),
        Expr::Map(m) => {
            for entry in &mut m.entries {
                match &mut entry.expr {
                    cel::common::ast::EntryExpr::MapEntry(me) => {
                        lenient_has(&mut me.key, next_id);
                        lenient_has(&mut me.value, next_id);
                    }
                    cel::common::ast::EntryExpr::StructField(f) => {
                        lenient_has(&mut f.value, next_id);
                    }
                }
            }
        }
        Expr::Struct(s) => {
            for entry in &mut s.entries {
                if let cel::common::ast::EntryExpr::StructField(f) = &mut entry.expr {
                    lenient_has(&mut f.value, next_id);
                }
            }
        }
        Expr::Select(s) if s.test => {
            // `has(<operand>.<field>)` with a select operand `<inner>.<name>`: guard with
            // `has(<inner>.<name>)`.
            if let Expr::Select(inner) = &s.operand.expr {
                let mut guard = IdedExpr {
                    id: take(next_id),
                    expr: Expr::Select(SelectExpr {
                        operand: inner.operand.clone(),
                        field: inner.field.clone(),
                        test: true,
                    }),
                };
                lenient_has(&mut guard, next_id);
                let test = IdedExpr {
                    id: take(next_id),
                    expr: std::mem::take(&mut e.expr),
                };
                e.expr = Expr::Call(CallExpr {
                    func_name: operators::LOGICAL_AND.to_string(),
                    target: None,
                    args: vec![guard, test],
                });
            } else {
                lenient_has(&mut s.operand, next_id);
            }
        }
        Expr::Select(s) => lenient_has(&mut s.operand, next_id),
        _ => {}
    }
}

fn take(next: &mut u64) -> u64 {
    let id = *next;
    *next += 1;
    id
}

/// The sub-expressions of map or struct literal entries.
fn entry_children(entries: &[cel::common::ast::IdedEntryExpr]) -> Vec<&cel::common::ast::IdedExpr> {
    entries
        .iter()
        .flat_map(|e| match &e.expr {
            cel::common::ast::EntryExpr::MapEntry(me) => vec![&me.key, &me.value],
            cel::common::ast::EntryExpr::StructField(f) => vec![&f.value],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(yaml: &str) -> Context {
        let (objs, errs) = Object::parse_all("t.yaml", yaml);
        assert!(errs.is_empty());
        Context::new(objs)
    }

    fn run(check: &str, yaml: &str) -> Vec<String> {
        let c = CelCheck::compile(check).unwrap();
        let ctx = objects(yaml);
        let mut out = Vec::new();
        for o in &ctx.objects {
            c.check(&ctx, o, &mut out);
        }
        out.into_iter().map(|d| d.message).collect()
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n  annotations:\n    x: \"true\"\nspec:\n  replicas: 1\n";

    #[test]
    fn only_the_paths_read_are_converted() {
        let paths = |src: &str| {
            let c = CelCheck::compile(src).expect("compiles");
            field_paths(&c.expr, "object")
                .map(|p| p.into_iter().map(|v| v.join(".")).collect::<Vec<_>>())
        };
        assert_eq!(
            paths(
                "has(object.spec.x) && object.?metadata.?name.orValue('') == object.kind ? 'x' : ''"
            ),
            Some(vec![
                "kind".to_string(),
                "metadata.name".into(),
                "spec".into(),
                "spec.x".into()
            ])
        );
        assert_eq!(
            paths("object.spec.containers[0].name"),
            Some(vec!["spec.containers".to_string()])
        );
        // Used whole, or shadowed: everything is converted.
        assert_eq!(paths("string(object)"), None);
        assert_eq!(paths("size(object) > 1 ? 'x' : ''"), None);
        assert_eq!(paths("[1].exists(object, object == 1) ? 'x' : ''"), None);
        assert_eq!(paths("cel.bind(object, 1, 'x')"), None);
        // A path and its prefix: the prefix's whole subtree is kept.
        let p = Prune::from_paths(&[vec!["a".to_string(), "b".into()], vec!["a".into()]].into());
        assert_eq!(p, Prune([("a".to_string(), None)].into()));
        let p = Prune::from_paths(&[vec!["a".to_string()], vec!["a".into(), "b".into()]].into());
        assert_eq!(p, Prune([("a".to_string(), None)].into()));
        // Pruned objects answer like whole ones, including for absent fields.
        for check in [
            "object.spec.replicas < 2 ? 'few: ' + object.metadata.name : ''",
            "has(object.status) ? 'status' : 'none'",
            "has(object.spec.template.spec) ? 'spec' : 'none'",
            "object.?status.?x.orValue('absent')",
            "object.spec.template.spec.containers.map(c, c.name).join(',')",
            "string(object.spec.template.metadata)",
        ] {
            let pruned = run(check, DEPLOY);
            let whole = run(&format!("size(object) >= 0 ? ({check}) : ''"), DEPLOY);
            assert_eq!(pruned, whole, "{check}");
        }
    }

    #[test]
    fn returns_message_or_passes() {
        assert_eq!(
            run(
                "object.spec.replicas < 2 ? 'few: ' + object.metadata.name : ''",
                DEPLOY
            ),
            ["CEL check expression returned: few: a"]
        );
        assert!(run("object.spec.replicas < 1 ? 'few' : ''", DEPLOY).is_empty());
    }

    #[test]
    fn errors_are_findings() {
        let m = run("object.spec.missing == 1 ? 'x' : ''", DEPLOY);
        assert_eq!(m.len(), 1);
        assert!(
            m[0].starts_with("error evaluating CEL check expression: "),
            "{m:?}"
        );
        assert_eq!(
            run("1", DEPLOY),
            ["error evaluating CEL check expression: expected string, got 1"]
        );
    }

    #[test]
    fn compile_error_at_instantiate() {
        assert!(CelCheck::compile("object.(").is_err());
    }

    #[test]
    fn has_tests_every_link() {
        assert!(run("has(object.spec.a.b.c) ? 'x' : ''", DEPLOY).is_empty());
        assert_eq!(
            run("has(object.metadata.annotations.x) ? 'x' : ''", DEPLOY),
            ["CEL check expression returned: x"]
        );
        // comprehension variables shadow the bound ones
        assert_eq!(
            run("[1].exists(object, object == 1) ? 'x' : ''", DEPLOY),
            ["CEL check expression returned: x"]
        );
        // inside a comprehension too
        assert!(
            run(
                "objects.exists(o, has(o.spec.selector.matchLabels)) ? 'x' : ''",
                DEPLOY
            )
            .is_empty()
        );
    }

    #[test]
    fn objects_lists_the_context() {
        let yaml = format!("{DEPLOY}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n");
        assert_eq!(
            run(
                "object.kind == 'Service' && !objects.exists(o, o.kind == 'Deployment') ? 'lonely' : string(size(objects))",
                &yaml
            ),
            [
                "CEL check expression returned: 2",
                "CEL check expression returned: 2"
            ]
        );
    }

    #[test]
    fn objects_are_converted_once_per_context() {
        let c = CelCheck::compile("string(size(objects)) + ':' + object.metadata.name").unwrap();
        let one = objects(DEPLOY);
        let two = objects(&format!(
            "{DEPLOY}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n"
        ));
        let msgs = |ctx: &Context| {
            let mut out = Vec::new();
            for o in &ctx.objects {
                c.check(ctx, o, &mut out);
            }
            out.into_iter().map(|d| d.message).collect::<Vec<_>>()
        };
        for _ in 0..2 {
            assert_eq!(msgs(&one), ["CEL check expression returned: 1:a"]);
            assert_eq!(
                msgs(&two),
                [
                    "CEL check expression returned: 2:a",
                    "CEL check expression returned: 2:s"
                ]
            );
        }
        // One list per context, shared by later evaluations (and by other CEL checks).
        assert!(Arc::ptr_eq(&objects_list(&one), &objects_list(&one)));
        assert!(!Arc::ptr_eq(&objects_list(&one), &objects_list(&two)));
    }

    #[test]
    fn kubernetes_functions_are_available() {
        assert_eq!(
            run(
                "quantity('1Gi').isGreaterThan(quantity('512Mi')) && cidr('10.0.0.0/8').containsIP('10.1.2.3') ? 'ok' : ''",
                DEPLOY
            ),
            ["CEL check expression returned: ok"]
        );
    }
}
