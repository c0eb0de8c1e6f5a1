//! Unit tests of the scanner facade.
