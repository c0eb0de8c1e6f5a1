#!/usr/bin/env bash
# Benchmarks leakgate on a git clone: history (HEAD and all refs), work tree
# and pre-commit (3 staged files in a throw-away copy of the index).
# History runs use --no-cache (full audits; ONLY=reaudit times the cache).
# Prints wall time, MB/s of unique blob content (history) and peak RSS
# (/usr/bin/time -v) for each.
#
# The pre-commit run is repeated PRECOMMIT_RUNS times (default 25) and its
# median wall time reported (process start included).
#
# usage: scripts/bench-history.sh CLONE [LEAKGATE_BINARY]
#   ONLY="work precommit" limits the runs (history-head history-all work reaudit precommit).
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
only=${ONLY:-history-head history-all work reaudit precommit}
want() { [[ " $only " == *" $1 "* ]]; }
want history-head && run "history HEAD" "$head_bytes" "$bin" scan --history --no-cache -f json .
want history-all && run "history all refs" "$all_bytes" "$bin" scan --history --all-refs --no-cache -f json .
want work && run "work tree" 0 "$bin" scan -f json .
if want reaudit; then
  # Re-audit: a first `--history --all-refs` fills a throw-away cache in a
  # scratch clone that borrows the clone's objects; then REAUDIT_RUNS times
  # (default 5) one new commit is added and the audit timed again (median).
  ra=$(mktemp -d)
  git clone -q --shared "$clone" "$ra/r"
  (
    cd "$ra/r"
    export LEAKGATE_CACHE_DIR="$ra/cache"
    set +e; "$bin" scan --history --all-refs -f json . >/dev/null 2>&1; rc=$?; set -e
    [ "$rc" -le 1 ] || { echo "error: first audit exited $rc" >&2; exit 2; }
    runs=${REAUDIT_RUNS:-5}
    for i in $(seq "$runs"); do
      echo "bench re-audit $i" >> bench-reaudit.txt
      git add bench-reaudit.txt
      git -c user.name=bench -c user.email=bench@example.invalid commit -q -m "bench re-audit $i"
      s=$(date +%s%N)
      set +e; "$bin" scan --history --all-refs -f json . >/dev/null 2>&1; rc=$?; set -e
      e=$(date +%s%N)
      [ "$rc" -le 1 ] || { echo "error: re-audit exited $rc" >&2; exit 2; }
      echo $(( (e - s) / 1000 ))
    done | sort -n | awk -v n="${REAUDIT_RUNS:-5}" '{ v[NR] = $1 } END { printf "%-22s %8.1f ms median of %d (min %.1f, max %.1f)\n", "re-audit (1 commit)", v[int((n + 1) / 2)] / 1000, n, v[1] / 1000, v[n] / 1000 }'
  )
  rm -rf "$ra"
fi
want precommit || exit 0

# Pre-commit: three tracked files staged with a change, in a scratch clone
# that borrows the clone's objects (`git clone --shared`), so the clone
# itself is never written to.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone -q --shared "$clone" "$tmp/pc"
cd "$tmp/pc"
mapfile -t files < <(git ls-files | grep -E '\.(rs|rb|toml|md)$' | head -3)
for f in "${files[@]}"; do
  echo "# bench edit" >> "$f"
done
git add -- "${files[@]}"
run "pre-commit (3 files)" 0 "$bin" scan --staged -f json .
runs=${PRECOMMIT_RUNS:-25}
for _ in $(seq "$runs"); do
  s=$(date +%s%N)
  set +e; "$bin" scan --staged -f json . >/dev/null 2>&1; rc=$?; set -e
  e=$(date +%s%N)
  [ "$rc" -le 1 ] || { echo "error: pre-commit exited $rc" >&2; exit 2; }
  echo $(( (e - s) / 1000 ))
done | sort -n | awk -v n="$runs" '{ v[NR] = $1 } END { printf "%-22s %8.1f ms median of %d (min %.1f, max %.1f)\n", "pre-commit (3 files)", v[int((n + 1) / 2)] / 1000, n, v[1] / 1000, v[n] / 1000 }' 
