#!/usr/bin/env python3
"""Imports the built npm package in headless Chromium as a browser would (an ES
module from a web server, its wasm fetched next to index.js) and checks the
answers tests/npm/browser-check.html puts in its title.

Usage (scripts/test.sh, from the repository root, after scripts/build-npm.sh):
    python3 tests/npm/browser-check.py
Serves the repository root on a free local port; needs /usr/bin/chromium.
"""

import functools
import html
import http.server
import json
import re
import subprocess
import sys
import threading


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def main() -> int:
    if len(sys.argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with open("target/npm/kubeplay/package.json", encoding="utf-8") as manifest:
        version = json.load(manifest)["version"]
    handler = functools.partial(Quiet, directory=".")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/tests/npm/browser-check.html"
    try:
        dom = subprocess.run(
            ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--virtual-time-budget=20000", "--dump-dom", url],
            capture_output=True, text=True, timeout=120, check=True,
        ).stdout
    finally:
        server.shutdown()
    match = re.search(r"<title>(.*?)</title>", dom, re.S)
    title = html.unescape(match.group(1)) if match else f"no title in {dom!r}"
    expected = f"ok {version} shop/web true"
    if title != expected:
        print(f"browser-check: expected the title {expected!r}, got {title!r}", file=sys.stderr)
        return 1
    print(f"browser-check: ok ({title})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
