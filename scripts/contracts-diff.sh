#!/usr/bin/env bash
# Usage: scripts/contracts-diff.sh BASE_REV
#
# Shows how every JSON contract changed since BASE_REV: builds the CLI at
# BASE_REV in a temporary git worktree (its own target dir, target/contracts-base),
# runs the invocations of cli/tests/contracts.rs with that binary and with the
# working tree's, and prints a unified diff of every output that differs.
# Exit status: 0 no difference, 1 differences, 2 usage or build failure.
# It writes only under target/; the manifest is rewritten only by
# `UPDATE_CONTRACTS=1 cargo test -p kubeplay-cli --test contracts`.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BASE_REV" >&2
  exit 2
fi
root="$(git rev-parse --show-toplevel)"
cd "$root"
base_commit="$(git rev-parse --verify "$1^{commit}")" || { echo "unknown revision $1" >&2; exit 2; }

target="${CARGO_TARGET_DIR:-$root/target}"
work="$target/contracts-diff"
base_target="$target/contracts-base"
worktree="$work/base-src"
rm -rf "$work"
mkdir -p "$work"
cleanup() { git worktree remove --force "$worktree" >/dev/null 2>&1 || rm -rf "$worktree"; }
trap cleanup EXIT

git worktree add --detach --quiet "$worktree" "$base_commit"
# The first run copies the compiled registry dependencies of this tree's debug build,
# if any (not its workspace crates, test binaries or incremental state), so only
# the workspace crates are compiled for the base.
if [ ! -d "$base_target/debug" ] && [ -d "$target/debug/deps" ]; then
  mkdir -p "$base_target/debug/deps"
  cp -r "$target/debug/.fingerprint" "$target/debug/build" "$base_target/debug/"
  find "$target/debug/deps" -maxdepth 1 -type f \( -name '*.rlib' -o -name '*.rmeta' -o -name '*.so' -o -name '*.d' \) \
    ! -name 'libkubeplay*' ! -name 'kubeplay*' -exec cp -t "$base_target/debug/deps" {} +
fi
echo "building kubeplay at ${base_commit:0:12} …" >&2
CARGO_TARGET_DIR="$base_target" cargo build --quiet --manifest-path "$worktree/Cargo.toml" -p kubeplay-cli
base_bin="$base_target/debug/kubeplay"

# The same invocation list for both binaries: the contract test of the working tree,
# in dump mode (it writes one file per invocation and compares nothing).
dump() {
  KUBEPLAY_CONTRACTS_DUMP="$2" KUBEPLAY_CONTRACTS_BIN="$1" \
    cargo test --quiet -p kubeplay-cli --test contracts -- --exact json_contracts_are_unchanged >/dev/null
}
echo "running the contracts with both binaries …" >&2
cargo build --quiet -p kubeplay-cli
head_bin="$target/debug/kubeplay"
dump "$base_bin" "$work/base"
dump "$head_bin" "$work/head"

cd "$work"
if diff -ru base head; then
  echo "no contract differs from ${base_commit:0:12}" >&2
else
  echo "contracts differ from ${base_commit:0:12} (files named after the command; inputs as in tests/contracts/manifest.tsv)" >&2
  exit 1
fi
