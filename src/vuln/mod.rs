//! Vulnerability database and matching (placeholder).

pub mod version;
