#!/usr/bin/env bash
# Runs every test: formatting and lints, native tests (core, CLI, conformance),
# the npm package (built, imported in Node against the CLI and in Chromium, its
# declarations under tsc, the CLI's JSON documents type-checked against them),
# the browser end-to-end tests against the built site and the package's
# <kube-play> docs page (opt-in: KUBEPLAY_BROWSER=1, set here), the JS API
# under wasm-bindgen-test in headless Chromium,
# every fuzz target for a short bounded time (KUBEPLAY_FUZZ_SECONDS, default 10),
# then the page weight against its ceiling and aim. Installs what is missing first. It
# writes no tracked file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="${KUBEPLAY_TOOLS:-$HOME/.cache/kubeplay-tools}/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# A test run starts from a fresh clone on CI: incremental caches would only take
# disk (several GB across the test binaries), never save a rebuild.
export CARGO_INCREMENTAL=0

disk() { printf 'disk: %s free; target/ %s\n' "$(df -h --output=avail . | tail -1 | tr -d ' ')" "$(du -sh target 2>/dev/null | cut -f1)"; }
step() { disk; printf '\n\033[1m== %s\033[0m\n' "$*"; }
trap disk EXIT

step "format"
cargo fmt --all -- --check
cargo fmt --manifest-path fuzz/Cargo.toml -- --check

step "clippy"
# kubeplay-core/ts: the npm package's TypeScript generator (core/src/typescript.rs) too.
cargo clippy --workspace --all-targets --features kubeplay-core/ts --locked -- -D warnings
cargo clippy --manifest-path fuzz/Cargo.toml --target-dir target/fuzz --all-targets --locked -- -D warnings
cargo clippy -p kubeplay-web -p kubeplay-core --features kubeplay-core/wasm --target wasm32-unknown-unknown --locked -- -D warnings

step "build the site (trunk, release, wasm-opt)"
trunk build index.html --release
export KUBEPLAY_DIST="$PWD/dist"
export KUBEPLAY_BROWSER=1

step "npm package: build, import in Node against the CLI and in Chromium, tsc on a sample consumer and the CLI's documents"
bash scripts/build-npm.sh
# The browser suite's docs page (tests/tests/e2e_embedding.rs) uses this build.
export KUBEPLAY_NPM="$PWD/target/npm/kubeplay"
cargo build -p kubeplay-cli --locked
# The package as a user gets it: packed, installed (offline) into a scratch
# ES-module project, where the sample consumer is type-checked.
consumer=target/npm/consumer
rm -rf "$consumer" && mkdir -p "$consumer"
(cd target/npm/kubeplay && npm pack --silent --pack-destination ../consumer >/dev/null)
printf '{ "private": true, "type": "module" }\n' > "$consumer/package.json"
npm install --prefix "$consumer" --offline --no-audit --no-fund --no-save "$consumer"/kubeplay-*.tgz
cp tests/npm/consumer.ts tests/npm/element.ts tests/npm/tsconfig.json tests/npm/tsconfig.values.json "$consumer/"
node tests/npm/node-check.mjs "$consumer" "${CARGO_TARGET_DIR:-target}/debug/kubeplay"
python3 tests/npm/browser-check.py
tsc -p "$consumer"
# The declarations held to what the CLI prints: its JSON documents on every
# example, each typed as the package declares that function's value.
python3 tests/npm/values.py "${CARGO_TARGET_DIR:-target}/debug/kubeplay" "$consumer/values.ts"
tsc -p "$consumer/tsconfig.values.json"

step "native tests (core, cli, web units, conformance, browser end-to-end)"
cargo test --workspace --locked

step "JS API in headless Chromium (wasm-bindgen-test)"
WASM_BINDGEN_USE_BROWSER=1 cargo test -p kubeplay-core --features wasm --target wasm32-unknown-unknown --locked --test wasm_api

step "fuzz targets, ${KUBEPLAY_FUZZ_SECONDS:-10} s each (scripts/fuzz.sh; long campaigns by hand)"
bash scripts/fuzz.sh "${KUBEPLAY_FUZZ_SECONDS:-10}"

step "page weight against its ceiling and aim (docs/performance.md is updated by hand)"
bash scripts/measure-size.sh "$KUBEPLAY_DIST"
