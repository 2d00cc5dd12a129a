//! `kubeplay analyze` as other tools use it: the JSON contract, exit statuses,
//! stdin, and hostile input answered with diagnostics.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn kubeplay(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kubeplay");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(bytes) = stdin {
        input.write_all(bytes).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("wait")
}

fn write_case(name: &str, bytes: &[u8]) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, bytes).expect("write case");
    path
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

const THREE_DOCS: &str = "\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: builder
  namespace: shop
";

#[test]
fn syntax_error_in_the_second_document_keeps_the_others() {
    let path = write_case("three-docs.yaml", THREE_DOCS.as_bytes());
    let output = kubeplay(&["analyze", "--format", "json", path.to_str().expect("utf8")], None);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(report["kubeplay"], env!("CARGO_PKG_VERSION"));
    let objects = report["objects"].as_array().expect("objects");
    let names: Vec<&str> = objects.iter().map(|o| o["name"].as_str().expect("name")).collect();
    assert_eq!(names, ["shop", "builder"]);
    assert_eq!(objects[1]["kind"], "ServiceAccount");
    assert_eq!(objects[1]["apiVersion"], "v1");
    assert_eq!(objects[1]["namespace"], "shop");
    assert_eq!(objects[1]["doc"], 3);
    assert_eq!(objects[1]["line"], 10);
    assert_eq!(objects[0]["namespace"], Value::Null);
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1);
    let d = &diagnostics[0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "yaml-syntax");
    assert_eq!(d["doc"], 2);
    assert_eq!(d["line"], 8);
    // libyaml stops after the last token of the unclosed flow mapping.
    assert_eq!(d["column"], 43);
    assert_eq!(d["file"], path.to_str().expect("utf8"));
    for key in ["severity", "code", "message", "file", "doc", "line", "column", "path"] {
        assert!(d.get(key).is_some(), "diagnostic has {key}");
    }
}

#[test]
fn type_error_is_reported_at_its_line_in_text_format() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: three\n";
    let path = write_case("replicas.yaml", text.as_bytes());
    let output = kubeplay(&["analyze", path.to_str().expect("utf8")], None);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).expect("utf8");
    let first = stdout.lines().next().expect("a line");
    assert_eq!(
        first,
        format!(
            "{}:6:3: error[schema-type]: `spec.replicas`: invalid type: string \"three\", expected an integer",
            path.display()
        )
    );
}

#[test]
fn kind_list_from_stdin_loads_its_items() {
    let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: b}\n";
    let output = kubeplay(&["analyze", "--format", "json", "-"], Some(list.as_bytes()));
    assert_eq!(output.status.code(), Some(0));
    let report = json(&output);
    let kinds: Vec<&str> =
        report["objects"].as_array().expect("objects").iter().map(|o| o["kind"].as_str().expect("kind")).collect();
    assert_eq!(kinds, ["ConfigMap", "Secret"]);
    assert_eq!(report["objects"][0]["file"], "<stdin>");
    assert_eq!(report["objects"][1]["line"], 7);
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(kubeplay(&["analyze", "/nonexistent/file.yaml"], None).status.code(), Some(2));
    assert_eq!(kubeplay(&["analyze", "--format", "xml", "-"], None).status.code(), Some(2));
    assert_eq!(kubeplay(&["frobnicate"], None).status.code(), Some(2));
    assert_eq!(kubeplay(&["--version"], None).status.code(), Some(0));
}

fn hostile_inputs() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..=9 {
        bomb.push_str(&format!("a{level}: &a{level} [{}]\n", vec![format!("*a{}", level - 1); 9].join(", ")));
    }
    let mut random = Vec::with_capacity(1 << 20);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..(1 << 20) {
        // SplitMix64: deterministic "random" bytes.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        random.push((z ^ (z >> 31)) as u8);
    }
    vec![
        ("alias-bomb.yaml", bomb.into_bytes(), "limit-alias-expansion"),
        ("big-scalar.yaml", format!("data: {}\n", "x".repeat(20 << 20)).into_bytes(), "limit-scalar-size"),
        ("deep.yaml", format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(), "limit-depth"),
        ("latin1.yaml", b"kind: Caf\xe9\n".to_vec(), "invalid-utf8"),
        ("nul.yaml", b"kind: a\0b\n".to_vec(), "yaml-syntax"),
        ("random.bin", random, ""),
        (
            "many.yaml",
            (0..10_000)
                .map(|i| format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n---\n"))
                .collect::<String>()
                .into_bytes(),
            "",
        ),
    ]
}

#[test]
fn hostile_inputs_answer_with_json_diagnostics() {
    for (name, bytes, expected_code) in hostile_inputs() {
        let path = write_case(name, &bytes);
        let output = kubeplay(&["analyze", "--format", "json", path.to_str().expect("utf8")], None);
        let code = output.status.code().expect("exited normally, not by a signal");
        assert!(code < 100, "{name}: exit status {code}");
        let report = json(&output);
        let codes: Vec<&str> = report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| d["code"].as_str().expect("code"))
            .collect();
        if expected_code.is_empty() {
            assert!(code <= 1, "{name}");
        } else {
            assert_eq!(codes, [expected_code], "{name}");
            assert_eq!(code, 1, "{name}");
        }
        if name == "many.yaml" {
            assert_eq!(report["objects"].as_array().expect("objects").len(), 10_000);
        }
    }
}
