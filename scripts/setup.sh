#!/usr/bin/env bash
# Installs what building and testing kubeplay needs, skipping whatever is already
# present: the wasm32 target, wasm-bindgen-cli at exactly Cargo.lock's version,
# Trunk, wasm-opt (npm binaryen), tsc (npm typescript, for the npm package's
# declarations), and — unless called with `--no-browser` —
# Chromium and chromedriver from the OS packages. Nothing downloads at build or
# run time afterwards. Why these versions: wasm-bindgen-cli must equal the
# wasm-bindgen of Cargo.lock (Trunk refuses any other); Trunk 0.22 needs a newer
# Rust than the toolchain here, and 0.21.14 gives the same output; Debian's
# binaryen (108) and the wasm-opt crate (116) cannot read wasm-bindgen's output
# (`table.fill`), npm's binaryen 132 can.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
TYPESCRIPT_VERSION=5.9.3
TOOLS_DIR="${KUBEPLAY_TOOLS:-$HOME/.cache/kubeplay-tools}"
export PATH="$TOOLS_DIR/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wasm_bindgen_version" ]; then
  # Not --locked: its lockfile pins a webpki-roots the registry here lacks.
  say "installing wasm-bindgen-cli $wasm_bindgen_version (about 2 minutes)"
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (about 6 minutes)"
  cargo install --locked trunk --version "$TRUNK_VERSION" --force
fi

if ! "$TOOLS_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
  say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
fi

if [ "$("$TOOLS_DIR/node_modules/.bin/tsc" --version 2>/dev/null)" != "Version $TYPESCRIPT_VERSION" ]; then
  say "installing tsc (npm typescript@$TYPESCRIPT_VERSION) into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund "typescript@$TYPESCRIPT_VERSION"
fi

if [ "${1:-}" != "--no-browser" ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! command -v brotli >/dev/null; then
    say "installing Chromium and chromedriver (OS packages)"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends chromium chromium-driver brotli
  fi
fi

# Trunk builds offline; fetch every crate up front.
cargo fetch --locked
