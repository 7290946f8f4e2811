//! Connection sets: per protocol, a sorted list of disjoint, non-adjacent port ranges.

use std::collections::BTreeMap;
use std::fmt;

/// Lowest and highest port a connection set covers.
pub const MIN_PORT: u16 = 1;
/// Highest port.
pub const MAX_PORT: u16 = 65535;

/// A transport protocol NetworkPolicies can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// SCTP.
    Sctp,
    /// TCP (the default).
    Tcp,
    /// UDP.
    Udp,
}

impl Protocol {
    /// Every protocol, in output order.
    pub const ALL: [Protocol; 3] = [Protocol::Sctp, Protocol::Tcp, Protocol::Udp];

    /// Parses `TCP`, `UDP` or `SCTP` (as the API spells them).
    pub fn parse(s: &str) -> Option<Protocol> {
        match s {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Sctp => "SCTP",
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        }
    }
}

/// A canonical set of connections: protocol → sorted, disjoint, non-adjacent inclusive port
/// ranges. Protocols with no port are absent, so equal sets compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ConnSet {
    ranges: BTreeMap<Protocol, Vec<(u16, u16)>>,
}

impl ConnSet {
    /// No connection.
    pub fn none() -> ConnSet {
        ConnSet::default()
    }

    /// Every protocol on every port.
    pub fn all() -> ConnSet {
        let mut s = ConnSet::none();
        for p in Protocol::ALL {
            s.add_range(p, MIN_PORT, MAX_PORT);
        }
        s
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether the set holds every protocol on every port.
    pub fn is_all(&self) -> bool {
        *self == ConnSet::all()
    }

    /// Adds ports `lo..=hi` of `proto` (ignored when `lo > hi`; clamped to 1..=65535).
    pub fn add_range(&mut self, proto: Protocol, lo: u16, hi: u16) {
        let lo = lo.max(MIN_PORT);
        if lo > hi {
            return;
        }
        let v = self.ranges.entry(proto).or_default();
        v.push((lo, hi));
        v.sort_unstable();
        let mut merged: Vec<(u16, u16)> = Vec::with_capacity(v.len());
        for &(a, b) in v.iter() {
            match merged.last_mut() {
                Some(last) if u32::from(a) <= u32::from(last.1) + 1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        *v = merged;
    }

    /// Adds every connection of `other`.
    pub fn union_with(&mut self, other: &ConnSet) {
        for (p, rs) in &other.ranges {
            for &(a, b) in rs {
                self.add_range(*p, a, b);
            }
        }
    }

    /// The connections in both sets.
    pub fn intersect(&self, other: &ConnSet) -> ConnSet {
        let mut out = ConnSet::none();
        for (p, rs) in &self.ranges {
            let Some(os) = other.ranges.get(p) else {
                continue;
            };
            for &(a, b) in rs {
                for &(c, d) in os {
                    let lo = a.max(c);
                    let hi = b.min(d);
                    if lo <= hi {
                        out.add_range(*p, lo, hi);
                    }
                }
            }
        }
        out
    }

    /// The connections of `self` that are not in `other`.
    pub fn subtract(&self, other: &ConnSet) -> ConnSet {
        let mut out = ConnSet::none();
        for (p, rs) in &self.ranges {
            let os = other.ranges(*p);
            for &(a, b) in rs {
                // Walk the (sorted, disjoint) ranges of `other` that overlap a..=b.
                let mut lo = u32::from(a);
                let hi = u32::from(b);
                for &(c, d) in os {
                    let (c, d) = (u32::from(c), u32::from(d));
                    if d < lo || c > hi {
                        continue;
                    }
                    if c > lo {
                        out.add_range(*p, lo as u16, (c - 1) as u16);
                    }
                    lo = d + 1;
                    if lo > hi {
                        break;
                    }
                }
                if lo <= hi {
                    out.add_range(*p, lo as u16, hi as u16);
                }
            }
        }
        out
    }

    /// The union of two sets.
    pub fn union(&self, other: &ConnSet) -> ConnSet {
        let mut out = self.clone();
        out.union_with(other);
        out
    }

    /// Whether every connection of `self` is in `other`.
    pub fn is_subset(&self, other: &ConnSet) -> bool {
        self.subtract(other).is_empty()
    }

    /// TCP on one port.
    pub fn tcp_port(port: u16) -> ConnSet {
        let mut s = ConnSet::none();
        s.add_range(Protocol::Tcp, port, port);
        s
    }

    /// Parses netpol-analyzer's `--focus-conn` value: `protocol-port` (`tcp-80`, `UDP-53`).
    pub fn parse_focus(s: &str) -> Option<ConnSet> {
        let (proto, port) = s.trim().split_once('-')?;
        let proto = Protocol::parse(&proto.to_ascii_uppercase())?;
        let port: u16 = port.parse().ok().filter(|p| *p >= MIN_PORT)?;
        let mut out = ConnSet::none();
        out.add_range(proto, port, port);
        Some(out)
    }

    /// The port ranges of one protocol.
    pub fn ranges(&self, proto: Protocol) -> &[(u16, u16)] {
        self.ranges.get(&proto).map_or(&[], Vec::as_slice)
    }
}

/// netpol-analyzer's text form: `All Connections`, or `PROTO ports` per protocol joined by
/// commas (`SCTP 1-65535,TCP 80,UDP 1-52,54-65535`).
impl fmt::Display for ConnSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("All Connections");
        }
        if self.is_empty() {
            return f.write_str("No Connections");
        }
        let mut first_proto = true;
        for (p, rs) in &self.ranges {
            if !first_proto {
                f.write_str(",")?;
            }
            first_proto = false;
            write!(f, "{} ", p.as_str())?;
            for (i, (a, b)) in rs.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                if a == b {
                    write!(f, "{a}")?;
                } else {
                    write!(f, "{a}-{b}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge_and_format() {
        let mut s = ConnSet::none();
        s.add_range(Protocol::Tcp, 9090, 9090);
        s.add_range(Protocol::Tcp, 8080, 8080);
        s.add_range(Protocol::Tcp, 8081, 8085);
        s.add_range(Protocol::Udp, 53, 53);
        assert_eq!(s.to_string(), "TCP 8080-8085,9090,UDP 53");
        assert_eq!(ConnSet::all().to_string(), "All Connections");
        let mut tcp_all = ConnSet::none();
        tcp_all.add_range(Protocol::Tcp, 1, 65535);
        assert_eq!(tcp_all.to_string(), "TCP 1-65535");
    }

    #[test]
    fn intersection_is_canonical() {
        let mut a = ConnSet::none();
        a.add_range(Protocol::Tcp, 1, 100);
        a.add_range(Protocol::Udp, 1, 10);
        let mut b = ConnSet::none();
        b.add_range(Protocol::Tcp, 50, 200);
        b.add_range(Protocol::Sctp, 1, 10);
        let i = a.intersect(&b);
        assert_eq!(i.to_string(), "TCP 50-100");
        assert!(a.intersect(&ConnSet::none()).is_empty());
        assert_eq!(ConnSet::all().intersect(&a), a);
    }

    #[test]
    fn subtraction_and_union() {
        let mut a = ConnSet::none();
        a.add_range(Protocol::Tcp, 1, 100);
        a.add_range(Protocol::Udp, 53, 53);
        let mut b = ConnSet::none();
        b.add_range(Protocol::Tcp, 10, 20);
        b.add_range(Protocol::Tcp, 50, 60);
        b.add_range(Protocol::Tcp, 100, 200);
        assert_eq!(a.subtract(&b).to_string(), "TCP 1-9,21-49,61-99,UDP 53");
        assert_eq!(ConnSet::all().subtract(&ConnSet::all()), ConnSet::none());
        assert_eq!(
            ConnSet::all().subtract(&a).union(&a),
            ConnSet::all(),
            "complement and union give everything back"
        );
        assert!(b.intersect(&a).is_subset(&a));
        assert!(!b.is_subset(&a));
    }

    #[test]
    fn focus_conn() {
        assert_eq!(
            ConnSet::parse_focus("udp-52").map(|c| c.to_string()),
            Some("UDP 52".to_string())
        );
        assert_eq!(
            ConnSet::parse_focus("TCP-80").map(|c| c.to_string()),
            Some("TCP 80".to_string())
        );
        assert_eq!(ConnSet::parse_focus("icmp-1"), None);
        assert_eq!(ConnSet::parse_focus("tcp-0"), None);
        assert_eq!(ConnSet::parse_focus("tcp"), None);
    }
}
