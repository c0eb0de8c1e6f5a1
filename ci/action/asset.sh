#!/usr/bin/env bash
# Prints the release asset name for a runner: asset.sh OS ARCH
# OS and ARCH as GitHub Actions spells them (RUNNER_OS: Linux, macOS,
# Windows; RUNNER_ARCH: X64, ARM64). The names are the ones the release
# workflow (.github/workflows/release.yml) uploads.
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: asset.sh OS ARCH (e.g. asset.sh Linux X64)" >&2
  exit 2
fi

case "$1/$2" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *)
    echo "leakgate: no release binary for runner OS '$1' and architecture '$2'" >&2
    exit 3
    ;;
esac

if [ "$1" = Windows ]; then
  echo "leakgate-$target.zip"
else
  echo "leakgate-$target.tar.gz"
fi
