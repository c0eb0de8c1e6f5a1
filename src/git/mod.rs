//! git2 helpers (placeholder).
