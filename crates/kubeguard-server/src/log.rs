//! Structured logs: one JSON object per line on standard error, with `time` (RFC 3339, UTC,
//! milliseconds), `level` and `msg`, then the event's own fields.

use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

/// Log levels, least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Every request, allowed ones included.
    Debug,
    /// Decisions that are not a plain allow, reloads, start and stop.
    Info,
    /// Break-glass use, refused reloads, timeouts.
    Warn,
    /// Failures.
    Error,
}

impl Level {
    /// The name in the log line.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }

    /// Parses `debug`, `info`, `warn` or `error`.
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "debug" => Some(Level::Debug),
            "info" => Some(Level::Info),
            "warn" => Some(Level::Warn),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
}

/// Writes log lines at or above a level.
#[derive(Debug, Clone, Copy)]
pub struct Logger {
    /// The least severe level written.
    pub level: Level,
}

impl Logger {
    /// Whether `level` is written.
    pub fn enabled(&self, level: Level) -> bool {
        level >= self.level
    }

    /// Writes one event.
    pub fn log(&self, level: Level, msg: &str, fields: Map<String, Value>) {
        if !self.enabled(level) {
            return;
        }
        let line = line(level, msg, fields, SystemTime::now());
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
    }
}

/// The text of one log line (with its newline).
fn line(level: Level, msg: &str, fields: Map<String, Value>, now: SystemTime) -> String {
    let mut obj = Map::with_capacity(fields.len() + 3);
    obj.insert("time".into(), Value::String(rfc3339(now)));
    obj.insert("level".into(), Value::String(level.as_str().into()));
    obj.insert("msg".into(), Value::String(msg.into()));
    for (k, v) in fields {
        obj.entry(k).or_insert(v);
    }
    let mut s = Value::Object(obj).to_string();
    s.push('\n');
    s
}

/// `2026-01-02T03:04:05.678Z`.
fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let days = (secs / 86_400) as i64;
    let (year, month, day) = kubeguard_engine::civil_from_days(days);
    let s = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        s / 3600,
        s / 60 % 60,
        s % 60,
        d.subsec_millis()
    )
}

/// Builds the fields of an event: `fields!{"uid" => uid, "allowed" => true}`.
#[macro_export]
macro_rules! fields {
    ($($k:expr => $v:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut m = serde_json::Map::new();
        $( m.insert($k.to_string(), serde_json::json!($v)); )*
        m
    }};
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn lines_are_json_with_time_level_and_message() {
        let t = UNIX_EPOCH + Duration::from_millis(1_704_067_200_123);
        let l = line(
            Level::Warn,
            "break-glass",
            crate::fields! {"uid" => "u1", "msg" => "not overridden"},
            t,
        );
        assert!(l.ends_with('\n'));
        let v: Value = serde_json::from_str(&l).expect("json");
        assert_eq!(v["time"], "2024-01-01T00:00:00.123Z");
        assert_eq!(v["level"], "warn");
        assert_eq!(v["msg"], "break-glass");
        assert_eq!(v["uid"], "u1");
    }

    #[test]
    fn levels_filter() {
        let l = Logger { level: Level::Info };
        assert!(!l.enabled(Level::Debug));
        assert!(l.enabled(Level::Warn));
        assert_eq!(Level::parse("warn"), Some(Level::Warn));
        assert_eq!(Level::parse("loud"), None);
    }
}
