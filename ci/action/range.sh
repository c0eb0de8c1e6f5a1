#!/usr/bin/env bash
# Prints the `leakgate scan` arguments for the commits an event brings:
#   range.sh [EVENT_NAME [EVENT_JSON]]   (default: $GITHUB_EVENT_NAME, $GITHUB_EVENT_PATH)
# Run inside the checked-out repository (checkout with fetch-depth: 0).
#
#   pull_request, pull_request_target  --range BASE..HEAD   (the PR's commits)
#   push                               --range BEFORE..AFTER (the pushed commits)
#     first push of a branch / before unknown  --range origin/DEFAULT..AFTER when the
#                                              default branch is known locally, else --history
#     a deleted branch                 nothing (prints nothing)
#   anything else (schedule, workflow_dispatch, ...)  --history
#
# A commit the payload names but the clone lacks is fetched once by id.
set -euo pipefail

event=${1:-${GITHUB_EVENT_NAME:-}}
payload=${2:-${GITHUB_EVENT_PATH:-}}
zero=0000000000000000000000000000000000000000

if [ -z "$event" ]; then
  echo "leakgate: no event name (GITHUB_EVENT_NAME)" >&2
  exit 2
fi

# Reads a field of the payload ("" when absent or null).
field() {
  if [ -z "$payload" ] || [ ! -f "$payload" ]; then
    echo "leakgate: event payload '$payload' not found" >&2
    exit 2
  fi
  if command -v jq >/dev/null 2>&1; then
    jq -r "$1 // empty" "$payload"
  else
    python3 - "$payload" "$1" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for key in sys.argv[2].lstrip(".").split("."):
    doc = doc.get(key) if isinstance(doc, dict) else None
print("" if doc is None else (str(doc).lower() if isinstance(doc, bool) else doc))
PY
  fi
}

# True when the commit exists locally, fetching it by id once if not.
have() {
  git cat-file -e "$1^{commit}" 2>/dev/null && return 0
  git fetch --no-tags --quiet origin "$1" >/dev/null 2>&1 || true
  git cat-file -e "$1^{commit}" 2>/dev/null
}

sha() {
  case "$1" in
    *[!0-9a-f]* | "") return 1 ;;
  esac
  [ "${#1}" -ge 40 ]
}

case "$event" in
  pull_request | pull_request_target)
    base=$(field .pull_request.base.sha)
    head=$(field .pull_request.head.sha)
    if ! sha "$base" || ! sha "$head"; then
      echo "leakgate: the $event payload has no pull_request.base.sha / head.sha" >&2
      exit 2
    fi
    for c in "$base" "$head"; do
      have "$c" || { echo "leakgate: commit $c is not in the clone (checkout with fetch-depth: 0)" >&2; exit 2; }
    done
    echo "--range $base..$head"
    ;;
  push)
    if [ "$(field .deleted)" = "true" ]; then
      exit 0
    fi
    before=$(field .before)
    after=$(field .after)
    if ! sha "$after"; then
      echo "leakgate: the push payload has no 'after' commit" >&2
      exit 2
    fi
    have "$after" || { echo "leakgate: commit $after is not in the clone" >&2; exit 2; }
    if sha "$before" && [ "$before" != "$zero" ] && have "$before"; then
      echo "--range $before..$after"
      exit 0
    fi
    default=$(field .repository.default_branch)
    ref=$(field .ref)
    if [ -n "$default" ] && [ "$ref" != "refs/heads/$default" ] \
       && git rev-parse --verify --quiet "refs/remotes/origin/$default^{commit}" >/dev/null; then
      echo "--range origin/$default..$after"
    else
      echo "--history"
    fi
    ;;
  *)
    echo "--history"
    ;;
esac
