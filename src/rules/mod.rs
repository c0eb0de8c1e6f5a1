//! Rule model, built-in rules, user config (placeholder).
