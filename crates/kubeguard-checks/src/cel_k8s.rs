//! The Kubernetes CEL libraries (`k8s.io/apiserver/pkg/cel/library`) for the `cel-expression`
//! template, with their names, overloads and meaning: quantities, IP addresses, CIDRs, URLs,
//! semantic versions, named formats and the regex helpers.
//!
//! - [`env`]: the CEL environment: the standard library (with optionals), the strings
//!   extension and every function below, declared once as overloads of the environment (so an
//!   evaluation context needs nothing added).
//!
//! Values of the new types are opaque: `kubernetes.Quantity`, `net.IP`, `net.CIDR`,
//! `kubernetes.URL`, `kubernetes.Semver`, `kubernetes.NamedFormat`. An overload applies to the
//! argument types the Kubernetes library declares; any other call is a "no such overload"
//! evaluation error (cel-go reports those when the expression is checked; the interpreter here
//! has no type checker).
//!
//! | library | functions |
//! |---|---|
//! | quantity | `quantity(string)`, `isQuantity(string)`, `sign(q)` / `q.sign()`, `q.isInteger()`, `q.asInteger()`, `q.asApproximateFloat()`, `q.add(q or int)`, `q.sub(q or int)`, `q.compareTo(q)`, `q.isGreaterThan(q)`, `q.isLessThan(q)` |
//! | IP | `ip(string)`, `isIP(string)`, `ip.isCanonical(string)`, `string(ip)`, `ip.family()`, `ip.isUnspecified()`, `ip.isLoopback()`, `ip.isLinkLocalMulticast()`, `ip.isLinkLocalUnicast()`, `ip.isGlobalUnicast()` |
//! | CIDR | `cidr(string)`, `isCIDR(string)`, `string(cidr)`, `c.ip()`, `c.prefixLength()`, `c.masked()`, `c.containsIP(ip or string)`, `c.containsCIDR(cidr or string)` |
//! | URL | `url(string)`, `isURL(string)`, `u.getScheme()`, `u.getHost()`, `u.getHostname()`, `u.getPort()`, `u.getEscapedPath()`, `u.getQuery()` |
//! | semver | `semver(string[, normalize bool])`, `isSemver(string[, normalize bool])`, `v.major()`, `v.minor()`, `v.patch()`, `v.compareTo(v)`, `v.isGreaterThan(v)`, `v.isLessThan(v)` |
//! | format | `format.named(string)` (an optional format), `format.dns1123Label()`, `format.dns1123Subdomain()`, `format.dns1035Label()`, `format.qualifiedName()`, `format.dns1123LabelPrefix()`, `format.dns1123SubdomainPrefix()`, `format.dns1035LabelPrefix()`, `format.labelValue()`, `format.uri()`, `format.uuid()`, `format.byte()`, `format.date()`, `format.datetime()`, and `f.validate(string)` (none when valid, else the list of messages) |
//! | regex | `s.find(regex)`, `s.findAll(regex[, limit int])` |
//! | bindings | `cel.bind(name, init, expr)` |
//!
//! Not here: the quantity `mul`/`div`/`divInt` overloads, which are not in a released
//! Kubernetes library; and quantities with more than 38 significant digits (an error here).
//! Namespaced calls such as `format.dns1123Label()` and `ip.isCanonical(s)` resolve as cel-go
//! resolves them: the qualified function wins over selecting a field of a variable named
//! `format` or `ip`.

mod format;
mod net;
mod quantity;
mod semver;
mod url;

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use cel::common::ast::{ComprehensionExpr, Expr, ListExpr, LiteralValue};
use cel::common::types::{BOOL_TYPE, CelBool, CelInt, CelString, INT_TYPE, STRING_TYPE, Type};
use cel::common::value::CowVal;
use cel::objects::{Key, Map, Opaque, OptionalValue, Value};
use cel::parser::{Macro, MacroExprHelper};
use cel::{DeclarationError, Env, ExecutionError, IdedExpr};
use regex::Regex;

pub use format::NamedFormat;
pub use net::{Cidr, Ip};
pub use quantity::KQuantity;
pub use semver::Semver;
pub use url::Url;

const QUANTITY: &str = "kubernetes.Quantity";
const IP: &str = "net.IP";
const CIDR: &str = "net.CIDR";
const URL: &str = "kubernetes.URL";
const SEMVER: &str = "kubernetes.Semver";
const FORMAT: &str = "kubernetes.NamedFormat";

/// The CEL environment: the standard library, the strings extension and the Kubernetes
/// libraries.
pub fn env() -> Env {
    let mut env = Env::stdlib();
    // Neither can fail on a fresh standard environment: they declare new overloads only.
    let r = env.add_extension(cel::extensions::strings);
    debug_assert!(r.is_ok(), "{r:?}");
    let r = env.add_extension(kubernetes);
    debug_assert!(r.is_ok(), "{r:?}");
    let r = env.add_macro(Macro::receiver("bind", 3, bind));
    debug_assert!(r.is_ok(), "{r:?}");
    env
}

/// The `cel.bind(name, init, expr)` macro of cel-go's bindings extension (part of the
/// Kubernetes environment): `expr` with `name` bound to `init`, evaluated once. It expands, as
/// in cel-go, to a comprehension over an empty list whose accumulator is `name`. `bind` on any
/// other target is left alone.
fn bind(
    helper: &mut MacroExprHelper<'_>,
    target: &mut Option<IdedExpr>,
    args: &mut Vec<IdedExpr>,
) -> Result<Option<IdedExpr>, cel::ParseError> {
    if !matches!(target.as_ref().map(|t| &t.expr), Some(Expr::Ident(n)) if n == "cel") {
        return Ok(None);
    }
    let (Some(result), Some(init), Some(var)) = (args.pop(), args.pop(), args.pop()) else {
        return Ok(None);
    };
    let Expr::Ident(name) = var.expr else {
        return Err(helper.new_error(
            var.id,
            "cel.bind() variable names must be simple identifiers",
        ));
    };
    let range = helper.next_expr(Expr::List(ListExpr {
        elements: Vec::new(),
        optional_indices: Vec::new(),
    }));
    let cond = helper.next_expr(Expr::Literal(LiteralValue::Boolean(false.into())));
    let step = helper.next_expr(Expr::Ident(name.clone()));
    Ok(Some(helper.next_expr(Expr::Comprehension(Box::new(
        ComprehensionExpr {
            iter_range: range,
            iter_var: "#unused".into(),
            iter_var2: None,
            accu_var: name,
            accu_init: init,
            loop_cond: cond,
            loop_step: step,
            result,
        },
    )))))
}

type Out<'b, 'v> = Result<CowVal<'b, 'v>, ExecutionError>;
type Args<'b, 'v> = Vec<CowVal<'b, 'v>>;

fn t(name: &'static str) -> Type {
    Type::new_opaque_type(name)
}

/// Declares the Kubernetes functions.
fn kubernetes(env: &mut Env) -> Result<(), DeclarationError> {
    let q = || t(QUANTITY);
    let ip = || t(IP);
    let cidr = || t(CIDR);
    let url = || t(URL);
    let sv = || t(SEMVER);
    let s = || STRING_TYPE;

    // quantity
    env.add_overload("quantity", "string_to_quantity", vec![s()], quantity_of)?;
    env.add_overload("isQuantity", "is_quantity_string", vec![s()], is_quantity)?;
    env.add_overload("sign", "quantity_sign", vec![q()], quantity_sign)?;
    env.add_member_overload("sign", "quantity_sign_member", q(), vec![], quantity_sign)?;
    env.add_member_overload(
        "isInteger",
        "quantity_is_integer",
        q(),
        vec![],
        quantity_is_integer,
    )?;
    env.add_member_overload(
        "asInteger",
        "quantity_get_int",
        q(),
        vec![],
        quantity_as_integer,
    )?;
    env.add_member_overload(
        "asApproximateFloat",
        "quantity_get_float",
        q(),
        vec![],
        quantity_as_float,
    )?;
    env.add_member_overload("add", "quantity_add", q(), vec![q()], quantity_add)?;
    env.add_member_overload("add", "quantity_add_int", q(), vec![INT_TYPE], quantity_add)?;
    env.add_member_overload("sub", "quantity_sub", q(), vec![q()], quantity_sub)?;
    env.add_member_overload("sub", "quantity_sub_int", q(), vec![INT_TYPE], quantity_sub)?;
    env.add_member_overload(
        "compareTo",
        "quantity_compare_to",
        q(),
        vec![q()],
        compare_to,
    )?;
    env.add_member_overload(
        "isGreaterThan",
        "quantity_is_greater_than",
        q(),
        vec![q()],
        is_greater_than,
    )?;
    env.add_member_overload(
        "isLessThan",
        "quantity_is_less_than",
        q(),
        vec![q()],
        is_less_than,
    )?;

    // semantic versions
    env.add_overload("semver", "string_to_semver", vec![s()], semver_of)?;
    env.add_overload(
        "semver",
        "string_bool_to_semver",
        vec![s(), BOOL_TYPE],
        semver_of,
    )?;
    env.add_overload("isSemver", "is_semver_string", vec![s()], is_semver)?;
    env.add_overload(
        "isSemver",
        "is_semver_string_bool",
        vec![s(), BOOL_TYPE],
        is_semver,
    )?;
    env.add_member_overload("major", "semver_major", sv(), vec![], semver_major)?;
    env.add_member_overload("minor", "semver_minor", sv(), vec![], semver_minor)?;
    env.add_member_overload("patch", "semver_patch", sv(), vec![], semver_patch)?;
    env.add_member_overload(
        "compareTo",
        "semver_compare_to",
        sv(),
        vec![sv()],
        compare_to,
    )?;
    env.add_member_overload(
        "isGreaterThan",
        "semver_is_greater_than",
        sv(),
        vec![sv()],
        is_greater_than,
    )?;
    env.add_member_overload(
        "isLessThan",
        "semver_is_less_than",
        sv(),
        vec![sv()],
        is_less_than,
    )?;

    // IP addresses
    env.add_overload("ip", "string_to_ip", vec![s()], ip_of)?;
    env.add_overload("isIP", "is_ip", vec![s()], is_ip)?;
    env.add_overload(
        "ip.isCanonical",
        "ip_is_canonical",
        vec![s()],
        ip_is_canonical,
    )?;
    env.add_overload("string", "ip_to_string", vec![ip()], display::<Ip>)?;
    env.add_member_overload("family", "ip_family", ip(), vec![], ip_family)?;
    env.add_member_overload(
        "isUnspecified",
        "ip_is_unspecified",
        ip(),
        vec![],
        ip_is_unspecified,
    )?;
    env.add_member_overload("isLoopback", "ip_is_loopback", ip(), vec![], ip_is_loopback)?;
    env.add_member_overload(
        "isLinkLocalMulticast",
        "ip_is_link_local_multicast",
        ip(),
        vec![],
        ip_is_link_local_multicast,
    )?;
    env.add_member_overload(
        "isLinkLocalUnicast",
        "ip_is_link_local_unicast",
        ip(),
        vec![],
        ip_is_link_local_unicast,
    )?;
    env.add_member_overload(
        "isGlobalUnicast",
        "ip_is_global_unicast",
        ip(),
        vec![],
        ip_is_global_unicast,
    )?;

    // CIDRs
    env.add_overload("cidr", "string_to_cidr", vec![s()], cidr_of)?;
    env.add_overload("isCIDR", "is_cidr", vec![s()], is_cidr)?;
    env.add_overload("string", "cidr_to_string", vec![cidr()], display::<Cidr>)?;
    env.add_member_overload("ip", "cidr_ip", cidr(), vec![], cidr_ip)?;
    env.add_member_overload(
        "prefixLength",
        "cidr_prefix_length",
        cidr(),
        vec![],
        cidr_prefix_length,
    )?;
    env.add_member_overload("masked", "cidr_masked", cidr(), vec![], cidr_masked)?;
    env.add_member_overload(
        "containsIP",
        "cidr_contains_ip_string",
        cidr(),
        vec![s()],
        cidr_contains_ip,
    )?;
    env.add_member_overload(
        "containsIP",
        "cidr_contains_ip_ip",
        cidr(),
        vec![ip()],
        cidr_contains_ip,
    )?;
    env.add_member_overload(
        "containsCIDR",
        "cidr_contains_cidr_string",
        cidr(),
        vec![s()],
        cidr_contains_cidr,
    )?;
    env.add_member_overload(
        "containsCIDR",
        "cidr_contains_cidr",
        cidr(),
        vec![cidr()],
        cidr_contains_cidr,
    )?;

    // URLs
    env.add_overload("url", "string_to_url", vec![s()], url_of)?;
    env.add_overload("isURL", "is_url_string", vec![s()], is_url)?;
    env.add_member_overload("getScheme", "url_get_scheme", url(), vec![], url_scheme)?;
    env.add_member_overload("getHost", "url_get_host", url(), vec![], url_host)?;
    env.add_member_overload(
        "getHostname",
        "url_get_hostname",
        url(),
        vec![],
        url_hostname,
    )?;
    env.add_member_overload("getPort", "url_get_port", url(), vec![], url_port)?;
    env.add_member_overload(
        "getEscapedPath",
        "url_get_escaped_path",
        url(),
        vec![],
        url_escaped_path,
    )?;
    env.add_member_overload("getQuery", "url_get_query", url(), vec![], url_query)?;

    // named formats
    env.add_overload("format.named", "format-named", vec![s()], format_named)?;
    for (name, op) in FORMAT_CONSTANTS {
        let full = format!("format.{name}");
        env.add_overload(&full, &full, vec![], op)?;
    }
    env.add_member_overload(
        "validate",
        "format-validate",
        t(FORMAT),
        vec![s()],
        format_validate,
    )?;

    // regexes
    env.add_member_overload("find", "string_find_string", s(), vec![s()], regex_find)?;
    env.add_member_overload(
        "findAll",
        "string_find_all_string",
        s(),
        vec![s()],
        regex_find_all,
    )?;
    env.add_member_overload(
        "findAll",
        "string_find_all_string_int",
        s(),
        vec![s(), INT_TYPE],
        regex_find_all,
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// argument and result helpers

fn err(function: &str, message: impl ToString) -> ExecutionError {
    ExecutionError::function_error(function, message)
}

fn arg<'a, 'b, 'v>(
    args: &'a [CowVal<'b, 'v>],
    i: usize,
) -> Result<&'a CowVal<'b, 'v>, ExecutionError> {
    args.get(i)
        .ok_or_else(|| ExecutionError::invalid_argument_count(i + 1, args.len()))
}

fn string<'a>(args: &'a [CowVal<'_, '_>], i: usize) -> Result<&'a str, ExecutionError> {
    let v = arg(args, i)?;
    v.as_ref()
        .downcast_ref::<CelString>()
        .map(|s| s.inner())
        .ok_or_else(|| err("string", format!("expected a string, got {:?}", v.as_ref())))
}

fn int(args: &[CowVal<'_, '_>], i: usize) -> Result<i64, ExecutionError> {
    let v = arg(args, i)?;
    v.as_ref()
        .downcast_ref::<CelInt>()
        .map(|n| *n.inner())
        .ok_or_else(|| err("int", format!("expected an int, got {:?}", v.as_ref())))
}

fn boolean(args: &[CowVal<'_, '_>], i: usize) -> Result<bool, ExecutionError> {
    let v = arg(args, i)?;
    v.as_ref()
        .downcast_ref::<CelBool>()
        .map(|b| *b.inner())
        .ok_or_else(|| err("bool", format!("expected a bool, got {:?}", v.as_ref())))
}

/// The opaque value of argument `i`, kept alive for [`downcast`].
fn opaque(args: &[CowVal<'_, '_>], i: usize) -> Result<Arc<dyn Opaque>, ExecutionError> {
    match Value::try_from(arg(args, i)?.as_ref())? {
        Value::Opaque(o) => Ok(o),
        other => Err(err("opaque", format!("unsupported argument {other:?}"))),
    }
}

fn downcast<T: 'static>(o: &Arc<dyn Opaque>) -> Result<&T, ExecutionError> {
    o.downcast_ref::<T>()
        .ok_or_else(|| err(o.runtime_type_name(), "unsupported argument type"))
}

fn done<'b, 'v>(v: Value) -> Out<'b, 'v> {
    let b: Box<dyn cel::common::value::Val> = v.try_into()?;
    Ok(CowVal::Owned(b))
}

fn bool_out<'b, 'v>(b: bool) -> Out<'b, 'v> {
    Ok(CowVal::owned(CelBool::from(b)))
}

fn int_out<'b, 'v>(i: i64) -> Out<'b, 'v> {
    Ok(CowVal::owned(CelInt::from(i)))
}

fn str_out<'b, 'v>(s: String) -> Out<'b, 'v> {
    Ok(CowVal::owned(CelString::from(s)))
}

fn opaque_out<'b, 'v, T: Opaque>(v: T) -> Out<'b, 'v> {
    done(Value::Opaque(Arc::new(v)))
}

fn optional_out<'b, 'v>(v: Option<Value>) -> Out<'b, 'v> {
    done(Value::Opaque(Arc::new(match v {
        Some(v) => OptionalValue::of(v),
        None => OptionalValue::none(),
    })))
}

/// `string(x)` for an opaque value printed by its `Display`.
fn display<'b, 'v, T: std::fmt::Display + 'static>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    let o = opaque(&args, 0)?;
    str_out(downcast::<T>(&o)?.to_string())
}

// ---------------------------------------------------------------------------------------------
// quantities and shared comparisons

fn quantity_of<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    let s = string(&args, 0)?;
    opaque_out(KQuantity::parse(s).map_err(|e| err("quantity", e))?)
}

fn is_quantity<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    bool_out(KQuantity::parse(string(&args, 0)?).is_ok())
}

fn with_quantity<'b, 'v>(
    args: &Args<'b, 'v>,
    f: impl FnOnce(&KQuantity) -> Out<'b, 'v>,
) -> Out<'b, 'v> {
    let o = opaque(args, 0)?;
    f(downcast::<KQuantity>(&o)?)
}

fn quantity_sign<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_quantity(&args, |q| int_out(q.sign()))
}

fn quantity_is_integer<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_quantity(&args, |q| bool_out(q.as_integer().is_some()))
}

fn quantity_as_integer<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_quantity(&args, |q| match q.as_integer() {
        Some(i) => int_out(i),
        None => Err(err("asInteger", "cannot convert value to integer")),
    })
}

fn quantity_as_float<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_quantity(&args, |q| done(Value::Float(q.as_approximate_float())))
}

/// The second operand of `add`/`sub`: a quantity, or an int as `NewQuantity(i, DecimalExponent)`.
fn quantity_operand(args: &[CowVal<'_, '_>]) -> Result<KQuantity, ExecutionError> {
    if let Ok(i) = int(args, 1) {
        return Ok(KQuantity::from_int(i));
    }
    let o = opaque(args, 1)?;
    downcast::<KQuantity>(&o).cloned()
}

fn quantity_add<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    let y = quantity_operand(&args)?;
    with_quantity(&args, |q| opaque_out(q.add(&y).map_err(|e| err("add", e))?))
}

fn quantity_sub<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    let y = quantity_operand(&args)?;
    with_quantity(&args, |q| opaque_out(q.sub(&y).map_err(|e| err("sub", e))?))
}

/// Compares two quantities or two semantic versions (the overloads guarantee the types).
fn compare(function: &str, args: &[CowVal<'_, '_>]) -> Result<Ordering, ExecutionError> {
    let (a, b) = (opaque(args, 0)?, opaque(args, 1)?);
    if let (Some(x), Some(y)) = (a.downcast_ref::<KQuantity>(), b.downcast_ref::<KQuantity>()) {
        return Ok(x.compare(y));
    }
    if let (Some(x), Some(y)) = (a.downcast_ref::<Semver>(), b.downcast_ref::<Semver>()) {
        return Ok(x.cmp_precedence(y));
    }
    Err(err(function, "cannot compare values of different types"))
}

fn compare_to<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    int_out(match compare("compareTo", &args)? {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    })
}

fn is_greater_than<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    bool_out(compare("isGreaterThan", &args)? == Ordering::Greater)
}

fn is_less_than<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    bool_out(compare("isLessThan", &args)? == Ordering::Less)
}

// ---------------------------------------------------------------------------------------------
// semantic versions

fn parse_semver(args: &[CowVal<'_, '_>]) -> Result<Result<Semver, String>, ExecutionError> {
    let s = string(args, 0)?;
    let normalize = if args.len() > 1 {
        boolean(args, 1)?
    } else {
        false
    };
    Ok(if normalize {
        Semver::parse_normalized(s)
    } else {
        Semver::parse(s)
    })
}

fn semver_of<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    opaque_out(parse_semver(&args)?.map_err(|e| err("semver", e))?)
}

fn is_semver<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    bool_out(parse_semver(&args)?.is_ok())
}

fn with_semver<'b, 'v>(args: &Args<'b, 'v>, f: impl FnOnce(&Semver) -> u64) -> Out<'b, 'v> {
    let o = opaque(args, 0)?;
    let n = f(downcast::<Semver>(&o)?);
    int_out(i64::try_from(n).map_err(|_| err("semver", "version number out of range"))?)
}

fn semver_major<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_semver(&args, |v| v.major)
}

fn semver_minor<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_semver(&args, |v| v.minor)
}

fn semver_patch<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_semver(&args, |v| v.patch)
}

// ---------------------------------------------------------------------------------------------
// IP addresses

fn ip_of<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    opaque_out(Ip(
        net::parse_ip(string(&args, 0)?).map_err(|e| err("ip", e))?
    ))
}

fn is_ip<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    bool_out(net::parse_ip(string(&args, 0)?).is_ok())
}

fn ip_is_canonical<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    let s = string(&args, 0)?;
    let ip = net::parse_ip(s).map_err(|e| err("ip.isCanonical", e))?;
    bool_out(Ip(ip).to_string() == s)
}

fn with_ip<'b, 'v>(args: &Args<'b, 'v>, f: impl FnOnce(&Ip) -> bool) -> Out<'b, 'v> {
    let o = opaque(args, 0)?;
    bool_out(f(downcast::<Ip>(&o)?))
}

fn ip_family<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    let o = opaque(&args, 0)?;
    int_out(if downcast::<Ip>(&o)?.0.is_ipv4() {
        4
    } else {
        6
    })
}

fn ip_is_unspecified<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_ip(&args, |ip| ip.0.is_unspecified())
}

fn ip_is_loopback<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_ip(&args, |ip| ip.0.is_loopback())
}

fn ip_is_link_local_multicast<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_ip(&args, Ip::is_link_local_multicast)
}

fn ip_is_link_local_unicast<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_ip(&args, Ip::is_link_local_unicast)
}

fn ip_is_global_unicast<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_ip(&args, Ip::is_global_unicast)
}

// ---------------------------------------------------------------------------------------------
// CIDRs

fn cidr_of<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    opaque_out(Cidr::parse(string(&args, 0)?).map_err(|e| err("cidr", e))?)
}

fn is_cidr<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    bool_out(Cidr::parse(string(&args, 0)?).is_ok())
}

fn with_cidr<'b, 'v>(args: &Args<'b, 'v>, f: impl FnOnce(&Cidr) -> Out<'b, 'v>) -> Out<'b, 'v> {
    let o = opaque(args, 0)?;
    f(downcast::<Cidr>(&o)?)
}

fn cidr_ip<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_cidr(&args, |c| opaque_out(Ip(c.addr)))
}

fn cidr_prefix_length<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_cidr(&args, |c| int_out(i64::from(c.prefix)))
}

fn cidr_masked<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_cidr(&args, |c| opaque_out(c.masked()))
}

fn cidr_contains_ip<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    let ip = match string(&args, 1) {
        Ok(s) => net::parse_ip(s).map_err(|e| err("containsIP", e))?,
        Err(_) => downcast::<Ip>(&opaque(&args, 1)?)?.0,
    };
    with_cidr(&args, |c| bool_out(c.contains_ip(ip)))
}

fn cidr_contains_cidr<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    let other = match string(&args, 1) {
        Ok(s) => Cidr::parse(s).map_err(|e| err("containsCIDR", e))?,
        Err(_) => downcast::<Cidr>(&opaque(&args, 1)?)?.clone(),
    };
    with_cidr(&args, |c| bool_out(c.contains_cidr(&other)))
}

// ---------------------------------------------------------------------------------------------
// URLs

fn url_of<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    opaque_out(Url::parse(string(&args, 0)?).map_err(|e| err("url", e))?)
}

fn is_url<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    bool_out(url::parse_request_uri(string(&args, 0)?).is_ok())
}

fn with_url<'b, 'v>(args: &Args<'b, 'v>, f: impl FnOnce(&Url) -> String) -> Out<'b, 'v> {
    let o = opaque(args, 0)?;
    str_out(f(downcast::<Url>(&o)?))
}

fn url_scheme<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_url(&args, |u| u.scheme.clone())
}

fn url_host<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_url(&args, |u| u.host.clone())
}

fn url_hostname<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_url(&args, Url::hostname)
}

fn url_port<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_url(&args, Url::port)
}

fn url_escaped_path<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    with_url(&args, Url::escaped_path)
}

fn url_query<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    let o = opaque(&args, 0)?;
    let map: HashMap<Key, Value> = downcast::<Url>(&o)?
        .query()
        .into_iter()
        .map(|(k, vs)| {
            let list = vs.into_iter().map(|v| Value::String(Arc::new(v))).collect();
            (Key::String(Arc::new(k)), Value::List(Arc::new(list)))
        })
        .collect();
    done(Value::Map(Map { map: Arc::new(map) }))
}

// ---------------------------------------------------------------------------------------------
// named formats

fn format_named<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    let f = NamedFormat::named(string(&args, 0)?);
    optional_out(f.map(|f| Value::Opaque(Arc::new(f))))
}

type Op = cel::common::functions::Function;

macro_rules! format_constants {
    ($($name:literal => $f:ident),* $(,)?) => {
        $(
            fn $f<'b, 'v>(_: Args<'b, 'v>) -> Out<'b, 'v> {
                opaque_out(NamedFormat($name))
            }
        )*
        const FORMAT_CONSTANTS: [(&str, Op); format::NAMES.len()] = [$(($name, $f)),*];
    };
}

format_constants! {
    "dns1123Label" => format_dns1123_label,
    "dns1123Subdomain" => format_dns1123_subdomain,
    "dns1035Label" => format_dns1035_label,
    "qualifiedName" => format_qualified_name,
    "dns1123LabelPrefix" => format_dns1123_label_prefix,
    "dns1123SubdomainPrefix" => format_dns1123_subdomain_prefix,
    "dns1035LabelPrefix" => format_dns1035_label_prefix,
    "labelValue" => format_label_value,
    "uri" => format_uri,
    "uuid" => format_uuid,
    "byte" => format_byte,
    "date" => format_date,
    "datetime" => format_datetime,
}

fn format_validate<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    let s = string(&args, 1)?;
    let o = opaque(&args, 0)?;
    let errors = downcast::<NamedFormat>(&o)?
        .validate(s)
        .map_err(|e| err("validate", e))?;
    optional_out((!errors.is_empty()).then(|| {
        Value::List(Arc::new(
            errors
                .into_iter()
                .map(|e| Value::String(Arc::new(e)))
                .collect(),
        ))
    }))
}

// ---------------------------------------------------------------------------------------------
// regexes

/// How many compiled patterns each thread keeps.
const REGEX_CACHE: usize = 16;

thread_local! {
    static REGEXES: RefCell<Vec<(String, Regex)>> = const { RefCell::new(Vec::new()) };
}

/// `pattern` compiled (Go's RE2 syntax, which the `regex` crate shares), from a small
/// per-thread cache.
fn regex(function: &str, pattern: &str) -> Result<Regex, ExecutionError> {
    REGEXES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((_, re)) = cache.iter().find(|(p, _)| p == pattern) {
            return Ok(re.clone());
        }
        let re = Regex::new(pattern).map_err(|e| err(function, format!("Illegal regex: {e}")))?;
        if cache.len() == REGEX_CACHE {
            cache.remove(0);
        }
        cache.push((pattern.to_string(), re.clone()));
        Ok(re)
    })
}

fn regex_find<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    let re = regex("find", string(&args, 1)?)?;
    let s = string(&args, 0)?;
    str_out(re.find(s).map_or("", |m| m.as_str()).to_string())
}

fn regex_find_all<'b, 'v>(args: Args<'b, 'v>) -> Out<'b, 'v> {
    let re = regex("findAll", string(&args, 1)?)?;
    let s = string(&args, 0)?;
    // a negative limit means all matches, as Go's FindAllString
    let limit = if args.len() > 2 {
        usize::try_from(int(&args, 2)?).unwrap_or(usize::MAX)
    } else {
        usize::MAX
    };
    let found = re
        .find_iter(s)
        .take(limit)
        .map(|m| Value::String(Arc::new(m.as_str().to_string())))
        .collect();
    done(Value::List(Arc::new(found)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(expr: &str) -> Result<Value, ExecutionError> {
        let env = Arc::new(env());
        let program = env.compile(expr).expect("parses");
        let ctx = cel::Context::with_env(env);
        program.execute(&ctx)
    }

    #[track_caller]
    fn yes(expr: &str) {
        assert_eq!(eval(expr), Ok(Value::Bool(true)), "{expr}");
    }

    #[track_caller]
    fn fails(expr: &str, needle: &str) {
        match eval(expr) {
            Err(e) => assert!(e.to_string().contains(needle), "{expr}: {e}"),
            Ok(v) => panic!("{expr}: expected an error, got {v:?}"),
        }
    }

    #[test]
    fn quantities() {
        yes(
            "isQuantity('500m') && isQuantity('1.5Gi') && !isQuantity('abc') && !isQuantity('200K')",
        );
        yes("quantity('1Gi').compareTo(quantity('1024Mi')) == 0");
        yes(
            "quantity('50M').compareTo(quantity('50Mi')) == -1 && quantity('50Mi').compareTo(quantity('50M')) == 1",
        );
        yes("quantity('1Gi').isGreaterThan(quantity('1G'))");
        yes("quantity('500m').isLessThan(quantity('1'))");
        yes("quantity('200M') == quantity('0.2G') && quantity('200M') != quantity('0.3G')");
        yes("quantity('1e3').asInteger() == 1000 && quantity('2Ki').asInteger() == 2048");
        yes("!quantity('500m').isInteger() && quantity('2k').isInteger()");
        yes("!quantity('1000m').isInteger()");
        yes("!quantity('9999999999999999999999999999999999999G').isInteger()");
        yes("quantity('1500m').asApproximateFloat() == 1.5");
        yes("quantity('-1').sign() == -1 && sign(quantity('0')) == 0");
        yes("quantity('1n').isGreaterThan(quantity('0'))");
        fails(
            "quantity('abc')",
            "quantities must match the regular expression",
        );
        fails("quantity('10Mm')", "unable to parse quantity's suffix");
        fails(
            "quantity('500m').asInteger()",
            "cannot convert value to integer",
        );
        fails("quantity('1').compareTo(1)", "compareTo");
        fails("isQuantity(1)", "isQuantity");
    }

    #[test]
    fn quantity_arithmetic() {
        yes("quantity('50k').add(quantity('20')) == quantity('50.02k')");
        yes("quantity('50k').add(20) == quantity('50020')");
        yes("!quantity('50k').add(20).isLessThan(quantity('50020'))");
        yes("quantity('50k').sub(quantity('20')) == quantity('49.98k')");
        yes("quantity('50k').sub(20000) == quantity('30k')");
        yes("quantity('50k').add(20).sub(quantity('100k')).asInteger() == -49980");
        yes("quantity('50k').add(20).sub(quantity('100k')).sub(-50000) == quantity('20')");
        yes("quantity('1Gi').sub(quantity('512Mi')).asInteger() == 536870912");
        fails("quantity('1').add('2')", "add");
        fails("quantity('1e38').add(quantity('1n'))", "out of range");
    }

    #[test]
    fn ips() {
        yes("isIP('10.0.0.1') && isIP('::1') && !isIP('10.0.0.256') && !isIP('::ffff:1.2.3.4')");
        yes("!isIP('010.0.0.1') && !isIP('fe80::1%eth0') && !isIP(':::1')");
        yes("ip('10.0.0.1').family() == 4 && ip('2001:db8::1').family() == 6");
        yes(
            "ip('127.0.0.1').isLoopback() && ip('::1').isLoopback() && !ip('10.0.0.1').isLoopback()",
        );
        yes(
            "ip('0.0.0.0').isUnspecified() && ip('::').isUnspecified() && !ip('::1').isUnspecified()",
        );
        yes(
            "ip('169.254.169.254').isLinkLocalUnicast() && ip('fe80::1').isLinkLocalUnicast() && !ip('fd80::1').isLinkLocalUnicast()",
        );
        yes(
            "ip('224.0.0.1').isLinkLocalMulticast() && ip('ff02::1').isLinkLocalMulticast() && !ip('224.0.1.1').isLinkLocalMulticast()",
        );
        yes(
            "ip('192.168.0.1').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast() && !ip('ff00::1').isGlobalUnicast()",
        );
        yes("ip('10.0.0.1') == ip('10.0.0.1') && ip('10.0.0.1') != ip('10.0.0.2')");
        yes(
            "string(ip('2001:DB8::0:0:ABCD')) == '2001:db8::abcd' && string(ip('10.0.0.1')) == '10.0.0.1'",
        );
        yes("ip.isCanonical('127.0.0.1') && ip.isCanonical('2001:db8::abcd')");
        yes("!ip.isCanonical('2001:DB8::ABCD') && !ip.isCanonical('2001:db8::0:0:0:abcd')");
        // a variable named `ip` still has its own methods: only `ip.isCanonical` is qualified
        yes("['10.0.0.1'].all(ip, ip.startsWith('10.') && isIP(ip) && ip.isCanonical(ip))");
        fails("ip('nope')", "parse error");
        fails("ip.isCanonical('nope')", "parse error");
        fails("ip('::ffff:1.2.3.4')", "IPv4-mapped");
        fails("ip('1.2.3.4').prefixLength()", "prefixLength");
    }

    #[test]
    fn cidrs() {
        yes(
            "isCIDR('10.0.0.0/8') && isCIDR('2001:db8::/32') && !isCIDR('10.0.0.0/33') && !isCIDR('10.0.0.0') && !isCIDR('10.0.0.0/08')",
        );
        yes(
            "cidr('10.0.0.0/8').containsIP('10.1.2.3') && !cidr('10.0.0.0/8').containsIP('11.0.0.1')",
        );
        yes(
            "cidr('192.168.0.0/24').containsIP(ip('192.168.0.1')) && !cidr('192.168.0.0/24').containsIP(ip('192.168.1.1'))",
        );
        yes("!cidr('10.0.0.0/8').containsIP('::1') && cidr('0.0.0.0/0').containsIP('1.2.3.4')");
        yes(
            "cidr('192.168.0.0/16').containsCIDR('192.168.10.0/24') && !cidr('192.168.1.0/24').containsCIDR('192.168.2.0/24')",
        );
        yes("cidr('192.168.0.0/16').containsCIDR(cidr('192.168.10.0/24'))");
        yes(
            "cidr('192.168.0.1/24').ip() == ip('192.168.0.1') && cidr('::1/128').ip().family() == 6",
        );
        yes("cidr('192.168.0.0/16').prefixLength() == 16 && cidr('::1/128').prefixLength() == 128");
        yes("cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')");
        yes(
            "cidr('192.168.0.0/24') == cidr('192.168.0.0/24').masked() && cidr('192.168.0.1/24') != cidr('192.168.0.1/24').masked()",
        );
        yes(
            "string(cidr('2001:DB8::/32')) == '2001:db8::/32' && string(cidr('10.1.2.3/8').masked()) == '10.0.0.0/8'",
        );
        fails("cidr('10.0.0.0')", "no '/'");
        fails("cidr('10.0.0.0/8').containsIP('x')", "parse error");
        fails("cidr('10.0.0.0/8').containsCIDR('x')", "no '/'");
    }

    #[test]
    fn urls() {
        yes(
            "isURL('https://user:pass@example.com:80/path?query=val#fragment') && isURL('/absolute-path')",
        );
        yes("!isURL('https://a:b:c/') && !isURL('../relative-path') && !isURL('example.com')");
        yes("url('/path').getScheme() == '' && url('https://example.com/').getScheme() == 'https'");
        yes(
            "url('https://example.com:80/').getHost() == 'example.com:80' && url('https://[::1]:80/').getHost() == '[::1]:80'",
        );
        yes("url('https://[::1]/').getHost() == '[::1]' && url('/path').getHost() == ''");
        yes(
            "url('https://127.0.0.1:80/').getHostname() == '127.0.0.1' && url('https://[::1]:80/').getHostname() == '::1'",
        );
        yes(
            "url('https://example.com:80/').getPort() == '80' && url('https://example.com/').getPort() == ''",
        );
        yes(
            "url('https://example.com/path with spaces/').getEscapedPath() == '/path%20with%20spaces/'",
        );
        yes("url('https://example.com').getEscapedPath() == ''");
        yes(
            "url('https://example.com/path?k1=a&k2=b&k2=c').getQuery() == {'k1': ['a'], 'k2': ['b', 'c']}",
        );
        yes(
            "url('https://example.com/path?key with spaces=value with spaces').getQuery() == {'key with spaces': ['value with spaces']}",
        );
        yes(
            "url('https://example.com/path?').getQuery() == {} && url('https://example.com/path').getQuery() == {}",
        );
        fails("url('../relative-path')", "invalid URI for request");
        fails("url('https://a:b:c/')", "invalid port");
    }

    #[test]
    fn semvers() {
        yes(
            "isSemver('1.2.3') && isSemver('1.2.3-rc.1+build.5') && !isSemver('v1.2.3') && !isSemver('1.2') && !isSemver('01.2.3')",
        );
        yes("isSemver('v1.0', true) && isSemver('01.01.01', true) && !isSemver('hello', true)");
        yes("semver('v1.0.0', true) == semver('1.0.0') && semver('1.0', true) == semver('1.0.0')");
        yes(
            "semver('1.2.3').major() == 1 && semver('1.2.3').minor() == 2 && semver('1.2.3').patch() == 3",
        );
        yes(
            "semver('1.10.0').isGreaterThan(semver('1.9.9')) && semver('1.0.0-rc.1').isLessThan(semver('1.0.0'))",
        );
        yes(
            "semver('1.2.3').compareTo(semver('2.0.0')) == -1 && semver('1.0.0+a').compareTo(semver('1.0.0+b')) == 0",
        );
        fails("semver('x')", "invalid semver");
        fails("semver('1.0.0').compareTo(quantity('1'))", "compareTo");
    }

    #[test]
    fn formats() {
        yes("!format.dns1123Label().validate('my-label-name').hasValue()");
        yes("format.dns1123Label().validate('Not_A_Label').hasValue()");
        yes("format.dns1123Label().validate('a.b').value() == ['must not contain dots']");
        yes("format.named('dns1123Subdomain').hasValue() && !format.named('unknown').hasValue()");
        yes(
            "format.named('labelValue').value() == format.labelValue() && format.uri() != format.uuid()",
        );
        yes("format.byte().validate('aGVsbG8').value() == ['invalid base64']");
        yes(
            "format.date().validate('2020-01-32').value() == ['invalid date'] && !format.date().validate('2020-01-01').hasValue()",
        );
        yes("!format.datetime().validate('2020-01-01T00:00:00Z').hasValue()");
        yes("format.uuid().validate('x').value()[0] == 'does not match the UUID format'");
        yes(
            "!format.uri().validate('http://example.com').hasValue() && format.uri().validate('x').hasValue()",
        );
        yes(
            "!format.dns1123LabelPrefix().validate('my-prefix-').hasValue() && !format.dns1035LabelPrefix().validate('abc-').hasValue()",
        );
        yes(
            "!format.dns1123SubdomainPrefix().validate('a.b-').hasValue() && !format.qualifiedName().validate('k8s.io/x').hasValue()",
        );
        yes(
            "!format.dns1035Label().validate('abc').hasValue() && format.dns1035Label().validate('1abc').hasValue()",
        );
        yes("format.qualifiedName().validate('a b').value().join('\\n').startsWith('name part')");
        yes("[format.named('dns1123Label')].all(f, f.hasValue())");
        fails("format.dns1123LabelPrefix().validate('-')", "slice bounds");
        fails("format.named(1)", "format.named");
        fails("format.nope()", "format");
    }

    #[test]
    fn every_format_constant_is_declared() {
        for name in format::NAMES {
            yes(&format!(
                "format.named('{name}').value() == format.{name}()"
            ));
        }
    }

    #[test]
    fn regexes() {
        yes("'abc 123'.find('[0-9]+') == '123' && 'abc 123'.find('xyz') == ''");
        yes("'abc 123'.find('[0-9]*') == ''");
        yes("'123 abc 456'.findAll('[0-9]+') == ['123', '456']");
        yes(
            "'123 abc 456'.findAll('[0-9]+', 1) == ['123'] && '123 abc 456'.findAll('[0-9]+', 0) == []",
        );
        yes(
            "'123 abc 456'.findAll('[0-9]+', -1) == ['123', '456'] && '123 abc 456'.findAll('xyz') == []",
        );
        yes("'123 abc 456'.findAll('[0-9]*') == ['123', '', '', '', '', '456']");
        yes("'aaa'.findAll('a*') == ['aaa']");
        fails("'x'.find('(')", "Illegal regex");
        fails("'x'.findAll('[', 2)", "Illegal regex");
    }

    #[test]
    fn bind_names_a_value() {
        yes("cel.bind(x, 2, x * x + x) == 6");
        yes("cel.bind(a, [1, 2], cel.bind(b, a + [3], size(b))) == 3");
        yes("cel.bind(q, quantity('1Gi'), q.isGreaterThan(quantity('1G')) && q.asInteger() > 0)");
        yes("[1, 2].all(i, cel.bind(j, i * 2, j > i))");
        assert!(env().compile("cel.bind(a.b, 1, 2)").is_err());
        fails("x.bind(a, 1, a)", "Undeclared");
    }

    #[test]
    fn strings_extension_and_optionals_are_available() {
        assert_eq!(eval("'AbC'.lowerAscii()"), Ok(Value::from("abc")));
        yes("'arn:aws:iam::121212121212:role/x'.matches('^arn:aws:iam::\\\\d{12}:role/')");
        yes("optional.of(1).hasValue() && {'a': 1}[?'b'].orValue(2) == 2");
        yes("'%s-%d'.format(['a', 1]) == 'a-1'");
    }
}
