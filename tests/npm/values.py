#!/usr/bin/env python3
"""Writes a TypeScript module holding the CLI's real JSON documents, each typed
as the npm package declares that function's value:

    export const v_0: import("kubeplay").Report = { ...`kubeplay analyze --format json` of an example... };

scripts/test.sh type-checks it with tsc next to the installed package, so a
field the declarations lack (an excess property of an object literal), a field
they require that a document lacks, or a field of the wrong type fails the run:
index.d.ts, generated from the Rust types, is held to what the CLI prints.

Usage (from the repository root): python3 tests/npm/values.py KUBEPLAY_BINARY OUT.ts

Every example of core/src/examples/ goes through analyze, check, admit, hpa,
vpa, disrupt and failover (each one whatever the example is about: an input
without an HPASimulation gives hpa's all-`null` document, one that a lab
refuses gives `{error}`, both part of the declared types), explain between its
endpoints and through its Services, and generate for a flow between two of its
endpoints; disrupt and failover also refuse a manifest that does not load. A document counts when the CLI prints JSON, whatever its exit
status (1 is "findings", not "no document"). Each function must have at least
one document, and hpa, vpa, disrupt, failover and explain one that is not
their empty or refused form, so the check cannot pass vacuously.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

EXAMPLES = sorted(Path("core/src/examples").glob("*.yaml"))

# Command → the declared type of its document.
TYPES = {
    "analyze": "Report",
    "check": "CheckOutput",
    "admit": "Admission",
    "hpa": "HpaReport",
    "vpa": "VpaReport",
    "disrupt": "Disruption | kubeplay.Refusal",
    "failover": "FailoverReport | kubeplay.Refusal",
    "explain": "ConnectionExplanation",
    "generate": "GeneratedPolicies",
}


def run(binary, args):
    """The JSON document `kubeplay ARGS` prints, or None when it prints none."""
    done = subprocess.run([binary, *args], capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1, 2):
        sys.exit(f"values.py: kubeplay {' '.join(args)}: exit status {done.returncode}\n{done.stderr}")
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return None


def service_ports(text):
    """(namespace/name, port) of each Service in a manifest, read loosely: enough to pick a port."""
    out = []
    for doc in re.split(r"^---\s*$", text, flags=re.M):
        if not re.search(r"^kind:\s*Service\s*$", doc, flags=re.M):
            continue
        name = re.search(r"^\s+name:\s*(\S+)", doc, flags=re.M)
        namespace = re.search(r"^\s+namespace:\s*(\S+)", doc, flags=re.M)
        port = re.search(r"^\s*-?\s*port:\s*(\d+)", doc, flags=re.M)
        if name and port:
            out.append((f"{namespace.group(1) if namespace else 'default'}/{name.group(1)}", port.group(1)))
    return out


def documents(binary, scratch):
    """(command, args, document) for every example and command; generate's
    flows documents are written into the directory `scratch`."""
    for example in EXAMPLES:
        path = str(example)
        report = None
        for command in ("analyze", "check", "admit", "hpa", "vpa", "disrupt", "failover"):
            document = run(binary, [command, "--format", "json", path])
            if command == "analyze":
                report = document
            if document is not None:
                yield command, [command, path], document
        endpoints = [r["id"] for r in (report or {}).get("netpol", {}).get("reachability", [])]
        questions = [(a, b, "80") for a, b in zip(endpoints, endpoints[1:])]
        if endpoints:
            questions += [(endpoints[0], f"{service}[Service]", port) for service, port in service_ports(example.read_text())]
        for source, destination, port in questions:
            args = ["explain", "--format", "json", "--from", source, "--to", destination, "--port", port, path]
            document = run(binary, args)
            if document is not None:
                yield "explain", args, document
        if len(endpoints) >= 2:
            flows = scratch / f"flows-{example.stem}.json"
            flows.write_text(json.dumps({"flows": [{"from": endpoints[0], "to": endpoints[1], "port": 80}], "dns": True}))
            args = ["generate", "--format", "json", "--flows", str(flows), path]
            document = run(binary, args)
            if document is not None:
                yield "generate", args, document
    # The labs' refusal, `{error}`, on a manifest that does not load.
    broken = scratch / "broken.yaml"
    broken.write_text("kind: Pod\nmetadata: {name: web}\n")
    for command in ("disrupt", "failover"):
        document = run(binary, [command, "--format", "json", str(broken)])
        if document is not None:
            yield command, [command, str(broken)], document


def substantial(command, document):
    """Not the empty or refused form of the command's document."""
    if command == "hpa":
        return document["hpa"] is not None and len(document["steps"]) > 0
    if command == "vpa":
        return "vpas" not in document or len(document["vpas"]) > 0
    if command in ("disrupt", "failover"):
        return "error" not in document
    return True


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: python3 tests/npm/values.py KUBEPLAY_BINARY OUT.ts")
    binary, out = sys.argv[1], Path(sys.argv[2])
    lines = [
        "// Written by tests/npm/values.py: the CLI's JSON documents on every example,",
        "// each typed as the npm package declares that function's value. Do not edit.",
        'import type * as kubeplay from "kubeplay";',
        "",
    ]
    counts = {command: 0 for command in TYPES}
    real = {command: 0 for command in TYPES}
    for n, (command, args, document) in enumerate(documents(binary, out.parent)):
        counts[command] += 1
        real[command] += substantial(command, document)
        lines.append(f"// kubeplay {' '.join(args)}")
        lines.append(f"export const v_{n}: kubeplay.{TYPES[command]} = {json.dumps(document, ensure_ascii=False, indent=1)};")
        lines.append("")
    out.write_text("\n".join(lines))
    print("values.py: " + ", ".join(f"{c} {counts[c]} ({real[c]} not empty)" for c in TYPES))
    missing = [c for c in TYPES if real[c] == 0]
    if missing:
        sys.exit(f"values.py: no real document for {', '.join(missing)}: the type check would prove nothing")


if __name__ == "__main__":
    main()
