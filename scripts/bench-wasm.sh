#!/usr/bin/env bash
# The NetworkPolicy engine and scaling lab benchmarks in wasm under Node;
# prints build/view times per cluster size, and the HPA day's and the VPA
# week's simulation times. `bash scripts/bench-wasm.sh scaling` runs only the
# scaling lab, `netpol` only the NetworkPolicy engine. WASM_BINDGEN_USE_BROWSER=1 runs it in
# headless Chromium instead. Figures: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-browser
export PATH="$HOME/.cargo/bin:$PATH"
case "${1:-all}" in
  netpol) tests=(--test wasm_netpol_bench) ;;
  scaling) tests=(--test wasm_scaling_bench) ;;
  *) tests=(--test wasm_netpol_bench --test wasm_scaling_bench) ;;
esac
cargo test --locked --release -p kubeplay-core --features wasm --target wasm32-unknown-unknown \
  "${tests[@]}" -- --nocapture
