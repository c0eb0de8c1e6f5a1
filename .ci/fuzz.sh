#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time each.
#
#   .ci/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to $FUZZ_SECONDS, else 20. FUZZ_SEED fixes
# libFuzzer's seed (CI uses one, so a run can be repeated; 0 = random). With no TARGET,
# every target in fuzz/Cargo.toml runs. cargo-fuzz is installed when
# missing; the stable toolchain is used with RUSTC_BOOTSTRAP=1 (cargo-fuzz
# needs `-Z` flags). Each target's corpus is seeded from tests/fixtures and
# from fuzz/regressions/<target>/ (every past crash, replayed first). Exit
# status: 0 when no target crashed, 1 otherwise (the crashing input is under
# fuzz/artifacts/<target>/).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-${FUZZ_SECONDS:-20}}
shift || true
case $seconds in
  ''|*[!0-9]*) echo "fuzz.sh: SECONDS_PER_TARGET must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^leakgate-fuzz$')
fi

# seed TARGET FILE...: copies fixtures into the target's corpus.
seed() {
  local target=$1
  shift
  mkdir -p "fuzz/corpus/$target"
  local f
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "fuzz/corpus/$target/seed-$(echo "$f" | tr '/' '_')"
  done
  return 0
}

shopt -s nullglob globstar
fx=tests/fixtures
for t in "${targets[@]}"; do
  case $t in
    cargo_lock) seed "$t" $fx/lockfiles/cargo/*/Cargo.lock ;;
    package_lock) seed "$t" $fx/lockfiles/npm/*/*.json ;;
    yarn_lock) seed "$t" $fx/lockfiles/yarn/*/yarn.lock ;;
    pnpm_lock) seed "$t" $fx/lockfiles/pnpm/*/pnpm-lock.yaml ;;
    poetry_lock) seed "$t" $fx/lockfiles/poetry/*/poetry.lock ;;
    pipfile_lock) seed "$t" $fx/lockfiles/pipfile/Pipfile.lock ;;
    uv_lock) seed "$t" $fx/lockfiles/uv/uv.lock ;;
    requirements) seed "$t" $fx/lockfiles/requirements-txt/**/*.txt ;;
    go_mod) seed "$t" $fx/lockfiles/gomod/go.mod ;;
    gemfile_lock) seed "$t" $fx/lockfiles/gemfile/Gemfile.lock ;;
    composer_lock) seed "$t" $fx/lockfiles/composer/composer.lock ;;
    gradle_lockfile) seed "$t" $fx/lockfiles/gradle/gradle.lockfile ;;
    nuget_lock) seed "$t" $fx/lockfiles/nuget/packages.lock.json ;;
    osv_record) seed "$t" $fx/osv/**/*.json $fx/osv/**/*.yaml ;;
    rules_config) seed "$t" rules/*.toml $fx/scan/*.toml ;;
    sbom_read) seed "$t" $fx/sbom/**/*.json ;;
    *) mkdir -p "fuzz/corpus/$t" ;;
  esac
  if [ -d "fuzz/regressions/$t" ]; then
    cp fuzz/regressions/$t/* "fuzz/corpus/$t/" 2>/dev/null || true
  fi
done

failed=()
total=0
for t in "${targets[@]}"; do
  echo "== fuzz $t for ${seconds}s"
  start=$(date +%s)
  if ! (cd fuzz && cargo fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -seed="${FUZZ_SEED:-0}" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 2>&1 \
        | tail -n 25); then
    failed+=("$t")
  fi
  # `tail` hides cargo-fuzz's status: a crash leaves an artifact behind.
  if compgen -G "fuzz/artifacts/$t/crash-*" >/dev/null || compgen -G "fuzz/artifacts/$t/oom-*" >/dev/null \
     || compgen -G "fuzz/artifacts/$t/timeout-*" >/dev/null; then
    case " ${failed[*]-} " in *" $t "*) ;; *) failed+=("$t") ;; esac
  fi
  total=$((total + $(date +%s) - start))
done

echo "fuzzed ${#targets[@]} target(s), ${total}s in total"
if [ ${#failed[@]} -gt 0 ]; then
  echo "crashed: ${failed[*]} (inputs under $root/fuzz/artifacts/)" >&2
  exit 1
fi
