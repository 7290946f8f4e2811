//! The CEL `net.IP` and `net.CIDR` types, parsed and printed as Go's `net/netip` does for the
//! Kubernetes IP and CIDR libraries (no zones, no IPv4-mapped IPv6 addresses, no leading zeros
//! in IPv4 octets or prefix lengths).

use std::fmt;
use std::net::IpAddr;

use cel::objects::Opaque;

/// An IP address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ip(pub IpAddr);

impl Opaque for Ip {
    fn runtime_type_name(&self) -> &str {
        super::IP
    }
}

/// `netip.Addr.String()`: dotted quad, or RFC 5952 (lower case, the first longest run of two or
/// more zero groups compressed), which Rust's `Display` also produces for addresses that are
/// not IPv4-mapped (those are rejected on parse).
impl fmt::Display for Ip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Parses an IP as the Kubernetes `ip()` does.
pub fn parse_ip(s: &str) -> Result<IpAddr, String> {
    if s.contains('%') {
        return Err(format!("IP address {s:?} with zone value is not allowed"));
    }
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
    /// `netip.Addr.IsLinkLocalMulticast`: 224.0.0.0/24, ff02::/16.
    pub fn is_link_local_multicast(&self) -> bool {
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

    /// `netip.Addr.IsLinkLocalUnicast`: 169.254.0.0/16, fe80::/10.
    pub fn is_link_local_unicast(&self) -> bool {
        match self.0 {
            IpAddr::V4(v4) => v4.is_link_local(),
            IpAddr::V6(v6) => v6.segments()[0] & 0xffc0 == 0xfe80,
        }
    }

    /// `netip.Addr.IsGlobalUnicast`: not unspecified, loopback, multicast, link-local or the
    /// IPv4 broadcast address.
    pub fn is_global_unicast(&self) -> bool {
        let ip = self.0;
        let broadcast = matches!(ip, IpAddr::V4(v4) if v4.is_broadcast());
        !(ip.is_unspecified()
            || ip.is_loopback()
            || ip.is_multicast()
            || self.is_link_local_unicast()
            || broadcast)
    }
}

/// A CIDR: the address as written and the prefix length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Opaque for Cidr {
    fn runtime_type_name(&self) -> &str {
        super::CIDR
    }
}

/// `netip.Prefix.String()`.
impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl Cidr {
    /// Parses `<ip>/<prefix>` as `netip.ParsePrefix` does (the last `/` splits; the length is
    /// decimal without sign or leading zero).
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let bad = |why: &str| {
            format!(
                "network address parse error during conversion from string: netip.ParsePrefix({s:?}): {why}"
            )
        };
        let (ip, bits) = s.rsplit_once('/').ok_or_else(|| bad("no '/'"))?;
        if ip.contains('%') {
            return Err(bad("IPv6 zones cannot be present in a prefix"));
        }
        let addr: IpAddr = ip
            .parse()
            .map_err(|_| bad(&format!("ParseAddr({ip:?}): unable to parse IP")))?;
        if let IpAddr::V6(v6) = addr
            && v6.to_ipv4_mapped().is_some()
        {
            return Err(format!("IPv4-mapped IPv6 address {s:?} is not allowed"));
        }
        let bad_bits = || bad(&format!("bad bits after slash: {bits:?}"));
        if bits.is_empty()
            || !bits.bytes().all(|b| b.is_ascii_digit())
            || (bits.len() > 1 && bits.starts_with('0'))
        {
            return Err(bad_bits());
        }
        let prefix: u32 = bits
            .parse()
            .map_err(|_| bad("prefix length out of range"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        if prefix > max {
            return Err(bad("prefix length out of range"));
        }
        Ok(Cidr {
            addr,
            prefix: prefix as u8,
        })
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

    /// `netip.Prefix.Contains`.
    pub fn contains_ip(&self, ip: IpAddr) -> bool {
        if ip.is_ipv4() != self.addr.is_ipv4() {
            return false;
        }
        let (a, width) = Cidr::bits(self.addr);
        let (b, _) = Cidr::bits(ip);
        let m = self.mask(width);
        a & m == b & m
    }

    /// The Kubernetes `containsCIDR`: `other` is at least as long and its address falls in
    /// this network.
    pub fn contains_cidr(&self, other: &Cidr) -> bool {
        other.prefix >= self.prefix && self.contains_ip(other.addr)
    }

    /// `netip.Prefix.Masked`.
    pub fn masked(&self) -> Cidr {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_parse_rules() {
        assert!(parse_ip("10.0.0.1").is_ok());
        assert!(parse_ip("2001:db8::1").is_ok());
        assert!(parse_ip("010.0.0.1").is_err(), "leading zero");
        assert!(parse_ip("127.0.0.256").is_err());
        assert!(parse_ip(":::1").is_err());
        assert_eq!(
            parse_ip("fe80::1%eth0"),
            Err("IP address \"fe80::1%eth0\" with zone value is not allowed".into())
        );
        assert_eq!(
            parse_ip("::ffff:1.2.3.4"),
            Err("IPv4-mapped IPv6 address \"::ffff:1.2.3.4\" is not allowed".into())
        );
    }

    #[test]
    fn canonical_text() {
        let s = |t: &str| Ip(parse_ip(t).unwrap()).to_string();
        assert_eq!(s("2001:DB8::ABCD"), "2001:db8::abcd");
        assert_eq!(s("2001:db8::0:0:0:abcd"), "2001:db8::abcd");
        assert_eq!(s("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1", "longest run");
        assert_eq!(
            s("2001:db8:0:0:1:0:0:1"),
            "2001:db8::1:0:0:1",
            "first of equal runs"
        );
        assert_eq!(
            s("2001:db8:1:0:1:1:1:1"),
            "2001:db8:1:0:1:1:1:1",
            "single zero kept"
        );
        assert_eq!(s("::1.2.3.4"), "::102:304");
    }

    #[test]
    fn cidr_parse_rules() {
        assert!(Cidr::parse("10.0.0.0/8").is_ok());
        assert!(
            Cidr::parse("192.168.0.1/16").is_ok(),
            "host bits are allowed"
        );
        for bad in [
            "10.0.0.0",
            "10.0.0.0/",
            "10.0.0.0/33",
            "10.0.0.0/08",
            "10.0.0.0/+8",
            "::1/129",
            "fe80::1%eth0/64",
            "x/8",
        ] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
        assert!(Cidr::parse("::ffff:1.2.3.4/120").is_err());
        assert_eq!(
            Cidr::parse("2001:DB8::/32").unwrap().to_string(),
            "2001:db8::/32"
        );
    }

    #[test]
    fn containment() {
        let c = Cidr::parse("192.168.0.0/16").unwrap();
        assert!(c.contains_cidr(&Cidr::parse("192.168.10.0/24").unwrap()));
        assert!(!c.contains_cidr(&Cidr::parse("192.0.0.0/8").unwrap()));
        assert!(
            !Cidr::parse("192.168.1.0/24")
                .unwrap()
                .contains_cidr(&Cidr::parse("192.168.2.0/24").unwrap())
        );
        assert!(
            Cidr::parse("0.0.0.0/0")
                .unwrap()
                .contains_ip("1.2.3.4".parse().unwrap())
        );
        assert!(!c.contains_ip("::1".parse().unwrap()));
        assert_eq!(
            Cidr::parse("192.168.0.1/24").unwrap().masked(),
            Cidr::parse("192.168.0.0/24").unwrap()
        );
    }
}
