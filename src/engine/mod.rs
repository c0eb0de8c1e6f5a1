//! Matching engine: keyword prefilter, regex, entropy (placeholder).
