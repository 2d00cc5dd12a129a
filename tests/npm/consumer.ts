// A sample consumer of the npm package's declarations: scripts/test.sh
// type-checks it (`tsc -p`, tsconfig.json beside it) in a scratch project where
// the packed package is installed. It only has to type-check; node-check.mjs
// and browser-check.py run the package.
import {
  analyze,
  check,
  diff,
  explain,
  fix,
  graph,
  probe,
  quantity,
  version,
  type Answer,
  type Diagnostic,
  type Diff,
  type Files,
  type FixReport,
  type Graph,
  type JsonValue,
  type Probe,
  type ProbeOptions,
  type QuantityReport,
  type Severity,
} from "kubeplay";

const files: Files = [{ name: "app.yaml", text: "kind: Namespace\napiVersion: v1\nmetadata: {name: shop}\n" }];

function where(d: Diagnostic): string {
  const severity: Severity = d.severity;
  const path: string = d.path ?? "";
  return `${d.file}:${d.doc}:${d.line}:${d.column}-${d.end_line}:${d.end_column} ${severity} ${d.code} ${path}`;
}

function unwrap<T>(answer: Answer<T>): T | undefined {
  if (answer.ok) {
    answer.diagnostics.map(where);
    return answer.value;
  }
  const message: string = answer.error;
  console.error(message);
  return undefined;
}

const options: ProbeOptions = { port: 80, protocol: "UDP", externals: ["10.0.0.0/8"], ipblockIgnoresPodIps: true };
const answer = probe(files, options);
if (answer.ok) {
  const table: Probe = answer.value;
  const first: boolean = table.allowed[0][0];
  const port: number = table.port;
  console.log(first, port, table.protocol === "TCP", table.pods.join(","));
} else {
  // @ts-expect-error: no value on an answer that is not ok
  console.log(answer.value);
}

// @ts-expect-error: probe needs a port
probe(files, {});
// @ts-expect-error: options are refused unless declared
probe(files, { port: 80, colour: "red" });
// @ts-expect-error: the verdict is `allow` or `deny`
fix(files, { from: "a/b", to: "a/c", port: 80, want: "maybe" });

const drawn = unwrap(graph(files, { group: "namespace" }));
if (drawn !== undefined && !Array.isArray(drawn)) {
  const g: Graph = drawn;
  g.edges.forEach((e) => e.connections.forEach((c) => console.log(e.from, e.to, c.protocol, c.first, c.last)));
}
graph("kind: Pod", null);

const reports: QuantityReport[] | undefined = unwrap(quantity(["1Gi", "100m"]));
const milli: number | null | undefined = reports?.[0].milli_value;
console.log(milli);

const report: JsonValue | undefined = unwrap(analyze("kind: Pod"));
const explained = unwrap(explain(files, { from: "shop/web", to: "shop/db[Service]", port: 5432, protocol: null }));
const sarif = unwrap(check(files, { format: "sarif", pssVersion: "v1.30" }));
const fixes: FixReport | undefined = unwrap(fix(files, { from: "shop/web", to: "shop/db", port: 5432, want: "allow" }));
fixes?.fixes.forEach((f) => {
  const line: number | null = f.line;
  console.log(f.kind === "new-policy", f.object, line, f.patch.map((op) => [op.op, op.path, op.value ?? null]));
  f.side_effects.forEach((e) => console.log(e.source, e.destination, e.port, e.before, e.after));
});
console.log(report, explained, sarif);

const changed: Diff | undefined = unwrap(diff(files, "kind: Namespace", { ipblockIgnoresPodIps: true }));
changed?.changes.forEach((c) => {
  const ports = c.after.all ? "every port" : c.after.ports.map((p) => `${p.from}-${p.to}/${p.protocol}`).join(",");
  console.log(c.type, c.source, c.destination, ports, c.endpoint ?? "both sides");
});

const v = version();
if (v.ok) console.log(v.value.kubeplay.toUpperCase(), v.value.kubernetes);
