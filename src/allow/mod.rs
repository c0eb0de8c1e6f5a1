//! Allowlists, inline markers, ignore file, baselines (placeholder).

pub mod baseline;
