//! Function-level admission cases transcribed from upstream (see the YAML headers):
//! `tests/cases/limitranger.yaml` and `tests/cases/pod_resources.yaml`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodSpec;
use kubeplay_core::admission::{
    Container, LimitItem, LimitRangeModel, PodModel, QuotaObject, ResourceList, Subject, must_specify, usage,
};
use kubeplay_core::quantity::Quantity;
use serde_yaml::Value;

fn load(text: &str) -> Value {
    serde_yaml::from_str(text).expect("case file is valid YAML")
}

/// A YAML mapping of resource name → quantity text.
fn list(value: &Value) -> ResourceList {
    let mut out = ResourceList::new();
    if let Some(map) = value.as_mapping() {
        for (k, v) in map {
            let name = k.as_str().expect("resource name").to_owned();
            let text = v.as_str().map(str::to_owned).unwrap_or_else(|| format!("{}", v.as_i64().expect("quantity")));
            out.insert(name, Quantity::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}")));
        }
    }
    out
}

/// Printed form of a resource list, for readable assertion failures.
fn printed(list: &ResourceList) -> BTreeMap<String, String> {
    list.iter().map(|(k, v)| (k.clone(), v.canonical())).collect()
}

fn pod_from(spec: &Value) -> PodModel {
    let spec: PodSpec = serde_yaml::from_value(spec.clone()).expect("pod spec fits the schema");
    let mut bad = Vec::new();
    let pod = PodModel::from_spec("p", "test", &spec, "spec", None, &mut bad);
    assert!(bad.is_empty(), "{bad:?}");
    pod
}

fn replicated_pod(count: u64, requests: &ResourceList, limits: &ResourceList) -> PodModel {
    let containers = (0..count)
        .map(|i| Container {
            name: format!("foo-{i}"),
            sidecar: false,
            requests: requests.clone(),
            limits: limits.clone(),
            path: format!("spec.containers[{i}]"),
        })
        .collect();
    let mut pod = pod_from(&load("containers: []"));
    pod.containers = containers;
    pod
}

#[test]
fn limit_ranger_validation_transcribed() {
    let cases = load(include_str!("cases/limitranger.yaml"));
    let validate = cases["validate"].as_sequence().expect("validate list");
    assert!(validate.len() >= 40);
    for case in validate {
        let name = case["pod"].as_str().expect("pod name");
        let limit = &case["limit"];
        let item = LimitItem {
            type_: limit["type"].as_str().expect("type").to_owned(),
            max: list(&limit["max"]),
            min: list(&limit["min"]),
            default: list(&limit["default"]),
            default_request: list(&limit["defaultRequest"]),
            max_limit_request_ratio: list(&limit["maxLimitRequestRatio"]),
        };
        let range = LimitRangeModel { name: "abc".into(), items: vec![item] };
        let pod = replicated_pod(
            case["containers"].as_u64().expect("containers"),
            &list(&case["requests"]),
            &list(&case["limits"]),
        );
        let errors: Vec<String> = range.validate_pod(&pod).into_iter().map(|f| f.message).collect();
        let expected: Vec<String> = case["errors"]
            .as_sequence()
            .expect("errors")
            .iter()
            .map(|e| e.as_str().expect("error text").to_owned())
            .collect();
        // Several containers fail alike: upstream's aggregate drops duplicates.
        let mut unique = errors.clone();
        unique.dedup();
        assert_eq!(unique, expected, "{name}");
    }
}

/// `ValidateLimitRange` (TestValidateLimitRange's "default value must equal
/// defaultRequest" cases): resources that cannot overcommit need equal defaults.
#[test]
fn limit_range_defaults_of_resources_without_overcommit_must_be_equal() {
    let quantities = |pairs: &[(&str, &str)]| {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), Quantity::parse(v).expect("quantity"))).collect::<ResourceList>()
    };
    let item = LimitItem {
        type_: "Container".into(),
        max: ResourceList::new(),
        min: ResourceList::new(),
        default: quantities(&[("cpu", "1"), ("example.com/gpu", "2"), ("hugepages-2Mi", "4Mi")]),
        default_request: quantities(&[("cpu", "500m"), ("example.com/gpu", "1"), ("hugepages-2Mi", "4Mi")]),
        max_limit_request_ratio: ResourceList::new(),
    };
    let range = LimitRangeModel { name: "lr".into(), items: vec![item] };
    let messages: Vec<String> = range.validate().into_iter().map(|f| f.message).collect();
    // cpu may overcommit; equal huge pages pass; the extended resource does not.
    assert_eq!(
        messages,
        vec![
            "spec.limits[0].defaultRequest[example.com/gpu]: Invalid value: \"1\": default value 2 must equal to defaultRequest value 1 in example.com/gpu"
        ]
    );
}

#[test]
fn limit_ranger_merge_transcribed() {
    let cases = load(include_str!("cases/limitranger.yaml"));
    // validLimitRange()
    let range = LimitRangeModel {
        name: "abc".into(),
        items: vec![
            LimitItem {
                type_: "Pod".into(),
                max: list(&load("{cpu: 200m, memory: 4Gi}")),
                min: list(&load("{cpu: 50m, memory: 2Mi}")),
                default: ResourceList::new(),
                default_request: ResourceList::new(),
                max_limit_request_ratio: ResourceList::new(),
            },
            LimitItem {
                type_: "Container".into(),
                max: list(&load("{cpu: 100m, memory: 2Gi}")),
                min: list(&load("{cpu: 25m, memory: 1Mi}")),
                default: list(&load("{cpu: 75m, memory: 10Mi}")),
                default_request: list(&load("{cpu: 50m, memory: 5Mi}")),
                max_limit_request_ratio: ResourceList::new(),
            },
        ],
    };
    for case in cases["merge"].as_sequence().expect("merge list") {
        let name = case["name"].as_str().expect("name");
        let mut pod = replicated_pod(1, &list(&case["requests"]), &list(&case["limits"]));
        let annotation = range.mutate_pod(&mut pod);
        assert_eq!(annotation.as_deref(), case["annotation"].as_str(), "{name}: annotation");
        let c = &pod.containers[0];
        assert_eq!(printed(&c.requests), printed(&list(&case["effective_requests"])), "{name}: requests");
        assert_eq!(printed(&c.limits), printed(&list(&case["effective_limits"])), "{name}: limits");
    }
}

#[test]
fn pod_usage_transcribed() {
    let cases = load(include_str!("cases/pod_resources.yaml"));
    for case in cases["usage"].as_sequence().expect("usage list") {
        let name = case["name"].as_str().expect("name");
        let mut pod = pod_from(&case["pod"]);
        pod.terminal = case["terminal"].as_bool().unwrap_or(false);
        let object = QuotaObject { resource: "pods".into(), subject: Subject::Pod(Box::new(pod)) };
        assert_eq!(printed(&usage(&object)), printed(&list(&case["usage"])), "{name}");
    }
}

#[test]
fn must_specify_transcribed() {
    let cases = load(include_str!("cases/pod_resources.yaml"));
    for case in cases["constraints"].as_sequence().expect("constraints list") {
        let name = case["name"].as_str().expect("name");
        let pod = pod_from(&case["pod"]);
        let required: Vec<&str> =
            case["required"].as_sequence().expect("required").iter().filter_map(Value::as_str).collect();
        let error = must_specify(&required, &pod).map(|missing| missing.message);
        assert_eq!(error.as_deref(), case["error"].as_str(), "{name}");
    }
}

#[test]
fn pod_requests_and_limits_transcribed() {
    let cases = load(include_str!("cases/pod_resources.yaml"));
    for case in cases["pod_requests"].as_sequence().expect("pod_requests list") {
        let name = case["name"].as_str().expect("name");
        let pod = pod_from(&case["pod"]);
        let with_overhead = !case["exclude_overhead"].as_bool().unwrap_or(false);
        let mut checked = 0;
        if let Some(requests) = case.get("requests") {
            assert_eq!(printed(&pod.requests(with_overhead)), printed(&list(requests)), "{name}: requests");
            checked += 1;
        }
        if let Some(limits) = case.get("limits") {
            assert_eq!(printed(&pod.limits(with_overhead)), printed(&list(limits)), "{name}: limits");
            checked += 1;
        }
        assert!(checked > 0, "{name}: nothing to check");
    }
}

/// pods.go `MatchingResources`: podResources, huge pages and `requests.<extended>`;
/// `requests.storage` belongs to PVCs.
#[test]
fn pod_quota_matching_resources() {
    use kubeplay_core::admission::QuotaModel;
    let pod =
        QuotaObject { resource: "pods".into(), subject: Subject::Pod(Box::new(pod_from(&load("containers: []")))) };
    let quota = |names: &str| QuotaModel {
        name: "q".into(),
        hard: list(&load(names)),
        used: ResourceList::new(),
        scopes: Vec::new(),
    };
    assert!(!quota("{requests.storage: 1Gi}").matches(&pod));
    assert!(!quota("{services: 1, count/services: 1}").matches(&pod));
    for tracked in [
        "{requests.example.com/dongle: 1}",
        "{requests.hugepages-2Mi: 1Gi}",
        "{hugepages-2Mi: 1Gi}",
        "{count/pods: 1}",
        "{limits.ephemeral-storage: 1Gi}",
    ] {
        assert!(quota(tracked).matches(&pod), "{tracked}");
    }
}
