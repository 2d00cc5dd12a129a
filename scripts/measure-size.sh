#!/usr/bin/env bash
# Measures what a browser downloads for the playground (dist/ after
# `trunk build --release`: wasm after wasm-opt -Oz, JS, CSS, HTML), raw, gzip -9
# and brotli -q 11, and writes the table into docs/performance.md between the
# size markers. Usage: scripts/measure-size.sh [DIST]
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${1:-dist}"
table=$(mktemp)
{
  echo "| file | raw | gzip -9 | brotli -q 11 |"
  echo "|---|---:|---:|---:|"
  total_raw=0; total_gz=0; total_br=0
  for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css "$dist"/*.html "$dist"/*.svg; do
    [ -f "$f" ] || continue
    raw=$(wc -c < "$f"); gz=$(gzip -9 -c "$f" | wc -c); br=$(brotli -q 11 -c "$f" | wc -c)
    total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
    name=$(basename "$f" | sed -E 's/-[0-9a-f]{15,16}([._])/\1/')
    printf '| %s | %d KB | %d KB | %d KB |\n' "$name" $((raw / 1024)) $((gz / 1024)) $((br / 1024))
  done
  printf '| **total** | **%d KB** | **%d KB** | **%d KB** |\n' $((total_raw / 1024)) $((total_gz / 1024)) $((total_br / 1024))
} > "$table"
cat "$table"
python3 - "$table" <<'PY'
import re, sys
table = open(sys.argv[1]).read()
path = "docs/performance.md"
text = open(path).read()
new = re.sub(r"(<!-- size:begin -->\n).*?(<!-- size:end -->)", lambda m: m.group(1) + table + m.group(2), text, flags=re.S)
open(path, "w").write(new)
PY
rm -f "$table"
