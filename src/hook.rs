//! Git hook installer (placeholder).
