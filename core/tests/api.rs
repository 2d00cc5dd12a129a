//! The JS API's functions (`kubeplay_core::api`), natively: the tagged answer,
//! an argument error naming the argument for every function and rule, and
//! hostile texts answered `ok` with error diagnostics, never a panic. That the
//! values are the CLI's bytes is `cli/tests/api_values.rs`.

use kubeplay_core::api::{self, Answer};
use proptest::prelude::*;
use serde_json::{Value, json};

const PODS: &str = "apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, image: postgres}]}
";

/// Bytes no manifest has: control characters, unbalanced flow collections, an
/// undefined alias, a lone surrogate's replacement.
const GARBAGE: &str = "\u{0}\u{1}\u{7f}: [[[{{{ &a *b\n\t- ]]]: \u{fffd}\u{feff}---\n--- !!binary @@\n";

fn pods() -> Value {
    json!([{"name": "pods.yaml", "text": PODS}])
}

fn parsed(answer: &Answer) -> Value {
    serde_json::from_str(&answer.to_json()).expect("the answer is JSON")
}

/// Every function with arguments that work on [`PODS`] (`files` replaced by `input`).
fn calls(input: &Value) -> Vec<(&'static str, Answer)> {
    let flows = json!({"flows": [{"from": "shop/web", "to": "shop/db", "port": 5432}]});
    vec![
        ("analyze", api::analyze(input)),
        ("probe", api::probe(input, &json!({"port": 80}))),
        ("explain", api::explain(input, &json!({"from": "shop/web", "to": "shop/db", "port": 80}))),
        ("graph", api::graph(input, &Value::Null)),
        ("check", api::check(input, &json!({}))),
        ("admit", api::admit(input)),
        ("hpa", api::hpa(input)),
        ("vpa", api::vpa(input)),
        ("disrupt", api::disrupt(input)),
        ("failover", api::failover(input)),
        ("diff", api::diff(input, input, &Value::Null)),
        ("fix", api::fix(input, &json!({"from": "shop/web", "to": "shop/db", "port": 80, "want": "deny"}))),
        ("generate", api::generate(input, &flows, &Value::Null)),
    ]
}

#[test]
fn answers_are_tagged() {
    for (name, answer) in calls(&pods()) {
        let json = parsed(&answer);
        assert_eq!(json["ok"], true, "{name}: {json}");
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["diagnostics", "ok", "value"], "{name}");
        assert!(json["diagnostics"].is_array(), "{name}");
        assert!(json["value"].is_object() || json["value"].is_array(), "{name}: {json}");
        // The value is JSON text of its own too.
        assert_eq!(serde_json::from_str::<Value>(answer.value().unwrap()).unwrap(), json["value"], "{name}");
    }
    let quantity = parsed(&api::quantity(&json!(["1.5Gi", "x"])));
    assert_eq!((quantity["ok"].clone(), quantity["value"][0]["canonical"].clone()), (json!(true), json!("1536Mi")));
    assert_eq!(quantity["value"][1]["valid"], false);
    let version = parsed(&api::version());
    assert_eq!(version["value"]["kubernetes"], kubeplay_core::KUBERNETES_VERSION);
    // An error is `{ok: false, error}` and nothing else.
    let error = parsed(&api::probe(&pods(), &json!({"port": 0})));
    assert_eq!(error.as_object().unwrap().len(), 2, "{error}");
    assert_eq!(error["ok"], false);
    assert!(error["error"].is_string());
}

#[test]
fn one_string_is_one_text_named_input_yaml() {
    let answer = parsed(&api::analyze(&Value::String("apiVersion: v1\nkind: Pod\nmetadata: {name: [x]}\n".into())));
    assert_eq!(answer["ok"], true);
    assert_eq!(answer["diagnostics"][0]["file"], api::DEFAULT_NAME);
    assert_eq!(answer["diagnostics"][0]["line"], 3);
    // The report's diagnostics are the answer's.
    assert_eq!(answer["diagnostics"], answer["value"]["diagnostics"]);
}

#[test]
fn hostile_texts_are_answered_with_error_diagnostics() {
    // Garbage beside good manifests: every function still runs on what loaded.
    let input = json!([{"name": "pods.yaml", "text": PODS}, {"name": "garbage.yaml", "text": GARBAGE}]);
    for (name, answer) in calls(&input) {
        let json = parsed(&answer);
        assert_eq!(json["ok"], true, "{name}: {json}");
        assert!(
            answer.diagnostics().iter().any(|d| d.is_error() && d.location.file == "garbage.yaml"),
            "{name}: {json}"
        );
    }
    // Garbage alone: the functions that need no id answer too.
    let garbage = Value::String(GARBAGE.to_owned());
    for (name, answer) in [
        ("analyze", api::analyze(&garbage)),
        ("probe", api::probe(&garbage, &json!({"port": 80, "externals": ["10.0.0.1"]}))),
        ("graph", api::graph(&garbage, &json!({"group": "namespace"}))),
        ("check", api::check(&garbage, &Value::Null)),
        ("admit", api::admit(&garbage)),
        ("hpa", api::hpa(&garbage)),
        ("vpa", api::vpa(&garbage)),
        ("disrupt", api::disrupt(&garbage)),
        ("failover", api::failover(&garbage)),
        ("diff", api::diff(&garbage, &garbage, &Value::Null)),
        ("explain", api::explain(&garbage, &json!({"from": "external:10.0.0.1", "to": "external:any", "port": 1}))),
    ] {
        let json = parsed(&answer);
        assert_eq!(json["ok"], true, "{name}: {json}");
        assert!(answer.diagnostics().iter().any(|d| d.is_error()), "{name}: {json}");
    }
    let quantity = parsed(&api::quantity(&json!([GARBAGE])));
    assert_eq!((quantity["ok"].clone(), quantity["value"][0]["valid"].clone()), (json!(true), json!(false)));
}

/// (answer, the start of its error): each argument rule of each function.
fn argument_errors() -> Vec<(Answer, &'static str)> {
    let p = pods();
    let null = Value::Null;
    let flows = json!({"flows": [{"from": "shop/web", "to": "shop/db", "port": 5432}]});
    let explain = |options: Value| api::explain(&p, &options);
    let fix = |options: Value| api::fix(&p, &options);
    vec![
        // files, for every function that takes them
        (api::analyze(&json!(7)), "analyze: files: invalid type: integer `7`, expected a sequence"),
        (api::analyze(&null), "analyze: files: invalid type: null, expected a sequence"),
        (api::analyze(&json!({"name": "a", "text": "b"})), "analyze: files: invalid type: map, expected a sequence"),
        (api::analyze(&json!([{"name": "a.yaml"}])), "analyze: files[0]: missing field `text`"),
        (api::analyze(&json!([{"name": "a", "text": 7}])), "analyze: files[0].text: invalid type: integer `7`"),
        (api::analyze(&json!([1, 2])), "analyze: files[0]: invalid type: integer `1`"),
        (api::probe(&json!(true), &json!({"port": 80})), "probe: files: invalid type: boolean"),
        (
            explain(json!({"from": "shop/web", "to": "shop/db", "port": 80, "x": 1})),
            "explain: options.x: unknown field `x`, expected one of `from`, `to`",
        ),
        (api::graph(&json!(1), &null), "graph: files: invalid type"),
        (api::check(&json!(1), &null), "check: files: invalid type"),
        (api::admit(&json!(1)), "admit: files: invalid type"),
        (api::hpa(&json!(1)), "hpa: files: invalid type"),
        (api::vpa(&json!(1)), "vpa: files: invalid type"),
        (api::disrupt(&json!(1)), "disrupt: files: invalid type"),
        (api::failover(&json!(1)), "failover: files: invalid type"),
        (api::diff(&json!(1), &p, &null), "diff: before: invalid type"),
        (api::diff(&p, &json!([{"text": ""}]), &null), "diff: after[0]: missing field `name`"),
        (
            api::fix(&json!(1), &json!({"from": "shop/web", "to": "shop/db", "port": 80, "want": "allow"})),
            "fix: files: invalid type",
        ),
        (api::generate(&json!(1), &flows, &null), "generate: files: invalid type"),
        (api::quantity(&json!([1])), "quantity: quantities[0]: invalid type: integer `1`, expected a string"),
        (api::quantity(&null), "quantity: quantities: invalid type: null"),
        // options: shape, unknown and missing fields
        (api::probe(&p, &null), "probe: options: missing field `port`"),
        (api::probe(&p, &json!([80])), "probe: options: invalid type: sequence, expected an object"),
        (api::check(&p, &json!("v1.25")), "check: options: invalid type: string, expected an object"),
        (api::probe(&p, &json!({"port": 80, "prot": "TCP"})), "probe: options.prot: unknown field `prot`"),
        (api::probe(&p, &json!({"port": "80"})), "probe: options.port: invalid type: string \"80\""),
        (api::probe(&p, &json!({"port": 80.5})), "probe: options.port: invalid type: floating point"),
        (
            api::probe(&p, &json!({"port": 80, "externals": "10.0.0.1"})),
            "probe: options.externals: invalid type: string",
        ),
        (
            api::probe(&p, &json!({"port": 80, "ipblockIgnoresPodIps": "yes"})),
            "probe: options.ipblockIgnoresPodIps: invalid type",
        ),
        (
            api::graph(&p, &json!({"group": "zone"})),
            "graph: options.group: unknown variant `zone`, expected one of `pod`, `namespace`, `auto`",
        ),
        (
            api::check(&p, &json!({"format": "text"})),
            "check: options.format: unknown variant `text`, expected `json` or `sarif`",
        ),
        (api::diff(&p, &p, &json!({"group": "pod"})), "diff: options.group: unknown field `group`"),
        (api::share_fragment(&json!({"tab": "matrix"})), "shareFragment: state: missing field `text`"),
        (api::share_fragment(&json!("apiVersion: v1")), "shareFragment: state: invalid type: string"),
        (
            api::share_fragment(&json!({"text": "", "tab": "matrix", "view": "x"})),
            "shareFragment: state.view: unknown field `view`",
        ),
        (api::generate(&p, &flows, &json!({"port": 1})), "generate: options.port: unknown field `port`"),
        (explain(json!({"to": "shop/db", "port": 80})), "explain: options: missing field `from`"),
        (fix(json!({"from": "shop/web", "to": "shop/db", "port": 80})), "fix: options: missing field `want`"),
        (
            fix(json!({"from": "shop/web", "to": "shop/db", "port": 80, "want": "maybe"})),
            "fix: options.want: unknown variant `maybe`, expected `allow` or `deny`",
        ),
        // the CLI's rules: ports, protocols, addresses, versions
        (api::probe(&p, &json!({"port": 0})), "probe: options.port: `0`: the port must be a number from 1 to 65535"),
        (
            api::probe(&p, &json!({"port": 65536})),
            "probe: options.port: `65536`: the port must be a number from 1 to 65535",
        ),
        (api::probe(&p, &json!({"port": -80})), "probe: options.port: `-80`: the port must be"),
        (
            explain(json!({"from": "shop/web", "to": "shop/db", "port": 70000})),
            "explain: options.port: `70000`: the port must be",
        ),
        (
            fix(json!({"from": "shop/web", "to": "shop/db", "port": 0, "want": "allow"})),
            "fix: options.port: `0`: the port must be",
        ),
        (
            api::probe(&p, &json!({"port": 80, "protocol": "ICMP"})),
            "probe: options.protocol: unknown protocol `ICMP` (expected TCP, UDP or SCTP)",
        ),
        (
            explain(json!({"from": "shop/web", "to": "shop/db", "port": 80, "protocol": "http"})),
            "explain: options.protocol: unknown protocol `http`",
        ),
        (
            fix(json!({"from": "shop/web", "to": "shop/db", "port": 80, "protocol": "", "want": "deny"})),
            "fix: options.protocol: unknown protocol ``",
        ),
        (
            api::probe(&p, &json!({"port": 80, "externals": ["10.0.0.1", "10.0.0.0/33"]})),
            "probe: options.externals[1]: ",
        ),
        (
            api::check(&p, &json!({"pssVersion": "1.25"})),
            "check: options.pssVersion: invalid version \"1.25\": expected `latest` or `v1.N`",
        ),
        // ids the input does not have
        (
            explain(json!({"from": "shop/nope", "to": "shop/db", "port": 80})),
            "explain: options.from: no pod or workload `shop/nope`",
        ),
        (
            explain(json!({"from": "shop/web", "to": "shop/nope", "port": 80})),
            "explain: options.to: no pod or workload `shop/nope`",
        ),
        (
            explain(json!({"from": "shop/web", "to": "shop/nope[Service]", "port": 80})),
            "explain: options.to: no Service `shop/nope[Service]`",
        ),
        (explain(json!({"from": "external:10.0.0.0/99", "to": "shop/db", "port": 80})), "explain: options.from: "),
        (
            fix(json!({"from": "shop/nope", "to": "shop/db", "port": 80, "want": "allow"})),
            "fix: options.from: no pod or workload `shop/nope`",
        ),
        (
            fix(json!({"from": "shop/web", "to": "shop/nope", "port": 80, "want": "allow"})),
            "fix: options.to: no pod or workload `shop/nope`",
        ),
        (
            fix(json!({"from": "shop/web", "to": "shop/web", "port": 80, "want": "deny"})),
            "fix: options: the source and the destination both name shop/web",
        ),
        (
            api::graph(&p, &json!({"blastRadius": "shop/nope"})),
            "graph: options.blastRadius: no node `shop/nope` in the graph",
        ),
        (
            api::graph(&p, &json!({"whoCanReach": "shop/nope"})),
            "graph: options.whoCanReach: no node `shop/nope` in the graph",
        ),
        (
            api::graph(&p, &json!({"blastRadius": "shop/web", "whoCanReach": "shop/db"})),
            "graph: options: blastRadius and whoCanReach cannot be given together",
        ),
        // the flows document, as text and as an object
        (
            api::generate(&p, &json!("flows: [{from: shop/web}]"), &null),
            "generate: flows: line 1, column 9: flows[0]: missing field `to`",
        ),
        (api::generate(&p, &json!({"flow": []}), &null), "generate: flows: "),
        (api::generate(&p, &json!(7), &null), "generate: flows: "),
        (
            api::generate(&p, &json!({"flows": [{"from": "shop/nope", "to": "shop/db", "port": 1}]}), &null),
            "generate: flows: flows[0].from: ",
        ),
    ]
}

#[test]
fn argument_errors_name_the_function_and_the_argument() {
    let mut wrong = Vec::new();
    for (answer, start) in argument_errors() {
        let json = parsed(&answer);
        if json["ok"] != false || !answer.error().is_some_and(|e| e.starts_with(start)) {
            wrong.push(format!("expected {start:?}, got {json}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Any JSON value: what a JavaScript caller might pass anywhere.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        "[a-zA-Z/:.\\[\\]0-9 -]{0,12}".prop_map(Value::String),
        prop::sample::select(vec!["port", "protocol", "from", "to", "want", "group", "name", "text", "flows"])
            .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "port",
                    "protocol",
                    "externals",
                    "from",
                    "to",
                    "want",
                    "group",
                    "blastRadius",
                    "whoCanReach",
                    "pssVersion",
                    "format",
                    "name",
                    "text",
                    "flows",
                    "dns",
                    "x",
                ])
                .prop_map(str::to_owned),
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Whatever the arguments, every function answers a tagged value: no panic,
    /// and an error always names its function.
    #[test]
    fn any_arguments_get_a_tagged_answer(files in any_json(), options in any_json(), flows in any_json()) {
        let answers = [
            ("analyze", api::analyze(&files)),
            ("probe", api::probe(&files, &options)),
            ("explain", api::explain(&files, &options)),
            ("graph", api::graph(&files, &options)),
            ("check", api::check(&files, &options)),
            ("admit", api::admit(&files)),
            ("quantity", api::quantity(&options)),
            ("hpa", api::hpa(&files)),
            ("vpa", api::vpa(&files)),
            ("disrupt", api::disrupt(&files)),
            ("failover", api::failover(&files)),
            ("diff", api::diff(&files, &flows, &options)),
            ("fix", api::fix(&files, &options)),
            ("generate", api::generate(&files, &flows, &options)),
        ];
        for (name, answer) in answers {
            let json = parsed(&answer);
            prop_assert!(json["ok"].is_boolean(), "{}: {}", name, json);
            if let Some(error) = answer.error() {
                prop_assert!(error.starts_with(&format!("{name}: ")), "{}", error);
            }
        }
    }
}

/// The fragment `shareFragment` writes is the page's own share link: it decodes
/// to the state given, as the playground will read it.
#[test]
fn share_fragments_open_the_playground_on_the_state_given() {
    use kubeplay_core::render::share::{SharedState, decode};
    let answer = parsed(&api::share_fragment(&json!({"text": PODS, "tab": "matrix", "line": 5})));
    assert_eq!(answer["ok"], true, "{answer}");
    let fragment = answer["value"].as_str().expect("the value is the fragment");
    assert!(fragment.starts_with("k1."), "{fragment}");
    let state = SharedState { text: PODS.to_owned(), tab: "matrix".to_owned(), example: None, line: Some(5) };
    assert_eq!(decode(fragment), Some(state));
    let example = parsed(&api::share_fragment(&json!({"text": "", "tab": "traffic", "example": "sidecars"})));
    assert_eq!(decode(example["value"].as_str().unwrap()).and_then(|s| s.example).as_deref(), Some("sidecars"));
}

/// `group: "auto"` is the graph worth drawing: per workload while it has at most
/// `DRAWN_NODES_MAX` nodes, else per namespace (`graph::picture`).
#[test]
fn an_auto_graph_is_per_workload_until_it_is_too_large_to_draw() {
    let graph = |input: &Value, group: &str| parsed(&api::graph(input, &json!({"group": group})))["value"].clone();
    assert_eq!(graph(&pods(), "auto"), graph(&pods(), "pod"));
    let mut text = String::new();
    for p in 0..=kubeplay_core::netpol::graph::DRAWN_NODES_MAX {
        text.push_str(&format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p{p}, namespace: shop, labels: {{app: a{p}}}}}\n---\n"
        ));
    }
    let large = json!(text);
    assert_eq!(graph(&large, "auto"), graph(&large, "namespace"));
    assert_ne!(graph(&large, "auto"), graph(&large, "pod"));
}
