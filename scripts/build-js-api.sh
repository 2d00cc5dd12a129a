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
# keeping those apart leaves the same code, about 7 KB smaller after brotli
# (docs/performance.md, "Page weight"), and the browser compiles a function
# it never calls no longer inside one that it does.
wasm-opt -Oz --one-caller-inline-max-function-size=0 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  target/js-api/kubeplay_core_bg.wasm -o target/js-api/kubeplay_core_bg.wasm
ls -l target/js-api
