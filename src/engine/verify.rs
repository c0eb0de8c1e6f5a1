//! Verification of one candidate secret after its rule's regex matched:
//! entropy, the generic-rule digit convention and the placeholder filter.
//!
//! Kept apart from the matcher (`engine/mod.rs`) so that how candidates are
//! found and how a found candidate is judged evolve independently.

use super::{entropy, placeholder};
use crate::rules::Rule;

/// Entropy and placeholder checks; returns the entropy when the secret passes.
pub fn accept(rule: &Rule, secret: &[u8]) -> Option<f64> {
    let e = entropy::shannon(secret);
    if let Some(t) = rule.entropy {
        if e <= t {
            return None;
        }
        // gitleaks convention: a generic rule's secret must contain a
        // digit, which its regexes cannot require without lookahead.
        if rule.is_generic() && !secret.iter().any(u8::is_ascii_digit) {
            return None;
        }
    }
    if placeholder::is_placeholder(secret) {
        return None;
    }
    Some(e)
}
