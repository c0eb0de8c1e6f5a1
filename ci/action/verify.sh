#!/usr/bin/env bash
# Verifies a downloaded file against a checksum file: verify.sh FILE SUMS
# SUMS has lines "<sha256 hex>  <name>" (sha256sum's format, '*' before the
# name in binary mode allowed). The entry for FILE's base name must exist
# and match; anything else fails (exit 1), so nothing unverified is installed.
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: verify.sh FILE SUMS" >&2
  exit 2
fi
file=$1
sums=$2
name=$(basename -- "$file")

if [ ! -f "$file" ]; then
  echo "leakgate: $file: no such file" >&2
  exit 1
fi
if [ ! -f "$sums" ]; then
  echo "leakgate: $sums: no such checksum file" >&2
  exit 1
fi

# Exactly one well-formed entry for the name.
expected=$(awk -v n="$name" '
  { f = $2; sub(/^\*/, "", f) }
  f == n && NF == 2 && $1 ~ /^[0-9a-fA-F]+$/ && length($1) == 64 { print tolower($1); c++ }
  END { if (c != 1) exit 1 }' "$sums") || {
  echo "leakgate: $sums has no single SHA-256 entry for $name" >&2
  exit 1
}

if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum -- "$file" | awk '{ print tolower($1) }')
elif command -v shasum >/dev/null 2>&1; then
  actual=$(shasum -a 256 -- "$file" | awk '{ print tolower($1) }')
else
  echo "leakgate: neither sha256sum nor shasum is available to verify $name" >&2
  exit 1
fi

if [ "$actual" != "$expected" ]; then
  echo "leakgate: checksum mismatch for $name: expected $expected, got $actual" >&2
  exit 1
fi
echo "leakgate: $name: SHA-256 verified"
