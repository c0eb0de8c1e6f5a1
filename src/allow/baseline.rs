//! Baselines: only new findings fail (placeholder).
