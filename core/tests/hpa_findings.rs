//! The HPA findings `analyze` reports (`docs/semantics/hpa.md §6`), with their
//! codes, lines, messages and area.

use kubeplay_core::{Area, Input, analyze};

fn findings(text: &str) -> Vec<(String, usize, String)> {
    let report = analyze(&[Input::new("m.yaml", text)]);
    report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("hpa-"))
        // The API server's refusal is the loader's validation (area input); the rest is the scaling lab's.
        .inspect(|d| {
            assert_eq!(d.area, if d.code == "hpa-replicas" { Area::Input } else { Area::Scaling }, "{}", d.code)
        })
        .inspect(|d| {
            assert!(
                d.fix.is_some() || matches!(d.code.as_str(), "hpa-exceeds-quota" | "hpa-replicas"),
                "{} has a fix",
                d.code
            )
        })
        .map(|d| (d.code.clone(), d.location.span.line, d.message.clone()))
        .collect()
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: web:1, resources: {requests: {cpu: 100m}}}
      - {name: log, image: log:1}
";

fn hpa(spec: &str) -> String {
    format!(
        "{DEPLOYMENT}---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: h}}\nspec:\n{spec}"
    )
}

#[test]
fn max_below_min_is_the_api_servers_validation_error() {
    let text = hpa(
        "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 5\n  maxReplicas: 2\n  metrics: [{type: Pods, pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: '10'}}}]\n",
    );
    assert_eq!(
        findings(&text),
        [(
            "hpa-replicas".to_owned(),
            20,
            "HorizontalPodAutoscaler \"h\" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`".to_owned()
        )]
    );
}

#[test]
fn targets_missing_or_without_a_scale_subresource() {
    let missing = hpa(
        "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  maxReplicas: 3\n  metrics: [{type: Pods, pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: '10'}}}]\n",
    );
    let found = findings(&missing);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].0.as_str(), found[0].1), ("hpa-target-missing", 18));
    let daemonset = hpa("  scaleTargetRef: {apiVersion: apps/v1, kind: DaemonSet, name: web}\n  maxReplicas: 3\n");
    let found = findings(&daemonset);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].0.as_str(), found[0].1), ("hpa-target-not-scalable", 18));
    assert!(found[0].2.contains("DaemonSet web, which has no scale subresource"), "{}", found[0].2);
}

#[test]
fn utilization_needs_the_request_in_every_container_after_limitrange_defaults() {
    // No metrics: the default cpu 80 % metric, over a container without a cpu request.
    let text = hpa("  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 3\n");
    let found = findings(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].1), ("hpa-utilization-without-request", 17));
    assert!(found[0].2.contains("container log of Deployment web has no cpu request"), "{}", found[0].2);
    // A LimitRange that defaults the request answers it.
    let with_defaults = format!(
        "apiVersion: v1\nkind: LimitRange\nmetadata: {{name: lr}}\nspec:\n  limits: [{{type: Container, defaultRequest: {{cpu: 50m}}}}]\n---\n{text}"
    );
    assert_eq!(findings(&with_defaults), []);
    // An AverageValue target needs no request; ContainerResource reads only its container.
    let average = hpa(
        "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 3\n  metrics:\n  - {type: Resource, resource: {name: cpu, target: {type: AverageValue, averageValue: 50m}}}\n  - {type: ContainerResource, containerResource: {name: cpu, container: web, target: {type: Utilization, averageUtilization: 60}}}\n  - {type: ContainerResource, containerResource: {name: memory, container: web, target: {type: Utilization, averageUtilization: 60}}}\n",
    );
    let found = findings(&average);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].1), ("hpa-utilization-without-request", 23));
    assert!(found[0].2.contains("memory"), "{}", found[0].2);
}
