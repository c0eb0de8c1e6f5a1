//! The high-level secret scanner facade (placeholder).
