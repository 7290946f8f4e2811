//! The Kubernetes CEL library functions the `cel` crate lacks, for the `cel-expression`
//! template: quantities, IP addresses and CIDRs, URLs and semantic versions, with the
//! names and meaning of the Kubernetes libraries (`k8s.io/apiserver/pkg/cel/library`).
//!
//! What the `cel` crate already has is not repeated: regexes (`matches`), the strings
//! extension, optionals, timestamps and durations.
//!
//! - [`env`]: the CEL environment (standard library plus the strings extension).
//! - [`register`]: adds the Kubernetes functions to an evaluation context.
//!
//! Values of the new types are opaque: `quantity`, `net.IP`, `net.CIDR`, `net.URL`,
//! `kubernetes.Semver`. Member functions shared by several types (`compareTo`,
//! `isGreaterThan`, `isLessThan`) dispatch on the receiver's type.

use std::cmp::Ordering;
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use cel::objects::{Opaque, Value};
use cel::{Env, ExecutionError, extractors::This};

use crate::quantity::Quantity;

/// The CEL environment: the standard library and the strings extension.
pub fn env() -> Env {
    let mut env = Env::stdlib();
    // Cannot fail on a fresh standard environment (the extension declares new names only).
    let _ = env.add_extension(cel::extensions::strings);
    env
}

type R = Result<Value, ExecutionError>;

fn err(function: &str, message: impl ToString) -> ExecutionError {
    ExecutionError::function_error(function, message)
}

fn opaque<T: Opaque>(v: T) -> Value {
    Value::Opaque(Arc::new(v))
}

fn receiver<'a, T: 'static>(function: &str, v: &'a Value) -> Result<&'a T, ExecutionError> {
    match v {
        Value::Opaque(o) => o
            .downcast_ref::<T>()
            .ok_or_else(|| err(function, format!("unsupported receiver {v:?}"))),
        _ => Err(err(function, format!("unsupported receiver {v:?}"))),
    }
}

/// Adds the Kubernetes library functions to `ctx`.
pub fn register(ctx: &mut cel::Context<'_, '_>) {
    // The names are not declared by the standard library or the strings extension, so
    // adding them cannot conflict.
    let add = |r: Result<(), cel::DeclarationError>| debug_assert!(r.is_ok(), "{r:?}");
    // quantities
    add(ctx.add_function("isQuantity", |s: Arc<String>| {
        Value::Bool(Quantity::parse(&s).is_ok())
    }));
    add(ctx.add_function("quantity", |s: Arc<String>| -> R {
        Ok(opaque(
            KQuantity::parse(&s).map_err(|e| err("quantity", e))?,
        ))
    }));
    add(ctx.add_function("isInteger", |This(q): This<Value>| -> R {
        let q = receiver::<KQuantity>("isInteger", &q)?;
        Ok(Value::Bool(q.as_integer().is_some()))
    }));
    add(ctx.add_function("asInteger", |This(q): This<Value>| -> R {
        let q = receiver::<KQuantity>("asInteger", &q)?;
        q.as_integer()
            .map(Value::Int)
            .ok_or_else(|| err("asInteger", "cannot convert value to integer"))
    }));
    add(
        ctx.add_function("asApproximateFloat", |This(q): This<Value>| -> R {
            let q = receiver::<KQuantity>("asApproximateFloat", &q)?;
            Ok(Value::Float(q.nanos as f64 / 1e9))
        }),
    );
    add(ctx.add_function("sign", |This(q): This<Value>| -> R {
        let q = receiver::<KQuantity>("sign", &q)?;
        Ok(Value::Int(q.nanos.signum() as i64))
    }));
    add(
        ctx.add_function("compareTo", |This(a): This<Value>, b: Value| -> R {
            Ok(Value::Int(match compare("compareTo", &a, &b)? {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            }))
        }),
    );
    add(
        ctx.add_function("isGreaterThan", |This(a): This<Value>, b: Value| -> R {
            Ok(Value::Bool(
                compare("isGreaterThan", &a, &b)? == Ordering::Greater,
            ))
        }),
    );
    add(
        ctx.add_function("isLessThan", |This(a): This<Value>, b: Value| -> R {
            Ok(Value::Bool(
                compare("isLessThan", &a, &b)? == Ordering::Less,
            ))
        }),
    );
    // IP addresses and CIDRs
    add(ctx.add_function("isIP", |s: Arc<String>| Value::Bool(parse_ip(&s).is_ok())));
    add(ctx.add_function("ip", |This(v): This<Value>| -> R {
        match &v {
            Value::String(s) => Ok(opaque(Ip(parse_ip(s).map_err(|e| err("ip", e))?))),
            _ => Ok(opaque(Ip(receiver::<Cidr>("ip", &v)?.addr))),
        }
    }));
    add(ctx.add_function("family", |This(v): This<Value>| -> R {
        let ip = receiver::<Ip>("family", &v)?;
        Ok(Value::Int(if ip.0.is_ipv4() { 4 } else { 6 }))
    }));
    add(
        ctx.add_function("isUnspecified", |This(v): This<Value>| -> R {
            Ok(Value::Bool(
                receiver::<Ip>("isUnspecified", &v)?.0.is_unspecified(),
            ))
        }),
    );
    add(ctx.add_function("isLoopback", |This(v): This<Value>| -> R {
        Ok(Value::Bool(
            receiver::<Ip>("isLoopback", &v)?.0.is_loopback(),
        ))
    }));
    add(
        ctx.add_function("isLinkLocalMulticast", |This(v): This<Value>| -> R {
            Ok(Value::Bool(
                receiver::<Ip>("isLinkLocalMulticast", &v)?.is_link_local_multicast(),
            ))
        }),
    );
    add(
        ctx.add_function("isLinkLocalUnicast", |This(v): This<Value>| -> R {
            Ok(Value::Bool(
                receiver::<Ip>("isLinkLocalUnicast", &v)?.is_link_local_unicast(),
            ))
        }),
    );
    add(
        ctx.add_function("isGlobalUnicast", |This(v): This<Value>| -> R {
            Ok(Value::Bool(
                receiver::<Ip>("isGlobalUnicast", &v)?.is_global_unicast(),
            ))
        }),
    );
    add(ctx.add_function("isCIDR", |s: Arc<String>| {
        Value::Bool(Cidr::parse(&s).is_ok())
    }));
    add(ctx.add_function("cidr", |s: Arc<String>| -> R {
        Ok(opaque(Cidr::parse(&s).map_err(|e| err("cidr", e))?))
    }));
    add(
        ctx.add_function("prefixLength", |This(v): This<Value>| -> R {
            Ok(Value::Int(i64::from(
                receiver::<Cidr>("prefixLength", &v)?.prefix,
            )))
        }),
    );
    add(ctx.add_function("masked", |This(v): This<Value>| -> R {
        Ok(opaque(receiver::<Cidr>("masked", &v)?.masked()))
    }));
    add(
        ctx.add_function("containsIP", |This(v): This<Value>, ip: Value| -> R {
            let c = receiver::<Cidr>("containsIP", &v)?;
            let ip = match &ip {
                Value::String(s) => parse_ip(s).map_err(|e| err("containsIP", e))?,
                other => receiver::<Ip>("containsIP", other)?.0,
            };
            Ok(Value::Bool(c.contains_ip(ip)))
        }),
    );
    add(
        ctx.add_function("containsCIDR", |This(v): This<Value>, o: Value| -> R {
            let c = receiver::<Cidr>("containsCIDR", &v)?;
            let o = match &o {
                Value::String(s) => Cidr::parse(s).map_err(|e| err("containsCIDR", e))?,
                other => receiver::<Cidr>("containsCIDR", other)?.clone(),
            };
            Ok(Value::Bool(o.prefix >= c.prefix && c.contains_ip(o.addr)))
        }),
    );
    // URLs
    add(ctx.add_function("isURL", |s: Arc<String>| {
        Value::Bool(Url::parse(&s).is_ok())
    }));
    add(ctx.add_function("url", |s: Arc<String>| -> R {
        Ok(opaque(Url::parse(&s).map_err(|e| err("url", e))?))
    }));
    add(ctx.add_function("getScheme", |This(v): This<Value>| -> R {
        Ok(receiver::<Url>("getScheme", &v)?.scheme.clone().into())
    }));
    add(ctx.add_function("getHost", |This(v): This<Value>| -> R {
        Ok(receiver::<Url>("getHost", &v)?.host.clone().into())
    }));
    add(
        ctx.add_function("getHostname", |This(v): This<Value>| -> R {
            Ok(receiver::<Url>("getHostname", &v)?.hostname().into())
        }),
    );
    add(ctx.add_function("getPort", |This(v): This<Value>| -> R {
        Ok(receiver::<Url>("getPort", &v)?.port().into())
    }));
    add(
        ctx.add_function("getEscapedPath", |This(v): This<Value>| -> R {
            Ok(receiver::<Url>("getEscapedPath", &v)?.path.clone().into())
        }),
    );
    // semantic versions
    add(ctx.add_function("isSemver", |s: Arc<String>| {
        Value::Bool(Semver::parse(&s).is_ok())
    }));
    add(ctx.add_function("semver", |s: Arc<String>| -> R {
        Ok(opaque(Semver::parse(&s).map_err(|e| err("semver", e))?))
    }));
    add(ctx.add_function("major", |This(v): This<Value>| -> R {
        Ok(Value::Int(receiver::<Semver>("major", &v)?.major as i64))
    }));
    add(ctx.add_function("minor", |This(v): This<Value>| -> R {
        Ok(Value::Int(receiver::<Semver>("minor", &v)?.minor as i64))
    }));
    add(ctx.add_function("patch", |This(v): This<Value>| -> R {
        Ok(Value::Int(receiver::<Semver>("patch", &v)?.patch as i64))
    }));
}

/// Compares two quantities or two semantic versions.
fn compare(function: &str, a: &Value, b: &Value) -> Result<Ordering, ExecutionError> {
    if let (Ok(x), Ok(y)) = (
        receiver::<KQuantity>(function, a),
        receiver::<KQuantity>(function, b),
    ) {
        return Ok(x.nanos.cmp(&y.nanos));
    }
    if let (Ok(x), Ok(y)) = (
        receiver::<Semver>(function, a),
        receiver::<Semver>(function, b),
    ) {
        return Ok(x.cmp_precedence(y));
    }
    Err(err(function, format!("cannot compare {a:?} with {b:?}")))
}

// ---------------------------------------------------------------------------------------------
// quantity

/// A quantity, kept as its exact value in nano-units (`Quantity::parse` caps values at 2^63-1
/// units and rounds below 1n up, so every quantity fits an `i128` of nano-units).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KQuantity {
    nanos: i128,
}

impl Opaque for KQuantity {
    fn runtime_type_name(&self) -> &str {
        "kubernetes.Quantity"
    }
}

impl KQuantity {
    /// Parses as `resource.ParseQuantity` does.
    pub fn parse(s: &str) -> Result<KQuantity, String> {
        let q = Quantity::parse(s).map_err(|e| e.to_string())?;
        // The canonical form is `<integer><suffix>`.
        let canon = q.to_string();
        let split = canon
            .find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '+'))
            .unwrap_or(canon.len());
        let (digits, suffix) = canon.split_at(split);
        let m: i128 = digits
            .parse()
            .map_err(|_| format!("bad quantity {canon}"))?;
        let nanos = match suffix {
            "" => scale10(m, 9),
            "n" => Some(m),
            "u" => scale10(m, 3),
            "m" => scale10(m, 6),
            "k" => scale10(m, 12),
            "M" => scale10(m, 15),
            "G" => scale10(m, 18),
            "T" => scale10(m, 21),
            "P" => scale10(m, 24),
            "E" => scale10(m, 27),
            "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
                let power = match suffix {
                    "Ki" => 10,
                    "Mi" => 20,
                    "Gi" => 30,
                    "Ti" => 40,
                    "Pi" => 50,
                    _ => 60,
                };
                m.checked_mul(1i128 << power)
                    .and_then(|v| v.checked_mul(1_000_000_000))
            }
            exp if exp.starts_with(['e', 'E']) => {
                let e: i64 = exp[1..]
                    .parse()
                    .map_err(|_| format!("bad quantity {canon}"))?;
                let shift = e + 9;
                if shift >= 0 {
                    scale10(m, shift as u32)
                } else {
                    // below a nano-unit: not produced by the canonical form of a parsed value
                    Some(m / 10i128.pow((-shift).min(38) as u32))
                }
            }
            _ => None,
        };
        nanos
            .map(|nanos| KQuantity { nanos })
            .ok_or_else(|| format!("quantity out of range: {canon}"))
    }

    /// The value as an integer, if it is one and fits an `int`.
    pub fn as_integer(&self) -> Option<i64> {
        if self.nanos % 1_000_000_000 != 0 {
            return None;
        }
        i64::try_from(self.nanos / 1_000_000_000).ok()
    }
}

fn scale10(m: i128, e: u32) -> Option<i128> {
    m.checked_mul(10i128.checked_pow(e)?)
}

// ---------------------------------------------------------------------------------------------
// IP and CIDR

/// An IP address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ip(pub IpAddr);

impl Opaque for Ip {
    fn runtime_type_name(&self) -> &str {
        "net.IP"
    }
}

/// Parses an IP as the Kubernetes `ip()` does: IPv4 dotted quads without leading zeros, IPv6
/// without zone; IPv4-mapped IPv6 addresses are rejected.
fn parse_ip(s: &str) -> Result<IpAddr, String> {
    let ip: IpAddr = s
        .parse()
        .map_err(|_| format!("IP Address {s:?} parse error during conversion from string"))?;
    if let IpAddr::V6(v6) = ip
        && v6.to_ipv4_mapped().is_some()
    {
        return Err(format!("IPv4-mapped IPv6 address {s:?} is not allowed"));
    }
    Ok(ip)
}

impl Ip {
    fn is_link_local_multicast(&self) -> bool {
        match self.0 {
            IpAddr::V4(v4) => {
                let o = v4.octets();
                o[0] == 224 && o[1] == 0 && o[2] == 0
            }
            IpAddr::V6(v6) => {
                let o = v6.octets();
                o[0] == 0xff && o[1] & 0x0f == 0x02
            }
        }
    }

    fn is_link_local_unicast(&self) -> bool {
        match self.0 {
            IpAddr::V4(v4) => v4.is_link_local(),
            IpAddr::V6(v6) => v6.segments()[0] & 0xffc0 == 0xfe80,
        }
    }

    /// Go's `IP.IsGlobalUnicast`: not unspecified, loopback, multicast, link-local or the
    /// IPv4 broadcast address.
    fn is_global_unicast(&self) -> bool {
        let ip = self.0;
        let broadcast = matches!(ip, IpAddr::V4(v4) if v4.is_broadcast());
        !(ip.is_unspecified()
            || ip.is_loopback()
            || ip.is_multicast()
            || self.is_link_local_unicast()
            || broadcast)
    }
}

/// A CIDR: address as written and prefix length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Opaque for Cidr {
    fn runtime_type_name(&self) -> &str {
        "net.CIDR"
    }
}

impl Cidr {
    /// Parses `<ip>/<prefix>`.
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let bad = || format!("network address {s:?} parse error during conversion from string");
        let (ip, prefix) = s.split_once('/').ok_or_else(bad)?;
        let addr = parse_ip(ip).map_err(|_| bad())?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) || prefix.len() > 3 {
            return Err(bad());
        }
        let prefix: u8 = prefix.parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        if prefix > max {
            return Err(bad());
        }
        Ok(Cidr { addr, prefix })
    }

    fn bits(ip: IpAddr) -> (u128, u32) {
        match ip {
            IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
            IpAddr::V6(v6) => (u128::from(v6), 128),
        }
    }

    fn mask(&self, width: u32) -> u128 {
        if self.prefix == 0 {
            0
        } else {
            let ones = u128::MAX << (128 - u32::from(self.prefix));
            ones >> (128 - width)
        }
    }

    fn contains_ip(&self, ip: IpAddr) -> bool {
        if ip.is_ipv4() != self.addr.is_ipv4() {
            return false;
        }
        let (a, width) = Cidr::bits(self.addr);
        let (b, _) = Cidr::bits(ip);
        let m = self.mask(width);
        a & m == b & m
    }

    fn masked(&self) -> Cidr {
        let (a, width) = Cidr::bits(self.addr);
        let v = a & self.mask(width);
        let addr = match self.addr {
            IpAddr::V4(_) => IpAddr::V4((v as u32).into()),
            IpAddr::V6(_) => IpAddr::V6(v.into()),
        };
        Cidr {
            addr,
            prefix: self.prefix,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// URL

/// A URL split as Go's `url.ParseRequestURI` does for absolute URLs and absolute paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    scheme: String,
    host: String,
    path: String,
}

impl Opaque for Url {
    fn runtime_type_name(&self) -> &str {
        "net.URL"
    }
}

impl Url {
    /// Parses an absolute URL (`scheme://host/path?query`) or an absolute path (`/path`).
    pub fn parse(s: &str) -> Result<Url, String> {
        let bad = || format!("URL {s:?} parse error during conversion from string");
        if s.is_empty() || s.chars().any(|c| c.is_control() || c == ' ') {
            return Err(bad());
        }
        let s = s.split_once('#').map_or(s, |(a, _)| a);
        let s = s.split_once('?').map_or(s, |(a, _)| a);
        if s.starts_with('/') {
            return Ok(Url {
                scheme: String::new(),
                host: String::new(),
                path: s.to_string(),
            });
        }
        let (scheme, rest) = s.split_once(':').ok_or_else(bad)?;
        let valid_scheme = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !valid_scheme {
            return Err(bad());
        }
        let (host, path) = match rest.strip_prefix("//") {
            Some(authority) => {
                let (auth, path) = authority
                    .find('/')
                    .map_or((authority, ""), |i| authority.split_at(i));
                let host = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
                (host.to_string(), path.to_string())
            }
            None if rest.starts_with('/') => (String::new(), rest.to_string()),
            // opaque URLs (`mailto:x`) have no host or path
            None => (String::new(), String::new()),
        };
        Ok(Url {
            scheme: scheme.to_string(),
            host,
            path,
        })
    }

    fn hostname(&self) -> String {
        let h = &self.host;
        if let Some(rest) = h.strip_prefix('[') {
            return rest.split(']').next().unwrap_or_default().to_string();
        }
        h.rsplit_once(':')
            .map_or(h.as_str(), |(a, _)| a)
            .to_string()
    }

    fn port(&self) -> String {
        let h = &self.host;
        let after = match h.rfind(']') {
            Some(i) => &h[i + 1..],
            None => h.as_str(),
        };
        after
            .rsplit_once(':')
            .map(|(_, p)| p.to_string())
            .unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------------
// semver

/// A semantic version (semver 2.0.0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Semver {
    major: u64,
    minor: u64,
    patch: u64,
    pre: Vec<String>,
}

impl Opaque for Semver {
    fn runtime_type_name(&self) -> &str {
        "kubernetes.Semver"
    }
}

impl fmt::Display for Semver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre.join("."))?;
        }
        Ok(())
    }
}

impl Semver {
    /// Parses `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]` strictly (no `v` prefix, no leading
    /// zeros).
    pub fn parse(s: &str) -> Result<Semver, String> {
        let bad = || format!("invalid semver {s:?}");
        let ident_ok =
            |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let num = |p: &str| -> Result<u64, String> {
            if p.is_empty()
                || !p.bytes().all(|b| b.is_ascii_digit())
                || (p.len() > 1 && p.starts_with('0'))
            {
                return Err(bad());
            }
            p.parse().map_err(|_| bad())
        };
        let (rest, build) = match s.split_once('+') {
            Some((r, b)) => (r, Some(b)),
            None => (s, None),
        };
        if let Some(b) = build
            && !b.split('.').all(ident_ok)
        {
            return Err(bad());
        }
        let (core, pre) = match rest.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (rest, None),
        };
        let parts: Vec<&str> = core.split('.').collect();
        let [major, minor, patch] = parts[..] else {
            return Err(bad());
        };
        let pre: Vec<String> = match pre {
            None => Vec::new(),
            Some(p) => {
                let ids: Vec<&str> = p.split('.').collect();
                for id in &ids {
                    let numeric = id.bytes().all(|b| b.is_ascii_digit());
                    if !ident_ok(id) || (numeric && id.len() > 1 && id.starts_with('0')) {
                        return Err(bad());
                    }
                }
                ids.into_iter().map(str::to_string).collect()
            }
        };
        Ok(Semver {
            major: num(major)?,
            minor: num(minor)?,
            patch: num(patch)?,
            pre,
        })
    }

    /// Semver precedence (build metadata ignored).
    fn cmp_precedence(&self, o: &Semver) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(o.major, o.minor, o.patch))
            .then_with(|| match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.pre.iter().zip(&o.pre) {
                        let c = match (a.parse::<u64>(), b.parse::<u64>()) {
                            (Ok(x), Ok(y)) => x.cmp(&y),
                            (Ok(_), Err(_)) => Ordering::Less,
                            (Err(_), Ok(_)) => Ordering::Greater,
                            (Err(_), Err(_)) => a.cmp(b),
                        };
                        if c != Ordering::Equal {
                            return c;
                        }
                    }
                    self.pre.len().cmp(&o.pre.len())
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(expr: &str) -> Result<Value, ExecutionError> {
        let env = Arc::new(env());
        let program = env.compile(expr).expect("parses");
        let mut ctx = cel::Context::with_env(env);
        register(&mut ctx);
        program.execute(&ctx)
    }

    fn yes(expr: &str) {
        assert_eq!(eval(expr), Ok(Value::Bool(true)), "{expr}");
    }

    #[test]
    fn quantities() {
        yes("isQuantity('500m') && isQuantity('1.5Gi') && !isQuantity('abc')");
        yes("quantity('1Gi').compareTo(quantity('1024Mi')) == 0");
        yes("quantity('1Gi').isGreaterThan(quantity('1G'))");
        yes("quantity('500m').isLessThan(quantity('1'))");
        yes("quantity('0.5').compareTo(quantity('500m')) == 0");
        yes("quantity('1e3').asInteger() == 1000");
        yes("quantity('2Ki').asInteger() == 2048");
        yes("!quantity('500m').isInteger() && quantity('2k').isInteger()");
        yes("quantity('1500m').asApproximateFloat() == 1.5");
        yes("quantity('-1').sign() == -1 && quantity('0').sign() == 0");
        yes("quantity('1n').isGreaterThan(quantity('0'))");
        assert!(eval("quantity('abc')").is_err());
        assert!(eval("quantity('500m').asInteger()").is_err());
        assert!(eval("quantity('1').compareTo(1)").is_err());
    }

    #[test]
    fn ips() {
        yes("isIP('10.0.0.1') && isIP('::1') && !isIP('10.0.0.256') && !isIP('::ffff:1.2.3.4')");
        yes("!isIP('010.0.0.1') && !isIP('fe80::1%eth0')");
        yes("ip('10.0.0.1').family() == 4 && ip('2001:db8::1').family() == 6");
        yes(
            "ip('127.0.0.1').isLoopback() && ip('::1').isLoopback() && !ip('10.0.0.1').isLoopback()",
        );
        yes("ip('0.0.0.0').isUnspecified() && ip('::').isUnspecified()");
        yes("ip('169.254.1.1').isLinkLocalUnicast() && ip('fe80::1').isLinkLocalUnicast()");
        yes("ip('224.0.0.1').isLinkLocalMulticast() && ip('ff02::1').isLinkLocalMulticast()");
        yes("ip('8.8.8.8').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast()");
        yes("ip('10.0.0.1') == ip('10.0.0.1') && ip('10.0.0.1') != ip('10.0.0.2')");
        assert!(eval("ip('nope')").is_err());
    }

    #[test]
    fn cidrs() {
        yes(
            "isCIDR('10.0.0.0/8') && isCIDR('2001:db8::/32') && !isCIDR('10.0.0.0/33') && !isCIDR('10.0.0.0')",
        );
        yes(
            "cidr('10.0.0.0/8').containsIP('10.1.2.3') && !cidr('10.0.0.0/8').containsIP('11.0.0.1')",
        );
        yes("cidr('10.0.0.0/8').containsIP(ip('10.255.0.1'))");
        yes("!cidr('10.0.0.0/8').containsIP('::1')");
        yes("cidr('0.0.0.0/0').containsIP('1.2.3.4')");
        yes(
            "cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16') && !cidr('10.1.0.0/16').containsCIDR('10.0.0.0/8')",
        );
        yes("cidr('10.0.0.0/8').containsCIDR(cidr('10.0.0.0/8'))");
        yes("cidr('2001:db8::/32').containsIP('2001:db8:1::1')");
        yes("cidr('10.1.2.3/8').prefixLength() == 8 && cidr('10.1.2.3/8').ip() == ip('10.1.2.3')");
        yes("cidr('10.1.2.3/8').masked() == cidr('10.0.0.0/8')");
        assert!(eval("cidr('10.0.0.0')").is_err());
    }

    #[test]
    fn urls() {
        yes(
            "isURL('https://example.com:8443/a/b?x=1') && isURL('/just/a/path') && !isURL('not a url') && !isURL('example.com')",
        );
        yes("url('https://user@example.com:8443/a/b?x=1').getScheme() == 'https'");
        yes("url('https://user@example.com:8443/a/b?x=1').getHost() == 'example.com:8443'");
        yes("url('https://example.com:8443/a').getHostname() == 'example.com'");
        yes(
            "url('https://example.com:8443/a').getPort() == '8443' && url('https://example.com/a').getPort() == ''",
        );
        yes(
            "url('https://[::1]:80/x').getHostname() == '::1' && url('https://[::1]:80/x').getPort() == '80'",
        );
        yes("url('https://example.com/a/b?x=1#f').getEscapedPath() == '/a/b'");
        yes("url('/p').getScheme() == '' && url('/p').getHost() == ''");
        assert!(eval("url('nope')").is_err());
    }

    #[test]
    fn semvers() {
        yes(
            "isSemver('1.2.3') && isSemver('1.2.3-rc.1+build.5') && !isSemver('v1.2.3') && !isSemver('1.2') && !isSemver('01.2.3')",
        );
        yes(
            "semver('1.2.3').major() == 1 && semver('1.2.3').minor() == 2 && semver('1.2.3').patch() == 3",
        );
        yes("semver('1.10.0').isGreaterThan(semver('1.9.9'))");
        yes("semver('1.0.0-rc.1').isLessThan(semver('1.0.0'))");
        yes("semver('1.0.0-alpha').isLessThan(semver('1.0.0-alpha.1'))");
        yes("semver('1.0.0-alpha.2').isLessThan(semver('1.0.0-alpha.10'))");
        yes("semver('1.0.0+a').compareTo(semver('1.0.0+b')) == 0");
        assert!(eval("semver('x')").is_err());
        assert!(eval("semver('1.0.0').compareTo(quantity('1'))").is_err());
    }

    #[test]
    fn strings_extension_is_available() {
        assert_eq!(eval("'AbC'.lowerAscii()"), Ok(Value::from("abc")));
        yes("'arn:aws:iam::121212121212:role/x'.matches('^arn:aws:iam::\\\\d{12}:role/')");
    }
}
