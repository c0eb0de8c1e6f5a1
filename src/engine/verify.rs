//! Verification of one candidate secret after its rule's regex matched:
//! checksum, entropy, the generic-rule digit convention and the placeholder
//! policy, ending in the finding's [`Confidence`].
//!
//! Kept apart from the matcher (`engine/mod.rs`) so that how candidates are
//! found and how a found candidate is judged evolve independently.
//!
//! The policy, by rule:
//! - **User rules** (from a config file) follow gitleaks: only their own
//!   `entropy` (and the generic-id digit convention) apply here; their
//!   allowlists and stopwords apply later, in the scanner.
//! - **Checksummed formats**: a valid checksum is a high-confidence finding
//!   whatever the body looks like; an invalid one is no finding of the rule.
//! - **Provider rules** (distinctive formats, confidence medium, and
//!   provider-keyed ones, which may declare `confidence = "low"`): dropped
//!   only for an explicit documentation marker
//!   ([`placeholder::has_doc_marker`]); provider-keyed rules declared
//!   `low` also for a run of filler ([`placeholder::has_filler_run`]).
//! - **Generic rules** (confidence low): the full placeholder filter
//!   ([`placeholder::is_placeholder`]), since their values have no format.

use super::{entropy, placeholder};
use crate::rules::{Confidence, Rule, RuleSource};

/// What verification concluded about an accepted secret.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    /// Shannon entropy of the secret, bits per byte.
    pub entropy: f64,
    /// How sure the finding is.
    pub confidence: Confidence,
}

/// Checks one candidate; `None` when it is not a finding of `rule`.
pub fn accept(rule: &Rule, secret: &[u8]) -> Option<Verdict> {
    let e = entropy::shannon(secret);
    if let Some(scheme) = rule.checksum {
        return scheme.is_valid(secret).then_some(Verdict {
            entropy: e,
            confidence: Confidence::High,
        });
    }
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
    let dropped = match rule.source {
        RuleSource::User => false,
        RuleSource::Builtin if rule.is_generic() => placeholder::is_placeholder(secret),
        // Context-keyed provider rules (declared low) also drop filler runs.
        RuleSource::Builtin if rule.confidence() == Confidence::Low => {
            placeholder::has_doc_marker(secret) || placeholder::has_filler_run(secret)
        }
        RuleSource::Builtin => placeholder::has_doc_marker(secret),
    };
    (!dropped).then_some(Verdict {
        entropy: e,
        confidence: rule.confidence(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checksum::{crc32_base62_token, Checksum};

    fn rule(id: &str) -> Rule {
        let mut r = Rule::new(id);
        r.regex_source = Some("x".into());
        r
    }

    #[test]
    fn user_rules_skip_the_placeholder_filter() {
        let mut r = rule("acme");
        r.source = RuleSource::User;
        let v = accept(&r, b"acme_0123456789abcdef0123456789abcdef");
        assert_eq!(v.map(|v| v.confidence), Some(Confidence::Medium));
        // Their own entropy still applies.
        r.entropy = Some(3.0);
        assert_eq!(accept(&r, b"aaaabbbb"), None);
    }

    #[test]
    fn distinctive_formats_drop_only_doc_markers() {
        let r = rule("acme");
        assert!(accept(&r, b"acme_0123456789abcdef0123456789abcdef").is_some());
        assert_eq!(accept(&r, b"acme_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), None);
        assert_eq!(accept(&r, b"acme_EXAMPLE0123"), None);
    }

    #[test]
    fn generic_rules_keep_the_full_filter() {
        let g = rule("generic-api-key");
        assert_eq!(accept(&g, b"0123456789abcdef"), None);
        let v = accept(&g, b"Qz8rT4mW1vXk9pLs");
        assert_eq!(v.map(|v| v.confidence), Some(Confidence::Low));
        // A provider-keyed rule declared low keeps the lighter filter.
        let mut c = rule("acme-secret");
        c.confidence_set = Some(Confidence::Low);
        let v = accept(&c, b"0123457Qz8rT4mW1");
        assert_eq!(v.map(|v| v.confidence), Some(Confidence::Low));
        assert_eq!(accept(&c, b"0123456789abcdef"), None);
        assert_eq!(accept(&c, b"<acme-secret>"), None);
    }

    #[test]
    fn checksums_decide() {
        let mut r = rule("github-pat");
        r.checksum = Some(Checksum::Crc32Base62);
        let ok = crc32_base62_token("ghp_", "abcdefghijklmnopqrstuvwxyz0123");
        let v = accept(&r, ok.as_bytes());
        assert_eq!(v.map(|v| v.confidence), Some(Confidence::High));
        assert_eq!(
            accept(&r, b"ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            None
        );
    }
}
