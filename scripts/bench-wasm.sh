#!/usr/bin/env bash
# The NetworkPolicy engine, scaling lab and disruption lab benchmarks in wasm
# under Node; prints build/view times per cluster size, the HPA day's and the
# VPA week's simulation times, and the 30 000-pod zone failure's load and
# simulation times. `bash scripts/bench-wasm.sh scaling` runs only the scaling
# lab, `netpol` only the NetworkPolicy engine, `disruption` only the
# disruption lab (not part of `all`: it takes minutes). WASM_BINDGEN_USE_BROWSER=1 runs it in
# headless Chromium instead. Figures: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-browser
export PATH="$HOME/.cargo/bin:$PATH"
case "${1:-all}" in
  netpol) tests=(--test wasm_netpol_bench) ;;
  scaling) tests=(--test wasm_scaling_bench) ;;
  disruption) tests=(--test wasm_disruption_bench) ;;
  *) tests=(--test wasm_netpol_bench --test wasm_scaling_bench) ;;
esac
cargo test --locked --release -p kubeplay-core --features wasm --target wasm32-unknown-unknown \
  "${tests[@]}" -- --nocapture
