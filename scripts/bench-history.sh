#!/usr/bin/env bash
# Benchmarks leakgate on a git clone: history (HEAD and all refs), work tree
# and pre-commit (3 staged files in a throw-away copy of the index).
# Prints wall time, MB/s of unique blob content (history) and peak RSS
# (/usr/bin/time -v) for each.
#
# usage: scripts/bench-history.sh CLONE [LEAKGATE_BINARY]
set -euo pipefail
clone=${1:?usage: bench-history.sh CLONE [BINARY]}
bin=${2:-target/release/leakgate}
bin=$(realpath "$bin")
clone=$(realpath "$clone")
[ -x "$bin" ] || { echo "error: $bin is not executable" >&2; exit 2; }
[ -d "$clone/.git" ] || { echo "error: $clone is not a git clone" >&2; exit 2; }

# Unique blob bytes reachable from a selection of refs.
unique_bytes() {
  git -C "$clone" rev-list --objects "$@" \
    | cut -d' ' -f1 \
    | git -C "$clone" cat-file --batch-check='%(objecttype) %(objectsize)' \
    | awk '$1 == "blob" { s += $2 } END { printf "%d\n", s }'
}

# run LABEL BYTES CMD...: one timed run; exit 0 or 1 (findings) is success.
run() {
  local label=$1 bytes=$2; shift 2
  local log; log=$(mktemp)
  set +e
  /usr/bin/time -v "$@" >/dev/null 2>"$log"
  local rc=$?
  set -e
  if [ "$rc" -gt 1 ]; then
    echo "error: $label exited $rc" >&2; tail -5 "$log" >&2; rm -f "$log"; exit 2
  fi
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")
  if [ "$bytes" -gt 0 ]; then
    printf '%-22s %8.2f s  %8.1f MB/s  %6s MiB\n' "$label" "$wall" \
      "$(awk -v b="$bytes" -v w="$wall" 'BEGIN { print (w > 0 ? b / 1e6 / w : 0) }')" "$rss"
  else
    printf '%-22s %8.3f s  %13s  %6s MiB\n' "$label" "$wall" "-" "$rss"
  fi
  rm -f "$log"
}

cd "$clone"
head_bytes=$(unique_bytes HEAD)
all_bytes=$(unique_bytes --all)
echo "leakgate: $bin"
echo "clone:    $clone ($((head_bytes / 1000000)) MB unique at HEAD, $((all_bytes / 1000000)) MB all refs)"
printf '%-22s %10s  %13s  %10s\n' run wall throughput "peak RSS"
run "history HEAD" "$head_bytes" "$bin" scan --history -f json .
run "history all refs" "$all_bytes" "$bin" scan --history --all-refs -f json .
run "work tree" 0 "$bin" scan -f json .

# Pre-commit: three tracked files staged with a change, in a scratch index
# so the clone's own index is never touched (the changed blobs are written as
# loose objects into the clone; `git gc` removes them).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GIT_INDEX_FILE="$tmp/index"
git read-tree HEAD
mapfile -t files < <(git ls-files | grep -E '\.(rs|rb|toml|md)$' | head -3)
for f in "${files[@]}"; do
  { git show "HEAD:$f"; echo "# bench edit"; } | git hash-object -w --stdin > "$tmp/oid"
  git update-index --cacheinfo "100644,$(cat "$tmp/oid"),$f"
done
run "pre-commit (3 files)" 0 "$bin" scan --staged -f json .
