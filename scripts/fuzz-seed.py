#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs, from the repository's case files, into
OUT/<target>/ (one file per seed). `scripts/fuzz.sh --seed` runs it, then
minimises each directory with `cargo fuzz cmin` into fuzz/corpus/<target>/.

What each target reads (see fuzz/src/input.rs and fuzz/fuzz_targets/*.rs):
- load: the bytes as they are, so every YAML file of the repository as it is;
- analyze, hpa, vpa, disruption, failover: a first byte choosing the mode (even:
  the rest is manifest text; odd: the rest drives the generator), so the manifests
  of the case files behind a 0 byte, plus a few generator inputs;
- quantity: `A B` (two quantities), from core/tests/cases/quantity.yaml;
- share: an odd first byte puts `k1.` before the rest: links to the examples;
- protocol: JSON requests separated by NUL bytes, as the page sends them.
Deterministic: the same tree gives the same seeds.
"""

import base64
import hashlib
import json
import pathlib
import random
import sys
import zlib

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CASE_DIRS = ["tests", "core/tests", "core/src/examples", "cli/tests"]
SIM_TARGETS = ["analyze", "hpa", "vpa", "disruption", "failover"]


def yaml_files():
    for base in CASE_DIRS:
        for path in sorted((ROOT / base).rglob("*.yaml")):
            if "target" not in path.parts:
                yield path


def manifest_texts(path):
    """The manifests a case file holds: the file itself when it is manifests,
    else every string in it that reads as manifests (`objects: |`, `manifests: |`),
    failover cases joined to their base."""
    text = path.read_text(errors="replace")
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return [text]
    if any(isinstance(d, dict) and "kind" in d and "apiVersion" in d for d in documents):
        return [text]
    found = []

    def walk(node):
        if isinstance(node, str) and "apiVersion:" in node and "kind:" in node:
            found.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for document in documents:
        if isinstance(document, dict) and isinstance(document.get("bases"), dict):
            bases = document["bases"]
            for case in document.get("cases") or []:
                if isinstance(case, dict):
                    found.append(bases.get(case.get("base"), "") + (case.get("manifests") or ""))
        else:
            walk(document)
    return found


def wants(target, text):
    return {
        "analyze": True,
        "hpa": "HorizontalPodAutoscaler" in text,
        "vpa": "VerticalPodAutoscaler" in text or "VPASimulation" in text,
        "disruption": "ChaosScenario" in text or "kind: Node" in text,
        "failover": "GlobalLoadBalancer" in text or "DestinationRule" in text,
    }[target]


def share_link_payload(text, tab):
    state = {"text": text, "tab": tab, "example": None, "line": None}
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = compressor.compress(json.dumps(state).encode()) + compressor.flush()
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


def main(out):
    out = pathlib.Path(out)
    seeds = {}

    def add(target, data):
        seeds.setdefault(target, {})[hashlib.sha1(data).hexdigest()] = data

    examples = []
    for path in yaml_files():
        add("load", path.read_bytes())
        for text in manifest_texts(path):
            if path.parent.name == "examples":
                examples.append(text)
            for target in SIM_TARGETS:
                if wants(target, text):
                    add(target, b"\0" + text.encode())
    rng = random.Random(15)
    for target in SIM_TARGETS + ["netpol"]:
        for _ in range(24):
            add(target, bytes([1]) + bytes(rng.randrange(256) for _ in range(rng.randrange(32, 1024))))
    cases = yaml.safe_load((ROOT / "core/tests/cases/quantity.yaml").read_text())
    quantities = sorted({str(case["in"]) for case in cases.get("parse", []) if isinstance(case, dict) and "in" in case})
    for i, q in enumerate(quantities):
        add("quantity", f"{q} {quantities[(i * 7 + 3) % len(quantities)]}".encode())
    for i, text in enumerate(examples):
        add("share", b"\x01" + share_link_payload(text, ["traffic", "findings", "security"][i % 3]))
        run = i + 1
        requests = [
            {"Analyze": {"run": run, "text": text, "example": None}},
            {"Probe": {"run": run, "port": 80, "protocol": "TCP"}},
            {"Explain": {"run": run, "query": {"from": "default/a", "to": "default/b", "port": 80, "protocol": "TCP"}}},
            {"Export": {"run": run, "format": ["Json", "Markdown"][i % 2]}},
        ]
        add("protocol", b"\0".join(json.dumps(r).encode() for r in requests))
    for target, by_hash in sorted(seeds.items()):
        directory = out / target
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in by_hash.items():
            (directory / name).write_bytes(data)
        print(f"{target}: {len(by_hash)} seeds")


if __name__ == "__main__":
    main(sys.argv[1])
