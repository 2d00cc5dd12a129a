//! The edits that solve each training example's exercise, shared by the browser
//! suites (a learner's fix, typed into the editor). Each starts from the example
//! as shipped; core's own tests check the same fixes against the engines.

/// The example's text with `fix` applied (the test fails when the example is unknown).
fn fixed(id: &str, fix: impl Fn(&str) -> String) -> String {
    fix(kubeplay_core::examples::example(id).unwrap_or_else(|| panic!("an example {id}")).yaml)
}

/// The text that solves `id`'s exercise (every goal met), when one is known.
pub fn solution(id: &str) -> Option<String> {
    Some(match id {
        "multi-tier-policy" => fixed(id, |yaml| {
            yaml.replace("          name: monitoring", "          kubernetes.io/metadata.name: monitoring").replace(
                "    - protocol: TCP\n      port: 53 # DNS",
                "    - protocol: TCP\n      port: 53 # DNS\n    - protocol: UDP\n      port: 53",
            )
        }),
        "production-quota" => fixed(id, |yaml| {
            yaml.replace("requests: {cpu: \"4\", memory: 2Gi}", "requests: {cpu: \"3\", memory: 2Gi}")
                .replace("limits: {cpu: \"5\", memory: 1Gi}", "limits: {cpu: \"4\", memory: 1Gi}")
        }),
        "restricted-psp" => fixed(id, |yaml| {
            yaml.replace(
                "    runAsUser: 1000\n  containers:\n  - name: app\n    image: myapp:1.0.0",
                "    runAsUser: 1000\n    seccompProfile: {type: RuntimeDefault}\n  containers:\n  - name: app\n    image: myapp:1.0.0\n    securityContext:\n      allowPrivilegeEscalation: false\n      capabilities: {drop: [ALL]}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n  labels: {pod-security.kubernetes.io/enforce: restricted}",
            )
        }),
        "sidecars" => fixed(id, |yaml| {
            // Both sidecars move to initContainers with restartPolicy: Always,
            // and the policies open what each one needs.
            yaml.replace(
                "spec:\n  containers:\n  # Main application\n  - name: app\n    image: myapp:1.0.0\n    resources:\n      requests: {cpu: 250m, memory: 256Mi}\n    volumeMounts:\n    - name: app-logs\n      mountPath: /var/log/app\n  # Logging sidecar (collects and forwards logs)\n  - name: log-forwarder\n    image: fluent-bit:2.0.0\n",
                "spec:\n  initContainers:\n  # Logging sidecar (collects and forwards logs)\n  - name: log-forwarder\n    image: fluent-bit:2.0.0\n    restartPolicy: Always\n",
            )
            .replace(
                "  volumes:\n  - name: app-logs\n",
                "  containers:\n  # Main application\n  - name: app\n    image: myapp:1.0.0\n    resources:\n      requests: {cpu: 250m, memory: 256Mi}\n    volumeMounts:\n    - name: app-logs\n      mountPath: /var/log/app\n  volumes:\n  - name: app-logs\n",
            )
            .replace(
                "  containers:\n  - name: app\n    image: myapp:1.0.0\n    resources:\n      requests: {cpu: 250m, memory: 256Mi}\n    ports:\n    - containerPort: 5000\n  - name: envoy\n    image: envoyproxy/envoy:v1.26-latest\n",
                "  - name: envoy\n    image: envoyproxy/envoy:v1.26-latest\n    restartPolicy: Always\n",
            )
            .replace(
                "  volumes:\n  - name: envoy-config\n",
                "  containers:\n  - name: app\n    image: myapp:1.0.0\n    resources:\n      requests: {cpu: 250m, memory: 256Mi}\n    ports:\n    - containerPort: 5000\n  volumes:\n  - name: envoy-config\n",
            )
            // The sidecars' own ports, to the same clients as the app's.
            .replace(
                "    ports:\n    - protocol: TCP\n      port: 5000\n",
                "    ports:\n    - protocol: TCP\n      port: 5000\n    - protocol: TCP\n      port: 9095\n    - protocol: TCP\n      port: 8001\n",
            )
                + "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-loki-egress\nspec:\n  podSelector:\n    matchLabels: {app: logging-demo}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - podSelector:\n        matchLabels: {app: loki}\n    ports:\n    - {protocol: TCP, port: 3100}\n"
        }),
        "hpa" => fixed(id, |yaml| {
            yaml.replace("            cpu: 250m\n", "            cpu: 250m\n            memory: 512Mi\n").replace(
                "  maxReplicas: 10\n",
                "  maxReplicas: 10\n  behavior:\n    scaleUp:\n      policies: [{type: Pods, value: 4, periodSeconds: 60}]\n",
            )
        }),
        "vpa" => fixed(id, |yaml| {
            yaml.replace(
                "  updatePolicy:\n    updateMode: \"auto\"",
                "  resourcePolicy:\n    containerPolicies:\n    - containerName: \"*\"\n      controlledResources: [\"memory\"]\n  updatePolicy:\n    updateMode: \"Auto\"",
            )
        }),
        "chaos-engineering" => fixed(id, |yaml| {
            yaml.replace("minAvailable: 3", "minAvailable: 2")
                .replace("topology: ClusterPerRegion", "topology: SingleCluster")
                .replacen(
                    "  replicas: 3\n  selector: {matchLabels: {app: web, region: west}}",
                    "  replicas: 5\n  selector: {matchLabels: {app: web, region: west}}",
                    1,
                )
        }),
        "multi-region-proxy" => fixed(id, |yaml| yaml.replace("replicas: 3", "replicas: 5")),
        "multi-region-dns" => fixed(id, |yaml| {
            yaml.replace("intervalSeconds: 30, unhealthyThreshold: 3", "intervalSeconds: 10, unhealthyThreshold: 3")
                .replace("ttlSeconds: 60", "ttlSeconds: 30")
        }),
        "multi-region-mesh" => {
            fixed(id, |yaml| yaml.replace("baseEjectionTime: 1m}", "baseEjectionTime: 1m, maxEjectionPercent: 100}"))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use kubeplay_core::load::Input;

    /// Every fix solves its exercise (checked by the engines, without a browser), and
    /// every example with an exercise has one.
    #[test]
    fn every_solution_solves_its_exercise() {
        for example in kubeplay_core::examples::EXAMPLES {
            let start = kubeplay_core::load(&[Input::new("example.yaml", example.yaml)]);
            let analysis = kubeplay_core::report::analyze_keeping_engine(&start);
            if kubeplay_core::examples::check_exercise(example.id, &start.inventory, &analysis).is_none() {
                continue;
            }
            let text = super::solution(example.id).unwrap_or_else(|| panic!("a solution for {}", example.id));
            assert_ne!(text, example.yaml, "{}: the fix changes the text", example.id);
            let loading = kubeplay_core::load(&[Input::new("example.yaml", &text)]);
            let analysis = kubeplay_core::report::analyze_keeping_engine(&loading);
            let status = kubeplay_core::examples::check_exercise(example.id, &loading.inventory, &analysis)
                .expect("an exercise");
            assert!(status.solved, "{}: {status:?}", example.id);
        }
    }
}
