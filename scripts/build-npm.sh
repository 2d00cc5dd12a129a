#!/usr/bin/env bash
# Builds the npm package `kubeplay` into target/npm/kubeplay/ (not published from
# here): the JS API's optimised wasm and wasm-bindgen's `--target web` glue
# (scripts/build-js-api.sh), an entry module that initialises the wasm on
# import in browsers (fetch) and in Node >= 20 (the file's bytes), the
# TypeScript declarations generated from the Rust types (kubeplay-core's `ts`
# feature, core/examples/typescript.rs), the <kube-play> custom element
# (npm/kube-play.js, its worker, stylesheet and declarations), package.json
# and npm/README.md.
# See docs/embedding.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-js-api.sh

out=target/npm/kubeplay
rm -rf "$out"
mkdir -p "$out"
cp target/js-api/kubeplay_core.js target/js-api/kubeplay_core_bg.wasm "$out/"
cp npm/README.md "$out/README.md"
cp npm/kube-play.js npm/kube-play-worker.js npm/kube-play.css npm/kube-play.d.ts "$out/"

# index.d.ts, and the names of the functions it declares (one a line).
names=$(cargo run -q -p kubeplay-core --locked --features ts --example typescript -- "$out/index.d.ts")

version=$(awk '/^\[workspace.package\]$/ { section = 1; next } /^\[/ { section = 0 }
  section && $1 == "version" { gsub(/"/, "", $3); print $3; exit }' Cargo.toml)
[ -n "$version" ] || { echo "build-npm: no version in Cargo.toml's [workspace.package]" >&2; exit 1; }

{
  cat <<'JS'
// The kubeplay package's entry module, written by scripts/build-npm.sh. It
// initialises the engine's WebAssembly once, when it is imported: read from the
// package's directory where this module is a file (Node >= 20), fetched next
// to it otherwise (browsers). Then every function is ready and synchronous.
import init from "./kubeplay_core.js";

const wasm = new URL("./kubeplay_core_bg.wasm", import.meta.url);
if (wasm.protocol === "file:") {
  const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ "node:fs/promises");
  await init({ module_or_path: await readFile(wasm) });
} else {
  await init({ module_or_path: wasm });
}

JS
  printf 'export {\n'
  printf '%s\n' "$names" | sed 's/.*/  &,/'
  printf '} from "./kubeplay_core.js";\n'
} > "$out/index.js"

cat > "$out/package.json" <<JSON
{
  "name": "kubeplay",
  "version": "$version",
  "description": "Kubernetes policy playground engine: NetworkPolicy, quotas, Pod Security, scaling and resilience analyses over manifests, in WebAssembly",
  "license": "Apache-2.0",
  "type": "module",
  "main": "./index.js",
  "types": "./index.d.ts",
  "exports": {
    ".": {
      "types": "./index.d.ts",
      "default": "./index.js"
    },
    "./kube-play.js": {
      "types": "./kube-play.d.ts",
      "default": "./kube-play.js"
    },
    "./kube-play.css": "./kube-play.css",
    "./kube-play-worker.js": "./kube-play-worker.js",
    "./kubeplay_core_bg.wasm": "./kubeplay_core_bg.wasm",
    "./package.json": "./package.json"
  },
  "files": [
    "index.js",
    "index.d.ts",
    "kubeplay_core.js",
    "kubeplay_core_bg.wasm",
    "kube-play.js",
    "kube-play-worker.js",
    "kube-play.css",
    "kube-play.d.ts",
    "README.md"
  ],
  "sideEffects": true,
  "engines": {
    "node": ">=20"
  }
}
JSON
ls -l "$out"
