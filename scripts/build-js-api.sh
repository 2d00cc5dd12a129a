#!/usr/bin/env bash
# Builds the JS API (kubeplay-core's `wasm` feature: one function per CLI
# analysis) as an ES module for pages that want the engine without the UI:
# target/js-api/kubeplay_core.js + kubeplay_core_bg.wasm. See docs/embedding.md;
# scripts/build-npm.sh makes the npm package from it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-browser
export PATH="${KUBEPLAY_TOOLS:-$HOME/.cache/kubeplay-tools}/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cargo rustc -p kubeplay-core --locked --profile wasm-release --features wasm \
  --target wasm32-unknown-unknown --crate-type cdylib
wasm-bindgen --target web --out-dir target/js-api \
  "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/kubeplay_core.wasm"
# binaryen inlines every function that has one caller, whatever its size;
# keeping those apart leaves the same code, about 7 KB smaller after brotli.
# --low-memory-unused: nothing lives in the first 1024 bytes (Rust's wasm-ld
# puts the 1 MB stack first, growing down towards them, and the data above
# it), so a constant added to a pointer can become the access's offset.
# Both are measured in docs/performance.md, "Page weight"; index.html passes
# the same to Trunk's wasm-opt.
wasm-opt -Oz --one-caller-inline-max-function-size=0 --low-memory-unused --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  target/js-api/kubeplay_core_bg.wasm -o target/js-api/kubeplay_core_bg.wasm
ls -l target/js-api
