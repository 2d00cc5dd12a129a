//! Sidecars in depth: the anatomy of multi-container pods (roles, start and
//! stop order, the request sum with its numbers, who reaches which port,
//! shared volumes) and the traffic sidecars need, checked against the
//! NetworkPolicies, with fixes that are applied and re-checked. Rules: docs/semantics/sidecars.md.

use kubeplay_core::load::Input;
use kubeplay_core::pods::{PodAnatomy, Role, anatomies};

fn load(text: &str) -> kubeplay_core::load::Loading {
    kubeplay_core::load(&[Input::new("pods.yaml", text)])
}

fn anatomy_of(text: &str, object: &str) -> PodAnatomy {
    let loading = load(text);
    assert!(loading.diagnostics.is_empty(), "{:?}", loading.diagnostics);
    anatomies(&loading.inventory)
        .into_iter()
        .find(|a| a.object == object)
        .unwrap_or_else(|| panic!("no anatomy of {object}"))
}

fn example() -> &'static str {
    kubeplay_core::examples::example("sidecars").expect("the sidecars example").yaml
}

/// (containers, first words of what happens) per phase.
fn phases(phases: &[kubeplay_core::pods::Phase]) -> Vec<(Vec<&str>, &str)> {
    phases
        .iter()
        .map(|p| (p.containers.iter().map(String::as_str).collect(), p.what.split(':').next().unwrap_or("")))
        .collect()
}

const NATIVE: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  initContainers:
  - name: migrate
    image: migrate:1
    resources: {requests: {cpu: 500m, memory: 64Mi}}
  - name: proxy
    image: envoy:1
    restartPolicy: Always
    startupProbe: {tcpSocket: {port: 15000}}
    resources: {requests: {cpu: 100m, memory: 128Mi}}
  - name: logs
    image: fluent-bit:2
    restartPolicy: Always
    resources: {limits: {cpu: 50m, memory: 32Mi}}
  - name: warmup
    image: warmup:1
    resources: {requests: {cpu: 300m}}
  containers:
  - name: app
    image: app:1
    resources: {requests: {cpu: 250m, memory: 256Mi}}
";

#[test]
fn native_sidecars_start_in_the_init_sequence_and_stop_last_in_reverse_order() {
    let a = anatomy_of(NATIVE, "default/web");
    let roles: Vec<(&str, Role)> = a.containers.iter().map(|c| (c.name.as_str(), c.role)).collect();
    assert_eq!(
        roles,
        [
            ("migrate", Role::Init),
            ("proxy", Role::Sidecar),
            ("logs", Role::Sidecar),
            ("warmup", Role::Init),
            ("app", Role::App)
        ]
    );
    assert_eq!(
        phases(&a.start),
        [
            (vec!["migrate"], "init container"),
            (vec!["proxy"], "native sidecar"),
            (vec!["logs"], "native sidecar"),
            (vec!["warmup"], "init container"),
            (vec!["app"], "app container"),
        ]
    );
    // The startup probe gates the next container; without one nothing waits.
    assert!(a.start[1].what.ends_with("once its startupProbe has succeeded"), "{}", a.start[1].what);
    assert!(a.start[2].what.contains("as soon as it has been started"), "{}", a.start[2].what);
    // App containers first, then sidecars in reverse order of declaration.
    assert_eq!(
        phases(&a.stop),
        [
            (vec!["app"], "gets SIGTERM, then SIGKILL once the 30 s grace period is over"),
            (vec!["logs"], "native sidecar"),
            (vec!["proxy"], "native sidecar")
        ]
    );
}

#[test]
fn requests_are_the_max_of_the_running_sum_and_each_init_footprint_with_the_numbers() {
    let a = anatomy_of(NATIVE, "default/web");
    let cpu = &a.requests[0];
    assert_eq!(cpu.resource, "cpu");
    // logs has only a limit: the API server copies it into requests.
    assert_eq!(cpu.running, "app 250m + proxy 100m + logs 50m = 400m");
    // warmup runs beside both sidecars started before it.
    assert_eq!(cpu.init, ["migrate 500m = 500m", "warmup 300m + proxy 100m + logs 50m = 450m"]);
    assert_eq!(cpu.pod, "500m");
    assert_eq!(cpu.formula, "max(running 400m, largest init footprint 500m) = 500m");
    let memory = &a.requests[1];
    assert_eq!(memory.running, "app 256Mi + proxy 128Mi + logs 32Mi = 416Mi");
    assert_eq!(memory.init, ["migrate 64Mi = 64Mi", "warmup 0 + proxy 128Mi + logs 32Mi = 160Mi"]);
    assert_eq!(memory.pod, "416Mi");
}

#[test]
fn overhead_and_pod_level_resources_show_in_the_formula() {
    let with_overhead = NATIVE.replace("spec:\n  initContainers:", "spec:\n  overhead: {cpu: 250m}\n  initContainers:");
    let a = anatomy_of(&with_overhead, "default/web");
    assert_eq!(a.requests[0].pod, "750m");
    assert_eq!(
        a.requests[0].formula,
        "max(running 400m, largest init footprint 500m) = 500m, plus the pod overhead 250m = 750m"
    );
    let pod_level =
        NATIVE.replace("spec:\n  initContainers:", "spec:\n  resources: {requests: {cpu: \"2\"}}\n  initContainers:");
    let a = anatomy_of(&pod_level, "default/web");
    assert_eq!(a.requests[0].pod, "2");
    assert!(a.requests[0].formula.starts_with("pod-level resources set cpu to 2"), "{}", a.requests[0].formula);
}

#[test]
fn the_materials_plain_sidecars_start_and_stop_with_the_app() {
    let a = anatomy_of(example(), "default/app-with-logging-sidecar");
    assert_eq!(phases(&a.start), [(vec!["app", "log-forwarder"], "app containers")]);
    assert_eq!(
        phases(&a.stop),
        [(
            vec!["app", "log-forwarder"],
            "all get SIGTERM at the same time, then SIGKILL once the 30 s grace period is over"
        )]
    );
    assert!(a.stop[0].what.contains("may exit before the app has flushed its last logs"));
    // The shared emptyDir: the app writes, the forwarder only reads.
    assert_eq!(a.volumes.len(), 1);
    let mounts: Vec<(&str, bool)> = a.volumes[0].mounts.iter().map(|m| (m.container.as_str(), m.writable)).collect();
    assert_eq!((a.volumes[0].source.as_str(), mounts), ("emptyDir", vec![("app", true), ("log-forwarder", false)]));
}

#[test]
fn envoys_init_check_sets_the_pods_requests_until_envoy_runs_beside_it() {
    let a = anatomy_of(example(), "default/app-with-envoy");
    let cpu = &a.requests[0];
    assert_eq!(
        (cpu.running.as_str(), cpu.init.as_slice()),
        ("app 250m + envoy 100m = 350m", ["config-check 500m = 500m".to_owned()].as_slice())
    );
    assert_eq!(cpu.pod, "500m");
    // Envoy as a native sidecar declared before the check: the check runs beside it.
    let native_first = example().replace(
        "  initContainers:\n  - name: config-check\n",
        "  initContainers:\n  - name: proxy\n    image: envoyproxy/envoy:v1.26-latest\n    restartPolicy: Always\n    resources:\n      requests: {cpu: 100m, memory: 128Mi}\n  - name: config-check\n",
    );
    let a = anatomy_of(&native_first, "default/app-with-envoy");
    assert_eq!(a.requests[0].init, ["config-check 500m + proxy 100m = 600m"]);
    assert_eq!(a.requests[0].pod, "600m");
    // The config map is mounted read-only by the kubelet whatever the mount says.
    assert!(a.volumes[0].mounts.iter().all(|m| !m.writable), "{:?}", a.volumes);
    // Who lands on which port.
    let ports: Vec<(u16, Option<&str>, Vec<&str>)> = a
        .ports
        .iter()
        .map(|p| (p.port, p.container.as_deref(), p.reached_by.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(ports, [(5000, Some("app"), vec![]), (8001, Some("envoy"), vec!["Service envoy-demo:80"])]);
}

const PROBES: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      initContainers:
      - name: mesh
        image: proxy:1
        restartPolicy: Always
        ports: [{name: admin, containerPort: 15021}]
      containers:
      - name: app
        image: app:1
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {httpGet: {path: /ready, port: 15021}}
        livenessProbe: {httpGet: {path: /live, port: admin}}
        startupProbe: {tcpSocket: {port: http}}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports:
  - {name: web, port: 80, targetPort: http}
  - {name: status, port: 15021, targetPort: admin}
  - {name: debug, port: 9000}
  - {name: gone, port: 81, targetPort: grpc}
";

#[test]
fn services_and_probes_land_on_the_container_that_declares_the_port() {
    let a = anatomy_of(PROBES, "shop/api[Deployment]");
    let ports: Vec<(u16, Option<&str>, Vec<&str>)> = a
        .ports
        .iter()
        .map(|p| (p.port, p.container.as_deref(), p.reached_by.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        ports,
        [
            (15021, Some("mesh"), vec!["Service api:15021", "readinessProbe of app"]),
            (8080, Some("app"), vec!["Service api:80", "startupProbe of app"]),
            // No container declares 9000: whatever listens there gets the traffic.
            (9000, None, vec!["Service api:9000"]),
        ]
    );
    // A probe's named port resolves among its own container's ports only.
    assert!(
        a.notes
            .iter()
            .any(|n| n
                == "livenessProbe of app names a port String(\"admin\") that app does not declare: the probe fails"),
        "{:?}",
        a.notes
    );
    assert!(
        a.notes.iter().any(|n| n.starts_with("readinessProbe of app checks port 15021, which mesh declares")),
        "{:?}",
        a.notes
    );
    assert!(a.notes.iter().any(|n| n.starts_with("Service api:81 targets the port named \"grpc\"")), "{:?}", a.notes);
}

#[test]
fn a_jobs_plain_helper_keeps_it_from_completing() {
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: report}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - {name: main, image: r:1}\n      - {name: shipper, image: fluent-bit:2}\n";
    let a = anatomy_of(job, "default/report[Job]");
    assert!(
        a.notes
            .iter()
            .any(|n| n.starts_with("A Job's pod succeeds only when every entry of `containers` has exited: 2"))
    );
    // One container: no anatomy.
    let single = "apiVersion: v1\nkind: Pod\nmetadata: {name: one}\nspec:\n  containers: [{name: a, image: a:1}]\n";
    assert!(anatomies(&load(single).inventory).is_empty());
}

fn findings(text: &str) -> Vec<kubeplay_core::diagnostic::Diagnostic> {
    let report = kubeplay_core::report::analyze_loading(&load(text));
    report
        .diagnostics
        .into_iter()
        .filter(|d| {
            d.code.starts_with("netpol-")
                && matches!(
                    d.code.as_str(),
                    "netpol-service-port-unreachable" | "netpol-scrape-blocked" | "netpol-env-endpoint-blocked"
                )
        })
        .collect()
}

#[test]
fn the_sidecars_traffic_blocked_by_the_materials_policies_is_found_with_fixes_that_work() {
    let found = findings(example());
    let codes: Vec<(&str, usize)> = found.iter().map(|d| (d.code.as_str(), d.location.span.line)).collect();
    let line = |needle: &str| example().lines().position(|l| l.contains(needle)).map(|i| i + 1).unwrap_or(0);
    assert_eq!(
        codes,
        [
            ("netpol-env-endpoint-blocked", line("value: \"http://loki:3100\"")),
            ("netpol-scrape-blocked", line("annotations:")),
            ("netpol-service-port-unreachable", line("- port: 80")),
        ]
    );
    let [loki, scrape, envoy] = &found[..] else { unreachable!() };
    assert!(loki.message.starts_with("container log-forwarder is set to reach http://loki:3100 (LOKI_URL), the Service loki → default/loki[Deployment]:3100/TCP, but the connection is denied: default/default-deny-egress, default/allow-dns restrict egress"), "{}", loki.message);
    assert!(scrape.message.contains("port 9095 (prometheus.io/port), which container metrics-proxy serves, but Prometheus (monitoring/prometheus[Deployment]) may not reach it"), "{}", scrape.message);
    assert!(
        envoy.message.contains("which container envoy serves, but no pod or address may reach that port")
            && envoy.message.ends_with("(of its ports, only 5000 may be reached)"),
        "{}",
        envoy.message
    );
    // Each fix is the smallest new policy opening the blocked side; applied, its finding is gone.
    let loki_fix = loki.fix.as_deref().unwrap_or_default();
    assert!(loki_fix.starts_with("# other fixes, each verified: kubeplay fix --from default/app-with-logging-sidecar --to default/loki[Deployment] --port 3100/TCP --want allow\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"), "{loki_fix}");
    assert!(
        loki_fix.contains("name: allow-egress-app-with-logging-sidecar-loki-3100")
            && loki_fix.contains("policyTypes: [Egress]"),
        "{loki_fix}"
    );
    let scrape_fix = scrape.fix.as_deref().unwrap_or_default();
    assert!(
        scrape_fix.contains("policyTypes: [Ingress]")
            && scrape_fix.contains("matchLabels: {\"kubernetes.io/metadata.name\": \"monitoring\"}")
            && scrape_fix.contains("{protocol: TCP, port: 9095}"),
        "{scrape_fix}"
    );
    assert!(envoy.fix.as_deref().unwrap_or_default().contains("port: 8001"));
    for (finding, code) in [(loki, "netpol-env-endpoint-blocked"), (scrape, "netpol-scrape-blocked")] {
        let fixed = format!("{}---\n{}\n", example(), finding.fix.as_deref().unwrap_or_default());
        let loading = load(&fixed);
        assert!(loading.diagnostics.is_empty(), "{:?}", loading.diagnostics);
        let after = findings(&fixed);
        assert!(!after.iter().any(|d| d.code == code), "{code} after its fix: {after:?}");
        assert_eq!(after.len(), 2, "the other findings stay: {after:?}");
    }
}

/// Both sides blocked (egress of the client, ingress of the server): the fix is two policies.
#[test]
fn a_fix_opens_every_side_that_blocks() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec:
  containers:
  - name: main
    image: c:1
    env: [{name: API, value: \"http://api.backend.svc.cluster.local\"}]
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: backend, labels: {app: api, tier: \"1\"}}
spec:
  containers: [{name: main, image: a:1, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: backend}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress, namespace: shop}
spec: {podSelector: {}, policyTypes: [Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-ingress, namespace: backend}
spec: {podSelector: {}, policyTypes: [Ingress]}
";
    let found = findings(text);
    let blocked: Vec<&str> = found.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(blocked, ["netpol-env-endpoint-blocked", "netpol-service-port-unreachable"]);
    let fix = found[0].fix.as_deref().unwrap_or_default();
    assert_eq!(fix.matches("kind: NetworkPolicy").count(), 2, "{fix}");
    assert!(fix.contains("namespace: shop") && fix.contains("namespace: backend"), "{fix}");
    let fixed = format!("{text}---\n{fix}\n");
    assert!(findings(&fixed).is_empty(), "{:?}", findings(&fixed));
}

#[test]
fn traffic_needs_are_silent_without_policies_and_for_reachable_or_unknown_targets() {
    let no_policies: String =
        example().split("---\n").filter(|doc| !doc.contains("kind: NetworkPolicy")).collect::<Vec<_>>().join("---\n");
    assert!(findings(&no_policies).is_empty());
    // URLs to hosts that are not Services of the input, or garbage, are not guessed at.
    let odd = example()
        .replace("value: \"http://loki:3100\"", "value: \"http://logs.example.com:3100\"")
        .replace("value: \"localhost:5000\"", "value: \"\\u0000:::/\"");
    assert!(!findings(&odd).iter().any(|d| d.code == "netpol-env-endpoint-blocked"));
    // Scrape annotations without a Prometheus in the input: only a port nobody may reach counts.
    let no_prometheus = example()
        .replace("image: prom/prometheus:v2.54.1", "image: grafana/agent:1")
        .replace("labels: {app: prometheus}", "labels: {app: agent}")
        .replace("matchLabels: {app: prometheus}", "matchLabels: {app: agent}");
    let found = findings(&no_prometheus);
    let scrape = found.iter().find(|d| d.code == "netpol-scrape-blocked").expect("9095 is closed to everyone");
    assert!(scrape.message.contains("but no pod or address may reach it"), "{}", scrape.message);
}
