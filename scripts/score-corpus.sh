#!/usr/bin/env bash
# Measures the built-in rules' accuracy on a labelled secret corpus.
#
#   scripts/score-corpus.sh [CORPUS_DIR] [-- extra score.py args]
#
# CORPUS_DIR defaults to ../shared/corpus (relative to the crate root) and must
# hold labels.jsonl and score.py. The corpus is scanned with the built-in
# rules (`--format jsonl --no-redact`), its answer key (labels.jsonl) is kept
# out of the scan with a path allowlist, each finding is reduced to the
# scorer's {"file","line","rule","secret"} shape with paths relative to the
# corpus, and score.py prints recall, precision and clean lines flagged.
#
# Set LEAKGATE=/path/to/leakgate to score a prebuilt binary; otherwise the
# crate is built (debug profile) and its binary used.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -gt 0 && "$1" != "--" ]]; then
    corpus="$1"
    shift
else
    corpus="$root/../shared/corpus"
fi
[[ "${1:-}" == "--" ]] && shift
if [[ ! -f "$corpus/labels.jsonl" || ! -f "$corpus/score.py" ]]; then
    echo "score-corpus: $corpus does not hold labels.jsonl and score.py" >&2
    exit 2
fi
corpus="$(cd "$corpus" && pwd)"

if [[ -z "${LEAKGATE:-}" ]]; then
    cargo build --quiet --manifest-path "$root/Cargo.toml" --bin leakgate
    target_dir="$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
    LEAKGATE="$target_dir/debug/leakgate"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Built-in rules plus one global allowlist: the labels file is the answer key.
cat >"$work/score.toml" <<'TOML'
[extend]
useDefault = true

[[allowlists]]
description = "the corpus answer key is not part of the corpus"
paths = ['''(?:^|/)labels\.jsonl$''']
TOML

status=0
(cd "$corpus" && "$LEAKGATE" scan . --no-ignore --config "$work/score.toml" \
    --format jsonl --no-redact >"$work/raw.jsonl") || status=$?
if [[ $status -gt 1 ]]; then
    echo "score-corpus: leakgate scan failed with exit code $status" >&2
    exit "$status"
fi

python3 - "$work/raw.jsonl" "$work/findings.jsonl" <<'PY'
import json, sys
src, dst = sys.argv[1], sys.argv[2]
n = 0
with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
    for line in f:
        line = line.strip()
        if not line:
            continue
        d = json.loads(line)
        loc = d.get("location", {})
        path = str(loc.get("path", ""))
        while path.startswith("./"):
            path = path[2:]
        rec = {"file": path, "line": int(loc.get("line", 0)), "rule": d.get("rule_id")}
        value = (d.get("secret") or {}).get("value")
        if value is not None:
            rec["secret"] = value
        out.write(json.dumps(rec) + "\n")
        n += 1
print(f"score-corpus: {n} findings", file=sys.stderr)
PY

if [[ -n "${SCORE_FINDINGS_OUT:-}" ]]; then
    cp "$work/findings.jsonl" "$SCORE_FINDINGS_OUT"
fi
if [[ $# -eq 0 ]]; then
    set -- --by-kind --show-misses 40
fi
python3 "$corpus/score.py" "$corpus/labels.jsonl" "$work/findings.jsonl" "$@"
