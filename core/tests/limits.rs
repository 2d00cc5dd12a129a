//! Input limits, tested like features: each hostile input gets a located error
//! diagnostic, never a panic, a hang or unbounded memory, and the rest of the
//! input still loads. Limits are documented in docs/limits.md.

use kubeplay_core::{Input, Limits, load, load_with_limits};
use proptest::prelude::*;

const GOOD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: survivor\n";

fn load_codes(text: &[u8]) -> (Vec<String>, Vec<String>) {
    let loading = load(&[Input { name: "hostile.yaml", bytes: text }]);
    let codes = loading.diagnostics.iter().map(|d| d.code.clone()).collect();
    let names = loading.inventory.objects.iter().map(|o| o.name().to_owned()).collect();
    (codes, names)
}

fn with_good_document(hostile: &[u8]) -> Vec<u8> {
    let mut text = hostile.to_vec();
    text.extend_from_slice(b"\n---\n");
    text.extend_from_slice(GOOD.as_bytes());
    text
}

#[test]
fn billion_laughs_is_refused_and_the_next_document_loads() {
    let mut bomb = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  l0: &l0 \"lol\"\n");
    for level in 1..=9 {
        let refs = vec![format!("*l{}", level - 1); 9].join(", ");
        bomb.push_str(&format!("  l{level}: &l{level} [{refs}]\n"));
    }
    let (codes, names) = load_codes(&with_good_document(bomb.as_bytes()));
    assert_eq!(codes, ["limit-alias-expansion"]);
    assert_eq!(names, ["survivor"]);
}

#[test]
fn twenty_mib_scalar_is_refused() {
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata:\n  blob: {}\n",
        "x".repeat(20 * 1024 * 1024)
    );
    let (codes, names) = load_codes(&with_good_document(text.as_bytes()));
    assert_eq!(codes, ["limit-scalar-size"]);
    assert_eq!(names, ["survivor"]);
}

#[test]
fn ten_thousand_documents_load() {
    let text: String =
        (0..10_000).map(|i| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n---\n")).collect();
    let (codes, names) = load_codes(text.as_bytes());
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(names.len(), 10_000);
}

#[test]
fn documents_over_the_limit_are_reported_once() {
    let limits = Limits { max_documents: 100, ..Limits::default() };
    let text: String =
        (0..150).map(|i| format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm-{i}}}\n---\n")).collect();
    let loading = load_with_limits(&[Input::new("many.yaml", &text)], &limits);
    assert_eq!(loading.inventory.objects.len(), 100);
    let limit: Vec<_> = loading.diagnostics.iter().filter(|d| d.code == "limit-documents").collect();
    assert_eq!(limit.len(), 1);
    assert_eq!((limit[0].location.doc, limit[0].location.span.line), (101, 401));
}

#[test]
fn nesting_ten_thousand_deep_is_refused_in_flow_and_block_style() {
    let flow = format!("a: {}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let (codes, names) = load_codes(&with_good_document(flow.as_bytes()));
    assert_eq!(codes, ["limit-depth"]);
    assert_eq!(names, ["survivor"]);

    let block: String = (0..10_000).map(|depth| format!("{}k{depth}:\n", " ".repeat(depth))).collect();
    let (codes, names) = load_codes(&with_good_document(block.as_bytes()));
    assert_eq!(codes, ["limit-depth"]);
    assert_eq!(names, ["survivor"]);
}

#[test]
fn invalid_utf8_is_located() {
    let mut text = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf".to_vec();
    text.extend_from_slice(&[0xC3, 0x28, b'\n']);
    let loading = load(&[Input { name: "latin1.yaml", bytes: &with_good_document(&text) }]);
    let d = &loading.diagnostics[0];
    assert_eq!(
        (d.code.as_str(), d.location.doc, d.location.span.line, d.location.span.column),
        ("invalid-utf8", 1, 4, 12)
    );
    assert_eq!(loading.inventory.objects.len(), 1);
}

#[test]
fn nul_bytes_are_a_syntax_error() {
    let (codes, names) = load_codes(&with_good_document(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\0b}\n"));
    assert_eq!(codes, ["yaml-syntax"]);
    assert_eq!(names, ["survivor"]);
}

#[test]
fn total_input_size_is_limited() {
    let limits = Limits { max_total_bytes: 1024, ..Limits::default() };
    let big = "#".repeat(2048);
    let loading = load_with_limits(&[Input::new("small.yaml", GOOD), Input::new("big.yaml", &big)], &limits);
    assert_eq!(loading.inventory.objects.len(), 1);
    assert_eq!(loading.diagnostics[0].code, "limit-input-size");
    assert_eq!(loading.diagnostics[0].location.file, "big.yaml");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Random bytes never panic, and every diagnostic has a real position.
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let loading = load(&[Input { name: "random", bytes: &bytes }]);
        for d in &loading.diagnostics {
            prop_assert!(d.location.span.line >= 1 && d.location.span.column >= 1);
        }
    }

    /// Random YAML-ish text (the characters YAML cares about) never panics.
    #[test]
    fn random_yaml_punctuation_never_panics(text in "[a-z:\\-\\[\\]{}&*!|>'\"#%@`,? \n\t0-9]{0,400}") {
        let loading = load(&[Input::new("random.yaml", &text)]);
        for d in &loading.diagnostics {
            prop_assert!(d.location.span.line >= 1 && d.location.span.column >= 1);
        }
    }

    /// Truncating a valid manifest anywhere never panics.
    #[test]
    fn truncated_manifests_never_panic(cut in 0usize..600) {
        let text = include_str!("load/type-errors.yaml");
        let end = text.char_indices().map(|(i, _)| i).find(|&i| i >= cut).unwrap_or(text.len());
        let _ = load(&[Input::new("cut.yaml", &text[..end])]);
    }
}

/// Found by the `failover` fuzz target: pods whose requests add up past
/// i64 on one node overflowed the scheduler's per-node sums (a panic in
/// debug builds, a wrap in release). They now saturate: the node is full.
#[test]
fn requests_summing_past_i64_on_a_node_saturate() {
    let pod = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  nodeName: n1\n  containers: [{{name: c, image: i:1, resources: {{requests: {{cpu: \"9000000000000000\", memory: 8Ei}}}}}}]\n"
        )
    };
    let text = format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: n1, labels: {{topology.kubernetes.io/zone: z}}}}\nstatus: {{allocatable: {{cpu: \"9000000000000000\", memory: 8Ei, pods: \"110\"}}}}\n---\n{}---\n{}",
        pod("a"),
        pod("b")
    );
    let loading = load(&[Input::new("huge.yaml", &text)]);
    let analysis = kubeplay_core::report::analyze_keeping_engine(&loading);
    let playback = analysis.resilience.expect("one node: the cluster is played back");
    assert!(playback.is_ok(), "{:?}", playback.err().and_then(|e| e.diagnostic.map(|d| d.message)));
}

/// Found by the `hpa` fuzz target: ten lone carriage returns at the start of
/// a document put an HPASimulation's warning on line 44 of a file of 34 LF
/// lines. The YAML parser counts a lone CR as a line break (YAML 1.2 §5.4),
/// the document splitter counted LFs only, so a location was counted two ways.
/// Both now count as YAML does, and a lone CR in one document moves the lines
/// of the next one too.
#[test]
fn lone_carriage_returns_count_as_lines_everywhere() {
    let text = "apiVersion: v1\nkind: Pod\r\r\rmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx}]}\n\
                ---\n\r\rapiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec: {containers: [{name: c, image: nginx}]}\nbogus: 2\n";
    let loading = load(&[Input::new("cr.yaml", text)]);
    let bogus = loading.diagnostics.iter().find(|d| d.code == "unknown-field").expect("the unknown field is reported");
    // Lines as YAML counts them: `kind: Pod` 2, three CRs, `metadata` 5, `spec` 6,
    // `---` 7, two CRs, `apiVersion` 10, `kind` 11, `metadata` 12, `spec` 13, `bogus` 14.
    assert_eq!((bogus.location.doc, bogus.location.span.line, bogus.location.span.column), (2, 14, 1), "{bogus:?}");
    let q = loading.inventory.objects.iter().find(|o| o.name() == "q").expect("q loads");
    assert_eq!(q.origin.location.span.line, 10);

    // The fuzzer's input, reduced: the simulation's unknown pod is located on its own line.
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: worker}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: worker}}\n  template:\n    metadata: {labels: {app: worker}}\n    spec: {containers: [{name: w, image: w:1, resources: {requests: {cpu: \"1\"}}}]}\n\
                ---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: worker}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}\n  maxReplicas: 4\n  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]\n\
                ---\n\r\r\r\r\r\r\r\r\r\rapiVersion: kubeplay.dev/v1alpha1\nkind: HPASimulation\nmetadata: {name: one-step}\nspec:\n  pods:\n  - {name: worker-9, usage: {cpu: \"2\"}}\n";
    let loading = load(&[Input::new("hpa.yaml", text)]);
    let run = kubeplay_core::scaling::hpa::simulation::simulate(&loading.inventory);
    let unknown =
        run.diagnostics.iter().find(|d| d.code == "hpasim-unknown-pod").expect("worker-9 is no pod of the Deployment");
    let yaml_lines = text.matches('\n').count() + 10 + 1;
    assert_eq!((unknown.location.span.line, unknown.location.span.column), (34, 6), "{unknown:?}");
    assert!(unknown.location.span.line <= yaml_lines);
}
