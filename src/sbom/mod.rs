//! SBOM writers and readers (placeholder).
