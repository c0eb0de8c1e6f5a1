//! Unit tests of the engine: secretGroup semantics, windows, filters.
