//! Check templates and built-in checks.
