//! The CEL `kubernetes.Semver` type: semantic versions 2.0.0 as `blang/semver`'s `Parse` reads
//! them, and the Kubernetes normalization (`semver(s, true)`).

use std::cmp::Ordering;
use std::fmt;

use cel::objects::Opaque;

/// A semantic version (build metadata is checked and dropped: it takes no part in comparisons).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Semver {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pre: Vec<String>,
}

impl Opaque for Semver {
    fn runtime_type_name(&self) -> &str {
        super::SEMVER
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

    /// The Kubernetes normalization, then [`Semver::parse`]: a leading `v` is dropped, leading
    /// zeros of the first three dot-separated parts are removed, and a missing minor or patch
    /// is `0` (a shortened version may not carry pre-release or build data).
    pub fn parse_normalized(s: &str) -> Result<Semver, String> {
        let s = s.strip_prefix('v').unwrap_or(s);
        let mut parts: Vec<String> = s.splitn(3, '.').map(str::to_string).collect();
        for p in &mut parts {
            if p.len() > 1 {
                let t = p.trim_start_matches('0');
                *p = if t.is_empty() || !t.as_bytes()[0].is_ascii_digit() {
                    format!("0{t}")
                } else {
                    t.to_string()
                };
            }
        }
        if parts.len() < 3 {
            if parts.last().is_some_and(|p| p.contains(['+', '-'])) {
                return Err("short version cannot contain PreRelease/Build meta data".into());
            }
            while parts.len() < 3 {
                parts.push("0".into());
            }
        }
        Semver::parse(&parts.join("."))
    }

    /// Semver precedence (build metadata ignored).
    pub fn cmp_precedence(&self, o: &Semver) -> Ordering {
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

    #[test]
    fn strict_parse() {
        assert!(Semver::parse("1.2.3-rc.1+build.5").is_ok());
        for bad in [
            "v1.2.3", "1.2", "01.2.3", "1.2.3-01", "1.2.3+", "1.2.3-", "", "x",
        ] {
            assert!(Semver::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn normalized_parse() {
        let n = |s: &str| Semver::parse_normalized(s).map(|v| v.to_string());
        assert_eq!(n("v1.0.0"), Ok("1.0.0".into()));
        assert_eq!(n("1.0"), Ok("1.0.0".into()));
        assert_eq!(n("1"), Ok("1.0.0".into()));
        assert_eq!(n("01.01.01"), Ok("1.1.1".into()));
        assert_eq!(n("v1.2.3-rc.1"), Ok("1.2.3-rc.1".into()));
        assert!(n("1.0-rc").is_err(), "short version with pre-release");
        assert!(n("vv1.0.0").is_err());
    }

    #[test]
    fn precedence() {
        let v = |s: &str| Semver::parse(s).unwrap();
        assert_eq!(v("1.10.0").cmp_precedence(&v("1.9.9")), Ordering::Greater);
        assert_eq!(v("1.0.0-rc.1").cmp_precedence(&v("1.0.0")), Ordering::Less);
        assert_eq!(
            v("1.0.0-alpha.2").cmp_precedence(&v("1.0.0-alpha.10")),
            Ordering::Less
        );
        assert_eq!(
            v("1.0.0-alpha").cmp_precedence(&v("1.0.0-alpha.1")),
            Ordering::Less
        );
        assert_eq!(v("1.0.0-1").cmp_precedence(&v("1.0.0-a")), Ordering::Less);
        assert_eq!(v("1.0.0+a").cmp_precedence(&v("1.0.0+b")), Ordering::Equal);
    }
}
