#!/usr/bin/env bash
# Builds and serves the playground at http://127.0.0.1:8080 (rebuilds on change).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-browser
export PATH="${KUBEPLAY_TOOLS:-$HOME/.cache/kubeplay-tools}/node_modules/.bin:$HOME/.cargo/bin:$PATH"
exec trunk serve index.html --address 127.0.0.1 --port 8080 "$@"
