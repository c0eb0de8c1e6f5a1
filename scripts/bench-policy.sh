#!/usr/bin/env bash
# Times `leakgate policy` on a tree of ~2,000 infrastructure and workflow files.
#
# usage: scripts/bench-policy.sh [CORPUS_DIR] [TREE_DIR] [FILES]
#   CORPUS_DIR  clones of public IaC repositories (default /work/corpora/iac):
#               Terraform modules, CloudFormation templates, Kubernetes
#               manifests, projects with many GitHub workflows
#   TREE_DIR    where the benchmark tree is built (default /tmp/leakgate-policy-bench)
#   FILES       how many files to put in it (default 2000)
#   LEAKGATE    binary to time (default: the release build of this checkout)
#
# The tree holds only files `leakgate policy` checks (candidates are picked
# by name from every repository in a fixed pseudo-random order, and kept when
# `leakgate policy FILE` parses and checks them: no unrendered templates, no
# plain JSON/YAML data), so the figure is for FILES files actually checked.
# Prints files checked, findings, the median wall time of 5 runs and the
# peak RSS, all from /usr/bin/time -v.
set -euo pipefail

corpus=${1:-/work/corpora/iac}
tree=${2:-/tmp/leakgate-policy-bench}
want=${3:-2000}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${LEAKGATE:-${CARGO_TARGET_DIR:-$root/target}/release/leakgate}

if [ ! -x "$bin" ]; then
  (cd "$root" && cargo build --release --quiet)
fi
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }

if [ ! -f "$tree/.complete" ] || [ "$(cat "$tree/.complete")" != "$want" ]; then
  rm -rf "$tree"
  mkdir -p "$tree"
  n=0
  while IFS= read -r f && [ "$n" -lt "$want" ]; do
    # (exit 1 = findings: still checked; the output says whether it was)
    one=$("$bin" policy "$corpus/$f" --no-ignore -f json 2>/dev/null || true)
    if printf '%s' "$one" | grep -q '"policy_files_checked": 1'; then
      mkdir -p "$tree/$(dirname "$f")"
      cp "$corpus/$f" "$tree/$f"
      n=$((n + 1))
    fi
  done < <(cd "$corpus" && find . -type f \( -name '*.tf' -o -name '*.yml' -o -name '*.yaml' \
             -o -name '*.json' -o -name '*.template' \) -not -path '*/.git/*' |
           sed 's|^\./||' | sort | sort -R --random-source=<(yes))
  echo "$want" > "$tree/.complete"
fi

files=$(find "$tree" -type f -not -name .complete | wc -l)
stats=$("$bin" policy "$tree" --no-ignore -f json 2>/dev/null || true)
checked=$(printf '%s' "$stats" | grep -o '"policy_files_checked": [0-9]*' | grep -o '[0-9]*$')
findings=$(printf '%s' "$stats" | grep -c '"rule_id"' || true)

walls=()
rss=0
for _ in 1 2 3 4 5; do
  out=$(/usr/bin/time -v "$bin" policy "$tree" --no-ignore -f json --report /dev/null 2>&1 >/dev/null || true)
  w=$(printf '%s\n' "$out" | sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p')
  r=$(printf '%s\n' "$out" | sed -n 's/.*Maximum resident set size (kbytes): //p')
  walls+=("$w")
  if [ "$r" -gt "$rss" ]; then rss=$r; fi
done
median=$(printf '%s\n' "${walls[@]}" | sort | sed -n 3p)
echo "binary:    $bin"
echo "tree:      $tree ($files files, ${checked:-0} checked as policy input)"
echo "findings:  $findings"
echo "wall:      median of 5 = $median (m:ss; runs: ${walls[*]})"
echo "peak RSS:  $rss KB"
