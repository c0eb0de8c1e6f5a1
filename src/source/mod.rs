//! Where bytes come from: files, stdin, git (placeholder).
