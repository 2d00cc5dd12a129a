#!/usr/bin/env bash
# Measures what a browser downloads for the playground (dist/ after
# `trunk build --release`: wasm after wasm-opt -Oz, JS, CSS, HTML), raw, gzip -9
# and brotli -q 11, prints the table (Markdown, as docs/performance.md shows it;
# that file is updated by hand), fails when the brotli total is over the ceiling
# and says how far it is from the aim.
# It writes nothing. Usage: scripts/measure-size.sh [DIST]
set -euo pipefail

# Everything a first visit downloads, brotli -q 11. The aim is 560 KB; the page
# is not there yet, so the test run fails only above the ceiling, which catches
# any regression. Lower the ceiling as the page shrinks; never raise it without
# saying why in the commit. Raised from 640 to 820 KB when the scaling and
# resilience labs, the API server's validation and the Scaling view joined the
# one module the page and its worker share (631 → 803 KB; docs/performance.md);
# raised again to 960 KB for the Resilience view and its playback, the VPA panel
# and eight more best-practice rules (803 → 944 KB); and to 970 KB for the
# lessons, interview and checklist views, the rule cards, RBAC validation and the
# removed-API table (944 → 966 KB, after the sort helper took 5 KB back).
# Then to 1005 KB for the sidecars work and more validation (966 → 1000 KB), and
# to 1015 KB for Ingress as a kind and the placement checks (1000 → 1013 KB);
# to 1105 KB for the NetworkPolicy tools in the page: verified fixes with Apply,
# compare mode, generation from the matrix and the bundled traffic layout
# (1013 → 1098 KB); to 1130 KB for the rest of the API server's pod, selector,
# volume, environment, security-context and DNS validation and its pod warnings
# (1100 → 1125 KB); to 1150 KB for the API server's Service, Job, HPA and
# in-tree volume validation and every kind's warnings on create (1125 → 1147 KB);
# to 1155 KB for the Scaling view's preview (a slider's chart drawn from the
# scaling labs alone, in the page for a small text or by the worker) and the
# HPA controller's reuse of unchanged proposals (1147 → 1150 KB); to 1160 KB
# for the disruption lab's indexes and one-pass scheduler, which made the
# 30 000-pod zone failure six times faster natively and five times in wasm
# (1149 → 1156 KB); to 1162 KB for the generation's verification walking only
# the class pairs that egress rules name, which made generation for 1 000 pods
# sixteen times faster (1 187 808 → 1 188 812 bytes); to 1163 KB for lines
# counted as YAML counts them (a lone CR is a line break) in the loader's
# document splitter, a fuzzer-found location bug (1 189 821 → 1 189 945); to
# 1165 KB for the fix search's side effects walked one side at a time and
# reused where the other direction is blind, which made fixes at 10 000 pods
# four times faster (1 189 945 → 1 191 660); to 1168 KB for the fix
# verification sharing the current engine's classes, policies and views,
# which made fixes at 10 000 pods about four times faster again
# (1 191 660 → 1 194 847); to 1169 KB for the disruption lab's scheduling
# records sharing their refusing nodes (the zone failure's first run in wasm
# much faster), the scheduler's failure memo and the StatefulSet's
# ordinal scan (a fuzzer's slow input about twice as fast)
# (1 194 847 → 1 196 344); to 1172 KB for reading unquoted scalars as
# kubectl does (YAML 1.1: `defaultMode: 0400` is 256, not a string refused as
# no integer; docs/semantics/yaml.md), a false error on public manifests
# and single-quoting the strings it would misread when writing YAML
# (1 196 413 → 1 199 342); to 1174 KB for the scheduler's placement chain
# (a workload's replicas placed one after another keep the feasible nodes in
# heaps instead of filtering every node per replica), which made the
# 30 000-pod zone failure 39 % faster natively and its first run in wasm
# about a quarter faster, within issue 12's 2 s (1 199 735 → 1 201 748); to
# 1175 KB for a `null` where Go keeps a zero value (a map or list element, a
# string, a quantity) read as the API server reads it instead of refusing a
# valid object (public manifests; docs/semantics/yaml.md §5)
# (1 201 748 → 1 202 433); to 1177 KB for number and boolean map keys read
# as the strings kubectl sends (`data: {404: page}`, a false error on a public
# ConfigMap; docs/semantics/yaml.md §3) and four corrected verdicts on public
# manifests (1 202 433 → 1 204 131); to 1178 KB for valid objects no longer
# refused (container restart rules, a VolumeAttributesClass quota scope, a sub
# path into an image volume, the `\'` escape go-yaml reads; three of them the
# Kubernetes documentation's own examples) and objects that fail validation
# refused by admission (1 203 811 → 1 205 889). Lowered to 1132 KB when
# typed objects were read by one path-keeping deserializer over the YAML
# value instead of serde_yaml's wrapped in serde_path_to_error
# (1 205 641 → 1 158 719); to 1133 KB for text after a `...` marker read as
# kubectl reads it (the first object was lost) and null or collection keys
# refused as kubectl refuses them (1 158 719 → 1 159 737); to 1134 KB for
# three false errors on public manifests corrected (a key given twice, base64
# over lines, a CRD's kind with a built-in name; 1 159 737 → 1 160 871).
# Lowered to 1124 KB when wasm-opt stopped inlining functions into their one
# caller whatever their size (1 160 916 → 1 150 097), and to 1116 KB when it
# was told that the first 1024 bytes of memory are unused (→ 1 142 260).
# Raised to 1117 KB for times read as the API server reads them (Go's
# time.Parse rules; objects it refuses were loaded, and a few valid times
# were refused; docs/semantics/yaml.md §11) (1 142 260 → 1 143 250).
aim_brotli_kb=560
ceiling_brotli_kb=1117

cd "$(dirname "$0")/.."
dist="${1:-dist}"
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
if [ "$total_br" -eq 0 ]; then
  echo "no site in $dist: run trunk build index.html --release first" >&2
  exit 1
fi
if [ "$total_br" -gt $((ceiling_brotli_kb * 1024)) ]; then
  echo "page weight $((total_br / 1024)) KB brotli is over the ceiling of ${ceiling_brotli_kb} KB" >&2
  exit 1
fi
if [ "$total_br" -gt $((aim_brotli_kb * 1024)) ]; then
  echo "page weight $((total_br / 1024)) KB brotli: under the ceiling of ${ceiling_brotli_kb} KB, $(((total_br + 1023) / 1024 - aim_brotli_kb)) KB over the aim of ${aim_brotli_kb} KB"
else
  echo "page weight $((total_br / 1024)) KB brotli, within the aim of ${aim_brotli_kb} KB"
fi
