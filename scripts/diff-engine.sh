#!/usr/bin/env bash
# Differential check of the matching engine: compares the engine's matches
# (rule, span, secret span, secret, line, column) with a slow reference
# per-rule regex scan on every file of DIR, the repository's fixtures, and
# blobs generated from every built-in rule (tests/engine_differential.rs).
#
# usage: scripts/diff-engine.sh [DIR] [--release]
#   DIR defaults to ../shared/corpus; --release builds the test optimized
#   (much faster on a large tree such as a clone of a big project).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-../shared/corpus}
[ -d "$dir" ] || { echo "error: $dir is not a directory" >&2; exit 2; }
profile=()
[ "${2:-}" = "--release" ] && profile=(--release)
LEAKGATE_DIFF_CORPUS=$(realpath "$dir") \
  cargo test "${profile[@]}" --test engine_differential -- --nocapture
