//! Data-driven loading tests (rust-analyzer's `check(input, expect)` style): each
//! `tests/load/NAME.yaml` is loaded as file `NAME.yaml`, and the objects and
//! diagnostics are compared with `tests/load/NAME.expected`, a plain-text snapshot
//! reviewed like code. `UPDATE_EXPECT=1 cargo test -p kubeplay-core --test loading`
//! rewrites the snapshots; review the diff before committing.

use std::fmt::Write as _;
use std::path::Path;

use kubeplay_core::{Input, load};

/// One case file of `tests/load/`, loaded.
fn load_case(name: &str) -> kubeplay_core::Loading {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/load").join(name))
        .expect("case text");
    load(&[Input::new(name, &text)])
}

fn first_config_map(loading: &kubeplay_core::Loading) -> Option<&k8s_openapi::api::core::v1::ConfigMap> {
    loading.inventory.objects.iter().find_map(|o| match &o.object {
        kubeplay_core::model::Object::ConfigMap(c) => Some(c.as_ref()),
        _ => None,
    })
}

fn render(name: &str, text: &str) -> String {
    let loading = load(&[Input::new(name, text)]);
    let mut out = String::from("objects:\n");
    for object in &loading.inventory.objects {
        let _ = writeln!(
            out,
            "  {} {} (doc {}, line {})",
            object.object.api_version(),
            object.id(),
            object.origin.location.doc,
            object.origin.location.span.line
        );
    }
    out.push_str("namespaces:\n");
    for ns in &loading.inventory.namespaces {
        let labels: Vec<String> = ns.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(
            out,
            "  {} [{}]{}",
            ns.name,
            labels.join(", "),
            if ns.declared_by.is_some() { "" } else { " (implicit)" }
        );
    }
    out.push_str("diagnostics:\n");
    for d in &loading.diagnostics {
        let path = d.location.path.as_deref().map(|p| format!(" @ {p}")).unwrap_or_default();
        let _ = writeln!(out, "  doc {} {}{}", d.location.doc, d.to_text(), path);
    }
    out
}

#[test]
fn load_cases_match_their_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/load");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("tests/load").flatten().map(|e| e.path()).collect();
    entries.sort();
    let mut failures = Vec::new();
    let mut cases = 0;
    for path in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json")) {
        cases += 1;
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        let text = std::fs::read_to_string(path).expect("case text");
        let actual = render(name, &text);
        let expected_path = path.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &actual).expect("write snapshot");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!("--- {name}: expected\n{expected}--- actual\n{actual}"));
        }
    }
    assert!(cases >= 10, "the case directory holds the cases");
    assert!(failures.is_empty(), "snapshots differ (UPDATE_EXPECT=1 to rewrite):\n{}", failures.join("\n"));
}

/// The values behind `yaml-1-1-scalars.yaml`'s valid Deployment: what kubectl
/// would send (go-yaml v2's YAML 1.1 reading, then JSON), aliases included.
#[test]
fn unquoted_scalars_carry_kubectl_s_yaml_1_1_values() {
    let loading = load_case("yaml-1-1-scalars.yaml");
    let deployment = loading
        .inventory
        .objects
        .iter()
        .find_map(|o| match &o.object {
            kubeplay_core::model::Object::Deployment(d) => Some(d),
            _ => None,
        })
        .expect("the Deployment loads");
    let spec = &deployment.spec;
    assert_eq!(spec.replicas, Some(10), "1e1 is the float 10, sent as 10");
    let pod = spec.template.spec.as_ref().expect("pod spec");
    assert_eq!(pod.host_network, Some(true), "yes");
    assert_eq!(pod.termination_grace_period_seconds, Some(1000), "1_000");
    assert_eq!(pod.containers[0].ports.as_ref().expect("ports")[0].container_port, 8, "08 is no octal: the float 8");
    let volumes = pod.volumes.as_ref().expect("volumes");
    assert_eq!(volumes[0].secret.as_ref().and_then(|s| s.default_mode), Some(0o400), "0400 is octal");
    let config = volumes[1].config_map.as_ref().expect("configMap");
    assert_eq!(config.default_mode, Some(0o400), "the alias of 0400");
    assert_eq!(config.items.as_ref().expect("items")[0].mode, Some(0o644));
    // A collection's alias, and a merge key, copy what kubectl read.
    for copy in &volumes[2..4] {
        let copy = copy.config_map.as_ref().expect("configMap");
        assert_eq!((copy.default_mode, copy.items.as_ref().expect("items")[0].mode), (Some(0o400), Some(0o644)));
    }
    let kept = first_config_map(&loading).expect("the quoted ConfigMap loads");
    let data = kept.data.as_ref().expect("data");
    assert_eq!(data.get("quoted").map(String::as_str), Some("yes"));
    assert_eq!(data.get("tagged").map(String::as_str), Some("on"));
    assert_eq!(data.get("version").map(String::as_str), Some("010"));
}

/// The values behind `null-zero-values.yaml`: Go's zero values, as the API
/// server stores them.
#[test]
fn nulls_take_go_s_zero_values() {
    let loading = load_case("null-zero-values.yaml");
    let pod = loading
        .inventory
        .objects
        .iter()
        .find_map(|o| match &o.object {
            kubeplay_core::model::Object::Pod(p) if p.metadata.name.as_deref() == Some("worker") => Some(p),
            _ => None,
        })
        .expect("the Pod loads");
    let labels = pod.metadata.labels.as_ref().expect("labels");
    assert_eq!(labels.get("track").map(String::as_str), Some(""));
    let spec = pod.spec.as_ref().expect("spec");
    assert_eq!(spec.node_selector.as_ref().and_then(|s| s.get("disk")).map(String::as_str), Some(""));
    let container = &spec.containers[0];
    assert_eq!(container.args.as_deref(), Some(&["--verbose".to_owned(), String::new()][..]));
    let limits = container.resources.as_ref().and_then(|r| r.limits.as_ref()).expect("limits");
    assert_eq!(limits.get("cpu").map(|q| q.0.as_str()), Some("0"), "a zero quantity");
}

/// Each null filled is another typed read of the object, so a document with
/// more than a bounded number of them gets the type error instead of taking
/// quadratic time.
#[test]
fn filling_nulls_is_bounded() {
    let nulls = vec!["null"; 100_000].join(", ");
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    args: [{nulls}]\n"
    );
    let loading = load(&[Input::new("nulls.yaml", &text)]);
    assert!(loading.inventory.objects.is_empty());
    let codes: Vec<&str> = loading.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["schema-type"]);
    assert!(loading.diagnostics[0].message.contains("args[64]"), "{}", loading.diagnostics[0].message);
}

/// The values behind `quote-escapes.yaml`, as go-yaml reads them.
#[test]
fn quote_escapes_read_as_go_yaml_reads_them() {
    let loading = load_case("quote-escapes.yaml");
    let config_map = first_config_map(&loading).expect("the ConfigMap loads");
    let data = config_map.data.as_ref().expect("data");
    assert_eq!(data.get("quoted").map(String::as_str), Some("echo \"A='x'\""));
    assert_eq!(data.get("plain").map(String::as_str), Some("it\\'s"));
    assert_eq!(data.get("single").map(String::as_str), Some("it\\'s"));
}

/// The keys behind `number-keys.yaml`, as kubectl sends them: strings.
#[test]
fn number_and_boolean_keys_become_strings() {
    let loading = load_case("number-keys.yaml");
    let config_map = first_config_map(&loading).expect("the ConfigMap loads");
    let data = config_map.data.as_ref().expect("data");
    assert_eq!(data.keys().map(String::as_str).collect::<Vec<_>>(), ["404", "503", "true"]);
    assert_eq!(data.get("true").map(String::as_str), Some("enabled"));
    let labels = config_map.metadata.labels.as_ref().expect("labels");
    assert_eq!(labels.get("2024").map(String::as_str), Some("yes"));
    let annotations = config_map.metadata.annotations.as_ref().expect("annotations");
    assert!(annotations.contains_key("1.5"), "{annotations:?}");
}
