#!/usr/bin/env bash
# Installs leakgate for the GitHub Action: a released binary for this
# runner's OS and architecture, verified against the release's SHA256SUMS,
# else `cargo install --locked` of this repository at the action's ref.
#
# Environment (set by action.yml):
#   LEAKGATE_VERSION  "" (the release named by the action's ref when it is a
#                     tag vX.Y.Z, else build from source), "latest", or X.Y.Z / vX.Y.Z
#   ACTION_REPOSITORY owner/name of this action (github.action_repository;
#                     empty for a local action, `uses: ./`, which is then built
#                     from the checked-out source it runs from)
#   ACTION_REF        the ref the action was used at (github.action_ref)
#   GITHUB_SERVER_URL, RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH
#   LEAKGATE_DOWNLOAD_BASE  optional: where releases are downloaded from
#                     (default $GITHUB_SERVER_URL/$ACTION_REPOSITORY/releases)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=${ACTION_REPOSITORY:-}
ref=${ACTION_REF:-}
server=${GITHUB_SERVER_URL:-https://github.com}
base=${LEAKGATE_DOWNLOAD_BASE:-$server/$repo/releases}
dest=${RUNNER_TEMP:-/tmp}/leakgate-bin
mkdir -p "$dest"

if [ -z "$repo" ] && [ -z "${LEAKGATE_VERSION:-}" ]; then
  # A local action (uses: ./): build exactly the source it runs from.
  src=$(cd "$here/../.." && pwd)
  echo "leakgate: building the local action's source ($src) with cargo install --locked"
  LEAKGATE_REPOSITORY_URL="${GITHUB_REPOSITORY:+$server/$GITHUB_REPOSITORY}" \
    cargo install --locked --path "$src" --root "$dest" leakgate
  echo "$dest/bin" >> "${GITHUB_PATH:-/dev/null}"
  "$dest/bin/leakgate" --version
  exit 0
fi
if [ -z "$repo" ]; then
  echo "leakgate: a local action cannot download release $LEAKGATE_VERSION: the repository is unknown" >&2
  exit 2
fi

version=${LEAKGATE_VERSION:-}
if [ -z "$version" ]; then
  case "$ref" in
    v[0-9]*.[0-9]*.[0-9]*) version=$ref ;;
  esac
fi
case "$version" in
  "") url="" ;;
  latest) url="$base/latest/download" ;;
  v*) url="$base/download/$version" ;;
  *) url="$base/download/v$version" ;;
esac

from_source() {
  echo "leakgate: building from source with cargo install --locked ($1)"
  if ! command -v cargo >/dev/null 2>&1; then
    echo "leakgate: cargo is not installed; add a Rust toolchain step or use a released version" >&2
    exit 2
  fi
  local at=()
  if [ -n "$ref" ]; then
    if [[ "$ref" =~ ^[0-9a-f]{40}$ ]]; then at=(--rev "$ref"); else at=(--branch "$ref"); fi
    case "$ref" in v[0-9]*) at=(--tag "$ref") ;; esac
  fi
  LEAKGATE_REPOSITORY_URL="$server/$repo" \
    cargo install --locked --git "$server/$repo" "${at[@]}" --root "$dest" leakgate
  echo "$dest/bin" >> "${GITHUB_PATH:-/dev/null}"
  "$dest/bin/leakgate" --version
}

if [ -z "$url" ]; then
  from_source "the action's ref '${ref:-default branch}' is not a release tag"
  exit 0
fi

asset=$("$here/asset.sh" "${RUNNER_OS:?}" "${RUNNER_ARCH:?}") || {
  from_source "no release binary for this runner"
  exit 0
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! curl --fail --silent --show-error --location --retry 3 -o "$work/$asset" "$url/$asset" \
   || ! curl --fail --silent --show-error --location --retry 3 -o "$work/SHA256SUMS" "$url/SHA256SUMS"; then
  from_source "downloading $asset from $url failed"
  exit 0
fi
# A binary that fails verification is never installed, and never replaced
# by a build: a mismatch is an error.
"$here/verify.sh" "$work/$asset" "$work/SHA256SUMS"
case "$asset" in
  *.zip) (cd "$work" && unzip -q "$asset") ;;
  *) tar -xzf "$work/$asset" -C "$work" ;;
esac
bin=$(find "$work" -type f \( -name leakgate -o -name leakgate.exe \) | head -n 1)
if [ -z "$bin" ]; then
  echo "leakgate: $asset holds no leakgate binary" >&2
  exit 2
fi
mkdir -p "$dest/bin"
install -m 0755 "$bin" "$dest/bin/"
echo "$dest/bin" >> "${GITHUB_PATH:-/dev/null}"
"$dest/bin/$(basename "$bin")" --version
