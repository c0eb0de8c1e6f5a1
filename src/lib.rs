//! leakgate: stops secrets and vulnerable dependencies from reaching a
//! repository or a release.
//!
//! The library is the product; the `leakgate` binary is one thin client of
//! it. Data flow for secrets: a [`source`] yields blobs, the [`engine`] finds
//! rule matches (Aho-Corasick keyword prefilter → regex → entropy), [`allow`]
//! decides, and matches become [`finding::Finding`]s that the [`report`]ers
//! render; [`scanner::Scanner`] ties these together. For dependencies:
//! lockfiles become an [`inventory`] of packages, matched against OSV
//! advisories ([`vuln`]) into the same findings, or written out as SBOMs
//! ([`sbom`]).

pub mod allow;
pub mod engine;
pub mod escape;
pub mod finding;
pub mod git;
pub mod hook;
pub mod inventory;
pub mod policy;
pub mod report;
pub mod rules;
pub mod sbom;
pub mod scanner;
pub mod source;
pub mod vuln;

pub use finding::{Finding, FindingKind, Severity};
pub use report::Report;
