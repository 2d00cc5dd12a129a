#!/usr/bin/env bash
# The NetworkPolicy engine benchmark in wasm under Node; prints
# build/view times per cluster size. WASM_BINDGEN_USE_BROWSER=1 runs it in
# headless Chromium instead. Figures: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-browser
export PATH="$HOME/.cargo/bin:$PATH"
cargo test --locked --release -p kubeplay-core --features wasm --target wasm32-unknown-unknown \
  --test wasm_netpol_bench -- --nocapture
