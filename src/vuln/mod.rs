//! Offline vulnerability matching against OSV advisories.
//!
//! Data flow: [`db::Database::load`] reads OSV records from directories and
//! zips ([`source`], [`osv`]) into validated [`advisory::Advisory`]s indexed
//! by (ecosystem, normalised name) ([`names`]); [`check::check`] evaluates
//! each inventory package against its advisories per OSV's rules
//! ([`matcher`], with per-ecosystem ordering from [`version`]), groups
//! advisories that alias each other, scores them ([`severity`]), applies the
//! expiring ignores of `.leakgate.toml` ([`ignore`]) and turns what is left
//! into [`crate::Finding`]s. [`update`] is the only code that touches the
//! network (`leakgate db update`).

pub mod advisory;
pub mod check;
pub mod db;
pub mod findings;
pub mod fix;
pub mod ignore;
pub mod license;
pub mod matcher;
pub mod names;
pub mod osv;
pub mod paths;
pub mod severity;
pub mod source;
pub mod triage;
pub mod update;
pub mod version;

pub use check::{check, CheckOptions, CheckResult, FailOn, VulnMatch};
pub use db::{Database, DbError};
