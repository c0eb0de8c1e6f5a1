#!/usr/bin/env bash
# Prints the leakgate command line (one argument per line) for the action's
# inputs: command.sh MODE [FAIL_ON] [SARIF_FILE]
#   MODE       staged | range | history | deps | sbom | policy | dir
#   FAIL_ON    severity threshold (--fail-on); not for sbom
#   SARIF_FILE write a SARIF report there; not for sbom, which writes a
#              CycloneDX SBOM to $LEAKGATE_SBOM_FILE (default leakgate.cdx.json)
# For `range`, range.sh computes the commits from the event payload.
set -euo pipefail

mode=${1:-}
fail_on=${2:-}
sarif=${3:-}
here=$(cd "$(dirname "$0")" && pwd)

case "$mode" in
  staged) set -- scan --staged ;;
  range)
    r=$("$here/range.sh")
    if [ -z "$r" ]; then
      echo "leakgate: nothing to scan (the branch was deleted)" >&2
      exit 0
    fi
    # shellcheck disable=SC2086 # "--range A..B" / "--history": two words or one
    set -- scan $r
    ;;
  history) set -- scan --history ;;
  dir) set -- scan . ;;
  deps) set -- deps . ;;
  policy) set -- policy . ;;
  sbom) set -- sbom . --format cyclonedx-json --output "${LEAKGATE_SBOM_FILE:-leakgate.cdx.json}" ;;
  *)
    echo "leakgate: unknown mode '$mode' (staged, range, history, deps, sbom, policy, dir)" >&2
    exit 2
    ;;
esac

if [ -n "$fail_on" ]; then
  case "$mode" in
    sbom)
      echo "leakgate: fail-on does not apply to mode '$mode'" >&2
      exit 2
      ;;
  esac
  set -- "$@" --fail-on "$fail_on"
fi
if [ -n "$sarif" ]; then
  if [ "$mode" = sbom ]; then
    echo "leakgate: an SBOM is not a SARIF report; unset sarif for mode 'sbom'" >&2
    exit 2
  fi
  set -- "$@" --format sarif --output "$sarif"
fi
printf '%s\n' "$@"
