//! Policy levels and policy versions, parsed and printed as Pod Security Admission writes them
//! (`privileged`/`baseline`/`restricted`, `latest`/`v1.N`).

use std::fmt;
use std::str::FromStr;

/// The newest policy version any check has a revision for: what `latest`, and every version
/// above it, evaluate as (upstream clamps to its registry's newest check revision).
pub const NEWEST_MINOR: u32 = 37;

/// A Pod Security Standards level, from least to most strict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Level {
    /// Unrestricted: nothing is checked (the default, as upstream's).
    #[default]
    Privileged,
    /// Prevents known privilege escalations.
    Baseline,
    /// Hardened: Baseline plus current pod hardening practice.
    Restricted,
}

impl Level {
    /// All levels, least strict first.
    pub const ALL: [Level; 3] = [Level::Privileged, Level::Baseline, Level::Restricted];

    /// The level's name as used in labels and configuration (`baseline`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a level or version text was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not one of the three level names (names are case-sensitive, as upstream).
    #[error("invalid level {0:?}: must be one of privileged, baseline, restricted")]
    Level(String),
    /// Not `latest` or `v1.N` (no other major, no leading zeros, no patch part).
    #[error("invalid version {0:?}: must be \"latest\" or \"v1.x\"")]
    Version(String),
}

impl FromStr for Level {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Level, ParseError> {
        match s {
            "privileged" => Ok(Level::Privileged),
            "baseline" => Ok(Level::Baseline),
            "restricted" => Ok(Level::Restricted),
            _ => Err(ParseError::Level(s.to_string())),
        }
    }
}

/// A policy version: `latest`, or the minor number of `v1.N`.
///
/// Versions newer than [`NEWEST_MINOR`] are accepted and evaluate as the newest one, exactly as
/// upstream accepts `v1.99` and evaluates it with its newest check revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Version {
    /// The newest policy (the default, as upstream's).
    #[default]
    Latest,
    /// `v1.N`, holding `N`.
    V(u32),
}

impl Version {
    /// The minor version the checks are evaluated at: `latest` and anything newer than
    /// [`NEWEST_MINOR`] become [`NEWEST_MINOR`].
    pub fn minor(self) -> u32 {
        match self {
            Version::Latest => NEWEST_MINOR,
            Version::V(n) => n.min(NEWEST_MINOR),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Latest => f.write_str("latest"),
            Version::V(n) => write!(f, "v1.{n}"),
        }
    }
}

impl FromStr for Version {
    type Err = ParseError;

    /// Accepts exactly what upstream's `^v1\.([0-9]|[1-9][0-9]*)$` (or `latest`) accepts.
    fn from_str(s: &str) -> Result<Version, ParseError> {
        if s == "latest" {
            return Ok(Version::Latest);
        }
        let err = || ParseError::Version(s.to_string());
        let digits = s.strip_prefix("v1.").ok_or_else(err)?;
        let well_formed = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        if !well_formed {
            return Err(err());
        }
        // Upstream converts with Atoi (64-bit): larger numbers are errors there too.
        let n: i64 = digits.parse().map_err(|_| err())?;
        Ok(Version::V(u32::try_from(n).unwrap_or(u32::MAX)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_round_trip_and_order() {
        for l in Level::ALL {
            assert_eq!(l.as_str().parse::<Level>(), Ok(l));
            assert_eq!(l.to_string(), l.as_str());
        }
        assert!(Level::Privileged < Level::Baseline && Level::Baseline < Level::Restricted);
        assert!("Baseline".parse::<Level>().is_err());
        assert!("".parse::<Level>().is_err());
    }

    #[test]
    fn versions_parse_like_upstream() {
        assert_eq!("latest".parse(), Ok(Version::Latest));
        assert_eq!("v1.0".parse(), Ok(Version::V(0)));
        assert_eq!("v1.25".parse(), Ok(Version::V(25)));
        assert_eq!("v1.999".parse(), Ok(Version::V(999)));
        for bad in [
            "", "1.25", "v1", "v1.", "v2.0", "v0.1", "v1.025", "v1.00", "v1.25.0", "V1.25",
            "Latest", " v1.2", "v1.-1", "v1.+1", "v1.2a",
        ] {
            assert!(
                bad.parse::<Version>().is_err(),
                "{bad:?} should be rejected"
            );
        }
        // Larger than Go's int64: an error upstream too.
        assert!("v1.99999999999999999999".parse::<Version>().is_err());
        assert_eq!("v1.9999999999".parse::<Version>(), Ok(Version::V(u32::MAX)));
    }

    #[test]
    fn versions_display_and_clamp() {
        assert_eq!(Version::Latest.to_string(), "latest");
        assert_eq!(Version::V(30).to_string(), "v1.30");
        assert_eq!(Version::Latest.minor(), NEWEST_MINOR);
        assert_eq!(Version::V(99).minor(), NEWEST_MINOR);
        assert_eq!(Version::V(3).minor(), 3);
        assert_eq!(Version::default(), Version::Latest);
    }
}
