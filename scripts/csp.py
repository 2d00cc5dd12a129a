#!/usr/bin/env python3
"""Trunk post-build hook: adds a strict Content-Security-Policy to index.html.

Trunk's loader is one inline module script whose text names the hashed asset
files, so its hash changes with every build; this hook hashes the script as
built and allows exactly that. Nothing else inline runs, nothing loads from
another origin, and 'wasm-unsafe-eval' is the one grant WebAssembly needs.
"""
import base64
import hashlib
import os
import re
import sys

staging = os.environ.get("TRUNK_STAGING_DIR")
if not staging:
    sys.exit("csp.py runs as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)")
if os.environ.get("TRUNK_PROFILE") == "debug":
    # `trunk serve` (debug) injects its live-reload script after this hook runs;
    # the policy is for what gets published: release builds.
    sys.exit(0)
path = os.path.join(staging, "index.html")
html = open(path, encoding="utf-8").read()
scripts = re.findall(r"<script type=\"module\">(.*?)</script>", html, flags=re.S)
if len(scripts) != 1:
    sys.exit(f"csp.py: expected Trunk's one inline loader script, found {len(scripts)}")
digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode()
policy = "; ".join([
    "default-src 'none'",
    f"script-src 'self' 'wasm-unsafe-eval' 'sha256-{digest}'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
])
meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}" />'
html = html.replace("<meta charset=\"utf-8\" />", "<meta charset=\"utf-8\" />\n    " + meta, 1)
if meta not in html:
    sys.exit("csp.py: no <meta charset> to put the policy after")
open(path, "w", encoding="utf-8").write(html)
