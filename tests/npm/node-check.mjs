// Imports the npm package in Node as a user would — `kubeplay` resolved from a
// project where it is installed, through its package.json `exports` — and holds
// a few of its answers to the CLI's JSON on the same input.
// Usage (scripts/test.sh): node tests/npm/node-check.mjs PROJECT_DIR KUBEPLAY_BINARY
// PROJECT_DIR has node_modules/kubeplay. Run from the repository root: the
// file names given to the CLI and to the package are the same relative paths.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [projectDir, binary] = process.argv.slice(2);
if (!projectDir || !binary) {
  console.error("usage: node tests/npm/node-check.mjs PROJECT_DIR KUBEPLAY_BINARY");
  process.exit(2);
}
// Node's own resolution of `kubeplay` from a module of the project.
const entry = createRequire(resolve(projectDir, "consumer.mjs")).resolve("kubeplay");
const packageDir = dirname(entry);
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
const kubeplay = await import(pathToFileURL(entry).href);

let checks = 0;
function check(name, body) {
  body();
  checks += 1;
  console.log(`ok - ${name}`);
}

/** The parsed JSON `kubeplay ARGS` prints on standard output (any exit status). */
function cli(args) {
  let stdout;
  try {
    stdout = execFileSync(binary, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    stdout = error.stdout;
  }
  return JSON.parse(stdout);
}

const files = (...paths) => paths.map((name) => ({ name, text: readFileSync(name, "utf8") }));

/** The answer is ok and its value is the CLI's document. */
function same(answer, args) {
  assert.equal(answer.ok, true, `kubeplay ${args.join(" ")}: ${answer.error}`);
  assert.deepEqual(answer.value, cli(args), `kubeplay ${args.join(" ")}`);
  assert.ok(Array.isArray(answer.diagnostics));
  return answer.value;
}

const policy = "core/src/examples/multi-tier-policy.yaml";
const quota = "core/src/examples/production-quota.yaml";

check("the package exports what index.d.ts declares, each a function", () => {
  // Once each: an overloaded function (`check`) is declared once per signature.
  const declared = [
    ...new Set(
      [...readFileSync(resolve(packageDir, "index.d.ts"), "utf8").matchAll(/^export function (\w+)\(/gm)].map((m) => m[1]),
    ),
  ];
  assert.ok(declared.length >= 16, declared.join(","));
  assert.deepEqual(Object.keys(kubeplay).sort(), [...declared].sort());
  for (const name of declared) assert.equal(typeof kubeplay[name], "function", name);
});

check("version: the package's version, the CLI's", () => {
  const answer = kubeplay.version();
  assert.equal(answer.ok, true);
  assert.equal(answer.value.kubeplay, manifest.version);
  const printed = execFileSync(binary, ["--version"], { encoding: "utf8" });
  assert.ok(printed.includes(answer.value.kubeplay), printed);
});

check("analyze: the CLI's report, and its diagnostics are the answer's", () => {
  const value = same(kubeplay.analyze(files(quota)), ["analyze", "--format", "json", quota]);
  assert.deepEqual(kubeplay.analyze(files(quota)).diagnostics, value.diagnostics);
});

let pods;
check("probe: the CLI's truth table", () => {
  const value = same(kubeplay.probe(files(policy), { port: 80, protocol: "tcp" }), [
    "probe", "--format", "json", "--port", "80", "--protocol", "tcp", policy,
  ]);
  pods = value.pods;
  assert.ok(pods.length >= 2, pods.join(","));
});

check("explain and fix: the CLI's explanation and fixes", () => {
  const [from, to] = pods;
  same(kubeplay.explain(files(policy), { from, to, port: 80 }), [
    "explain", "--format", "json", "--from", from, "--to", to, "--port", "80/TCP", policy,
  ]);
  for (const want of ["allow", "deny"]) {
    same(kubeplay.fix(files(policy), { from, to, port: 80, want }), [
      "fix", "--format", "json", "--from", from, "--to", to, "--port", "80/TCP", "--want", want, policy,
    ]);
  }
});

check("diff: the CLI's connectivity diff", () => {
  const [before, after] = ["cli/tests/diff/before.yaml", "cli/tests/diff/after.yaml"];
  const value = same(kubeplay.diff(files(before), files(after)), [
    "diff", "--format", "json", "--before", before, "--after", after,
  ]);
  assert.ok(value.changes.length > 0);
});

check("quantity and graph: the CLI's documents", () => {
  same(kubeplay.quantity(["1.5Gi", "100m", "nope"]), ["quantity", "--format", "json", "1.5Gi", "100m", "nope"]);
  same(kubeplay.graph(files(policy), { group: "namespace" }), [
    "graph", "--format", "json", "--group", "namespace", policy,
  ]);
});

check("argument errors: ok false, naming the function and the argument", () => {
  const port = kubeplay.probe(files(policy), { port: 0 });
  assert.equal(port.ok, false);
  assert.match(port.error, /^probe: options\.port: `0`: /);
  assert.equal(kubeplay.probe(files(policy), { port: 80, colour: "red" }).ok, false);
  assert.match(kubeplay.fix(files(policy), { from: "nowhere/nope", to: pods[0], port: 80, want: "allow" }).error,
    /^fix: options\.from: /);
  assert.match(kubeplay.analyze(42).error, /^analyze: files: /);
  assert.match(kubeplay.analyze([{ name: "a.yaml" }]).error, /^analyze: files\[0\]: missing field `text`/);
  assert.match(kubeplay.analyze(() => 1).error, /^analyze: files: a value JSON cannot write/);
  assert.match(kubeplay.quantity(10n).error, /^quantity: quantities: a value JSON cannot write/);
});

check("hostile input: diagnostics, never an exception", () => {
  const nested = "a: " + "[".repeat(100_000);
  const texts = [
    "",
    "\u0000\uFFFF\u202E",
    nested,
    "kind: Pod\nmetadata: {name: [1, 2]}\n",
    "a: &x [*x]\n",
    "--- !!binary\n" + "x".repeat(100_000),
  ];
  for (const text of texts) {
    for (const answer of [kubeplay.analyze(text), kubeplay.probe(text, { port: 80 }), kubeplay.check(text)]) {
      assert.equal(answer.ok, true, answer.error);
      for (const d of answer.diagnostics) {
        assert.ok(["error", "warning", "info"].includes(d.severity), JSON.stringify(d));
        assert.equal(typeof d.message, "string");
        assert.equal(d.file, "input.yaml");
      }
    }
  }
  // A lone surrogate is no Unicode text: an argument error saying so, not an
  // exception; toWellFormed(), as the message suggests, makes it text.
  assert.match(
    kubeplay.analyze("kind: Pod\n# \uD800").error,
    /^analyze: files: a string holds a lone UTF-16 surrogate \(half of a surrogate pair\), which is not Unicode text/,
  );
  assert.equal(kubeplay.analyze("kind: Pod\n# \uD800".toWellFormed()).ok, true);
  const broken = kubeplay.analyze("kind: [");
  assert.ok(broken.diagnostics.some((d) => d.severity === "error"), JSON.stringify(broken.diagnostics));
});

console.log(`node-check: ${checks} checks passed on ${process.version}`);
