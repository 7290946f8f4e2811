//! Semantic diff of two connectivity lists (netpol-analyzer's `diff`): which connections were
//! added, removed or changed between a first (`ref1`) and a second (`ref2`) configuration.
//!
//! External ranges are first cut into the common pieces of both configurations' ranges so
//! that both lists speak of the same ranges; after comparison, pieces with the same other
//! endpoint and the same connections in both configurations are merged back into maximal
//! contiguous ranges.

use std::borrow::Cow;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::Connection;
use crate::conns::ConnSet;
use crate::ip::{IpRange, partition};
use crate::render::{INGRESS_CONTROLLER, PeerName, ip_name, peer_name};

/// How a connection differs between the two configurations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiffKind {
    /// Allowed in both, on different ports or protocols.
    Changed,
    /// Allowed only in the second configuration.
    Added,
    /// Allowed only in the first configuration.
    Removed,
    /// The same in both.
    Unchanged,
}

impl DiffKind {
    /// `changed`, `added`, `removed` or `unchanged`.
    pub fn as_str(self) -> &'static str {
        match self {
            DiffKind::Changed => "changed",
            DiffKind::Added => "added",
            DiffKind::Removed => "removed",
            DiffKind::Unchanged => "unchanged",
        }
    }
}

/// One source/destination pair of the diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffEntry {
    /// Kind of difference.
    pub kind: DiffKind,
    /// Source name.
    pub src: String,
    /// Destination name.
    pub dst: String,
    /// Connections in the first configuration (empty when added).
    pub ref1: ConnSet,
    /// Connections in the second configuration (empty when removed).
    pub ref2: ConnSet,
    /// The source workload exists only in the configuration the connection is in (an added
    /// connection from a new workload, a removed one from a deleted workload).
    pub src_new_or_lost: bool,
    /// Same for the destination.
    pub dst_new_or_lost: bool,
}

/// The diff of two connectivity lists, unchanged pairs included (the DOT graph draws them).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnDiff {
    /// Every pair connected in either configuration, sorted by kind, source, destination.
    pub entries: Vec<DiffEntry>,
}

impl ConnDiff {
    /// Whether nothing was added, removed or changed.
    pub fn is_empty(&self) -> bool {
        self.entries.iter().all(|e| e.kind == DiffKind::Unchanged)
    }

    /// Entries of one kind.
    pub fn of_kind(&self, kind: DiffKind) -> impl Iterator<Item = &DiffEntry> {
        self.entries.iter().filter(move |e| e.kind == kind)
    }
}

/// External ranges of a connection endpoint, `None` for a workload or the ingress controller.
fn ranges_of(name: &str) -> Option<Vec<IpRange>> {
    match peer_name(name) {
        PeerName::Ip(r) => Some(r),
        _ => None,
    }
}

/// A (source, destination) key, borrowing workload names from the connection list.
type Key<'a> = (Cow<'a, str>, Cow<'a, str>);

/// The connections of `conns` with every external endpoint cut into the `pieces` it covers.
fn refine<'a>(conns: &'a [Connection], pieces: &[IpRange]) -> BTreeMap<Key<'a>, Cow<'a, ConnSet>> {
    let mut out: BTreeMap<Key<'a>, Cow<'a, ConnSet>> = BTreeMap::new();
    let split = |name: &'a str| -> Vec<Cow<'a, str>> {
        match ranges_of(name) {
            None => vec![Cow::Borrowed(name)],
            Some(ranges) => pieces
                .iter()
                .filter(|p| ranges.iter().any(|r| r.contains(p)))
                .map(|p| Cow::Owned(ip_name(&[*p])))
                .collect(),
        }
    };
    for c in conns {
        let dsts = split(&c.dst);
        for s in split(&c.src) {
            for d in &dsts {
                match out.entry((s.clone(), d.clone())) {
                    Entry::Vacant(v) => {
                        v.insert(Cow::Borrowed(&c.conns));
                    }
                    // The same pair twice (connections of several networks): their union.
                    Entry::Occupied(mut o) => o.get_mut().to_mut().union_with(&c.conns),
                }
            }
        }
    }
    out
}

/// Merges touching or overlapping ranges.
fn merge(mut ranges: Vec<IpRange>) -> Vec<IpRange> {
    ranges.sort();
    let mut out: Vec<IpRange> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if u64::from(r.start) <= u64::from(last.end) + 1 => {
                last.end = last.end.max(r.end);
            }
            _ => out.push(r),
        }
    }
    out
}

/// Which side of a pair is external.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum IpSide {
    Dst,
    Src,
}

/// Computes the diff from the first configuration (`conns1`, whose workloads are named
/// `peers1`) to the second. `peers*` name every workload of a configuration, also those
/// without connections: an added (removed) connection's endpoint is "new" ("lost") when it
/// is a workload absent from the other configuration.
pub fn diff(
    conns1: &[Connection],
    peers1: &[String],
    conns2: &[Connection],
    peers2: &[String],
) -> ConnDiff {
    // Common pieces of every external range in either list.
    let mut all_ranges = Vec::new();
    for c in conns1.iter().chain(conns2) {
        for name in [&c.src, &c.dst] {
            if let Some(r) = ranges_of(name) {
                all_ranges.extend(r);
            }
        }
    }
    let covered = merge(all_ranges.clone());
    let pieces: Vec<IpRange> = partition(&all_ranges)
        .into_iter()
        .filter(|p| covered.iter().any(|c| c.contains(p)))
        .collect();
    let first = refine(conns1, &pieces);
    let second = refine(conns2, &pieces);

    // Both sides of every pair, moved out of the maps.
    type Sides<'a> = (Option<Cow<'a, ConnSet>>, Option<Cow<'a, ConnSet>>);
    let mut both: Vec<(Key, Sides)> = Vec::with_capacity(first.len().max(second.len()));
    let mut second = second;
    for (key, c1) in first {
        let c2 = second.remove(&key);
        both.push((key, (Some(c1), c2)));
    }
    both.extend(second.into_iter().map(|(key, c2)| (key, (None, Some(c2)))));

    // Pairs, then external pieces merged per (other endpoint, side, conns1, conns2).
    let mut pairs: Vec<(Cow<str>, Cow<str>, Sides)> = Vec::with_capacity(both.len());
    type GroupKey<'a> = (IpSide, Cow<'a, str>, Option<String>, Option<String>);
    let mut groups: BTreeMap<GroupKey, (Vec<IpRange>, Sides)> = BTreeMap::new();
    for ((src, dst), (c1, c2)) in both {
        let (side, other, r) = match (ranges_of(&src), ranges_of(&dst)) {
            (_, Some(r)) => (IpSide::Dst, src, r),
            (Some(r), None) => (IpSide::Src, dst, r),
            (None, None) => {
                pairs.push((src, dst, (c1, c2)));
                continue;
            }
        };
        let gk = (
            side,
            other,
            c1.as_ref().map(|c| c.to_string()),
            c2.as_ref().map(|c| c.to_string()),
        );
        let g = groups.entry(gk).or_insert_with(|| (Vec::new(), (c1, c2)));
        g.0.extend(r);
    }
    for ((side, other, _, _), (ranges, sides)) in groups {
        for r in merge(ranges) {
            let ip = Cow::Owned(ip_name(&[r]));
            match side {
                IpSide::Dst => pairs.push((other.clone(), ip, sides.clone())),
                IpSide::Src => pairs.push((ip, other.clone(), sides.clone())),
            }
        }
    }

    let set1: BTreeSet<&str> = peers1.iter().map(String::as_str).collect();
    let set2: BTreeSet<&str> = peers2.iter().map(String::as_str).collect();
    let is_workload = |n: &str| n != INGRESS_CONTROLLER && ranges_of(n).is_none();
    let mut entries = Vec::with_capacity(pairs.len());
    for (src, dst, (c1, c2)) in pairs {
        let (kind, other_side) = match (&c1, &c2) {
            (Some(a), Some(b)) if a == b => (DiffKind::Unchanged, None),
            (Some(_), Some(_)) => (DiffKind::Changed, None),
            (Some(_), None) => (DiffKind::Removed, Some(&set2)),
            (None, Some(_)) => (DiffKind::Added, Some(&set1)),
            (None, None) => continue,
        };
        let new_or_lost =
            |n: &str| other_side.is_some_and(|set| is_workload(n) && !set.contains(n));
        entries.push(DiffEntry {
            kind,
            src_new_or_lost: new_or_lost(&src),
            dst_new_or_lost: new_or_lost(&dst),
            ref1: c1.map(Cow::into_owned).unwrap_or_default(),
            ref2: c2.map(Cow::into_owned).unwrap_or_default(),
            src: src.into_owned(),
            dst: dst.into_owned(),
        });
    }
    entries.sort_by(|a, b| (a.kind, &a.src, &a.dst).cmp(&(b.kind, &b.src, &b.dst)));
    ConnDiff { entries }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conns::Protocol;
    use crate::render::{DiffFormat, format_diff};

    fn conn(src: &str, dst: &str, conns: ConnSet) -> Connection {
        Connection {
            src: src.to_string(),
            dst: dst.to_string(),
            conns,
        }
    }

    fn tcp(port: u16) -> ConnSet {
        let mut s = ConnSet::none();
        s.add_range(Protocol::Tcp, port, port);
        s
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn changed_added_removed_and_unchanged() {
        let a = "ns/a[Deployment]";
        let b = "ns/b[Deployment]";
        let c = "ns/c[Deployment]";
        let old = vec![conn(a, b, tcp(80)), conn(b, a, tcp(53)), conn(a, c, tcp(1))];
        let new = vec![
            conn(a, b, tcp(8080)),
            conn(b, a, tcp(53)),
            conn(b, c, tcp(2)),
        ];
        let d = diff(&old, &names(&[a, b, c]), &new, &names(&[a, b, c]));
        let kinds: Vec<(DiffKind, &str, &str)> = d
            .entries
            .iter()
            .map(|e| (e.kind, e.src.as_str(), e.dst.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (DiffKind::Changed, a, b),
                (DiffKind::Added, b, c),
                (DiffKind::Removed, a, c),
                (DiffKind::Unchanged, b, a),
            ]
        );
        assert!(!d.is_empty());
        assert!(
            d.entries
                .iter()
                .all(|e| !e.src_new_or_lost && !e.dst_new_or_lost)
        );
        let txt = format_diff(&d, DiffFormat::Txt, ["ref1", "ref2"]);
        assert_eq!(
            txt,
            "Connectivity diff:\n\
             diff-type: changed, source: ns/a[Deployment], destination: ns/b[Deployment], ref1: TCP 80, ref2: TCP 8080\n\
             diff-type: added, source: ns/b[Deployment], destination: ns/c[Deployment], ref1: No Connections, ref2: TCP 2\n\
             diff-type: removed, source: ns/a[Deployment], destination: ns/c[Deployment], ref1: TCP 1, ref2: No Connections\n"
        );
    }

    #[test]
    fn identical_lists_have_an_empty_diff() {
        let a = "ns/a[Pod]";
        let b = "ns/b[Pod]";
        let l = vec![conn(a, b, ConnSet::all())];
        let d = diff(&l, &names(&[a, b]), &l, &names(&[a, b]));
        assert!(d.is_empty());
        assert_eq!(d.of_kind(DiffKind::Unchanged).count(), 1);
        assert_eq!(format_diff(&d, DiffFormat::Csv, ["dir1", "dir2"]), "");
    }

    #[test]
    fn new_and_lost_workloads() {
        let a = "ns/a[Pod]";
        let b = "ns/b[Pod]";
        let n = "ns/new[Pod]";
        let ext = "0.0.0.0-255.255.255.255[External]";
        let old = vec![conn(a, b, ConnSet::all())];
        let new = vec![conn(ext, n, ConnSet::all()), conn(n, a, tcp(1))];
        let d = diff(&old, &names(&[a, b]), &new, &names(&[a, n]));
        let added: Vec<&DiffEntry> = d.of_kind(DiffKind::Added).collect();
        assert_eq!(added.len(), 2);
        assert!(added.iter().all(|e| e.src != n || e.src_new_or_lost));
        assert!(added.iter().all(|e| e.dst != n || e.dst_new_or_lost));
        assert!(added.iter().all(|e| e.src != ext || !e.src_new_or_lost));
        let removed: Vec<&DiffEntry> = d.of_kind(DiffKind::Removed).collect();
        assert_eq!(removed.len(), 1);
        assert!(!removed[0].src_new_or_lost && removed[0].dst_new_or_lost);
        let md = format_diff(&d, DiffFormat::Md, ["ref1", "ref2"]);
        assert!(md.contains(
            "| removed | ns/a[Pod] | ns/b[Pod] | All Connections | No Connections | workload ns/b[Pod] removed |"
        ));
        assert!(md.contains(
            "| added | 0.0.0.0-255.255.255.255[External] | ns/new[Pod] | No Connections | All Connections | workload ns/new[Pod] added |"
        ));
    }

    #[test]
    fn external_ranges_are_refined_then_merged() {
        let w = "ns/w[Pod]";
        // First: everything from 0.0.0.0/0. Second: 10.0.0.0/8 only on TCP 80, the rest all.
        let old = vec![conn("0.0.0.0-255.255.255.255[External]", w, ConnSet::all())];
        let new = vec![
            conn("0.0.0.0-9.255.255.255[External]", w, ConnSet::all()),
            conn("10.0.0.0-10.255.255.255[External]", w, tcp(80)),
            conn("11.0.0.0-255.255.255.255[External]", w, ConnSet::all()),
        ];
        let d = diff(&old, &names(&[w]), &new, &names(&[w]));
        let lines: Vec<(DiffKind, &str)> =
            d.entries.iter().map(|e| (e.kind, e.src.as_str())).collect();
        assert_eq!(
            lines,
            [
                (DiffKind::Changed, "10.0.0.0-10.255.255.255[External]"),
                (DiffKind::Unchanged, "0.0.0.0-9.255.255.255[External]"),
                (DiffKind::Unchanged, "11.0.0.0-255.255.255.255[External]"),
            ]
        );
        // Touching pieces with the same connections merge back into one range.
        let newer = vec![
            conn("0.0.0.0-9.255.255.255[External]", w, tcp(1)),
            conn("10.0.0.0-255.255.255.255[External]", w, tcp(1)),
        ];
        let d = diff(&old, &names(&[w]), &newer, &names(&[w]));
        assert_eq!(d.entries.len(), 1);
        assert_eq!(d.entries[0].src, "0.0.0.0-255.255.255.255[External]");
        assert_eq!(d.entries[0].kind, DiffKind::Changed);
    }

    #[test]
    fn ingress_controller_lines_come_last() {
        let w = "ns/w[Deployment]";
        let z = "ns/a[Deployment]";
        let new = vec![conn(INGRESS_CONTROLLER, w, tcp(80)), conn(z, w, tcp(1))];
        let d = diff(&[], &names(&[w, z]), &new, &names(&[w, z]));
        let csv = format_diff(&d, DiffFormat::Csv, ["ref1", "ref2"]);
        let rows: Vec<&str> = csv.lines().collect();
        assert_eq!(
            rows[0],
            "diff-type,source,destination,ref1,ref2,workloads-diff-info"
        );
        assert!(rows[1].starts_with("added,ns/a[Deployment]"));
        assert!(rows[2].starts_with("added,{ingress-controller}"));
        assert!(!d.entries.iter().any(|e| e.src_new_or_lost));
    }
}
