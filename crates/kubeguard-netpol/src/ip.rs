//! IPv4 address ranges and the partition of the address space by the ranges policies name.

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

/// An inclusive IPv4 address range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpRange {
    /// First address.
    pub start: u32,
    /// Last address.
    pub end: u32,
}

impl IpRange {
    /// The whole IPv4 space.
    pub const ALL: IpRange = IpRange {
        start: 0,
        end: u32::MAX,
    };

    /// Parses an IPv4 CIDR (`10.0.0.0/8`; host bits are ignored, as the API normalises).
    /// IPv6 and malformed CIDRs give `None`.
    pub fn parse_cidr(s: &str) -> Option<IpRange> {
        let net: Ipv4Net = s.trim().parse().ok()?;
        Some(IpRange {
            start: u32::from(net.network()),
            end: u32::from(net.broadcast()),
        })
    }

    /// Whether `other` lies inside this range.
    pub fn contains(&self, other: &IpRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether the two ranges share an address.
    pub fn overlaps(&self, other: &IpRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            Ipv4Addr::from(self.start),
            Ipv4Addr::from(self.end)
        )
    }
}

/// Splits the whole IPv4 space into the coarsest disjoint ranges such that each of `ranges`
/// is a union of them (so every range is either inside or outside each policy range).
pub fn partition(ranges: &[IpRange]) -> Vec<IpRange> {
    // Cut points: the first address of each piece.
    let mut cuts: Vec<u32> = vec![0];
    for r in ranges {
        cuts.push(r.start);
        if let Some(next) = r.end.checked_add(1) {
            cuts.push(next);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.iter()
        .enumerate()
        .map(|(i, &start)| IpRange {
            start,
            end: cuts.get(i + 1).map_or(u32::MAX, |n| n - 1),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_and_display() {
        let r = IpRange::parse_cidr("10.1.2.3/8").expect("cidr");
        assert_eq!(r.to_string(), "10.0.0.0-10.255.255.255");
        assert_eq!(IpRange::ALL.to_string(), "0.0.0.0-255.255.255.255");
        assert!(IpRange::parse_cidr("::/0").is_none());
        assert!(IpRange::parse_cidr("nonsense").is_none());
    }

    #[test]
    fn partition_by_cidr_and_except() {
        let a = IpRange::parse_cidr("0.0.0.0/0").expect("cidr");
        let b = IpRange::parse_cidr("10.0.0.0/8").expect("cidr");
        let parts: Vec<String> = partition(&[a, b]).iter().map(|r| r.to_string()).collect();
        assert_eq!(
            parts,
            [
                "0.0.0.0-9.255.255.255",
                "10.0.0.0-10.255.255.255",
                "11.0.0.0-255.255.255.255"
            ]
        );
        assert_eq!(partition(&[]), vec![IpRange::ALL]);
    }
}
