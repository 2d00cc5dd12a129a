// A sample consumer of the npm package's declarations: scripts/test.sh
// type-checks it (`tsc -p`, tsconfig.json beside it) in a scratch project where
// the packed package is installed. It only has to type-check; node-check.mjs
// and browser-check.py run the package.
import {
  admit,
  analyze,
  analyzeFiles,
  check,
  diff,
  disrupt,
  explain,
  failover,
  fix,
  generate,
  graph,
  hpa,
  probe,
  quantity,
  version,
  vpa,
  type Admission,
  type Answer,
  type CheckOutput,
  type ConnectionExplanation,
  type Diagnostic,
  type Diff,
  type Disruption,
  type FailoverReport,
  type Files,
  type FixReport,
  type GeneratedPolicies,
  type Graph,
  type HpaReport,
  type JsonValue,
  type Kind,
  type Probe,
  type ProbeOptions,
  type QuantityReport,
  type Refusal,
  type Report,
  type Severity,
  type VpaReport,
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

const report: Report | undefined = unwrap(analyze("kind: Pod"));
report?.objects.forEach((o) => {
  const kind: Kind = o.kind;
  const namespace: string | null = o.namespace;
  console.log(kind, o.apiVersion, namespace ?? "-", o.name, `${o.file}:${o.doc}:${o.line}`);
});
report?.diagnostics.map(where);
report?.security.workloads.forEach((w) => {
  const restricted: boolean = w.restricted.pass;
  w.findings.forEach((f) => console.log(w.id, restricted, f.id, f.severity, f.fix, f.line, f.path ?? ""));
  console.log(w.psp?.chosen ?? "no PodSecurityPolicy", w.admission.enforce);
});
const reachable: number | undefined = report?.netpol.reachability[0]?.can_reach;
const pss: string | undefined = report?.security.pss_version;
console.log(reachable, pss, report?.security.objects?.length ?? 0, report?.admission.quotas.length);
const same: Report | undefined = unwrap(analyzeFiles(files));
console.log(same?.kubeplay);
// @ts-expect-error: a report has no such field (it is not JsonValue)
console.log(report?.verdict);
// @ts-expect-error: an object's name is a string
const objectName: number | undefined = report?.objects[0].name;
console.log(objectName);

const explained: ConnectionExplanation | undefined = unwrap(
  explain(files, { from: "shop/web", to: "shop/db[Service]", port: 5432, protocol: null }),
);
if (explained !== undefined) {
  for (const e of Array.isArray(explained) ? explained.map((b) => b.explanation) : [explained]) {
    const allowed: boolean = e.allowed;
    e.ingress.matches.forEach((m) => console.log(m.policy, m.rule, m.peer ?? "every peer", m.location.file, m.location.line));
    console.log(e.from, e.to, e.port, e.protocol, allowed, e.decided_by === "policies", e.egress.isolated, e.summary);
  }
  if (Array.isArray(explained)) console.log(explained[0]?.via_service.target_port);
  // @ts-expect-error: `allowed` is on the explanation, not on a list of them
  console.log(Array.isArray(explained) ? explained.allowed : explained.allowed);
}

const checked: CheckOutput | undefined = unwrap(check(files, { pssVersion: "v1.30" }));
checked?.workloads.forEach((w) => {
  const failing: string[] = w.pss.restricted.failing;
  console.log(w.id, w.pss.baseline.pass, failing, w.pss_messages.restricted ?? "passes", w.psp.length);
  w.findings.forEach((f) => console.log(f.id, f.severity, f.message, f.file, f.doc, f.line, f.column, f.fix));
});
checked?.objects?.forEach((o) => console.log(o.id, o.findings.length));
const sarif: JsonValue | undefined = unwrap(check(files, { format: "sarif", pssVersion: "v1.30" }));
// @ts-expect-error: a check finding has no end_line (the contract prints file, doc, line, column)
console.log(checked?.workloads[0].findings[0].end_line);

const admitted: Admission | undefined = unwrap(admit(files));
admitted?.objects.forEach((d) => {
  const result: "admitted" | "rejected" = d.result;
  const requests: string | undefined = d.pod_requests?.["cpu"];
  console.log(d.kind, d.name, result, d.reason ?? "", d.message ?? "", requests);
});
admitted?.quotas.forEach((q) => console.log(q.namespace, q.name, q.hard["pods"], q.used["pods"]));
// @ts-expect-error: an admission result is `admitted` or `rejected`
const accepted: Admission["objects"][number]["result"] = "accepted";
console.log(accepted);

const scaled: HpaReport | undefined = unwrap(hpa(files));
scaled?.steps.forEach((s) => {
  const replicas: number = s.replicas;
  const limited: string | undefined = s.conditions.ScalingLimited?.reason;
  console.log(s.t, s.currentReplicas, s.desiredReplicas, replicas, limited, s.quota?.message ?? "");
  s.metrics.forEach((m) => console.log(m.name, m.type, m.utilization ?? m.average ?? m.value ?? m.error));
});
const peak: number | null | undefined = scaled?.summary.peakReplicas;
console.log(peak, scaled?.hpa?.name ?? "no HPASimulation", scaled?.target);
// @ts-expect-error: a step's time is a number of seconds
const at: string | undefined = scaled?.steps[0].t;
console.log(at);

const recommended: VpaReport | undefined = unwrap(vpa(files));
if (recommended !== undefined) {
  for (const one of "vpas" in recommended ? recommended.vpas : [recommended]) {
    const target: string | undefined = one.recommendation?.containerRecommendations[0]?.target["cpu"];
    one.pods.forEach((p) => console.log(p.name, p.update.action, p.update.quickOOM, p.update.resourceDiff));
    console.log(one.vpa.namespace, one.vpa.name, target, one.updateOrder, one.peaks);
  }
  // @ts-expect-error: one VPA's output has no `vpas`; narrow first
  console.log(recommended.vpas);
}

const broken: Disruption | Refusal | undefined = unwrap(disrupt(files));
if (broken !== undefined && "error" in broken) {
  const why: string = broken.error;
  console.log(why);
} else if (broken !== undefined) {
  broken.events.forEach((e) => console.log(e.t, e.type, e.node ?? "", e.pod ?? ""));
  broken.final.pdbs.forEach((p) => console.log(p.name, p.disruptionsAllowed, p.condition.status));
  broken.evictions.forEach((e) => console.log(e.pod, e.code, e.allowed ?? "no budget", e.drain ?? ""));
  console.log(broken.settings.horizonSeconds, Object.keys(broken.snapshots));
  // @ts-expect-error: the last state is `final`, not `last`
  console.log(broken.last);
}

const moved: FailoverReport | Refusal | undefined = unwrap(failover(files));
if (moved !== undefined && !("error" in moved)) {
  const mode: string | null = moved.mode;
  moved.timeline.forEach((o) => o.regions.forEach((r) => console.log(o.t, r.region, r.loadRps, r.utilization ?? 0)));
  moved.failover.forEach((f) => console.log(f.region, f.failedAt, f.detectedAt, f.shortfallRps));
  console.log(mode, moved.healthCheck?.intervalSeconds, moved.cluster.final.t, moved.mesh.length);
  // @ts-expect-error: a rate is a number
  const rps: string = moved.failover[0].movedRps;
  console.log(rps);
}

const generated: GeneratedPolicies | undefined = unwrap(
  generate(files, { flows: [{ from: "shop/web", to: "shop/db", port: 5432 }], dns: true }),
);
generated?.policies.forEach((p) => {
  const kind: "NetworkPolicy" = p.kind;
  const types: ("Ingress" | "Egress")[] = p.spec.policyTypes;
  p.spec.ingress?.forEach((r) => r.ports.forEach((port) => console.log(port.protocol, port.port)));
  p.spec.egress?.forEach((r) => r.to.forEach((peer) => console.log(peer.podSelector?.matchLabels)));
  console.log(kind, p.metadata.namespace, p.metadata.name, types, p.spec.podSelector.matchExpressions?.length);
});
// @ts-expect-error: a generated policy's metadata has no labels
console.log(generated?.policies[0].metadata.labels);
const fixes: FixReport | undefined = unwrap(fix(files, { from: "shop/web", to: "shop/db", port: 5432, want: "allow" }));
fixes?.fixes.forEach((f) => {
  const line: number | null = f.line;
  console.log(f.kind === "new-policy", f.object, line, f.patch.map((op) => [op.op, op.path, op.value ?? null]));
  f.side_effects.forEach((e) => console.log(e.source, e.destination, e.port, e.before, e.after));
});
console.log(sarif);

const changed: Diff | undefined = unwrap(diff(files, "kind: Namespace", { ipblockIgnoresPodIps: true }));
changed?.changes.forEach((c) => {
  const ports = c.after.all ? "every port" : c.after.ports.map((p) => `${p.from}-${p.to}/${p.protocol}`).join(",");
  console.log(c.type, c.source, c.destination, ports, c.endpoint ?? "both sides");
});

const v = version();
if (v.ok) console.log(v.value.kubeplay.toUpperCase(), v.value.kubernetes);
