//! Per-ecosystem version ordering (placeholder until the versions work lands).

use crate::inventory::Ecosystem;
use std::cmp::Ordering;

/// Compares two versions of `ecosystem`; `None` when either does not parse.
pub fn compare(_ecosystem: Ecosystem, _a: &str, _b: &str) -> Option<Ordering> {
    None
}
