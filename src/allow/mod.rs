//! Allowlists, inline markers, ignore file, baselines (placeholder).
