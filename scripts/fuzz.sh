#!/usr/bin/env bash
# Builds and runs every fuzz target (fuzz/, cargo-fuzz with libFuzzer) for
# SECONDS_PER_TARGET seconds each (default 10), one after the other, and prints
# per target the executions, the coverage reached (libFuzzer's `cov`: edges, and
# `ft`: features) and the crashes. Exits 1 when a target crashed (or timed out on
# an input, or ran out of memory); the input is saved under
# target/fuzz/artifacts/<target>/ and its path printed. FUZZ_TIMEOUT (default
# 20) is the seconds one input may run before it counts as a hang: libFuzzer
# measures wall time, so on a busy or niced machine raise it (the slowest corpus
# input takes well under a second alone).
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   bash scripts/fuzz.sh --seed     # rebuild fuzz/corpus/ from the case files (cmin)
#
# The committed corpus (fuzz/corpus/<target>/) is read, never written: new
# inputs go to target/fuzz/corpus/<target>/, which later runs read too (delete it
# to start over). Toolchain: cargo-fuzz passes nightly `-Z` flags; on a stable
# toolchain RUSTC_BOOTSTRAP=1 lets them through. FUZZ_SANITIZER picks the
# sanitizer (default `address`; `none` runs about twice as fast).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export RUSTC_BOOTSTRAP=1

CARGO_FUZZ_VERSION=0.13.2
SANITIZER="${FUZZ_SANITIZER:-address}"
TIMEOUT="${FUZZ_TIMEOUT:-20}"
TARGET_DIR="$PWD/target/fuzz"
ALL_TARGETS=(load analyze netpol quantity share protocol hpa vpa disruption failover)

say() { printf '\033[1m[fuzz]\033[0m %s\n' "$*"; }

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  say "installing cargo-fuzz $CARGO_FUZZ_VERSION (about 3 minutes)"
  cargo install --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION" --force
fi

build() {
  say "building the fuzz targets (sanitizer: $SANITIZER)"
  cargo fuzz build --fuzz-dir fuzz --target-dir "$TARGET_DIR" -s "$SANITIZER" "$@"
}

BIN_DIR="$TARGET_DIR/x86_64-unknown-linux-gnu/release"

if [ "${1:-}" = "--seed" ]; then
  build
  seeds="$TARGET_DIR/seeds"
  rm -rf "$seeds"
  python3 scripts/fuzz-seed.py "$seeds"
  for target in "${ALL_TARGETS[@]}"; do
    rm -rf "fuzz/corpus/$target"
    mkdir -p "fuzz/corpus/$target"
    # What cargo fuzz cmin runs: merge into an empty directory keeps one input per feature.
    "$BIN_DIR/$target" -merge=1 -timeout="$TIMEOUT" -rss_limit_mb=2048 "fuzz/corpus/$target" "$seeds/$target" 2>&1 \
      | grep -E '^MERGE-OUTER: [0-9]+ new files' || true
  done
  du -sh fuzz/corpus
  exit 0
fi

SECONDS_PER_TARGET="${1:-10}"
shift || true
TARGETS=("$@")
[ "${#TARGETS[@]}" -gt 0 ] || TARGETS=("${ALL_TARGETS[@]}")

build
failed=()
printf '\n%-11s %7s %12s %8s %8s %7s %s\n' target seconds executions edges features rss result
for target in "${TARGETS[@]}"; do
  work="$TARGET_DIR/corpus/$target"
  artifacts="$TARGET_DIR/artifacts/$target"
  log="$TARGET_DIR/logs/$target.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")" "fuzz/corpus/$target"
  status=0
  # -timeout: one input running longer than this is a crash (the simulators' time bound).
  "$BIN_DIR/$target" "$work" "fuzz/corpus/$target" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout="$TIMEOUT" -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
  executions=$(awk -F':[ \t]+' '/^stat::number_of_executed_units/ {print $2}' "$log" | tail -1)
  # The last status line: `#N  pulse|NEW|REDUCE  cov: E ft: F corp: ...`.
  edges=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')
  features=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | awk '{print $2}')
  rss=$(awk -F':[ \t]+' '/^stat::peak_rss_mb/ {print $2}' "$log" | tail -1)
  result=ok
  if [ "$status" -ne 0 ]; then
    result="CRASH $(grep -oE "Test unit written to [^ ]+" "$log" | tail -1 | sed 's/Test unit written to //')"
    failed+=("$target")
  fi
  printf '%-11s %7s %12s %8s %8s %6sM %s\n' "$target" "$SECONDS_PER_TARGET" "${executions:-?}" "${edges:-?}" "${features:-?}" "${rss:-?}" "$result"
done

if [ "${#failed[@]}" -gt 0 ]; then
  say "crashed: ${failed[*]} (logs in $TARGET_DIR/logs/, inputs in $TARGET_DIR/artifacts/)"
  for target in "${failed[@]}"; do
    grep -m 5 -E "panicked at|ERROR: libFuzzer|==ERROR|SUMMARY" "$TARGET_DIR/logs/$target.log" | sed "s/^/  $target: /"
  done
  exit 1
fi
say "no crash"
